import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../../core/config';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import { QUICK_CONFIG } from '../../train/quick';
import { formatGaming, healthWarnings, klGrowth, lengthCap, noSignal, rewardCollapse } from './health';

const aha0 = { reflection: 0, aha: 0, verification: 0, overthinking: 0 };
/** A healthy step: some reward, a spread in most groups, short completions, small KL. */
function metric(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: 0.4, rewards: { format: 0.5, accuracy: 0.3, overlong: 0 }, rewardStd: 0.3, fracRewardZeroStd: 0.25, keptGroups: 4,
    completionLength: { mean: 12, min: 8, max: 18 }, clippedRatio: 0, loss: 0, policyLoss: 0, kl: 0.01, entropy: 1,
    clipRatio: { low: 0, high: 0, region: 0 }, meanRatio: 1, gradNorm: 0.5, lr: 1e-3,
    expertLoad: [[0.25, 0.25, 0.25, 0.25]], auxLoss: 0, stepTime: 100, tokensPerSec: 1000, aha: aha0, skipped: false, ...over,
  };
}
const run = (n: number, f: (i: number) => Partial<GrpoMetrics> = () => ({})) => Array.from({ length: n }, (_, i) => metric(i, f(i)));
const ev = (step: number, greedy: number, problems = 9): { step: number; result: EvalResult } =>
  ({ step, result: { problems, greedy: { accuracy: greedy, meanLength: 10, aha: aha0 }, sampled: { accuracy: greedy, meanLength: 10, aha: aha0 } } });
const ids = (ms: GrpoMetrics[], evals: { step: number; result: EvalResult }[] = [], c = QUICK_CONFIG) => healthWarnings(ms, evals, c).map((w) => w.id);

