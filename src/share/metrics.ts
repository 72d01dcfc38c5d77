// The metrics table: every number a GRPO step reports (train/grpo.ts
// GrpoMetrics) and every held-out evaluation number, once, with what each
// reader needs of it: its chart label, its CSV column, its key in a run link's
// snapshot. The charts (app/charts/series.ts), the share snapshot
// (app/share/snapshot.ts), the link codec (url.ts) and the metrics export
// (export.ts) all read these rows, so a new metric is one row here.
//
// Here in share/ rather than app/ because share/ (the link codec, the export)
// reads it and may not import app/. Types of train/ only, erased at build time.

import type { EvalResult } from '../train/evaluate';
import type { GrpoMetrics } from '../train/grpo';

/**
 * The series a link's snapshot carries, in the order they are written. Part of
 * the link format: a link must hold every one of them (url.ts refuses a
 * snapshot that lacks one), so this list is frozen like linkDefaults.ts; a
 * metric added to it needs a new link version, and old links stay readable.
 */
export const SERIES_KEYS = [
  'reward', 'accuracy', 'format', 'heldOutGreedy', 'heldOutSampled',
  'lenMean', 'lenMin', 'lenMax',
  'reflection', 'aha', 'verification', 'overthinking',
  'kl', 'entropy', 'clip', 'policyLoss', 'gradNorm',
] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

/** The dotted paths of T's number fields ('rewards.accuracy'); arrays (expertLoad) and booleans are not metrics. */
type NumberPath<T, P extends string = ''> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends number ? `${P}${K}`
    : NonNullable<T[K]> extends readonly unknown[] ? never
    : NonNullable<T[K]> extends object ? NumberPath<NonNullable<T[K]>, `${P}${K}.`> : never;
}[keyof T & string];

export interface MetricRow<T, K extends string = string> {
  /** The metric's name in code (series.ts names chart lines by it). */
  key: K;
  /** Where it sits in T; the getter and snapshot reads follow it. */
  path: NumberPath<T>;
  label: string;
  /** Its column in the metrics CSV (export.ts), in table order; none: not exported as a column. */
  csv?: string;
  /** Its series in a link's snapshot; none: a link does not carry it (the charts show a gap). */
  link?: SeriesKey;
  /** Measured by the training forward: 0, and meaningless, on a step dynamic sampling skipped. */
  trained?: boolean;
  /** Absent (or null) in runs stored before it existed: left out, not NaN, when a snapshot is read back. */
  optional?: boolean;
  /** Its value in a record; NaN where the record has none (an older stored run, a step without such completions). */
  get(m: T): number;
}

type RowSpec<T, K extends string> = Omit<MetricRow<T, K>, 'get'>;

function row<T, K extends string>(spec: RowSpec<T, K>): MetricRow<T, K> {
  const [a, b] = (spec.path as string).split('.') as [string, string | undefined];
  const get = b === undefined
    ? (m: T) => num((m as Record<string, unknown>)[a])
    : (m: T) => num(((m as Record<string, unknown>)[a] as Record<string, unknown> | undefined)?.[b]);
  return { ...spec, get };
}
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

const step = <K extends string>(s: RowSpec<GrpoMetrics, K>) => row<GrpoMetrics, K>(s);

