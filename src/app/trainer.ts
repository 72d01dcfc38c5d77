// The main thread's only link to training: one module Worker (train/worker.ts)
// behind the typed client, its events reduced into the store, and the
// commands the UI sends. Nothing here computes; the shipped base checkpoint
// is fetched and decoded here (parsing, not training) and handed to the worker.

import { KNOBS, STUDENT_MODEL, type RunConfig, type TaskFamily } from '../core/config';
import { sameOn } from '../core/configDiff';
import { corpusStyles } from '../tasks/corpus';
import { FAMILIES } from '../tasks/problems';
import type { ResultsSnapshot } from '../share/url';
import { decodeCheckpoint } from '../share/checkpoint';
import { createTrainerClient, type CommandInput, type TrainerClient } from '../train/client';
import { EVENT_TYPES, FAULTS_WORKER_NAME, type EnginePreference, type EventOf, type FaultKind, type InitialWeights } from '../train/protocol';
import type { TeacherWeights } from '../train/stages';
import { QUICK_CONFIG } from '../train/quick';
import { decodeRunLink } from '../share/url';
import { enginePreference, rememberEngine, type EngineStorage } from './engine';
import { beginRun, onTrainerEvent, prepareResume } from './runs/persistence';
import { reduceWithShared, showShared } from './share/snapshot';
import { useStore } from './store';

/**
 * A base checkpoint shipped in public/ (see share/README.md). `family` is the
 * task family it was pretrained for: a run of another family never fetches it.
 * `hint` is part of its corpus: a config that has those values tries it first
 * (the guess-only ablation before the preset's base), one that has not tries
 * it last. The file's own config decides (baseMatches); the hints only order
 * the fetches, and trainer.test.ts checks them against the files. `model` is
 * the architecture of a base that is not the preset's (the dense student): model
 * knobs are base knobs, so a config of another architecture never fetches it.
 */
export interface ShippedBase {
  file: string;
  family: TaskFamily;
  hint?: Partial<RunConfig['corpus']>;
  model?: Partial<RunConfig['model']>;
}

export const SHIPPED_BASES: readonly ShippedBase[] = [
  { file: 'base.safetensors', family: 'add' }, // R1-Zero (Arithmetic), DEFAULT_CONFIG before issue 13
  { file: 'base-quick.safetensors', family: 'add', hint: { pretrainSteps: 100, pretrainBatch: 16 } }, // QUICK_CONFIG
  // R1-Zero (Arithmetic) with corpus.corrected = 0 (README's "no self-correction" run)
  { file: 'base-nocorrect.safetensors', family: 'add', hint: { corrected: 0 } },
  // DEFAULT_CONFIG = R1-Zero (Countdown): guess 0.85 / search 0.15, pretrained 1200 steps
  { file: 'base-countdown-long.safetensors', family: 'countdown' },
  // the guess-only ablation: no search traces
  { file: 'base-countdown-guess-long.safetensors', family: 'countdown', hint: { guess: 1, search: 0, searchWrong: 0, pretrainSteps: 1200 } },
  // search that ends wrong instead of search that finds the target (README arm (c))
  { file: 'base-countdown-wrong-long.safetensors', family: 'countdown', hint: { search: 0, searchWrong: 0.15, pretrainSteps: 1200 } },
  // the same three pretrained 450 steps: README's first countdown runs, whose search was superficial
  { file: 'base-countdown.safetensors', family: 'countdown', hint: { pretrainSteps: 450 } },
  { file: 'base-countdown-guess.safetensors', family: 'countdown', hint: { guess: 1, search: 0, searchWrong: 0, pretrainSteps: 450 } },
  // search that ends wrong instead of search that finds the target
  { file: 'base-countdown-wrong.safetensors', family: 'countdown', hint: { search: 0, searchWrong: 0.15, pretrainSteps: 450 } },
  // the dense student, pretrained 1200 steps on the preset's corpus (experiments/run-distill.sh): GRPO on the student runs from it
  { file: 'student-countdown-dense.safetensors', family: 'countdown', model: STUDENT_MODEL },
];

