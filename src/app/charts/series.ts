// What each chart plots, as plain rows built from the store's metrics: display
// shaping only (picking fields, gaps for skipped steps), no model math. The x
// value is GrpoMetrics.step, the 0-based index of the step whose rollouts the
// row describes, so "step 0" is the base policy, as in the held-out
// evaluations (EvalResult at step k = after k updates).

import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import { EVAL_METRIC, STEP_METRIC, type StepMetricKey } from '../../share/metrics';

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

/**
 * A chart line of a metric of the table (share/metrics.ts): its getter, label
 * and whether it is trained come from the row; `key` names the line in the
 * chart's rows (the metric's key unless the chart has its own name for it).
 */
const line = (metric: StepMetricKey, color: string, over: Partial<Pick<SeriesSpec, 'key' | 'label'>> = {}): SeriesSpec => {
  const r = STEP_METRIC[metric];
  return { key: r.key, label: r.label, color, get: r.get, ...(r.trained ? { trained: true } : {}), ...over };
};

// Each chart's series, by chart. The first of a multi-series chart is not
// necessarily its headline: overlay.ts names the one an overlaid run draws.
export const REWARD: SeriesSpec[] = [
  line('reward', C.blue, { key: 'total', label: 'total' }),
  line('accuracy', C.green),
  line('format', C.yellow),
  line('consistency', C.violet),
];
export const AHA: SeriesSpec[] = [line('reflection', C.blue), line('aha', C.red), line('verification', C.green), line('overthinking', C.yellow)];
export const CLIP: SeriesSpec[] = [line('clipRegion', C.blue, { key: 'region' }), line('clipLow', C.yellow, { key: 'low' }), line('clipHigh', C.red, { key: 'high' })];
export const KL = [line('kl', C.violet)];
export const ENTROPY = [line('entropy', C.green)];
export const POLICY_LOSS = [line('policyLoss', C.red)];
export const GRAD_NORM = [line('gradNorm', C.yellow)];
export const SPEED: SeriesSpec[] = [line('stepTime', C.blue), line('tokensPerSec', C.yellow)];
/** The completion-length chart's line (lengthRows also gives its min–max band). */
export const LENGTH_MEAN: SeriesSpec = line('lengthMean', C.blue, { key: 'mean' });
/** Right and wrong completions' mean lengths (Dr. GRPO's diagnostic); NaN (a gap) on a step with none, or in runs stored before them. */
export const LENGTH_SPLIT: SeriesSpec[] = [line('lengthRight', C.green, { key: 'right' }), line('lengthWrong', C.red, { key: 'wrong' })];
/** Countdown: candidates checked per completion, on the length chart's right axis. */
export const ATTEMPTS: SeriesSpec = line('attempts', C.yellow, { label: 'attempts per completion (right axis)' });
/** The share of the step's groups whose G rewards were all equal: their advantages are 0, they teach nothing. */
export const SIGNAL = [line('zeroStd', C.yellow)];

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
  return evals.map((e) => ({ step: e.step, greedy: EVAL_METRIC.greedy.get(e.result), sampled: EVAL_METRIC.sampled.get(e.result), problems: e.result.problems }));
}

/** Completion length rows: mean, the min/max band (drawn as a range area), right and wrong answers' means, attempts (countdown). */
export function lengthRows(metrics: readonly GrpoMetrics[]): Row[] {
  const cols = [['mean', 'lengthMean'], ['min', 'lengthMin'], ['max', 'lengthMax'], ['right', 'lengthRight'], ['wrong', 'lengthWrong'], ['attempts', 'attempts']] as const;
  return metrics.map((m) => {
    const row: Row = { step: m.step };
    for (const [key, metric] of cols) {
      const v = STEP_METRIC[metric].get(m);
      row[key] = Number.isFinite(v) ? v : null;
    }
    return row;
  });
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
