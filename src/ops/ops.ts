// The Ops contract: everything the model driver (model/model.ts) asks of a
// backend. The CPU reference (cpu/backend.ts) and the WebGPU backend
// (gpu/backend.ts) both declare `satisfies Ops<...>` against it; ops/ is the
// leaf they and model/ share, so neither matches it only by shape.
//
// F is a handle to a float tensor, I to an int32 tensor. A handle is a flat
// array of elements; views alias a range of another handle's storage.
// Shapes below use the letters of model.ts's glossary (N = B*T rows).
//
// Conventions every implementation must keep (they are what the CPU twin does):
// - forward ops WRITE their outputs; backward ops ACCUMULATE (+=) into every
//   gradient they take, except moeBackward's dGates, which it writes.
// - each op's exact math is documented beside its CPU function in src/cpu/
//   (same base name: rmsnormForward lives in cpu/rmsnorm.ts, and so on);
//   the GPU kernels are checked against those functions.
// - ops may be enqueued asynchronously; only read / readInt synchronise.

import type { FfnKind, RouterKind } from '../core/config';

/** AdamW's hyperparameters for one update (cpu/adamw.ts has the math). */
export interface AdamwHyper {
  /** 1-based step count, for bias correction. */
  step: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global-norm clip threshold; 0 turns clipping off. */
  gradClip: number;
}

/** grpoLossForward's hyperparameters (cpu/grpo_loss.ts has the math). */
export interface GrpoLossHyper {
  beta: number;
  epsLow: number;
  epsHigh: number;
}

/**
 * The floats of grpoLossForward's `sums` output, by name: the CPU twin
 * writes them, the WGSL kernel gets them as constants (SUM_<NAME>), the
 * trainer reads them back. The meaning of each is cpu/grpo_loss.ts's.
 */
export const GRPO_SUM = {
  /** policyLoss + beta * klLoss */
  loss: 0,
  /** sum w * -surrogate */
  policyLoss: 1,
  /** sum w * kl */
  klLoss: 2,
  /** sum kl */
  klSum: 3,
  /** sum rho */
  ratioSum: 4,
  /** positions clipped low */
  clipLow: 5,
  /** positions clipped high */
  clipHigh: 6,
  /** positions in the loss */
  tokens: 7,
} as const;
export type GrpoSumName = keyof typeof GRPO_SUM;

/** Floats of grpoLossForward's sums output. */
export const GRPO_SUMS = Object.keys(GRPO_SUM).length;

/** The MoE block's per-forward cache; h3 is null for GELU experts. */
export interface MoeCacheOf<F> {
  h1: F; // (N,S+k,H)
  h3: F | null; // (N,S+k,H)
  act: F; // (N,S+k,H)
  y: F; // (N,S+k,C)
}

/** The MoE block's dimensions (cpu/moe.ts names the letters). */
export interface MoeDims {
  N: number;
  C: number;
  H: number;
  E: number;
  S: number;
  k: number;
  ffn: FfnKind;
}

/** Element counts of one hidden cache buffer (h1, h3, act each) and of y: what the caller allocates for MoeCacheOf. */
export function moeCacheSize(d: Pick<MoeDims, 'N' | 'C' | 'H' | 'S' | 'k'> & Partial<MoeDims>): { h: number; y: number } {
  const slots = d.N * (d.S + d.k);
  return { h: slots * d.H, y: slots * d.C };
}

// Named arguments of the ops with many of one type (a swapped pair of tensors
// would still typecheck as positional arguments): the tensors in one object,
// the dimensions in another, which a layer builds once for all its calls.

export interface MatmulDims {
  N: number;
  C: number;
  OC: number;
}
/** out (N,OC) = inp (N,C) @ weight (OC,C)^T + bias (OC). */
export interface MatmulForwardArgs<F> {
  out: F;
  inp: F;
  weight: F;
  bias: F | null;
}
export interface MatmulBackwardArgs<F> {
  dInp: F;
  dWeight: F;
  dBias: F | null;
  dOut: F;
  inp: F;
  weight: F;
}