/**
 * The shipped bases worth fetching for cfg, in the order to try: its family
 * only, and of its architecture where a base names one; hinted matches first (the more specific hint first: a guess-only
 * 450-step config matches both "450 steps" and "guess-only, 450 steps"),
 * then unhinted bases, hinted misses last.
 */
export function basesToTry(cfg: RunConfig): string[] {
  const mine = SHIPPED_BASES.filter((b) => b.family === cfg.task.family
    && Object.entries(b.model ?? {}).every(([k, v]) => cfg.model[k as keyof RunConfig['model']] === v));
  const rank = (b: ShippedBase) => {
    // a kept base's model knobs all hit: they count as hints, so the student's file comes before the unhinted ones
    const hits = [...Object.entries(b.hint ?? {}).map(([k, v]) => cfg.corpus[k as keyof RunConfig['corpus']] === v),
      ...Object.keys(b.model ?? {}).map(() => true)];
    if (hits.length === 0) return 0;
    return hits.every(Boolean) ? -hits.length : 1;
  };
  return mine.map((b, i) => ({ b, i, r: rank(b) })).sort((x, y) => x.r - y.r || x.i - y.i).map((x) => x.b.file);
}

/**
 * The knobs a base model depends on: its architecture, its task, how long and
 * how fast it was pretrained, and the corpus style weights of its family (an
 * arithmetic corpus never reads guess/search/searchWrong, a countdown one never
 * reads direct/stepwise/slip/corrected: tasks/corpus.ts corpusStyles).
 */
export function baseKnobPaths(family: TaskFamily): string[] {
  const styles = new Set<string>(FAMILIES.flatMap((f) => corpusStyles(f)));
  const own = new Set<string>(corpusStyles(family));
  return KNOBS.map((k) => k.path).filter((p) => {
    if (!/^(model|task|corpus)\./.test(p)) return false;
    const key = p.slice('corpus.'.length);
    return !p.startsWith('corpus.') || !styles.has(key) || own.has(key);
  });
}

export function baseMatches(base: RunConfig, cfg: RunConfig): boolean {
  return base.task.family === cfg.task.family && sameOn(base, cfg, baseKnobPaths(cfg.task.family));
}

/** `?config=quick` starts with the tiny configuration the tests use (it has a shipped base and trains in seconds). */
export function initialConfigFromLocation(search: string, fallback: RunConfig): RunConfig {
  return new URLSearchParams(search).get('config') === 'quick' ? QUICK_CONFIG : fallback;
}

/**
 * `?faults=1` turns on fault injection for tests: the query string only,
 * never the hash, so a shared run link cannot carry it.
 */
export function faultsFromLocation(search: string): boolean {
  return new URLSearchParams(search).get('faults') === '1';
}

/** What the e2e spec drives through `window.__grpoFaults` (only with ?faults=1). */
export interface FaultHooks {
  /** Arms or triggers a fault in the worker (train/protocol.ts FaultCommand). */
  inject(kind: FaultKind): void;
  /** The worker's current weights: their step, an FNV-1a hash of the parameter bytes, and whether all are finite. */
  weights(): Promise<{ step: number; hash: string; finite: boolean }>;
  /** The page's metrics rows (step, reward, loss, gradNorm): what the charts show. */
  metrics(): { step: number; reward: number; loss: number; gradNorm: number }[];
}

function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function installFaultHooks(): void {
  const hooks: FaultHooks = {
    inject: (kind) => send({ type: 'fault', kind }),
    async weights() {
      const ck = await requestCheckpoint();
      const params = new Float32Array(ck.params);
      return { step: ck.step, hash: fnv1a(new Uint8Array(ck.params)), finite: params.every(Number.isFinite) };
    },
    metrics: () => useStore.getState().metrics.map((m) => ({ step: m.step, reward: m.reward, loss: m.loss, gradNorm: m.gradNorm })),
  };
  (window as unknown as { __grpoFaults?: FaultHooks }).__grpoFaults = hooks;
}

let client: TrainerClient | null = null;

