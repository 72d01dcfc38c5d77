// The app's one zustand store, built from slices (config, run, metrics,
// inspector, aha feed, playground). The trainer worker's events enter through
// `reduceEvent`, a pure function (tested in Node), applied by app/trainer.ts
// with useStore.setState. Nothing here computes model math or holds the model:
// the store keeps what the worker reported.

import { create } from 'zustand';
import { DEFAULT_CONFIG, type RunConfig } from '../core/config';
import { type ConfigError } from '../core/validate';
import type { AhaRates, AhaSpan } from '../rl/aha';
import type { Expected as JudgeExpected } from '../tasks/judge';

/** A problem to judge an answer against (tasks/judge.ts): family, difficulty, operands, the value to reach. */
export type Expected = Exclude<JudgeExpected, number>;
import type { EvalResult } from '../train/evaluate';
import type { GrpoMetrics, GrpoSample } from '../train/grpo';
import type { SampleExperts, SessionState, StepPhase, TrainerEvent } from '../train/protocol';
import type { StageReport } from '../train/stages';
import type { ResultsSnapshot } from '../share/url';

/** Steps whose samples the inspector keeps (a ring): enough to scrub back, bounded in memory. */
export const HISTORY_STEPS = 64;
/** Aha examples kept in the feed, newest first. */
export const AHA_FEED_MAX = 200;

export type TokenView = 'logp' | 'ratio' | 'clip' | 'kl' | 'expert';

export interface StepRecord {
  step: number;
  samples: GrpoSample[];
}

export interface AhaItem {
  step: number;
  /** Index into that step's samples. */
  index: number;
  prompt: string;
  completion: string;
  span: AhaSpan | null;
  /** Think segments that state a candidate (rl/aha.ts attempts); absent in items kept before it existed. */
  attempts?: number;
}

/** The playground's latest question and its answer as far as it has streamed. */
export interface PlaygroundAnswer {
  id: number;
  prompt: string;
  completion: string;
  tokens: Int32Array; // (length) so far
  logp: Float32Array; // (length)
  done: boolean;
  /** GRPO steps taken at the last token (null before the first). */
  step: number | null;
  /** With the final event only. */
  experts: SampleExperts | null;
  stopped: string | null;
  /** What a right answer must reach (app/inspector/playground.ts readQuestion), kept from the question; null: not judged. */
  expected: Expected | null;
}

// --- shared run: a link opened with results (share/url.ts; app/share/ owns the logic)
export interface SharedRun {
  snapshot: ResultsSnapshot;
  /** The config the link carried: what Re-run starts. */
  config: RunConfig;
  /** True while the charts show the snapshot (metrics/evals hold its points); the run's first step replaces them. */
  showing: boolean;
  /** What the live run reported meanwhile (its step-0 evaluation), kept aside until its curves take over. */
  liveEvals: { step: number; result: EvalResult }[];
  liveBaseAha: AhaRates | null;
}
export interface SharedSlice {
  shared: SharedRun | null;
  /** Problems found in the link the page was opened with, shown in a dismissible alert. */
  linkErrors: string[];
}

