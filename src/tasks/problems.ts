// Arithmetic problems: what difficulty means per family, the problem space of
// each (family, difficulty) as a mixed-radix index, and the verifier.
//
// A problem is drawn as a vector of independent uniform components (operand
// values, operator choices, a parenthesis span). Every vector is a distinct
// expression string, so the same code both samples (one rng.int per component)
// and enumerates (decode an index 0..spaceSize-1) the space.
//
// Difficulty (1..5):
//   family  d=1         d=2         d=3         d=4         d=5          why
//   add     a,b < 10    < 100       < 1e3       < 1e4       < 1e5        one more column of carries per level
//   sub     a,b < 10    < 100       < 1e3       < 1e4       < 1e5        as add, with borrows; a<b gives a negative answer
//   mul     1x1 digits  2x1         2x2         3x2         3x3          the multiplier's digits set the number of partial products
//   mixed   3 terms +-  3 terms +-* 4 terms +-* 5 terms +-* 5 terms +-*() one more operation or precedence rule per level
// Operands are uniform in [0, 10^digits), so fewer-digit operands appear too
// (add d=1 has exactly 10*10 = 100 problems). Mixed terms are single digits.
// Subtraction may go negative: the tokenizer has '-', and "which is larger?"
// is part of the skill; the stepwise trace subtracts the smaller from the
// larger and then states the sign.

import { KNOB_BY_PATH, type RunConfig, type TaskFamily } from '../core/config';
import { checkKnob } from '../core/validate';
import type { Rng } from '../core/rng';
import { countdownKey, countdownRadices, countdownShape, patternExpr } from './countdown';
import { evaluateExpression } from './expr';

export const FAMILIES: readonly TaskFamily[] = ['add', 'sub', 'mul', 'mixed', 'countdown'];
/** The families whose answer is an integer worked out in steps (traces.ts); countdown's is a search (countdown.ts). */
export const ARITHMETIC_FAMILIES = ['add', 'sub', 'mul', 'mixed'] as const satisfies readonly TaskFamily[];
export const MIN_DIFFICULTY = 1;
export const MAX_DIFFICULTY = 5;

export interface Problem {
  family: TaskFamily;
  difficulty: number;
  /** add/sub/mul: [a, b] as written; mixed: the terms left to right; countdown: the given numbers. */
  operands: number[];
  /** Canonical expression, e.g. "47+85" or "3*(4-9)+2" (countdown: "3;5;7=1"); also the held-out hash key. */
  expr: string;
  /** The value the answer must have (countdown: the target; the answer itself is an expression, tasks/judge.ts). */
  answer: number;
  /** "<bos>" + expr + "=" (countdown: "<bos>" + expr), what the model is given. */
  prompt: string;
}

/** Digits of the two operands of mul per difficulty: the first is never shorter. */
const MUL_DIGITS: readonly (readonly [number, number])[] = [[1, 1], [2, 1], [2, 2], [3, 2], [3, 3]];

interface MixedShape {
  terms: number;
  ops: readonly string[];
  parens: boolean;
}
const MIXED_SHAPES: readonly MixedShape[] = [
  { terms: 3, ops: ['+', '-'], parens: false },
  { terms: 3, ops: ['+', '-', '*'], parens: false },
  { terms: 4, ops: ['+', '-', '*'], parens: false },
  { terms: 5, ops: ['+', '-', '*'], parens: false },
  { terms: 5, ops: ['+', '-', '*'], parens: true },
];

/** Parenthesis spans [first term, last term] of n terms: at least two terms, never the whole expression. */
function spans(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!(i === 0 && j === n - 1)) out.push([i, j]);
  return out;
}

function fail(path: string, value: unknown): never {
  const knob = KNOB_BY_PATH.get(path)!;
  throw new Error(checkKnob(knob, value) ?? `${path}: invalid value ${String(value)}`);
}

/** Throws an Error naming the field, the value and the allowed range when (family, difficulty) is impossible. */
export function checkFamilyDifficulty(family: unknown, difficulty: unknown): asserts family is TaskFamily {
  if (checkKnob(KNOB_BY_PATH.get('task.family')!, family) !== null) fail('task.family', family);
  if (checkKnob(KNOB_BY_PATH.get('task.difficulty')!, difficulty) !== null) fail('task.difficulty', difficulty);
}

