// Rejection sampling (issue 17 item 2; R1's stage 3, and the data of its
// distillation): from the current policy, K completions per prompt, kept
// when the rewards' own judges pass them, dropped otherwise with a reason.
//
//   format      rl/rewards.ts formatReward is 0: not exactly
//               <think>…</think><answer>…</answer><eos> (a truncated one too)
//   wrong       accuracyReward is 0 (tasks/judge.ts answerIsRight)
//   waits       more than maxWaits <wait>s: a loop, not a search
//               (the toy counterpart of R1's readability filter)
//   unreadable  with `readable`: a think segment that states no candidate
//               ("expr=value"), a countdown candidate whose claimed value is
//               not its value ("7-1-1=7"), or an answer other than the last
//               segment's candidate: the thought and the answer disagree, the
//               toy counterpart of R1's mixed-language chains
//
// The first failing check names the reason, in that order. Sampling is the
// GRPO rollout's (rl/rollout.ts): prompts in chunks of `chunk`, each chunk one
// rollout whose stream is (seed, sampleStream(streamBase + c)), so the draws
// are a pure function of (seed, streamBase, chunk, prompt order).

import { decode, encode, TOK } from '../core/tokenizer';
import type { Model } from '../model/model';
import type { DecodeOps } from '../ops/decode';
import type { Ops } from '../ops/ops';
import { accuracyReward, formatReward, isReadable } from '../rl/rewards';
import { rollout } from '../rl/rollout';
import { parseCompletion } from '../tasks/format';
import type { Problem } from '../tasks/problems';

export const DROP_REASONS = ['format', 'wrong', 'waits', 'unreadable'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface RejectionOptions {
  /** Completions sampled per prompt. */
  k: number;
  temperature: number;
  topK?: number;
  topP?: number;
  /** Most new tokens per completion; default cfg.grpo.maxCompletionLength. */
  maxNew?: number;
  seed: number;
  /** Picks the sampling streams: chunk c samples with sampleStream(streamBase + c); default 0. */
  streamBase?: number;
  /** Prompts per rollout; default 64. */
  chunk?: number;
  /** Drop completions with more than this many <wait>s; default Infinity (off). */
  maxWaits?: number;
  /** Drop unreadable completions (see the header); default false. */
  readable?: boolean;
}

export interface Trace {
  /** Index of the problem in the list given. */
  index: number;
  problem: Problem;
  prompt: string;
  completion: string;
  /** Completion tokens, the <eos> included when sampled. */
  tokens: number;
  waits: number;
}

export interface DroppedTrace extends Trace {
  reason: DropReason;
}

export interface RejectionResult {
  kept: Trace[];
  dropped: DroppedTrace[];
  /** Completions per outcome; kept + the reasons = prompts * k. */
  counts: Record<'kept' | DropReason, number>;
  prompts: number;
  sampled: number;
  /** Prompts with at least one kept completion. */
  promptsCovered: number;
}

/** A trace for reading: kept (reason null) or dropped, with its length and <wait>s. */
export interface TraceExample {
  prompt: string;
  completion: string;
  /** Completion tokens, <eos> included when sampled. */
  tokens: number;
  waits: number;
  reason: DropReason | null;
}

/** A pass's outcome in numbers, as npm run distill's JSON and a pipeline stage's report both record it. */
export interface RejectionSummary {
  sampled: number;
  kept: number;
  promptsCovered: number;
  dropped: Record<DropReason, number>;
  /** Mean completion tokens, and share with a <wait>, of the kept traces (0 when none was kept). */
  keptMeanLength: number;
  keptReflection: number;
}

export function summarizeRejection(rs: RejectionResult): RejectionSummary {
  const n = rs.kept.length;
  return {
    sampled: rs.sampled, kept: rs.counts.kept, promptsCovered: rs.promptsCovered,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, rs.counts[r]])) as Record<DropReason, number>,
    keptMeanLength: n ? rs.kept.reduce((s, t) => s + t.tokens, 0) / n : 0,
    keptReflection: n ? rs.kept.filter((t) => t.waits > 0).length / n : 0,
  };
}

