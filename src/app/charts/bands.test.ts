import { describe, expect, it } from 'vitest';
import type { GrpoMetrics } from '../../train/grpo';
import type { OverlayRun } from '../store';
import { armKey, rateInterval, seedBandLines, seedBandRows, withWilson } from './bands';

// Expected values worked by hand with z = 1.96:
//   Wilson: centre = (p + z²/2n) / (1 + z²/n), half = z / (1 + z²/n) · sqrt(p(1−p)/n + z²/4n²)
//   8 of 16: centre 0.5, half 1.5805 · sqrt(0.015625 + 0.0037515) = 0.2200 -> [0.2800, 0.7200]
//   3 of 32: centre (0.09375 + 0.06002) / 1.12005 = 0.1373, half 1.7499 · 0.05994 = 0.1049 -> [0.0324, 0.2422]
//   0 of 16: lo 0, hi = (z²/n) / (1 + z²/n) = 0.2401 / 1.2401 = 0.1936
//   t interval of 0.3, 0.5, 0.4: mean 0.4, sd 0.1, half t(2) · sd / √3 = 4.303 · 0.1 / 1.732 = 0.2484

describe('rateInterval (Wilson 95% of a rate over n)', () => {
  it('matches the hand-computed intervals', () => {
    const a = rateInterval(0.5, 16);
    expect(a.lo).toBeCloseTo(0.28, 3);
    expect(a.hi).toBeCloseTo(0.72, 3);
    const b = rateInterval(3 / 32, 32);
    expect(b.lo).toBeCloseTo(0.0324, 3);
    expect(b.hi).toBeCloseTo(0.2422, 3);
    const c = rateInterval(0, 16);
    expect(c.lo).toBe(0);
    expect(c.hi).toBeCloseTo(0.1936, 4);
    expect(rateInterval(1, 16).hi).toBe(1);
  });

  it('a rate stored rounded (0.09375 as 0.0938) maps back to its count; no trials gives [0, 1]', () => {
    expect(rateInterval(0.0938, 32)).toEqual(rateInterval(3 / 32, 32));
    expect(rateInterval(0.5, 0)).toEqual({ lo: 0, hi: 1 });
    expect(rateInterval(Number.NaN, 8)).toEqual({ lo: 0, hi: 1 });
  });

  it('withWilson adds Lo/Hi where the series has a value, null in its gaps, n fixed or per row', () => {
    const rows = withWilson([{ step: 0, r: 0.5 }, { step: 1, r: null }, { step: 2, r: 3 / 32, n: 32 }], 'r', (row) => (row.n as number | undefined) ?? 16);
    expect(rows[0]!.rLo).toBeCloseTo(0.28, 3);
    expect(rows[1]).toMatchObject({ rLo: null, rHi: null });
    expect(rows[2]!.rHi).toBeCloseTo(0.2422, 3);
  });
});

describe('seedBandRows (mean over seeds with a band)', () => {
  const runs = [
    [{ step: 0, x: 0.3 }, { step: 1, x: 0.1 }, { step: 2, x: 1 }],
    [{ step: 0, x: 0.5 }, { step: 1, x: 0.2 }],
    [{ step: 0, x: 0.4 }, { step: 1, x: null }, { step: 2, x: 1 }],
  ];

  it('min–max: the mean and the extremes of the seeds, only at steps every seed has', () => {
    const rows = seedBandRows(runs, 'x', 'minmax');
    expect(rows.map((r) => r.step)).toEqual([0]); // step 1 is a gap in seed 3, step 2 missing in seed 2
    expect(rows[0]!.x).toBeCloseTo(0.4, 12);
    expect(rows[0]!['x:lo']).toBe(0.3);
    expect(rows[0]!['x:hi']).toBe(0.5);
  });

  it('95% t: mean ± t(2) · sd / √3', () => {
    const [r] = seedBandRows(runs, 'x', 't95');
    expect(r!['x:lo']).toBeCloseTo(0.4 - 0.2484, 3);
    expect(r!['x:hi']).toBeCloseTo(0.4 + 0.2484, 3);
  });

  it('one seed: a band of zero width; no seeds: nothing', () => {
    expect(seedBandRows([runs[0]!], 'x', 't95')).toEqual([
      { step: 0, x: 0.3, 'x:lo': 0.3, 'x:hi': 0.3 }, { step: 1, x: 0.1, 'x:lo': 0.1, 'x:hi': 0.1 }, { step: 2, x: 1, 'x:lo': 1, 'x:hi': 1 },
    ]);
    expect(seedBandRows([], 'x', 'minmax')).toEqual([]);
  });
});

describe('seedBandLines (an experiment arm of several seeds on a chart)', () => {
  const run = (id: string, rewards: number[], greedy: number[]): OverlayRun => ({
    id, name: id,
    metrics: rewards.map((reward, step) => ({ step, reward, skipped: false }) as unknown as GrpoMetrics),
    evals: greedy.map((accuracy, i) => ({ step: i * 2, result: { problems: 16, greedy: { accuracy }, sampled: { accuracy } } as never })),
  });
  const arms = [
    { label: 'T = 1', runs: [run('a', [0, 0.2, 0.4], [0.25, 0.5]), run('b', [0.2, 0.4, 0.6], [0.5, 0.75]), run('c', [0.1, 0.3, 0.2], [0.25, 0.5])] },
    { label: 'single', runs: [run('d', [1, 1], [1])] },
  ];

  it('draws only arms of two or more runs, the mean with its band, named with the band kind', () => {
    const [line, ...rest] = seedBandLines(arms, 'reward', 'minmax');
    expect(rest).toEqual([]);
    expect(line!.label).toBe('T = 1: mean of 3 seeds (band min–max over seeds)');
    const k = armKey('T = 1');
    expect(line!.rows.map((r) => [r.step, r[`${k}:lo`], r[`${k}:hi`]])).toEqual([[0, 0, 0.2], [1, 0.2, 0.4], [2, 0.2, 0.6]]);
    expect(line!.rows[2]![k]).toBeCloseTo(0.4, 12);
  });

  it('held-out accuracy: the greedy accuracy of each evaluation', () => {
    const [line] = seedBandLines(arms, 'heldout', 't95');
    const k = armKey('T = 1');
    expect(line!.label).toContain('95% t interval over seeds');
    expect(line!.rows.map((r) => r.step)).toEqual([0, 2]);
    expect(line!.rows[0]![k]).toBeCloseTo(1 / 3, 12);
  });
});
