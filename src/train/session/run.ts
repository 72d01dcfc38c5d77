// A run's life: init (a backend, a model with the given or freshly
// pretrained base weights, the GRPO trainer and the evaluator, or a resumed
// state), reset to the base, live knobs, and teardown.

import { cloneConfig, setPath, type RunConfig } from '../../core/config';
import type { Backend } from '../../model/backend';
import type { DecodeOps } from '../../ops/decode';
import { createModel, type Model } from '../../model/model';
import type { Ops } from '../../ops/ops';
import { initParams } from '../../model/params';
import { trainConfigErrors } from '../checks';
import { createEvaluator, evaluate } from '../evaluate';
import { createGrpoTrainer } from '../grpo';
import { coldStart, distillStage, type StageCallbacks } from '../pipeline';
import { createPretrainer, pretrainStep } from '../pretrain';
import { PROTOCOL_VERSION as v, type InitCommand, type SetLiveCommand } from '../protocol';
import type { PretrainMetrics } from '../pretrain';
import type { StageReport } from '../stages';
import { baseState, copyState, resumeInto } from './checkpoint';
import { Cancelled, status, type Core, type Run } from './core';
import { faultHooks } from './faults';

/** What hears the run's GPU errors (recovery.ts), passed in so this file does not import its caller. */
export type GpuErrorHandler = (c: Core, r: Run, kind: string, msg: string) => void;

export function teardown(c: Core): void {
  if (!c.run) return;
  c.run.unsubscribe();
  if (c.run.backend.kind === 'webgpu') c.run.backend.gpu.device.destroy();
  c.run = null;
}

/** recovering: the status to show meanwhile (at the lost step, so the page does not take it for a reset). */
export async function init(c: Core, cmd: InitCommand, gen: number, onGpuError: GpuErrorHandler, recovering?: { step: number; message: string }): Promise<void> {
  if (gen !== c.generation) throw new Cancelled(); // a later init is queued behind this one
  teardown(c);
  const cfg = cmd.config;
  if (recovering) status(c, 'pretraining', recovering.message, { step: recovering.step });
  else status(c, 'pretraining', cmd.weights ? 'loading the given weights' : `pretraining the base model (${cfg.corpus.pretrainSteps} steps)`);
  const backend = await c.makeBackend(cfg, cmd.prefer ?? 'auto');
  let r: Run;
  try {
    r = await build(c, backend, cfg, cmd, gen);
  } catch (e) {
    if (backend.kind === 'webgpu') backend.gpu.device.destroy();
    throw e;
  }
  if (backend.kind === 'webgpu') r.unsubscribe = backend.gpu.subscribe((e) => onGpuError(c, r, e.kind, e.message));
  c.run = r;
  c.snapshot = cmd.resume ? copyState(cmd.resume) : baseState(r);
  c.reported = c.snapshot.step;
  c.armed.clear();
  if (cmd.resume) {
    // the saved run already has its step-0 evaluation; a second would only repeat it
    status(c, 'paused', `resumed after ${cmd.resume.step} step${cmd.resume.step === 1 ? '' : 's'}`);
    return;
  }
  status(c, 'ready', cmd.weights ? 'ready: GRPO from the given weights' : 'ready: base model pretrained');
  await evaluateBase(c, r);
}

/** DESIGN §6: the base model's rates at step 0, so "emergence" is a comparison, not a claim. */
export async function evaluateBase(c: Core, r: Run): Promise<void> {
  c.post({ type: 'evaluation', v, step: 0, result: await evaluate(r.ev, r.model) });
}

/** The build step: the one place the backend's kind meets its tensor handles, which from here on are opaque. */
async function build(c: Core, backend: Backend, cfg: RunConfig, cmd: InitCommand, gen: number): Promise<Run> {
  const ops: Ops<unknown, unknown> = backend.ops;
  const dec: DecodeOps<unknown, unknown> = backend.decode;
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
    await pretrainBase(c, backend, ops, model, gen);
  }
  // R1's cold start (train/pipeline.ts), not on resume: a resumed run's weights are its saved base, already cold-started
  if (cfg.pipeline.coldStartSteps > 0 && !cmd.resume) await coldStartStage(c, backend, ops, model, gen);
  // distillation (pipeline.ts), after any cold start and likewise not on resume
  if (cfg.pipeline.teacher !== 'none' && !cmd.resume) {
    if (!cmd.teacher) throw new Error(`pipeline.teacher is ${cfg.pipeline.teacher}, but init carried no teacher weights (the page fetches public/${cfg.pipeline.teacher}.safetensors)`);
    const t = cmd.teacher;
    await sftStage(c, backend, model, gen, 'distill', cfg.pipeline.distillSteps, (cb) => distillStage(ops, dec, model, t, cb));
  }
  // the GRPO start: what reset returns to and the KL reference (after a cold start, the cold-started policy)
  const base = {
    params: new Float32Array(await ops.read(model.params)),
    routerBias: new Float32Array(await ops.read(model.routerBias)),
  };
  const tr = createGrpoTrainer(ops, dec, model, c.opts.faults ? faultHooks(c, ops) : {});
  // after the trainer: it snapshots the base as its reference and zeroes the moments this overwrites
  if (cmd.resume) resumeInto(ops, model, tr, cmd.resume);
  const ev = createEvaluator(ops, dec, model);
  return { backend, cfg, ops, dec, model, tr, ev, base, tokenState: null, probeActs: null, unsubscribe: () => undefined };
}

