// The inspector's advantage arithmetic in words (issue 18, item 4): each
// group's reward mean and std, and each completion's advantage written out as
// the run's scaleRewards defines it (rl/grpo.ts groupAdvantages):
//   group  A = (R - group mean) / (group std + eps)
//   batch  A = (R - group mean) / (std of all B*G rewards + eps)
//   none   A =  R - group mean                       (Dr. GRPO)
// and 0 for every member of a group whose rewards are all equal. The mean and
// std here are recomputed from the rewards the worker reported, for display
// only: the A printed after "=" is always the worker's own advantage. eps
// (1e-4, TRL's) is below the 3 digits shown, so it is left out of the text.
import type { ScaleRewards } from '../../core/config';
import { isConstant, mean, sampleStd } from '../../rl/grpo';
import type { GrpoSample } from '../../train/grpo';
import { formatValue } from './tokens';

export interface GroupStats {
  mean: number;
  /** Sample (n-1) std of the group's rewards, as GRPO uses. */
  std: number;
  /** What A is divided by: the group std, the batch std, or null (scaleRewards none). */
  denom: number | null;
  /** The divisor's name in the formula. */
  denomLabel: 'std' | 'batch std' | null;
  /** All rewards equal: every A is 0, the group teaches nothing. */
  constant: boolean;
}

/** rows index the step's samples (one group); all samples give the batch std. */
export function groupStats(samples: readonly GrpoSample[], rows: readonly number[], scale: ScaleRewards): GroupStats {
  const r = rows.map((i) => samples[i]!.reward.total);
  const m = mean(r), std = sampleStd(r);
  const denom = scale === 'group' ? std : scale === 'batch' ? sampleStd(samples.map((s) => s.reward.total)) : null;
  return { mean: m, std, denom, denomLabel: scale === 'group' ? 'std' : scale === 'batch' ? 'batch std' : null, constant: isConstant(r, 0, r.length) };
}

const signed = (x: number) => (x > 0 ? `+${formatValue(x)}` : formatValue(x === 0 ? 0 : x));

/** The group's formula with its numbers: "A = (R − 0.375) / 0.518", or why every A is 0. */
export function groupFormula(g: GroupStats): string {
  if (g.constant) return 'A = 0 for all: every reward is equal';
  const centred = `R − ${formatValue(g.mean)}`;
  return g.denom === null ? `A = ${centred}` : `A = (${centred}) / ${formatValue(g.denom)}`;
}

/** One completion's advantage written out: "A = (1 − 0.375) / 0.518 = +1.21" (the last number is the worker's A). */
export function advantageText(reward: number, g: GroupStats, advantage: number): string {
  if (g.constant) return `A = ${signed(advantage)}`;
  const centred = `${formatValue(reward)} − ${formatValue(g.mean)}`;
  return g.denom === null ? `A = ${centred} = ${signed(advantage)}` : `A = (${centred}) / ${formatValue(g.denom)} = ${signed(advantage)}`;
}