// --- runs: what app/persist keeps across reloads (app/runs/ and app/trainer.ts own the logic)
/** A stored run as the Runs list shows it (app/persist/records.ts RunRecord, minus what the list does not need). */
export interface RunSummary {
  id: string;
  name: string;
  created: number;
  summary: string;
  config: RunConfig;
  /** The user's name for it (Rename); null: named by what differs (app/runs/naming.ts). */
  label: string | null;
  lastStep: number;
  lastReward: number | null;
  checkpointStep: number | null;
}
/** Another stored run drawn over this run's charts (its colour is a hash of its id: app/charts/overlay.ts). */
export interface OverlayRun {
  id: string;
  name: string;
  /** What the legend names it by (app/runs/naming.ts); absent for an experiment's arm, named by its label. */
  config?: RunConfig;
  label?: string | null;
  created?: number;
  /** Its stored metrics and evaluations: app/charts draws one series of them on every chart that takes an overlay. */
  metrics?: readonly GrpoMetrics[];
  evals?: readonly { step: number; result: EvalResult }[];
}
export interface RunsSlice {
  runs: {
    list: RunSummary[];
    /** The live run's id in storage; null when it is not being saved. */
    currentId: string | null;
    /** Set when the user deleted the live run: it is no longer saved (until a Reset, a new run or a resume). */
    unsaved: string | null;
    /** Offered at startup: the newest run that has a checkpoint. */
    resumeOffer: { id: string; name: string; step: number } | null;
    overlays: OverlayRun[];
    /** Per chart (Charts.tsx id), the series keys overlaid runs draw besides the chart's headline (app/charts/overlay.ts). */
    overlaySeries: Record<string, string[]>;
    /** The stored run whose config the diff view sets beside the live run's; null: closed. */
    compareId: string | null;
    /** A failed save (quota): the run continues in memory. */
    storageError: string | null;
    /** Stored records that could not be read, skipped at startup. */
    skipped: string[];
  };
}
export const emptyRuns = (): RunsSlice['runs'] => ({ list: [], currentId: null, unsaved: null, resumeOffer: null, overlays: [], overlaySeries: {}, compareId: null, storageError: null, skipped: [] });

// --- experiments: the Experiments panel's queue and what it draws (app/experiments/ owns the logic)
/** How several seeds of one arm are drawn: min–max of the runs, or the 95% t interval of their mean. */
export type SeedBandKind = 'minmax' | 't95';
/** An experiment's arm on the charts: its label and its runs (one per seed: one draws a line, several a mean in a band). */
export interface ArmRuns {
  label: string;
  runs: readonly OverlayRun[];
}
/** A measured value an experiment is set against, drawn as a horizontal line on one chart (the distilled student's accuracy on held-out). */
export interface ChartReference {
  /** Charts.tsx id. */
  chart: string;
  y: number;
  label: string;
}
export interface ExperimentSlice {
  experiment: {
    /** The card a ?experiment= link opened, offered to run. */
    linked: string | null;
    /** A queue in progress: the run it is on (index of total) and its arm. */
    progress: { title: string; index: number; total: number; label: string } | null;
    /** The last experiment's arms, drawn over the charts (kept across reloads). */
    shown: { title: string; arms: ArmRuns[]; references?: ChartReference[] } | null;
    band: SeedBandKind;
    /** Why the last queue stopped early, or a bad ?experiment= link. */
    error: string | null;
  };
}
export const emptyExperiment = (): ExperimentSlice['experiment'] => ({ linked: null, progress: null, shown: null, band: 'minmax', error: null });

export interface AppState extends SharedSlice, RunsSlice, ExperimentSlice {
  // --- config: the run's config, and the panel's draft with its errors
  config: RunConfig;
  draft: RunConfig;
  draftErrors: ConfigError[];

  // --- run: what the worker said last
  status: SessionState;
  step: number;
  backend: 'webgpu' | 'cpu' | null;
  backendLabel: string;
  statusMessage: string;
  pretrain: { step: number; total: number; loss: number } | null;
  error: { message: string; step: number; recoverable: boolean } | null;
  /** Something went wrong and the app dealt with it (a lost GPU device, recovered): what it did. */
  notice: { message: string; step: number } | null;
  /** The phase of the step under way (train/protocol ProgressEvent), from when the page heard of it; null between steps. */
  progress: { step: number; phase: StepPhase; since: number } | null;
  /** Over the last few steps' stepTime. */
  stepsPerSec: number;
  tokensPerSec: number;

  // --- metrics: one entry per GRPO step, in order; evaluations as they come
  metrics: GrpoMetrics[];
  evals: { step: number; result: EvalResult }[];
  /** The base model's rates, measured by the first evaluation at step 0 (sampled pass). */
  baseAha: AhaRates | null;
  firstAhaStep: number | null;
  /** The pipeline's stages as they ran (train/stages.ts StageReport, issue 17), in step order; where they sit comes from the config (stageMarkers). */
  stages: StageReport[];

