// R1's four-stage recipe as a pipeline (issue 17 item 4):
//
//   1. cold start      SFT on a few hundred long, readable, right traces of the
//                      corpus's search style (countdown; arithmetic: stepwise),
//                      before GRPO step 0
//   2. GRPO            steps 0 .. rl1Steps-1, the reward optionally with the
//                      consistency term (grpo.consistencyWeight)
//   3. rejection SFT   after the GRPO step that leaves rl1Steps steps taken:
//                      K samples of each of `rejectionPrompts` train prompts
//                      from the current policy (rejection.ts, the readability
//                      filter optional), then SFT (sft.ts) on the kept ones
//   4. GRPO            steps rl1Steps .. on, the same trainer
//
// and distillation (issue 17 item 3), before GRPO step 0 after any cold start:
// a shipped teacher (pipeline.teacher, its own model config) samples K
// completions of the first `rejectionPrompts` train prompts, and the run's
// model (the student, of any shape) takes `distillSteps` SFT steps on the
// kept ones. Its sampling and SFT are npm run distill's (distill.ts): the same
// prompts, streams and seeds, so a run of seed s reproduces distill-s<s>.
//
// Every stage is a pure function of the config: where the stages sit
// (stageMarkers) needs nothing else, so a link or a saved run reproduces them,
// and the GRPO step stays the x axis (a stage takes no GRPO step).
//
// What an SFT stage does to GRPO's state, decided here:
// - AdamW moments and the step count are zeroed before each SFT stage and again
//   after it: GRPO's moments were for another loss and scale, and SFT's for its
//   own (createGrpoTrainer resets them at GRPO's start for the same reason).
// - The KL reference stays the policy at GRPO step 0 (after the cold start) for
//   the whole run. R1 restarts RL from a new checkpoint, which would move the
//   reference to the SFT'd policy; here that reference would be a third copy of
//   the weights outside the run's state (ResumeState holds weights, moments and
//   the base), so a resumed, recovered or reset run could not rebuild it. With
//   beta = 0.001 the KL is a light leash either way; after the rejection stage
//   the charted KL includes what the SFT moved.
// - The learning-rate schedule goes on by the GRPO step: no second warmup.
// - The prompts of stage 4 are those of its steps (sampleTrainProblem of
//   step*B ..), so stages 2 and 4 never share a prompt; the rejection stage
//   samples train prompts 0 .. rejectionPrompts-1, some of which stage 2 saw
//   (as R1's stage 3 samples its RL prompts).

import { KNOBS, type RunConfig } from '../core/config';
import { Rng, STREAM } from '../core/rng';
import { encode } from '../core/tokenizer';
import { createModel, type Model } from '../model/model';
import type { DecodeOps } from '../ops/decode';
import type { Ops } from '../ops/ops';
import { traceOf, type CorpusStyle, type PromptCompletion } from '../tasks/corpus';
import { DRAWS_PER_ITEM, drawTrainProblem, sampleTrainProblem } from '../tasks/split';
import { parseCompletion } from '../tasks/format';
import type { GrpoTrainer } from './grpo';
import type { PretrainMetrics } from './pretrain';
import { rejectionExamples, rejectionSample, summarizeRejection, type RejectionResult } from './rejection';
import { sft } from './sft';
import { rejectionDue, type StageReport, type StageTrace, type TeacherWeights } from './stages';

export { rejectionDue, stageMarkers, STAGE_KINDS, type StageKind, type StageMarker, type StageReport, type StageTrace, type TeacherWeights } from './stages';

/** The long, readable, right style of a family's corpus: countdown's search, arithmetic's stepwise. */
export function coldStartStyle(cfg: RunConfig): CorpusStyle {
  return cfg.task.family === 'countdown' ? 'search' : 'stepwise';
}

/** Cold-start trace i: a train problem and its trace, drawn from (seed, STREAM.coldStart, i * DRAWS_PER_ITEM). */
export function coldStartTraces(cfg: RunConfig, n = cfg.pipeline.coldStartTraces): PromptCompletion[] {
  const style = coldStartStyle(cfg);
  return Array.from({ length: n }, (_, i) => {
    const rng = new Rng(cfg.seed, STREAM.coldStart, i * DRAWS_PER_ITEM);
    const problem = drawTrainProblem(cfg.task, rng);
    return { prompt: problem.prompt, completion: traceOf(problem, style, rng) };
  });
}

