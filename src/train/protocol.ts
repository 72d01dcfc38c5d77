// The trainer worker's message protocol: Commands go main thread -> worker,
// Events come back. Every message is a plain structured-cloneable object with
// a `type` and the protocol version `v`, so a page built against another
// version is told so instead of misreading fields.
//
// parse.ts's parseCommand is the worker's only door: anything that did not
// come from a well-behaved client (a stale tab, a typo in the console, a
// fuzzer) is refused with a ProtocolError naming the field, and the worker
// posts that as an `error` event instead of crashing. parseEvent does the same
// (top-level fields only) for the client, which trusts the worker's payloads
// beyond that.
//
// Imports only types.

import type { RunConfig } from '../core/config';
import type { ParamTensor } from '../model/params';
import type { EvalResult } from './evaluate';
import type { GrpoMetrics, GrpoSample } from './grpo';
import type { StageReport, TeacherWeights } from './stages';
import type { PretrainMetrics } from './pretrain';

export const PROTOCOL_VERSION = 1;

// --- commands ---------------------------------------------------------------

/** Weights to start GRPO from instead of pretraining: the flat parameter buffer (model/params.ts layout) and the (L,E) router bias. */
export interface InitialWeights {
  params: Float32Array; // (table.total)
  routerBias: Float32Array; // (L*E)
}

/**
 * Where a saved run stood: the weights, router bias and Adam moments after
 * `step` GRPO steps, and AdamW's own step count (bias correction; mu per GRPO
 * step). With `weights` (the base, which stays the KL reference and what reset
 * returns to) it lets the next step be exactly the one the run would have
 * taken: the step index picks the prompts and the sampling stream.
 */
export interface ResumeState {
  step: number;
  adamStep: number;
  params: Float32Array; // (table.total)
  routerBias: Float32Array; // (L*E)
  m: Float32Array; // (table.total)
  v: Float32Array; // (table.total)
}

export interface InitCommand {
  type: 'init';
  v: number;
  /** Validated by trainConfigErrors; missing fields take DEFAULT_CONFIG's values. */
  config: RunConfig;
  /**
   * Engine preference (model/backend.ts): 'auto' (default) WebGPU on a
   * hardware adapter, the CPU engine on a software one; 'webgpu' WebGPU
   * whenever there is an adapter; 'cpu' the CPU. A CPU run names its reason in status.backendLabel.
   */
  prefer?: EnginePreference;
  /** The base model; absent: pretrain one in the worker for config.corpus.pretrainSteps. */
  weights?: InitialWeights;
  /** Continue a saved run (needs weights: the run's base). */
  resume?: ResumeState;
  /** The distillation teacher (public/<pipeline.teacher>.safetensors, decoded); needed when config.pipeline.teacher is not 'none', unless resuming. */
  teacher?: TeacherWeights;
}

export interface SampleCommand {
  type: 'sample';
  v: number;
  /** Echoed in the sampleResult so the playground can match answers to questions. */
  id: number;
  /** A problem as text, e.g. "47+85=" (a leading <bos> is added when missing). */
  prompt: string;
  maxNew: number;
  /** 0 = greedy. */
  temperature: number;
  /** Seed of the draw; default the run's seed. */
  seed?: number;
}

/**
 * Live knobs (KNOBS entries with live: true, e.g. grpo.lr, grpo.beta,
 * sampling.temperature) by dotted path; the session applies them between two
 * steps, so the next step uses them. Anything that changes a buffer's shape is
 * not live and needs a new init.
 */
export interface SetLiveCommand {
  type: 'setLive';
  v: number;
  values: Record<string, number | string | boolean>;
}

/**
 * Test-only fault injection (the e2e spec's `?faults=1`): arms a fault the
 * session carries out. Refused unless the worker was started with faults on,
 * so a page without the flag (or a stray message) can never trigger one.
 * nan-loss: the next step's loss is NaN; inf-grad: the next backward leaves
 * an Inf in a gradient; lose-device: GPUDevice.destroy() now; gpu-oom: the
 * device reports an out-of-memory error now.
 */
