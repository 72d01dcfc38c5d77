// A run's results <-> a link's snapshot (share/url.ts's ResultsSnapshot), and
// the event reducer while a shared snapshot is on the charts. Display shaping
// only: the series a link carries and how each is read are rows of the metrics
// table (share/metrics.ts); this file downsamples by index and leaves what a
// snapshot does not carry to the table (NaN: the charts draw a gap).

import type { RunConfig } from '../../core/config';
import type { AhaRates } from '../../rl/aha';
import { EVAL_METRIC, EVAL_METRICS, STEP_METRICS, stepFromValues, type EvalMetricKey } from '../../share/metrics';
import { clampText, downsampleIndices, type ResultsSnapshot } from '../../share/url';
import type { EvalResult } from '../../train/evaluate';
import type { TrainerEvent } from '../../train/protocol';
import { reduceEvent, type AppState, type OverlayRun, type SharedRun } from '../store';

type Evals = AppState['evals'];

/** The store's results -> a snapshot of at most 200 points per series, with the first aha example. */
export function snapshotFromRun(s: Pick<AppState, 'metrics' | 'evals' | 'baseAha' | 'ahaFeed' | 'firstAhaStep'>): ResultsSnapshot {
  const kept = downsampleIndices(s.metrics.length).map((i) => s.metrics[i]!);
  const evals = downsampleIndices(s.evals.length).map((i) => s.evals[i]!);
  const series = {} as ResultsSnapshot['series'];
  for (const r of STEP_METRICS) if (r.link) series[r.link] = kept.map((m) => r.get(m));
  for (const r of EVAL_METRICS) if (r.link) series[r.link] = evals.map((e) => r.get(e.result));
  // the feed is newest first and bounded: its oldest item is the first aha it still holds
  const first = s.ahaFeed.length > 0 ? s.ahaFeed[s.ahaFeed.length - 1]! : null;
  return {
    steps: s.metrics.length,
    step: kept.map((m) => m.step),
    evalStep: evals.map((e) => e.step),
    series,
    skipped: kept.filter((m) => m.skipped).map((m) => m.step),
    baseAha: s.baseAha?.aha ?? null,
    heldOutProblems: s.evals[s.evals.length - 1]?.result.problems ?? null,
    firstAha: first ? { step: first.step, prompt: clampText(first.prompt), completion: clampText(first.completion) } : null,
  };
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? NaN : v);
const rates = (aha: number): AhaRates => ({ reflection: NaN, aha, verification: NaN, overthinking: NaN });

/**
 * A snapshot -> the store's metrics/evals shapes, so the charts draw it as they
 * draw a live run: each step's metrics built by the metrics table from the
 * series the link carries (share/metrics.ts stepFromValues), the rest gaps.
 */
export function runFromSnapshot(snap: ResultsSnapshot, cfg: RunConfig): Pick<AppState, 'metrics' | 'evals' | 'baseAha' | 'firstAhaStep'> {
  const skipped = new Set(snap.skipped);
  const metrics = snap.step.map((step, i) => stepFromValues(step, skipped.has(step), (r) => (r.link ? num(snap.series[r.link][i]) : undefined)));
  const evals: Evals = snap.evalStep.map((step, i) => {
    const pass = (accuracy: number) => ({ accuracy, meanLength: NaN, aha: rates(NaN) });
    const at = (k: EvalMetricKey) => num(snap.series[EVAL_METRIC[k].link!][i]);
    const result: EvalResult = { problems: snap.heldOutProblems ?? cfg.grpo.heldOutSize, greedy: pass(at('greedy')), sampled: pass(at('sampled')) };
    return { step, result };
  });
  const firstAhaStep = snap.firstAha?.step ?? metrics.find((m) => m.aha.aha > 0)?.step ?? null;
  return { metrics, evals, baseAha: snap.baseAha === null ? null : rates(snap.baseAha), firstAhaStep };
}

/** The overlay id of a shared run's curves once a re-run has the charts. */
export const SHARED_REFERENCE = 'shared-link';

/**
 * The shared run's curves as an overlay: once a re-run replaces them on the
 * charts they stay, dashed, as the reference it should reproduce, until the
 * banner is closed (issue 18: Re-run used to wipe them).
 */
export function sharedReference(sh: Pick<SharedRun, 'snapshot' | 'config'>): OverlayRun {
  const { metrics, evals } = runFromSnapshot(sh.snapshot, sh.config);
  return { id: SHARED_REFERENCE, name: 'shared link', metrics, evals };
}

const withoutReference = (runs: AppState['runs']): AppState['runs'] => ({ ...runs, overlays: runs.overlays.filter((o) => o.id !== SHARED_REFERENCE) });

/** The state that shows a shared snapshot on the charts (its reference overlay goes: the snapshot itself is there). */
export function showShared(snapshot: ResultsSnapshot, config: RunConfig, live: Pick<SharedRun, 'liveEvals' | 'liveBaseAha'>, runs?: AppState['runs']): Partial<AppState> {
  return { ...runFromSnapshot(snapshot, config), shared: { snapshot, config, showing: true, ...live }, ...(runs ? { runs: withoutReference(runs) } : {}) };
}

/** The banner's close: the shared run and its reference curves go. */
export function closeShared(s: Pick<AppState, 'runs'>): Partial<AppState> {
  return { shared: null, runs: withoutReference(s.runs) };
}

/**
 * reduceEvent while a snapshot may be on the charts. The live run's events
 * are reduced as if the charts were its own (so a status at step 0 does not
 * take the snapshot for a finished run and wipe it); its evaluations wait
 * aside, and its first step replaces the snapshot with the run's own curves.
 */
export function reduceWithShared(s: AppState, e: TrainerEvent): Partial<AppState> {
  const sh = s.shared;
  if (!sh?.showing) return reduceEvent(s, e);
  const live: AppState = { ...s, metrics: [], evals: sh.liveEvals, baseAha: sh.liveBaseAha, firstAhaStep: null };
  const out = reduceEvent(live, e);
  if (e.type === 'metrics') {
    const runs = { ...s.runs, overlays: [...withoutReference(s.runs).overlays, sharedReference(sh)] };
    return { evals: live.evals, baseAha: live.baseAha, firstAhaStep: null, ...out, shared: { ...sh, showing: false }, runs };
  }
  const { metrics: _m, evals, baseAha, firstAhaStep: _f, ...rest } = out;
  return { ...rest, shared: { ...sh, liveEvals: evals ?? sh.liveEvals, liveBaseAha: baseAha === undefined ? sh.liveBaseAha : baseAha } };
}
