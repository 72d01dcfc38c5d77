import { describe, expect, it } from 'vitest';
import type { OverlayRun } from '../store';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import { NOT_OVERLAID, OVERLAY_PALETTE, OVERLAY_SERIES, overlayColors, overlayKey, overlayLines, overlayRows, overlaysByChart } from './overlay';
import { C } from './series';

const aha0 = { reflection: 0, aha: 0, verification: 0, overthinking: 0 };
function metric(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: 0.5 + step, rewards: { format: 0.25, accuracy: 0.25 + step, overlong: 0 }, rewardStd: 0.1, fracRewardZeroStd: 0, keptGroups: 4,
    completionLength: { mean: 10 + step, min: 4, max: 20 }, clippedRatio: 0, loss: 0.1, policyLoss: -0.02, kl: 3e-5 * step, entropy: 1.5,
    clipRatio: { low: 0.01, high: 0.02, region: 0.03 }, meanRatio: 1, gradNorm: 0.8, lr: 1e-3,
    expertLoad: [[0.25, 0.5, 0.125, 0.125]], auxLoss: 0, stepTime: 250, tokensPerSec: 1280,
    aha: { ...aha0, aha: step / 100 }, skipped: false, ...over,
  };
}
const ev = (greedy: number): EvalResult => ({ problems: 16, greedy: { accuracy: greedy, meanLength: 8, aha: aha0 }, sampled: { accuracy: 0, meanLength: 9, aha: aha0 } });
const run = (id: string, metrics: GrpoMetrics[], evals: { step: number; result: EvalResult }[] = []): OverlayRun =>
  ({ id, name: `Run ${id}`, metrics, evals });

describe('overlay of stored runs', () => {
  const a = run('a', [metric(0), metric(1, { skipped: true }), metric(2)], [{ step: 0, result: ev(0.25) }, { step: 2, result: ev(0.5) }]);

  it('contributes one series per chart: the headline, never expert load', () => {
    expect(Object.keys(OVERLAY_SERIES).sort()).toEqual(['aha', 'clip', 'entropy', 'gradNorm', 'kl', 'length', 'policyLoss', 'reward', 'signal', 'speed']);
    expect(Object.keys(NOT_OVERLAID)).toEqual(['experts']);
    const k = overlayKey('a');
    expect(overlayRows(a, 'reward')).toEqual([{ step: 0, [k]: 0.5 }, { step: 1, [k]: 1.5 }, { step: 2, [k]: 2.5 }]);
    expect(overlayRows(a, 'length').map((r) => r[k])).toEqual([10, 11, 12]);
    expect(overlayRows(a, 'aha').map((r) => r[k])).toEqual([0, 0.01, 0.02]);
    // a trained series is a gap on a step dynamic sampling skipped, as on the live chart
    expect(overlayRows(a, 'kl').map((r) => r[k])).toEqual([0, null, 6e-5]);
    // the share of groups without reward spread is measured on a skipped step too (it is why the step was skipped)
    expect(overlayRows(run('s', [metric(0, { fracRewardZeroStd: 1, skipped: true })]), 'signal').map((r) => r[overlayKey('s')])).toEqual([1]);
    expect(overlayRows(a, 'heldout')).toEqual([{ step: 0, [k]: 0.25 }, { step: 2, [k]: 0.5 }]);
    const by = overlaysByChart([a]);
    expect(Object.keys(by).sort()).toEqual(['aha', 'clip', 'entropy', 'gradNorm', 'heldout', 'kl', 'length', 'policyLoss', 'reward', 'signal', 'speed']);
    for (const lines of Object.values(by)) expect(lines).toHaveLength(1);
  });

  it('names each line after its run (and the series on multi-series charts), dashed, in its own colour', () => {
    const b = run('b', [metric(0)]);
    const [la, lb] = overlayLines([a, b], 'reward');
    expect(la).toMatchObject({ key: 'run:a', label: 'Run a: total', dashed: true });
    expect(lb).toMatchObject({ key: 'run:b', label: 'Run b: total', dashed: true });
    expect(la!.color).not.toBe(lb!.color);
    expect(overlayLines([a], 'kl')[0]!.label).toBe('Run a');
    expect(overlayLines([a], 'heldout')[0]!.label).toBe('Run a: greedy');
    // a run with nothing to draw on a chart (no evaluations stored) adds no line there
    expect(overlayLines([b], 'heldout')).toEqual([]);
    expect(overlayLines([run('c', [])], 'reward')).toEqual([]);
  });

  it('downsamples a long run to the overlay budget, keeping its first, last and spike', () => {
    const long = run('long', Array.from({ length: 10_000 }, (_, i) => metric(i, { reward: i === 6789 ? 99 : 0 })));
    const rows = overlayRows(long, 'reward', 400);
    expect(rows.length).toBeLessThanOrEqual(400);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows[0]!.step).toBe(0);
    expect(rows[rows.length - 1]!.step).toBe(9999);
    expect(rows.some((r) => r.step === 6789 && r['run:long'] === 99)).toBe(true);
    expect(overlayLines([long], 'kl', 400)[0]!.rows.length).toBeLessThanOrEqual(400);
  });

  it('keeps a colour per run id, whatever else is overlaid or in which order', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `run-${(1e9 + i * 7919).toString(36)}-${i}`);
    for (const id of ids) {
      const [alone] = overlayColors([id]);
      expect(overlayColors([id])).toEqual([alone]);
      // beside another id of a different slot, the colour stays
      const other = ids.find((x) => overlayColors([x])[0] !== alone)!;
      expect(overlayColors([other, id])[1]).toBe(alone);
      expect(overlayColors([id, other])[0]).toBe(alone);
    }
    // the ids spread over the palette rather than piling onto one colour
    expect(new Set(ids.map((id) => overlayColors([id])[0])).size).toBeGreaterThanOrEqual(6);
    // up to the palette's size, no two overlays share one, and none is a live series' colour
    const cs = overlayColors(ids.slice(0, OVERLAY_PALETTE.length));
    expect(new Set(cs).size).toBe(OVERLAY_PALETTE.length);
    for (const c of cs) expect(Object.values(C)).not.toContain(c);
  });
});
