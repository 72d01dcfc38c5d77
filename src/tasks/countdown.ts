// Countdown (issue 13): reach a target from a few small numbers. Checking a
// candidate is one cheap evaluation and a first guess often fails, so a
// search that checks and retries pays -- unlike add/sub/mul/mixed, where a
// longer answer is never more often right (README "The R1-Zero result").
//
// Prompt:  <bos>3;5;7=1        the given numbers, ';'-separated, then '=' and the target
// Answer:  an expression using EVERY given number exactly once (any order,
//          + - * and parentheses as the difficulty allows; no unary minus),
//          e.g. <answer>3-7+5</answer>. Exactly-once, not at-most-once: the
//          problem is generated from such an expression, and a fixed arity
//          keeps every candidate the same shape.
//
// Difficulty (1..5):
//   d  numbers   values  operators   patterns (search space)
//   1  3         1..9    + -         4
//   2  4         1..9    + -         8
//   3  3         1..9    + - *       9
//   4  3         1..19   + - *       9
//   5  4         1..9    + - *       27
// A pattern is one operator per gap between the numbers in the order given:
// "3-5+7". The target is the value of one uniformly drawn pattern, so every
// problem has a solution in the search space (it may have several).
//
// The search order is the patterns in lexicographic operator order ('+' < '-'
// < '*'), which is what the corpus's `search` traces walk: how many candidates
// fail before the first match falls out of that order and the problem, never
// a hand-set count.

import type { Rng } from '../core/rng';
import { applyOp, parseExpression, type ExprNode } from './expr';
import { formatCompletion, parseInteger } from './format';

export interface CountdownShape {
  numbers: number;
  /** Given numbers are 1..maxValue. */
  maxValue: number;
  ops: readonly ('+' | '-' | '*')[];
}

export const COUNTDOWN_SHAPES: readonly CountdownShape[] = [
  { numbers: 3, maxValue: 9, ops: ['+', '-'] },
  { numbers: 4, maxValue: 9, ops: ['+', '-'] },
  { numbers: 3, maxValue: 9, ops: ['+', '-', '*'] },
  { numbers: 3, maxValue: 19, ops: ['+', '-', '*'] },
  { numbers: 4, maxValue: 9, ops: ['+', '-', '*'] },
];

export function countdownShape(difficulty: number): CountdownShape {
  const s = COUNTDOWN_SHAPES[difficulty - 1];
  if (!s) throw new Error(`countdown: difficulty ${difficulty} is outside 1..${COUNTDOWN_SHAPES.length}`);
  return s;
}

/** Radices of a countdown problem's components: each number (value-1), then the pattern index. */
export function countdownRadices(difficulty: number): number[] {
  const s = countdownShape(difficulty);
  return [...Array.from({ length: s.numbers }, () => s.maxValue), s.ops.length ** (s.numbers - 1)];
}

/** The expression of pattern k over numbers in the given order, e.g. (3,5,7), k=2 of [+,-] -> "3-5+7". */
export function patternExpr(numbers: readonly number[], ops: readonly string[], k: number): string {
  let expr = String(numbers[0]!);
  const opIdx: number[] = [];
  for (let i = 1; i < numbers.length; i++) {
    opIdx.push(k % ops.length);
    k = Math.floor(k / ops.length);
  }
  // first gap varies slowest: lexicographic order over the gaps left to right
  opIdx.reverse();
  for (let i = 1; i < numbers.length; i++) expr += ops[opIdx[i - 1]!]! + String(numbers[i]!);
  return expr;
}

export interface Candidate {
  expr: string;
  value: number;
}

/** Every pattern of the numbers, in search order (see the header). */
export function searchOrder(numbers: readonly number[], difficulty: number): Candidate[] {
  const s = countdownShape(difficulty);
  const n = s.ops.length ** (numbers.length - 1);
  return Array.from({ length: n }, (_, k) => {
    const expr = patternExpr(numbers, s.ops, k);
    return { expr, value: evalNode(parseExpression(expr)) };
  });
}

/** The prompt key "3;5;7=1" (also the held-out hash key). */
export function countdownKey(numbers: readonly number[], target: number): string {
  return `${numbers.join(';')}=${target}`;
}

function evalNode(n: ExprNode): number {
  return n.kind === 'num' ? n.value : applyOp(n.op, evalNode(n.left), evalNode(n.right));
}

function leaves(n: ExprNode, out: number[]): number[] {
  if (n.kind === 'num') out.push(n.value);
  else {
    leaves(n.left, out);
    leaves(n.right, out);
  }
  return out;
}

/** Why an answer fails, or null when it reaches the target using each given number exactly once. */
export type CountdownVerdict = null | 'empty' | 'unparseable' | 'operator' | 'numbers' | 'value';

// Longer than any legal answer (4 two-digit numbers, 3 operators, parentheses): refuses huge inputs before parsing.
const MAX_ANSWER_CHARS = 40;

/**
 * The verifier. `allowed` are the operators of the difficulty; numbers must be
 * written canonically (no leading zeros: "07" is not 7).
 */
