// Is an answer right? One place for every family, so rewards, the aha
// detector and evaluation agree. An arithmetic answer is a canonical integer
// equal to the problem's value; a countdown answer is an expression that the
// countdown verifier accepts (countdown.ts). A bare number stands for an
// arithmetic problem with that answer (the tests' and the inspector's form).

import { checkCountdown, countdownCandidate, countdownShape } from './countdown';
import { parseInteger, segmentCandidate } from './format';
import type { Problem } from './problems';

export type Expected = number | Pick<Problem, 'family' | 'difficulty' | 'operands' | 'answer'>;

/** The value the answer must reach: the arithmetic answer or the countdown target. */
export function expectedValue(e: Expected): number {
  return typeof e === 'number' ? e : e.answer;
}

/** Is the text inside <answer>…</answer> right for this problem? */
export function answerIsRight(e: Expected, answerText: string | null): boolean {
  if (answerText === null) return false;
  if (typeof e !== 'number' && e.family === 'countdown') {
    return checkCountdown(answerText, e.operands, e.answer, countdownShape(e.difficulty).ops) === null;
  }
  const v = parseInteger(answerText);
  return v !== null && v === expectedValue(e);
}

/**
 * The answer a think segment states, as answer text: the integer after its
 * last '=' (arithmetic) or the expression before it (countdown); null when it
 * states none.
 */
export function segmentAnswer(e: Expected, segment: string): string | null {
  if (typeof e !== 'number' && e.family === 'countdown') return countdownCandidate(segment);
  const c = segmentCandidate(segment);
  return c === null ? null : String(c);
}
