// Plain sampling by re-running the whole forward for every new token: O(T^2)
// per sequence, fine for tests and tiny demos. The rollout proper (KV cache,
// sampling on the GPU) is gpu/'s job; it must draw the same random numbers.
//
// Random draw of sequence b at position pos (the token being chosen):
//   u = rngFloat(seed, stream, b * maxSeqLen + pos)        (core/rng)
// then the token is the first, in vocabulary order, whose cumulative
// (top-k filtered, temperature-scaled) probability exceeds u * total.
// temperature 0 means greedy (argmax, lowest id on ties).

import { rngFloat } from '../core/rng';
import { TOK } from '../core/tokenizer';
import { sampleToken } from '../cpu/decode';
import { createActivations, forward, type Model } from './model';
import type { Ops } from '../ops/ops';

export interface SampleOptions {
  temperature: number;
  /** Keep only the k most likely tokens; 0 = off. */
  topK: number;
  /** Nucleus mass after top-k; 1 (the default) = off. */
  topP?: number;
  seed: number;
  stream: number;
}

/** Picks a token from one row of logits (V) with the uniform draw u in [0, 1): the rollout's own rule. */
export const sampleNext = sampleToken;

/**
 * Extends each prompt by up to maxNew tokens, stopping a sequence at <eos>.
 * Returns the completions (without the prompts, with the <eos> if sampled).
 */
export async function generate<F, I>(
  ops: Ops<F, I>,
  model: Model<F>,
  prompts: readonly (readonly number[])[],
  maxNew: number,
  opts: SampleOptions,
): Promise<number[][]> {
  const B = prompts.length;
  const Tmax = model.dims.Tmax;
  const longest = Math.max(...prompts.map((p) => p.length));
  if (longest < 1) throw new RangeError('generate: every prompt needs at least one token');
  const T = Math.min(Tmax, longest + maxNew);
  const acts = createActivations(ops, model, B, T);
  const seqs = prompts.map((p) => Array.from(p));
  const done = prompts.map((p) => p.length >= T);
  const V = model.dims.V;
  const tokens = new Int32Array(B * T);
  while (!done.every(Boolean)) {
    // Pad after each sequence's end; causal attention keeps the pad from the logits we read.
    tokens.fill(TOK.pad);
    seqs.forEach((s, b) => tokens.set(s, b * T));
    ops.writeInt(acts.tokens, tokens);
    forward(ops, model, acts, 1);
    const logits = await ops.read(acts.a.logits); // (B,T,V)
    for (let b = 0; b < B; b++) {
      if (done[b]) continue;
      const s = seqs[b]!;
      const pos = s.length; // the position being filled
      const row = (b * T + pos - 1) * V;
      const u = rngFloat(opts.seed, opts.stream, b * Tmax + pos);
      const next = sampleNext(logits.subarray(row, row + V), u, opts.temperature, opts.topK, opts.topP ?? 1);
      s.push(next);
      if (next === TOK.eos || s.length >= T || s.length - prompts[b]!.length >= maxNew) done[b] = true;
    }
  }
  return seqs.map((s, b) => s.slice(prompts[b]!.length));
}
