// The completion format every task, trace, reward and the aha detector share:
//
//   completion = <think>{work}</think><answer>{number}</answer><eos>
//   work       = segment (<wait> segment)*
//   segment    = steps separated by ';', e.g. "7+5=12;4+8+1=13;47+85=132"
//
// A segment's candidate answer is the (signed) integer after its last '='.
// So a self-correction reads "...;47+85=142<wait>4+8+1=13;47+85=132": the
// candidate before <wait> is 142, the final one 132.

import { TOK, decode } from '../core/tokenizer';

export interface Segment {
  text: string;
  /** Integer after the segment's last '=', or null when the segment states none. */
  candidate: number | null;
}

export interface ParsedCompletion {
  /** Exactly <think>…</think><answer>…</answer>, optionally followed by <eos>, nothing else. */
  wellFormed: boolean;
  /** Text between <think> and </think> (or to the end / <answer> when unclosed); null without <think>. */
  think: string | null;
  /** Integer inside <answer>…</answer>; null when missing or not a plain integer. */
  answer: number | null;
  /** Text inside the first <answer>…</answer> as written (a countdown answer is an expression); null when there is none. */
  answerText: string | null;
  segments: Segment[];
  /** Number of <wait> tokens in the think section. */
  waits: number;
  /** The completion ended with <eos> (false means it was truncated or ran on). */
  terminated: boolean;
}

// Canonical integers only: no leading zeros, no "-0". The corpus never writes
// them, and accepting "0132" as 132 would let a policy be rewarded for an
// answer in a form the task never uses.
const INT_RE = /^(0|-?[1-9]\d*)$/;

/** Parses a canonical signed decimal integer; null unless the whole string is one (at most 15 digits, exact in f64). */
export function parseInteger(s: string): number | null {
  if (!INT_RE.test(s) || s.replace('-', '').length > 15) return null;
  return Number(s);
}

/** The integer after the last '=' of a segment, e.g. "4+8+1=13;47+85=132" -> 132. */
export function segmentCandidate(segment: string): number | null {
  const eq = segment.lastIndexOf('=');
  if (eq < 0) return null;
  const tail = segment.slice(eq + 1);
  const m = /^-?\d+/.exec(tail);
  return m ? parseInteger(m[0]) : null;
}

export function parseCompletion(text: string): ParsedCompletion {
  const terminated = text.endsWith('<eos>');
  const body = terminated ? text.slice(0, -'<eos>'.length) : text;
  const m = /^<think>(.*)<\/think><answer>(.*)<\/answer>$/s.exec(body);
  const wellFormed = m !== null && !m[1]!.includes('<think>') && !m[1]!.includes('</think>') && !/<(?!wait>)/.test(m[1]!) && !m[2]!.includes('<');

  let think: string | null = null;
  if (body.startsWith('<think>')) {
    const rest = body.slice('<think>'.length);
    const end = rest.indexOf('</think>');
    const ans = rest.indexOf('<answer>');
    const stop = end >= 0 ? end : ans >= 0 ? ans : rest.length;
    think = rest.slice(0, stop);
  }

  let answer: number | null = null;
  const a = /<answer>(.*?)<\/answer>/s.exec(body);
  if (a) answer = parseInteger(a[1]!);
  const answerText = a ? a[1]! : null;

  const parts = think === null ? [] : think.split('<wait>');
  const segments = parts.map((p) => ({ text: p, candidate: segmentCandidate(p) }));
  return { wellFormed, think, answer, answerText, segments, waits: Math.max(0, parts.length - 1), terminated };
}

/** parseCompletion on token ids; ids after the first <eos> are ignored. */
export function parseCompletionIds(ids: ArrayLike<number>): ParsedCompletion {
  const list = Array.from(ids);
  const eos = list.indexOf(TOK.eos);
  return parseCompletion(decode(eos >= 0 ? list.slice(0, eos + 1) : list));
}

/** Builds a completion string from think segments and the final answer. */
export function formatCompletion(segments: readonly string[], answer: number | string): string {
  return `<think>${segments.join('<wait>')}</think><answer>${answer}</answer><eos>`;
}
