import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { parseCompletion } from '../tasks/format';
import { accuracyReward, consistencyCounts, consistencyPenalty, formatReward, isReadable, rewardBatch, rewardCompletion, softOverlong, type RewardConfig } from './rewards';

// Lmax = 64, Lcache = 16, so the ramp starts after 48 tokens.
const cfg: RewardConfig = {
  formatWeight: 0.1,
  accuracyWeight: 1,
  consistencyWeight: 0,
  overlongShaping: false,
  overlongBuffer: 16,
  overlongPenalty: 0.5,
  maxCompletionLength: 64,
};
const shaped: RewardConfig = { ...cfg, overlongShaping: true };

const GOOD = '<think>7+5=12;4+8+1=13;47+85=132</think><answer>132</answer><eos>';

describe('format and accuracy rewards', () => {
  it('scores a well-formed right completion 1 + 1, weighted 0.1*1 + 1*1 = 1.1', () => {
    expect(rewardCompletion(GOOD, 132, 30, cfg)).toEqual({ format: 1, accuracy: 1, overlong: 0, consistency: 0, total: 1.1 });
  });

  it('a well-formed wrong answer keeps only the format reward (0.1)', () => {
    expect(rewardCompletion(GOOD, 133, 30, cfg)).toEqual({ format: 1, accuracy: 0, overlong: 0, consistency: 0, total: 0.1 });
  });

  it('a truncated completion (no <eos>) gets format 0, but a closed right answer still counts', () => {
    const text = GOOD.slice(0, -'<eos>'.length);
    expect(formatReward(parseCompletion(text))).toBe(0);
    expect(rewardCompletion(text, 132, 64, cfg)).toEqual({ format: 0, accuracy: 1, overlong: 0, consistency: 0, total: 1 });
  });

  it('malformed completions: missing think, text after </answer>, unclosed answer, non-integer answer', () => {
    expect(rewardCompletion('<answer>132</answer><eos>', 132, 5, cfg).format).toBe(0);
    expect(rewardCompletion('<answer>132</answer><eos>', 132, 5, cfg).accuracy).toBe(1);
    expect(rewardCompletion('<think>1</think><answer>132</answer>7<eos>', 132, 9, cfg).format).toBe(0);
    expect(rewardCompletion('<think>1</think><answer>132', 132, 64, cfg)).toEqual({ format: 0, accuracy: 0, overlong: 0, consistency: 0, total: 0 });
    // "1-2" is not an integer: well formed (format 1) but no answer (accuracy 0).
    expect(rewardCompletion('<think>1</think><answer>1-2</answer><eos>', -1, 9, cfg)).toEqual({ format: 1, accuracy: 0, overlong: 0, consistency: 0, total: 0.1 });
  });

  it('negative answers compare as numbers', () => {
    const p = parseCompletion('<think>38-85=-47</think><answer>-47</answer><eos>');
    expect(accuracyReward(p, -47)).toBe(1);
    expect(accuracyReward(p, 47)).toBe(0);
  });
});

describe('DAPO soft overlong punishment', () => {
  it('is 0 up to Lmax - Lcache, ramps linearly to -1 at Lmax, -1 beyond', () => {
    expect(softOverlong(10, 64, 16)).toBe(0);
    expect(softOverlong(48, 64, 16)).toBe(0);
    expect(softOverlong(52, 64, 16)).toBe(-0.25); // (48 - 52) / 16
    expect(softOverlong(56, 64, 16)).toBe(-0.5); // (48 - 56) / 16
    expect(softOverlong(64, 64, 16)).toBe(-1); // (48 - 64) / 16
    expect(softOverlong(65, 64, 16)).toBe(-1);
  });

  it('is scaled by overlongPenalty and added to the total only when shaping is on', () => {
    // 0.1*1 + 1*1 + 0.5*(-0.25) = 0.975
    const r = rewardCompletion(GOOD, 132, 52, shaped);
    expect(r.overlong).toBe(-0.125);
    expect(r.total).toBeCloseTo(0.975, 15);
    expect(rewardCompletion(GOOD, 132, 52, cfg).overlong).toBe(0);
  });

  it('works with the defaults of the RunConfig (shaping off)', () => {
    expect(rewardCompletion(GOOD, 132, 64, DEFAULT_CONFIG.grpo).total).toBeCloseTo(1.1, 15);
  });
});

