// Wrappers for pack_check_finite.wgsl / pack_int_to_float.wgsl (twin: cpu/pack.ts):
// the sticky fault flag that gates AdamW on the device, and ints into the
// float buffer a step reads back once.
import { f32, grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import checkCode from './pack_check_finite.wgsl?raw';
import castCode from './pack_int_to_float.wgsl?raw';

const WG = 256;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  checkFinite: { name: 'pack_check_finite', code: checkCode, tensors: ['flag', 'x'], params: ['n', 'code'] },
  intToFloat: { name: 'pack_int_to_float', code: castCode, tensors: ['out', 'src'], params: ['n'] },
} as const satisfies Record<string, KernelSpec>;

/** flag (1) = code when flag is 0 and some x (n) is NaN/Inf. One workgroup (n is small: a loss, a norm). */
export function checkFinite(rt: GpuRuntime, flag: GpuTensor, x: GpuTensor, n: number, code: number): void {
  if (!(code > 0)) throw new RangeError(`checkFinite: code ${code} must be > 0`);
  const k = rt.kernel({ ...SPECS.checkFinite, constants: { WG } });
  rt.dispatch(k, [flag, x], [n, f32(code)], [1]);
}

/** out (n) = src (n) as floats; src is an i32 tensor. */
export function intToFloat(rt: GpuRuntime, out: GpuTensor, src: GpuTensor, n: number): void {
  if (src.dtype !== 'i32') throw new TypeError(`intToFloat: src is ${src.dtype}, expected i32`);
  const k = rt.kernel({ ...SPECS.intToFloat, constants: { WG } });
  rt.dispatch(k, [out, src], [n], grid(Math.ceil(n / WG)));
}
