// The page's side of run persistence: opens the database at startup, fills
// the store's `runs` block (the list, the resume offer, what was skipped),
// saves the live run from the trainer's events (app/persist/persister.ts),
// and restores a stored run's curves and inspector history on resume. The
// worker is driven through the callbacks app/trainer.ts hands in.
//
// Deleting the live run (its Delete, or Clear all) stops saving it rather
// than being refused: the user asked for it gone, perhaps to free a full
// quota, and a run that reappeared at the next step (or a Delete that is
// greyed out) would not do what the button says. The Runs list says the run
// is no longer saved; a Reset, a new run or a resume saves again.

import { buildParamTable } from '../../model/params';
import type { CommandInput } from '../../train/client';
import type { ResumeState, InitialWeights, TrainerEvent } from '../../train/protocol';
import { createMemoryDb, openIndexedDb, type RunDb } from '../persist/db';
import { createPersister, loadMetrics, loadRun, loadRuns, PERSIST_TAG, type Persister } from '../persist/persister';
import { configSummary, policyFromSearch, type RunRecord } from '../persist/records';
import { emptyRuns, useStore, type AppState, type OverlayRun, type RunSummary } from '../store';

let db: RunDb | null = null;
let persister: Persister | null = null;
let stored: RunRecord[] = [];

const setRuns = (patch: Partial<AppState['runs']>) => useStore.setState((s) => ({ runs: { ...s.runs, ...patch } }));
const summaryOf = (r: RunRecord): RunSummary => ({
  id: r.id, name: r.name, created: r.created, summary: configSummary(r.config), config: r.config, label: r.label, lastStep: r.lastStep, lastReward: r.lastReward, checkpointStep: r.checkpointStep,
});

async function refreshList(): Promise<void> {
  if (!db) return;
  const { runs, skipped } = await loadRuns(db);
  stored = runs;
  setRuns({ list: runs.map(summaryOf), skipped });
}

/** Opens storage and lists the stored runs; offers to resume the newest one that has a checkpoint. Never throws. */
export async function openPersistence(send: (c: CommandInput) => void, search: string): Promise<void> {
  try {
    db = await openIndexedDb();
  } catch (e) {
    db = createMemoryDb();
    setRuns({ storageError: `runs cannot be kept across reloads here (${e instanceof Error ? e.message : String(e)})` });
  }
  persister = createPersister(db, {
    policy: policyFromSearch(search),
    requestCheckpoint: () => send({ type: 'exportCheckpoint', tag: PERSIST_TAG }),
    onError: (storageError) => setRuns({ storageError }),
    onRunSaved: (r) => {
      const i = stored.findIndex((x) => x.id === r.id);
      stored = i < 0 ? [r, ...stored] : stored.map((x) => (x.id === r.id ? r : x));
      setRuns({ list: stored.map(summaryOf) });
    },
  });
  try {
    await refreshList();
  } catch (e) {
    setRuns({ skipped: [`the stored runs could not be read (${e instanceof Error ? e.message : String(e)})`] });
  }
  const offer = stored.find((r) => r.checkpointStep !== null);
  if (offer) setRuns({ resumeOffer: { id: offer.id, name: offer.name, step: offer.checkpointStep! } });
}

/** A new run starts: saved under a new id from its first step. */
export function beginRun(cfg: AppState['config']): void {
  if (!persister) return;
  const r = persister.begin(cfg);
  setRuns({ currentId: r.id, unsaved: null });
}

let restore: { step: number; apply: () => void } | null = null;

/** Every trainer event, after the store reduced it. */
export function onTrainerEvent(e: TrainerEvent): void {
  // the resumed run's curves go in once the worker says it is at the checkpoint's step (its init status would wipe them)
  if (restore && e.type === 'status' && e.state === 'paused' && e.step === restore.step) {
    restore.apply();
    restore = null;
  }
  persister?.onEvent(e);
  // a Reset begins a new stored run inside the persister: the list must mark that one as this run
  const id = persister?.run?.id;
  if (id && id !== useStore.getState().runs.currentId) setRuns({ currentId: id, unsaved: null });
}

/**
 * Resume a stored run: returns the init command's weights (its base) and
 * resume state, or null with a message in the store when it cannot be.
 */
