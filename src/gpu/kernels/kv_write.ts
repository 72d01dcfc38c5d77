// Wrapper for kv_write.wgsl (twin: cpu/decode.ts kvWrite). Dimensions: nSeq
// rows, T positions from pos0, C channels, NH heads, Tmax cache length.
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import code from './kv_write.wgsl?raw';
import { ropeTable } from './rope';

const WG = 256;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  write: { name: 'kv_write', code, tensors: ['kc', 'vc', 'qkv', 'table'], params: ['n', 'T', 'pos0', 'C', 'HS', 'Tmax', 'rope'] },
} as const satisfies Record<string, KernelSpec>;

/** kCache, vCache (nSeq,Tmax,C) at positions pos0..pos0+T-1 from qkv (nSeq,T,3C); k rotated when rope. */
export function kvWrite(rt: GpuRuntime, kCache: GpuTensor, vCache: GpuTensor, qkv: GpuTensor, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void {
  const HS = C / NH;
  if (!Number.isInteger(HS) || (rope && HS % 2 !== 0)) throw new RangeError(`kvWrite: head size C/NH = ${C}/${NH} must be an integer (even for RoPE)`);
  if (!(T >= 1 && pos0 >= 0 && pos0 + T <= Tmax)) throw new RangeError(`kvWrite: positions [${pos0}, ${pos0 + T}) outside the cache of ${Tmax}`);
  if (kCache.length < nSeq * Tmax * C || vCache.length < nSeq * Tmax * C) throw new RangeError(`kvWrite: caches need ${nSeq * Tmax * C} elements`);
  if (qkv.length < nSeq * T * 3 * C) throw new RangeError(`kvWrite: qkv holds ${qkv.length}, needs ${nSeq * T * 3 * C}`);
  const table = rope ? ropeTable(rt, Tmax, HS) : null;
  const n = nSeq * T * C;
  const k = rt.kernel({ ...SPECS.write, constants: { WG } });
  rt.dispatch(k, [kCache, vCache, qkv, table], [n, T, pos0, C, HS, Tmax, rope ? 1 : 0], grid(Math.ceil(n / WG)));
}