function ensureClient(): TrainerClient {
  if (client) return client;
  const faults = faultsFromLocation(location.search);
  // the worker's name is fixed at construction: only a page opened with ?faults=1 gets one that accepts faults
  const worker = new Worker(new URL('../train/worker.ts', import.meta.url), { type: 'module', name: faults ? FAULTS_WORKER_NAME : 'trainer' });
  const c = createTrainerClient(worker);
  for (const type of EVENT_TYPES) {
    c.on(type, (e) => {
      useStore.setState((s) => reduceWithShared(s, e));
      onTrainerEvent(e); // after the store: saving is write-behind, off the event's path
    });
  }
  worker.addEventListener('error', (ev) => {
    useStore.setState({ error: { message: `the trainer worker failed: ${ev.message || 'unknown error'}`, step: useStore.getState().step, recoverable: false } });
  });
  client = c;
  if (faults) installFaultHooks();
  return c;
}

async function fetchBase(cfg: RunConfig): Promise<{ weights: InitialWeights; name: string } | null> {
  for (const name of basesToTry(cfg)) {
    let bytes: Uint8Array;
    try {
      const res = await fetch(`${import.meta.env.BASE_URL}${name}`);
      // A missing file may come back as the app's index.html from a dev server.
      if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) continue;
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch {
      continue;
    }
    try {
      const ck = decodeCheckpoint(bytes);
      if (baseMatches(ck.config, cfg)) return { weights: { params: ck.params, routerBias: ck.routerBias }, name };
    } catch (e) {
      useStore.setState({ statusMessage: `shipped ${name} is unreadable (${e instanceof Error ? e.message : String(e)}); pretraining instead` });
    }
  }
  return null;
}

/**
 * The distillation teacher a config names (pipeline.teacher), decoded from
 * public/<name>.safetensors with its own config; a file that is missing or
 * unreadable throws a message naming it (the run cannot distil without it).
 */
