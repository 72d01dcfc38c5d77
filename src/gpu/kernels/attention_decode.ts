// Wrapper for attention_decode.wgsl (twin: cpu/decode.ts attentionDecode).
// Dimensions: nSeq rows, T queries per row from position pos0, C channels,
// NH heads, HS = C/NH, Tmax cache length.
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import code from './attention_decode.wgsl?raw';
import { ropeTable } from './rope';

const WG = 64; // positions and channels per head are few (<= 256); 64 threads cover them in 1-4 strides
const MAX_T = 256; // the shader's workgroup arrays

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  decode: { name: 'attention_decode', code, tensors: ['out', 'qkv', 'kc', 'vc', 'table'], params: ['groups', 'T', 'pos0', 'C', 'NH', 'Tmax', 'rope'] },
} as const satisfies Record<string, KernelSpec>;

/** out (nSeq,T,C) from qkv (nSeq,T,3C) and the caches kCache, vCache (nSeq,Tmax,C) written up to pos0+T-1. */
export function attentionDecode(rt: GpuRuntime, out: GpuTensor, qkv: GpuTensor, kCache: GpuTensor, vCache: GpuTensor, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void {
  const HS = C / NH;
  if (!Number.isInteger(HS) || (rope && HS % 2 !== 0)) throw new RangeError(`attentionDecode: head size C/NH = ${C}/${NH} must be an integer (even for RoPE)`);
  if (!(T >= 1 && pos0 >= 0 && pos0 + T <= Tmax)) throw new RangeError(`attentionDecode: positions [${pos0}, ${pos0 + T}) outside the cache of ${Tmax}`);
  if (Tmax > MAX_T || HS > MAX_T) throw new RangeError(`attentionDecode: Tmax ${Tmax} and head size ${HS} must be <= ${MAX_T}`);
  if (out.length < nSeq * T * C || qkv.length < nSeq * T * 3 * C) throw new RangeError('attentionDecode: out or qkv too small');
  if (kCache.length < nSeq * Tmax * C || vCache.length < nSeq * Tmax * C) throw new RangeError(`attentionDecode: caches need ${nSeq * Tmax * C} elements`);
  const table = rope ? ropeTable(rt, Tmax, HS) : null;
  const groups = nSeq * T * NH;
  const k = rt.kernel({ ...SPECS.decode, constants: { WG } });
  rt.dispatch(k, [out, qkv, kCache, vCache, table], [groups, T, pos0, C, NH, Tmax, rope ? 1 : 0], grid(groups));
}
