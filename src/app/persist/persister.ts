// Write-behind persistence of the live run: trainer events are turned into
// records and queued; one flush a macrotask later writes the queue, so the
// worker's events are reduced into the store first and a write never sits on
// the path of a step. A failed write (quota, a closed database) is reported
// once through onError and persistence stops: the run goes on in memory.
// Deleting the live run stops saving it (stop()): its queued writes are
// dropped and the delete waits for the one under way, so the run cannot
// reappear with the next step; a Reset or a new run starts saving again.
// Loading reads records back through records.ts's checks: a corrupt run is
// skipped with a message.

import type { RunConfig } from '../../core/config';
import type { CheckpointEvent, TrainerEvent } from '../../train/protocol';
import { HISTORY_STEPS } from '../store';
import type { RunDb } from './db';
import {
  checkCheckpoint, checkMetrics, checkpointDue, checkRun, stepsToPrune,
  type CheckpointPolicy, type CheckpointRecord, type EvalRecord, type MetricsRecord, type RunRecord, type SamplesRecord,
} from './records';

/** The periodic save's tag on exportCheckpoint: other checkpoint events (an export) are not saved. */
export const PERSIST_TAG = 'persist';

export interface PersisterOptions {
  policy: CheckpointPolicy;
  /** Asks the worker for a checkpoint (exportCheckpoint with PERSIST_TAG). */
  requestCheckpoint(): void;
  onError(message: string): void;
  /** Called after each run record write (the Runs list refreshes). */
  onRunSaved?(run: RunRecord): void;
  now?: () => number;
  /** Default setTimeout(0). */
  schedule?: (fn: () => void) => void;
}

export interface Persister {
  /** Starts saving a new run (its record is written with its first step); returns the record. */
  begin(config: RunConfig, name?: string): RunRecord;
  /** Continues saving a stored run (after a resume). */
  attach(run: RunRecord): void;
  /**
   * Stops saving the live run (the user deleted it): its queued writes are
   * dropped; resolves once a write already under way is done, so a delete
   * made after it sticks. A Reset (status ready at step 0), begin or attach
   * starts saving again.
   */
  stop(): Promise<void>;
  onEvent(e: TrainerEvent): void;
  /** Renames the live run (null: back to its name by difference); written now if the run is already stored. */
  relabel(label: string | null): void;
  /** Resolves when everything queued so far is written (or dropped by a failure). */
  flush(): Promise<void>;
  readonly run: RunRecord | null;
  readonly failed: boolean;
}

/** A storage failure as the user should read it: IndexedDB's DOMExceptions say what happened in their name (QuotaExceededError), not their message. */
export function describeFailure(e: unknown): string {
  if (!(e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException))) return String(e);
  return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
}

let counter = 0;
export const newRunId = (now: number) => `run-${now.toString(36)}-${(counter++).toString(36)}`;

export function checkpointRecord(runId: string, e: CheckpointEvent): CheckpointRecord {
  return {
    runId, step: e.step, adamStep: e.adamStep, params: new Float32Array(e.params), routerBias: new Float32Array(e.routerBias),
    m: new Float32Array(e.adamM), v: new Float32Array(e.adamV), baseParams: new Float32Array(e.baseParams), baseRouterBias: new Float32Array(e.baseRouterBias),
  };
}