export async function fetchTeacher(cfg: RunConfig): Promise<TeacherWeights | null> {
  const name = cfg.pipeline.teacher;
  if (name === 'none') return null;
  const file = `${name}.safetensors`;
  let bytes: Uint8Array;
  try {
    const res = await fetch(`${import.meta.env.BASE_URL}${file}`);
    // a missing file may come back as the app's index.html from a dev server
    if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) throw new Error(res.ok ? 'not found' : `HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    throw new Error(`the distillation teacher ${file} could not be fetched (${e instanceof Error ? e.message : String(e)}); set pipeline.teacher to none to run without it`);
  }
  try {
    const ck = decodeCheckpoint(bytes);
    return { name, config: ck.config, params: ck.params, routerBias: ck.routerBias };
  } catch (e) {
    throw new Error(`the distillation teacher ${file} is unreadable (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * The config the page opens with: a run link in the hash (share/url.ts) wins,
 * then `?config=quick`, then the fallback. A link's problems come back as
 * messages (the config then holds defaults where the link was wrong).
 */
export async function initialRunFromLocation(hash: string, search: string, fallback: RunConfig) {
  const base = initialConfigFromLocation(search, fallback);
  if (!hash || hash === '#') return { config: base, errors: [] as string[], snapshot: undefined };
  return decodeRunLink(hash, base);
}

/** Starts (or restarts) a run with cfg: the shipped base when one matches, else the worker pretrains one. */
export async function startRun(cfg: RunConfig): Promise<void> {
  const c = ensureClient();
  // a new run leaves a shared snapshot behind: its curves are not this run's
  const { shared } = useStore.getState();
  // the last run's stage reports are not this one's: its stages before step 0, if any, report during init
  useStore.setState({ config: cfg, draft: cfg, draftErrors: [], shared: null, stages: [], ...(shared?.showing ? { metrics: [], evals: [], baseAha: null, firstAhaStep: null } : {}) });
  const base = await fetchBase(cfg);
  let teacher: TeacherWeights | null;
  try {
    teacher = await fetchTeacher(cfg);
  } catch (e) {
    // nothing started: the message says which file and how to run without it
    useStore.setState({ error: { message: e instanceof Error ? e.message : String(e), step: 0, recoverable: false } });
    return;
  }
  beginRun(cfg);
  const prefer = currentEngine();
  c.send({ type: 'init', config: cfg, prefer, ...(base ? { weights: base.weights } : {}), ...(teacher ? { teacher } : {}) });
}

/** Continues a stored run from its newest checkpoint: its config, curves and inspector history, then weights, Adam state and step. */
export async function resumeRun(id: string): Promise<void> {
  const c = ensureClient();
  const r = await prepareResume(id);
  if (!r) return;
  useStore.setState({ config: r.run.config, draft: r.run.config, draftErrors: [], shared: null, stages: [] });
  c.send({ type: 'init', config: r.run.config, weights: r.weights, resume: r.resume, prefer: currentEngine() });
}

function engineStorage(): EngineStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

let engine: EnginePreference | null = null;

/** The engine every init asks for (app/engine.ts: ?backend=, else the header's last choice, else auto). */
export function currentEngine(): EnginePreference {
  if (engine === null) {
    const p = enginePreference(location.search, engineStorage());
    engine = p.prefer;
    if (p.problem) useStore.setState({ notice: { message: p.problem, step: 0 } });
  }
  return engine;
}

/** The header's engine choice: remembered, and a run that exists moves to it (its state kept: session/engine.ts). */
export function chooseEngine(prefer: EnginePreference): void {
  engine = prefer;
  rememberEngine(engineStorage(), prefer);
  const { status } = useStore.getState();
  if (status === 'ready' || status === 'paused' || status === 'running') send({ type: 'setEngine', prefer });
}

export function send(cmd: CommandInput): void {
  ensureClient().send(cmd);
}

export const play = () => send({ type: 'play' });
export const pause = () => send({ type: 'pause' });
export const stepOnce = () => send({ type: 'step', n: 1 });
export const reset = () => send({ type: 'reset' });

let nextSampleId = 1;
export function samplePrompt(prompt: string, maxNew: number, temperature: number): number {
  const id = nextSampleId++;
  send({ type: 'sample', id, prompt, maxNew, temperature });
  return id;
}

/** Opens a run link's results: the snapshot on the charts while its config's run gets ready at step 0. */
export async function startSharedRun(cfg: RunConfig, snapshot: ResultsSnapshot): Promise<void> {
  await startRun(cfg);
  useStore.setState(showShared(snapshot, cfg, { liveEvals: useStore.getState().evals, liveBaseAha: useStore.getState().baseAha }, useStore.getState().runs));
}

/**
 * Re-run: the shared run again, same config and seed, from step 0, for as
 * many steps as it had; the snapshot stays on the charts until the first step
 * replaces it. Same browser and GPU: the same numbers (deterministic kernels).
 */
export function rerunShared(): void {
  const s = useStore.getState();
  const sh = s.shared;
  if (!sh) return;
  const same = JSON.stringify(s.config) === JSON.stringify(sh.config) && s.status !== 'idle' && s.status !== 'error';
  if (!same) {
    void startSharedRun(sh.config, sh.snapshot).then(() => send({ type: 'step', n: sh.snapshot.steps }));
    return;
  }
  if (s.status === 'running') pause();
  const atStart = s.step === 0;
  // after a reset the run re-evaluates its base, so the old run's evaluations are not kept aside
  const live = sh.showing ? { liveEvals: sh.liveEvals, liveBaseAha: sh.liveBaseAha } : { liveEvals: atStart ? s.evals : [], liveBaseAha: s.baseAha };
  useStore.setState(showShared(sh.snapshot, sh.config, live, s.runs));
  if (!atStart) reset();
  send({ type: 'step', n: sh.snapshot.steps });
}

/**
 * The worker's current weights: asks for exportCheckpoint and resolves with
 * the next checkpoint event (Export, Download ONNX, the ORT engine). A
 * checkpoint another part asked for at the same moment is the same weights.
 */
export function requestCheckpoint(): Promise<EventOf<'checkpoint'>> {
  const c = ensureClient();
  const next = c.next('checkpoint');
  c.send({ type: 'exportCheckpoint' });
  return next;
}
