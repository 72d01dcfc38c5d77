// What a saved run looks like in storage, and the pure checks every record
// passes through on the way back in: a record from an older build, a half
// written one or one edited by hand is skipped with a message naming the
// problem, and never stops the page from starting.

import { type RunConfig } from '../../core/config';
import { validateConfig } from '../../core/validate';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics, GrpoSample } from '../../train/grpo';
import { STAGE_KINDS, type StageReport } from '../../train/stages';

export interface RunRecord {
  id: string;
  name: string;
  /** The name the user gave it (Rename in the Runs list); null: named by what differs (app/runs/naming.ts). */
  label: string | null;
  /** ms since the epoch */
  created: number;
  config: RunConfig;
  /** GRPO steps taken (the next step's index) and the last step's mean reward. */
  lastStep: number;
  lastReward: number | null;
  /** Step of the newest checkpoint, null before the first. */
  checkpointStep: number | null;
  /** The pipeline's stage reports as they ran (issue 17; absent in runs stored before them, and in runs without stages). */
  stages?: StageReport[];
}

/** One step's metrics; key [runId, step]. */
export interface MetricsRecord {
  runId: string;
  step: number;
  metrics: GrpoMetrics;
  evaluation?: EvalResult;
}

/** Evaluations outside a metrics event (the step-0 base, evaluate now); key [runId, step]. */
export interface EvalRecord {
  runId: string;
  step: number;
  result: EvalResult;
}

/** The inspector's samples of one step; key [runId, step], the newest HISTORY_STEPS kept. */
export interface SamplesRecord {
  runId: string;
  step: number;
  samples: GrpoSample[];
}

/** Everything a resume needs (train/protocol ResumeState plus the base); key [runId, step]. */
export interface CheckpointRecord {
  runId: string;
  step: number;
  adamStep: number;
  params: Float32Array; // (table.total)
  routerBias: Float32Array; // (L*E)
  m: Float32Array; // (table.total)
  v: Float32Array; // (table.total)
  baseParams: Float32Array; // (table.total)
  baseRouterBias: Float32Array; // (L*E)
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);
const isStep = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** A RunRecord, or a message saying why this one cannot be used. */
export function checkRun(x: unknown): RunRecord | string {
  if (!isObj(x)) return 'a stored run is not an object';
  const id = typeof x.id === 'string' && x.id !== '' ? x.id : null;
  const who = id ? `stored run ${JSON.stringify(id)}` : 'a stored run';
  if (!id) return `${who} has no id`;
  if (typeof x.name !== 'string') return `${who}: name is not a string`;
  // runs stored before Rename existed have no label
  if (x.label !== undefined && x.label !== null && typeof x.label !== 'string') return `${who}: label is not a string`;
  if (typeof x.created !== 'number' || !Number.isFinite(x.created)) return `${who}: created is not a time`;
  if (!isStep(x.lastStep)) return `${who}: lastStep ${String(x.lastStep)} is not a step`;
  if (x.lastReward !== null && (typeof x.lastReward !== 'number' || !Number.isFinite(x.lastReward))) return `${who}: lastReward is not a number`;
  if (x.checkpointStep !== null && !isStep(x.checkpointStep)) return `${who}: checkpointStep is not a step`;
  if (!isObj(x.config)) return `${who}: config is not an object`;
  // the same door as a link or an import: knobs an older build lacked take their defaults
  const { config, errors } = validateConfig(x.config);
  if (errors.length > 0) return `${who}: config: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`;
  const stages = Array.isArray(x.stages) ? x.stages.filter(isStageReport) : [];
  return {
    id, name: x.name, label: typeof x.label === 'string' ? x.label : null, created: x.created, config, lastStep: x.lastStep, lastReward: x.lastReward as number | null,
    checkpointStep: x.checkpointStep as number | null, ...(stages.length > 0 ? { stages } : {}),
  };
}

/**
 * A stored stage report the stage inspector can draw. A malformed one is
 * dropped, not the run: the report is for reading only (the run's curves and
 * checkpoints stand without it), and the inspector then says its report was
 * not kept.
 */
