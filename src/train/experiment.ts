// The headless experiment (issue 4 item 5): a base model, N GRPO steps, and the
// numbers scripts read, measured at step 0 and at the end. Shared by Node (the
// CPU backend, scripts/experiment.ts) and a browser page (WebGPU,
// bench/experiment-page.ts), so it imports no node: module and no share/: the
// caller reads and decodes the base checkpoint and passes the weights in.
//
// Definitions of the reported numbers (ExperimentPoint):
// - heldoutAccuracy: greedy (temperature 0) accuracy on the fixed held-out set.
// - meanCompletionLength, reflectionRate, ahaRate: the held-out SAMPLED pass
//   (the run's temperature, fixed stream STREAM.evalSample): greedy decoding
//   of a tiny model almost never reflects, and the fixed stream makes step 0
//   and the final point differ only through the weights.
// - reward, kl: from the trainer's GRPO step metrics on that step's training
//   batch. step0 is GRPO step 0, whose rollout is the base model's (its KL is
//   0 by construction: the policy is the reference). final is the last step
//   (index N-1: its rollout saw N-1 updates, the evaluation after it sees N).
//   kl is 0 whenever beta = 0 (the trainer runs no reference forward).
//
// Config: QUICK_CONFIG when quick, else DEFAULT_CONFIG; the preset on top;
// then the seed. The base model does not depend on the seed: a shipped
// checkpoint is one fixed model, and the in-process pretraining fallback
// uses the base config's seed for the same reason.

import { KNOBS, matchingPreset, preset as applyPreset, setPath, DEFAULT_CONFIG, PRESET_NAMES, type PresetName, type RunConfig } from '../core/config';
import { parseConfig } from '../core/validate';
import type { Backend } from '../model/backend';
import type { DecodeOps } from '../ops/decode';
import type { Ops } from '../ops/ops';
import { createModel, type Model } from '../model/model';
import { initParams } from '../model/params';
import { wilson, type Rate } from '../core/stats';
import { createEvaluator, evaluate, type EvalPass, type EvalResult } from './evaluate';
import { createGrpoTrainer, grpoStep, type GrpoMetrics } from './grpo';
import { coldStart, distillStage, rejectionDue, rejectionStage, type StageReport, type TeacherWeights } from './pipeline';
import { createPretrainer, pretrain } from './pretrain';
import { QUICK_CONFIG } from './quick';

/** Base weights in the model's flat layouts, as a checkpoint decodes them. */
export interface BaseWeights {
  params: Float32Array; // (table.total) with buildParamTable's layout
  routerBias: Float32Array; // (L*E)
  /** Where they came from, for the progress line (a file name). */
  source: string;
  /** The config the checkpoint was pretrained with (its metadata), when known: its task and model must be the run's. */
  config?: RunConfig;
}

export interface ExperimentOptions {
  steps: number;
  seed: number;
  preset?: PresetName;
  quick: boolean;
  backend: Backend;
  /** The shipped checkpoint's weights; absent: pretrain in-process (and say so). */
  base?: BaseWeights;
  /** The distillation teacher, needed when the config's pipeline.teacher is not 'none' (the caller reads public/<name>.safetensors). */
  teacher?: TeacherWeights;
  /** Knob values applied after the preset and seed (`--set grpo.lr=5e-4`); validated like any config. */
  overrides?: Readonly<Record<string, number | string | boolean>>;
  /** Fallback pretraining steps; default the config's corpus.pretrainSteps (tests shorten it). */
  pretrainSteps?: number;
  /** Human-readable progress, one line per call. */
  onLine?: (line: string) => void;
}

export interface ExperimentPoint {
  heldoutAccuracy: number;
  meanCompletionLength: number;
  reflectionRate: number;
  ahaRate: number;
  reward: number;
  kl: number;
}

