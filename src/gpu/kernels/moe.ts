// Wrappers for the MoE expert-block kernels (twin: cpu/moe.ts), the dense
// per-slot path: every token's S+k slots are computed where the cache keeps
// them, (N,S+k,H) and (N,S+k,C), so the model carves the same cache for both
// backends. Weight gradients use one owner thread per weight element that scans
// all N tokens in order (deterministic, no atomics); that scan costs N*k per
// element. The grouped (permute-by-expert) path of moe_grouped.ts writes the
// same cache; it takes the forward and the weight gradients from
// GROUPED_MIN_EXPERTS routed experts on, and at any E once a batch routes
// GROUPED_MIN_ROWS rows (training batches): there its route passes cost less
// than the dense scan (bench: 0.45-0.65x the dense time at E=4, N=4096). A decode
// step's few rows stay dense: 2 forward dispatches instead of 6.
import type { MoeDims } from '../../ops/ops';
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import hiddenCode from './moe_forward_hidden.wgsl?raw';
import downCode from './moe_forward_down.wgsl?raw';
import gatesCode from './moe_backward_gates.wgsl?raw';
import dHiddenCode from './moe_backward_hidden.wgsl?raw';
import dInpCode from './moe_backward_inp.wgsl?raw';
import dW13Code from './moe_backward_w13.wgsl?raw';
import dW2Code from './moe_backward_w2.wgsl?raw';
import { moeGroupedForward, moeGroupedWeightBackward, type GpuMoeCache } from './moe_grouped';

const WG = 64;

/** From this many routed experts on, the grouped path runs (DESIGN §7: dense masked for small E)... */
export const GROUPED_MIN_EXPERTS = 8;
/** ...and at any E from this many routed rows N*k on. */
export const GROUPED_MIN_ROWS = 1024;
export type MoePath = 'dense' | 'grouped';
export const moePath = (d: MoeDims): MoePath => (d.E >= GROUPED_MIN_EXPERTS || d.N * d.k >= GROUPED_MIN_ROWS ? 'grouped' : 'dense');

export type { GpuMoeCache };

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forwardHidden: { name: 'moe_forward_hidden', code: hiddenCode, tensors: ['h1', 'h3', 'act', 'inp', 'topidx', 'w1', 'w3'], params: ['N', 'C', 'H', 'S', 'k', 'swiglu'] },
  forwardDown: { name: 'moe_forward_down', code: downCode, tensors: ['out', 'y', 'act', 'topidx', 'gates', 'w2'], params: ['N', 'C', 'H', 'S', 'k'] },
  backwardGates: { name: 'moe_backward_gates', code: gatesCode, tensors: ['dgates', 'dout', 'y'], params: ['N', 'C', 'S', 'k'] },
  backwardHidden: { name: 'moe_backward_hidden', code: dHiddenCode, tensors: ['dh', 'dout', 'topidx', 'gates', 'w2', 'h1', 'h3'], params: ['N', 'C', 'H', 'S', 'k', 'swiglu'] },
  backwardInp: { name: 'moe_backward_inp', code: dInpCode, tensors: ['dinp', 'dh', 'topidx', 'w1', 'w3'], params: ['N', 'C', 'H', 'S', 'k', 'swiglu'] },
  backwardW13: { name: 'moe_backward_w13', code: dW13Code, tensors: ['dw1', 'dw3', 'dh', 'inp', 'topidx'], params: ['N', 'C', 'H', 'E', 'S', 'k', 'swiglu'] },
  backwardW2: { name: 'moe_backward_w2', code: dW2Code, tensors: ['dw2', 'dout', 'act', 'topidx', 'gates'], params: ['N', 'C', 'H', 'E', 'S', 'k'] },
} as const satisfies Record<string, KernelSpec>;

function check(who: string, w3: GpuTensor | null, h3: GpuTensor | null, d: MoeDims): void {
  const swiglu = d.ffn === 'swiglu';
  if (swiglu !== (w3 !== null) || swiglu !== (h3 !== null)) {
    throw new Error(`${who}: w3 and cache.h3 must be given for swiglu and null for gelu (ffn=${d.ffn})`);
  }
}



