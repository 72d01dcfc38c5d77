// Stage 0: the base model. Next-token AdamW on the synthetic corpus
// (tasks/corpus.ts makePretrainBatch), loss on completion tokens only, and a
// held-out loss on a FIXED batch of held-out problems with corpus-style traces
// (the same style mix), so the number measures generalisation to problems the
// model never trained on, not memorisation of the train split.
//
// Dimension letters as in model/model.ts: B rows per batch, T positions, N = B*T.
// T is the longest example the corpus can produce (prompt + completion - 1,
// since inputs are the example minus its last token), not maxSeqLen: attention
// costs T^2, and add d=1 needs 24 positions where maxSeqLen may be 96.
//
// One readback per step: logp (N) and the grad norm are copied into one packed
// buffer after AdamW and read together. The NaN check therefore comes after
// the update here (pretraining has no "leave the weights" promise: a NaN base
// model is thrown away); the GRPO step checks before.

import type { RunConfig } from '../core/config';
import { Rng, STREAM } from '../core/rng';
import { encode, TOK } from '../core/tokenizer';
import { adamwStep, backward, createActivations, forward, updateRouterBias, zeroGrads, type Activations, type Model } from '../model/model';
import type { Ops } from '../ops/ops';
import { pretrainDLogp, pretrainLoss } from '../model/pretrain';
import { corpusStyles, makePretrainBatch, styleWeights, traceOf, type PretrainBatch } from '../tasks/corpus';
import { longestCompletionTokens, longestPromptTokens } from '../tasks/lengths';
import { heldOutSet } from '../tasks/split';
import { checkTrainConfig } from './checks';
import { learningRate, type ScheduleSpec } from './schedule';

export interface PretrainMetrics {
  step: number;
  loss: number;
  /** Present on held-out steps (every heldOutEvery steps and the last one). */
  heldOutLoss?: number;
  gradNorm: number;
  lr: number;
}

export interface PretrainOptions {
  /** Held-out loss every this many steps (and at the last step); default 50. */
  heldOutEvery?: number;
  /** Rows of the held-out batch (held-out problems available permitting); default 64. */
  heldOutRows?: number;
  /**
   * Where step s's batch comes from; default the corpus (makePretrainBatch). SFT (sft.ts) passes
   * its own (prompt, completion) pairs here: the batch's mask says which targets train (a prompt's
   * are 0), so the step, its loss and its gradient are the pretraining ones, not a copy.
   */
  batchOf?: (step: number, rows: number, T: number) => PretrainBatch;
  /** Rows per step; default cfg.corpus.pretrainBatch. */
  rows?: number;
  /** Positions per row; default pretrainSeqLen(cfg) (at least that: the held-out batch needs it). */
  T?: number;
  /** Learning rate and step count; default pretrainSchedule(cfg). Its totalSteps ends pretrain(). */
  schedule?: ScheduleSpec;
}

export interface Pretrainer<F, I> {
  ops: Ops<F, I>;
  model: Model<F>;
  cfg: RunConfig;
  T: number;
  schedule: ScheduleSpec;
  /** Steps taken. */
  step: number;
  acts: Activations<F, I>; // (pretrainBatch, T)
  dLogp: F; // (pretrainBatch*T)
  packed: F; // (N + 1): logp then the grad norm, read back in one go
  heldOut: { batch: PretrainBatch; acts: Activations<F, I> };
  heldOutEvery: number;
  /** Rows per step. */
  rows: number;
  batchOf: (step: number, rows: number, T: number) => PretrainBatch;
}

/** Positions a pretraining row needs: the longest prompt + completion of any style in the mix, minus one. */
export function pretrainSeqLen(cfg: RunConfig): number {
  const { family, difficulty } = cfg.task;
  const styles = corpusStyles(family).filter((s) => cfg.corpus[s] > 0);
  const longest = Math.max(...styles.map((s) => longestCompletionTokens(family, difficulty, s)));
  return Math.min(cfg.model.maxSeqLen, longestPromptTokens(family, difficulty) + longest - 1);
}

/**
 * The fixed held-out batch: heldOutSet's problems, each with a trace whose
 * style is drawn by the corpus weights (as corpusExample does for train
 * problems). Its draws use STREAM.heldOut from counter 2^31, far past the
 * counters heldOutSet itself consumes from 0.
 */
export function heldOutPretrainBatch(cfg: RunConfig, rows: number, T: number): PretrainBatch {
  const problems = heldOutSet(cfg, rows);
  if (problems.length === 0) throw new Error(`heldOutPretrainBatch: task ${cfg.task.family} d=${cfg.task.difficulty} has no held-out problems`);
  const B = problems.length;
  const inputs = new Int32Array(B * T).fill(TOK.pad);
  const targets = new Int32Array(B * T).fill(TOK.pad);
  const mask = new Float32Array(B * T);
  const styles = corpusStyles(cfg.task.family);
  const weights = styleWeights(cfg.corpus, cfg.task.family);
  problems.forEach((p, b) => {
    const rng = new Rng(cfg.seed, STREAM.heldOut, 0x80000000 + b * 256);
    const style = styles[rng.categorical(weights)]!;
    const tokens = encode(p.prompt + traceOf(p, style, rng)); // (n,)
    const promptLen = encode(p.prompt).length;
    if (tokens.length > T + 1) throw new Error(`heldOutPretrainBatch: ${p.expr} (${style}) has ${tokens.length} tokens, more than T+1 = ${T + 1}`);
    for (let t = 0; t < T; t++) {
      if (t < tokens.length) inputs[b * T + t] = tokens[t]!;
      if (t + 1 < tokens.length) {
        targets[b * T + t] = tokens[t + 1]!;
        mask[b * T + t] = t + 1 >= promptLen ? 1 : 0;
      }
    }
  });
  return { inputs, targets, mask };
}

