// Wrappers for attention_forward.wgsl and attention_backward_{row,col}.wgsl
// (twin: cpu/attention.ts). Dimensions: B batch, T time, C channels, NH heads, HS = C/NH.
import { f32, grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './attention_forward.wgsl?raw';
import backwardRowCode from './attention_backward_row.wgsl?raw';
import backwardColCode from './attention_backward_col.wgsl?raw';

const WG = 64;
/** The kernels keep one row of T scores in workgroup memory; core/config.ts caps maxSeqLen at 256. */
export const ATTENTION_TMAX = 256;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'attention_forward', code: forwardCode, tensors: ['out', 'att', 'inp'], params: ['rows', 'T', 'C', 'NH', 'scale'] },
  backwardRow: { name: 'attention_backward_row', code: backwardRowCode, tensors: ['dinp', 'dout', 'inp', 'att', 'dsum'], params: ['rows', 'T', 'C', 'NH', 'scale'] },
  backwardCol: { name: 'attention_backward_col', code: backwardColCode, tensors: ['dinp', 'dout', 'inp', 'att', 'dsum'], params: ['rows', 'T', 'C', 'NH', 'scale'] },
} as const satisfies Record<string, KernelSpec>;

function checkDims(fn: string, T: number, C: number, NH: number): number {
  const HS = C / NH;
  if (!Number.isInteger(HS) || HS < 1) throw new RangeError(`${fn}: C/NH = ${C}/${NH} is not a whole head size`);
  if (T > ATTENTION_TMAX) throw new RangeError(`${fn}: T = ${T} exceeds the kernel's ${ATTENTION_TMAX} positions`);
  return HS;
}

// Backward's row sums D (B,NH,T), passed from the row pass to the column pass.

/**
 * out is (B,T,C); att is (B,NH,T,T) cache of the softmax weights (entries
 * t2 > t written 0); inp is (B,T,3C). Scores are scaled by 1/sqrt(HS).
 */
export function attentionForward(rt: GpuRuntime, out: GpuTensor, att: GpuTensor, inp: GpuTensor, B: number, T: number, C: number, NH: number): void {
  const HS = checkDims('attentionForward', T, C, NH);
  const rows = B * NH * T;
  const k = rt.kernel({ ...SPECS.forward, constants: { WG } });
  rt.dispatch(k, [out, att, inp], [rows, T, C, NH, f32(1 / Math.sqrt(HS))], grid(rows));
}

/** Accumulates dInp (B,T,3C); dOut is (B,T,C); inp and att are forward's. */
export function attentionBackward(
  rt: GpuRuntime,
  dInp: GpuTensor,
  dOut: GpuTensor,
  inp: GpuTensor,
  att: GpuTensor,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const HS = checkDims('attentionBackward', T, C, NH);
  const rows = B * NH * T;
  if (rows === 0) return;
  const dsum = rt.scratch('attention dsum', rows); // (B,NH,T)
  const params = [rows, T, C, NH, f32(1 / Math.sqrt(HS))];
  const kr = rt.kernel({ ...SPECS.backwardRow, constants: { WG } });
  rt.dispatch(kr, [dInp, dOut, inp, att, dsum], params, grid(rows));
  const kc = rt.kernel({ ...SPECS.backwardCol, constants: { WG } });
  rt.dispatch(kc, [dInp, dOut, inp, att, dsum], params, grid(rows));
}
