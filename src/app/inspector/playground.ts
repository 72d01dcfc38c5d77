// Pure helpers of the playground: reading a streamed answer's per-token
// experts (SampleExperts.idx is (length,L,k), like GrpoSample.experts), and
// reading the typed question and judging the answer for the run's task.
import type { TaskFamily } from '../../core/config';
import { classifyAha } from '../../rl/aha';
import { checkCountdown, countdownShape } from '../../tasks/countdown';
import { evaluateExpression } from '../../tasks/expr';
import { parseCompletion } from '../../tasks/format';
import { answerIsRight, type Expected as JudgeExpected } from '../../tasks/judge';
import type { SampleExperts } from '../../train/protocol';

/** The k routed experts of each layer for token j: [layer][choice]. Empty when the experts are not known (yet). */
export function tokenExperts(x: SampleExperts | null, j: number): number[][] {
  if (!x || (j + 1) * x.L * x.k > x.idx.length) return [];
  return Array.from({ length: x.L }, (_, l) => Array.from(x.idx.subarray((j * x.L + l) * x.k, (j * x.L + l + 1) * x.k)));
}

/** "L1: e2 e5 · L2: e0 e7" for a tooltip or readout. */
export function expertsText(perLayer: readonly (readonly number[])[]): string {
  return perLayer.map((es, l) => `L${l + 1}: ${es.map((e) => `e${e}`).join(' ')}`).join(' · ');
}

// --- the question and the verdict -------------------------------------------------
//
// What the user types is judged the way the trainer judges a rollout
// (tasks/judge.ts answerIsRight), so the playground's "right" is the accuracy
// reward's. A countdown run takes "3;5;7=5" (the given numbers, ';'-separated,
// '=' and the target: the prompt the model is trained on); an arithmetic run
// takes "47+85=" (judged when the text before '=' is an expression).

export type Expected = Exclude<JudgeExpected, number>;

/** A question ready to send (`expected` null: asked, but not judged), or why it cannot be sent. */
export type Question =
  | { ok: true; prompt: string; expected: Expected | null; note: string | null }
  | { ok: false; error: string };

const COUNTDOWN_RE = /^(\d+(?:;\d+)+)=(-?\d+)$/;

/** A countdown problem of each difficulty (1..5) for the input to start with: solvable, and of the difficulty's shape. */
export const COUNTDOWN_EXAMPLES: readonly string[] = ['3;5;7=5', '3;5;7;2=7', '3;5;7=38', '12;5;7=47', '3;5;7;2=24'];

/** What the problem box holds before the user types: an example of the run's task. */
export function defaultProblem(family: TaskFamily, difficulty: number): string {
  return family === 'countdown' ? (COUNTDOWN_EXAMPLES[difficulty - 1] ?? COUNTDOWN_EXAMPLES[0]!) : '47+85=';
}

/** The placeholder of the problem box. */
export function problemHint(family: TaskFamily): string {
  return family === 'countdown' ? 'numbers;…=target, e.g. 3;5;7=5' : 'e.g. 47+85=';
}

/**
 * Can some expression of `numbers` (each exactly once, the binary operators
 * `ops`, any parentheses, no unary minus) reach `target`? The countdown
 * verifier's language, searched exhaustively (at most 4 numbers: a few
 * thousand trees).
 */
export function countdownSolvable(numbers: readonly number[], target: number, ops: readonly string[]): boolean {
  const go = (xs: number[]): boolean => {
    if (xs.length === 1) return xs[0] === target;
    for (let i = 0; i < xs.length; i++) {
      for (let j = i + 1; j < xs.length; j++) {
        const rest = xs.filter((_, k) => k !== i && k !== j);
        const a = xs[i]!, b = xs[j]!;
        const vals = [...(ops.includes('+') ? [a + b] : []), ...(ops.includes('-') ? [a - b, b - a] : []), ...(ops.includes('*') ? [a * b] : [])];
        for (const v of vals) if (go([...rest, v])) return true;
      }
    }
    return false;
  };
  return numbers.length <= 6 && go([...numbers]);
}

