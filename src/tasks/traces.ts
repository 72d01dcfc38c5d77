// The four trace styles of the base corpus (DESIGN §4), in the completion
// format of format.ts. Steps are separated by ';' and each is a true-looking
// equation "lhs=value"; the last step restates the whole problem.
//
//   direct     <think>47+85=132</think><answer>132</answer><eos>
//   stepwise   <think>7+5=12;4+8+1=13;47+85=132</think>…
//   slip       one step off (a dropped carry/borrow or a result off by one),
//              every later step computed honestly from it: a wrong answer
//   corrected  the slip trace, <wait>, then every step from the slipped one
//              on redone correctly:  …;47+85=142<wait>4+8+1=13;47+85=132
//
// Step formats per family (units column first):
//   add    column sums with the carry as "+1":      7+5=12;4+8+1=13;47+85=132
//   sub    larger minus smaller; a borrow shows as the "1" in front of the
//          column digit, a borrowed-from column as "-1": 15-7=8;8-1-4=3;85-47=38
//          and when a<b the swap is stated:            …;85-47=38;47-85=-38
//   mul    one-digit multiplier: digit by digit with carries: 7*5=35;4*5+3=23;47*5=235
//          longer: one partial product per non-zero multiplier digit, then
//          their sum:     47*5=235;47*30=1410;235+1410=1645;47*35=1645
//   mixed  one operation at a time in precedence order (post-order of the
//          parse tree); a negative right operand is parenthesised:
//                         3*4=12;2+12=14;14-5=9;2+3*4-5=9
// A column with a single digit and no carry is not a step (nothing to do).

import { formatCompletion } from './format';
import type { Rng } from '../core/rng';
import { applyOp, parseExpression, type ExprNode } from './expr';
import type { Problem } from './problems';

export const TRACE_STYLES = ['direct', 'stepwise', 'slip', 'corrected'] as const;
export type TraceStyle = (typeof TRACE_STYLES)[number];

/** A slip at step `at`: its result moved by `delta`, or (drop) its incoming carry/borrow forgotten. */
export interface Slip {
  at: number;
  delta: number;
  drop: boolean;
}

/** Collects the steps of one worked solution, applying at most one slip. */
class Work {
  readonly steps: string[] = [];
  /** Every slip the steps offer (only meaningful for the run without a slip). */
  readonly sites: Slip[] = [];
  constructor(private readonly slip: Slip | null) {}

  /** Registers the slips the next step offers; returns the slip to apply to it, if any. */
  next(deltas: readonly number[], canDrop: boolean): Slip | null {
    const at = this.steps.length;
    for (const delta of deltas) this.sites.push({ at, delta, drop: false });
    if (canDrop) this.sites.push({ at, delta: 0, drop: true });
    return this.slip !== null && this.slip.at === at ? this.slip : null;
  }

  push(text: string): void {
    this.steps.push(text);
  }

  /** Restates "expr=value" unless the last step already says exactly that. */
  finish(expr: string, value: number): void {
    const line = `${expr}=${value}`;
    if (this.steps[this.steps.length - 1] !== line) this.steps.push(line);
  }
}

export interface Solution {
  steps: string[];
  value: number;
  sites: Slip[];
}

