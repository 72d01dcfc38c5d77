// Health warnings (issue 18, item 5): signs in the reported metrics that the
// run has stopped learning or is learning the wrong thing, each named with
// its numbers and the chart that shows it. A pure function of what the worker
// reported (metrics, evaluations) and the run's config; HealthWarnings.tsx
// draws the list. Every threshold says why it is where it is.

import type { RunConfig } from '../../core/config';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import type { ChartId } from '../help/chartHelp';
import { fmt, pct } from './format';

export type HealthId = 'formatGaming' | 'noSignal' | 'lengthCap' | 'klGrowth' | 'rewardCollapse';

export interface HealthWarning {
  id: HealthId;
  /** The chart that shows it (its data-chart). */
  chart: ChartId;
  title: string;
  /** The numbers, in a sentence or two. */
  detail: string;
}

/**
 * Steps averaged before judging a per-step rate. One step's rates come from
 * B*G completions (32 on quick), so a single step moves by ±0.1 on its own;
 * five steps quarter that noise and still react within a few steps.
 */
export const WINDOW = 5;
/**
 * No signal: at least 3 groups in 4 with all-equal rewards (TRL's
 * frac_reward_zero_std). Such groups get advantage 0 for every completion, so
 * at most a quarter of the batch moves the policy (and none at 1.0).
 */
export const NO_SIGNAL_FRAC = 0.75;
/**
 * Length cap: a quarter of completions cut at maxCompletionLength. A cut
 * completion never earns the format reward (it did not stop), and under a
 * token-level loss (dapo, dr_grpo) long completions weigh the most; the
 * shipped bases stop well under the cap, so a quarter is a change, not noise.
 */
export const LENGTH_CAP_FRAC = 0.25;
/**
 * KL growing fast: the recent mean KL is at least 0.1 and it grew at least
 * 0.002 per step. README's default run ended at 0.056 after 300 steps (about
 * 0.0002 per step); its lr 5e-4 run collapsed at 0.59 by step 50 (about
 * 0.012 per step). 0.002 is ten times the healthy pace, a sixth of the collapse's.
 */
export const KL_HIGH = 0.1;
export const KL_RATE = 0.002;
/** KL growth is measured against the window this many steps earlier (or the first window, if the run is shorter). */
export const KL_SPAN = 20;
/**
 * Reward collapse: the mean reward of the last 3 steps is at most a tenth of
 * the best 3-step mean, after that best reached 0.05 (the run had earned
 * something). Three steps rather than WINDOW: a collapse to 0 (issue 18: quick
 * with dr_grpo and beta = 0 reached 0 by about step 4) should show at once,
 * and three steps of 32+ completions all near 0 is not noise.
 *
 * What that run was (issue 18 item 10, reproduced on the CPU reference): not
 * dr_grpo. On quick (lr 3e-3, beta 0, 12 steps) the reward reached 0 and stayed
 * there for dr_grpo with seeds 6 and 7 and for grpo with seeds 6 and 8 (of 12
 * seeds each). Every completion earning 0 means every group has zero reward
 * spread, every advantage is 0, and the policy gradient is exactly 0 (grad
 * norm 0.00 on those steps): with beta = 0 nothing pulls the policy back, and
 * only AdamW's momentum and weight decay still move it, toward longer, less
 * formed completions. beta = 0.04 (the KL term's gradient is not 0) or lr 1e-3
 * kept every one of those seeds off 0.
 */
export const COLLAPSE_SPAN = 3;
export const COLLAPSE_PEAK_MIN = 0.05;
export const COLLAPSE_FRACTION = 0.1;
/**
 * Format gaming: the reward rose by at least a tenth of its maximum
 * (formatWeight + accuracyWeight) while held-out greedy accuracy fell by at
 * least 10 points and at least 2 problems: a one-problem wobble of a small
 * held-out set (1/9 = 11 points on quick) is not a trend.
 */
export const GAMING_REWARD_RISE = 0.1;
export const GAMING_ACC_DROP = 0.1;
export const GAMING_ACC_PROBLEMS = 2;

type Evals = readonly { step: number; result: EvalResult }[];

const finite = (xs: readonly number[]) => xs.filter(Number.isFinite);
const meanOf = (xs: readonly number[]) => {
  const f = finite(xs);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};
