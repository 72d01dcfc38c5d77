// Wrappers for rmsnorm_forward.wgsl and rmsnorm_backward_{inp,weight}.wgsl (twin: cpu/rmsnorm.ts).
import { RMSNORM_EPS } from '../../cpu/rmsnorm';
import { f32, grid, type GpuRuntime, type GpuTensor } from '../runtime';
import forwardCode from './rmsnorm_forward.wgsl?raw';
import backwardInpCode from './rmsnorm_backward_inp.wgsl?raw';
import backwardWeightCode from './rmsnorm_backward_weight.wgsl?raw';

const WG_ROW = 64; // one workgroup per row; C is small (tens to hundreds)
const WG_COL = 256; // one workgroup per channel, looping over all N rows

/** out is (N,C), rstd is (N) cache of 1/rms, inp is (N,C), weight is (C). */
export function rmsnormForward(rt: GpuRuntime, out: GpuTensor, rstd: GpuTensor, inp: GpuTensor, weight: GpuTensor, N: number, C: number): void {
  const k = rt.kernel({ name: 'rmsnorm_forward', code: forwardCode, tensors: 4, constants: { WG: WG_ROW } });
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
  const ki = rt.kernel({ name: 'rmsnorm_backward_inp', code: backwardInpCode, tensors: 5, constants: { WG: WG_ROW } });
  rt.dispatch(ki, [dInp, dOut, inp, weight, rstd], [N, C], grid(N));
  if (N === 0) return; // the weight pass would add 0 anyway
  const kw = rt.kernel({ name: 'rmsnorm_backward_weight', code: backwardWeightCode, tensors: 4, constants: { WG: WG_COL } });
  rt.dispatch(kw, [dWeight, dOut, inp, rstd], [N, C], [C]);
}
