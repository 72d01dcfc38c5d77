// What each chart plots, as plain rows built from the store's metrics: display
// shaping only (picking fields, gaps for skipped steps), no model math. The x
// value is GrpoMetrics.step, the 0-based index of the step whose rollouts the
// row describes, so "step 0" is the base policy, as in the held-out
// evaluations (EvalResult at step k = after k updates).

import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';

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
  return evals.map((e) => ({ step: e.step, greedy: e.result.greedy.accuracy, sampled: e.result.sampled.accuracy }));
}

/** Completion length rows: mean, and the min/max band (drawn as a range area). */
export function lengthRows(metrics: readonly GrpoMetrics[]): Row[] {
  return metrics.map((m) => ({ step: m.step, mean: m.completionLength.mean, min: m.completionLength.min, max: m.completionLength.max }));
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