/** A mean token count: one decimal, none when whole ("22.5", "24"). */
const toks = (v: number) => String(Number(v.toFixed(1)));
const stepsOf = (ms: readonly GrpoMetrics[]) => (ms.length === 1 ? `step ${ms[0]!.step}` : `steps ${ms[0]!.step}–${ms[ms.length - 1]!.step}`);

/** Every warning that holds for the run as reported so far, in a fixed order. */
export function healthWarnings(metrics: readonly GrpoMetrics[], evals: Evals, config: RunConfig): HealthWarning[] {
  return [formatGaming(metrics, evals, config), noSignal(metrics, config), lengthCap(metrics, config), klGrowth(metrics, config), rewardCollapse(metrics, config)]
    .filter((w): w is HealthWarning => w !== null);
}

export function formatGaming(metrics: readonly GrpoMetrics[], evals: Evals, config: RunConfig): HealthWarning | null {
  if (evals.length < 2 || metrics.length < 4) return null;
  const first = evals[0]!, last = evals[evals.length - 1]!;
  const a0 = first.result.greedy.accuracy, a1 = last.result.greedy.accuracy;
  const problems = last.result.problems;
  const drop = a0 - a1;
  if (!(drop >= GAMING_ACC_DROP && drop * problems >= GAMING_ACC_PROBLEMS - 1e-9)) return null;
  const w = Math.min(WINDOW, Math.floor(metrics.length / 2));
  const head = metrics.slice(0, w);
  // the reward up to the latest evaluation (an evaluation at step k follows k updates: rows < k)
  const upTo = metrics.filter((m) => m.step < last.step);
  const tail = (upTo.length >= 2 * w ? upTo : metrics).slice(-w);
  const r0 = meanOf(head.map((m) => m.reward)), r1 = meanOf(tail.map((m) => m.reward));
  const maxReward = config.grpo.formatWeight + config.grpo.accuracyWeight;
  if (!(r1 - r0 >= GAMING_REWARD_RISE * maxReward)) return null;
  const f0 = meanOf(head.map((m) => m.rewards.format)), f1 = meanOf(tail.map((m) => m.rewards.format));
  const c0 = meanOf(head.map((m) => m.rewards.accuracy)), c1 = meanOf(tail.map((m) => m.rewards.accuracy));
  const byFormat = f1 - f0 > c1 - c0;
  return {
    id: 'formatGaming',
    chart: 'heldout',
    title: 'Reward rising while held-out accuracy falls',
    detail: `Reward ${fmt(r0)} → ${fmt(r1)} (${stepsOf(head)} → ${stepsOf(tail)}; format ${pct(f0)} → ${pct(f1)}, accuracy ${pct(c0)} → ${pct(c1)} of completions), `
      + `while held-out greedy accuracy fell ${pct(a0)} → ${pct(a1)} (step ${first.step} → ${last.step}, ${problems} problems). `
      + (byFormat
        ? `The rise is mostly the format reward (weight ${config.grpo.formatWeight}): the policy is paid for closing its tags, not for right answers.`
        : 'The training accuracy rose but does not carry over to problems the policy never trains on.'),
  };
}

export function noSignal(metrics: readonly GrpoMetrics[], config: RunConfig): HealthWarning | null {
  if (metrics.length < WINDOW) return null;
  const win = metrics.slice(-WINDOW);
  const frac = meanOf(win.map((m) => m.fracRewardZeroStd));
  if (!(frac >= NO_SIGNAL_FRAC)) return null;
  const acc = meanOf(win.map((m) => m.rewards.accuracy));
  const why = acc <= 0.2 ? ` Only ${pct(acc)} of completions are right, so most groups are likely all wrong: the problems may be too hard for the policy at this temperature.`
    : acc >= 0.8 ? ` ${pct(acc)} of completions are right, so most groups are likely all right: the task is learned, or too easy to teach anything more.`
    : '';
  return {
    id: 'noSignal',
    chart: 'signal',
    title: 'Most groups carry no learning signal',
    detail: `${pct(frac)} of groups had all ${config.grpo.groupSize} rewards equal over ${stepsOf(win)} (fracRewardZeroStd). `
      + `${config.grpo.dynamicSampling ? 'Dynamic sampling drops such groups' : 'Such a group\'s advantages are all 0'}: it teaches nothing.${why}`,
  };
}

