// Wrappers for rmsnorm_forward.wgsl and rmsnorm_backward_{inp,weight}.wgsl (twin: cpu/rmsnorm.ts).
import { RMSNORM_EPS } from '../../cpu/rmsnorm';
import { f32, grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './rmsnorm_forward.wgsl?raw';
import backwardInpCode from './rmsnorm_backward_inp.wgsl?raw';
import backwardWeightCode from './rmsnorm_backward_weight.wgsl?raw';

const WG_ROW = 64; // one workgroup per row; C is small (tens to hundreds)
const WG_COL = 256; // one workgroup per channel, looping over all N rows

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'rmsnorm_forward', code: forwardCode, tensors: ['out', 'rstd', 'inp', 'weight'], params: ['N', 'C', 'eps'] },
  backwardInp: { name: 'rmsnorm_backward_inp', code: backwardInpCode, tensors: ['dinp', 'dout', 'inp', 'weight', 'rstd'], params: ['N', 'C'] },
  backwardWeight: { name: 'rmsnorm_backward_weight', code: backwardWeightCode, tensors: ['dweight', 'dout', 'inp', 'rstd'], params: ['N', 'C'] },
} as const satisfies Record<string, KernelSpec>;

/** out is (N,C), rstd is (N) cache of 1/rms, inp is (N,C), weight is (C). */
export function rmsnormForward(rt: GpuRuntime, out: GpuTensor, rstd: GpuTensor, inp: GpuTensor, weight: GpuTensor, N: number, C: number): void {
  const k = rt.kernel({ ...SPECS.forward, constants: { WG: WG_ROW } });
  rt.dispatch(k, [out, rstd, inp, weight], [N, C, f32(RMSNORM_EPS)], grid(N));
}

/** Accumulates dInp (N,C) and dWeight (C); dOut is (N,C). */
export function rmsnormBackward(
  rt: GpuRuntime,
  dInp: GpuTensor,
  dWeight: GpuTensor,
  dOut: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  rstd: GpuTensor,
  N: number,
  C: number,
): void {
  if (C > 65535) throw new RangeError(`rmsnormBackward: C = ${C} exceeds one workgroup per channel`);
  const ki = rt.kernel({ ...SPECS.backwardInp, constants: { WG: WG_ROW } });
  rt.dispatch(ki, [dInp, dOut, inp, weight, rstd], [N, C], grid(N));
  if (N === 0) return; // the weight pass would add 0 anyway
  const kw = rt.kernel({ ...SPECS.backwardWeight, constants: { WG: WG_COL } });
  rt.dispatch(kw, [dWeight, dOut, inp, rstd], [N, C], [C]);
}
