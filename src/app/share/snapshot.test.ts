import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../core/config';
import { decodeRunLink, encodeRunLink } from '../../share/url';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import { PROTOCOL_VERSION, type TrainerEvent } from '../../train/protocol';
import { useStore, type AhaItem, type AppState } from '../store';
import { closeShared, reduceWithShared, runFromSnapshot, SHARED_REFERENCE, showShared, snapshotFromRun } from './snapshot';

const v = PROTOCOL_VERSION;
const zeroAha = { reflection: 0, aha: 0, verification: 0, overthinking: 0 };

function metricsAt(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: 0.125 * step, rewards: { format: 0.5, accuracy: 0.25, overlong: 0 }, rewardStd: 0, fracRewardZeroStd: 0, keptGroups: 4,
    completionLength: { mean: 10 + step, min: 3, max: 20 }, clippedRatio: 0, loss: 0, policyLoss: -0.01 * step, kl: 0.001, entropy: 1.5,
    clipRatio: { low: 0, high: 0, region: 0.0625 }, meanRatio: 1, gradNorm: 0.75, lr: 1e-3, expertLoad: [[0.5, 0.5]], auxLoss: 0,
    stepTime: 500, tokensPerSec: 100, aha: { ...zeroAha, aha: step === 2 ? 0.25 : 0 }, skipped: false, ...over,
  };
}
const evalAt = (acc: number): EvalResult => ({ problems: 16, greedy: { accuracy: acc, meanLength: 6, aha: zeroAha }, sampled: { accuracy: acc / 2, meanLength: 7, aha: { ...zeroAha, aha: 0.0625 } } });
const aha = (step: number): AhaItem => ({ step, index: 0, prompt: `<bos>${step}+1=`, completion: '<think>x<wait>y</think>', span: null });

describe('snapshotFromRun / runFromSnapshot', () => {
  it('keeps every step of a short run and reads back into the charts\' shapes', async () => {
    const run = {
      metrics: [metricsAt(0), metricsAt(1, { skipped: true }), metricsAt(2)],
      evals: [{ step: 0, result: evalAt(0.5) }, { step: 3, result: evalAt(0.75) }],
      baseAha: { ...zeroAha, aha: 0.0625 },
      // newest first: the first aha still held is the last item
      ahaFeed: [aha(2), aha(1)],
      firstAhaStep: 1,
    };
    const snap = snapshotFromRun(run);
    expect(snap.steps).toBe(3);
    expect(snap.step).toEqual([0, 1, 2]);
    expect(snap.evalStep).toEqual([0, 3]);
    expect(snap.skipped).toEqual([1]);
    expect(snap.heldOutProblems).toBe(16);
    expect(snap.series.reward).toEqual([0, 0.125, 0.25]);
    expect(snap.series.heldOutSampled).toEqual([0.25, 0.375]);
    expect(snap.firstAha).toEqual({ step: 1, prompt: '<bos>1+1=', completion: '<think>x<wait>y</think>' });

    // through a real link and back
    const d = await decodeRunLink(await encodeRunLink(DEFAULT_CONFIG, snap)); // heldOutSize 64: the count must come from the snapshot
    const back = runFromSnapshot(d.snapshot!, d.config);
    expect(back.metrics.map((m) => m.reward)).toEqual([0, 0.125, 0.25]);
    expect(back.metrics.map((m) => m.completionLength.mean)).toEqual([10, 11, 12]);
    expect(back.metrics.map((m) => m.policyLoss)).toEqual([0, -0.01, -0.02]);
    expect(back.metrics.map((m) => m.skipped)).toEqual([false, true, false]);
    expect(back.metrics[2]!.aha.aha).toBe(0.25);
    expect(back.metrics[0]!.stepTime).toBeNaN(); // not in a snapshot: a gap, not a fake 0
    expect(back.evals).toEqual([
      { step: 0, result: { problems: 16, greedy: { accuracy: 0.5, meanLength: NaN, aha: expect.anything() }, sampled: { accuracy: 0.25, meanLength: NaN, aha: expect.anything() } } },
      { step: 3, result: { problems: 16, greedy: { accuracy: 0.75, meanLength: NaN, aha: expect.anything() }, sampled: { accuracy: 0.375, meanLength: NaN, aha: expect.anything() } } },
    ]);
    expect(back.baseAha?.aha).toBe(0.0625);
    expect(back.firstAhaStep).toBe(1);
  });

  it('keeps 200 evenly spread steps of a long run', () => {
    const metrics = Array.from({ length: 1000 }, (_, i) => metricsAt(i));
    const snap = snapshotFromRun({ metrics, evals: [], baseAha: null, ahaFeed: [], firstAhaStep: null });
    expect(snap.step).toHaveLength(200);
    expect(snap.step[0]).toBe(0);
    expect(snap.step[199]).toBe(999);
    expect(snap.series.reward[100]).toBe(0.125 * snap.step[100]!);
    expect(snap.firstAha).toBeNull();
  });
});

