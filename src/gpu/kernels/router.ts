// Wrappers for the router kernels (twin: cpu/router.ts). Forward is one
// thread per token; backward computes each token's dLogits (N,E) into a
// scratch buffer, then dInp and dWRouter from it with one owner thread per
// output element (fixed-order sums, no atomics).
import type { RouterKind } from '../../core/config';
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './router_forward.wgsl?raw';
import logitsCode from './router_backward_logits.wgsl?raw';
import inpCode from './router_backward_inp.wgsl?raw';
import weightCode from './router_backward_weight.wgsl?raw';

const WG = 64;
export const ROUTER_MAX_E = 32; // per-thread arrays and the taken-bitmask in router_forward.wgsl
export const ROUTER_MAX_K = 8;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'router_forward', code: forwardCode, tensors: ['scores', 'topidx', 'gates', 'inp', 'w', 'bias'], params: ['N', 'C', 'E', 'k', 'sigmoid'] },
  backwardLogits: { name: 'router_backward_logits', code: logitsCode, tensors: ['dlogits', 'dgates', 'dextra', 'scores', 'topidx', 'gates'], params: ['N', 'E', 'k', 'sigmoid', 'has_extra'] },
  backwardInp: { name: 'router_backward_inp', code: inpCode, tensors: ['dinp', 'dlogits', 'w'], params: ['N', 'C', 'E'] },
  backwardWeight: { name: 'router_backward_weight', code: weightCode, tensors: ['dw', 'dlogits', 'inp'], params: ['N', 'C', 'E'] },
} as const satisfies Record<string, KernelSpec>;

function check(who: string, E: number, k: number): void {
  if (!(E >= 1 && E <= ROUTER_MAX_E && k >= 1 && k <= Math.min(E, ROUTER_MAX_K))) {
    throw new RangeError(`${who}: the GPU router needs 1 <= k <= min(E, ${ROUTER_MAX_K}) and E <= ${ROUTER_MAX_E}, got E=${E}, k=${k}`);
  }
}


/** scores (N,E), topIdx (N,k) int, gates (N,k) from inp (N,C), wRouter (E,C), bias (E). */
export function routerForward(
  rt: GpuRuntime, scores: GpuTensor, topIdx: GpuTensor, gates: GpuTensor, inp: GpuTensor, wRouter: GpuTensor, bias: GpuTensor,
  N: number, C: number, E: number, k: number, kind: RouterKind,
): void {
  check('routerForward', E, k);
  const kern = rt.kernel({ ...SPECS.forward, constants: { WG } });
  rt.dispatch(kern, [scores, topIdx, gates, inp, wRouter, bias], [N, C, E, k, kind === 'sigmoid' ? 1 : 0], grid(Math.ceil(N / WG)));
}

/** dInp (N,C) +=, dWRouter (E,C) +=; dScoresExtra (N,E) or null is the aux loss's gradient on the scores. */
export function routerBackward(
  rt: GpuRuntime, dInp: GpuTensor, dWRouter: GpuTensor, dGates: GpuTensor, dScoresExtra: GpuTensor | null,
  scores: GpuTensor, topIdx: GpuTensor, gates: GpuTensor, inp: GpuTensor, wRouter: GpuTensor,
  N: number, C: number, E: number, k: number, kind: RouterKind,
): void {
  check('routerBackward', E, k);
  const dLogits = rt.scratch('router dLogits', N * E); // (N,E)
  const k1 = rt.kernel({ ...SPECS.backwardLogits, constants: { WG } });
  const k2 = rt.kernel({ ...SPECS.backwardInp, constants: { WG } });
  const k3 = rt.kernel({ ...SPECS.backwardWeight, constants: { WG } });
  const sig = kind === 'sigmoid' ? 1 : 0;
  rt.dispatch(k1, [dLogits, dGates, dScoresExtra, scores, topIdx, gates], [N, E, k, sig, dScoresExtra ? 1 : 0], grid(Math.ceil(N / WG)));
  rt.dispatch(k2, [dInp, dLogits, wRouter], [N, C, E], grid(Math.ceil((N * C) / WG)));
  rt.dispatch(k3, [dWRouter, dLogits, inp], [N, C, E], grid(Math.ceil((E * C) / WG)));
}
