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
// Final answer: the integer in <answer>…</answer>. When the text has no
// <answer> tag at all, the last segment's candidate stands in for it (a
// truncated completion still says what it concluded). A tag that is present
// but unclosed or not an integer gives no final answer, which counts as wrong.

import { parseCompletion } from '../tasks/format';

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
  finalAnswer: number | null;
  /** Candidate of each think segment (null where none parses). */
  candidates: (number | null)[];
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

export function classifyAha(text: string, expected: number): AhaResult {
  const p = parseCompletion(text);
  const segs = p.segments;
  const candidates = segs.map((s) => s.candidate);
  const last = segs.length - 1;
  const finalAnswer = text.includes('<answer>') ? p.answer : last >= 0 ? candidates[last]! : null;
  const finalRight = finalAnswer !== null && finalAnswer === expected;

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
  const before = candidates.slice(0, Math.max(0, last)); // candidates of segments followed by a <wait>
  const lastIndex = (pred: (c: number) => boolean) => {
    for (let i = before.length - 1; i >= 0; i--) if (before[i] !== null && pred(before[i]!)) return i;
    return -1;
  };
  const wrongBefore = lastIndex((c) => c !== expected);
  const rightBefore = lastIndex((c) => c === expected);
  const stated = candidates.filter((c): c is number => c !== null);

  const aha = reflection && finalRight && wrongBefore >= 0;
  const verification =
    reflection && finalRight && before.some((c) => c !== null) && stated.every((c) => c === finalAnswer);
  const overthinking = reflection && !finalRight && rightBefore >= 0;

  let span: AhaSpan | null = null;
  const spanFrom = (from: number, isTarget: (c: number) => boolean): AhaSpan => {
    let to = last;
    for (let j = from + 1; j <= last; j++) {
      const c = candidates[j];
      if (c !== null && c !== undefined && isTarget(c)) { to = j; break; }
    }
    return { fromSegment: from, toSegment: to, start: starts[from]!, end: end(to) };
  };
  if (aha) span = spanFrom(wrongBefore, (c) => c === finalAnswer);
  else if (overthinking) span = spanFrom(rightBefore, (c) => c !== expected);

  return { reflection, aha, verification, overthinking, finalAnswer, candidates, waitOffsets, span };
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
