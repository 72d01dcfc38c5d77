import { describe, expect, it } from 'vitest';
import { COSINE_FLOOR, learningRate, type ScheduleSpec } from './schedule';

describe('learningRate', () => {
  it('warms up linearly from lr/W at step 0 to lr at step W-1', () => {
    const s: ScheduleSpec = { lr: 0.01, schedule: 'constant', warmupSteps: 4, totalSteps: 100 };
    expect([0, 1, 2, 3].map((t) => learningRate(s, t))).toEqual([0.0025, 0.005, 0.0075, 0.01]);
    expect(learningRate(s, 4)).toBe(0.01);
    expect(learningRate(s, 1000)).toBe(0.01);
  });

  it('cosine: full lr right after warmup, midpoint halfway to the floor, floor at and past totalSteps', () => {
    const s: ScheduleSpec = { lr: 1, schedule: 'cosine', warmupSteps: 10, totalSteps: 110 };
    expect(learningRate(s, 10)).toBe(1);
    // p = 0.5: lrMin + (1 - lrMin) / 2 = 0.1 + 0.45 = 0.55
    expect(learningRate(s, 60)).toBeCloseTo(0.55, 12);
    // p = 0.25: 0.1 + 0.9 * (1 + cos(pi/4)) / 2 = 0.1 + 0.45 * 1.70710678 = 0.868198
    expect(learningRate(s, 35)).toBeCloseTo(0.8681980515, 9);
    expect(learningRate(s, 110)).toBeCloseTo(COSINE_FLOOR, 12);
    expect(learningRate(s, 500)).toBeCloseTo(0.1, 12);
  });

  it('no warmup starts at full lr; warmup == total drops to the floor after warmup', () => {
    expect(learningRate({ lr: 2, schedule: 'cosine', warmupSteps: 0, totalSteps: 4 }, 0)).toBe(2);
    // p = 1/4 over 4 steps: 0.2 + 1.8 * (1 + cos(pi/4)) / 2
    expect(learningRate({ lr: 2, schedule: 'cosine', warmupSteps: 0, totalSteps: 4 }, 1)).toBeCloseTo(0.2 + 0.9 * (1 + Math.SQRT1_2), 12);
    expect(learningRate({ lr: 2, schedule: 'cosine', warmupSteps: 3, totalSteps: 3 }, 3)).toBeCloseTo(0.2, 12);
  });

  it('rejects negative or fractional steps', () => {
    const s: ScheduleSpec = { lr: 1, schedule: 'constant', warmupSteps: 0, totalSteps: 1 };
    expect(() => learningRate(s, -1)).toThrow(/step = -1/);
    expect(() => learningRate(s, 1.5)).toThrow(/step = 1.5/);
  });
});
