// GRPO rollout (DESIGN §5, §7): G completions of each of B prompts, decoded
// together with a KV cache, sampled on the device, read back ONCE.
//
// Row r = b*G + g is completion g of prompt b. Its draw at position pos is
// u = rngFloat(seed, sampleStream(step), r * maxSeqLen + pos), so the rollout
// equals model/generate.ts run on the prompts repeated G times each with
// stream sampleStream(step) (greedy: token for token; tests check both).
// Every row runs to the same last position; finished rows are masked, not
// skipped, so the loop needs no readback.

import { sampleStream } from '../core/rng';
import { TOK } from '../core/tokenizer';
import { createDecodeState, decodeStep, prefill, recordLayout, type DecodeState, type SampleConfig } from '../model/decode';
import type { DecodeOps } from '../ops/decode';
import type { Model } from '../model/model';
import type { Ops } from '../ops/ops';

export interface RolloutOptions {
  /** Most new tokens per completion (also capped by maxSeqLen). */
  maxNew: number;
  /** 0 = greedy. */
  temperature: number;
  /** 0 = off. */
  topK: number;
  /** Nucleus mass after top-k; 1 (the default) = off. */
  topP?: number;
  seed: number;
  /** The GRPO step: picks the sampling stream. */
  step: number;
}

export interface RolloutResult {
  /** Rows b*G + g; columns the completion tokens, <pad> after the end. */
  nSeq: number;
  maxNew: number;
  tokens: Int32Array; // (nSeq,maxNew)
  /** log pi_old(token) at the sampling temperature (1 when greedy); 0 past the end. */
  logp: Float32Array; // (nSeq,maxNew)
  lengths: Int32Array; // (nSeq) completion tokens, the <eos> included when sampled
  mask: Uint8Array; // (nSeq,maxNew) 1 where j < length
}

/**
 * Samples G completions of each prompt. state (optional) is reused across
 * rollouts of the same shape; one is created when absent.
 */
export async function rollout<F, I>(
  ops: Ops<F, I>,
  dec: DecodeOps<F, I>,
  model: Model<F>,
  prompts: readonly (readonly number[])[],
  G: number,
  opts: RolloutOptions,
  state?: DecodeState<F, I>,
): Promise<RolloutResult> {
  if (!(Number.isInteger(G) && G >= 1)) throw new RangeError(`rollout: G = ${G} must be a positive integer`);
  if (prompts.length === 0) throw new RangeError('rollout: no prompts');
  if (!(opts.temperature >= 0)) throw new RangeError(`rollout: temperature ${opts.temperature} must be >= 0`);
  const rows: (readonly number[])[] = [];
  for (const q of prompts) for (let g = 0; g < G; g++) rows.push(q);
  const nSeq = rows.length;
  const Tmax = model.dims.Tmax;
  const Pmax = Math.max(...rows.map((q) => q.length));
  // the positions generate.ts would use: T = min(Tmax, longest + maxNew)
  const Tlimit = Math.min(Tmax, Pmax + opts.maxNew);
  const st = state ?? createDecodeState(ops, model, nSeq, Pmax, opts.maxNew);
  if (st.nSeq !== nSeq || st.maxNew !== opts.maxNew) {
    throw new RangeError(`rollout: state is for ${st.nSeq} rows x ${st.maxNew} new tokens, asked ${nSeq} x ${opts.maxNew}`);
  }
  const sc: SampleConfig = {
    temperature: opts.temperature, topK: opts.topK, topP: opts.topP ?? 1, seed: opts.seed >>> 0, stream: sampleStream(opts.step),
    Tlimit, eos: TOK.eos, pad: TOK.pad,
  };
  const P0 = prefill(ops, dec, model, st, rows, sc);
  // sample() of the pass ending at pos fills pos+1; the last position to fill is Tlimit-1
  for (let pos = P0; pos + 1 < Tlimit; pos++) decodeStep(ops, dec, model, st, pos, sc);

  const rec = await ops.read(st.record); // the one readback
  const lay = recordLayout(nSeq, opts.maxNew);
  const n = nSeq * opts.maxNew;
  const tokens = new Int32Array(n);
  const logp = new Float32Array(n);
  const lengths = new Int32Array(nSeq);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    tokens[i] = rec[lay.tokens + i]!;
    logp[i] = rec[lay.logp + i]!;
  }
  for (let r = 0; r < nSeq; r++) {
    lengths[r] = rec[lay.length + r]!;
    for (let j = 0; j < lengths[r]!; j++) mask[r * opts.maxNew + j] = 1;
  }
  return { nSeq, maxNew: opts.maxNew, tokens, logp, lengths, mask };
}