describe('rewardBatch', () => {
  it('returns every component per completion', () => {
    const texts = [GOOD, GOOD, '<think>47+85=142</think><answer>142</answer><eos>', 'garbage'];
    const r = rewardBatch(texts, [132, 132, 132, 132], [30, 56, 30, 64], shaped);
    expect(Array.from(r.format)).toEqual([1, 1, 1, 0]);
    expect(Array.from(r.accuracy)).toEqual([1, 1, 0, 0]);
    expect(Array.from(r.overlong)).toEqual([0, -0.25, 0, -0.5]); // 0.5*(48-56)/16, 0.5*(-1)
    const want = [1.1, 0.85, 0.1, -0.5];
    r.total.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 15));
  });

  it('rejects mismatched lengths loudly', () => {
    expect(() => rewardBatch([GOOD], [1, 2], [3], cfg)).toThrow(/1 texts but 2 expected/);
  });
});

describe('consistency penalty (issue 17: R1\'s language consistency, as a share of unreadable claims)', () => {
  // countdown d=1: 3;5;7 -> 5 is reached by 3-5+7; the search order is 3+5+7, 3+5-7, 3-5+7, 3-5-7
  const problem = { family: 'countdown' as const, difficulty: 1, operands: [3, 5, 7], answer: 5 };
  const c = (think: string, answer: string) => parseCompletion(`<think>${think}</think><answer>${answer}</answer><eos>`);
  const weighted: RewardConfig = { ...cfg, consistencyWeight: 0.1 };

  it('a search whose every claim is true is readable and costs nothing', () => {
    const p = c('3+5+7=15<wait>3+5-7=1<wait>3-5+7=5', '3-5+7');
    expect(consistencyCounts(p, problem)).toEqual({ claims: 4, bad: 0 });
    expect(isReadable(p, problem)).toBe(true);
    expect(consistencyPenalty(p, problem)).toBe(0);
  });

  it('counts a false claim, a segment with no candidate and an answer the thought did not reach', () => {
    // 3+5-7 is 1, not 7: one false claim of 2 (the segment and the answer)
    expect(consistencyCounts(c('3+5-7=7', '3+5-7'), problem)).toEqual({ claims: 2, bad: 1 });
    // the answer is not the last candidate: its claim is bad, the segment's true
    expect(consistencyCounts(c('3+5+7=15', '3-5+7'), problem)).toEqual({ claims: 2, bad: 1 });
    // no "expr=value" at all, and an answer it did not reach
    expect(consistencyCounts(c('hmm', '3-5+7'), problem)).toEqual({ claims: 2, bad: 2 });
    // a malformed completion is one bad claim
    expect(consistencyCounts(parseCompletion('3-5+7<eos>'), problem)).toEqual({ claims: 1, bad: 1 });
  });

  it('is a share, in [-1, 0], weighted into the total; more true claims or more <wait>s earn nothing by themselves', () => {
    expect(consistencyPenalty(c('3+5-7=7', '3+5-7'), problem)).toBe(-0.5);
    expect(consistencyPenalty(c('3+5+7=1<wait>3+5-7=7', '3+5-7'), problem)).toBeCloseTo(-2 / 3, 15);
    expect(consistencyPenalty(parseCompletion('nonsense'), problem)).toBe(-1);
    // a readable guess and a readable three-candidate search score the same total
    const guess = rewardCompletion('<think>3-5+7=5</think><answer>3-5+7</answer><eos>', problem, 14, weighted);
    const search = rewardCompletion('<think>3+5+7=15<wait>3+5-7=1<wait>3-5+7=5</think><answer>3-5+7</answer><eos>', problem, 30, weighted);
    expect(guess).toEqual({ format: 1, accuracy: 1, overlong: 0, consistency: 0, total: 1.1 });
    expect(search).toEqual(guess);
    // a right answer after a false claim: 1.1 - 0.1 * 1/2
    const lied = rewardCompletion('<think>3-5+7=7</think><answer>3-5+7</answer><eos>', problem, 14, weighted);
    expect(lied.consistency).toBeCloseTo(-0.05, 15);
    expect(lied.total).toBeCloseTo(1.05, 15);
    // weight 0 (the default) leaves the reward as it was
    expect(rewardCompletion('<think>3-5+7=7</think><answer>3-5+7</answer><eos>', problem, 14, cfg).consistency).toBe(0);
  });

  it('is one column of rewardBatch', () => {
    const texts = ['<think>3-5+7=5</think><answer>3-5+7</answer><eos>', '<think>3-5+7=7</think><answer>3-5+7</answer><eos>'];
    const r = rewardBatch(texts, [problem, problem], [14, 14], weighted);
    expect(Array.from(r.consistency)).toEqual([0, -0.05]);
    expect(r.total[1]).toBeCloseTo(1.05, 15);
  });
});
