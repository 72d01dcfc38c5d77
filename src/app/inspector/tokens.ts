// Pure display helpers of the step inspector, the aha feed and the playground:
// splitting a completion into tokens with their character offsets (the aha
// detector reports offsets into the decoded text), picking the per-token value
// of a token view, mapping values to colours, and grouping a step's samples.
// No model math: every number shown was computed by the trainer.

import { TokenizerError, VOCAB, encode } from '../../core/tokenizer';
import type { AhaSpan } from '../../rl/aha';
import type { GrpoSample } from '../../train/grpo';
import type { TokenView } from '../store';

export const TOKEN_VIEWS: readonly { value: TokenView; label: string }[] = [
  { value: 'logp', label: 'log-prob' },
  { value: 'ratio', label: 'ratio' },
  { value: 'clip', label: 'clipped' },
  { value: 'kl', label: 'KL' },
  { value: 'expert', label: 'experts' },
];

export interface TokenPiece {
  /** Index in the completion's tokens. */
  index: number;
  text: string;
  /** Character offset of the token in decode(tokens). */
  start: number;
  end: number;
  wait: boolean;
  /** Inside the detected aha (or overthinking) span. */
  inSpan: boolean;
}

/** tokens is (length); the pieces tile decode(tokens), so the aha detector's character offsets land on them. */
export function tokenPieces(tokens: ArrayLike<number>, span: AhaSpan | null): TokenPiece[] {
  const out: TokenPiece[] = [];
  let at = 0;
  for (let i = 0; i < tokens.length; i++) {
    const text = VOCAB[tokens[i]!] ?? '?';
    const start = at;
    at += text.length;
    const inSpan = span !== null && start < span.end && at > span.start;
    out.push({ index: i, text, start, end: at, wait: text === '<wait>', inSpan });
  }
  return out;
}

/** Splits text into [before, inside, after] the span (clamped), for highlighting a string without its tokens. */
export function splitSpan(text: string, span: AhaSpan | null): [string, string, string] {
  if (!span) return [text, '', ''];
  const a = Math.max(0, Math.min(text.length, span.start));
  const b = Math.max(a, Math.min(text.length, span.end));
  return [text.slice(0, a), text.slice(a, b), text.slice(b)];
}

/** The trainer's per-token arrays a view reads, each (length). */
export interface TokenArrays {
  logp: Float32Array | null;
  logpOld: Float32Array;
  ratio: Float32Array | null;
  clip: Int8Array | null;
  kl: Float32Array | null;
}

/** The value a view shows for token i: null where the step did not record it (no training, beta = 0). */
export function tokenValue(s: TokenArrays, view: Exclude<TokenView, 'expert'>, i: number): number | null {
  switch (view) {
    case 'logp':
      return (s.logp ?? s.logpOld)[i] ?? null;
    case 'ratio':
      return s.ratio ? (s.ratio[i] ?? null) : null;
    case 'clip':
      return s.clip ? (s.clip[i] ?? null) : null;
    case 'kl':
      return s.kl ? (s.kl[i] ?? null) : null;
  }
}

/** A compact number for a tooltip or readout: 3 significant digits, fixed for mid-range values. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return x.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function mix(t: number, from: [number, number, number], to: [number, number, number]): string {
  const c = Math.max(0, Math.min(1, t));
  const ch = (k: 0 | 1 | 2) => Math.round(from[k] + (to[k] - from[k]) * c);
  return `rgb(${ch(0)}, ${ch(1)}, ${ch(2)})`;
}

const NEUTRAL: [number, number, number] = [37, 55, 86];
const GOOD: [number, number, number] = [46, 160, 96];
const BAD: [number, number, number] = [200, 70, 70];
const HOT: [number, number, number] = [230, 150, 40];

/**
 * Background colour of a token under a view. log-prob: confident tokens stay
 * neutral, unlikely ones (down to -5 nats) turn red. ratio: blue-ish neutral
 * at 1, green above, red below, saturating at ±0.3. clip: red low-clipped,
 * green high-clipped. KL: orange, saturating at 0.5.
 */