export async function prepareResume(id: string): Promise<{ run: RunRecord; weights: InitialWeights; resume: ResumeState } | null> {
  const run = stored.find((r) => r.id === id);
  if (!db || !run) return null;
  const { nLayers: L, nRouted: E } = run.config.model;
  const loaded = await loadRun(db, run, buildParamTable(run.config).total, L * E);
  const ck = loaded.checkpoint;
  if (!ck) {
    setRuns({ resumeOffer: null, skipped: [...useStore.getState().runs.skipped, ...loaded.problems, `${run.name} has no usable checkpoint; cannot resume`] });
    return null;
  }
  const metrics = loaded.metrics.filter((m) => m.step < ck.step).map((m) => m.metrics);
  const evals = new Map<number, AppState['evals'][number]>();
  for (const x of loaded.evals) if (x.step <= ck.step) evals.set(x.step, { step: x.step, result: x.result });
  for (const m of loaded.metrics) if (m.evaluation && m.step + 1 <= ck.step) evals.set(m.step + 1, { step: m.step + 1, result: m.evaluation });
  const evalList = [...evals.values()].sort((a, b) => a.step - b.step);
  const history = loaded.samples.filter((x) => x.step < ck.step).map((x) => ({ step: x.step, samples: x.samples }));
  // a stage at step k ran after k steps were taken: the checkpoint's state is past those at or before its step; a later one runs again
  const stages = (run.stages ?? []).filter((x) => x.step <= ck.step);
  restore = {
    step: ck.step,
    apply: () => {
      useStore.setState({
        metrics, evals: evalList, history, stages, baseAha: evalList.find((x) => x.step === 0)?.result.sampled.aha ?? null,
        firstAhaStep: metrics.find((m) => m.aha.aha > 0)?.step ?? null,
      });
    },
  };
  persister?.attach({ ...run, lastStep: ck.step, stages });
  setRuns({ currentId: run.id, unsaved: null, resumeOffer: null, ...(loaded.problems.length ? { skipped: [...useStore.getState().runs.skipped, ...loaded.problems] } : {}) });
  return {
    run,
    weights: { params: ck.baseParams, routerBias: ck.baseRouterBias },
    resume: { step: ck.step, adamStep: ck.adamStep, params: ck.params, routerBias: ck.routerBias, m: ck.m, v: ck.v },
  };
}

export const dismissResume = () => setRuns({ resumeOffer: null });

/**
 * Renames a stored run (an empty name: back to its name by difference). The
 * live run is renamed in the persister, so its later writes keep the name.
 */
export async function renameRun(id: string, name: string): Promise<void> {
  const label = name.trim() === '' ? null : name.trim();
  const i = stored.findIndex((r) => r.id === id);
  if (!db || i < 0) return;
  stored = stored.map((r) => (r.id === id ? { ...r, label } : r));
  const { runs } = useStore.getState();
  setRuns({ list: stored.map(summaryOf), overlays: runs.overlays.map((o) => (o.id === id ? { ...o, label } : o)) });
  if (persister?.run?.id === id) persister.relabel(label);
  else await db.put('runs', [stored[i]!]).catch((e: unknown) => setRuns({ storageError: `renaming the run failed (${e instanceof Error ? e.message : String(e)})` }));
}

/** Opens (an id) or closes (null) the diff view of a stored run's config beside the live run's. */
export const compareRun = (id: string | null) => setRuns({ compareId: id });

/** Which series of a chart overlaid runs draw besides its headline (app/charts/overlay.ts). */
export function setOverlaySeries(chart: string, keys: string[]): void {
  setRuns({ overlaySeries: { ...useStore.getState().runs.overlaySeries, [chart]: keys } });
}

/** What the Runs list says once the live run was deleted. */
export const UNSAVED = 'This run is no longer saved: you deleted it. Reset or a new run starts saving again.';

/** Stops saving the live run when it is among the deleted ones; resolves once its writes are settled, so the delete after it sticks. */
async function stopSaving(deleted: (id: string) => boolean): Promise<boolean> {
  const live = persister?.run;
  if (!persister || !live || !deleted(live.id)) return false;
  await persister.stop();
  return true;
}

export async function deleteRun(id: string): Promise<void> {
  if (!db) return;
  const live = await stopSaving((x) => x === id);
  await db.deleteRun(id);
  const { runs } = useStore.getState();
  setRuns({ overlays: runs.overlays.filter((o) => o.id !== id), ...(live || runs.currentId === id ? { currentId: null, unsaved: UNSAVED } : {}) });
  await refreshList();
}

export async function clearRuns(): Promise<void> {
  if (!db) return;
  const live = await stopSaving(() => true); // every run, the live one too: the same as its Delete
  await db.clear();
  const { storageError, unsaved } = useStore.getState().runs;
  stored = [];
  setRuns({ ...emptyRuns(), storageError, unsaved: live ? UNSAVED : unsaved });
}

/** Draws (on) or removes (off) a stored run's curves over the charts (app/charts/overlay.ts). */
export async function setOverlay(id: string, on: boolean): Promise<void> {
  const cur = useStore.getState().runs.overlays;
  if (!on) return setRuns({ overlays: cur.filter((o) => o.id !== id) });
  if (cur.some((o) => o.id === id)) return;
  const overlay = await readOverlay(id);
  if (!overlay) return;
  setRuns({ overlays: [...useStore.getState().runs.overlays.filter((o) => o.id !== id), overlay] });
}

/** A stored run's curves (its metrics and evaluations, never its checkpoints), or null when no such run is stored. */
export async function readOverlay(id: string): Promise<OverlayRun | null> {
  const run = stored.find((r) => r.id === id);
  if (!db || !run) return null;
  const { metrics, evals } = await loadMetrics(db, run);
  return { id, name: run.name, config: run.config, label: run.label, created: run.created,
    metrics: metrics.map((m) => m.metrics),
    evals: [...evals.map((x) => ({ step: x.step, result: x.result })), ...metrics.flatMap((m) => (m.evaluation ? [{ step: m.step + 1, result: m.evaluation }] : []))].sort((a, b) => a.step - b.step) };
}
