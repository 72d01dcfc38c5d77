// Rewards of DESIGN §5: a format reward, an accuracy reward and DAPO's soft
// overlong punishment, combined with the RunConfig weights. Each completion's
// components are returned separately so metrics can chart reward per component.
//
// N = number of completions in a batch (B prompts * G completions each).

import type { RunConfig } from '../core/config';
import { parseCompletion, type ParsedCompletion } from '../tasks/format';
import { answerIsRight, type Expected } from '../tasks/judge';

/** The knobs rewards read; a whole RunConfig['grpo'] fits. */
export type RewardConfig = Pick<
  RunConfig['grpo'],
  'formatWeight' | 'accuracyWeight' | 'overlongShaping' | 'overlongBuffer' | 'overlongPenalty' | 'maxCompletionLength'
>;

export interface RewardParts {
  /** 0 or 1, before weighting. */
  format: number;
  /** 0 or 1, before weighting. */
  accuracy: number;
  /** The overlong term as added to total: overlongPenalty * softOverlong(len), or 0 when shaping is off. In [-overlongPenalty, 0]. */
  overlong: number;
  /** formatWeight * format + accuracyWeight * accuracy + overlong. */
  total: number;
}

/**
 * 1 when the completion is exactly <think>…</think><answer>…</answer><eos>.
 * A completion that was cut off at the length limit (no <eos>) gets 0 even if
 * its tags happen to be closed: the model did not choose to stop, and
 * rewarding it would teach nothing about ending the answer.
 */
export function formatReward(p: ParsedCompletion): number {
  return p.wellFormed && p.terminated ? 1 : 0;
}

/**
 * 1 when the <answer> is right (tasks/judge.ts: the integer equals the
 * expected one; for countdown, an expression the verifier accepts). Unlike
 * the format reward this does not require <eos>: a closed, right answer is
 * right even if sampling ran out of tokens just after </answer>.
 */
export function accuracyReward(p: ParsedCompletion, expected: Expected): number {
  return answerIsRight(expected, p.answerText) ? 1 : 0;
}

/**
 * DAPO soft overlong punishment (Yu et al. 2025, eq. 13), unscaled, in [-1, 0]:
 *   0                          if len <= Lmax - Lcache
 *   ((Lmax - Lcache) - len)/Lcache   if Lmax - Lcache < len <= Lmax
 *   -1                         if len > Lmax
 * len counts the generated tokens (the <eos> included, i.e. the mask sum), so
 * a completion truncated at exactly Lmax gets -1.
 */
export function softOverlong(len: number, maxLen: number, buffer: number): number {
  const start = maxLen - buffer;
  if (len <= start) return 0;
  if (len <= maxLen) return (start - len) / buffer;
  return -1;
}

/** Scores one completion; `length` is its token count (see softOverlong). */
export function rewardCompletion(text: string, expected: Expected, length: number, cfg: RewardConfig): RewardParts {
  const p = parseCompletion(text);
  const format = formatReward(p);
  const accuracy = accuracyReward(p, expected);
  const overlong = cfg.overlongShaping
    ? cfg.overlongPenalty * softOverlong(length, cfg.maxCompletionLength, cfg.overlongBuffer)
    : 0;
  return { format, accuracy, overlong, total: cfg.formatWeight * format + cfg.accuracyWeight * accuracy + overlong };
}

/** Per-completion components of a batch; every array is (N,). */
export interface BatchRewards {
  format: Float64Array;
  accuracy: Float64Array;
  overlong: Float64Array;
  total: Float64Array;
}

/** texts, expected and lengths are (N,); expected (an answer or the problem) is repeated per completion of a group by the caller. */
export function rewardBatch(
  texts: readonly string[],
  expected: ArrayLike<Expected>,
  lengths: ArrayLike<number>,
  cfg: RewardConfig,
): BatchRewards {
  const N = texts.length;
  if (expected.length !== N || lengths.length !== N) {
    throw new Error(`rewardBatch: ${N} texts but ${expected.length} expected answers and ${lengths.length} lengths`);
  }
  const out: BatchRewards = {
    format: new Float64Array(N),
    accuracy: new Float64Array(N),
    overlong: new Float64Array(N),
    total: new Float64Array(N),
  };
  for (let i = 0; i < N; i++) {
    const r = rewardCompletion(texts[i]!, expected[i]!, lengths[i]!, cfg);
    out.format[i] = r.format;
    out.accuracy[i] = r.accuracy;
    out.overlong[i] = r.overlong;
    out.total[i] = r.total;
  }
  return out;
}
