import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsample } from './downsample';

type P = { step: number; a: number; b: number | null };
const rowsOf = (a: number[], b?: (number | null)[]): P[] => a.map((v, i) => ({ step: i, a: v, b: b ? b[i]! : 0 }));

describe('downsample', () => {
  it('returns the input itself at or under max', () => {
    const rows = rowsOf([1, 2, 3]);
    expect(downsample(rows, ['a'], 3)).toBe(rows);
  });

  it('keeps first, last and each bucket\'s min and max (hand-worked)', () => {
    // N=12, max=6, one key: perBucket=2, buckets=floor(4/2)=2 over the inner 10 rows:
    // bucket 0 = rows 1..5: min 1 (row 3), max 9 (row 2); bucket 1 = rows 6..10: min 0 (row 8), max 7 (row 6)
    const a = [5, 4, 9, 1, 3, 2, 7, 6, 0, 5, 5, 8];
    const out = downsample(rowsOf(a), ['a'], 6);
    expect(out.map((r) => r.step)).toEqual([0, 2, 3, 6, 8, 11]);
  });

  it('keeps a one-step spike that averaging would lose', () => {
    const a = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 500));
    a[4321] = 50;
    const out = downsample(rowsOf(a), ['a'], 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.some((r) => r.step === 4321)).toBe(true);
  });

  it('preserves every key\'s extremes and skips nulls', () => {
    // a rises, b falls except a dip to -100 at row 7 and nulls everywhere else in its bucket
    const n = 40;
    const a = Array.from({ length: n }, (_, i) => i);
    const b = Array.from({ length: n }, (_, i) => (i < 10 && i !== 7 ? null : -i));
    b[7] = -100;
    const out = downsample(rowsOf(a, b), ['a', 'b'], 10);
    // 2 keys: perBucket 4, buckets = floor(8/4) = 2 -> at most 2 + 8 rows
    expect(out.length).toBeLessThanOrEqual(10);
    expect(out.map((r) => r.step)).toContain(7);
  });

  it('property: bounded, ordered subsequence with the global min and max of each key', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 600 }), fc.integer({ min: 4, max: 100 }), (a, max) => {
        const rows = rowsOf(a);
        const out = downsample(rows, ['a'], max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out[0]).toBe(rows[0]);
        expect(out[out.length - 1]).toBe(rows[rows.length - 1]);
        for (let i = 1; i < out.length; i++) expect(out[i]!.step).toBeGreaterThan(out[i - 1]!.step);
        const vals = out.map((r) => r.a);
        expect(Math.min(...vals)).toBe(Math.min(...a));
        expect(Math.max(...vals)).toBe(Math.max(...a));
      }),
      { numRuns: 200 },
    );
  });
});
