// Longest prompt and completion, in tokens, per (family, difficulty, style),
// so config validation can check prompt + completion against model.maxSeqLen
// and grpo.maxCompletionLength without generating anything.
//
// Prompt lengths are exact (computed from the digit counts). Completion
// lengths are MEASURED by lengths.gen.ts and pasted below: exact (every
// problem, every slip) where the space has at most 1e5 problems, otherwise the
// maximum over "extreme" problems (every operand digit in {0,1,9}, every
// operator and parenthesis pattern) and 100k seeded random problems, every
// slip of each. makePretrainBatch still throws on anything longer than its T.

import type { RunConfig, TaskFamily } from '../core/config';
import type { ConfigError } from '../core/validate';
import { encode } from '../core/tokenizer';
import { checkFamilyDifficulty, drawProblem, problemAt, problemFromComponents, problemRadices, spaceSize, type Problem } from './problems';
import { Rng } from '../core/rng';
import { TRACE_STYLES, traceWithSlip, wrongSlips, type TraceStyle } from './traces';
import { COUNTDOWN_STYLES, countdownCompletionTokens, countdownPromptTokens, type CountdownStyle } from './countdown';
import { corpusStyles, type CorpusStyle } from './corpus';

export type StyleLengths = Record<TraceStyle, number>;

/** Measured by lengths.gen.ts; index difficulty-1. */
export const LONGEST_COMPLETION_TOKENS: Record<Exclude<TaskFamily, 'countdown'>, readonly StyleLengths[]> = {
  add: [
    { direct: 13, stepwise: 13, slip: 13, corrected: 20 },
    { direct: 17, stepwise: 33, slip: 33, corrected: 59 },
    { direct: 21, stepwise: 46, slip: 46, corrected: 84 },
    { direct: 25, stepwise: 59, slip: 59, corrected: 109 },
    { direct: 29, stepwise: 72, slip: 72, corrected: 134 },
  ],
  sub: [
    { direct: 13, stepwise: 19, slip: 19, corrected: 32 },
    { direct: 17, stepwise: 41, slip: 41, corrected: 75 },
    { direct: 21, stepwise: 57, slip: 57, corrected: 106 },
    { direct: 25, stepwise: 73, slip: 73, corrected: 137 },
    { direct: 29, stepwise: 89, slip: 89, corrected: 168 },
  ],
  mul: [
    { direct: 13, stepwise: 13, slip: 13, corrected: 20 },
    { direct: 16, stepwise: 32, slip: 32, corrected: 57 },
    { direct: 19, stepwise: 53, slip: 53, corrected: 98 },
    { direct: 22, stepwise: 63, slip: 63, corrected: 117 },
    { direct: 25, stepwise: 89, slip: 89, corrected: 168 },
  ],
  mixed: [
    { direct: 17, stepwise: 33, slip: 35, corrected: 61 },
    { direct: 17, stepwise: 33, slip: 35, corrected: 61 },
    { direct: 21, stepwise: 48, slip: 48, corrected: 88 },
    { direct: 25, stepwise: 65, slip: 65, corrected: 121 },
    { direct: 27, stepwise: 69, slip: 71, corrected: 131 },
  ],
};

/** Longest completion of (family, difficulty) in one style of its family, or over all its styles when style is omitted. */
export function longestCompletionTokens(family: TaskFamily, difficulty: number, style?: CorpusStyle): number {
  checkFamilyDifficulty(family, difficulty);
  if (family === 'countdown') {
    const styles = style === undefined ? COUNTDOWN_STYLES : [style as CountdownStyle];
    return Math.max(...styles.map((s) => countdownCompletionTokens(difficulty, s)));
  }
  const row = LONGEST_COMPLETION_TOKENS[family][difficulty - 1]!;
  return style === undefined ? Math.max(...TRACE_STYLES.map((s) => row[s])) : row[style as TraceStyle];
}

