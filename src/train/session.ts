// The worker-side controller: owns the backend, the model, the GRPO trainer
// and the evaluator, turns Commands into work and work into Events. Free of
// Worker globals (it only calls `post`), so Node tests drive it on the CPU
// backend exactly as worker.ts drives it on WebGPU.
//
// Concurrency: every piece of compute (init, one GRPO step, evaluate, sample,
// export, reset) runs under one FIFO lock, so two never interleave their
// enqueued backend work. play / step(n) only set how many steps remain
// (`pending`, Infinity while playing); the step loop takes the lock for ONE
// step, then yields a macrotask, so a pause, an evaluate or a sample sent
// meanwhile runs between two steps. pause sets pending to 0: the step in
// flight finishes, none follows.
// A playground answer streams the same way: each token takes the lock
// once (sample() below), so steps and commands interleave with its tokens.
//
// Errors: a malformed command, a refused config, a NaN step (grpoStep throws
// before AdamW, so the weights are the last good ones) all become an `error`
// event; the session pauses and keeps working. A GPU error (out of memory,
// validation) is named with what the session was doing, and pauses too.
//
// A lost GPU device is survived: the session keeps its last good checkpoint
// in memory (the base at init, then every `snapshotEvery` steps and at each
// exportCheckpoint), acquires a new device, re-inits from it (weights, Adam
// state, step: the resume path) and takes the steps since again up to where
// it was, playing on if it was playing. Steps are deterministic (the step
// index keys the prompts and the sampling), so the redone steps are the same
// steps; a `recovered` event tells the page how many, so it drops its copies.
//
// Fault injection (tests only): with opts.faults, a `fault` command arms a
// NaN loss or an Inf gradient for the next step (GrpoHooks), destroys the
// device, or makes it report an out-of-memory error. Without it, refused.

import { cloneConfig, MAX_PROMPT_TOKENS, setPath, type RunConfig } from '../core/config';
import { decode, encode, TOK } from '../core/tokenizer';
import { createBackend, injectGpuFault, type Backend } from '../model/backend';
import { createDecodeState, type DecodeOps, type DecodeState } from '../model/decode';
import { createActivations, createModel, forward, type Activations, type Model } from '../model/model';
import type { Ops } from '../model/ops';
import { initParams } from '../model/params';
import { rollout } from '../rl/rollout';
import { trainConfigErrors } from './checks';
import { createEvaluator, evaluate, type Evaluator } from './evaluate';
import { createGrpoTrainer, grpoStep, type GrpoHooks, type GrpoTrainer } from './grpo';
import { createPretrainer, pretrainStep } from './pretrain';
import { parseCommand, PROTOCOL_VERSION, type Command, type FaultKind, type SampleExperts, type InitCommand, type ResumeState, type SampleCommand, type SessionState, type SetLiveCommand, type StatusEvent, type TrainerEvent } from './protocol';

export type Post = (e: TrainerEvent, transfer?: Transferable[]) => void;

export interface SessionOptions {
  /** Default: model/backend.ts createBackend (in Node: the CPU, since there is no navigator.gpu). */
  createBackend?: (cfg: RunConfig, prefer: 'webgpu' | 'cpu') => Promise<Backend>;
  /** How the step loop lets queued messages in; default a setTimeout(0) macrotask. */
  yieldToEvents?: () => Promise<void>;
  /** Pretraining status events: about this many over the whole run (default 20). */
  pretrainReports?: number;
  /** Accept `fault` commands (the page's ?faults=1; tests only). Default false: refused. */
  faults?: boolean;
  /** Steps between the in-memory checkpoints a lost device restores (default 10; each costs 4 readbacks). */
  snapshotEvery?: number;
}

export interface Session {
  /** Accepts anything postMessage delivered; never throws (bad input becomes an error event). */
  handle(msg: unknown): Promise<void>;
  readonly state: SessionState;
  /** Resolves once the step loop has stopped and every queued command has run. */
  idle(): Promise<void>;
}

