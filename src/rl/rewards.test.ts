import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { parseCompletion } from '../tasks/format';
import { accuracyReward, formatReward, rewardBatch, rewardCompletion, softOverlong, type RewardConfig } from './rewards';

// Lmax = 64, Lcache = 16, so the ramp starts after 48 tokens.
const cfg: RewardConfig = {
  formatWeight: 0.1,
  accuracyWeight: 1,
  overlongShaping: false,
  overlongBuffer: 16,
  overlongPenalty: 0.5,
  maxCompletionLength: 64,
};
const shaped: RewardConfig = { ...cfg, overlongShaping: true };

const GOOD = '<think>7+5=12;4+8+1=13;47+85=132</think><answer>132</answer><eos>';

describe('format and accuracy rewards', () => {
  it('scores a well-formed right completion 1 + 1, weighted 0.1*1 + 1*1 = 1.1', () => {
    expect(rewardCompletion(GOOD, 132, 30, cfg)).toEqual({ format: 1, accuracy: 1, overlong: 0, total: 1.1 });
  });

  it('a well-formed wrong answer keeps only the format reward (0.1)', () => {
    expect(rewardCompletion(GOOD, 133, 30, cfg)).toEqual({ format: 1, accuracy: 0, overlong: 0, total: 0.1 });
  });

  it('a truncated completion (no <eos>) gets format 0, but a closed right answer still counts', () => {
    const text = GOOD.slice(0, -'<eos>'.length);
    expect(formatReward(parseCompletion(text))).toBe(0);
    expect(rewardCompletion(text, 132, 64, cfg)).toEqual({ format: 0, accuracy: 1, overlong: 0, total: 1 });
  });

  it('malformed completions: missing think, text after </answer>, unclosed answer, non-integer answer', () => {
    expect(rewardCompletion('<answer>132</answer><eos>', 132, 5, cfg).format).toBe(0);
    expect(rewardCompletion('<answer>132</answer><eos>', 132, 5, cfg).accuracy).toBe(1);
    expect(rewardCompletion('<think>1</think><answer>132</answer>7<eos>', 132, 9, cfg).format).toBe(0);
    expect(rewardCompletion('<think>1</think><answer>132', 132, 64, cfg)).toEqual({ format: 0, accuracy: 0, overlong: 0, total: 0 });
    // "1-2" is not an integer: well formed (format 1) but no answer (accuracy 0).
    expect(rewardCompletion('<think>1</think><answer>1-2</answer><eos>', -1, 9, cfg)).toEqual({ format: 1, accuracy: 0, overlong: 0, total: 0.1 });
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