/** One evaluation pass summarised with 95% Wilson intervals on every rate. */
export interface PassSummary {
  accuracy: Rate;
  meanLength: number;
  meanLengthRight: number | null;
  meanLengthWrong: number | null;
  reflection: Rate;
  aha: Rate;
  verification: Rate;
  overthinking: Rate;
  /** Mean checked candidates per completion. */
  attempts: number;
  /** Well formed and ended; well formed, ended and readable (issue 17's readability). Absent in results made before. */
  wellFormed?: Rate;
  readable?: Rate;
}

/** The held-out evaluation after `step` GRPO updates, and that step's training numbers. */
export interface CurvePoint {
  step: number;
  greedy: PassSummary;
  sampled: PassSummary;
  /** kl and reward of GRPO step `step` (the rollout after `step` updates); null after the last step. */
  kl: number | null;
  reward: number | null;
  /** Mean wall seconds per GRPO step since the previous point. */
  secondsPerStep: number | null;
}

/** The contract of `npm run experiment`: these keys, in this order. */
export interface ExperimentResult {
  step0: ExperimentPoint;
  final: ExperimentPoint;
  steps: number;
  seed: number;
  /** The --preset applied, else the preset the config matches, else null. */
  preset: PresetName | null;
  backend: 'cpu' | 'webgpu';
  /** The GPU's name, or "CPU, WebAssembly SIMD engine (reason)" / "CPU reference (reason)" by the CPU engine. */
  adapter: string;
  /** The whole run: base model, evaluations and steps. */
  wallSeconds: number;
  /** Held-out evaluations at step 0, every grpo.evalEvery steps and the end, with intervals. */
  curve: CurvePoint[];
  /** Problems in the evaluation set (heldOutSize, or the whole held-out population when smaller). */
  evalProblems: number;
  /**
   * The pipeline's stages (issue 17; [] for R1-Zero), each with the held-out
   * evaluation just before and just after it: the cold start's `before` is the
   * base, its `after` the curve's step 0; the rejection stage's `before` is the
   * policy after rl1Steps GRPO steps, its `after` the curve point at rl1Steps
   * when one falls there.
   */
  stages: { report: StageReport; before: { greedy: PassSummary; sampled: PassSummary }; after: { greedy: PassSummary; sampled: PassSummary }; wallSeconds: number }[];
}

const nn = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);

export function summarisePass(p: EvalPass): PassSummary {
  const c = p.counts!;
  return {
    accuracy: wilson(p.right!, c.n),
    meanLength: p.meanLength,
    meanLengthRight: nn(p.meanLengthRight),
    meanLengthWrong: nn(p.meanLengthWrong),
    reflection: wilson(c.reflection, c.n),
    aha: wilson(c.aha, c.n),
    verification: wilson(c.verification, c.n),
    overthinking: wilson(c.overthinking, c.n),
    attempts: c.n ? c.attempts / c.n : 0,
    ...(p.wellFormed === undefined ? {} : { wellFormed: wilson(p.wellFormed, c.n) }),
    ...(p.readable === undefined ? {} : { readable: wilson(p.readable, c.n) }),
  };
}

export function isPresetName(s: string): s is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(s);
}

/**
 * QUICK_CONFIG or DEFAULT_CONFIG, the preset on top, then the seed, then the
 * overrides; throws ConfigValidationError naming an unknown knob or a bad value.
 */
export function experimentConfig(quick: boolean, seed: number, presetName?: PresetName, overrides: Readonly<Record<string, number | string | boolean>> = {}): RunConfig {
  const base = quick ? QUICK_CONFIG : DEFAULT_CONFIG;
  const cfg = presetName ? applyPreset(presetName, base) : structuredClone(base);
  cfg.seed = seed;
  for (const [path, value] of Object.entries(overrides)) {
    if (!KNOBS.some((k) => k.path === path)) throw new Error(`experiment: no knob ${JSON.stringify(path)} (known: ${KNOBS.map((k) => k.path).join(', ')})`);
    setPath(cfg, path, value);
  }
  return parseConfig(cfg, base);
}

