// Wrappers for the load-balancing kernels (twin: cpu/balance.ts): the Switch
// aux loss (forward into a (1) tensor, and backward), the per-expert load, and
// the DeepSeek-V3 aux-loss-free bias update. Histograms use workgroup integer
// atomics (exact in any order); every float sum runs in a fixed order.
import { f32, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import auxForwardCode from './balance_aux_loss_forward.wgsl?raw';
import auxBackwardCode from './balance_aux_loss_backward.wgsl?raw';
import loadCode from './balance_expert_load.wgsl?raw';
import biasCode from './balance_bias_update.wgsl?raw';

const WG = 256; // the single-workgroup kernels keep one histogram bin per thread, so E <= WG

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  auxLossForward: { name: 'balance_aux_loss_forward', code: auxForwardCode, tensors: ['loss', 'scores', 'topidx'], params: ['N', 'E', 'k', 'alpha'] },
  auxLossBackward: { name: 'balance_aux_loss_backward', code: auxBackwardCode, tensors: ['dscores', 'scores', 'topidx'], params: ['N', 'E', 'k', 'alpha', 'dloss'] },
  expertLoad: { name: 'balance_expert_load', code: loadCode, tensors: ['load', 'topidx'], params: ['N', 'E', 'k'] },
  biasUpdate: { name: 'balance_bias_update', code: biasCode, tensors: ['bias', 'load', 'skip'], params: ['E', 'use_skip', 'gamma'] },
} as const satisfies Record<string, KernelSpec>;

function check(who: string, E: number): void {
  if (!(E >= 1 && E <= WG)) throw new RangeError(`${who}: the GPU kernel handles 1 <= E <= ${WG}, got E=${E}`);
}

/** loss (1) = alpha * E * sum_i f_i P_i from scores (N,E), topIdx (N,k) int. */
export function switchAuxLossForward(rt: GpuRuntime, loss: GpuTensor, scores: GpuTensor, topIdx: GpuTensor, N: number, E: number, k: number, alpha: number): void {
  check('switchAuxLossForward', E);
  const kern = rt.kernel({ ...SPECS.auxLossForward, constants: { WG } });
  rt.dispatch(kern, [loss, scores, topIdx], [N, E, k, f32(alpha)], [1]);
}

/** dScores (N,E) += the aux loss's gradient times dLoss. */
export function switchAuxLossBackward(
  rt: GpuRuntime, dScores: GpuTensor, scores: GpuTensor, topIdx: GpuTensor, N: number, E: number, k: number, alpha: number, dLoss: number,
): void {
  check('switchAuxLossBackward', E);
  const kern = rt.kernel({ ...SPECS.auxLossBackward, constants: { WG } });
  rt.dispatch(kern, [dScores, scores, topIdx], [N, E, k, f32(alpha), f32(dLoss)], [1]);
}

/** load (E) written: how many of the N*k choices in topIdx (N,k) picked each expert. */
export function expertLoad(rt: GpuRuntime, load: GpuTensor, topIdx: GpuTensor, N: number, E: number, k: number): void {
  check('expertLoad', E);
  const kern = rt.kernel({ ...SPECS.expertLoad, constants: { WG } });
  rt.dispatch(kern, [load, topIdx], [N, E, k], [1]);
}

/** bias (E) += gamma * sign(mean(load) - load), load (E) from expertLoad. */
export function auxFreeBiasUpdate(rt: GpuRuntime, bias: GpuTensor, load: GpuTensor, E: number, gamma: number, skip: GpuTensor | null = null): void {
  const kern = rt.kernel({ ...SPECS.biasUpdate, constants: { WG: 64 } });
  rt.dispatch(kern, [bias, load, skip], [E, skip ? 1 : 0, f32(gamma)], [Math.ceil(E / 64)]);
}