export interface FaultCommand {
  type: 'fault';
  v: number;
  kind: FaultKind;
}
export type FaultKind = 'nan-loss' | 'inf-grad' | 'lose-device' | 'gpu-oom';
/** The Worker name (new Worker(url, { name })) under which worker.ts accepts fault commands. */
export const FAULTS_WORKER_NAME = 'trainer+faults';
export const FAULT_KINDS: readonly FaultKind[] = ['nan-loss', 'inf-grad', 'lose-device', 'gpu-oom'];

export type EnginePreference = 'auto' | 'webgpu' | 'cpu';
export const ENGINE_PREFERENCES: readonly EnginePreference[] = ['auto', 'webgpu', 'cpu'];

/**
 * Moves the run to another engine between two steps: its state (weights,
 * Adam moments, step) is read, and the run re-inits from it on the engine
 * `prefer` picks, as a lost device is restored; playing goes on playing.
 */
export interface SetEngineCommand {
  type: 'setEngine';
  v: number;
  prefer: EnginePreference;
}

export type Command =
  | InitCommand
  | SetEngineCommand
  | FaultCommand
  | SetLiveCommand
  | { type: 'play'; v: number }
  | { type: 'pause'; v: number }
  | { type: 'step'; v: number; n: number }
  | { type: 'reset'; v: number }
  | { type: 'evaluate'; v: number }
  | SampleCommand
  | { type: 'exportCheckpoint'; v: number; tag?: string };

export type CommandType = Command['type'];
export const COMMAND_TYPES: readonly CommandType[] = ['init', 'play', 'pause', 'step', 'reset', 'evaluate', 'sample', 'exportCheckpoint', 'setLive', 'fault', 'setEngine'];

// --- events -----------------------------------------------------------------

/**
 * idle: no model yet (before init, or after a failed one); pretraining: init
 * is building the base model; ready: at GRPO step 0; running: steps are being
 * taken (play or step(n)); paused: stopped after some steps, or after a
 * recoverable error; error: the backend is gone (device lost), init again.
 */
export type SessionState = 'idle' | 'pretraining' | 'ready' | 'running' | 'paused' | 'error';
export const SESSION_STATES: readonly SessionState[] = ['idle', 'pretraining', 'ready', 'running', 'paused', 'error'];

export interface StatusEvent {
  type: 'status';
  v: number;
  state: SessionState;
  /** GRPO steps taken (the next step's index). */
  step: number;
  /** 'webgpu' | 'cpu', null before init. */
  backend: 'webgpu' | 'cpu' | null;
  /** The GPU's name, or "CPU fallback: <reason>"; '' before init. */
  backendLabel: string;
  message: string;
  /** While pretraining: the latest pretraining step's metrics and the total. */
  pretrain?: { metrics: PretrainMetrics; total: number };
}

export interface MetricsEvent {
  type: 'metrics';
  v: number;
  metrics: GrpoMetrics;
  /** Present on the steps that ran the held-out evaluation (every grpo.evalEvery steps). */
  evaluation?: EvalResult;
}

export interface SamplesEvent {
  type: 'samples';
  v: number;
  step: number;
  samples: GrpoSample[];
}

export interface EvaluationEvent {
  type: 'evaluation';
  v: number;
  /** GRPO steps taken when evaluated. */
  step: number;
  result: EvalResult;
}

/** Routed experts of a playground answer, like GrpoSample.experts. */
export interface SampleExperts {
  L: number;
  k: number;
  /** Routed experts per layer, for the colour scale. */
  E: number;
  /** Top-k indices of each layer at the position that predicts each completion token. */
  idx: Uint8Array; // (length,L,k)
}

/**
 * The playground's answer, streamed: one event with done = false after each
 * token (tokens so far), then one with done = true. Only the final event
 * carries the experts (one forward over prompt+completion after the last
 * token); `stopped` says why an answer ended early (a newer question, a reset).
 */
