// The base model's pretraining corpus: train-split problems with a trace in
// one of the family's styles (four for arithmetic, traces.ts; three for
// countdown, countdown.ts), mixed by RunConfig.corpus weights, and the packing
// of examples into next-token batches.
//
// Example i owns the counters [i*256, (i+1)*256) of STREAM.corpus: one draw for
// the style, then the problem (held-out draws rejected), then the slip choice.
//
// Dimension letters: B = batch rows, T = sequence length of inputs/targets.

import type { RunConfig, TaskFamily } from '../core/config';
import { COUNTDOWN_STYLES, countdownCompletion, type CountdownStyle } from './countdown';
import { Rng, STREAM } from '../core/rng';
import { encode, TOK } from '../core/tokenizer';
import { checkTask, type Problem } from './problems';
import { DRAWS_PER_ITEM, drawTrainProblem } from './split';
import { TRACE_STYLES, traceFor, type TraceStyle } from './traces';

export type CorpusStyle = TraceStyle | CountdownStyle;

/** The trace styles of a family's corpus, in the order of styleWeights. */
export function corpusStyles(family: TaskFamily): readonly CorpusStyle[] {
  return family === 'countdown' ? COUNTDOWN_STYLES : TRACE_STYLES;
}

/** The completion of `problem` in `style` (a style of its family), drawing from rng as the style needs. */
export function traceOf(problem: Problem, style: CorpusStyle, rng: Rng): string {
  if (problem.family === 'countdown') {
    if (!(COUNTDOWN_STYLES as readonly string[]).includes(style)) throw new Error(`countdown has no trace style ${style}`);
    return countdownCompletion(problem.operands, problem.answer, problem.difficulty, style as CountdownStyle, rng);
  }
  if (!(TRACE_STYLES as readonly string[]).includes(style)) throw new Error(`${problem.family} has no trace style ${style}`);
  return traceFor(problem, style as TraceStyle, rng);
}

export interface CorpusExample {
  problem: Problem;
  style: CorpusStyle;
  prompt: string;
  completion: string;
  /** prompt + completion */
  text: string;
}

/** The style weights in corpusStyles(family) order; throws naming the corpus fields when unusable. */
export function styleWeights(corpus: RunConfig['corpus'], family: TaskFamily = 'add'): number[] {
  const styles = corpusStyles(family);
  const w = styles.map((s) => corpus[s]);
  styles.forEach((s, k) => {
    const v = w[k]!;
    if (!Number.isFinite(v) || v < 0) throw new Error(`corpus.${s} = ${v}: must be a finite number >= 0`);
  });
  if (!(w.reduce((a, b) => a + b, 0) > 0)) {
    throw new Error(`${styles.map((s) => `corpus.${s}`).join(', ')}: the style weights must not all be 0`);
  }
  return w;
}

/** Example i of the corpus (train split only): a pure function of (cfg.seed, cfg.task, cfg.corpus weights, i). */
export function corpusExample(cfg: RunConfig, i: number): CorpusExample {
  checkTask(cfg.task);
  const rng = new Rng(cfg.seed, STREAM.corpus, i * DRAWS_PER_ITEM);
  const style = corpusStyles(cfg.task.family)[rng.categorical(styleWeights(cfg.corpus, cfg.task.family))]!;
  const problem = drawTrainProblem(cfg.task, rng);
  const completion = traceOf(problem, style, rng);
  return { problem, style, prompt: problem.prompt, completion, text: problem.prompt + completion };
}

export interface PretrainBatch {
  inputs: Int32Array; // (B,T) token ids, <pad> after the example
  targets: Int32Array; // (B,T) inputs shifted left by one, <pad> after the example
  mask: Float32Array; // (B,T) 1 where the target is a completion token, else 0
}

/** A prompt and the completion that follows it: a corpus example, or an SFT trace. */
export interface PromptCompletion {
  prompt: string;
  completion: string;
}

/**
 * Packs examples into next-token rows, one per row: inputs are prompt +
 * completion minus the last token, targets the same shifted left by one. The
 * loss counts only completion tokens: the prompt is given at GRPO time, so
 * its targets (and the padding's) get mask 0. An example longer than T+1
 * tokens throws (naming it by `label`): it would be silently cut otherwise.
 */
export function packExamples(examples: readonly PromptCompletion[], T: number, label: (i: number) => string = (i) => `example ${i}`): PretrainBatch {
  if (!Number.isInteger(T) || T < 1) throw new Error(`packExamples: T = ${T}: must be an integer >= 1`);
  const B = examples.length;
  const inputs = new Int32Array(B * T).fill(TOK.pad);
  const targets = new Int32Array(B * T).fill(TOK.pad);
  const mask = new Float32Array(B * T);
  examples.forEach((ex, b) => {
    const tokens = encode(ex.prompt + ex.completion); // (n,)
    const promptLen = encode(ex.prompt).length;
    if (tokens.length > T + 1) {
      throw new Error(`${label(b)} has ${tokens.length} tokens, more than T+1 = ${T + 1}; raise model.maxSeqLen or lower task.difficulty`);
    }
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

/** Rows are corpus examples step*batch .. step*batch+batch-1, one per row, packed by packExamples. */
export function makePretrainBatch(cfg: RunConfig, step: number, batch: number, T: number): PretrainBatch {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`makePretrainBatch: batch = ${batch}: must be an integer >= 1`);
  if (!Number.isInteger(T) || T < 1) throw new Error(`makePretrainBatch: T = ${T}: must be an integer >= 1`);
  const examples = Array.from({ length: batch }, (_, b) => corpusExample(cfg, step * batch + b));
  return packExamples(examples, T, (b) => `makePretrainBatch: example ${step * batch + b} (${examples[b]!.style}, ${examples[b]!.problem.expr})`);
}