/** Validates RunConfig.task against the knob table (family, difficulty 1..5, heldOutPercent). */
export function checkTask(task: RunConfig['task']): void {
  checkFamilyDifficulty(task.family, task.difficulty);
  if (checkKnob(KNOB_BY_PATH.get('task.heldOutPercent')!, task.heldOutPercent) !== null) fail('task.heldOutPercent', task.heldOutPercent);
}

/** The radix of each independent component of a problem. */
export function problemRadices(family: TaskFamily, difficulty: number): number[] {
  checkFamilyDifficulty(family, difficulty);
  const d = difficulty;
  switch (family) {
    case 'add':
    case 'sub':
      return [10 ** d, 10 ** d];
    case 'mul': {
      const [k1, k2] = MUL_DIGITS[d - 1]!;
      return [10 ** k1, 10 ** k2];
    }
    case 'mixed': {
      const s = MIXED_SHAPES[d - 1]!;
      const r: number[] = [];
      for (let i = 0; i < s.terms; i++) r.push(10);
      for (let i = 0; i < s.terms - 1; i++) r.push(s.ops.length);
      if (s.parens) r.push(spans(s.terms).length);
      return r;
    }
    case 'countdown':
      return countdownRadices(d);
  }
}

/** Number of distinct problems of (family, difficulty). */
export function spaceSize(family: TaskFamily, difficulty: number): number {
  return problemRadices(family, difficulty).reduce((a, b) => a * b, 1);
}

function makeProblem(family: TaskFamily, difficulty: number, operands: number[], expr: string): Problem {
  return { family, difficulty, operands, expr, answer: evaluateExpression(expr), prompt: `<bos>${expr}=` };
}

/** The problem with component vector c (each c[i] in [0, radix[i])). */
export function problemFromComponents(family: TaskFamily, difficulty: number, c: readonly number[]): Problem {
  switch (family) {
    case 'add':
    case 'sub':
    case 'mul': {
      const a = c[0]!;
      const b = c[1]!;
      const op = family === 'add' ? '+' : family === 'sub' ? '-' : '*';
      return makeProblem(family, difficulty, [a, b], `${a}${op}${b}`);
    }
    case 'mixed': {
      const s = MIXED_SHAPES[difficulty - 1]!;
      const terms = c.slice(0, s.terms);
      const ops = c.slice(s.terms, 2 * s.terms - 1).map((k) => s.ops[k]!);
      const [open, close] = s.parens ? spans(s.terms)[c[2 * s.terms - 1]!]! : [-1, -1];
      let expr = '';
      for (let i = 0; i < s.terms; i++) {
        if (i > 0) expr += ops[i - 1]!;
        expr += (i === open ? '(' : '') + String(terms[i]!) + (i === close ? ')' : '');
      }
      return makeProblem(family, difficulty, terms, expr);
    }
    case 'countdown': {
      const shape = countdownShape(difficulty);
      const numbers = c.slice(0, shape.numbers).map((v) => v + 1);
      const target = evaluateExpression(patternExpr(numbers, shape.ops, c[shape.numbers]!));
      const expr = countdownKey(numbers, target);
      return { family, difficulty, operands: numbers, expr, answer: target, prompt: `<bos>${expr}` };
    }
  }
}

/** Problem number `index` of the space, 0 <= index < spaceSize (first component varies fastest). */
export function problemAt(family: TaskFamily, difficulty: number, index: number): Problem {
  const radices = problemRadices(family, difficulty);
  const c: number[] = [];
  let rest = index;
  for (const r of radices) {
    c.push(rest % r);
    rest = Math.floor(rest / r);
  }
  return problemFromComponents(family, difficulty, c);
}

/** One uniform problem, drawing one rng.int per component. */
export function drawProblem(family: TaskFamily, difficulty: number, rng: Rng): Problem {
  const c = problemRadices(family, difficulty).map((r) => rng.int(r));
  return problemFromComponents(family, difficulty, c);
}

/** The verifier: is `answer` the value of the problem? */
export function verify(problem: Problem, answer: number | null): boolean {
  return answer !== null && answer === problem.answer;
}
