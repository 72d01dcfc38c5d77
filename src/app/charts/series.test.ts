import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import { metricReadouts, evalReadout } from './readouts';
import { evalRows, expertRows, expertShape, latest, lengthRows, metricRows } from './series';

const aha0 = { reflection: 0, aha: 0, verification: 0, overthinking: 0 };
function metric(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: 0.5 + step, rewards: { format: 0.25, accuracy: 0.25 + step, overlong: 0 }, rewardStd: 0.1, fracRewardZeroStd: 0, keptGroups: 4,
    completionLength: { mean: 10, min: 4, max: 20 }, clippedRatio: 0, loss: 0.1, policyLoss: -0.02, kl: 3e-5, entropy: 1.5,
    clipRatio: { low: 0.01, high: 0.02, region: 0.03 }, meanRatio: 1, gradNorm: 0.8, lr: 1e-3,
    expertLoad: [[0.25, 0.5, 0.125, 0.125], [0.1, 0.2, 0.3, 0.4]], auxLoss: 0, stepTime: 250, tokensPerSec: 1280,
    aha: aha0, skipped: false, ...over,
  };
}
const ev = (greedy: number, sampled: number): EvalResult => ({
  problems: 16, greedy: { accuracy: greedy, meanLength: 8, aha: aha0 }, sampled: { accuracy: sampled, meanLength: 9, aha: aha0 },
});

describe('series', () => {
  it('metricRows picks fields per step and gaps trained series on skipped steps', () => {
    const rows = metricRows([metric(0), metric(1, { skipped: true, kl: 0 }), metric(2, { reward: NaN })], [
      { key: 'r', label: 'r', color: '', get: (m) => m.reward },
      { key: 'kl', label: 'kl', color: '', get: (m) => m.kl, trained: true },
    ]);
    expect(rows).toEqual([
      { step: 0, r: 0.5, kl: 3e-5 },
      { step: 1, r: 1.5, kl: null },
      { step: 2, r: null, kl: 3e-5 },
    ]);
    expect(latest(rows, 'r')).toEqual({ step: 1, value: 1.5 });
    expect(latest(rows, 'kl')).toEqual({ step: 2, value: 3e-5 });
    expect(latest([], 'kl')).toBeNull();
  });

  it('lengthRows, evalRows, expertRows and expertShape', () => {
    // a run stored before the right/wrong split and attempts existed: gaps, not zeros
    expect(lengthRows([metric(3)])).toEqual([{ step: 3, mean: 10, min: 4, max: 20, right: null, wrong: null, attempts: null }]);
    expect(lengthRows([metric(4, { lengthRight: 12, lengthWrong: null, attempts: 1.5 })])).toEqual([{ step: 4, mean: 10, min: 4, max: 20, right: 12, wrong: null, attempts: 1.5 }]);
    expect(evalRows([{ step: 0, result: ev(0.125, 0.0625) }, { step: 10, result: ev(0.5, 0.25) }])).toEqual([
      { step: 0, greedy: 0.125, sampled: 0.0625, problems: 16 },
      { step: 10, greedy: 0.5, sampled: 0.25, problems: 16 },
    ]);
    const ms = [metric(0), metric(1, { expertLoad: [[0, 0, 0, 0], [0, 0, 0, 0]] })];
    expect(expertRows(ms, 1)).toEqual([
      { step: 0, e0: 0.1, e1: 0.2, e2: 0.3, e3: 0.4 },
      { step: 1, e0: null, e1: null, e2: null, e3: null },
    ]);
    expect(expertShape(ms)).toEqual([2, 4]);
    expect(expertShape([])).toEqual([0, 0]);
  });
});

describe('readouts', () => {
  it('are null before the first step', () => {
    const r = metricReadouts([], null, null);
    expect(Object.values(r).every((v) => v === null)).toBe(true);
    expect(evalReadout([])).toBeNull();
  });

  it('say the latest value and its step', () => {
    const r = metricReadouts([metric(0), metric(16, { aha: { reflection: 0.5, aha: 0.125, verification: 0, overthinking: 0 } })], 12, { ...aha0, aha: 0.03125 });
    expect(r.reward).toBe('reward 16.5 at step 16 · accuracy 16.3 · format 0.25');
    expect(r.kl).toBe('KL 3e-5 at step 16');
    expect(r.signal).toBe('0% of groups without reward spread at step 16');
    expect(r.length).toBe('mean length 10.0 tokens at step 16 · min 4 · max 20'); // a run stored before the split: nothing more
    expect(metricReadouts([metric(2, { fracRewardZeroStd: 0.25, lengthRight: 12.5, lengthWrong: null, attempts: 2.25 })], null, null)).toMatchObject({
      signal: '25% of groups without reward spread at step 2',
      length: 'mean length 10.0 tokens at step 2 · min 4 · max 20 · right 12.5 · wrong none · 2.25 attempts per completion',
    });
    expect(r.aha).toBe('aha 13% at step 16 · base 3% · reflection 50% · verification 0% · overthinking 0% · first aha at step 12');
    expect(r.clip).toBe('clipped 3% of tokens at step 16 · low 1% · high 2%');
    expect(r.experts).toBe('busiest: expert 1 of layer 0 with 50% of the choices at step 16 (balanced: 25%)');
    expect(r.speed).toBe('250 ms per step · 1,280 tokens/s at step 16');
    // a shared snapshot has no timings: say so instead of printing NaN
    expect(metricReadouts([metric(3, { stepTime: NaN, tokensPerSec: NaN })], null, null).speed).toMatch(/^not in the shared snapshot/);
    expect(evalReadout([{ step: 10, result: ev(0.5, 0.25) }])).toBe('greedy 50% · sampled pass@1 25% at step 10 (16 problems)');
  });

  it('say a skipped step trained nothing instead of printing zeros', () => {
    const r = metricReadouts([metric(4, { skipped: true, kl: 0 })], null, null);
    expect(r.kl).toBe('step 4 skipped (no group had a reward spread)');
    expect(r.reward).toMatch(/^reward 4.5 at step 4/);
    expect(r.aha).toMatch(/no aha yet$/);
  });
});
