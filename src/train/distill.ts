// Distillation into a small dense student (issue 17 item 3; R1 §2.4): the
// teacher's rejection-sampled traces (rejection.ts) fine-tune a student by
// plain SFT (sft.ts), no RL; the student is then evaluated on the held-out
// set exactly as an experiment is (evaluate.ts, summarisePass's Wilson
// intervals). Optionally the teacher first takes `teacherGrpoSteps` GRPO
// steps from its checkpoint (an RL'd teacher, as R1 is), and the caller may
// save those weights (onTeacher) to reuse them across seeds.
//
// Like experiment.ts it imports no node: module and no share/: the caller
// decodes the checkpoints and passes the weights in. Both models must share
// the task and the tokenizer; their model sections may differ (that is the
// point), and the student's task is checked against the teacher's.
//
// Budget: the teacher's samples are prompts * k. The comparison arm (GRPO on
// the student from its own base, `npm run experiment`) gets the same number
// of samples when its steps = prompts * k / (batchPrompts * groupSize).

import type { RunConfig } from '../core/config';
import type { Backend } from '../model/backend';
import { createModel, type Model } from '../model/model';
import type { DecodeOps } from '../ops/decode';
import type { Ops } from '../ops/ops';
import { sampleTrainProblem } from '../tasks/split';
import { createEvaluator, evaluate, type EvalResult } from './evaluate';
import { summarisePass, type BaseWeights, type PassSummary } from './experiment';
import { createGrpoTrainer, grpoStep } from './grpo';
import { DROP_REASONS, rejectionExamples, rejectionSample, summarizeRejection, type RejectionResult, type RejectionSummary, type TraceExample } from './rejection';
import { sft } from './sft';

export interface Weights extends BaseWeights {
  /** The checkpoint's config: the model shape and task to build it with (required here). */
  config: RunConfig;
}

export interface DistillOptions {
  backend: Backend;
  teacher: Weights;
  student: Weights;
  /** GRPO steps the teacher takes before sampling (its checkpoint config's GRPO settings); 0 = sample from it as it is. */
  teacherGrpoSteps: number;
  /** Completions sampled per training prompt. */
  k: number;
  /** Training prompts: train problems 0 .. prompts-1 of the student's config (sampleTrainProblem). */
  prompts: number;
  /** SFT steps and learning rate of the student. */
  sftSteps: number;
  sftLr: number;
  sftRows?: number;
  /** Seeds the teacher's GRPO, the sampling and the SFT order; the evaluation set is fixed (its own seed). */
  seed: number;
  /** Sampling temperature of the traces; default the teacher config's. */
  temperature?: number;
  /** Readability filter (rejection.ts). */
  maxWaits?: number;
  readable?: boolean;
  /** Evaluate the teacher too (after its GRPO steps); default true. */
  evalTeacher?: boolean;
  /** Receives the teacher's weights after its GRPO steps (when it took any). */
  onTeacher?: (params: Float32Array, routerBias: Float32Array, cfg: RunConfig) => void;
  onLine?: (line: string) => void;
}

export interface EvalSummary {
  greedy: PassSummary;
  sampled: PassSummary;
}

/** The `npm run distill` JSON contract. */
export interface DistillResult {
  seed: number;
  teacher: { source: string; parameters: number; grpoSteps: number; eval: EvalSummary | null };
  student: { source: string; parameters: number; model: RunConfig['model'] };
  rejection: RejectionSummary & {
    k: number; prompts: number;
    temperature: number; maxWaits: number | null; readable: boolean;
    /** A few kept and dropped traces, for reading (tokens and waits absent in files written before they were recorded). */
    examples: TraceExample[];
  };
  sft: { steps: number; lr: number; rows: number; firstLoss: number; lastLoss: number; heldOutLoss: number | null };
  /** The student's held-out evaluation before (its base) and after SFT. */
  before: EvalSummary;
  after: EvalSummary;
  evalProblems: number;
  adapter: string;
  wallSeconds: { teacherGrpo: number; sampling: number; sft: number; total: number };
}

