// Learning rate per optimizer step: linear warmup, then constant or cosine.
//
//   step < W:        lr * (step + 1) / W          (step 0 already moves: no wasted first step)
//   constant:        lr
//   cosine:          lrMin + (lr - lrMin) * (1 + cos(pi * p)) / 2,  p = (step - W) / (total - W) in [0, 1]
//                    lrMin = 0.1 * lr (COSINE_FLOOR); steps at or past total stay at lrMin
//
// step is 0-based: the index of the update about to be applied.

import type { LrSchedule } from '../core/config';

/** The cosine schedule decays to this fraction of lr, not to 0, so a run continued past totalSteps still learns. */
export const COSINE_FLOOR = 0.1;

export interface ScheduleSpec {
  lr: number;
  schedule: LrSchedule;
  warmupSteps: number;
  totalSteps: number;
}

export function learningRate(s: ScheduleSpec, step: number): number {
  if (!(Number.isInteger(step) && step >= 0)) throw new RangeError(`learningRate: step = ${step} must be an integer >= 0`);
  const W = s.warmupSteps;
  if (step < W) return (s.lr * (step + 1)) / W;
  if (s.schedule === 'constant') return s.lr;
  const span = s.totalSteps - W;
  const p = span > 0 ? Math.min(1, (step - W) / span) : 1;
  const lrMin = COSINE_FLOOR * s.lr;
  return lrMin + ((s.lr - lrMin) * (1 + Math.cos(Math.PI * p))) / 2;
}

/** The GRPO stage's schedule from a RunConfig's grpo section. */
export function grpoSchedule(g: { lr: number; lrSchedule: LrSchedule; warmupSteps: number; totalSteps: number }): ScheduleSpec {
  return { lr: g.lr, schedule: g.lrSchedule, warmupSteps: g.warmupSteps, totalSteps: g.totalSteps };
}