// In CSV column order (TRL's log_history names where TRL logs the same
// quantity: export.ts); the rows without a column come last.
export const STEP_METRICS = [
  step({ key: 'reward', path: 'reward', label: 'reward', csv: 'reward', link: 'reward' }),
  step({ key: 'rewardStd', path: 'rewardStd', label: 'reward std', csv: 'reward_std' }),
  step({ key: 'format', path: 'rewards.format', label: 'format', csv: 'rewards/format/mean', link: 'format' }),
  step({ key: 'accuracy', path: 'rewards.accuracy', label: 'accuracy', csv: 'rewards/accuracy/mean', link: 'accuracy' }),
  step({ key: 'overlong', path: 'rewards.overlong', label: 'overlong', csv: 'rewards/overlong/mean' }),
  step({ key: 'consistency', path: 'rewards.consistency', label: 'consistency', csv: 'rewards/consistency/mean', optional: true }),
  step({ key: 'zeroStd', path: 'fracRewardZeroStd', label: 'groups with zero reward spread', csv: 'frac_reward_zero_std' }),
  step({ key: 'keptGroups', path: 'keptGroups', label: 'kept groups', csv: 'kept_groups' }),
  step({ key: 'lengthMean', path: 'completionLength.mean', label: 'mean', csv: 'completions/mean_length', link: 'lenMean' }),
  step({ key: 'lengthMin', path: 'completionLength.min', label: 'min', csv: 'completions/min_length', link: 'lenMin' }),
  step({ key: 'lengthMax', path: 'completionLength.max', label: 'max', csv: 'completions/max_length', link: 'lenMax' }),
  step({ key: 'clippedRatio', path: 'clippedRatio', label: 'clipped ratio', csv: 'completions/clipped_ratio' }),
  step({ key: 'loss', path: 'loss', label: 'loss', csv: 'loss', trained: true }),
  step({ key: 'policyLoss', path: 'policyLoss', label: 'policy loss', csv: 'policy_loss', link: 'policyLoss', trained: true }),
  step({ key: 'kl', path: 'kl', label: 'KL', csv: 'kl', link: 'kl', trained: true }),
  step({ key: 'entropy', path: 'entropy', label: 'entropy', csv: 'entropy', link: 'entropy', trained: true }),
  step({ key: 'clipLow', path: 'clipRatio.low', label: 'low', csv: 'clip_ratio/low_mean', trained: true }),
  step({ key: 'clipHigh', path: 'clipRatio.high', label: 'high', csv: 'clip_ratio/high_mean', trained: true }),
  step({ key: 'clipRegion', path: 'clipRatio.region', label: 'region', csv: 'clip_ratio/region_mean', link: 'clip', trained: true }),
  step({ key: 'meanRatio', path: 'meanRatio', label: 'mean ratio', csv: 'mean_ratio', trained: true }),
  step({ key: 'gradNorm', path: 'gradNorm', label: 'grad norm', csv: 'grad_norm', link: 'gradNorm', trained: true }),
  step({ key: 'lr', path: 'lr', label: 'learning rate', csv: 'learning_rate' }),
  step({ key: 'auxLoss', path: 'auxLoss', label: 'aux loss', csv: 'aux_loss', trained: true }),
  step({ key: 'stepTime', path: 'stepTime', label: 'step time (ms)', csv: 'step_time_ms' }),
  step({ key: 'tokensPerSec', path: 'tokensPerSec', label: 'tokens/s', csv: 'tokens_per_sec' }),
  step({ key: 'reflection', path: 'aha.reflection', label: 'reflection', csv: 'aha/reflection', link: 'reflection' }),
  step({ key: 'aha', path: 'aha.aha', label: 'aha', csv: 'aha/aha', link: 'aha' }),
  step({ key: 'verification', path: 'aha.verification', label: 'verification', csv: 'aha/verification', link: 'verification' }),
  step({ key: 'overthinking', path: 'aha.overthinking', label: 'overthinking', csv: 'aha/overthinking', link: 'overthinking' }),
  step({ key: 'lengthRight', path: 'lengthRight', label: 'right answers', optional: true }),
  step({ key: 'lengthWrong', path: 'lengthWrong', label: 'wrong answers', optional: true }),
  step({ key: 'attempts', path: 'attempts', label: 'attempts per completion', optional: true }),
] as const;
export type StepMetricKey = (typeof STEP_METRICS)[number]['key'];

/** A step metric's row by key. */
export const STEP_METRIC = Object.fromEntries(STEP_METRICS.map((r) => [r.key, r])) as Record<StepMetricKey, MetricRow<GrpoMetrics, StepMetricKey>>;

const ev = <K extends string>(s: RowSpec<EvalResult, K>) => row<EvalResult, K>(s);

/** The held-out evaluation's numbers (train/evaluate.ts EvalResult), at the evaluations' own steps; CSV columns follow the step metrics'. */
export const EVAL_METRICS = [
  ev({ key: 'greedy', path: 'greedy.accuracy', label: 'greedy', csv: 'eval_greedy_accuracy', link: 'heldOutGreedy' }),
  ev({ key: 'sampled', path: 'sampled.accuracy', label: 'sampled pass@1', csv: 'eval_sampled_accuracy', link: 'heldOutSampled' }),
  ev({ key: 'greedyLength', path: 'greedy.meanLength', label: 'greedy mean length', csv: 'eval_greedy_mean_length' }),
  ev({ key: 'sampledLength', path: 'sampled.meanLength', label: 'sampled mean length', csv: 'eval_sampled_mean_length' }),
] as const;
export type EvalMetricKey = (typeof EVAL_METRICS)[number]['key'];
/** An evaluation metric's row by key. */
export const EVAL_METRIC = Object.fromEntries(EVAL_METRICS.map((r) => [r.key, r])) as Record<EvalMetricKey, MetricRow<EvalResult, EvalMetricKey>>;

/** The snapshot series read from evaluations, which have their own steps (ResultsSnapshot.evalStep). */
export const EVAL_SERIES: readonly SeriesKey[] = (EVAL_METRICS as readonly MetricRow<EvalResult>[]).flatMap((r) => (r.link ? [r.link] : []));

/** Rows that have a CSV column, in column order. */
export const csvRows = <T, K extends string>(rows: readonly MetricRow<T, K>[]): MetricRow<T, K>[] => rows.filter((r) => r.csv !== undefined);

/**
 * One step's metrics read back from the values a link carries (`value` gives a
 * row's value, or undefined when the link has no series for it). Built row by
 * row from the table, so no reader lists GrpoMetrics' fields: a metric the
 * link does not carry is NaN, which every chart, readout and export reads as
 * "not measured" (a gap, never a fake 0); an optional one is left out, as in a
 * run stored before it existed; a shared run has no expert load.
 */
export function stepFromValues(stepIndex: number, skipped: boolean, value: (r: MetricRow<GrpoMetrics>) => number | undefined): GrpoMetrics {
  const out: Record<string, unknown> = { step: stepIndex, expertLoad: [], skipped };
  for (const r of STEP_METRICS as readonly MetricRow<GrpoMetrics>[]) {
    const v = value(r);
    if (v === undefined && r.optional) continue;
    const [a, b] = (r.path as string).split('.') as [string, string | undefined];
    if (b === undefined) out[a] = v ?? NaN;
    else ((out[a] ??= {}) as Record<string, unknown>)[b] = v ?? NaN;
  }
  // complete by construction: metrics.test.ts checks that the rows cover every number field of a GrpoMetrics
  return out as unknown as GrpoMetrics;
}