/** The router's dimensions (cpu/router.ts names the letters) and its gate function. */
export interface RouterDims {
  N: number;
  C: number;
  E: number;
  k: number;
  kind: RouterKind;
}
/** scores (N,E), topIdx (N,k), gates (N,k) written from inp (N,C), wRouter (E,C), bias (E) (selection only). */
export interface RouterForwardArgs<F, I> {
  scores: F;
  topIdx: I;
  gates: F;
  inp: F;
  wRouter: F;
  bias: F;
}
/** dScoresExtra (N,E) or null: extra gradient on the scores (the aux loss); the forward's tensors as it left them. */
export interface RouterBackwardArgs<F, I> {
  dInp: F;
  dWRouter: F;
  dGates: F;
  dScoresExtra: F | null;
  scores: F;
  topIdx: I;
  gates: F;
  inp: F;
  wRouter: F;
}

/** out (N,C); w1, w3 (S+E,H,C), w3 null for GELU; w2 (S+E,C,H); topIdx, gates (N,k) from the router. */
export interface MoeForwardArgs<F, I> {
  out: F;
  cache: MoeCacheOf<F>;
  inp: F;
  topIdx: I;
  gates: F;
  w1: F;
  w3: F | null;
  w2: F;
}
/** dGates (N,k) is written, every other gradient accumulated; dW3 null exactly when w3 is. */
export interface MoeBackwardArgs<F, I> extends Omit<MoeForwardArgs<F, I>, 'out'> {
  dInp: F;
  dW1: F;
  dW3: F | null;
  dW2: F;
  dGates: F;
  dOut: F;
}

export interface Ops<F, I> {
  readonly name: string;

  // --- memory -------------------------------------------------------------
  /** A new zero-filled float tensor of n elements. */
  alloc(n: number): F;
  /** A new zero-filled int32 tensor of n elements. */
  allocInt(n: number): I;
  /** Elements [offset, offset+length) of buf, sharing its storage. */
  view(buf: F, offset: number, length: number): F;
  viewInt(buf: I, offset: number, length: number): I;
  /** Sets every element of buf to 0. */
  zero(buf: F): void;
  /** dst[i] = src[i] for i < n. */
  copy(dst: F, src: F, n: number): void;
  /** Uploads host values into dst (src.length <= dst's length). */
  write(dst: F, src: ArrayLike<number>): void;
  writeInt(dst: I, src: ArrayLike<number>): void;
  /** Downloads buf (after all enqueued work). */
  read(buf: F): Promise<Float32Array | Float64Array>;
  readInt(buf: I): Promise<Int32Array>;

  // --- dense ops ----------------------------------------------------------
  /** out (B,T,C) = wte[inp] + wpe[t]; inp (B,T); wte (V,C); wpe (T_max,C) or null. */
  encoderForward(out: F, inp: I, wte: F, wpe: F | null, B: number, T: number, C: number): void;
  encoderBackward(dWte: F, dWpe: F | null, dOut: F, inp: I, B: number, T: number, C: number): void;
  /** out (N,C) = inp / rms(inp) * weight (C); rstd (N) cache; eps 1e-5. */
  rmsnormForward(out: F, rstd: F, inp: F, weight: F, N: number, C: number): void;
  rmsnormBackward(dInp: F, dWeight: F, dOut: F, inp: F, weight: F, rstd: F, N: number, C: number): void;
  /** out (N,OC) = inp (N,C) @ weight (OC,C)^T + bias (OC). */
  matmulForward(t: MatmulForwardArgs<F>, d: MatmulDims): void;
  matmulBackward(t: MatmulBackwardArgs<F>, d: MatmulDims): void;
  /**
   * Rotate-half RoPE on the q and k parts of (B,T,3C); v copied. In each head,
   * channel i < HS/2 pairs with i + HS/2, angle = t * 10000^(-2i/HS), t the
   * position in the sequence: out_i = x_i cos - x_{i+HS/2} sin, out_{i+HS/2} = x_{i+HS/2} cos + x_i sin.
   */
  ropeForward(out: F, inp: F, B: number, T: number, C: number, NH: number): void;
  ropeBackward(dInp: F, dOut: F, B: number, T: number, C: number, NH: number): void;
  /**
   * Causal attention: out (B,T,C) from qkv (B,T,3C) rows [q | k | v], head h at
   * channels h*HS.. of each; scores q.k / sqrt(HS); att (B,NH,T,T) is the
   * softmax cache with exact zeros above the diagonal.
   */
  attentionForward(out: F, att: F, inp: F, B: number, T: number, C: number, NH: number): void;
  attentionBackward(dInp: F, dOut: F, inp: F, att: F, B: number, T: number, C: number, NH: number): void;
  /** out (n) = inp1 + inp2. */
  residualForward(out: F, inp1: F, inp2: F, n: number): void;
  residualBackward(dInp1: F, dInp2: F, dOut: F, n: number): void;
  /** logp (N) = log softmax(logits (N,V) / temperature)[targets]; probs (N,V) cache; target < 0: logp 0. */
  logprobForward(logp: F, probs: F, logits: F, targets: I, N: number, V: number, temperature: number): void;
  logprobBackward(dLogits: F, dLogp: F, probs: F, targets: I, N: number, V: number, temperature: number): void;
  /** ent (N) = -sum p log p over probs (N,V). */
  entropyForward(ent: F, probs: F, N: number, V: number): void;