export interface SampleResultEvent {
  type: 'sampleResult';
  v: number;
  id: number;
  prompt: string;
  completion: string;
  tokens: Int32Array; // (length) completion tokens so far, <eos> included when sampled
  logp: Float32Array; // (length) at the temperature (1 when greedy)
  done: boolean;
  /** GRPO steps taken when the last token was drawn (training may run between tokens). */
  step: number;
  experts?: SampleExperts;
  stopped?: string;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  v: number;
  step: number;
  /** JSON of the RunConfig, for the safetensors metadata. */
  configJson: string;
  /** Where each tensor lies in params. */
  tensors: ParamTensor[];
  params: ArrayBuffer; // float32 (table.total), transferred
  routerBias: ArrayBuffer; // float32 (L*E), transferred
  /** Echo of the command's tag: who asked (e.g. 'persist' for the periodic save), so others ignore it. */
  tag?: string;
  /** Adam moments and AdamW's step count: with these (and the base) a run resumes exactly (ResumeState). */
  adamM: ArrayBuffer; // float32 (table.total), transferred
  adamV: ArrayBuffer; // float32 (table.total), transferred
  adamStep: number;
  /** The base weights the run started from (the KL reference, what reset returns to). */
  baseParams: ArrayBuffer; // float32 (table.total), transferred
  baseRouterBias: ArrayBuffer; // float32 (L*E), transferred
}

export interface ErrorEvent {
  type: 'error';
  v: number;
  message: string;
  /** GRPO steps taken when it happened. */
  step: number;
  /** True: the session is as usable as before the failing command (a NaN step keeps the last good weights). False: init again. */
  recoverable: boolean;
}

/**
 * The GPU device was lost and the session came back on a new one from its
 * last in-memory checkpoint: the steps from `step` on are taken again (the
 * same steps: training is deterministic per step), so the page drops what it
 * holds for them. The session then continues towards where it was.
 */
export interface RecoveredEvent {
  type: 'recovered';
  v: number;
  /** GRPO steps taken when the device was lost. */
  lostAt: number;
  /** The restored checkpoint's step: the next step's index. */
  step: number;
  /** lostAt - step: steps redone. */
  redone: number;
  message: string;
}

/** The parts of a step that take a while: the GRPO step (rollout, scoring, forward, backward, update) and the held-out evaluation after it. */
export const STEP_PHASES = ['grpo', 'evaluation'] as const;
export type StepPhase = (typeof STEP_PHASES)[number];

/**
 * Where the session is inside a step, posted as each phase starts (issue 18:
 * a step of over a minute showed nothing). The step's metrics event ends it.
 * Phases, not token counts: on WebGPU a rollout's tokens are encoded at once
 * and run on the device, so the session only knows when the whole phase ends.
 */
export interface ProgressEvent {
  type: 'progress';
  v: number;
  /** The step's index (GRPO steps taken before it). */
  step: number;
  phase: StepPhase;
}

/**
 * A pipeline stage ran (train/pipeline.ts; issue 17): the cold start during
 * init, after the base is loaded or pretrained and before the step-0
 * evaluation; the rejection stage after the metrics and samples of GRPO step
 * rl1Steps-1 (the metrics event of that step carries no evaluation; the
 * held-out evaluation after the stage, when due, comes as an `evaluation`
 * event at step rl1Steps, after this one). Where the stages sit is
 * stageMarkers(config), a pure function of the config.
 */
export interface StageEvent {
  type: 'stage';
  v: number;
  report: StageReport;
}

export type TrainerEvent = StatusEvent | MetricsEvent | SamplesEvent | EvaluationEvent | SampleResultEvent | CheckpointEvent | ErrorEvent | RecoveredEvent | ProgressEvent | StageEvent;
export type EventType = TrainerEvent['type'];
export type EventOf<T extends EventType> = Extract<TrainerEvent, { type: T }>;
export const EVENT_TYPES: readonly EventType[] = ['status', 'metrics', 'samples', 'evaluation', 'sampleResult', 'checkpoint', 'error', 'recovered', 'progress', 'stage'];