  // --- inspector
  history: StepRecord[];
  selectedStep: number | null;
  tokenView: TokenView;

  // --- aha feed and playground
  ahaFeed: AhaItem[];
  playground: PlaygroundAnswer | null;

  // --- actions that touch only the store (commands to the worker live in app/trainer.ts)
  selectStep(step: number | null): void;
  setTokenView(view: TokenView): void;
  /** A question was sent as sample id: it replaces the old answer, whose late tokens are then ignored. */
  askPlayground(id: number, prompt: string, expected?: Expected | null): void;
}

export type RunSlice = Pick<
  AppState,
  | 'status' | 'step' | 'backend' | 'backendLabel' | 'statusMessage' | 'pretrain' | 'error' | 'notice' | 'progress' | 'stepsPerSec' | 'tokensPerSec'
  | 'metrics' | 'evals' | 'baseAha' | 'firstAhaStep' | 'stages' | 'history' | 'selectedStep' | 'ahaFeed' | 'playground'
>;

/** The run-dependent part of the state, as it is before a run's first step. */
export function emptyRun(): RunSlice {
  return {
    status: 'idle', step: 0, backend: null, backendLabel: '', statusMessage: '', pretrain: null, error: null, notice: null, progress: null,
    stepsPerSec: 0, tokensPerSec: 0, metrics: [], evals: [], baseAha: null, firstAhaStep: null, stages: [],
    history: [], selectedStep: null, ahaFeed: [], playground: null,
  };
}

const RATE_WINDOW = 5;

/**
 * How one worker event changes the state: a pure function of (state, event),
 * returning only the fields it changes. Arrays are replaced, never mutated,
 * so selectors see new references exactly when something changed.
 */
export function reduceEvent(s: AppState, e: TrainerEvent): Partial<AppState> {
  switch (e.type) {
    case 'status': {
      const out: Partial<AppState> = { status: e.state, step: e.step, backend: e.backend, backendLabel: e.backendLabel, statusMessage: e.message };
      if (e.state !== 'running') out.progress = null; // a pause or an error ends the step under way
      out.pretrain = e.pretrain ? { step: e.pretrain.metrics.step, total: e.pretrain.total, loss: e.pretrain.metrics.loss } : e.state === 'pretraining' ? s.pretrain : null;
      // a fatal error stays until the worker is healthy again; 'idle' after it is the failure itself (a refused init)
      if (e.state !== 'error' && e.state !== 'idle' && s.error && !s.error.recoverable) out.error = null;
      // A status at step 0 after steps were taken is a reset: forget the run's history.
      // A Reset goes back to the GRPO start, after the stages before step 0 (a cold start, a distillation; train/pipeline.ts): their reports stay. A new run clears them all (trainer.ts startRun).
      if (e.step === 0 && s.metrics.length > 0 && (e.state === 'ready' || e.state === 'pretraining')) {
        Object.assign(out, { ...emptyRun(), ...out, backend: e.backend, backendLabel: e.backendLabel, stages: s.stages.filter((x) => x.step === 0) });
      }
      return out;
    }
    case 'metrics': {
      const m = e.metrics;
      const metrics = [...s.metrics, m];
      const recent = metrics.slice(-RATE_WINDOW);
      const ms = recent.reduce((a, x) => a + x.stepTime, 0);
      const out: Partial<AppState> = {
        metrics,
        progress: null,
        step: m.step + 1,
        stepsPerSec: ms > 0 ? (1000 * recent.length) / ms : 0,
        tokensPerSec: m.tokensPerSec,
      };
      if (s.firstAhaStep === null && m.aha.aha > 0) out.firstAhaStep = m.step;
      if (e.evaluation) Object.assign(out, withEvaluation(s, m.step + 1, e.evaluation));
      return out;
    }
    case 'evaluation':
      return withEvaluation(s, e.step, e.result);
    case 'samples': {
      const history = [...s.history, { step: e.step, samples: e.samples }].slice(-HISTORY_STEPS);
      const found: AhaItem[] = [];
      e.samples.forEach((x, index) => {
        if (x.aha.aha) found.push({ step: e.step, index, prompt: x.prompt, completion: x.completion, span: x.aha.span, attempts: x.aha.attempts });
      });
      const out: Partial<AppState> = { history };
      if (found.length > 0) out.ahaFeed = [...found.reverse(), ...s.ahaFeed].slice(0, AHA_FEED_MAX);
      return out;
    }
    case 'sampleResult': {
      // stale: an answer to a question the playground no longer shows, or a token after its end
      const p = s.playground;
      if (p && (e.id !== p.id || p.done)) return {};
      return {
        playground: {
          id: e.id, prompt: e.prompt, completion: e.completion, tokens: e.tokens, logp: e.logp, done: e.done, step: e.step,
          experts: e.experts ?? null, stopped: e.stopped ?? null, expected: p?.expected ?? null,
        },
      };
    }
    case 'error':
      return { error: { message: e.message, step: e.step, recoverable: e.recoverable } };
    case 'checkpoint':
      return {};
    case 'recovered':
      return withoutStepsFrom(s, e.step, { step: e.step, notice: { message: e.message, step: e.lostAt } });
    case 'progress':
      // the time it started is the page's clock: the header counts the seconds since
      return { progress: { step: e.step, phase: e.phase, since: s.progress?.step === e.step && s.progress.phase === e.phase ? s.progress.since : Date.now() } };
    case 'stage': {
      // a stage redone (a recovered run going back past it) replaces its first report: the same stage at the same step
      const r = e.report;
      return { stages: [...s.stages.filter((x) => x.kind !== r.kind || x.step !== r.step), r].sort((a, b) => a.step - b.step) };
    }
  }
}