/** Up to 4 kept traces, then up to 2 dropped per reason. */
export function rejectionExamples(rs: RejectionResult): TraceExample[] {
  const ex = (t: Trace, reason: DropReason | null): TraceExample => ({ prompt: t.prompt, completion: t.completion, tokens: t.tokens, waits: t.waits, reason });
  return [
    ...rs.kept.slice(0, 4).map((t) => ex(t, null)),
    ...DROP_REASONS.flatMap((r) => rs.dropped.filter((t) => t.reason === r).slice(0, 2).map((t) => ex(t, r))),
  ];
}

/** Why a completion would be dropped, or null when it is kept. */
export function rejectionReason(completion: string, problem: Problem, opts: Pick<RejectionOptions, 'maxWaits' | 'readable'> = {}): DropReason | null {
  const p = parseCompletion(completion);
  if (formatReward(p) === 0) return 'format';
  if (accuracyReward(p, problem) === 0) return 'wrong';
  if (p.waits > (opts.maxWaits ?? Infinity)) return 'waits';
  // one definition with the consistency reward's (rl/rewards.ts consistencyCounts)
  if (opts.readable && !isReadable(p, problem)) return 'unreadable';
  return null;
}

/** K samples of each problem from the model's policy, split into kept and dropped (with reasons). */
export async function rejectionSample<F, I>(
  ops: Ops<F, I>,
  dec: DecodeOps<F, I>,
  model: Model<F>,
  problems: readonly Problem[],
  opts: RejectionOptions,
): Promise<RejectionResult> {
  if (!(Number.isInteger(opts.k) && opts.k >= 1)) throw new RangeError(`rejection sampling: k = ${opts.k} must be an integer >= 1`);
  if (problems.length === 0) throw new RangeError('rejection sampling: no prompts');
  if (opts.maxWaits !== undefined && !(opts.maxWaits >= 0)) throw new RangeError(`rejection sampling: maxWaits = ${opts.maxWaits} must be >= 0`);
  const chunk = opts.chunk ?? 64;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new RangeError(`rejection sampling: chunk = ${chunk} must be an integer >= 1`);
  const maxNew = opts.maxNew ?? model.cfg.grpo.maxCompletionLength;
  const out: RejectionResult = {
    kept: [], dropped: [], counts: { kept: 0, format: 0, wrong: 0, waits: 0, unreadable: 0 },
    prompts: problems.length, sampled: 0, promptsCovered: 0,
  };
  const covered = new Set<number>();
  for (let c = 0; c * chunk < problems.length; c++) {
    const part = problems.slice(c * chunk, (c + 1) * chunk);
    const ro = await rollout(ops, dec, model, part.map((p) => encode(p.prompt)), opts.k, {
      maxNew, temperature: opts.temperature, topK: opts.topK ?? 0, topP: opts.topP ?? 1, seed: opts.seed, step: (opts.streamBase ?? 0) + c,
    });
    for (let r = 0; r < ro.nSeq; r++) {
      const index = c * chunk + Math.floor(r / opts.k);
      const problem = problems[index]!;
      const len = ro.lengths[r]!;
      const completion = decode(Array.from(ro.tokens.subarray(r * maxNew, r * maxNew + len)).filter((t) => t !== TOK.pad));
      const trace: Trace = { index, problem, prompt: problem.prompt, completion, tokens: len, waits: parseCompletion(completion).waits };
      const reason = rejectionReason(completion, problem, opts);
      out.sampled++;
      if (reason === null) {
        out.kept.push(trace);
        out.counts.kept++;
        covered.add(index);
      } else {
        out.dropped.push({ ...trace, reason });
        out.counts[reason]++;
      }
    }
  }
  out.promptsCovered = covered.size;
  return out;
}