/** The shipped checkpoint's file name (under public/) for this run: the preset's own base where it has one. */
export function baseCheckpointName(quick: boolean, presetName?: PresetName): string {
  if (quick) return 'base-quick.safetensors';
  if (presetName === 'Dense student (Countdown)' || presetName === 'Distilled student (Countdown)') return 'student-countdown-dense.safetensors';
  // every other preset sets only GRPO knobs, so it runs on DEFAULT_CONFIG's task: countdown
  return presetName === 'R1-Zero (Arithmetic)' ? 'base.safetensors' : 'base-countdown-long.safetensors';
}

function point(ev: EvalResult, m: GrpoMetrics): ExperimentPoint {
  return {
    heldoutAccuracy: ev.greedy.accuracy,
    meanCompletionLength: ev.sampled.meanLength,
    reflectionRate: ev.sampled.aha.reflection,
    ahaRate: ev.sampled.aha.aha,
    reward: m.reward,
    kl: m.kl,
  };
}

/** Flat objects with the same keys and values, in any key order. */
function sameFields(a: object, b: object): boolean {
  const ea = Object.entries(a), rb = b as Record<string, unknown>;
  return ea.length === Object.keys(b).length && ea.every(([k, v]) => rb[k] === v);
}

async function loadBase<F, I>(ops: Ops<F, I>, model: Model<F>, opts: ExperimentOptions, baseSeedCfg: RunConfig, say: (s: string) => void): Promise<void> {
  const { L, E } = model.dims;
  if (opts.base) {
    const { params, routerBias, source, config } = opts.base;
    for (const part of ['task', 'model'] as const) {
      if (config && !sameFields(config[part], model.cfg[part])) {
        throw new Error(`experiment: the base checkpoint ${source} was pretrained with ${part} ${JSON.stringify(config[part])}; this run's is ${JSON.stringify(model.cfg[part])}`);
      }
    }
    if (params.length !== model.table.total || routerBias.length !== L * E) {
      throw new Error(`experiment: the base checkpoint ${source} holds ${params.length} parameters and ${routerBias.length} router biases; ` +
        `this config needs ${model.table.total} and ${L * E} (a checkpoint of another model shape)`);
    }
    ops.write(model.params, params);
    ops.write(model.routerBias, routerBias);
    say(`base: ${source}`);
    return;
  }
  // No checkpoint: pretrain the same base model in-process, with the base config's seed.
  const steps = opts.pretrainSteps ?? baseSeedCfg.corpus.pretrainSteps;
  const pcfg: RunConfig = { ...model.cfg, seed: baseSeedCfg.seed, corpus: { ...model.cfg.corpus, pretrainSteps: steps } };
  const pmodel = createModel(ops, pcfg);
  ops.write(pmodel.params, initParams(pcfg, pmodel.table));
  say(`base: no checkpoint ${baseCheckpointName(opts.quick)}; pretraining in-process (${steps} steps, seed ${pcfg.seed})`);
  const t0 = performance.now();
  const ms = await pretrain(createPretrainer(ops, pmodel, { heldOutEvery: Math.max(1, steps) }), (m) => {
    if ((m.step + 1) % 100 === 0) say(`pretrain ${m.step + 1}/${steps} loss ${m.loss.toFixed(3)}`);
  });
  const last = ms[ms.length - 1];
  say(`pretrained in ${((performance.now() - t0) / 1000).toFixed(1)} s` + (last?.heldOutLoss !== undefined ? `, held-out loss ${last.heldOutLoss.toFixed(3)}` : ''));
  ops.copy(model.params, pmodel.params, model.table.total);
  ops.copy(model.routerBias, pmodel.routerBias, L * E);
}

const f = (x: number, d = 3) => x.toFixed(d);

