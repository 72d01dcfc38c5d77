// The session's shared state and the primitives every part of it uses: the
// FIFO lock all compute runs under, status and error events, and the wait
// for a device loss that a failed GPU read may announce.
//
// Concurrency: every piece of compute (init, one GRPO step, evaluate, sample,
// export, reset) runs under one FIFO lock (`exclusive`), so two never
// interleave their enqueued backend work. The parts beside this file are free
// functions over one Core; session.ts wires them to the commands.

import type { RunConfig } from '../../core/config';
import type { Backend } from '../../model/backend';
import type { DecodeState } from '../../model/decode';
import type { DecodeOps } from '../../ops/decode';
import type { Activations, Model } from '../../model/model';
import type { Ops } from '../../ops/ops';
import type { Evaluator } from '../evaluate';
import type { GrpoTrainer } from '../grpo';
import { PROTOCOL_VERSION as v, type EnginePreference, type FaultKind, type ResumeState, type SessionState, type StatusEvent, type TrainerEvent } from '../protocol';

export type Post = (e: TrainerEvent, transfer?: Transferable[]) => void;

export interface SessionOptions {
  /** Default: model/backend.ts createBackend (in Node: the CPU, since there is no navigator.gpu). */
  createBackend?: (cfg: RunConfig, prefer: EnginePreference) => Promise<Backend>;
  /** How the step loop lets queued messages in; default a setTimeout(0) macrotask. */
  yieldToEvents?: () => Promise<void>;
  /** Pretraining status events: about this many over the whole run (default 20). */
  pretrainReports?: number;
  /** Accept `fault` commands (the page's ?faults=1; tests only). Default false: refused. */
  faults?: boolean;
  /** Steps between the in-memory checkpoints a lost device restores (default 10; each costs 4 readbacks). */
  snapshotEvery?: number;
}

/**
 * Everything built by init. The session never looks inside a tensor handle,
 * it only hands them back to the ops that made them, so a run is typed over
 * opaque handles: either backend's Ops is an Ops<unknown, unknown>.
 */
export interface Run {
  backend: Backend;
  cfg: RunConfig;
  ops: Ops<unknown, unknown>;
  dec: DecodeOps<unknown, unknown>;
  model: Model<unknown>;
  tr: GrpoTrainer<unknown, unknown>;
  ev: Evaluator<unknown, unknown>;
  /** Host copy of the base weights: reset writes them back. */
  base: { params: Float32Array; routerBias: Float32Array };
  /** Playground: a one-row decode state for one token at a time (prompts up to Tmax-1), and a (1,Tmax) forward for the experts; made on first use. */
  tokenState: DecodeState<unknown, unknown> | null;
  probeActs: Activations<unknown, unknown> | null;
  unsubscribe: () => void;
}

/** The session's mutable state; each field says which part writes it. */
export interface Core {
  readonly post: Post;
  readonly opts: SessionOptions;
  readonly makeBackend: (cfg: RunConfig, prefer: EnginePreference) => Promise<Backend>;
  readonly yieldToEvents: () => Promise<void>;
  readonly snapshotEvery: number;
  state: SessionState;
  run: Run | null;
  /** init commands accepted, not yet finished (session.ts, recovery.ts). */
  inits: number;
  /** Bumped by each init: an older pretraining sees it and stops. */
  generation: number;
  /** Steps still to take; Infinity while playing (steps.ts). */
  pending: number;
  loop: Promise<void> | null;
  /** The lock's tail: the last piece of compute queued. */
  lock: Promise<unknown>;
  /** Bumped by each sample, reset and init: an answer streaming under an older value stops (playground.ts). */
  asked: number;
  streaming: Promise<void> | null;
  /** GRPO steps whose metrics were posted: where the run stands for the page. */
  reported: number;
  /** The last good checkpoint, in memory: what a lost device restores (checkpoint.ts). */
  snapshot: ResumeState | null;
  /** What the compute under the lock is doing, for naming a GPU error. */
  activity: string | null;
  /** nan-loss / inf-grad, each for the next step only (faults.ts). */
  readonly armed: Set<FaultKind>;
}

/** An init that a later init replaced while it waited or pretrained. */
export class Cancelled extends Error {}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function createCore(post: Post, opts: SessionOptions, makeBackend: Core['makeBackend']): Core {
  return {
    post, opts, makeBackend,
    yieldToEvents: opts.yieldToEvents ?? macrotask,
    snapshotEvery: Math.max(1, opts.snapshotEvery ?? 10),
    state: 'idle', run: null, inits: 0, generation: 0, pending: 0, loop: null, lock: Promise.resolve(),
    asked: 0, streaming: null, reported: 0, snapshot: null, activity: null, armed: new Set(),
  };
}

/** Runs fn after everything queued before it, and before anything queued after. */
export function exclusive<T>(c: Core, fn: () => Promise<T>): Promise<T> {
  const p = c.lock.then(fn);
  c.lock = p.catch(() => undefined);
  return p;
}

export const currentStep = (c: Core) => c.run?.tr.step ?? 0;

export function status(c: Core, s: SessionState, msg: string, extra: Partial<StatusEvent> = {}): void {
  c.state = s;
  const b = c.run?.backend;
  c.post({ type: 'status', v, state: s, step: currentStep(c), backend: b?.kind ?? null, backendLabel: b?.label ?? '', message: msg, ...extra });
}

export function error(c: Core, msg: string, recoverable: boolean): void {
  c.post({ type: 'error', v, message: msg, step: currentStep(c), recoverable });
}

/** Runs fn under the lock when a model exists; otherwise says so. */
export function withRun(c: Core, what: string, fn: (r: Run) => Promise<void>): Promise<void> {
  return exclusive(c, async () => {
    if (!c.run) return error(c, `${what}: no model yet: send init first`, true);
    c.activity = `running ${what} at step ${c.run.tr.step}`;
    const r = c.run;
    try {
      await fn(r);
    } catch (e) {
      if (c.run === r) await lostMeanwhile(r, e);
      if (c.run === r) error(c, `${what}: ${message(e)}`, true);
    } finally {
      c.activity = null;
    }
  });
}

/**
 * A GPU read that fails with a DOMException (mapAsync aborted) may be the
 * first sign of a lost device: Chrome rejects the read before device.lost
 * resolves. Waits a little for the loss, so the step is taken again after
 * the recovery instead of pausing the run with a puzzling error.
 */
export async function lostMeanwhile(r: Run, e: unknown): Promise<void> {
  if (r.backend.kind !== 'webgpu' || !(typeof DOMException !== 'undefined' && e instanceof DOMException)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([r.backend.gpu.device.lost, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
}