export function checkCountdown(answer: string | null, numbers: readonly number[], target: number, allowed: readonly string[]): CountdownVerdict {
  if (answer === null || answer.length === 0) return 'empty';
  if (answer.length > MAX_ANSWER_CHARS || !/^[\d+\-*()]+$/.test(answer) || /(^|\D)0\d/.test(answer)) return 'unparseable';
  let tree: ExprNode;
  try {
    tree = parseExpression(answer);
  } catch {
    return 'unparseable';
  }
  for (const ch of answer) if ('+-*'.includes(ch) && !allowed.includes(ch)) return 'operator';
  const used = leaves(tree, []).sort((a, b) => a - b);
  const given = [...numbers].sort((a, b) => a - b);
  if (used.length !== given.length || used.some((v, i) => v !== given[i])) return 'numbers';
  return evalNode(tree) === target ? null : 'value';
}

/**
 * A think segment's candidate: the left side of its last "lhs=value" step,
 * e.g. "3+5+7=15" -> "3+5+7". Null when the segment states no such step.
 */
export function countdownCandidate(segment: string): string | null {
  const eq = segment.lastIndexOf('=');
  if (eq <= 0) return null;
  const lhs = segment.slice(segment.lastIndexOf(';', eq) + 1, eq);
  return lhs.length > 0 ? lhs : null;
}

/** The value a segment claims for its candidate ("3+5+7=15" -> 15), or null. */
export function claimedValue(segment: string): number | null {
  const eq = segment.lastIndexOf('=');
  if (eq < 0) return null;
  const m = /^-?\d+/.exec(segment.slice(eq + 1));
  return m ? parseInteger(m[0]) : null;
}

export const COUNTDOWN_STYLES = ['guess', 'search', 'searchWrong'] as const;
export type CountdownStyle = (typeof COUNTDOWN_STYLES)[number];

/** At most this many wrong candidates in a searchWrong trace before it gives up. */
export const SEARCH_WRONG_CAP = 3;

function segment(c: Candidate): string {
  return `${c.expr}=${c.value}`;
}

/**
 * The think segments and the answer of a countdown trace:
 *   guess        one candidate drawn uniformly from the search order, evaluated and committed (right or wrong)
 *   search       the search order up to and including the first candidate that reaches the target
 *   searchWrong  the wrong candidates in search order, at most SEARCH_WRONG_CAP, committing to the last:
 *                structured search that ends wrong (Gandhi et al. 2025's "incorrect but structured" control)
 * Only guess draws from rng (one draw).
 */
export function countdownTrace(numbers: readonly number[], target: number, difficulty: number, style: CountdownStyle, rng: Rng | null): { segments: string[]; answer: string } {
  const order = searchOrder(numbers, difficulty);
  switch (style) {
    case 'guess': {
      if (!rng) throw new Error('countdownTrace: guess needs an rng');
      const c = order[rng.int(order.length)]!;
      return { segments: [segment(c)], answer: c.expr };
    }
    case 'search': {
      const hit = order.findIndex((c) => c.value === target);
      if (hit < 0) throw new Error(`internal: no pattern of ${numbers.join(';')} reaches ${target}`);
      return { segments: order.slice(0, hit + 1).map(segment), answer: order[hit]!.expr };
    }
    case 'searchWrong': {
      const wrong = order.filter((c) => c.value !== target).slice(0, SEARCH_WRONG_CAP);
      // never empty: all '+' and all '-' differ for numbers >= 1, so some pattern misses any target
      if (wrong.length === 0) throw new Error(`internal: every pattern of ${numbers.join(';')} reaches ${target}`);
      return { segments: wrong.map(segment), answer: wrong[wrong.length - 1]!.expr };
    }
  }
}

/** The completion text of a countdown trace (format.ts's format). */
export function countdownCompletion(numbers: readonly number[], target: number, difficulty: number, style: CountdownStyle, rng: Rng | null): string {
  const t = countdownTrace(numbers, target, difficulty, style, rng);
  return formatCompletion(t.segments, t.answer);
}

const digits = (n: number) => String(Math.abs(n)).length + (n < 0 ? 1 : 0);

/** Tokens of the longest value any pattern can take, sign included (exact). */
function valueTokens(s: CountdownShape): number {
  const times = s.ops.includes('*');
  const hi = times ? s.maxValue ** s.numbers : s.numbers * s.maxValue;
  const lo = 1 - (times ? s.maxValue ** (s.numbers - 1) : (s.numbers - 1) * s.maxValue);
  return Math.max(digits(hi), digits(lo));
}

/** Longest prompt "<bos>a;b;c=target" of a difficulty. */
export function countdownPromptTokens(difficulty: number): number {
  const s = countdownShape(difficulty);
  return 1 + s.numbers * digits(s.maxValue) + (s.numbers - 1) + 1 + valueTokens(s);
}

/**
 * Longest completion of a style, in tokens: an upper bound (every segment at
 * the longest numbers and value), exact for d=1's + and - .
 */
export function countdownCompletionTokens(difficulty: number, style: CountdownStyle): number {
  const s = countdownShape(difficulty);
  const exprTokens = s.numbers * digits(s.maxValue) + (s.numbers - 1);
  const segmentTokens = exprTokens + 1 + valueTokens(s);
  const patterns = s.ops.length ** (s.numbers - 1);
  const segments = style === 'guess' ? 1 : style === 'search' ? patterns : Math.min(SEARCH_WRONG_CAP, patterns - 1);
  // <think> segments joined by <wait> </think><answer> expr </answer><eos>
  return 1 + segments * segmentTokens + (segments - 1) + 2 + exprTokens + 2;
}