/**
 * The run went back to step `from` (a lost device restored an older
 * checkpoint): whatever the page holds for steps from it on is dropped, and
 * the redone steps' events put it back (the same values: steps are
 * deterministic). Evaluations at `from` itself were taken before it.
 */
export function withoutStepsFrom(s: AppState, from: number, extra: Partial<AppState> = {}): Partial<AppState> {
  return {
    metrics: s.metrics.filter((m) => m.step < from),
    evals: s.evals.filter((x) => x.step <= from),
    history: s.history.filter((h) => h.step < from),
    ahaFeed: s.ahaFeed.filter((a) => a.step < from),
    firstAhaStep: s.firstAhaStep !== null && s.firstAhaStep < from ? s.firstAhaStep : null,
    // a stage at step k ran after k steps were taken: a state at step from >= k is after it (train/pipeline.ts)
    stages: s.stages.filter((x) => x.step <= from),
    selectedStep: s.selectedStep !== null && s.selectedStep >= from ? null : s.selectedStep,
    ...extra,
  };
}

function withEvaluation(s: AppState, step: number, result: EvalResult): Partial<AppState> {
  const evals = [...s.evals.filter((x) => x.step !== step), { step, result }].sort((a, b) => a.step - b.step);
  const out: Partial<AppState> = { evals };
  if (step === 0 && s.baseAha === null) out.baseAha = result.sampled.aha;
  return out;
}

export const useStore = create<AppState>()((set) => ({
  config: DEFAULT_CONFIG,
  draft: DEFAULT_CONFIG,
  draftErrors: [],
  ...emptyRun(),
  shared: null,
  linkErrors: [],
  runs: emptyRuns(),
  experiment: emptyExperiment(),
  tokenView: 'logp',
  selectStep: (selectedStep) => set({ selectedStep }),
  setTokenView: (tokenView) => set({ tokenView }),
  askPlayground: (id, prompt, expected = null) => set({ playground: askedAnswer(id, prompt, expected) }),
}));

/** The playground's state right after asking: no tokens yet. */
export function askedAnswer(id: number, prompt: string, expected: Expected | null = null): PlaygroundAnswer {
  return { id, prompt, completion: '', tokens: new Int32Array(0), logp: new Float32Array(0), done: false, step: null, experts: null, stopped: null, expected };
}