/** A fresh optimizer: AdamW's moments and step count zeroed (see the header). */
export function resetOptimizer<F, I>(ops: Ops<F, I>, model: Model<F>): void {
  ops.zero(model.m);
  ops.zero(model.v);
  model.step = 0;
}

export interface StageCallbacks {
  /** Each SFT step's metrics (the session posts progress from it). */
  onStep?: (m: PretrainMetrics, total: number) => void | Promise<void>;
  /** When the rejection stage starts sampling and when it starts its SFT. */
  onPhase?: (phase: 'sampling' | 'sft') => void;
}

async function runSft<F, I>(ops: Ops<F, I>, model: Model<F>, examples: PromptCompletion[], steps: number, cb: StageCallbacks): Promise<{ report: StageReport['sft']; seconds: number }> {
  const t0 = performance.now();
  const lr = model.cfg.pipeline.sftLr;
  const rows = Math.min(examples.length, model.cfg.corpus.pretrainBatch);
  resetOptimizer(ops, model);
  const loss: number[] = [];
  let held: number | null = null;
  const ms = await sft(ops, model, examples, { steps, lr, rows }, (m) => {
    loss.push(m.loss);
    if (m.heldOutLoss !== undefined) held = m.heldOutLoss;
    void cb.onStep?.(m, steps);
  });
  resetOptimizer(ops, model);
  if (ms.length !== steps) throw new Error(`internal: SFT took ${ms.length} steps of ${steps}`);
  return { report: { examples: examples.length, steps, lr, rows, loss, heldOutLoss: held }, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The SFT of a sampling stage on what it kept. None kept (a policy or teacher
 * that never answers right and well formed): reported as 0 steps, the model
 * and its optimizer untouched.
 */
async function sftOnKept<F, I>(ops: Ops<F, I>, model: Model<F>, kept: PromptCompletion[], steps: number, cb: StageCallbacks): Promise<{ report: StageReport['sft']; seconds: number }> {
  if (kept.length === 0) return { report: { examples: 0, steps: 0, lr: model.cfg.pipeline.sftLr, rows: 0, loss: [], heldOutLoss: null }, seconds: 0 };
  cb.onPhase?.('sft');
  return runSft(ops, model, kept, steps, cb);
}

const traceOfExample = (e: PromptCompletion, tokens: number): StageTrace => ({ prompt: e.prompt, completion: e.completion, tokens, waits: parseCompletion(e.completion).waits, reason: null });

/** Stage 1: SFT of the model on the cold-start traces. Before the GRPO trainer is made (it snapshots the reference then). */
export async function coldStart<F, I>(ops: Ops<F, I>, model: Model<F>, cb: StageCallbacks = {}): Promise<StageReport> {
  const p = model.cfg.pipeline;
  if (!(p.coldStartSteps > 0)) throw new Error('cold start: pipeline.coldStartSteps is 0 (no cold start in this config)');
  const traces = coldStartTraces(model.cfg);
  const { report, seconds } = await runSft(ops, model, traces, p.coldStartSteps, cb);
  return {
    kind: 'coldStart', step: 0, rejection: null,
    examples: traces.slice(0, 4).map((t) => traceOfExample(t, encode(t.completion).length)),
    sft: report, seconds: { sampling: 0, sft: seconds },
  };
}

/** Stage 3: rejection sampling from the trainer's policy, SFT on the kept traces, the optimizer reset for stage 4. */
export async function rejectionStage<F, I>(tr: GrpoTrainer<F, I>, cb: StageCallbacks = {}): Promise<StageReport> {
  const { ops, dec, model, cfg } = tr;
  const p = cfg.pipeline;
  if (!rejectionDue(cfg, tr.step)) throw new Error(`rejection stage: due after ${p.rl1Steps} GRPO steps (pipeline.rl1Steps), but ${tr.step} were taken`);
  const t0 = performance.now();
  cb.onPhase?.('sampling');
  const problems = Array.from({ length: p.rejectionPrompts }, (_, i) => sampleTrainProblem(cfg, i));
  const rs = await rejectionSample(ops, dec as DecodeOps<F, I>, model, problems, {
    k: p.rejectionSamples, temperature: cfg.sampling.temperature, topK: cfg.sampling.topK, topP: cfg.sampling.topP,
    seed: cfg.seed, readable: p.rejectionReadable,
    // streams far from GRPO's (sampleStream(step)) and distill.ts's (0x8000): not a rollout the policy trained on
    streamBase: 0x9000,
  });
  const sampling = (performance.now() - t0) / 1000;
  const rows = Math.min(rs.kept.length, cfg.corpus.pretrainBatch);
  const { report, seconds } = await sftOnKept(ops, model, rs.kept, Math.ceil((p.rejectionSftEpochs * rs.kept.length) / Math.max(1, rows)), cb);
  return {
    kind: 'rejection', step: tr.step, rejection: rejectionCounts(rs, cfg, cfg.sampling.temperature),
    examples: rejectionExamples(rs), sft: report, seconds: { sampling, sft: seconds },
  };
}

function rejectionCounts(rs: RejectionResult, cfg: RunConfig, temperature: number): NonNullable<StageReport['rejection']> {
  const p = cfg.pipeline;
  return { k: p.rejectionSamples, prompts: p.rejectionPrompts, ...summarizeRejection(rs), readable: p.rejectionReadable, temperature };
}

const TASK_KNOBS = KNOBS.filter((k) => k.path.startsWith('task.')).map((k) => k.path.slice('task.'.length) as keyof RunConfig['task']);

/**
 * Why a teacher cannot teach this run, or null: another name than the
 * config's, another task (its answers would be judged against other problems;
 * the tokenizer is shared by every config), or weights its config does not fit.
 */
export function teacherProblem(cfg: RunConfig, t: TeacherWeights, table: { total: number; L: number; E: number }): string | null {
  if (t.name !== cfg.pipeline.teacher) return `the teacher's weights are ${t.name}, but pipeline.teacher is ${cfg.pipeline.teacher}`;
  const off = TASK_KNOBS.filter((k) => t.config.task[k] !== cfg.task[k]);
  if (off.length > 0) return `the teacher ${t.name} was trained on another task (${off.map((k) => `task.${k} ${String(t.config.task[k])}, this run ${String(cfg.task[k])}`).join('; ')}); pick a teacher of this task or set pipeline.teacher to none`;
  if (t.params.length !== table.total || t.routerBias.length !== table.L * table.E) {
    return `the teacher ${t.name} holds ${t.params.length} parameters and ${t.routerBias.length} router biases; its own config needs ${table.total} and ${table.L * table.E} (a damaged or mislabelled file)`;
  }
  return null;
}

/**
 * Distillation: the teacher samples, rejection sampling keeps the right and
 * well-formed traces, and the model (the student) is SFT'd on them, before the
 * GRPO trainer is made. As distill.ts: train prompts 0..n-1 of the student's
 * config, the teacher's sampling settings, streams from 0x8000, the SFT order
 * of the run's seed. Nothing kept: reported as such, no SFT.
 */
export async function distillStage<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, model: Model<F>, t: TeacherWeights, cb: StageCallbacks = {}): Promise<StageReport> {
  const cfg = model.cfg, p = cfg.pipeline;
  if (p.teacher === 'none') throw new Error('distill: pipeline.teacher is none (no distillation in this config)');
  // the teacher samples with the run's seed, as npm run distill's teacher does with --seed
  const teacher = createModel(ops, { ...t.config, seed: cfg.seed });
  const bad = teacherProblem(cfg, t, { total: teacher.table.total, L: teacher.dims.L, E: teacher.dims.E });
  if (bad) throw new Error(`distill: ${bad}`);
  ops.write(teacher.params, t.params);
  ops.write(teacher.routerBias, t.routerBias);
  const t0 = performance.now();
  cb.onPhase?.('sampling');
  const ts = t.config.sampling;
  const problems = Array.from({ length: p.rejectionPrompts }, (_, i) => sampleTrainProblem(cfg, i));
  const rs = await rejectionSample(ops, dec, teacher, problems, {
    k: p.rejectionSamples, temperature: ts.temperature, topK: ts.topK, topP: ts.topP, seed: cfg.seed, readable: p.rejectionReadable,
    streamBase: 0x8000, // distill.ts's
  });
  const sampling = (performance.now() - t0) / 1000;
  const sftPart = await sftOnKept(ops, model, rs.kept, p.distillSteps, cb);
  return {
    kind: 'distill', step: 0, teacher: { name: t.name, parameters: teacher.table.count },
    rejection: rejectionCounts(rs, cfg, ts.temperature), examples: rejectionExamples(rs),
    sft: sftPart.report, seconds: { sampling, sft: sftPart.seconds },
  };
}
