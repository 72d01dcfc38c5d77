// The ops that Ops takes by name (ops.ts: MatmulForwardArgs, RouterDims, ...)
// in their positional form: the argument order of the CPU twins (cpu/, llm.c
// style) and of the WGSL wrappers (gpu/kernels/, the runtime bound first),
// which the kernel tests call directly. One adapter from the contract's
// named form to that order, so the two backends do not each spell it out.

import type { RouterKind } from '../core/config';
import type { MoeCacheOf, MoeDims, Ops } from './ops';

/** The positional signatures of the ops Ops takes by name (see the Ops docs for the shapes). */
export interface PositionalOps<F, I> {
  matmulForward(out: F, inp: F, weight: F, bias: F | null, N: number, C: number, OC: number): void;
  matmulBackward(dInp: F, dWeight: F, dBias: F | null, dOut: F, inp: F, weight: F, N: number, C: number, OC: number): void;
  routerForward(scores: F, topIdx: I, gates: F, inp: F, wRouter: F, bias: F, N: number, C: number, E: number, k: number, kind: RouterKind): void;
  routerBackward(dInp: F, dWRouter: F, dGates: F, dScoresExtra: F | null, scores: F, topIdx: I, gates: F, inp: F, wRouter: F,
    N: number, C: number, E: number, k: number, kind: RouterKind): void;
  moeForward(out: F, cache: MoeCacheOf<F>, inp: F, topIdx: I, gates: F, w1: F, w3: F | null, w2: F, d: MoeDims): void;
  moeBackward(dInp: F, dW1: F, dW3: F | null, dW2: F, dGates: F, dOut: F, cache: MoeCacheOf<F>, inp: F, topIdx: I, gates: F,
    w1: F, w3: F | null, w2: F, d: MoeDims): void;
}

export type NamedOps<F, I> = Pick<Ops<F, I>, keyof PositionalOps<F, I>>;

/** Ops' named methods over positional kernels. */
export function named<F, I>(p: PositionalOps<F, I>): NamedOps<F, I> {
  return {
    matmulForward: (t, d) => p.matmulForward(t.out, t.inp, t.weight, t.bias, d.N, d.C, d.OC),
    matmulBackward: (t, d) => p.matmulBackward(t.dInp, t.dWeight, t.dBias, t.dOut, t.inp, t.weight, d.N, d.C, d.OC),
    routerForward: (t, d) => p.routerForward(t.scores, t.topIdx, t.gates, t.inp, t.wRouter, t.bias, d.N, d.C, d.E, d.k, d.kind),
    routerBackward: (t, d) =>
      p.routerBackward(t.dInp, t.dWRouter, t.dGates, t.dScoresExtra, t.scores, t.topIdx, t.gates, t.inp, t.wRouter, d.N, d.C, d.E, d.k, d.kind),
    moeForward: (t, d) => p.moeForward(t.out, t.cache, t.inp, t.topIdx, t.gates, t.w1, t.w3, t.w2, d),
    moeBackward: (t, d) =>
      p.moeBackward(t.dInp, t.dW1, t.dW3, t.dW2, t.dGates, t.dOut, t.cache, t.inp, t.topIdx, t.gates, t.w1, t.w3, t.w2, d),
  };
}
