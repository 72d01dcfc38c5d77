// The experiment queue: runs a plan (cards.ts planRuns, or three seeds of the
// current config) one run after another on the one trainer worker. Each run
// starts like any run (startRun: its shipped base, saved in IndexedDB from its
// first step), takes its steps, and once paused joins its arm on the charts
// (store.experiment.shown: one run draws a labelled line, several a mean in a
// band). Which stored runs make up the shown experiment is kept in
// localStorage, so a reload draws them again from IndexedDB.

import { matchingPreset, type RunConfig } from '../../core/config';
import { readOverlay } from '../runs/persistence';
import { useStore, type AppState, type ArmRuns, type ChartReference, type OverlayRun, type SeedBandKind } from '../store';
import { pause, send, startRun } from '../trainer';
import { CARDS, type PlannedRun } from './cards';
import { experimentFromSearch } from './link';

export const SHOWN_KEY = 'grpo-playground.experiment.shown';

/** What localStorage keeps of the shown experiment: its title, band kind, and each arm's stored run ids. */
export interface StoredShown {
  title: string;
  band: SeedBandKind;
  arms: { label: string; ids: string[] }[];
  references?: ChartReference[];
}

type Experiment = AppState['experiment'];
const setExp = (patch: Partial<Experiment>) => useStore.setState((s) => ({ experiment: { ...s.experiment, ...patch } }));

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function saveShown(): void {
  const { shown, band } = useStore.getState().experiment;
  try {
    if (!shown) storage()?.removeItem(SHOWN_KEY);
    else {
      const arms = shown.arms.map((a) => ({ label: a.label, ids: a.runs.map((r) => r.id) }));
      storage()?.setItem(SHOWN_KEY, JSON.stringify({ title: shown.title, band, arms, ...(shown.references ? { references: shown.references } : {}) } satisfies StoredShown));
    }
  } catch {
    // storage refused (private mode, quota): the experiment stays on the charts until the page closes
  }
}

/** A stored record as it must look; anything else is ignored (null). */
export function parseShown(text: string | null): StoredShown | null {
  if (!text) return null;
  try {
    const x = JSON.parse(text) as StoredShown;
    const ok = typeof x.title === 'string' && (x.band === 'minmax' || x.band === 't95') && Array.isArray(x.arms)
      && x.arms.every((a) => typeof a.label === 'string' && Array.isArray(a.ids) && a.ids.every((id) => typeof id === 'string'))
      && (x.references === undefined || (Array.isArray(x.references)
        && x.references.every((r) => typeof r.chart === 'string' && typeof r.y === 'number' && Number.isFinite(r.y) && typeof r.label === 'string')));
    return ok ? x : null;
  } catch {
    return null;
  }
}

/**
 * At startup, after the stored runs are open: draws the experiment shown
 * before the reload again (runs deleted since are left out), and opens the
 * card a `?experiment=` link names.
 */
export async function openExperiments(search: string): Promise<void> {
  const { card, error } = experimentFromSearch(search, CARDS.map((c) => c.id));
  setExp({ linked: card?.id ?? null, error });
  const stored = parseShown(storage()?.getItem(SHOWN_KEY) ?? null);
  if (!stored) return;
  const arms: ArmRuns[] = [];
  for (const a of stored.arms) {
    const runs = (await Promise.all(a.ids.map((id) => readOverlay(id)))).filter((r): r is OverlayRun => r !== null).map((r) => ({ ...r, name: a.label }));
    if (runs.length) arms.push({ label: a.label, runs });
  }
  if (arms.length) setExp({ shown: { title: stored.title, arms, ...(stored.references ? { references: stored.references } : {}) }, band: stored.band });
}

export function setBand(band: SeedBandKind): void {
  setExp({ band });
  saveShown();
}

/** Takes the shown experiment off the charts (its runs stay stored). */
export function hideShown(): void {
  setExp({ shown: null });
  saveShown();
}

export const dismissLinked = () => setExp({ linked: null, error: null });

