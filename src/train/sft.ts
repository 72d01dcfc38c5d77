// SFT as a stage (issue 17 item 1): next-token fine-tuning on a given set of
// (prompt, completion) pairs, the prompt masked and the completion trained.
// It IS pretraining (pretrain.ts) with another batch source: the same step,
// loss (the masked mean NLL of model/pretrain.ts), AdamW, gradient clip,
// router-bias update and one readback; tasks/corpus.ts packExamples lays the
// rows out and writes mask 0 on every prompt target and on the padding.
//
// Order: example row i of the whole run (i = step*rows + b) is example
// perm_e[i mod n] of epoch e = floor(i / n), where perm_e is a seeded
// shuffle (STREAM.sft, counter e * 2^20): every example once per epoch, a
// pure function of (seed, i), so a stage replays exactly.
//
// Dimension letters as in pretrain.ts: B rows per step, T positions.

import { Rng, STREAM } from '../core/rng';
import { encode } from '../core/tokenizer';
import type { Model } from '../model/model';
import type { Ops } from '../ops/ops';
import { packExamples, type PretrainBatch, type PromptCompletion } from '../tasks/corpus';
import { createPretrainer, pretrain, pretrainSeqLen, type PretrainMetrics, type Pretrainer } from './pretrain';
import type { LrSchedule } from '../core/config';

export interface SftOptions {
  /** AdamW steps. */
  steps: number;
  lr: number;
  /** Rows per step; default min(examples, cfg.corpus.pretrainBatch). */
  rows?: number;
  /** 'constant' (default) or 'cosine' to 10% of lr at `steps`. */
  schedule?: LrSchedule;
  warmupSteps?: number;
  /** Seeds the order over the examples; default the model's cfg.seed. */
  seed?: number;
  /** Held-out (corpus-style) loss every this many steps and at the last; default steps. */
  heldOutEvery?: number;
}

/** Positions an SFT row needs: its longest example minus one, at least the corpus's (the held-out batch is the corpus's). */
export function sftSeqLen(model: Model<unknown>, examples: readonly PromptCompletion[]): number {
  const longest = Math.max(0, ...examples.map((e) => encode(e.prompt + e.completion).length));
  return Math.max(pretrainSeqLen(model.cfg), longest - 1);
}

/** The example order of epoch e: a Fisher-Yates shuffle of 0..n-1 drawn from (seed, STREAM.sft, e * 2^20). */
export function sftEpochOrder(n: number, seed: number, epoch: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed, STREAM.sft, (epoch * 0x100000) >>> 0);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Rows step*rows .. step*rows+rows-1 of the run, packed (prompt masked). */
export function sftBatch(examples: readonly PromptCompletion[], step: number, rows: number, T: number, seed: number): PretrainBatch {
  const n = examples.length;
  if (n === 0) throw new Error('sft: no examples to train on');
  const orders = new Map<number, number[]>();
  const picked: PromptCompletion[] = [];
  for (let b = 0; b < rows; b++) {
    const i = step * rows + b;
    const e = Math.floor(i / n);
    if (!orders.has(e)) orders.set(e, sftEpochOrder(n, seed, e));
    picked.push(examples[orders.get(e)![i % n]!]!);
  }
  return packExamples(picked, T, (b) => `sft: example ${JSON.stringify(picked[b]!.prompt + picked[b]!.completion)}`);
}

/** A pretrainer (pretrain.ts) whose batches are the examples, in sftBatch's order, under the SFT schedule. */
export function createSftTrainer<F, I>(ops: Ops<F, I>, model: Model<F>, examples: readonly PromptCompletion[], opts: SftOptions): Pretrainer<F, I> {
  if (examples.length === 0) throw new Error('sft: no examples to train on (rejection sampling kept none?)');
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new Error(`sft: steps = ${opts.steps}: need an integer >= 1`);
  if (!(opts.lr > 0 && Number.isFinite(opts.lr))) throw new Error(`sft: lr = ${opts.lr}: need a positive number`);
  const seed = opts.seed ?? model.cfg.seed;
  const rows = opts.rows ?? Math.min(examples.length, model.cfg.corpus.pretrainBatch);
  const T = sftSeqLen(model, examples);
  return createPretrainer(ops, model, {
    T, rows,
    batchOf: (step, r, t) => sftBatch(examples, step, r, t, seed),
    schedule: { lr: opts.lr, schedule: opts.schedule ?? 'constant', warmupSteps: opts.warmupSteps ?? 0, totalSteps: opts.steps },
    heldOutEvery: opts.heldOutEvery ?? opts.steps,
  });
}

/** Runs an SFT stage to its end; onStep sees each step's metrics (loss on the stage's batch, held-out corpus loss when due). */
export async function sft<F, I>(ops: Ops<F, I>, model: Model<F>, examples: readonly PromptCompletion[], opts: SftOptions, onStep?: (m: PretrainMetrics) => void): Promise<PretrainMetrics[]> {
  return pretrain(createSftTrainer(ops, model, examples, opts), onStep);
}