/** Base model -> evaluation -> N GRPO steps -> evaluation; the numbers of the contract. */
export async function runExperiment(opts: ExperimentOptions): Promise<ExperimentResult> {
  const t0 = performance.now();
  const say = opts.onLine ?? (() => {});
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new Error(`experiment: steps = ${opts.steps}: need an integer >= 1 (step 0's reward comes from the first GRPO step)`);
  const cfg = experimentConfig(opts.quick, opts.seed, opts.preset, opts.overrides);
  const b = opts.backend;
  const set = Object.entries(opts.overrides ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
  say(`config: ${opts.quick ? 'quick' : 'default'}${opts.preset ? `, preset ${opts.preset}` : ''}${set ? `, ${set}` : ''}, seed ${cfg.seed}, ${opts.steps} steps; backend ${b.kind} (${b.label})`);
  // the union's two arms differ only in their tensor types; run is generic over them
  return b.kind === 'webgpu' ? run(b.ops, b.decode, b, cfg, opts, say, t0) : run(b.ops, b.decode, b, cfg, opts, say, t0);
}

async function run<F, I>(
  ops: Ops<F, I>,
  dec: DecodeOps<F, I>,
  b: Backend,
  cfg: RunConfig,
  opts: ExperimentOptions,
  say: (s: string) => void,
  t0: number,
): Promise<ExperimentResult> {
  const model = createModel(ops, cfg);
  await loadBase(ops, model, opts, opts.quick ? QUICK_CONFIG : DEFAULT_CONFIG, say);
  const ev = createEvaluator(ops, dec, model);
  const stages: ExperimentResult['stages'] = [];
  const both = (e: EvalResult) => ({ greedy: summarisePass(e.greedy), sampled: summarisePass(e.sampled) });
  const sayEval = (what: string, e: EvalResult) => say(`${what} held-out: greedy ${f(e.greedy.accuracy)}, sampled ${f(e.sampled.accuracy)}, length ${f(e.sampled.meanLength, 1)}, ` +
    `reflection ${f(e.sampled.aha.reflection)}, aha ${f(e.sampled.aha.aha)}, readable ${f((e.sampled.readable ?? 0) / e.problems)}`);
  const sayStage = (r: StageReport) => say(`${r.kind} stage before step ${r.step}: ` +
    (r.rejection ? `${r.rejection.sampled} samples, kept ${r.rejection.kept}, dropped ${Object.entries(r.rejection.dropped).map(([k, n]) => `${k} ${n}`).join(', ')}, ${r.rejection.promptsCovered} prompts covered; ` : '') +
    (r.sft.steps > 0 ? `SFT ${r.sft.steps} steps on ${r.sft.examples} examples, loss ${f(r.sft.loss[0]!)} -> ${f(r.sft.loss[r.sft.loss.length - 1]!)}` : 'no SFT (nothing kept)') + `; ${f(r.seconds.sampling + r.seconds.sft, 1)} s`);
  let before0: EvalResult | null = null;
  if (cfg.pipeline.coldStartSteps > 0) {
    const t = performance.now();
    const base = await evaluate(ev, model);
    sayEval('base (before the cold start)', base);
    const report = await coldStart(ops, model);
    sayStage(report);
    before0 = await evaluate(ev, model);
    stages.push({ report, before: both(base), after: both(before0), wallSeconds: (performance.now() - t) / 1000 });
  }
  if (cfg.pipeline.teacher !== 'none') {
    if (!opts.teacher) throw new Error(`experiment: pipeline.teacher is ${cfg.pipeline.teacher}, but no teacher weights were given`);
    const t = performance.now();
    const base = before0 ?? await evaluate(ev, model);
    sayEval(before0 ? 'after the cold start (before distillation)' : 'base (before distillation)', base);
    const report = await distillStage(ops, dec, model, opts.teacher);
    sayStage(report);
    before0 = await evaluate(ev, model);
    stages.push({ report, before: both(base), after: both(before0), wallSeconds: (performance.now() - t) / 1000 });
  }
  // after the cold start: the trainer snapshots the GRPO start as its KL reference
  const tr = createGrpoTrainer(ops, dec, model);
  const curve: CurvePoint[] = [];
  let lastMark = performance.now(), lastStep = 0;
  const mark = (step: number, e: EvalResult, m: GrpoMetrics | null, spent: number) => {
    curve.push({
      step, greedy: summarisePass(e.greedy), sampled: summarisePass(e.sampled),
      kl: m ? m.kl : null, reward: m ? m.reward : null,
      secondsPerStep: step > lastStep ? spent / (step - lastStep) / 1000 : null,
    });
    lastStep = step;
  };
  const before = before0 ?? await evaluate(ev, model);
  say(`step 0 held-out: greedy ${f(before.greedy.accuracy)}, sampled ${f(before.sampled.accuracy)}, length ${f(before.sampled.meanLength, 1)}, ` +
    `reflection ${f(before.sampled.aha.reflection)}, aha ${f(before.sampled.aha.aha)}`);
  let first: GrpoMetrics | null = null, last: GrpoMetrics | null = null;
  let stepMs = 0;
  for (let s = 0; s < opts.steps; s++) {
    const { metrics: m } = await grpoStep(tr);
    first ??= m;
    last = m;
    stepMs += m.stepTime;
    say(`step ${s + 1}/${opts.steps} reward ${f(m.reward)} format ${f(m.rewards.format)} acc ${f(m.rewards.accuracy)} kl ${f(m.kl, 5)} ` +
      `length ${f(m.completionLength.mean, 1)} aha ${f(m.aha.aha)} ${f(m.stepTime / 1000, 2)} s`);
    if (s === 0) mark(0, before, m, 0);
    let afterStage: EvalResult | null = null;
    if (rejectionDue(cfg, s + 1) && s + 1 < opts.steps) {
      const t = performance.now();
      const pre = await evaluate(ev, model);
      sayEval(`step ${s + 1} (before the rejection stage)`, pre);
      const report = await rejectionStage(tr);
      sayStage(report);
      afterStage = await evaluate(ev, model);
      stages.push({ report, before: both(pre), after: both(afterStage), wallSeconds: (performance.now() - t) / 1000 });
      sayEval(`step ${s + 1} (after the rejection stage)`, afterStage);
      lastMark += performance.now() - t; // s/step stays GRPO's: the stage's time is its own (stages[].wallSeconds)
    }
    if ((s + 1) % cfg.grpo.evalEvery === 0 && s + 1 < opts.steps) {
      const spent = performance.now() - lastMark;
      const e = afterStage ?? await evaluate(ev, model);
      lastMark = performance.now();
      mark(s + 1, e, null, spent);
      say(`step ${s + 1} held-out: greedy ${f(e.greedy.accuracy)}, sampled ${f(e.sampled.accuracy)}, length ${f(e.sampled.meanLength, 1)}, ` +
        `reflection ${f(e.sampled.aha.reflection)}, aha ${f(e.sampled.aha.aha)}, attempts ${f(e.sampled.counts!.attempts / e.sampled.counts!.n, 2)}`);
    } else if (curve.length > 0 && curve[curve.length - 1]!.step === s && curve[curve.length - 1]!.kl === null) {
      // step s's rollout comes from the weights the evaluation after s updates saw: its kl and reward belong to that point
      curve[curve.length - 1]!.kl = m.kl;
      curve[curve.length - 1]!.reward = m.reward;
    }
  }
  const spentLast = performance.now() - lastMark;
  const after = await evaluate(ev, model);
  mark(opts.steps, after, null, spentLast);
  say(`step ${opts.steps} held-out: greedy ${f(after.greedy.accuracy)}, sampled ${f(after.sampled.accuracy)}, length ${f(after.sampled.meanLength, 1)}, ` +
    `reflection ${f(after.sampled.aha.reflection)}, aha ${f(after.sampled.aha.aha)}; ${f(stepMs / opts.steps / 1000, 2)} s per GRPO step`);
  return {
    step0: point(before, first!),
    final: point(after, last!),
    steps: opts.steps,
    seed: cfg.seed,
    preset: opts.preset ?? matchingPreset(cfg),
    backend: b.kind,
    adapter: b.kind === 'webgpu' ? b.label : b.engine === 'wasm' ? `CPU, WebAssembly SIMD engine (${b.reason})` : `CPU reference (${b.reason})`,
    wallSeconds: (performance.now() - t0) / 1000,
    curve,
    evalProblems: before.problems,
    stages,
  };
}