async function pretrainBase(c: Core, backend: Backend, ops: Ops<unknown, unknown>, model: Model<unknown>, gen: number): Promise<void> {
  const total = model.cfg.corpus.pretrainSteps;
  const every = Math.max(1, Math.floor(total / (c.opts.pretrainReports ?? 20)));
  ops.write(model.params, initParams(model.cfg, model.table));
  const pt = createPretrainer(ops, model, { heldOutEvery: every * 5 });
  while (pt.step < total) {
    const m = await pretrainStep(pt);
    if (gen !== c.generation) throw new Cancelled();
    if (pt.step % every === 0 || pt.step === total) {
      const held = m.heldOutLoss !== undefined ? `, held-out ${m.heldOutLoss.toFixed(3)}` : '';
      c.post({
        type: 'status', v, state: 'pretraining', step: 0, backend: backend.kind, backendLabel: backend.label,
        message: `pretraining ${pt.step}/${total}: loss ${m.loss.toFixed(3)}${held}`, pretrain: { metrics: m, total },
      });
      await c.yieldToEvents();
      if (gen !== c.generation) throw new Cancelled();
    }
  }
}

async function coldStartStage(c: Core, backend: Backend, ops: Ops<unknown, unknown>, model: Model<unknown>, gen: number): Promise<void> {
  await sftStage(c, backend, model, gen, 'cold start', model.cfg.pipeline.coldStartSteps, (cb) => coldStart(ops, model, cb));
}

/** A stage before GRPO step 0: its SFT steps as pretraining-like status lines, then its `stage` event. */
async function sftStage(c: Core, backend: Backend, model: Model<unknown>, gen: number, what: string, total: number, run: (cb: StageCallbacks) => Promise<StageReport>): Promise<void> {
  const every = Math.max(1, Math.floor(total / (c.opts.pretrainReports ?? 20)));
  const say = (message: string, pretrain?: { metrics: PretrainMetrics; total: number }) => c.post({
    type: 'status', v, state: 'pretraining', step: 0, backend: backend.kind, backendLabel: backend.label, message, ...(pretrain ? { pretrain } : {}),
  });
  c.activity = `running the ${what} stage`;
  const report = await run({
    onPhase: (phase) => { if (phase === 'sampling') say(`${what}: sampling ${model.cfg.pipeline.rejectionPrompts} prompts x ${model.cfg.pipeline.rejectionSamples} from ${model.cfg.pipeline.teacher}`); },
    onStep: (m, n) => {
      if ((m.step + 1) % every !== 0 && m.step + 1 !== n) return;
      say(`${what} ${m.step + 1}/${n}: loss ${m.loss.toFixed(3)}`, { metrics: m, total: n });
    },
  });
  c.activity = null;
  if (gen !== c.generation) throw new Cancelled();
  c.post({ type: 'stage', v, report });
}

export async function reset(c: Core, r: Run): Promise<void> {
  // In place rather than a new trainer: the reference already holds the base, and GPU buffers are never freed.
  const { ops, model, tr } = r;
  ops.write(model.params, r.base.params);
  ops.write(model.routerBias, r.base.routerBias);
  ops.zero(model.m);
  ops.zero(model.v);
  model.step = 0;
  tr.step = 0;
  c.reported = 0;
  c.armed.clear();
  c.snapshot = baseState(r);
  status(c, 'ready', 'reset to the base model');
  await evaluateBase(c, r);
}

export async function setLive(c: Core, r: Run, cmd: SetLiveCommand): Promise<void> {
  // parseCommand checked each value alone; the whole config must still train
  const next = cloneConfig(r.cfg);
  for (const [path, x] of Object.entries(cmd.values)) setPath(next, path, x);
  const errs = trainConfigErrors(next);
  if (errs.length > 0) throw new Error(errs.map((e) => e.message).join('; '));
  // In place: the model, trainer, reference and evaluator all read this one object at each step.
  for (const cfg of new Set<RunConfig>([r.cfg, r.model.cfg, r.tr.cfg])) {
    for (const [path, x] of Object.entries(cmd.values)) setPath(cfg, path, x);
  }
  const what = Object.entries(cmd.values).map(([p, x]) => `${p} = ${String(x)}`).join(', ');
  status(c, c.state, `${what} from step ${r.tr.step}`);
}