/** Digits of a non-negative integer, units first: 470 -> [0, 7, 4]. */
function digitsOf(n: number): number[] {
  const out: number[] = [];
  do {
    out.push(n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return out;
}

function solveAdd(a: number, b: number, w: Work): number {
  const da = digitsOf(a);
  const db = digitsOf(b);
  let carry = 0;
  let result = 0;
  for (let j = 0, place = 1; j < Math.max(da.length, db.length); j++, place *= 10) {
    const terms = [da[j], db[j]].filter((t): t is number => t !== undefined);
    if (terms.length + (carry > 0 ? 1 : 0) < 2) {
      result += terms[0]! * place; // a lone digit, carry 0: copied down
      continue;
    }
    const base = terms[0]! + (terms[1] ?? 0);
    const s = w.next(base + carry > 0 ? [1, -1] : [1], carry > 0);
    const c = s?.drop ? 0 : carry;
    const sum = base + c + (s?.delta ?? 0);
    w.push(terms.join('+') + (c > 0 ? `+${c}` : '') + `=${sum}`);
    result += (sum % 10) * place;
    carry = Math.floor(sum / 10);
  }
  result += carry * 10 ** Math.max(da.length, db.length);
  w.finish(`${a}+${b}`, result);
  return result;
}

function solveSub(a: number, b: number, w: Work): number {
  const neg = a < b;
  const [x, y] = neg ? [b, a] : [a, b];
  const dx = digitsOf(x);
  const dy = digitsOf(y);
  let borrow = 0;
  let r = 0;
  for (let j = 0, place = 1; j < dx.length; j++, place *= 10) {
    const xd = dx[j]!;
    const yd = dy[j];
    if (yd === undefined && borrow === 0) {
      r += xd * place;
      continue;
    }
    const sub = yd ?? 0;
    const correct = xd - borrow - sub < 0 ? xd + 10 - borrow - sub : xd - borrow - sub;
    const deltas = [...(correct < 9 ? [1] : []), ...(correct > 0 ? [-1] : [])];
    const s = w.next(deltas, borrow > 0 && yd !== undefined);
    const bIn = s?.drop ? 0 : borrow;
    const bOut = xd - bIn - sub < 0 ? 1 : 0;
    const top = xd + 10 * bOut;
    const v = top - bIn - sub + (s?.delta ?? 0);
    w.push(`${top}` + (bIn > 0 ? '-1' : '') + (yd !== undefined ? `-${yd}` : '') + `=${v}`);
    r += v * place;
    borrow = bOut;
  }
  w.finish(`${x}-${y}`, r);
  const value = neg ? -r : r;
  w.finish(`${a}-${b}`, value === 0 ? 0 : value);
  return value === 0 ? 0 : value;
}

function solveMul(a: number, b: number, w: Work): number {
  let result = 0;
  if (b < 10) {
    const da = digitsOf(a);
    let carry = 0;
    for (let j = 0, place = 1; j < da.length; j++, place *= 10) {
      const prod = da[j]! * b;
      const s = w.next(prod + carry > 0 ? [1, -1] : [1], carry > 0);
      const c = s?.drop ? 0 : carry;
      const v = prod + c + (s?.delta ?? 0);
      w.push(`${da[j]!}*${b}` + (c > 0 ? `+${c}` : '') + `=${v}`);
      result += (v % 10) * place;
      carry = Math.floor(v / 10);
    }
    result += carry * 10 ** da.length;
  } else {
    const db = digitsOf(b);
    const partials: number[] = [];
    for (let j = 0, place = 1; j < db.length; j++, place *= 10) {
      if (db[j] === 0) continue;
      const m = db[j]! * place;
      const p0 = a * m;
      // A slip here is the partial product's last digit off by one.
      const s = w.next(p0 >= place ? [place, -place] : [place], false);
      const p = p0 + (s?.delta ?? 0);
      w.push(`${a}*${m}=${p}`);
      partials.push(p);
    }
    result = partials.reduce((x, y) => x + y, 0);
    if (partials.length > 1) {
      const s = w.next(result > 0 ? [1, -1] : [1], false);
      result += s?.delta ?? 0;
      w.push(`${partials.join('+')}=${result}`);
    }
  }
  w.finish(`${a}*${b}`, result);
  return result;
}

function show(v: number, right: boolean): string {
  return right && v < 0 ? `(${v})` : `${v}`;
}

function solveMixed(expr: string, w: Work): number {
  const walk = (n: ExprNode): number => {
    if (n.kind === 'num') return n.value;
    const l = walk(n.left);
    const r = walk(n.right);
    const s = w.next([1, -1], false);
    const v = applyOp(n.op, l, r) + (s?.delta ?? 0);
    w.push(`${show(l, false)}${n.op}${show(r, true)}=${v}`);
    return v;
  };
  const value = walk(parseExpression(expr));
  w.finish(expr, value);
  return value;
}

/** The worked steps of a problem, with an optional slip applied and honestly propagated. */
export function solve(problem: Problem, slip: Slip | null = null): Solution {
  const w = new Work(slip);
  const [a, b] = [problem.operands[0]!, problem.operands[1]!];
  let value: number;
  switch (problem.family) {
    case 'add':
      value = solveAdd(a, b, w);
      break;
    case 'sub':
      value = solveSub(a, b, w);
      break;
    case 'mul':
      value = solveMul(a, b, w);
      break;
    case 'mixed':
      value = solveMixed(problem.expr, w);
      break;
    case 'countdown':
      throw new Error('solve: countdown traces are a search, not worked steps (countdown.ts)');
  }
  return { steps: w.steps, value, sites: w.sites };
}

/** Every slip of the problem that ends in a wrong answer (never empty: the last step's ±1 always does). */
export function wrongSlips(problem: Problem): Slip[] {
  return solve(problem).sites.filter((s) => solve(problem, s).value !== problem.answer);
}

/** The trace of `problem` in `style`, with the slip built from `slip` or drawn from rng. */
export function traceWithSlip(problem: Problem, style: TraceStyle, slip: Slip | null): string {
  const right = solve(problem);
  if (right.value !== problem.answer) throw new Error(`internal: ${problem.expr} solved to ${right.value}, not ${problem.answer}`);
  switch (style) {
    case 'direct':
      return formatCompletion([`${problem.expr}=${problem.answer}`], problem.answer);
    case 'stepwise':
      return formatCompletion([right.steps.join(';')], problem.answer);
    case 'slip':
    case 'corrected': {
      if (slip === null) throw new Error(`traceWithSlip: style ${style} needs a slip`);
      const wrong = solve(problem, slip);
      if (wrong.value === problem.answer) throw new Error(`internal: slip ${JSON.stringify(slip)} leaves ${problem.expr} right`);
      if (style === 'slip') return formatCompletion([wrong.steps.join(';')], wrong.value);
      return formatCompletion([wrong.steps.join(';'), right.steps.slice(slip.at).join(';')], problem.answer);
    }
  }
}

/** The completion of `problem` in `style`; slip styles draw which slip from rng (one draw). */
export function traceFor(problem: Problem, style: TraceStyle, rng: Rng): string {
  if (style === 'direct' || style === 'stepwise') return traceWithSlip(problem, style, null);
  const slips = wrongSlips(problem);
  if (slips.length === 0) throw new Error(`internal: no slip makes ${problem.expr} wrong`);
  return traceWithSlip(problem, style, slips[rng.int(slips.length)]!);
}