/** Learning rate of pretraining: warmup over the first 5% of steps, cosine to 10% of corpus.pretrainLr at pretrainSteps. */
export function pretrainSchedule(cfg: RunConfig): ScheduleSpec {
  const total = cfg.corpus.pretrainSteps;
  return { lr: cfg.corpus.pretrainLr, schedule: 'cosine', warmupSteps: Math.floor(total / 20), totalSteps: total };
}

/** Sets up pretraining of model (its params already initialised) on its config's corpus. */
export function createPretrainer<F, I>(ops: Ops<F, I>, model: Model<F>, opts: PretrainOptions = {}): Pretrainer<F, I> {
  const cfg = model.cfg;
  checkTrainConfig(cfg);
  const T = Math.max(pretrainSeqLen(cfg), opts.T ?? 0);
  if (T > cfg.model.maxSeqLen) throw new Error(`createPretrainer: T = ${T} positions, more than model.maxSeqLen = ${cfg.model.maxSeqLen}`);
  const B = opts.rows ?? cfg.corpus.pretrainBatch;
  if (!Number.isInteger(B) || B < 1) throw new Error(`createPretrainer: rows = ${B}: must be an integer >= 1`);
  const acts = createActivations(ops, model, B, T);
  const hb = heldOutPretrainBatch(cfg, opts.heldOutRows ?? 64, T);
  const hActs = createActivations(ops, model, hb.inputs.length / T, T);
  ops.writeInt(hActs.tokens, hb.inputs);
  ops.writeInt(hActs.targets, hb.targets);
  return {
    ops, model, cfg, T, schedule: opts.schedule ?? pretrainSchedule(cfg), step: 0,
    acts, dLogp: ops.alloc(B * T), packed: ops.alloc(B * T + 1),
    heldOut: { batch: hb, acts: hActs }, heldOutEvery: opts.heldOutEvery ?? 50,
    rows: B, batchOf: opts.batchOf ?? ((s, rows, T) => makePretrainBatch(cfg, s, rows, T)),
  };
}

/** Mean masked NLL of the fixed held-out batch under the current weights (forward only). */
export async function heldOutLoss<F, I>(pt: Pretrainer<F, I>): Promise<number> {
  const { ops, model } = pt;
  const { acts, batch } = pt.heldOut;
  forward(ops, model, acts);
  return pretrainLoss(await ops.read(acts.a.logp), batch.mask);
}

/** One next-token AdamW step on batch pt.step (the corpus's, or pt.batchOf's). */
export async function pretrainStep<F, I>(pt: Pretrainer<F, I>): Promise<PretrainMetrics> {
  const { ops, model, cfg, acts, T } = pt;
  const step = pt.step;
  const B = pt.rows;
  const N = B * T;
  const g = cfg.grpo;
  const lr = learningRate(pt.schedule, step);
  const b = pt.batchOf(step, B, T);
  if (b.inputs.length !== N || b.targets.length !== N || b.mask.length !== N) {
    throw new Error(`pretrain step ${step}: the batch holds ${b.inputs.length} inputs, ${b.targets.length} targets and ${b.mask.length} mask values; ${B} rows x ${T} positions need ${N} each`);
  }
  ops.writeInt(acts.tokens, b.inputs);
  ops.writeInt(acts.targets, b.targets);
  ops.write(pt.dLogp, pretrainDLogp(b.mask));
  forward(ops, model, acts);
  zeroGrads(ops, model);
  backward(ops, model, acts, pt.dLogp);
  adamwStep(ops, model, { lr, beta1: g.adamBeta1, beta2: g.adamBeta2, eps: g.adamEps, weightDecay: g.weightDecay, gradClip: g.gradClip });
  if (cfg.model.balance === 'auxFree') updateRouterBias(ops, model, acts, cfg.model.biasGamma);
  ops.copy(ops.view(pt.packed, 0, N), acts.a.logp, N);
  ops.copy(ops.view(pt.packed, N, 1), model.gradNorm, 1);
  const packed = await ops.read(pt.packed);
  const loss = pretrainLoss(packed.subarray(0, N), b.mask);
  const gradNorm = packed[N]!;
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
    throw new Error(`pretrain step ${step}: ${!Number.isFinite(loss) ? `loss is ${loss}` : `gradient norm is ${gradNorm}`} (lr ${lr}); the weights are no longer usable`);
  }
  pt.step++;
  const out: PretrainMetrics = { step, loss, gradNorm, lr };
  const last = pt.step === pt.schedule.totalSteps;
  if (pt.step % pt.heldOutEvery === 0 || last) out.heldOutLoss = await heldOutLoss(pt);
  return out;
}

/** Runs the remaining steps up to the schedule's totalSteps (cfg.corpus.pretrainSteps by default); onStep sees each step's metrics. */
export async function pretrain<F, I>(pt: Pretrainer<F, I>, onStep?: (m: PretrainMetrics) => void): Promise<PretrainMetrics[]> {
  const out: PretrainMetrics[] = [];
  while (pt.step < pt.schedule.totalSteps) {
    const m = await pretrainStep(pt);
    out.push(m);
    onStep?.(m);
  }
  return out;
}