export function tokenColor(view: Exclude<TokenView, 'expert'>, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'transparent';
  switch (view) {
    case 'logp':
      return mix(-v / 5, NEUTRAL, BAD);
    case 'ratio':
      return v >= 1 ? mix((v - 1) / 0.3, NEUTRAL, GOOD) : mix((1 - v) / 0.3, NEUTRAL, BAD);
    case 'clip':
      return v < 0 ? mix(1, NEUTRAL, BAD) : v > 0 ? mix(1, NEUTRAL, GOOD) : 'transparent';
    case 'kl':
      return mix(v / 0.5, NEUTRAL, HOT);
  }
}

/** A distinct hue per expert index (golden-angle spacing), for the expert-choice view. */
export function expertColor(e: number): string {
  return `hsl(${Math.round((e * 137.508) % 360)}, 55%, 38%)`;
}

/** Reward colour: red at lo, green at hi (the step's own range, so a step of all-zero rewards stays red). */
export function rewardColor(r: number, lo: number, hi: number): string {
  if (hi <= lo) return r > 0 ? mix(1, NEUTRAL, GOOD) : mix(1, NEUTRAL, BAD);
  const t = (r - lo) / (hi - lo);
  return t >= 0.5 ? mix((t - 0.5) * 2, NEUTRAL, GOOD) : mix((0.5 - t) * 2, NEUTRAL, BAD);
}

/** A countdown prompt: the given numbers ';'-separated, '=' and the target ("<bos>3;5;7=5"). Arithmetic prompts end with '='. */
export function isCountdownPrompt(prompt: string): boolean {
  return /^(?:<bos>)?\d+(?:;\d+)+=-?\d+$/.test(prompt);
}

/** What a group's answer must be: "target 5" for countdown (the answer is an expression reaching it), "expected 132" for arithmetic. */
export function expectedLabel(prompt: string, expected: number): string {
  return `${isCountdownPrompt(prompt) ? 'target' : 'expected'} ${expected}`;
}

/** "1 attempt", "3 attempts": the candidates a completion checked (rl/aha.ts attempts). */
export function attemptsLabel(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

export interface Group {
  group: number;
  prompt: string;
  expected: number;
  /** False when dynamic sampling dropped it (all G rewards equal: no signal). */
  kept: boolean;
  /** Indices into the step's samples. */
  rows: number[];
  advantageSum: number;
}

/** The step's samples (B*G, group-major) gathered by group, in order. */
export function groupSamples(samples: readonly GrpoSample[]): Group[] {
  const byGroup = new Map<number, Group>();
  samples.forEach((s, i) => {
    let g = byGroup.get(s.group);
    if (!g) {
      g = { group: s.group, prompt: s.prompt, expected: s.expected, kept: s.kept, rows: [], advantageSum: 0 };
      byGroup.set(s.group, g);
    }
    g.rows.push(i);
    g.advantageSum += s.advantage;
    g.kept = g.kept && s.kept;
  });
  return [...byGroup.values()].sort((a, b) => a.group - b.group);
}

/** Largest |advantage| in the step, for scaling the bars (at least a tiny epsilon, so all-zero steps draw nothing). */
export function maxAbsAdvantage(samples: readonly GrpoSample[]): number {
  return samples.reduce((m, s) => Math.max(m, Math.abs(s.advantage)), 1e-9);
}

export interface EncodeProblem {
  message: string;
  position: number;
  char: string;
}

/** Why the tokenizer refuses a playground problem (null when it encodes), naming the character and its 1-based column. */
export function checkProblem(text: string): EncodeProblem | null {
  try {
    encode(text);
    return null;
  } catch (e) {
    if (!(e instanceof TokenizerError)) throw e;
    const pos = Math.max(0, e.position);
    const rest = text.slice(pos);
    const char = rest.startsWith('<') ? (rest.match(/^<[^>]*>?/)?.[0] ?? '<') : (rest[0] ?? '');
    const what = char.startsWith('<') && char.length > 1 ? `the tag ${JSON.stringify(char)}` : `the character ${JSON.stringify(char)}`;
    return { message: `Can't encode ${what} at position ${pos + 1}: only digits, + - * = ( ) ; and the special tokens are known.`, position: pos, char };
  }
}
