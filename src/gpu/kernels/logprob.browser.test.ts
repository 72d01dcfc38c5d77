import { describe, expect, it } from 'vitest';
import { randn } from '../../cpu/gradcheck';
import { entropyForward as cpuEntropy, logprobBackward as cpuBackward, logprobForward as cpuForward } from '../../cpu/logprob';
import { assertClose, testRuntime } from '../testing';
import { entropyForward, logprobBackward, logprobForward } from './logprob';

// f32 exp/log on the GPU against f64 on the CPU, rows of V <= 25: a few ulp.
const ATOL = 1e-5;
const RTOL = 1e-4;
// N=13 and 70 are not multiples of the 64-row workgroup; N*V = 325 and 1750 not of 256.
// scale 8 gives logits up to ~30 (at T=0.7, ~45): the max subtraction must hold.
const CASES = [
  { N: 1, V: 3, temperature: 1, scale: 1 },
  { N: 13, V: 25, temperature: 0.7, scale: 1 },
  { N: 13, V: 25, temperature: 1, scale: 8 },
  { N: 70, V: 25, temperature: 0.7, scale: 8 },
];

/** Targets in [0, V) with every third row -1 ("no target"). */
function makeTargets(N: number, V: number, seed: number): Int32Array {
  const u = randn(N, seed);
  return Int32Array.from(u, (x, n) => (n % 3 === 1 ? -1 : Math.floor(Math.abs(x) * 997) % V));
}

describe('logprob kernels (WebGPU) against cpu/logprob.ts', () => {
  it('forward writes logp and probs at the sampling temperature; entropy from those probs', async () => {
    const rt = await testRuntime();
    for (const { N, V, temperature, scale } of CASES) {
      const logits = Float32Array.from(randn(N * V, 91 + N, scale));
      const targets = makeTargets(N, V, 92 + N);
      const logp = new Float32Array(N);
      const probs = new Float32Array(N * V);
      const ent = new Float32Array(N);
      cpuForward(logp, probs, logits, targets, N, V, temperature);
      cpuEntropy(ent, probs, N, V);
      const g = { logp: rt.alloc(N), probs: rt.alloc(N * V), logits: rt.alloc(N * V), targets: rt.alloc(N, 'i32'), ent: rt.alloc(N) };
      rt.write(g.logits, logits);
      rt.write(g.targets, targets);
      rt.write(g.logp, randn(N, 93)); // garbage forward must overwrite, also where target < 0
      rt.write(g.probs, randn(N * V, 94));
      logprobForward(rt, g.logp, g.probs, g.logits, g.targets, N, V, temperature);
      entropyForward(rt, g.ent, g.probs, N, V);
      const label = `N=${N} V=${V} temperature=${temperature} scale=${scale}`;
      const gotLogp = await rt.read(g.logp);
      assertClose(`logprobForward logp ${label}`, gotLogp, logp, ATOL, RTOL);
      assertClose(`logprobForward probs ${label}`, await rt.read(g.probs), probs, ATOL, RTOL);
      assertClose(`entropyForward ${label}`, await rt.read(g.ent), ent, ATOL, RTOL);
      for (let n = 0; n < N; n++) if (targets[n]! < 0) expect(gotLogp[n]).toBe(0);
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward accumulates dLogits, skipping rows without a target or with dLogp 0', async () => {
    const rt = await testRuntime();
    for (const { N, V, temperature, scale } of CASES) {
      const logits = Float32Array.from(randn(N * V, 101 + N, scale));
      const targets = makeTargets(N, V, 102 + N);
      const probs = new Float32Array(N * V);
      cpuForward(new Float32Array(N), probs, logits, targets, N, V, temperature);
      const dLogp = Float32Array.from(randn(N, 103), (x, n) => (n % 4 === 2 ? 0 : x));
      const dLogits = Float32Array.from(randn(N * V, 104));
      const g = { dLogits: rt.alloc(N * V), dLogp: rt.alloc(N), probs: rt.alloc(N * V), targets: rt.alloc(N, 'i32') };
      rt.write(g.dLogits, dLogits);
      rt.write(g.dLogp, dLogp);
      rt.write(g.probs, probs);
      rt.write(g.targets, targets);
      logprobBackward(rt, g.dLogits, g.dLogp, g.probs, g.targets, N, V, temperature);
      const untouched = Float32Array.from(dLogits);
      cpuBackward(dLogits, dLogp, probs, targets, N, V, temperature);
      const got = await rt.read(g.dLogits);
      assertClose(`logprobBackward dLogits N=${N} V=${V} temperature=${temperature}`, got, dLogits, ATOL, RTOL);
      // rows the CPU skips keep their exact bits
      for (let n = 0; n < N; n++) {
        if (targets[n]! >= 0 && dLogp[n] !== 0) continue;
        for (let v = 0; v < V; v++) expect(got[n * V + v]).toBe(untouched[n * V + v]);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('entropy of hand-made rows: one-hot 0, uniform log V, zeros skipped', async () => {
    const rt = await testRuntime();
    const V = 4;
    const probs = [1, 0, 0, 0, 0.25, 0.25, 0.25, 0.25, 0.5, 0, 0.5, 0];
    const g = { ent: rt.alloc(3), probs: rt.alloc(probs.length) };
    rt.write(g.probs, probs);
    entropyForward(rt, g.ent, g.probs, 3, V);
    assertClose('entropy hand rows', await rt.read(g.ent), [0, Math.log(4), Math.log(2)], 1e-6, 1e-6);
  });

  it('a target outside [0, V) gives NaN instead of a silent value', async () => {
    const rt = await testRuntime();
    const g = { logp: rt.alloc(2), probs: rt.alloc(6), logits: rt.alloc(6), targets: rt.alloc(2, 'i32') };
    rt.write(g.logits, [0, 1, 2, 0, 1, 2]);
    rt.write(g.targets, [2, 3]);
    logprobForward(rt, g.logp, g.probs, g.logits, g.targets, 2, 3, 1);
    const got = await rt.read(g.logp);
    expect(got[0]).toBeCloseTo(2 - Math.log(1 + Math.E + Math.E ** 2), 6);
    expect(Number.isNaN(got[1])).toBe(true);
    expect(() => logprobForward(rt, g.logp, g.probs, g.logits, g.targets, 2, 3, 0)).toThrow(/temperature must be > 0/);
  });
});