/** Reads the problem box for a run of this family and difficulty. The tokenizer check (tokens.ts checkProblem) comes first. */
export function readQuestion(text: string, family: TaskFamily, difficulty: number): Question {
  const body = text.startsWith('<bos>') ? text.slice('<bos>'.length) : text;
  const cd = COUNTDOWN_RE.exec(body);
  if (family !== 'countdown') {
    if (cd) return { ok: false, error: `This run's task is ${family} arithmetic: type a problem such as 47+85= (a countdown problem like ${body} needs a countdown run).` };
    let expected: Expected | null = null;
    if (body.endsWith('=')) {
      try {
        const value = evaluateExpression(body.slice(0, -1));
        expected = { family, difficulty, operands: [], answer: value };
      } catch {
        expected = null; // not an expression: asked as typed, not judged
      }
    }
    return { ok: true, prompt: text, expected, note: expected ? null : 'Not a problem of the form 47+85=: the answer is shown but not judged.' };
  }
  const shape = countdownShape(difficulty);
  const example = defaultProblem('countdown', difficulty);
  if (!cd) {
    const why = /[+*()]|\d-\d/.test(body)
      ? 'type the numbers and the target, not an expression: the model writes the expression.'
      : !body.includes('=') ? 'the target is missing: end with "=" and the number to reach.'
      : 'write the given numbers separated by ";", then "=" and the target.';
    return { ok: false, error: `A countdown problem looks like ${example}: ${why}` };
  }
  const parts = cd[1]!.split(';');
  if (parts.some((p) => /^0\d/.test(p)) || /^-?0\d/.test(cd[2]!)) return { ok: false, error: 'Write numbers without leading zeros (7, not 07): the model and the verifier read them as written.' };
  if (parts.length > 6) return { ok: false, error: `At most 6 numbers (this run's problems have ${shape.numbers}).` };
  const numbers = parts.map(Number);
  const target = Number(cd[2]!);
  const notes: string[] = [];
  if (numbers.length !== shape.numbers || numbers.some((n) => n < 1 || n > shape.maxValue)) {
    notes.push(`This run's problems (countdown d=${difficulty}) have ${shape.numbers} numbers from 1 to ${shape.maxValue}: the model has not seen this shape.`);
  }
  if (!countdownSolvable(numbers, target, shape.ops)) {
    notes.push(`No expression of ${numbers.join(', ')} with ${shape.ops.join(' ')} reaches ${target}: no answer can be right.`);
  }
  return { ok: true, prompt: body, expected: { family: 'countdown', difficulty, operands: numbers, answer: target }, note: notes.length > 0 ? notes.join(' ') : null };
}

export interface Verdict {
  right: boolean;
  /** The <answer> text (as the accuracy reward reads it), or null when there is none. */
  answer: string | null;
  /** Think segments that state a candidate (rl/aha.ts attempts). */
  attempts: number;
  /** One line for the page. */
  text: string;
}

/** Why a countdown answer fails, in words. */
function countdownWhy(e: Expected, answer: string): string {
  const v = checkCountdown(answer, e.operands, e.answer, countdownShape(e.difficulty).ops);
  switch (v) {
    case null: return `reaches ${e.answer} using each number once`;
    case 'empty': return 'the answer is empty';
    case 'unparseable': return 'not an expression of numbers, + - * and parentheses';
    case 'operator': return `uses an operator countdown d=${e.difficulty} does not allow (only ${countdownShape(e.difficulty).ops.join(' ')})`;
    case 'numbers': return `does not use ${e.operands.join(', ')} each exactly once`;
    case 'value': {
      let got: string;
      try {
        got = String(evaluateExpression(answer));
      } catch {
        got = '?';
      }
      return `makes ${got}, not ${e.answer}`;
    }
  }
}

/** Judges a finished completion as the accuracy reward does (tasks/judge.ts). */
export function judgeCompletion(e: Expected, completion: string): Verdict {
  const answer = parseCompletion(completion).answerText;
  const right = answerIsRight(e, answer);
  const attempts = classifyAha(completion, e).attempts;
  const tries = e.family === 'countdown' ? `; ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  let text: string;
  if (answer === null) text = `no <answer>: wrong${tries}`;
  else if (e.family === 'countdown') text = `${answer}: ${right ? 'right' : 'wrong'} (${countdownWhy(e, answer)})${tries}`;
  else text = `${answer}: ${right ? 'right' : `wrong (the answer is ${e.answer})`}`;
  return { right, answer, attempts, text };
}

/**
 * Two engines' greedy answers to one question (the WGSL engine's tokens and
 * onnxruntime-web's): equal token for token, or the first position where they
 * part. At temperature 0 they should agree; a difference is a numerical one
 * (an argmax tie broken by float rounding) or a bug.
 */
export function agreement(a: readonly number[], b: readonly number[]): { agree: boolean; text: string } {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n && a.length === b.length) return { agree: true, text: `✓ The engines agree: the same ${a.length} token${a.length === 1 ? '' : 's'}.` };
  return { agree: false, text: `✗ The engines differ from token ${i + 1} on (${a.length} and ${b.length} tokens).` };
}