describe('healthWarnings', () => {
  it('a healthy run, and a run too short to judge, warn of nothing', () => {
    expect(ids(run(40), [ev(0, 0.3), ev(20, 0.4), ev(40, 0.45)])).toEqual([]);
    expect(ids([])).toEqual([]);
    expect(ids(run(2, () => ({ reward: 0, fracRewardZeroStd: 1, clippedRatio: 1 })))).toEqual([]);
  });

  it('format gaming: the quick run of issue 18 (reward 0.13 -> 0.94 on format, held-out 25% -> 0% of 9 problems)', () => {
    // quick: formatWeight = accuracyWeight = 1, so the rise threshold is 0.2
    const ms = run(30, (i) => { const t = i / 29; return { reward: 0.13 + 0.81 * t, rewards: { format: 0.1 + 0.8 * t, accuracy: 0.03, overlong: 0 } }; });
    const evals = [ev(0, 0.25), ev(10, 0.11), ev(20, 0.11), ev(30, 0)];
    const w = formatGaming(ms, evals, QUICK_CONFIG);
    expect(w?.chart).toBe('heldout');
    expect(w?.detail).toMatch(/held-out greedy accuracy fell 25% → 0% \(step 0 → 30, 9 problems\)/);
    expect(w?.detail).toMatch(/mostly the format reward \(weight 1\)/);
    expect(ids(ms, evals)).toContain('formatGaming');
  });

  it('format gaming needs both: a one-problem dip, or a fall without a reward rise, is not flagged', () => {
    const rising = run(30, (i) => ({ reward: 0.13 + 0.03 * i }));
    expect(formatGaming(rising, [ev(0, 0.25, 9), ev(30, 0.25 - 1 / 9, 9)], QUICK_CONFIG)).toBeNull(); // one problem of 9
    expect(formatGaming(rising, [ev(0, 0.5, 16), ev(30, 0.5 - 1 / 16, 16)], QUICK_CONFIG)).toBeNull(); // 6 points
    expect(formatGaming(rising, [ev(0, 0.5, 16), ev(30, 0.25, 16)], QUICK_CONFIG)).not.toBeNull();
    expect(formatGaming(run(30), [ev(0, 0.5, 16), ev(30, 0.25, 16)], QUICK_CONFIG)).toBeNull(); // flat reward
    expect(formatGaming(rising, [ev(0, 0.5, 16)], QUICK_CONFIG)).toBeNull(); // one evaluation
  });

  it('no signal: at least 3 groups in 4 with equal rewards over the last 5 steps, with the likely cause', () => {
    const wrong = run(10, (i) => (i >= 5 ? { fracRewardZeroStd: 0.75, rewards: { format: 0.9, accuracy: 0.05, overlong: 0 } } : {}));
    const w = noSignal(wrong, QUICK_CONFIG);
    expect(w?.detail).toMatch(/^75% of groups had all 8 rewards equal over steps 5–9/);
    expect(w?.detail).toMatch(/likely all wrong/);
    expect(w?.chart).toBe('signal'); // its button scrolls to the chart of that share
    expect(noSignal(run(10, (i) => (i >= 5 ? { fracRewardZeroStd: 1, rewards: { format: 1, accuracy: 0.95, overlong: 0 } } : {})), QUICK_CONFIG)?.detail).toMatch(/likely all right/);
    // one bad step in the window is not enough
    expect(noSignal(run(10, (i) => (i === 9 ? { fracRewardZeroStd: 1 } : {})), QUICK_CONFIG)).toBeNull();
  });

  it('length cap: a quarter of completions cut at maxCompletionLength, named with the cap', () => {
    const w = lengthCap(run(8, (i) => (i >= 3 ? { clippedRatio: 0.5, completionLength: { mean: 22, min: 10, max: 24 } } : {})), QUICK_CONFIG);
    expect(w?.chart).toBe('length');
    expect(w?.detail).toMatch(/^50% of completions were cut at the 24-token cap over steps 3–7 \(mean length 22\)/);
    expect(lengthCap(run(8, () => ({ clippedRatio: 0.2 })), QUICK_CONFIG)).toBeNull();
  });

  it('KL growing fast: >= 0.1 and >= 0.002 per step; never under beta = 0; a slow climb like README\'s default is fine', () => {
    const fast = run(30, (i) => ({ kl: 0.01 + 0.01 * i })); // 0.01 per step, 0.3 at the end
    const w = klGrowth(fast, DEFAULT_CONFIG);
    expect(w?.chart).toBe('kl');
    expect(w?.detail).toMatch(/per step/);
    expect(klGrowth(fast, QUICK_CONFIG)).toBeNull(); // beta = 0: KL is not measured
    expect(klGrowth(run(300, (i) => ({ kl: 0.0002 * i })), DEFAULT_CONFIG)).toBeNull(); // 0.06 at step 300
    expect(klGrowth(run(30, () => ({ kl: 0.3 })), DEFAULT_CONFIG)).toBeNull(); // high but steady
    // skipped steps report KL 0: they neither hide nor fake growth
    expect(klGrowth(run(30, (i) => (i % 2 ? { kl: 0, skipped: true } : { kl: 0.01 + 0.01 * i })), DEFAULT_CONFIG)).not.toBeNull();
  });

  it('reward collapse: the dr_grpo run of issue 18 (reward 0.13 -> 0 by step 4), named with the known setting', () => {
    const dr = mergeConfig(QUICK_CONFIG, { grpo: { lossType: 'dr_grpo', scaleRewards: 'none', beta: 0 } });
    const ms = run(8, (i) => ({ reward: i < 2 ? 0.13 : i < 4 ? 0.05 : 0, completionLength: { mean: i < 4 ? 12 : 24, min: 8, max: 24 } }));
    const w = rewardCollapse(ms, dr);
    expect(w?.chart).toBe('reward');
    expect(w?.detail).toMatch(/^Mean reward 0 over steps 5–7, down from 0.103 over steps 0–2; mean length now 24 of 24 tokens/);
    // what it was (issue 18 item 10): the zero-signal state beta = 0 cannot leave, whichever loss
    expect(w?.detail).toMatch(/every group has zero reward spread and the policy gradient is exactly 0: with β = 0 nothing pulls the policy back/);
    expect(rewardCollapse(ms, QUICK_CONFIG)?.detail).toMatch(/grpo and dr_grpo alike/);
    expect(rewardCollapse(ms, mergeConfig(QUICK_CONFIG, { grpo: { beta: 0.04 } }))?.detail).not.toMatch(/β = 0/);
    expect(ids(ms, [], dr)).toContain('rewardCollapse');
  });

  it('reward collapse needs something to lose, and a drop, not a dip', () => {
    expect(rewardCollapse(run(10, () => ({ reward: 0.02 })), QUICK_CONFIG)).toBeNull(); // never earned 0.05
    expect(rewardCollapse(run(10, (i) => ({ reward: i === 9 ? 0 : 0.4 })), QUICK_CONFIG)).toBeNull(); // one step
    expect(rewardCollapse(run(10, (i) => ({ reward: i < 5 ? 0.4 : 0.2 })), QUICK_CONFIG)).toBeNull(); // halved, not gone
  });

  it('a shared snapshot\'s missing fields (NaN) raise nothing', () => {
    const nan = run(20, () => ({ clippedRatio: NaN, fracRewardZeroStd: NaN, kl: NaN }));
    expect(ids(nan, [], DEFAULT_CONFIG)).toEqual([]);
  });
});