/** out (N,C) and the cache from inp (N,C), topIdx (N,k) int, gates (N,k), w1/w3 (S+E,H,C), w2 (S+E,C,H). */
export function moeForward(
  rt: GpuRuntime, out: GpuTensor, cache: GpuMoeCache, inp: GpuTensor, topIdx: GpuTensor, gates: GpuTensor,
  w1: GpuTensor, w3: GpuTensor | null, w2: GpuTensor, d: MoeDims, path: MoePath = moePath(d),
): void {
  const { N, C, H, S, k } = d;
  check('moeForward', w3, cache.h3, d);
  if (path === 'grouped') return moeGroupedForward(rt, out, cache, inp, topIdx, gates, w1, w3, w2, d);
  const K = S + k;
  const kh = rt.kernel({ ...SPECS.forwardHidden, constants: { WG } });
  const kd = rt.kernel({ ...SPECS.forwardDown, constants: { WG } });
  const swiglu = w3 ? 1 : 0;
  rt.dispatch(kh, [cache.h1, cache.h3, cache.act, inp, topIdx, w1, w3], [N, C, H, S, k, swiglu], grid(Math.ceil((N * K * H) / WG)));
  rt.dispatch(kd, [out, cache.y, cache.act, topIdx, gates, w2], [N, C, H, S, k], grid(Math.ceil((N * C) / WG)));
}

/** dGates (N,k) is WRITTEN; dInp (N,C), dW1/dW3 (S+E,H,C), dW2 (S+E,C,H) accumulate. */
export function moeBackward(
  rt: GpuRuntime, dInp: GpuTensor, dW1: GpuTensor, dW3: GpuTensor | null, dW2: GpuTensor, dGates: GpuTensor, dOut: GpuTensor,
  cache: GpuMoeCache, inp: GpuTensor, topIdx: GpuTensor, gates: GpuTensor,
  w1: GpuTensor, w3: GpuTensor | null, w2: GpuTensor, d: MoeDims, path: MoePath = moePath(d),
): void {
  const { N, C, H, E, S, k } = d;
  check('moeBackward', w3, cache.h3, d);
  if ((dW3 === null) !== (w3 === null)) throw new Error('moeBackward: dW3 must be given exactly when w3 is');
  const K = S + k;
  const swiglu = w3 ? 1 : 0;
  const dh = rt.scratch('moe dh', 2 * N * K * H); // (2,N,S+k,H) dh1 then dh3
  const kg = rt.kernel({ ...SPECS.backwardGates, constants: { WG } });
  const kh = rt.kernel({ ...SPECS.backwardHidden, constants: { WG } });
  const ki = rt.kernel({ ...SPECS.backwardInp, constants: { WG } });
  const k13 = rt.kernel({ ...SPECS.backwardW13, constants: { WG } });
  const k2 = rt.kernel({ ...SPECS.backwardW2, constants: { WG } });
  rt.dispatch(kg, [dGates, dOut, cache.y], [N, C, S, k], grid(Math.ceil((N * k) / WG)));
  rt.dispatch(kh, [dh, dOut, topIdx, gates, w2, cache.h1, cache.h3], [N, C, H, S, k, swiglu], grid(Math.ceil((N * K * H) / WG)));
  rt.dispatch(ki, [dInp, dh, topIdx, w1, w3], [N, C, H, S, k, swiglu], grid(Math.ceil((N * C) / WG)));
  if (path === 'grouped') return moeGroupedWeightBackward(rt, dW1, dW3, dW2, dh, dOut, cache.act, inp, topIdx, gates, d);
  rt.dispatch(k13, [dW1, dW3, dh, inp, topIdx], [N, C, H, E, S, k, swiglu], grid(Math.ceil(((S + E) * H * C) / WG)));
  rt.dispatch(k2, [dW2, dOut, cache.act, topIdx, gates], [N, C, H, E, S, k], grid(Math.ceil(((S + E) * C * H) / WG)));
}
