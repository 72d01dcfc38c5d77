import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../train/evaluate';
import type { GrpoMetrics } from '../train/grpo';
import { EVAL_METRICS, EVAL_SERIES, SERIES_KEYS, STEP_METRIC, STEP_METRICS, stepFromValues, type MetricRow } from './metrics';

// every field set, each number distinct, so a row reading the wrong field shows
const FULL: GrpoMetrics = {
  step: 7, reward: 1, rewards: { format: 2, accuracy: 3, overlong: 4, consistency: -0.5 }, rewardStd: 5, fracRewardZeroStd: 6, keptGroups: 7,
  completionLength: { mean: 8, min: 9, max: 10 }, lengthRight: 11, lengthWrong: 12, attempts: 13, clippedRatio: 14,
  loss: 15, policyLoss: 16, kl: 17, entropy: 18, clipRatio: { low: 19, high: 20, region: 21 }, meanRatio: 22, gradNorm: 23, lr: 24,
  expertLoad: [[0.5, 0.5]], auxLoss: 25, stepTime: 26, tokensPerSec: 27,
  aha: { reflection: 28, aha: 29, verification: 30, overthinking: 31 }, skipped: true,
};
const EVAL: EvalResult = { problems: 16, greedy: { accuracy: 0.5, meanLength: 6, aha: FULL.aha }, sampled: { accuracy: 0.25, meanLength: 7, aha: FULL.aha } };

/** The dotted paths of every number in a record. */
function numberPaths(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'number' ? [`${prefix}${k}`] : v && typeof v === 'object' && !Array.isArray(v) ? numberPaths(v, `${prefix}${k}.`) : []));
}
const rows = STEP_METRICS as readonly MetricRow<GrpoMetrics>[];
const evalRows = EVAL_METRICS as readonly MetricRow<EvalResult>[];

describe('the metrics table', () => {
  it('has one row per number a step reports, each reading its own field', () => {
    expect(rows.map((r) => r.path).sort()).toEqual(numberPaths(FULL).filter((p) => p !== 'step').sort());
    const byPath = new Map(numberPaths(FULL).map((p) => [p, p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], FULL)]));
    for (const r of rows) expect(r.get(FULL), r.key).toBe(byPath.get(r.path));
    expect(evalRows.map((r) => r.get(EVAL))).toEqual([0.5, 0.25, 6, 7]);
  });

  it('names every metric, CSV column and link series once', () => {
    const all = [...rows, ...evalRows];
    const once = (xs: readonly unknown[]) => expect(new Set(xs).size).toBe(xs.length);
    once(rows.map((r) => r.key));
    once(evalRows.map((r) => r.key));
    once(all.flatMap((r) => (r.csv ? [r.csv] : [])));
    // every series a link carries is exactly one metric's, and the evaluations' are the held-out ones
    expect(all.flatMap((r) => (r.link ? [r.link] : [])).sort()).toEqual([...SERIES_KEYS].sort());
    expect(EVAL_SERIES).toEqual(['heldOutGreedy', 'heldOutSampled']);
  });

  it('reads a step back from its values: what a link lacks is NaN, an optional metric absent, never 0', () => {
    const back = stepFromValues(FULL.step, true, (r) => r.get(FULL));
    expect(back).toEqual({ ...FULL, expertLoad: [] });
    const linked = stepFromValues(3, false, (r) => (r.link ? r.get(FULL) : undefined));
    expect(linked.reward).toBe(1);
    expect(linked.clipRatio).toEqual({ low: NaN, high: NaN, region: 21 });
    expect(linked.stepTime).toBeNaN();
    expect('lengthRight' in linked).toBe(false);
    expect(STEP_METRIC.lengthRight.get(linked)).toBeNaN();
    expect(numberPaths(linked).sort()).toEqual(rows.filter((r) => !r.optional).map((r) => r.path).concat('step').sort());
  });

  it('reads a stored run older than a metric as NaN, and null (a step without such completions) too', () => {
    const { lengthRight: _r, attempts: _a, ...old } = FULL;
    expect(STEP_METRIC.lengthRight.get(old)).toBeNaN();
    expect(STEP_METRIC.attempts.get(old)).toBeNaN();
    expect(STEP_METRIC.lengthWrong.get({ ...FULL, lengthWrong: null })).toBeNaN();
  });
});