export function lengthCap(metrics: readonly GrpoMetrics[], config: RunConfig): HealthWarning | null {
  if (metrics.length < WINDOW) return null;
  const win = metrics.slice(-WINDOW);
  const frac = meanOf(win.map((m) => m.clippedRatio));
  if (!(frac >= LENGTH_CAP_FRAC)) return null;
  const len = meanOf(win.map((m) => m.completionLength.mean));
  return {
    id: 'lengthCap',
    chart: 'length',
    title: 'Completions run into the length cap',
    detail: `${pct(frac)} of completions were cut at the ${config.grpo.maxCompletionLength}-token cap over ${stepsOf(win)} (mean length ${toks(len)}). `
      + 'A cut completion earns no format reward; if accuracy is not rising with length, the policy is rambling rather than thinking.',
  };
}

export function klGrowth(metrics: readonly GrpoMetrics[], config: RunConfig): HealthWarning | null {
  if (config.grpo.beta === 0) return null; // no reference model: KL is not measured
  const trained = metrics.filter((m) => !m.skipped && Number.isFinite(m.kl));
  if (trained.length < 2 * WINDOW) return null;
  const now = trained.slice(-WINDOW);
  const endStep = now[0]!.step - KL_SPAN;
  const before = trained.filter((m) => m.step < endStep).slice(-WINDOW);
  const then = before.length === WINDOW ? before : trained.slice(0, WINDOW);
  const k0 = meanOf(then.map((m) => m.kl)), k1 = meanOf(now.map((m) => m.kl));
  const dSteps = meanOf(now.map((m) => m.step)) - meanOf(then.map((m) => m.step));
  const rate = (k1 - k0) / dSteps;
  if (!(k1 >= KL_HIGH && rate >= KL_RATE)) return null;
  return {
    id: 'klGrowth',
    chart: 'kl',
    title: 'KL to the base model is growing fast',
    detail: `KL ${fmt(k0)} (${stepsOf(then)}) → ${fmt(k1)} (${stepsOf(now)}): ${fmt(rate)} per step. `
      + `The policy is moving away from the base quickly (README's lr 5e-4 run collapsed at KL 0.59); a lower lr or a larger β (now ${config.grpo.beta}) slows it.`,
  };
}

export function rewardCollapse(metrics: readonly GrpoMetrics[], config: RunConfig): HealthWarning | null {
  if (metrics.length < COLLAPSE_SPAN + 1) return null;
  const r = metrics.map((m) => m.reward);
  let peak = -Infinity, peakAt = 0;
  for (let i = 0; i + COLLAPSE_SPAN <= r.length; i++) {
    const v = meanOf(r.slice(i, i + COLLAPSE_SPAN));
    if (v > peak) { peak = v; peakAt = i; }
  }
  const tail = metrics.slice(-COLLAPSE_SPAN);
  const now = meanOf(tail.map((m) => m.reward));
  if (!(peak >= COLLAPSE_PEAK_MIN && now <= COLLAPSE_FRACTION * peak)) return null;
  const len = meanOf(tail.map((m) => m.completionLength.mean));
  const g = config.grpo;
  const stuck = tail.every((m) => m.reward === 0);
  const known = g.beta === 0
    ? (stuck ? ' Every completion earns 0, so every group has zero reward spread and the policy gradient is exactly 0:' : '')
      + ` with β = 0 nothing pulls the policy back to the base (the quick config at lr 3e-3 got stuck like this with lossType grpo and dr_grpo alike, 2 seeds in 12 each);`
      + ` β = 0.04 or a lower lr avoided it there.`
    : '';
  return {
    id: 'rewardCollapse',
    chart: 'reward',
    title: 'Reward collapsed',
    detail: `Mean reward ${fmt(now)} over ${stepsOf(tail)}, down from ${fmt(peak)} over ${stepsOf(metrics.slice(peakAt, peakAt + COLLAPSE_SPAN))}; `
      + `mean length now ${toks(len)} of ${g.maxCompletionLength} tokens. The policy has stopped producing answers that earn anything.${known}`,
  };
}