/** Everything built by init; F, I are the backend's tensor handles. */
interface Run<F, I> {
  backend: Backend;
  cfg: RunConfig;
  ops: Ops<F, I>;
  dec: DecodeOps<F, I>;
  model: Model<F>;
  tr: GrpoTrainer<F, I>;
  ev: Evaluator<F, I>;
  /** Host copy of the base weights: reset writes them back. */
  base: { params: Float32Array; routerBias: Float32Array };
  /** Playground: a one-row decode state for one token at a time (prompts up to Tmax-1), and a (1,Tmax) forward for the experts; made on first use. */
  tokenState: DecodeState<F, I> | null;
  probeActs: Activations<F, I> | null;
  unsubscribe: () => void;
}

class Cancelled extends Error {}

/** How a GPU error kind reads in a sentence. */
const GPU_ERROR_NAMES: Record<string, string> = {
  'out-of-memory': 'GPU out of memory',
  validation: 'GPU validation error',
  internal: 'GPU internal error',
};

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createSession(post: Post, opts: SessionOptions = {}): Session {
  // a config too big for the GPU is refused (naming the limit) before anything is allocated, not moved to the CPU
  const makeBackend = opts.createBackend ?? ((cfg, prefer) => createBackend(cfg, { prefer, fallbackOnLimits: false }));
  const yieldToEvents = opts.yieldToEvents ?? macrotask;
  const v = PROTOCOL_VERSION;

  let state: SessionState = 'idle';
  let run: Run<unknown, unknown> | null = null;
  let inits = 0; // init commands accepted, not yet finished
  let generation = 0; // bumped by each init: an older pretraining sees it and stops
  let pending = 0; // steps still to take; Infinity while playing
  let loop: Promise<void> | null = null;
  let lock: Promise<unknown> = Promise.resolve();
  let asked = 0; // bumped by each sample, reset and init: an answer streaming under an older value stops
  let streaming: Promise<void> | null = null;
  let reported = 0; // GRPO steps whose metrics were posted: where the run stands for the page
  let snapshot: ResumeState | null = null; // the last good checkpoint, in memory: what a lost device restores
  let activity: string | null = null; // what the compute under the lock is doing, for naming a GPU error
  const armed = new Set<FaultKind>(); // nan-loss / inf-grad, each for the next step only
  const snapshotEvery = Math.max(1, opts.snapshotEvery ?? 10);

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = lock.then(fn);
    lock = p.catch(() => undefined);
    return p;
  };
  const step = () => run?.tr.step ?? 0;
  const status = (s: SessionState, msg: string, extra: Partial<StatusEvent> = {}) => {
    state = s;
    const b = run?.backend;
    post({ type: 'status', v, state: s, step: step(), backend: b?.kind ?? null, backendLabel: b?.label ?? '', message: msg, ...extra });
  };
  const error = (msg: string, recoverable: boolean) => post({ type: 'error', v, message: msg, step: step(), recoverable });

  function teardown(): void {
    if (!run) return;
    run.unsubscribe();
    if (run.backend.kind === 'webgpu') run.backend.gpu.device.destroy();
    run = null;
  }

  /** recovering: the status to show meanwhile (at the lost step, so the page does not take it for a reset). */
  async function init(cmd: InitCommand, gen: number, recovering?: { step: number; message: string }): Promise<void> {
    if (gen !== generation) throw new Cancelled(); // a later init is queued behind this one
    teardown();
    const cfg = cmd.config;
    if (recovering) status('pretraining', recovering.message, { step: recovering.step });
    else status('pretraining', cmd.weights ? 'loading the given weights' : `pretraining the base model (${cfg.corpus.pretrainSteps} steps)`);
    const backend = await makeBackend(cfg, cmd.prefer ?? 'webgpu');
    // The two backends have different tensor handles; build() is generic over them.
    try {
      const built = backend.kind === 'webgpu' ? await build(backend, backend.ops, backend.decode, cfg, cmd, gen) : await build(backend, backend.ops, backend.decode, cfg, cmd, gen);
      run = built as unknown as Run<unknown, unknown>;
    } catch (e) {
      if (backend.kind === 'webgpu') backend.gpu.device.destroy();
      throw e;
    }
    snapshot = cmd.resume ? copyState(cmd.resume) : baseState(run);
    reported = snapshot.step;
    armed.clear();
    if (cmd.resume) {
      // the saved run already has its step-0 evaluation; a second would only repeat it
      status('paused', `resumed at step ${cmd.resume.step}`);
      return;
    }
    status('ready', cmd.weights ? 'ready: GRPO from the given weights' : 'ready: base model pretrained');
    await evaluateBase(run);
  }

  /** DESIGN §6: the base model's rates at step 0, so "emergence" is a comparison, not a claim. */
  async function evaluateBase(r: Run<unknown, unknown>): Promise<void> {
    post({ type: 'evaluation', v, step: 0, result: await evaluate(r.ev, r.model) });
  }

  async function build<F, I>(backend: Backend, ops: Ops<F, I>, dec: DecodeOps<F, I>, cfg: RunConfig, cmd: InitCommand, gen: number): Promise<Run<F, I>> {
    const model = createModel(ops, cfg);
    const { L, E } = model.dims;
    if (cmd.weights) {
      const { params, routerBias } = cmd.weights;
      if (params.length !== model.table.total || routerBias.length !== L * E) {
        throw new Error(`weights have ${params.length} params and ${routerBias.length} router biases; this config needs ${model.table.total} and ${L * E}`);
      }
      ops.write(model.params, params);
      ops.write(model.routerBias, routerBias);
    } else {
      await pretrainBase(backend, ops, model, gen);
    }
    const base = {
      params: new Float32Array(await ops.read(model.params)),
      routerBias: new Float32Array(await ops.read(model.routerBias)),
    };
    const tr = createGrpoTrainer(ops, dec, model, opts.faults ? faultHooks(ops) : {});
    // after the trainer: it snapshots the base as its reference and zeroes the moments this overwrites
    if (cmd.resume) resumeInto(ops, model, tr, cmd.resume);
    const ev = createEvaluator(ops, dec, model);
    const r: Run<F, I> = { backend, cfg, ops, dec, model, tr, ev, base, tokenState: null, probeActs: null, unsubscribe: () => undefined };
    if (backend.kind === 'webgpu') r.unsubscribe = backend.gpu.subscribe((e) => onGpuError(r as unknown as Run<unknown, unknown>, e.kind, e.message));
    return r;
  }

  /** The armed numerical faults, each fired once at the next step: a NaN policy loss, an Inf in the first gradient. */
  function faultHooks<F, I>(ops: Ops<F, I>): GrpoHooks<F> {
    return {
      afterLoss: (loss) => (armed.delete('nan-loss') ? Number.NaN : loss),
      afterBackward: (model) => {
        if (armed.delete('inf-grad')) ops.write(ops.view(model.grads, 0, 1), [Number.POSITIVE_INFINITY]);
      },
    };
  }

  const copyState = (x: ResumeState): ResumeState => ({ ...x, params: x.params.slice(), routerBias: x.routerBias.slice(), m: x.m.slice(), v: x.v.slice() });
  /** Step 0 of a run: the base, with the zero moments the trainer starts from. */
  const baseState = (r: Run<unknown, unknown>): ResumeState => ({
    step: 0, adamStep: 0, params: r.base.params.slice(), routerBias: r.base.routerBias.slice(),
    m: new Float32Array(r.base.params.length), v: new Float32Array(r.base.params.length),
  });

  /** The run's state as it is now (host copies). Only between steps, under the lock. */
  async function readState<F, I>(r: Run<F, I>): Promise<ResumeState> {
    return {
      step: r.tr.step, adamStep: r.model.step,
      params: new Float32Array(await r.ops.read(r.model.params)),
      routerBias: new Float32Array(await r.ops.read(r.model.routerBias)),
      m: new Float32Array(await r.ops.read(r.model.m)),
      v: new Float32Array(await r.ops.read(r.model.v)),
    };
  }

  function resumeInto<F, I>(ops: Ops<F, I>, model: Model<F>, tr: GrpoTrainer<F, I>, rs: ResumeState): void {
    const n = model.table.total, LE = model.dims.L * model.dims.E;
    for (const [name, x, want] of [['params', rs.params, n], ['m', rs.m, n], ['v', rs.v, n], ['routerBias', rs.routerBias, LE]] as const) {
      if (x.length !== want) throw new Error(`resume: ${name} has ${x.length} entries; this config needs ${want}`);
    }
    ops.write(model.params, rs.params);
    ops.write(model.routerBias, rs.routerBias);
    ops.write(model.m, rs.m);
    ops.write(model.v, rs.v);
    model.step = rs.adamStep;
    tr.step = rs.step;
  }

  async function pretrainBase<F, I>(backend: Backend, ops: Ops<F, I>, model: Model<F>, gen: number): Promise<void> {
    const total = model.cfg.corpus.pretrainSteps;
    const every = Math.max(1, Math.floor(total / (opts.pretrainReports ?? 20)));
    ops.write(model.params, initParams(model.cfg, model.table));
    const pt = createPretrainer(ops, model, { heldOutEvery: every * 5 });
    while (pt.step < total) {
      const m = await pretrainStep(pt);
      if (gen !== generation) throw new Cancelled();
      if (pt.step % every === 0 || pt.step === total) {
        const held = m.heldOutLoss !== undefined ? `, held-out ${m.heldOutLoss.toFixed(3)}` : '';
        post({
          type: 'status', v, state: 'pretraining', step: 0, backend: backend.kind, backendLabel: backend.label,
          message: `pretraining ${pt.step}/${total}: loss ${m.loss.toFixed(3)}${held}`, pretrain: { metrics: m, total },
        });
        await yieldToEvents();
        if (gen !== generation) throw new Cancelled();
      }
    }
  }

  function onGpuError(r: Run<unknown, unknown>, kind: string, msg: string): void {
    if (run !== r) return; // a device this session already left
    if (kind === 'lost') return deviceLost(r, msg);
    pending = 0;
    const name = GPU_ERROR_NAMES[kind] ?? `GPU error (${kind})`;
    error(`${name} while ${activity ?? `idle at step ${r.tr.step}`}: ${msg}`, true);
  }

  /**
   * The device is gone, and with it everything on it since the last snapshot.
   * The step in flight fails (or is dropped: run !== r); then, under the lock,
   * the run is rebuilt on a new device from the snapshot and the session
   * walks back to where it was (or plays on).
   */
  function deviceLost(r: Run<unknown, unknown>, msg: string): void {
    const snap = snapshot;
    const lostAt = reported;
    const target = pending === Infinity ? Infinity : lostAt + pending;
    pending = 0;
    asked++; // a playground answer streaming from the lost device stops
    r.unsubscribe();
    run = null;
    if (!snap) {
      error(`the GPU device was lost (${msg}) and no checkpoint was kept; send init to start again`, false);
      return status('error', 'the GPU device was lost', { step: lostAt });
    }
    const gen = generation;
    inits++; // commands sent meanwhile wait for the new device
    const cmd: InitCommand = { type: 'init', v, config: cloneConfig(r.cfg), weights: { params: r.base.params, routerBias: r.base.routerBias }, resume: snap, prefer: 'webgpu' };
    void exclusive(async () => {
      try {
        await init(cmd, gen, { step: lostAt, message: `GPU device lost at step ${lostAt} (${msg}); restoring the checkpoint of step ${snap.step} on a new device` });
      } catch (e) {
        if (e instanceof Cancelled) return; // an init sent meanwhile replaces the run anyway
        teardown();
        error(`the GPU device was lost at step ${lostAt} (${msg}) and recovery failed: ${message(e)}; send init to start again`, false);
        return status('idle', 'recovery from a lost device failed');
      } finally {
        inits--;
      }
      const redone = lostAt - snap.step;
      const where = run?.backend.label ? ` (${run.backend.label})` : '';
      post({
        type: 'recovered', v, lostAt, step: snap.step, redone,
        message: `GPU device lost at step ${lostAt}; restored the checkpoint of step ${snap.step} on a new device${where}; ${redone} step${redone === 1 ? '' : 's'} redone`,
      });
      pending = target - snap.step;
      if (pending > 0 && !loop) loop = stepLoop();
    });
  }

  /**
   * A GPU read that fails with a DOMException (mapAsync aborted) may be the
   * first sign of a lost device: Chrome rejects the read before device.lost
   * resolves. Waits a little for the loss, so the step is taken again after
   * the recovery instead of pausing the run with a puzzling error.
   */
  async function lostMeanwhile(r: Run<unknown, unknown>, e: unknown): Promise<void> {
    if (r.backend.kind !== 'webgpu' || !(typeof DOMException !== 'undefined' && e instanceof DOMException)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([r.backend.gpu.device.lost, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
  }

  /** Runs the fault the test asked for (only with opts.faults). */
  function fault(kind: FaultKind): void {
    if (!opts.faults) return error('fault injection is off in this session (tests only: open the page with ?faults=1)', true);
    if (!run) return error(`fault ${kind}: no model yet: send init first`, true);
    if (kind === 'nan-loss' || kind === 'inf-grad') {
      armed.add(kind);
      return status(state, `fault armed: ${kind} at the next step (${run.tr.step})`);
    }
    const refused = injectGpuFault(run.backend, kind);
    if (refused) error(`fault ${kind}: ${refused}`, true);
  }

  /** One GRPO step, the held-out evaluation when due, and their events. */
  async function oneStep(): Promise<void> {
    const r = run;
    if (!r || pending <= 0) return;
    if (state !== 'running') status('running', pending === Infinity ? 'playing' : `taking ${pending} step${pending === 1 ? '' : 's'}`);
    try {
      activity = `taking GRPO step ${r.tr.step}`;
      const { metrics, samples } = await grpoStep(r.tr);
      const every = r.cfg.grpo.evalEvery;
      activity = `evaluating after step ${metrics.step}`;
      const evaluation = r.tr.step % every === 0 ? await evaluate(r.ev, r.model) : undefined;
      if (r.tr.step % snapshotEvery === 0) {
        activity = `keeping the checkpoint of step ${r.tr.step}`;
        const st = await readState(r);
        if (st.params.every(Number.isFinite)) snapshot = st;
      }
      if (run !== r) return; // the device was lost meanwhile: this step is taken again on the new one
      post(evaluation ? { type: 'metrics', v, metrics, evaluation } : { type: 'metrics', v, metrics });
      post({ type: 'samples', v, step: metrics.step, samples });
      reported = metrics.step + 1;
      pending = Math.max(0, pending - 1); // a pause during the step already set 0: a later step(1) must still take one
    } catch (e) {
      if (run === r) await lostMeanwhile(r, e);
      if (run !== r) return; // the device was lost meanwhile: the recovery takes this step again
      pending = 0;
      error(message(e), true);
      status('paused', `paused by an error at step ${r.tr.step}; the weights are the last good ones`);
    } finally {
      activity = null;
    }
  }

  async function stepLoop(): Promise<void> {
    // an init still queued counts: play right after init waits for it under the lock
    while (pending > 0 && (run || inits > 0)) {
      await exclusive(oneStep);
      await yieldToEvents();
    }
    loop = null;
    // reset / init / an error may have set the state meanwhile: only a loop that is still 'running' reports its stop
    if (state === 'running') status(step() === 0 ? 'ready' : 'paused', `stopped at step ${step()}`);
  }

  function startSteps(n: number): void {
    if (!run && inits === 0) {
      error('no model yet: send init first', true);
      return;
    }
    // step(n) while playing means "n more, then stop"
    pending = n === Infinity || pending === Infinity ? n : pending + n;
    if (!loop) loop = stepLoop();
  }

  /** Runs fn under the lock when a model exists; otherwise says so. */
  function withRun(what: string, fn: (r: Run<unknown, unknown>) => Promise<void>): Promise<void> {
    return exclusive(async () => {
      if (!run) return error(`${what}: no model yet: send init first`, true);
      activity = `running ${what} at step ${run.tr.step}`;
      const r = run;
      try {
        await fn(r);
      } catch (e) {
        if (run === r) await lostMeanwhile(r, e);
        if (run === r) error(`${what}: ${message(e)}`, true);
      } finally {
        activity = null;
      }
    });
  }

  /**
   * The playground's answer, one token per turn of the lock: token j is a
   * rollout of maxNew = 1 on prompt + the j tokens so far. The sampling key is
   * positional (row 0, position P+j, stream of cmd.id), so this draws exactly
   * what the one-shot rollout would; in between, a step, a reset or a newer
   * question can take the lock, so a long answer never holds it for more than
   * one token. Training that runs meanwhile changes the policy between tokens:
   * the final event's `step` says where it ended.
   */
  async function sample(cmd: SampleCommand, mine: number): Promise<void> {
    const text = cmd.prompt.startsWith('<bos>') ? cmd.prompt : `<bos>${cmd.prompt}`;
    const tokens: number[] = [], logp: number[] = [];
    let ids: number[] = [], maxNew = 0;
    const answer = (done: boolean, extra: { experts?: SampleExperts; stopped?: string } = {}) => {
      const t = Int32Array.from(tokens);
      post({ type: 'sampleResult', v, id: cmd.id, prompt: cmd.prompt, completion: decode(t), tokens: t, logp: Float32Array.from(logp), done, step: step(), ...extra });
    };
    for (let j = 0; ; j++) {
      const more = await exclusive(async () => {
        if (!run) throw new Error('no model yet: send init first');
        if (mine !== asked) {
          answer(true, { stopped: 'stopped: a newer question, a reset or an init came first' });
          return false;
        }
        if (j === 0) {
          ids = encode(text); // (P) throws TokenizerError naming the bad character
          if (ids.length > MAX_PROMPT_TOKENS) throw new Error(`the prompt has ${ids.length} tokens, at most ${MAX_PROMPT_TOKENS} are allowed`);
          maxNew = Math.min(cmd.maxNew, run.model.dims.Tmax - ids.length);
        }
        const done = j >= maxNew || tokens.at(-1) === TOK.eos;
        if (done) {
          answer(true, { experts: await routedExperts(run, ids, tokens) });
          return false;
        }
        const t = await nextToken(run, [...ids, ...tokens], cmd);
        tokens.push(t.token);
        logp.push(t.logp);
        answer(false);
        return true;
      });
      if (!more) return;
      await yieldToEvents();
    }
  }

  async function nextToken<F, I>(r: Run<F, I>, prefix: readonly number[], cmd: SampleCommand): Promise<{ token: number; logp: number }> {
    const Tmax = r.model.dims.Tmax;
    const st = (r.tokenState ??= createDecodeState(r.ops, r.model, 1, Tmax - 1, 1));
    // stream keyed by the command id: a replayed id draws the same tokens, a new id new ones
    const ro = await rollout(r.ops, r.dec, r.model, [prefix], 1, { maxNew: 1, temperature: cmd.temperature, topK: r.cfg.sampling.topK, seed: cmd.seed ?? r.cfg.seed, step: cmd.id }, st);
    return { token: ro.tokens[0]!, logp: ro.logp[0]! };
  }

  /** One forward over prompt+completion (padded to Tmax: causal, so the padding changes nothing before it) and one readback per layer. */
  async function routedExperts<F, I>(r: Run<F, I>, prompt: readonly number[], completion: readonly number[]): Promise<SampleExperts> {
    const { Tmax, L, k, E } = r.model.dims;
    const n = completion.length, P = prompt.length;
    const idx = new Uint8Array(n * L * k); // (n,L,k)
    if (n === 0) return { L, k, E, idx };
    const acts = (r.probeActs ??= createActivations(r.ops, r.model, 1, Tmax));
    const tok = new Int32Array(Tmax).fill(TOK.pad); // (1,Tmax)
    tok.set(prompt);
    tok.set(completion.slice(0, Tmax - P), P);
    r.ops.writeInt(acts.tokens, tok);
    r.ops.writeInt(acts.targets, new Int32Array(Tmax).fill(-1));
    forward(r.ops, r.model, acts);
    for (let l = 0; l < L; l++) {
      const top = await r.ops.readInt(acts.topIdx[l]!); // (Tmax,k)
      // token j is predicted at position P-1+j (GrpoSample.experts' convention)
      for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) idx[(j * L + l) * k + i] = top[(P - 1 + j) * k + i]!;
    }
    return { L, k, E, idx };
  }

  async function reset<F, I>(r: Run<F, I>): Promise<void> {
    // In place rather than a new trainer: the reference already holds the base, and GPU buffers are never freed.
    const { ops, model, tr } = r;
    ops.write(model.params, r.base.params);
    ops.write(model.routerBias, r.base.routerBias);
    ops.zero(model.m);
    ops.zero(model.v);
    model.step = 0;
    tr.step = 0;
    reported = 0;
    armed.clear();
    snapshot = baseState(r as unknown as Run<unknown, unknown>);
    status('ready', 'reset to the base model');
    await evaluateBase(r as unknown as Run<unknown, unknown>);
  }

  async function setLive(r: Run<unknown, unknown>, cmd: SetLiveCommand): Promise<void> {
    // parseCommand checked each value alone; the whole config must still train (e.g. topP other than 1 is refused)
    const next = cloneConfig(r.cfg);
    for (const [path, x] of Object.entries(cmd.values)) setPath(next, path, x);
    const errs = trainConfigErrors(next);
    if (errs.length > 0) throw new Error(errs.map((e) => e.message).join('; '));
    // In place: the model, trainer, reference and evaluator all read this one object at each step.
    for (const cfg of new Set([r.cfg, r.model.cfg, r.tr.cfg])) {
      for (const [path, x] of Object.entries(cmd.values)) setPath(cfg, path, x);
    }
    const what = Object.entries(cmd.values).map(([p, x]) => `${p} = ${String(x)}`).join(', ');
    status(state, `${what} from step ${r.tr.step}`);
  }

  async function exportCheckpoint<F, I>(r: Run<F, I>, tag: string | undefined): Promise<void> {
    // copies: a CPU read may hand back the live buffer, and the transfer detaches what it sends
    const params = new Float32Array(await r.ops.read(r.model.params));
    const routerBias = new Float32Array(await r.ops.read(r.model.routerBias));
    const m = new Float32Array(await r.ops.read(r.model.m));
    const mv = new Float32Array(await r.ops.read(r.model.v));
    const baseParams = r.base.params.slice(), baseRouterBias = r.base.routerBias.slice();
    // between steps, so these are good weights: a lost device comes back to them
    if (params.every(Number.isFinite)) snapshot = copyState({ step: r.tr.step, adamStep: r.model.step, params, routerBias, m, v: mv });
    const bufs = [params.buffer, routerBias.buffer, m.buffer, mv.buffer, baseParams.buffer, baseRouterBias.buffer];
    post({
      type: 'checkpoint', v, step: r.tr.step, configJson: JSON.stringify(r.cfg), tensors: r.model.table.tensors.map((t) => ({ ...t, shape: [...t.shape] })),
      params: params.buffer, routerBias: routerBias.buffer, adamM: m.buffer, adamV: mv.buffer, adamStep: r.model.step,
      baseParams: baseParams.buffer, baseRouterBias: baseRouterBias.buffer, ...(tag === undefined ? {} : { tag }),
    }, bufs);
  }

  async function dispatch(cmd: Command): Promise<void> {
    switch (cmd.type) {
      case 'init': {
        const gen = ++generation; // stops a pretraining in flight at its next step
        asked++; // and an answer streaming from the old model
        inits++;
        pending = 0;
        return exclusive(async () => {
          try {
            await init(cmd, gen);
          } catch (e) {
            if (e instanceof Cancelled) return;
            teardown();
            error(`init: ${message(e)}`, false);
            status('idle', 'init failed');
          } finally {
            inits--;
          }
        });
      }
      case 'play': return startSteps(Infinity);
      case 'step': return startSteps(cmd.n);
      case 'pause':
        // said at once, not after the step in flight: the page sees the worker took the pause
        if (loop && pending > 0) status('running', 'pausing after the step in flight');
        pending = 0;
        return;
      case 'reset':
        pending = 0;
        asked++;
        return withRun('reset', reset);
      case 'evaluate':
        return withRun('evaluate', async (r) => post({ type: 'evaluation', v, step: r.tr.step, result: await evaluate(r.ev, r.model) }));
      case 'sample': {
        const p = sample(cmd, ++asked).catch((e) => error(`sample: ${message(e)}`, true));
        streaming = p;
        return p;
      }
      case 'exportCheckpoint': return withRun('exportCheckpoint', (r) => exportCheckpoint(r, cmd.tag));
      // under the lock: it lands between two steps, never inside one
      case 'setLive': return withRun('setLive', (r) => setLive(r, cmd));
      case 'fault': return fault(cmd.kind);
    }
  }

  return {
    async handle(msg) {
      let cmd: Command;
      try {
        cmd = parseCommand(msg);
      } catch (e) {
        return error(message(e), true);
      }
      try {
        await dispatch(cmd);
      } catch (e) {
        error(`${cmd.type}: ${message(e)}`, true); // not expected: dispatch catches its own
      }
    },
    get state() {
      return state;
    },
    async idle() {
      for (;;) {
        const l = loop, k = lock, a = streaming;
        await l;
        await k;
        await a;
        if (l === loop && k === lock && a === streaming) return;
      }
    },
  };
}
