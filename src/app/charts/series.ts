// What each chart plots, as plain rows built from the store's metrics: display
// shaping only (picking fields, gaps for skipped steps), no model math. The x
// value is GrpoMetrics.step, the 0-based index of the step whose rollouts the
// row describes, so "step 0" is the base policy, as in the held-out
// evaluations (EvalResult at step k = after k updates).

import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';

/** One line of a chart: a Row key, drawn by ChartCard (overlay.ts builds them for other runs too). */
export interface LineSpec {
  key: string;
  label: string;
  color: string;
  dashed?: boolean;
  /** Plot against a second y axis on the right (for a series on another scale; the legend names it). */
  right?: boolean;
}

/** One plotted point: the step and its series' values; null draws a gap. */
export type Row = { step: number } & { [key: string]: number | null };

export interface SeriesSpec {
  key: string;
  label: string;
  color: string;
  get(m: GrpoMetrics): number;
  /** Measured by the training forward: 0 (and meaningless) on a step dynamic sampling skipped. */
  trained?: boolean;
}

/** The live series' colours (overlays take theirs from overlay.ts's palette, which avoids these). */
export const C = { blue: '#4cc9f0', green: '#80ed99', yellow: '#ffd166', red: '#f28482', violet: '#c77dff', grey: '#9fb3c8' };

// Each chart's series, by chart. The first of a multi-series chart is not
// necessarily its headline: overlay.ts names the one an overlaid run draws.
export const REWARD: SeriesSpec[] = [
  { key: 'total', label: 'total', color: C.blue, get: (m) => m.reward },
  { key: 'accuracy', label: 'accuracy', color: C.green, get: (m) => m.rewards.accuracy },
  { key: 'format', label: 'format', color: C.yellow, get: (m) => m.rewards.format },
];
export const AHA: SeriesSpec[] = [
  { key: 'reflection', label: 'reflection', color: C.blue, get: (m) => m.aha.reflection },
  { key: 'aha', label: 'aha', color: C.red, get: (m) => m.aha.aha },
  { key: 'verification', label: 'verification', color: C.green, get: (m) => m.aha.verification },
  { key: 'overthinking', label: 'overthinking', color: C.yellow, get: (m) => m.aha.overthinking },
];
export const CLIP: SeriesSpec[] = [
  { key: 'region', label: 'region', color: C.blue, get: (m) => m.clipRatio.region, trained: true },
  { key: 'low', label: 'low', color: C.yellow, get: (m) => m.clipRatio.low, trained: true },
  { key: 'high', label: 'high', color: C.red, get: (m) => m.clipRatio.high, trained: true },
];
const single = (key: string, label: string, color: string, get: SeriesSpec['get']): SeriesSpec[] => [{ key, label, color, get, trained: true }];
export const KL = single('kl', 'KL', C.violet, (m) => m.kl);
export const ENTROPY = single('entropy', 'entropy', C.green, (m) => m.entropy);
export const POLICY_LOSS = single('policyLoss', 'policy loss', C.red, (m) => m.policyLoss);
export const GRAD_NORM = single('gradNorm', 'grad norm', C.yellow, (m) => m.gradNorm);
export const SPEED: SeriesSpec[] = [
  { key: 'stepTime', label: 'step time (ms)', color: C.blue, get: (m) => m.stepTime },
  { key: 'tokensPerSec', label: 'tokens/s', color: C.yellow, get: (m) => m.tokensPerSec },
];
/** The completion-length chart's line (lengthRows also gives its min–max band). */
export const LENGTH_MEAN: SeriesSpec = { key: 'mean', label: 'mean', color: C.blue, get: (m) => m.completionLength.mean };
/** Right and wrong completions' mean lengths (Dr. GRPO's diagnostic); NaN (a gap) on a step with none, or in runs stored before them. */
export const LENGTH_SPLIT: SeriesSpec[] = [
  { key: 'right', label: 'right answers', color: C.green, get: (m) => m.lengthRight ?? NaN },
  { key: 'wrong', label: 'wrong answers', color: C.red, get: (m) => m.lengthWrong ?? NaN },
];
/** Countdown: candidates checked per completion, on the length chart's right axis. */
export const ATTEMPTS: SeriesSpec = { key: 'attempts', label: 'attempts per completion (right axis)', color: C.yellow, get: (m) => m.attempts ?? NaN };
/** The share of the step's groups whose G rewards were all equal: their advantages are 0, they teach nothing. */
export const SIGNAL = single('zeroStd', 'groups with zero reward spread', C.yellow, (m) => m.fracRewardZeroStd).map((s) => ({ ...s, trained: false }));

/** metrics (N) -> rows (N), one column per spec; trained series are null on skipped steps. */
export function metricRows(metrics: readonly GrpoMetrics[], specs: readonly SeriesSpec[]): Row[] {
  return metrics.map((m) => {
    const row: Row = { step: m.step };
    for (const s of specs) {
      const v = s.get(m);
      row[s.key] = (s.trained && m.skipped) || !Number.isFinite(v) ? null : v;
    }
    return row;
  });
}

/** Held-out accuracy, greedy and sampled pass@1, one row per evaluation. */
export function evalRows(evals: readonly { step: number; result: EvalResult }[]): Row[] {
  return evals.map((e) => ({ step: e.step, greedy: e.result.greedy.accuracy, sampled: e.result.sampled.accuracy, problems: e.result.problems }));
}

/** Completion length rows: mean, the min/max band (drawn as a range area), right and wrong answers' means, attempts (countdown). */
export function lengthRows(metrics: readonly GrpoMetrics[]): Row[] {
  const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return metrics.map((m) => ({
    step: m.step, mean: m.completionLength.mean, min: m.completionLength.min, max: m.completionLength.max,
    right: num(m.lengthRight), wrong: num(m.lengthWrong), attempts: num(m.attempts),
  }));
}

/**
 * Expert load of one layer: rows with e0..e{E-1}, each expert's share of the
 * routed choices. A step whose load is all zero (nothing measured) is a gap.
 */
export function expertRows(metrics: readonly GrpoMetrics[], layer: number): Row[] {
  return metrics.map((m) => {
    const load = m.expertLoad[layer] ?? [];
    const measured = load.some((v) => v > 0);
    const row: Row = { step: m.step };
    load.forEach((v, e) => (row[`e${e}`] = measured ? v : null));
    return row;
  });
}

/** (L,E) of the latest metrics, or [0,0] before any. */
export function expertShape(metrics: readonly GrpoMetrics[]): [number, number] {
  const last = metrics[metrics.length - 1];
  if (!last) return [0, 0];
  return [last.expertLoad.length, last.expertLoad[0]?.length ?? 0];
}

/** The last row whose `key` is a number: what a readout shows. */
export function latest(rows: readonly Row[], key: string): { step: number; value: number } | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const v = rows[i]![key];
    if (typeof v === 'number') return { step: rows[i]!.step, value: v };
  }
  return null;
}
