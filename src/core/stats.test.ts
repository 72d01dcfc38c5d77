import { describe, expect, it } from 'vitest';
import { meanInterval, wilson } from './stats';

describe('wilson', () => {
  it('matches published values', () => {
    // Newcombe (1998) Table I: 81/263 -> 0.2553..0.3662; 0/10 -> 0..0.2775; 15/148 -> 0.0624..0.1605
    const a = wilson(81, 263);
    expect([a.lo, a.hi].map((x) => +x.toFixed(4))).toEqual([0.2553, 0.3662]);
    const b = wilson(0, 10);
    expect([b.lo, +b.hi.toFixed(4)]).toEqual([0, 0.2775]);
    const c = wilson(15, 148);
    expect([c.lo, c.hi].map((x) => +x.toFixed(4))).toEqual([0.0624, 0.1605]);
  });

  it('is [0, 1] for no trials and refuses impossible counts', () => {
    expect(wilson(0, 0)).toMatchObject({ rate: 0, lo: 0, hi: 1 });
    // the ends are exact, so the interval always contains the rate
    for (const n of [1, 9, 64, 256]) {
      expect(wilson(0, n).lo).toBe(0);
      expect(wilson(n, n).hi).toBe(1);
    }
    expect(() => wilson(3, 2)).toThrow(/0 <= k <= n/);
    expect(() => wilson(0.5, 2)).toThrow();
  });
});

describe('meanInterval', () => {
  it('uses Student t with n-1 degrees of freedom', () => {
    const m = meanInterval([1, 2, 3]);
    // sd = 1, t(0.975, 2) = 4.303, half = 4.303 / sqrt(3)
    expect(m.mean).toBe(2);
    expect(m.hi - m.mean).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect([m.min, m.max, m.n]).toEqual([1, 3, 3]);
    expect(meanInterval([5])).toMatchObject({ mean: 5, lo: 5, hi: 5 });
    expect(() => meanInterval([])).toThrow();
  });
});