describe('reduceWithShared', () => {
  const status = (step: number): TrainerEvent => ({ type: 'status', v, state: 'ready', step, backend: 'webgpu', backendLabel: 'gpu', message: '' });
  const run = (events: TrainerEvent[], s: AppState) => events.reduce((acc, e) => ({ ...acc, ...reduceWithShared(acc, e) }), s);

  async function opened(): Promise<AppState> {
    const snap = snapshotFromRun({ metrics: [metricsAt(0), metricsAt(1)], evals: [{ step: 0, result: evalAt(0.5) }], baseAha: null, ahaFeed: [], firstAhaStep: null });
    const base = useStore.getInitialState();
    return { ...base, ...showShared(snap, DEFAULT_CONFIG, { liveEvals: [], liveBaseAha: null }) };
  }

  it('keeps the snapshot through the run\'s status at step 0 and its base evaluation', async () => {
    const s = run([status(0), { type: 'evaluation', v, step: 0, result: evalAt(0.125) }, status(0)], await opened());
    expect(s.metrics.map((m) => m.reward)).toEqual([0, 0.125]);
    expect(s.evals.map((e) => e.result.greedy.accuracy)).toEqual([0.5]);
    expect(s.shared!.showing).toBe(true);
    expect(s.shared!.liveEvals.map((e) => e.result.greedy.accuracy)).toEqual([0.125]);
    expect(s.shared!.liveBaseAha?.aha).toBe(0.0625);
    expect(s.status).toBe('ready');
  });

  it('replaces the snapshot with the run\'s own curves at its first step', async () => {
    const s = run([status(0), { type: 'evaluation', v, step: 0, result: evalAt(0.125) }, { type: 'metrics', v, metrics: metricsAt(0, { reward: 0.875 }) }], await opened());
    expect(s.shared!.showing).toBe(false);
    expect(s.metrics.map((m) => m.reward)).toEqual([0.875]);
    expect(s.evals.map((e) => e.result.greedy.accuracy)).toEqual([0.125]);
    expect(s.baseAha?.aha).toBe(0.0625);
    expect(s.step).toBe(1);
    // from here on it is the plain reducer: the next step appends
    const t = run([{ type: 'metrics', v, metrics: metricsAt(1) }], s);
    expect(t.metrics.map((m) => m.step)).toEqual([0, 1]);
    // the shared curves stay as a dashed reference (an overlay) until the banner is closed
    const ref = t.runs.overlays.filter((o) => o.id === SHARED_REFERENCE);
    expect(ref).toHaveLength(1);
    expect(ref[0]!.metrics!.map((m) => m.reward)).toEqual([0, 0.125]);
    expect(ref[0]!.evals!.map((e) => e.result.greedy.accuracy)).toEqual([0.5]);
    const closed = { ...t, ...closeShared(t) };
    expect(closed.shared).toBeNull();
    expect(closed.runs.overlays.some((o) => o.id === SHARED_REFERENCE)).toBe(false);
    // a second Re-run shows the snapshot itself again: its reference goes meanwhile
    const again = showShared(t.shared!.snapshot, t.shared!.config, { liveEvals: [], liveBaseAha: null }, t.runs);
    expect(again.runs!.overlays.some((o) => o.id === SHARED_REFERENCE)).toBe(false);
  });
});