const summary = (e: EvalResult): EvalSummary => ({ greedy: summarisePass(e.greedy), sampled: summarisePass(e.sampled) });
const f = (x: number, d = 3) => x.toFixed(d);
const pct = (r: { rate: number; lo: number; hi: number }) => `${(100 * r.rate).toFixed(1)}% [${(100 * r.lo).toFixed(1)}, ${(100 * r.hi).toFixed(1)}]`;

function sameFields(a: object, b: object): boolean {
  const ea = Object.entries(a), rb = b as Record<string, unknown>;
  return ea.length === Object.keys(b).length && ea.every(([k, v]) => rb[k] === v);
}

function load<F, I>(ops: Ops<F, I>, w: Weights, seed: number, who: string): Model<F> {
  const model = createModel(ops, { ...w.config, seed });
  if (w.params.length !== model.table.total || w.routerBias.length !== model.dims.L * model.dims.E) {
    throw new Error(`distill: the ${who} ${w.source} holds ${w.params.length} parameters and ${w.routerBias.length} router biases; its config needs ${model.table.total} and ${model.dims.L * model.dims.E}`);
  }
  ops.write(model.params, w.params);
  ops.write(model.routerBias, w.routerBias);
  return model;
}

/** Teacher (optionally GRPO'd) -> rejection-sampled traces -> SFT of the student -> held-out evaluation before and after. */
export async function runDistill(opts: DistillOptions): Promise<DistillResult> {
  for (const [name, v, min] of [['k', opts.k, 1], ['prompts', opts.prompts, 1], ['sftSteps', opts.sftSteps, 1], ['teacherGrpoSteps', opts.teacherGrpoSteps, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`distill: ${name} = ${v}: need an integer >= ${min}`);
  }
  if (!sameFields(opts.teacher.config.task, opts.student.config.task)) {
    throw new Error(`distill: the teacher ${opts.teacher.source} was trained on task ${JSON.stringify(opts.teacher.config.task)}, the student ${opts.student.source} on ${JSON.stringify(opts.student.config.task)}`);
  }
  const b = opts.backend;
  return b.kind === 'webgpu' ? go(b.ops, b.decode, b, opts) : go(b.ops, b.decode, b, opts);
}

async function go<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, b: Backend, opts: DistillOptions): Promise<DistillResult> {
  const t0 = performance.now();
  const say = opts.onLine ?? (() => {});
  const teacher = load(ops, opts.teacher, opts.seed, 'teacher');
  const student = load(ops, opts.student, opts.seed, 'student');
  say(`teacher ${opts.teacher.source} (${teacher.table.count} parameters), student ${opts.student.source} (${student.table.count} parameters), seed ${opts.seed}; backend ${b.label}`);

  // 1. the teacher's own GRPO steps, when asked
  let tg = performance.now();
  if (opts.teacherGrpoSteps > 0) {
    const tr = createGrpoTrainer(ops, dec, teacher);
    for (let s = 0; s < opts.teacherGrpoSteps; s++) {
      const { metrics: m } = await grpoStep(tr);
      if ((s + 1) % 10 === 0 || s + 1 === opts.teacherGrpoSteps) {
        say(`teacher GRPO ${s + 1}/${opts.teacherGrpoSteps} reward ${f(m.reward)} acc ${f(m.rewards.accuracy)} length ${f(m.completionLength.mean, 1)} ${f(m.stepTime / 1000, 2)} s`);
      }
    }
    opts.onTeacher?.(Float32Array.from(await ops.read(teacher.params)), Float32Array.from(await ops.read(teacher.routerBias)), teacher.cfg);
  }
  const teacherGrpoSeconds = (performance.now() - tg) / 1000;
  let teacherEval: EvalSummary | null = null;
  if (opts.evalTeacher ?? true) {
    teacherEval = summary(await evaluate(createEvaluator(ops, dec, teacher), teacher));
    say(`teacher held-out: greedy ${pct(teacherEval.greedy.accuracy)}, sampled ${pct(teacherEval.sampled.accuracy)}, reflection ${pct(teacherEval.sampled.reflection)}`);
  }

  // 2. rejection sampling from the teacher on the student's train prompts
  const ts = performance.now();
  const temperature = opts.temperature ?? teacher.cfg.sampling.temperature;
  const problems = Array.from({ length: opts.prompts }, (_, i) => sampleTrainProblem(student.cfg, i));
  const rs: RejectionResult = await rejectionSample(ops, dec, teacher, problems, {
    k: opts.k, temperature, topK: teacher.cfg.sampling.topK, topP: teacher.cfg.sampling.topP, seed: opts.seed,
    maxWaits: opts.maxWaits, readable: opts.readable,
    // streams far from GRPO's (sampleStream(step) for steps 0, 1, ...), so the traces are not the teacher's GRPO rollouts
    streamBase: 0x8000,
  });
  const samplingSeconds = (performance.now() - ts) / 1000;
  say(`rejection sampling: ${rs.sampled} samples (${opts.prompts} prompts x ${opts.k}), kept ${rs.counts.kept}, dropped ${DROP_REASONS.map((r) => `${r} ${rs.counts[r]}`).join(', ')}; ` +
    `${rs.promptsCovered} prompts covered; ${f(samplingSeconds, 1)} s`);
  if (rs.kept.length === 0) throw new Error('distill: rejection sampling kept no trace; nothing to fine-tune the student on');

  // 3. the student: evaluated, SFT'd on the kept traces, evaluated again
  const ev = createEvaluator(ops, dec, student);
  const before = summary(await evaluate(ev, student));
  say(`student base held-out: greedy ${pct(before.greedy.accuracy)}, sampled ${pct(before.sampled.accuracy)}`);
  const sftT0 = performance.now();
  const rows = opts.sftRows ?? Math.min(rs.kept.length, student.cfg.corpus.pretrainBatch);
  const every = Math.max(1, Math.round(opts.sftSteps / 10));
  const ms = await sft(ops, student, rs.kept, { steps: opts.sftSteps, lr: opts.sftLr, rows, seed: opts.seed }, (m) => {
    if ((m.step + 1) % every === 0) say(`sft ${m.step + 1}/${opts.sftSteps} loss ${f(m.loss)}${m.heldOutLoss !== undefined ? ` held-out corpus loss ${f(m.heldOutLoss)}` : ''}`);
  });
  const sftSeconds = (performance.now() - sftT0) / 1000;
  const afterEv = await evaluate(ev, student);
  const after = summary(afterEv);
  say(`student after SFT held-out: greedy ${pct(after.greedy.accuracy)}, sampled ${pct(after.sampled.accuracy)}, length ${f(after.sampled.meanLength, 1)}, reflection ${pct(after.sampled.reflection)}`);

  return {
    seed: opts.seed,
    teacher: { source: opts.teacher.source, parameters: teacher.table.count, grpoSteps: opts.teacherGrpoSteps, eval: teacherEval },
    student: { source: opts.student.source, parameters: student.table.count, model: student.cfg.model },
    rejection: {
      k: opts.k, prompts: opts.prompts, ...summarizeRejection(rs),
      temperature, maxWaits: opts.maxWaits ?? null, readable: opts.readable ?? false, examples: rejectionExamples(rs),
    },
    sft: { steps: opts.sftSteps, lr: opts.sftLr, rows, firstLoss: ms[0]!.loss, lastLoss: ms[ms.length - 1]!.loss, heldOutLoss: ms[ms.length - 1]!.heldOutLoss ?? null },
    before, after,
    evalProblems: afterEv.problems,
    adapter: b.label,
    wallSeconds: { teacherGrpo: teacherGrpoSeconds, sampling: samplingSeconds, sft: sftSeconds, total: (performance.now() - t0) / 1000 },
  };
}