  // --- mixture of experts ---------------------------------------------------
  routerForward(t: RouterForwardArgs<F, I>, d: RouterDims): void;
  routerBackward(t: RouterBackwardArgs<F, I>, d: RouterDims): void;
  moeForward(t: MoeForwardArgs<F, I>, d: MoeDims): void;
  moeBackward(t: MoeBackwardArgs<F, I>, d: MoeDims): void;
  /** loss (1) = alpha * E * sum_i f_i P_i (Switch). */
  switchAuxLossForward(loss: F, scores: F, topIdx: I, N: number, E: number, k: number, alpha: number): void;
  switchAuxLossBackward(dScores: F, scores: F, topIdx: I, N: number, E: number, k: number, alpha: number, dLoss: number): void;
  /** load (E) = how many of the N*k choices picked each expert. */
  expertLoad(load: F, topIdx: I, N: number, E: number, k: number): void;
  /** bias (E) += gamma * sign(mean(load) - load); nothing when skip (1) is given and non-zero. */
  auxFreeBiasUpdate(bias: F, load: F, E: number, gamma: number, skip?: F | null): void;

  // --- optimizer ----------------------------------------------------------
  /** norm (1) = L2 norm of grads (n). */
  gradNorm(norm: F, grads: F, n: number): void;
  /**
   * AdamW on n parameters: g = grads * s, s = min(1, h.gradClip / norm[0])
   * (1 when gradClip is 0); m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
   * p -= lr * (m/(1-b1^step) / (sqrt(v/(1-b2^step)) + eps) + weightDecay * p).
   * h.weightDecay is this range's decay (the driver passes 0 for tensors without decay).
   * When skip (1) is given and non-zero, nothing is written (checkFinite's flag).
   */
  adamwUpdate(params: F, grads: F, m: F, v: F, norm: F, n: number, h: AdamwHyper, skip?: F | null): void;

  // --- GRPO step on the device (cpu/grpo_loss.ts, cpu/pack.ts) ----------------
  /**
   * The GRPO surrogate over the N positions of a training forward: dLogp (N)
   * written, sums (GRPO_SUMS) written; logp, logpOld, logpRef (null when beta
   * is 0), adv, denom all (N). rl/grpo.ts grpoLoss per position; the spec is
   * cpu/grpo_loss.ts.
   */
  grpoLossForward(dLogp: F, sums: F, logp: F, logpOld: F, logpRef: F | null, adv: F, denom: F, N: number, h: GrpoLossHyper): void;
  /** flag (1) = code when flag is 0 and some x (n) is NaN/Inf (sticky). */
  checkFinite(flag: F, x: F, n: number, code: number): void;
  /** out (n) = src (n) as floats (exact below 2^24). */
  intToFloat(out: F, src: I, n: number): void;
}