class Stopped extends Error {}
let queue: { stopped: boolean } | null = null;

/** Stops the queue after pausing the run in progress; the runs finished so far stay drawn. */
export function stopQueue(): void {
  if (!queue) return;
  queue.stopped = true;
  pause();
  useStore.setState({}); // wakes the wait below even when the worker is already paused
}

/**
 * Resolves once the live run has taken n steps and stopped (n = 0: once it is
 * ready with its step-0 evaluation, its stages done); rejects when it fails or
 * the queue is stopped.
 */
function stepsTaken(n: number, q: { stopped: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: AppState) => {
      const done = q.stopped ? new Stopped('stopped') : s.error ? new Error(`the run stopped at step ${s.error.step}: ${s.error.message}`) : null;
      if (done) return finish(() => reject(done));
      if (n === 0 ? s.status === 'ready' && s.evals.some((x) => x.step === 0) : s.metrics.length >= n && s.status !== 'running') finish(resolve);
    };
    const unsubscribe = useStore.subscribe(check);
    const finish = (f: () => void) => { unsubscribe(); f(); };
    check(useStore.getState());
  });
}

/** One run of the plan: a fresh run of its config, its steps, then its curves as the store holds them. */
async function runOne(p: PlannedRun, q: { stopped: boolean }): Promise<OverlayRun> {
  // the previous run's curves go first, so the wait sees only this run's steps (the worker's own reset comes later)
  useStore.setState({ metrics: [], evals: [], baseAha: null, firstAhaStep: null, history: [], selectedStep: null, ahaFeed: [], step: 0, error: null });
  await startRun(p.config);
  const id = useStore.getState().runs.currentId ?? `unsaved-${Date.now()}`;
  if (q.stopped) throw new Stopped('stopped'); // Stop while the base was fetched: take no step
  if (p.steps > 0) send({ type: 'step', n: p.steps });
  await stepsTaken(p.steps, q);
  const s = useStore.getState();
  // its config too: the charts draw an arm's pipeline stages from it (charts/stages.ts)
  return { id, name: p.arm, config: p.config, metrics: s.metrics, evals: s.evals };
}

/**
 * Runs the plan in order; each finished run joins its arm on the charts at
 * once (and in localStorage). One queue at a time: a second click while one
 * runs is ignored. Resolves when the queue is done, stopped or failed (the
 * reason in store.experiment.error).
 */
export async function runPlan(title: string, plan: readonly PlannedRun[], references?: ChartReference[]): Promise<void> {
  if (queue || plan.length === 0) return;
  const q = { stopped: false };
  queue = q;
  const arms: ArmRuns[] = [];
  const refs = references?.length ? { references } : {};
  setExp({ error: null, linked: null, shown: { title, arms: [], ...refs } });
  saveShown();
  try {
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      setExp({ progress: { title, index: i, total: plan.length, label: `${p.arm}, seed ${p.config.seed}` } });
      const run = await runOne(p, q);
      const arm = arms.find((a) => a.label === p.arm);
      if (arm) arm.runs = [...arm.runs, run];
      else arms.push({ label: p.arm, runs: [run] });
      setExp({ shown: { title, arms: arms.map((a) => ({ ...a })), ...refs } });
      saveShown();
    }
  } catch (e) {
    if (!(e instanceof Stopped)) setExp({ error: `${title}: ${e instanceof Error ? e.message : String(e)}` });
  } finally {
    queue = null;
    setExp({ progress: null });
  }
}

/** Three seeds of a config (its own seed and the next two), `steps` steps each: Run 3 seeds on the current config. */
export function seedPlan(config: RunConfig, steps: number, n = 3): { title: string; plan: PlannedRun[] } {
  const label = matchingPreset(config) ?? 'this config';
  return {
    title: `${label}, ${n} seeds`,
    plan: Array.from({ length: n }, (_, i) => ({ arm: label, config: { ...config, seed: config.seed + i }, steps })),
  };
}