/** Longest prompt "<bos>expr=" of (family, difficulty), exact. */
export function longestPromptTokens(family: TaskFamily, difficulty: number): number {
  checkFamilyDifficulty(family, difficulty);
  if (family === 'countdown') return countdownPromptTokens(difficulty);
  const r = problemRadices(family, difficulty);
  if (family !== 'mixed') return 1 + Math.log10(r[0]!) + 1 + Math.log10(r[1]!) + 1;
  const terms = r.filter((x) => x === 10).length; // digit radices; op radices are 2 or 3, the span radix 9
  const parens = r.length > 2 * terms - 1 ? 2 : 0;
  return 1 + terms + (terms - 1) + parens + 1;
}

/** Token counts of one problem's traces, the slip styles maximised over every wrong slip. */
export function completionLengths(p: Problem): StyleLengths {
  const len = (s: string) => encode(s).length;
  const out: StyleLengths = {
    direct: len(traceWithSlip(p, 'direct', null)),
    stepwise: len(traceWithSlip(p, 'stepwise', null)),
    slip: 0,
    corrected: 0,
  };
  for (const s of wrongSlips(p)) {
    out.slip = Math.max(out.slip, len(traceWithSlip(p, 'slip', s)));
    out.corrected = Math.max(out.corrected, len(traceWithSlip(p, 'corrected', s)));
  }
  return out;
}

/** Problems whose operand digits are all in {0,1,9}, with every operator / span choice. */
function* extremeProblems(family: TaskFamily, difficulty: number): Generator<Problem> {
  const radices = problemRadices(family, difficulty);
  const choices = radices.map((r) => {
    if (r < 10) return Array.from({ length: r }, (_, k) => k); // operator or span index
    let vals = [0];
    for (let place = 1; place < r; place *= 10) vals = vals.flatMap((v) => [v, v + place, v + 9 * place]);
    return vals;
  });
  const idx = radices.map(() => 0);
  for (;;) {
    yield problemFromComponents(family, difficulty, idx.map((k, i) => choices[i]![k]!));
    let i = 0;
    while (i < idx.length && ++idx[i]! === choices[i]!.length) idx[i++] = 0;
    if (i === idx.length) return;
  }
}

/** The measurement behind LONGEST_COMPLETION_TOKENS (see the header for what is covered). */
export function measureLongest(family: TaskFamily, difficulty: number, samples = 100_000, seed = 1): StyleLengths {
  const best: StyleLengths = { direct: 0, stepwise: 0, slip: 0, corrected: 0 };
  const take = (p: Problem) => {
    const l = completionLengths(p);
    for (const s of TRACE_STYLES) best[s] = Math.max(best[s], l[s]);
  };
  const size = spaceSize(family, difficulty);
  if (size <= 100_000) {
    for (let k = 0; k < size; k++) take(problemAt(family, difficulty, k));
    return best;
  }
  for (const p of extremeProblems(family, difficulty)) take(p);
  const rng = new Rng(seed, 0x7a5c);
  for (let k = 0; k < samples; k++) take(drawProblem(family, difficulty, rng));
  return best;
}

/**
 * Config errors for a task whose base-corpus examples cannot fit the model's
 * context: the longest prompt plus the longest completion of every style with
 * a nonzero corpus weight must fit model.maxSeqLen (pretraining rows are one
 * example each). core/config.ts cannot check this (core imports nothing from
 * tasks/), so whoever validates a whole run adds these to validateConfig's.
 */
export function taskLengthErrors(cfg: RunConfig): ConfigError[] {
  const { family, difficulty } = cfg.task;
  const styles = corpusStyles(family).filter((s) => cfg.corpus[s] > 0);
  if (styles.length === 0) return [];
  const longest = Math.max(...styles.map((s) => longestCompletionTokens(family, difficulty, s)));
  const prompt = longestPromptTokens(family, difficulty);
  if (prompt + longest <= cfg.model.maxSeqLen) return [];
  const value = cfg.model.maxSeqLen;
  return [{
    path: 'model.maxSeqLen',
    value,
    message:
      `model.maxSeqLen = ${value}: task ${family} at difficulty ${difficulty} has base-corpus examples of up to ` +
      `${prompt} prompt + ${longest} completion tokens; allowed at least ${prompt + longest} (or lower task.difficulty)`,
  }];
}