export function createPersister(db: RunDb, opts: PersisterOptions): Persister {
  const now = opts.now ?? Date.now;
  const schedule = opts.schedule ?? ((fn) => setTimeout(fn, 0));
  let run: RunRecord | null = null;
  let stopped: RunRecord | null = null; // the run stop() dropped: a Reset saves its successor
  let failed = false;
  // each write names its run, so stop() drops that run's writes and no other's (a Reset's predecessor still flushes)
  let queue: { runId: string; write: (db: RunDb) => Promise<void> }[] = [];
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;
  let lastSave = { step: 0, time: now() };
  let asked = false; // a persist checkpoint is on its way

  const enqueue = (write: (db: RunDb) => Promise<void>) => {
    if (failed || !run) return;
    queue.push({ runId: run.id, write });
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      scheduled = false;
      void flush();
    });
  };
  const saveRun = () => {
    const r = { ...run! };
    enqueue(async (d) => {
      await d.put('runs', [r]);
      opts.onRunSaved?.(r);
    });
  };

  function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    writing = writing.then(async () => {
      for (const { write } of batch) {
        if (failed) return;
        try {
          await write(db);
        } catch (e) {
          failed = true;
          queue = [];
          opts.onError(`saving the run failed (${describeFailure(e)}); it goes on in memory and will not survive a reload`);
        }
      }
    });
    return writing;
  }

  function begin(config: RunConfig, name?: string): RunRecord {
    const t = now();
    run = { id: newRunId(t), name: name ?? `Run ${new Date(t).toLocaleString()}`, label: null, created: t, config, lastStep: 0, lastReward: null, checkpointStep: null };
    lastSave = { step: 0, time: t };
    asked = false;
    stopped = null;
    // the record is written with the first step: a page opened and left at step 0 leaves no run behind
    return run;
  }

  function attach(r: RunRecord): void {
    run = { ...r };
    lastSave = { step: r.checkpointStep ?? 0, time: now() };
    asked = false;
    stopped = null;
  }

  function stop(): Promise<void> {
    if (run) {
      const id = run.id;
      stopped = run;
      run = null;
      queue = queue.filter((q) => q.runId !== id);
    }
    return writing;
  }

  /** A Reset: the worker is back at its base, ready at step 0. */
  const isReset = (e: TrainerEvent, r: RunRecord) => e.type === 'status' && e.step === 0 && e.state === 'ready' && r.lastStep > 0;

  function onEvent(e: TrainerEvent): void {
    if (failed) return;
    // a Reset after the live run was deleted: the fresh run is saved again, named after the deleted one
    if (!run && stopped && isReset(e, stopped)) begin(stopped.config, `${stopped.name} (reset)`);
    const r = run;
    if (!r) return;
    const runId = r.id;
    switch (e.type) {
      case 'metrics': {
        const rec: MetricsRecord = e.evaluation ? { runId, step: e.metrics.step, metrics: e.metrics, evaluation: e.evaluation } : { runId, step: e.metrics.step, metrics: e.metrics };
        enqueue((d) => d.put('metrics', [rec]));
        r.lastStep = e.metrics.step + 1;
        r.lastReward = e.metrics.reward;
        saveRun();
        if (!asked && checkpointDue(opts.policy, r.lastStep, now(), lastSave.step, lastSave.time)) {
          asked = true;
          opts.requestCheckpoint();
        }
        return;
      }
      case 'evaluation': {
        const rec: EvalRecord = { runId, step: e.step, result: e.result };
        enqueue((d) => d.put('evals', [rec]));
        return;
      }
      case 'samples': {
        const rec: SamplesRecord = { runId, step: e.step, samples: e.samples };
        const old = e.step - HISTORY_STEPS; // the same ring as the inspector's
        enqueue(async (d) => {
          await d.put('samples', [rec]);
          if (old >= 0) await d.deleteSteps('samples', runId, [old]);
        });
        return;
      }
      case 'checkpoint': {
        if (e.tag !== PERSIST_TAG) return;
        asked = false;
        const rec = checkpointRecord(runId, e);
        lastSave = { step: e.step, time: now() };
        r.checkpointStep = e.step;
        enqueue(async (d) => {
          await d.put('checkpoints', [rec]);
          const steps = (await d.getAll('checkpoints', runId)).map((x) => (x as CheckpointRecord).step);
          await d.deleteSteps('checkpoints', runId, stepsToPrune(steps, opts.policy.keep));
        });
        saveRun();
        return;
      }
      case 'stage': {
        // with the run record: written now if the run is stored, else with its first step (the stages before step 0 report before it)
        const k = e.report;
        r.stages = [...(r.stages ?? []).filter((x) => x.kind !== k.kind || x.step !== k.step), k].sort((a, b) => a.step - b.step);
        if (r.lastStep > 0) saveRun();
        return;
      }
      case 'status':
        // a reset: the run starts over from its base; saved as a new run, the old one stays in the list.
        // Its base is after the stages before step 0 (train/pipeline.ts): the new run keeps their reports.
        if (isReset(e, r)) {
          const cold = (r.stages ?? []).filter((x) => x.step === 0);
          const next = begin(r.config, `${r.name} (reset)`);
          if (cold.length > 0) next.stages = cold;
        }
        return;
      default:
        return;
    }
  }

  function relabel(label: string | null): void {
    if (!run || failed) return;
    run.label = label;
    if (run.lastStep > 0) saveRun(); // a run is stored from its first step; before it, the label goes with that write
  }

  return {
    begin, attach, stop, onEvent, flush, relabel,
    get run() {
      return run;
    },
    get failed() {
      return failed;
    },
  };
}

/** The stored runs, newest first, and a message for each one that could not be read. */
export async function loadRuns(db: RunDb): Promise<{ runs: RunRecord[]; skipped: string[] }> {
  const runs: RunRecord[] = [], skipped: string[] = [];
  for (const x of await db.getAll('runs')) {
    const r = checkRun(x);
    if (typeof r === 'string') skipped.push(`${r}; skipped`);
    else runs.push(r);
  }
  return { runs: runs.sort((a, b) => b.created - a.created), skipped };
}

export interface LoadedRun {
  metrics: MetricsRecord[];
  evals: EvalRecord[];
  samples: SamplesRecord[];
  /** The newest checkpoint that fits the run's config; null when none does. */
  checkpoint: CheckpointRecord | null;
  problems: string[];
}

export type LoadedMetrics = Pick<LoadedRun, 'metrics' | 'evals' | 'problems'>;

/** A run's metrics and evaluations only: an overlay's curves, without reading its checkpoints (megabytes each) or samples. */
export async function loadMetrics(db: RunDb, run: RunRecord): Promise<LoadedMetrics> {
  const problems: string[] = [];
  const { metrics, dropped } = checkMetrics(await db.getAll('metrics', run.id));
  if (dropped > 0) problems.push(`${dropped} unreadable metrics records of ${run.name} skipped`);
  const evals = (await db.getAll('evals', run.id)).filter((x): x is EvalRecord => typeof (x as EvalRecord).step === 'number' && typeof (x as EvalRecord).result === 'object');
  return { metrics, evals, problems };
}

/** A run's records; n and LE are the config's parameter count and L*E (checkpoints are checked against them). */
export async function loadRun(db: RunDb, run: RunRecord, n: number, LE: number): Promise<LoadedRun> {
  const { metrics, evals, problems } = await loadMetrics(db, run);
  const samples = (await db.getAll('samples', run.id)).filter((x): x is SamplesRecord => Array.isArray((x as SamplesRecord).samples)).sort((a, b) => a.step - b.step);
  let checkpoint: CheckpointRecord | null = null;
  const cks = (await db.getAll('checkpoints', run.id)).sort((a, b) => ((b as CheckpointRecord).step ?? 0) - ((a as CheckpointRecord).step ?? 0));
  for (const x of cks) {
    const c = checkCheckpoint(x, n, LE);
    if (typeof c === 'string') problems.push(`${run.name}: ${c}; skipped`);
    else if (!checkpoint) checkpoint = c;
  }
  return { metrics, evals, samples, checkpoint, problems };
}