function isStageReport(x: unknown): x is StageReport {
  if (!isObj(x) || !STAGE_KINDS.includes(x.kind as StageReport['kind']) || !isStep(x.step)) return false;
  if (!isObj(x.sft) || !Array.isArray(x.sft.loss) || !x.sft.loss.every((l) => typeof l === 'number') || !Array.isArray(x.examples) || !isObj(x.seconds)) return false;
  if (x.rejection === null) return x.kind === 'coldStart';
  return isObj(x.rejection) && isObj(x.rejection.dropped) && typeof x.rejection.sampled === 'number' && typeof x.rejection.kept === 'number';
}

/** The metrics records of a run, in step order, the malformed ones dropped (counted). */
export function checkMetrics(xs: unknown[]): { metrics: MetricsRecord[]; dropped: number } {
  const ok = xs.filter((x): x is MetricsRecord => isObj(x) && isStep(x.step) && isObj(x.metrics) && x.metrics.step === x.step && typeof x.metrics.reward === 'number');
  return { metrics: ok.sort((a, b) => a.step - b.step), dropped: xs.length - ok.length };
}

/** A checkpoint whose buffers fit cfg (total params n, L*E router biases), or a message. */
export function checkCheckpoint(x: unknown, n: number, LE: number): CheckpointRecord | string {
  if (!isObj(x)) return 'the checkpoint is not an object';
  if (!isStep(x.step) || !isStep(x.adamStep)) return 'the checkpoint has no step';
  const sizes: [string, number][] = [['params', n], ['m', n], ['v', n], ['baseParams', n], ['routerBias', LE], ['baseRouterBias', LE]];
  for (const [f, want] of sizes) {
    const a = x[f];
    if (!(a instanceof Float32Array)) return `checkpoint at step ${x.step}: ${f} is not a Float32Array`;
    if (a.length !== want) return `checkpoint at step ${x.step}: ${f} has ${a.length} entries, the config needs ${want}`;
    if (f !== 'v' && f !== 'm' && !a.every(Number.isFinite)) return `checkpoint at step ${x.step}: ${f} holds NaN or Inf`;
  }
  return x as unknown as CheckpointRecord;
}

export interface CheckpointPolicy {
  /** At least this many steps since the last save... */
  everySteps: number;
  /** ...and at least this many ms: whichever comes later. */
  minMs: number;
  /** Checkpoints kept per run, newest first. */
  keep: number;
}

export const DEFAULT_POLICY: CheckpointPolicy = { everySteps: 10, minMs: 60_000, keep: 2 };

/** `?checkpointEvery=N` (N >= 1): a checkpoint every N steps with no time floor (the e2e spec uses 1). */
export function policyFromSearch(search: string): CheckpointPolicy {
  const n = Number(new URLSearchParams(search).get('checkpointEvery'));
  return Number.isSafeInteger(n) && n >= 1 ? { ...DEFAULT_POLICY, everySteps: n, minMs: 0 } : DEFAULT_POLICY;
}

/** Is a save due at step (steps taken) and time now, the last one having been at (lastStep, lastTime)? */
export function checkpointDue(p: CheckpointPolicy, step: number, now: number, lastStep: number, lastTime: number): boolean {
  return step > lastStep && step - lastStep >= p.everySteps && now - lastTime >= p.minMs;
}

/** Of the stored checkpoint steps, the ones to delete so the newest `keep` remain. */
export function stepsToPrune(steps: readonly number[], keep: number): number[] {
  return [...steps].sort((a, b) => b - a).slice(keep);
}

/** The label in the Runs list: "add d1 · 2L·4E·d32 · G8 · seed 7". */
export function configSummary(c: RunConfig): string {
  const m = c.model;
  // R1's stages (issue 17), when the run has any
  const p = c.pipeline;
  const stages = [...(p.coldStartSteps > 0 ? ['cold start'] : []), ...(p.teacher !== 'none' ? ['distilled'] : []), ...(p.rl1Steps > 0 ? [`rejection after ${p.rl1Steps}`] : [])];
  return `${c.task.family} d${c.task.difficulty} · ${m.nLayers}L·${m.nRouted}E·d${m.dModel} · G${c.grpo.groupSize}${stages.length ? ` · ${stages.join(' + ')}` : ''} · seed ${c.seed}`;
}
