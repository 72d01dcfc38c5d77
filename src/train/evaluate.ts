// Held-out evaluation (DESIGN §5): the fixed heldOutSet(cfg, heldOutSize),
// one completion per problem, greedy (temperature 0) and sampled at the run's
// temperature (pass@1 = the fraction right). The sampled pass uses the fixed
// stream STREAM.evalSample at every evaluation: the same random numbers each
// time (common random numbers), so two evaluations differ only through the
// policy, which takes noise out of the held-out curve.

import type { RunConfig } from '../core/config';
import { STREAM } from '../core/rng';
import { decode, encode } from '../core/tokenizer';
import { createDecodeState, type DecodeState } from '../model/decode';
import type { DecodeOps } from '../ops/decode';
import type { Model } from '../model/model';
import type { Ops } from '../ops/ops';
import { ahaCounts, ahaRates, classifyAha, type AhaCounts, type AhaRates } from '../rl/aha';
import { accuracyReward, formatReward, isReadable } from '../rl/rewards';
import { rollout } from '../rl/rollout';
import { parseCompletion } from '../tasks/format';
import type { Problem } from '../tasks/problems';
import { heldOutSet } from '../tasks/split';

export interface EvalPass {
  /** Fraction of problems whose <answer> is right. */
  accuracy: number;
  meanLength: number;
  aha: AhaRates;
  // The rest is measured by evaluate(); a pass rebuilt from a shared link's snapshot (app/share) lacks it.
  /** Problems right, of `counts.n`: the numerator of accuracy, for intervals. */
  right?: number;
  /** Mean length of the right and of the wrong completions (NaN when there are none): Dr. GRPO's length-bias diagnostic. */
  meanLengthRight?: number;
  meanLengthWrong?: number;
  /** Completions per aha class and the summed attempts, of counts.n. */
  counts?: AhaCounts;
  /** Completions well formed and ended (the format reward's judge), and those that are also readable (rl/rewards.ts isReadable), of counts.n. */
  wellFormed?: number;
  readable?: number;
}

export interface EvalResult {
  problems: number;
  greedy: EvalPass;
  /** Sampled at cfg.sampling (temperature, topK, topP): pass@1. */
  sampled: EvalPass;
}

export interface Evaluator<F, I> {
  ops: Ops<F, I>;
  dec: DecodeOps<F, I>;
  problems: Problem[];
  prompts: number[][];
  state: DecodeState<F, I>;
}

/** The rollout stream of step s is STREAM.sample + s; this step lands on STREAM.evalSample. */
const EVAL_STEP = STREAM.evalSample - STREAM.sample;

export function createEvaluator<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, model: Model<F>, cfg: RunConfig = model.cfg): Evaluator<F, I> {
  const problems = heldOutSet(cfg, cfg.grpo.heldOutSize);
  if (problems.length === 0) throw new Error(`evaluate: task ${cfg.task.family} d=${cfg.task.difficulty} has no held-out problems at ${cfg.task.heldOutPercent}%`);
  const prompts = problems.map((p) => encode(p.prompt));
  const Pmax = Math.max(...prompts.map((p) => p.length));
  return { ops, dec, problems, prompts, state: createDecodeState(ops, model, problems.length, Pmax, cfg.grpo.maxCompletionLength) };
}

async function evalPass<F, I>(ev: Evaluator<F, I>, model: Model<F>, cfg: RunConfig, temperature: number): Promise<EvalPass> {
  const maxNew = cfg.grpo.maxCompletionLength;
  const ro = await rollout(ev.ops, ev.dec, model, ev.prompts, 1, { maxNew, temperature, topK: cfg.sampling.topK, topP: cfg.sampling.topP, seed: cfg.seed, step: EVAL_STEP }, ev.state);
  let right = 0, len = 0, lenRight = 0, wellFormed = 0, readable = 0;
  const aha = ev.problems.map((p, r) => {
    const text = decode(ro.tokens.subarray(r * maxNew, r * maxNew + ro.lengths[r]!));
    const parsed = parseCompletion(text);
    const ok = accuracyReward(parsed, p);
    const formed = formatReward(parsed);
    wellFormed += formed;
    if (formed && isReadable(parsed, p)) readable++;
    right += ok;
    len += ro.lengths[r]!;
    lenRight += ok * ro.lengths[r]!;
    return classifyAha(text, p);
  });
  const n = ev.problems.length;
  return {
    accuracy: right / n, right, meanLength: len / n,
    meanLengthRight: right > 0 ? lenRight / right : NaN,
    meanLengthWrong: n - right > 0 ? (len - lenRight) / (n - right) : NaN,
    aha: ahaRates(aha), counts: ahaCounts(aha), wellFormed, readable,
  };
}

/** Greedy and sampled pass over the held-out set under the model's current weights. */
export async function evaluate<F, I>(ev: Evaluator<F, I>, model: Model<F>, cfg: RunConfig = model.cfg): Promise<EvalResult> {
  const greedy = await evalPass(ev, model, cfg, 0);
  const sampled = await evalPass(ev, model, cfg, cfg.sampling.temperature);
  return { problems: ev.problems.length, greedy, sampled };
}
