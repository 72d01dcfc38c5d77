// The aha detector of DESIGN §6. The think section is split by <wait> into
// segments (tasks/format.ts); each may state a candidate answer (the integer
// after its last '='). A completion is classified as:
//   reflection    at least one <wait>
//   aha           a candidate before a <wait> was wrong and the final answer is right
//   verification  reflected, at least one candidate before a <wait>, every stated
//                 candidate equals the final answer, and it is right
//   overthinking  a right candidate before a <wait> became a wrong final answer
// aha, verification and overthinking exclude each other and all imply
// reflection; a reflected completion may be none of them (wrong throughout,
// or no candidate before its <wait>). Candidates that do not parse are
// ignored: they are neither right nor wrong.
//
// Final answer: the text in <answer>…</answer>. When the text has no
// <answer> tag at all, the last segment's candidate stands in for it (a
// truncated completion still says what it concluded). A tag that is present
// but unclosed or not an answer gives no final answer, which counts as wrong.
//
// One detector for every family: "right" is tasks/judge.ts's answerIsRight.
// An arithmetic candidate is the integer after a segment's last '=', a
// countdown candidate the expression before it ("3+5+7=15" states 3+5+7),
// judged by its true value, not the value the segment claims. attempts counts
// the segments that state a candidate: the checked candidates of a search.

import { parseCompletion } from '../tasks/format';
import { answerIsRight, segmentAnswer, type Expected } from '../tasks/judge';

const THINK = '<think>';
const WAIT = '<wait>';

/** A run of segments and the characters it covers in the completion text, [start, end). */
export interface AhaSpan {
  fromSegment: number;
  toSegment: number;
  start: number;
  end: number;
}

export interface AhaResult {
  reflection: boolean;
  aha: boolean;
  verification: boolean;
  overthinking: boolean;
  /** The final answer as an integer (arithmetic; null for countdown, whose answer is an expression: finalText). */
  finalAnswer: number | null;
  /** The final answer as written (the <answer> text, or the last segment's candidate), or null. */
  finalText: string | null;
  /** Candidate of each think segment (null where none parses): arithmetic, the integer after its last '='; countdown, the value it claims. */
  candidates: (number | null)[];
  /** Whether each segment's candidate is right; null where the segment states none. */
  candidateRight: (boolean | null)[];
  /** Segments that state a candidate: the attempts of a search (1 for a plain answer). */
  attempts: number;
  /** Character offset of each <wait> in the text, for highlighting. */
  waitOffsets: number[];
  /**
   * For aha: from the last wrong candidate's segment before a <wait> to the
   * first later segment stating the final answer (the last segment if none
   * does). For overthinking: the same from the last right candidate to the
   * first later wrong one. Null for every other class.
   */
  span: AhaSpan | null;
}

export function classifyAha(text: string, expected: Expected): AhaResult {
  const p = parseCompletion(text);
  const segs = p.segments;
  const candidates = segs.map((s) => s.candidate);
  const stated = segs.map((s) => segmentAnswer(expected, s.text));
  const candidateRight = stated.map((a) => (a === null ? null : answerIsRight(expected, a)));
  const last = segs.length - 1;
  const hasTag = text.includes('<answer>');
  const finalText = hasTag ? p.answerText : last >= 0 ? stated[last]! : null;
  const finalAnswer = hasTag ? p.answer : last >= 0 ? candidates[last]! : null;
  const finalRight = answerIsRight(expected, finalText);

  // Segment offsets: think text starts right after <think>, segments are joined by <wait>.
  const starts: number[] = [];
  let pos = THINK.length;
  for (const s of segs) {
    starts.push(pos);
    pos += s.text.length + WAIT.length;
  }
  const end = (i: number) => starts[i]! + segs[i]!.text.length;
  const waitOffsets = segs.slice(0, -1).map((_, i) => end(i));

  const reflection = p.waits > 0;
  const before = candidateRight.slice(0, Math.max(0, last)); // segments followed by a <wait>
  const lastIndex = (want: boolean) => {
    for (let i = before.length - 1; i >= 0; i--) if (before[i] === want) return i;
    return -1;
  };
  const wrongBefore = lastIndex(false);
  const rightBefore = lastIndex(true);

  const aha = reflection && finalRight && wrongBefore >= 0;
  // every stated candidate right: for arithmetic, the same as "equal to the (right) final answer"
  const verification = reflection && finalRight && before.some((c) => c !== null) && candidateRight.every((c) => c !== false);
  const overthinking = reflection && !finalRight && rightBefore >= 0;

  let span: AhaSpan | null = null;
  const spanFrom = (from: number, want: boolean): AhaSpan => {
    let to = last;
    for (let j = from + 1; j <= last; j++) {
      if (candidateRight[j] === want) { to = j; break; }
    }
    return { fromSegment: from, toSegment: to, start: starts[from]!, end: end(to) };
  };
  if (aha) span = spanFrom(wrongBefore, true);
  else if (overthinking) span = spanFrom(rightBefore, false);

  const attempts = stated.filter((a) => a !== null).length;
  return { reflection, aha, verification, overthinking, finalAnswer, finalText, candidates, candidateRight, attempts, waitOffsets, span };
}

export interface AhaRates {
  reflection: number;
  aha: number;
  verification: number;
  overthinking: number;
}

/** Fraction of completions in each class; all 0 for an empty list. */
export function ahaRates(list: readonly AhaResult[]): AhaRates {
  const n = list.length;
  const frac = (k: keyof AhaRates) => (n ? list.filter((r) => r[k]).length / n : 0);
  return { reflection: frac('reflection'), aha: frac('aha'), verification: frac('verification'), overthinking: frac('overthinking') };
}

/** Completions in each class, out of n: the counts behind ahaRates, for intervals. */
export interface AhaCounts {
  n: number;
  reflection: number;
  aha: number;
  verification: number;
  overthinking: number;
  /** Sum of attempts over the completions (mean = attempts / n). */
  attempts: number;
}

export function ahaCounts(list: readonly AhaResult[]): AhaCounts {
  const count = (k: 'reflection' | 'aha' | 'verification' | 'overthinking') => list.filter((r) => r[k]).length;
  return {
    n: list.length,
    reflection: count('reflection'),
    aha: count('aha'),
    verification: count('verification'),
    overthinking: count('overthinking'),
    attempts: list.reduce((s, r) => s + r.attempts, 0),
  };
}
