import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { fmix32, Rng } from '../core/rng';
import { drawProblem, problemAt, spaceSize } from './problems';
import { expressionHash, heldOutSet, isHeldOut, sampleTrainProblem } from './split';

const cfg = (o: DeepPartial<RunConfig>) => mergeConfig(DEFAULT_CONFIG, o);

describe('expressionHash', () => {
  it('is FNV-1a with fmix32 per character (recomputed independently)', () => {
    let h = 0x811c9dc5;
    for (const ch of '47+85') h = fmix32(Number((BigInt(h ^ ch.charCodeAt(0)) * 0x01000193n) & 0xffffffffn));
    expect(expressionHash('47+85')).toBe(fmix32((h ^ 5) >>> 0));
    expect(expressionHash('47+85')).not.toBe(expressionHash('85+47'));
  });

  it('holds out about heldOutPercent of a space', () => {
    for (const pct of [10, 25]) {
      let held = 0;
      for (let k = 0; k < 10_000; k++) if (isHeldOut(problemAt('add', 2, k).expr, pct)) held++;
      // Binomial sd at n=1e4 is at most 0.5 percentage points; allow 4 sd.
      expect(Math.abs(held / 100 - pct)).toBeLessThan(2);
    }
    const rng = new Rng(3, 3);
    let held = 0;
    for (let k = 0; k < 20_000; k++) if (isHeldOut(drawProblem('mixed', 4, rng).expr, 10)) held++;
    expect(Math.abs(held / 200 - 10)).toBeLessThan(1); // sd 0.21 points
  });
});

describe('train / held-out split', () => {
  for (const [family, difficulty] of [['add', 2], ['mixed', 3]] as const) {
    it(`is disjoint over 100k train draws (${family} d=${difficulty})`, () => {
      const c = cfg({ task: { family, difficulty, heldOutPercent: 10 } });
      const held = new Set(heldOutSet(c, 1024).map((p) => p.expr));
      // add d=2 has only ~1000 held-out problems (10% of 1e4): then all of them.
      let exist = Infinity;
      if (family === 'add') {
        exist = 0;
        for (let k = 0; k < 10_000; k++) if (isHeldOut(problemAt('add', 2, k).expr, 10)) exist++;
      }
      expect(held.size).toBe(Math.min(1024, exist));
      let overlap = 0;
      for (let i = 0; i < 100_000; i++) {
        const p = sampleTrainProblem(c, i);
        if (held.has(p.expr) || isHeldOut(p.expr, 10)) overlap++;
      }
      expect(overlap).toBe(0);
    });
  }

  it('rejects the held-out share of raw draws', () => {
    // With 10% held out, about 10% of first draws are rejected: train problem i then
    // differs from the unfiltered draw at the same counter. Count distinct train problems instead:
    // over 20k draws of add d=2 (1e4 problems) nearly every train problem appears, no held-out one.
    const c = cfg({ task: { family: 'add', difficulty: 2, heldOutPercent: 10 } });
    const seen = new Set<string>();
    for (let i = 0; i < 60_000; i++) seen.add(sampleTrainProblem(c, i).expr);
    let trainSize = 0;
    for (let k = 0; k < 10_000; k++) if (!isHeldOut(problemAt('add', 2, k).expr, 10)) trainSize++;
    expect(trainSize).toBeGreaterThan(8800);
    expect(trainSize).toBeLessThan(9200);
    expect(seen.size).toBeGreaterThan(trainSize - 30); // 60k draws of ~9k: each missed with p ~ e^-6.7
    expect(seen.size).toBeLessThanOrEqual(trainSize);
  });

  it('sampleTrainProblem is a pure function of (seed, task, i)', () => {
    const c = cfg({ task: { family: 'mixed', difficulty: 4, heldOutPercent: 20 } });
    const a = [5, 0, 17, 5].map((i) => sampleTrainProblem(c, i).expr);
    expect(a[0]).toBe(a[3]);
    expect(sampleTrainProblem(cfg({ ...c, seed: 99 }), 5).expr).not.toBe(a[0]);
  });

  it('heldOutSet is deterministic, distinct, all held out', () => {
    const c = cfg({ task: { family: 'mul', difficulty: 5, heldOutPercent: 5 } });
    const a = heldOutSet(c, 200);
    expect(a.map((p) => p.expr)).toEqual(heldOutSet(c, 200).map((p) => p.expr));
    expect(new Set(a.map((p) => p.expr)).size).toBe(200);
    expect(a.every((p) => isHeldOut(p.expr, 5))).toBe(true);
    // Enumerated small space: the first n of a larger request are the smaller request.
    const s = cfg({ task: { family: 'add', difficulty: 2, heldOutPercent: 10 } });
    expect(heldOutSet(s, 30).map((p) => p.expr)).toEqual(heldOutSet(s, 64).slice(0, 30).map((p) => p.expr));
  });

  it('returns every held-out problem when the space has fewer than n', () => {
    const c = cfg({ task: { family: 'add', difficulty: 1, heldOutPercent: 10 } });
    const all: string[] = [];
    for (let k = 0; k < spaceSize('add', 1); k++) if (isHeldOut(problemAt('add', 1, k).expr, 10)) all.push(problemAt('add', 1, k).expr);
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThan(64);
    const got = heldOutSet(c, 64).map((p) => p.expr);
    expect([...got].sort()).toEqual([...all].sort());
  });

  it('rejects impossible requests with the field named', () => {
    expect(() => heldOutSet(cfg({ task: { heldOutPercent: 60 } }), 10)).toThrow('task.heldOutPercent = 60: out of range, allowed [1, 50]');
    expect(() => sampleTrainProblem(cfg({ task: { difficulty: 0 } }), 0)).toThrow('task.difficulty = 0');
    expect(() => heldOutSet(DEFAULT_CONFIG, -1)).toThrow('n = -1');
  });
});
