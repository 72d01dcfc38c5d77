// Where a GRPO step's data lives (train/grpo.ts): each row's prompt +
// completion laid out over the training forward's T positions, the gathers
// from those positions back to the (nSeq,Tc) completion grid, the kept rows
// of dynamic sampling, and the layout of the step's one metrics readback.

import { GRPO_SUMS } from '../ops/ops';
import type { RolloutResult } from '../rl/rollout';

export interface Sequences {
  tokens: Int32Array; // (nSeq,T)
  targets: Int32Array; // (nSeq,T), -1 where no completion token is predicted
  start: Int32Array; // (nSeq) position predicting completion token 0: P_r - 1
}

/** Prompt + completion of each row, and the targets that select the completion tokens' log-probs. */
export function buildSequences(prompts: readonly number[][], G: number, ro: RolloutResult, T: number): Sequences {
  const nSeq = ro.nSeq;
  const Tc = ro.maxNew;
  const tokens = new Int32Array(nSeq * T); // <pad> is 0
  const targets = new Int32Array(nSeq * T).fill(-1);
  const start = new Int32Array(nSeq);
  for (let r = 0; r < nSeq; r++) {
    const p = prompts[Math.floor(r / G)]!;
    const len = ro.lengths[r]!;
    if (p.length + len - 1 > T) throw new Error(`GRPO: row ${r} has ${p.length} prompt + ${len} completion tokens, more than T+1 = ${T + 1}`);
    start[r] = p.length - 1;
    tokens.set(p, r * T);
    for (let j = 0; j < len; j++) {
      const tok = ro.tokens[r * Tc + j]!;
      if (p.length + j < T) tokens[r * T + p.length + j] = tok;
      targets[r * T + p.length - 1 + j] = tok;
    }
  }
  return { tokens, targets, start };
}

/** x (nSeq*T) at the completion positions -> (nSeq,Tc), 0 past each row's length. */
export function gatherCompletion(x: ArrayLike<number>, seq: Sequences, ro: RolloutResult, T: number): Float32Array {
  const Tc = ro.maxNew;
  const out = new Float32Array(ro.nSeq * Tc);
  for (let r = 0; r < ro.nSeq; r++) {
    for (let j = 0; j < ro.lengths[r]!; j++) out[r * Tc + j] = x[r * T + seq.start[r]! + j]!;
  }
  return out;
}

/** topIdx is L arrays (nSeq*T,k); out is (nSeq,Tc,L,k): the routing at the position predicting each completion token. */
export function gatherExperts(topIdx: readonly Int32Array[], seq: Sequences, ro: RolloutResult, T: number, k: number): Uint8Array {
  const Tc = ro.maxNew, L = topIdx.length;
  const out = new Uint8Array(ro.nSeq * Tc * L * k);
  for (let r = 0; r < ro.nSeq; r++) {
    for (let j = 0; j < ro.lengths[r]!; j++) {
      const pos = r * T + seq.start[r]! + j;
      for (let l = 0; l < L; l++) {
        for (let i = 0; i < k; i++) out[((r * Tc + j) * L + l) * k + i] = topIdx[l]![pos * k + i]!;
      }
    }
  }
  return out;
}

/** Rows of the kept groups, and a (nSeq,Tc) array restricted to them. */
export function keptRows(keep: readonly number[], G: number): number[] {
  return keep.flatMap((b) => Array.from({ length: G }, (_, g) => b * G + g));
}
export function selectRows(x: Float32Array, rows: readonly number[], Tc: number): Float32Array {
  const out = new Float32Array(rows.length * Tc);
  rows.forEach((r, i) => out.set(x.subarray(r * Tc, (r + 1) * Tc), i * Tc));
  return out;
}

/**
 * Offsets in the step's one readback buffer, N = nSeq*T positions:
 *   flag (1) | per inner iteration: loss (sums[GRPO_SUM.loss], slot 0), aux (L), sums[1..] (GRPO_SUMS-1), gradNorm |
 *   entropy (N), load (L,E), topIdx (L,N,k) as floats (first iteration) | logp (N) (last) | logpRef (N)
 */
export function packLayout(N: number, L: number, E: number, k: number, mu: number) {
  const stride = 1 + L + (GRPO_SUMS - 1) + 1;
  const iters = 1;
  const entropy = iters + mu * stride;
  const load = entropy + N;
  const topIdx = load + L * E;
  const logp = topIdx + L * N * k;
  const logpRef = logp + N;
  return {
    flag: 0,
    iter: (it: number) => {
      const base = iters + it * stride;
      return { loss: base, aux: base + 1, sums: base + 1 + L, gradNorm: base + L + GRPO_SUMS };
    },
    entropy, load, topIdx, logp, logpRef,
    total: logpRef + N,
  };
}
