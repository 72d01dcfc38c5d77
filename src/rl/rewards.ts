// Rewards of DESIGN §5: a format reward, an accuracy reward, DAPO's soft
// overlong punishment and (issue 17) a consistency penalty, combined with the
// RunConfig weights. Each completion's components are returned separately so
// metrics can chart reward per component.
//
// The consistency penalty is the toy counterpart of R1's language-consistency
// reward (the share of the chain of thought in the target language): here the
// share of the thought's claims that are not readable (consistencyCounts). A
// fraction, never a count: a longer thought or one more <wait> earns nothing
// by itself. A fraction can be diluted: one false claim among four costs a
// quarter of one false claim alone, so adding true claims pays a little when
// a false one is already there (stated in README, not hidden).
//
// N = number of completions in a batch (B prompts * G completions each).

import type { RunConfig } from '../core/config';
import { parseCompletion, type ParsedCompletion } from '../tasks/format';
import { checkCountdown, claimedValue, countdownShape } from '../tasks/countdown';
import { answerIsRight, segmentAnswer, type Expected } from '../tasks/judge';

/** The knobs rewards read; a whole RunConfig['grpo'] fits. */
export type RewardConfig = Pick<
  RunConfig['grpo'],
  'formatWeight' | 'accuracyWeight' | 'consistencyWeight' | 'overlongShaping' | 'overlongBuffer' | 'overlongPenalty' | 'maxCompletionLength'
>;

export interface RewardParts {
  /** 0 or 1, before weighting. */
  format: number;
  /** 0 or 1, before weighting. */
  accuracy: number;
  /** The overlong term as added to total: overlongPenalty * softOverlong(len), or 0 when shaping is off. In [-overlongPenalty, 0]. */
  overlong: number;
  /** The consistency term as added to total: -consistencyWeight * (the share of unreadable claims). In [-consistencyWeight, 0]. */
  consistency: number;
  /** formatWeight * format + accuracyWeight * accuracy + overlong + consistency. */
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
 * The thought's claims and how many are not readable. The claims are its think
 * segments and the answer. A segment is bad when it states no candidate
 * ("expr=value"), or, for countdown, when the value it claims is not its
 * candidate's ("7-1-1=7"; checkCountdown against the claimed value, so an
 * illegal candidate is bad too); the answer is bad when it is not the last
 * segment's candidate (the thought and the answer disagree). For arithmetic
 * only the form is checked, not each step's sum. A completion that is not
 * well formed, or has no segment, has one claim, and it is bad: nothing in it
 * can be read. train/rejection.ts's readability filter is "bad = 0".
 */
export function consistencyCounts(p: ParsedCompletion, expected: Expected): { claims: number; bad: number } {
  if (!p.wellFormed || p.segments.length === 0) return { claims: 1, bad: 1 };
  const stated = p.segments.map((s) => segmentAnswer(expected, s.text));
  const countdown = typeof expected !== 'number' && expected.family === 'countdown' ? expected : null;
  const allowed = countdown ? countdownShape(countdown.difficulty).ops : [];
  let bad = 0;
  p.segments.forEach((s, i) => {
    const a = stated[i]!;
    if (a === null) bad++;
    else if (countdown) {
      const v = claimedValue(s.text);
      if (v === null || checkCountdown(a, countdown.operands, v, allowed) !== null) bad++;
    }
  });
  if (stated[stated.length - 1] !== p.answerText) bad++;
  return { claims: p.segments.length + 1, bad };
}

/** Every claim readable (consistencyCounts finds none bad). */
export function isReadable(p: ParsedCompletion, expected: Expected): boolean {
  return consistencyCounts(p, expected).bad === 0;
}

/** The unweighted penalty, in [-1, 0]: minus the share of bad claims. */
export function consistencyPenalty(p: ParsedCompletion, expected: Expected): number {
  const { claims, bad } = consistencyCounts(p, expected);
  return bad === 0 ? 0 : -bad / claims;
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
  // skipped at weight 0 (the default): -0 would be a value nobody asked for, and the check costs a parse per segment
  const consistency = cfg.consistencyWeight > 0 ? cfg.consistencyWeight * consistencyPenalty(p, expected) : 0;
  return { format, accuracy, overlong, consistency, total: cfg.formatWeight * format + cfg.accuracyWeight * accuracy + overlong + consistency };
}

/** Per-completion components of a batch; every array is (N,). */
export interface BatchRewards {
  format: Float64Array;
  accuracy: Float64Array;
  overlong: Float64Array;
  consistency: Float64Array;
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
    consistency: new Float64Array(N),
    total: new Float64Array(N),
  };
  for (let i = 0; i < N; i++) {
    const r = rewardCompletion(texts[i]!, expected[i]!, lengths[i]!, cfg);
    out.format[i] = r.format;
    out.accuracy[i] = r.accuracy;
    out.overlong[i] = r.overlong;
    out.consistency[i] = r.consistency;
    out.total[i] = r.total;
  }
  return out;
}
