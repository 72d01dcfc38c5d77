import { describe, expect, it } from 'vitest';
import { fmix32, pcg4d, rngFloat, rngU32, Rng, sampleStream, STREAM } from './rng';

// Reference values computed by hand-rolled BigInt arithmetic below, so the test
// checks the Math.imul implementation against an independent one.
function pcg4dBig(a: number, b: number, c: number, d: number): number[] {
  const M = 0xffffffffn;
  const v = [a, b, c, d].map((x) => (BigInt(x >>> 0) * 1664525n + 1013904223n) & M);
  const mix = () => {
    v[0] = (v[0]! + v[1]! * v[3]!) & M;
    v[1] = (v[1]! + v[2]! * v[0]!) & M;
    v[2] = (v[2]! + v[0]! * v[1]!) & M;
    v[3] = (v[3]! + v[1]! * v[2]!) & M;
  };
  mix();
  for (let i = 0; i < 4; i++) v[i] = v[i]! ^ (v[i]! >> 16n);
  mix();
  return v.map(Number);
}

describe('pcg4d', () => {
  it('matches an independent BigInt implementation exactly', () => {
    const r = new Rng(7, 99);
    for (let i = 0; i < 2000; i++) {
      const key = [r.u32(), r.u32(), i, i === 0 ? 0 : r.u32()] as const;
      expect(pcg4d(...key)).toEqual(pcg4dBig(...key));
    }
    expect(pcg4d(0, 0, 0, 0)).toEqual(pcg4dBig(0, 0, 0, 0));
    expect(pcg4d(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)).toEqual(pcg4dBig(-1, -1, -1, -1));
  });

  it('returns unsigned 32-bit integers', () => {
    for (let i = 0; i < 1000; i++) {
      for (const w of pcg4d(i, 2 * i, 3 * i, 4 * i)) {
        expect(Number.isInteger(w)).toBe(true);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThan(2 ** 32);
      }
    }
  });
});

function fmix32Big(x: number): number {
  const M = 0xffffffffn;
  let h = BigInt(x >>> 0);
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & M;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & M;
  h ^= h >> 16n;
  return Number(h);
}

describe('fmix32', () => {
  it('matches BigInt arithmetic and is a bijection on a sample', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const x = pcg4d(i, 0, 0, 0)[1];
      expect(fmix32(x)).toBe(fmix32Big(x));
      seen.add(fmix32(i));
    }
    expect(seen.size).toBe(5000);
    expect(rngU32(1, 2, 3)).toBe(fmix32Big(pcg4dBig(1, 2, 3, 0x9e3779b9)[0]!));
  });
});

describe('counter-based draws', () => {
  it('are a pure function of (seed, stream, counter)', () => {
    expect(rngU32(1, 2, 3)).toBe(rngU32(1, 2, 3));
    expect(rngU32(1, 2, 3)).not.toBe(rngU32(1, 2, 4));
    expect(rngU32(1, 2, 3)).not.toBe(rngU32(1, 3, 3));
    expect(rngU32(1, 2, 3)).not.toBe(rngU32(2, 2, 3));
    const a = new Rng(5, STREAM.corpus);
    const seq = Array.from({ length: 10 }, () => a.u32());
    expect(seq).toEqual(Array.from({ length: 10 }, (_, i) => rngU32(5, STREAM.corpus, i)));
    const b = new Rng(5, STREAM.corpus, 4);
    expect(b.u32()).toBe(seq[4]);
  });

  it('floats lie in [0, 1) and use 24 bits, so they are exact in f32', () => {
    for (let i = 0; i < 5000; i++) {
      const f = rngFloat(3, 4, i);
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      expect(Math.fround(f)).toBe(f);
      expect(f * 2 ** 24).toBe(Math.floor(f * 2 ** 24));
    }
  });

  it('looks uniform: bucket counts and bit balance within 5 sigma', () => {
    const n = 200_000;
    const buckets = new Array(16).fill(0);
    const bitOnes = new Array(32).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rngU32(42, 7, i);
      buckets[u >>> 28]++;
      for (let b = 0; b < 32; b++) bitOnes[b] += (u >>> b) & 1;
    }
    const expected = n / 16;
    const sigma = Math.sqrt(n * (1 / 16) * (15 / 16));
    for (const c of buckets) expect(Math.abs(c - expected)).toBeLessThan(5 * sigma);
    const bitSigma = Math.sqrt(n / 4);
    for (const c of bitOnes) expect(Math.abs(c - n / 2)).toBeLessThan(5 * bitSigma);
  });

  it('neighbouring streams and counters are uncorrelated (lag-1 correlation near 0)', () => {
    const n = 50_000;
    let sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      const x = rngFloat(1, sampleStream(i), 0);
      const y = rngFloat(1, sampleStream(i + 1), 0);
      sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y;
    }
    const corr = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    expect(Math.abs(corr)).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe('Rng helpers', () => {
  it('int(n) stays in range and hits every value', () => {
    const r = new Rng(9, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    expect(() => r.int(0)).toThrow(/n must be an integer/);
    expect(() => r.int(2.5)).toThrow(/n must be an integer/);
  });

  it('normal() has mean ~0 and variance ~1', () => {
    const r = new Rng(11, STREAM.init);
    const n = 50_000;
    let s = 0, ss = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      expect(Number.isFinite(x)).toBe(true);
      s += x; ss += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.03);
  });

  it('categorical follows the weights and rejects bad ones', () => {
    const r = new Rng(13, 2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const c = r.categorical([1, 0, 3]);
      counts[c] = counts[c]! + 1;
    }
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.7);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.3);
    expect(() => r.categorical([0, 0])).toThrow(/sum to 0/);
    expect(() => r.categorical([1, NaN])).toThrow(/bad weight/);
  });
});
