import { describe, expect, it } from 'vitest';
import { randn } from '../../cpu/gradcheck';
import { grpoLossForward as cpuGrpoLoss } from '../../cpu/grpo_loss';
import { GRPO_SUMS, type GrpoLossHyper } from '../../ops/ops';
import { assertClose, testRuntime } from '../testing';
import { grpoLossForward } from './grpo_loss';

// Positions as a training forward lays them out: about a third off the loss
// (denom 0), rows with integer denominators, advantages of both signs, and
// logp far enough from logpOld that both clip sides are taken.
function inputs(N: number, seed: number) {
  const z = randn(4 * N, seed);
  const logp = Float32Array.from({ length: N }, (_, i) => -Math.abs(z[i]!) - 0.1);
  const logpOld = Float32Array.from({ length: N }, (_, i) => logp[i]! + 0.4 * z[N + i]!);
  const logpRef = Float32Array.from({ length: N }, (_, i) => logp[i]! + 0.2 * z[2 * N + i]!);
  const adv = Float32Array.from({ length: N }, (_, i) => (i % 7 === 3 ? 0 : z[3 * N + i]!));
  const denom = Float32Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 0 : 8 * (1 + (i % 11))));
  return { logp, logpOld, logpRef, adv, denom };
}

describe('grpo_loss kernel vs cpu/grpo_loss.ts', () => {
  it('dLogp and the sums match the CPU twin at odd N, with and without the KL term, both clip sides taken', async () => {
    const rt = await testRuntime();
    const cases: { N: number; h: GrpoLossHyper }[] = [
      { N: 1, h: { beta: 0, epsLow: 0.2, epsHigh: 0.2 } },
      { N: 37, h: { beta: 0.04, epsLow: 0.2, epsHigh: 0.28 } },
      { N: 1000, h: { beta: 0, epsLow: 0.2, epsHigh: 0.28 } },
      { N: 2503, h: { beta: 0.001, epsLow: 0.1, epsHigh: 0.3 } },
    ];
    for (const [ci, { N, h }] of cases.entries()) {
      const x = inputs(N, 100 + ci);
      if (N === 1) x.denom[0] = 3;
      const t = (a: Float32Array) => { const g = rt.alloc(a.length); rt.write(g, a); return g; };
      const dLogp = t(Float32Array.from({ length: N }, () => 7)); // written, not accumulated
      const sums = rt.alloc(GRPO_SUMS);
      const ref = h.beta > 0 ? t(x.logpRef) : null;
      grpoLossForward(rt, dLogp, sums, t(x.logp), t(x.logpOld), ref, t(x.adv), t(x.denom), N, h);
      const wantD = new Float32Array(N);
      const wantS = new Float64Array(GRPO_SUMS);
      cpuGrpoLoss(wantD, wantS, x.logp, x.logpOld, h.beta > 0 ? x.logpRef : null, x.adv, x.denom, N, h);
      const gotS = await rt.read(sums);
      assertClose(`dLogp N=${N}`, await rt.read(dLogp), wantD, 1e-7, 1e-4);
      // loss, policyLoss, klLoss, klSum, ratioSum: f32 sums in a tree vs f64 in order
      assertClose(`sums N=${N}`, gotS.subarray(0, 5), wantS.subarray(0, 5), 1e-6, 1e-4);
      // the clip and token counts are exact (a token at a clip boundary would differ; none is)
      expect(Array.from(gotS.subarray(5))).toEqual(Array.from(wantS.subarray(5)));
      if (N > 100) expect(wantS[5]! > 0 && wantS[6]! > 0).toBe(true); // both clip sides exercised
      expect(wantS[7]).toBe(x.denom.filter((d) => d > 0).length);
      if (h.beta === 0) expect([wantS[2], wantS[3]]).toEqual([0, 0]);
    }
    expect(rt.errors).toEqual([]);
  });

  it('is deterministic: the same inputs give the same bits', async () => {
    const rt = await testRuntime();
    const N = 777, h = { beta: 0.02, epsLow: 0.2, epsHigh: 0.28 };
    const x = inputs(N, 9);
    const t = (a: Float32Array) => { const g = rt.alloc(a.length); rt.write(g, a); return g; };
    const args = [t(x.logp), t(x.logpOld), t(x.logpRef), t(x.adv), t(x.denom)] as const;
    const run = async () => {
      const d = rt.alloc(N), s = rt.alloc(GRPO_SUMS);
      grpoLossForward(rt, d, s, ...args, N, h);
      return [Array.from(await rt.read(d)), Array.from(await rt.read(s))];
    };
    expect(await run()).toEqual(await run());
  });
});
