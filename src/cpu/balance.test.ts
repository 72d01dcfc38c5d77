import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { auxFreeBiasUpdate, expertLoad, switchAuxLossBackward, switchAuxLossForward } from './balance';
import { routerBackward, routerForward } from './router';

describe('switchAuxLossForward, hand-computed', () => {
  const alpha = 0.01;

  it('perfectly uniform routing gives alpha, whatever the scores', () => {
    // f_i = 1/E for all i, and P sums to 1: alpha * E * (1/E) * 1 = alpha
    const scores = new Float64Array([0.7, 0.1, 0.1, 0.1, 0.25, 0.25, 0.25, 0.25, 0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0]);
    const topIdx = new Int32Array([0, 1, 2, 3]);
    expect(switchAuxLossForward(scores, topIdx, 4, 4, 1, alpha)).toBeCloseTo(alpha, 15);
  });

  it('total collapse onto one expert gives alpha * E', () => {
    const scores = new Float64Array([0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const topIdx = new Int32Array([2, 2, 2]);
    expect(switchAuxLossForward(scores, topIdx, 3, 4, 1, alpha)).toBeCloseTo(4 * alpha, 15);
  });

  it('a partial case, k = 1: f = [1, 0], P_0 = (0.75 + 0.5) / 2', () => {
    const scores = new Float64Array([0.75, 0.25, 0.5, 0.5]);
    const topIdx = new Int32Array([0, 0]);
    expect(switchAuxLossForward(scores, topIdx, 2, 2, 1, alpha)).toBeCloseTo(alpha * 2 * 0.625, 15);
  });

  it('sigmoid scores are normalised per token first (same p as the case above)', () => {
    // rows sum to 1.2 and 0.4: p = [0.75, 0.25] and [0.5, 0.5]
    const scores = new Float64Array([0.9, 0.3, 0.2, 0.2]);
    const topIdx = new Int32Array([0, 0]);
    expect(switchAuxLossForward(scores, topIdx, 2, 2, 1, alpha)).toBeCloseTo(alpha * 2 * 0.625, 15);
  });

  it('k = 2: f counts each of the N*k choices', () => {
    // counts [2,1,1] of 4 -> f = [0.5, 0.25, 0.25]; P = [0.35, 0.25, 0.4]
    // L = alpha * 3 * (0.175 + 0.0625 + 0.1) = alpha * 1.0125
    const scores = new Float64Array([0.5, 0.3, 0.2, 0.2, 0.2, 0.6]);
    const topIdx = new Int32Array([0, 1, 0, 2]);
    expect(switchAuxLossForward(scores, topIdx, 2, 3, 2, alpha)).toBeCloseTo(alpha * 1.0125, 15);
  });
});

describe('switchAuxLossBackward, finite differences', () => {
  // Central differences in float64 with step 1e-6 on every score. topIdx is an
  // input here, so no perturbation can flip a choice. Relative tolerance 1e-5
  // with a 1e-3 floor on the denominator (see router.test.ts).
  for (const k of [1, 2]) {
    it(`N=7, E=4, k=${k}`, () => {
      const N = 7;
      const E = 4;
      const alpha = 0.3;
      const dLoss = 1.7;
      const rng = new Rng(21, k);
      const scores = new Float64Array(N * E);
      for (let i = 0; i < N * E; i++) scores[i] = 0.05 + rng.float(); // positive, like sigmoid scores
      const topIdx = new Int32Array(N * k);
      for (let n = 0; n < N; n++) {
        topIdx[n * k] = rng.int(E);
        if (k === 2) topIdx[n * k + 1] = (topIdx[n * k]! + 1 + rng.int(E - 1)) % E;
      }
      const dScores = new Float64Array(N * E).fill(0.5); // backward accumulates
      switchAuxLossBackward(dScores, scores, topIdx, N, E, k, alpha, dLoss);

      const h = 1e-6;
      let maxErr = 0;
      for (let i = 0; i < N * E; i++) {
        const orig = scores[i]!;
        scores[i] = orig + h;
        const lp = dLoss * switchAuxLossForward(scores, topIdx, N, E, k, alpha);
        scores[i] = orig - h;
        const lm = dLoss * switchAuxLossForward(scores, topIdx, N, E, k, alpha);
        scores[i] = orig;
        const num = (lp - lm) / (2 * h);
        const a = dScores[i]! - 0.5;
        maxErr = Math.max(maxErr, Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), 1e-3));
      }
      console.log(`switch aux loss k=${k}: max rel err ${maxErr.toExponential(2)}`);
      expect(maxErr).toBeLessThan(1e-5);
    });
  }

  // The model's wiring: aux loss -> dScoresExtra -> routerBackward -> wRouter.
  // f is piecewise constant in the weights, so entries whose perturbation flips
  // a top-k choice are skipped (and counted).
  for (const kind of ['softmax', 'sigmoid'] as const) {
    it(`through the ${kind} router into wRouter`, () => {
      const N = 7;
      const C = 6;
      const E = 4;
      const k = 2;
      const alpha = 0.5;
      const rng = new Rng(22, kind === 'softmax' ? 1 : 2);
      const inp = Float64Array.from({ length: N * C }, () => rng.normal());
      const w = Float64Array.from({ length: E * C }, () => rng.normal());
      const bias = new Float64Array(E);
      const scores = new Float64Array(N * E);
      const topIdx = new Int32Array(N * k);
      const gates = new Float64Array(N * k);
      routerForward(scores, topIdx, gates, inp, w, bias, N, C, E, k, kind);
      const ref = Int32Array.from(topIdx);
      const dScores = new Float64Array(N * E);
      switchAuxLossBackward(dScores, scores, topIdx, N, E, k, alpha, 1);
      const dInp = new Float64Array(N * C);
      const dW = new Float64Array(E * C);
      routerBackward(dInp, dW, new Float64Array(N * k), dScores, scores, topIdx, gates, inp, w, N, C, E, k, kind);

      const loss = (): number | null => {
        routerForward(scores, topIdx, gates, inp, w, bias, N, C, E, k, kind);
        if (topIdx.some((v, i) => v !== ref[i])) return null;
        return switchAuxLossForward(scores, topIdx, N, E, k, alpha);
      };
      const h = 1e-6;
      let maxErr = 0;
      let skipped = 0;
      for (let i = 0; i < E * C; i++) {
        const orig = w[i]!;
        w[i] = orig + h;
        const lp = loss();
        w[i] = orig - h;
        const lm = loss();
        w[i] = orig;
        if (lp === null || lm === null) {
          skipped++;
          continue;
        }
        const num = (lp - lm) / (2 * h);
        maxErr = Math.max(maxErr, Math.abs(dW[i]! - num) / Math.max(Math.abs(dW[i]!), Math.abs(num), 1e-3));
      }
      console.log(`aux loss through ${kind} router: max rel err ${maxErr.toExponential(2)}, skipped (top-k flip) ${skipped}`);
      expect(maxErr).toBeLessThan(1e-5);
      expect(skipped).toBeLessThanOrEqual(2);
      expect(Math.max(...Array.from(dW, Math.abs))).toBeGreaterThan(1e-3);
    });
  }
});

describe('expertLoad and auxFreeBiasUpdate', () => {
  it('expertLoad counts the N*k choices and overwrites load', () => {
    const load = new Float64Array(4).fill(9);
    expertLoad(load, new Int32Array([0, 2, 2, 1, 2, 0]), 3, 4, 2);
    expect(Array.from(load)).toEqual([2, 1, 3, 0]);
  });

  it('expertLoad rejects an index outside [0, E)', () => {
    expect(() => expertLoad(new Float64Array(2), new Int32Array([0, 2]), 2, 2, 1)).toThrow(/topIdx\[1\]/);
  });

  it('bias moves up for under-loaded experts and down for over-loaded ones', () => {
    // mean load 1.5: signs -, +, -, +
    const bias = new Float64Array([0.1, 0, 0, -0.2]);
    auxFreeBiasUpdate(bias, new Float64Array([2, 1, 3, 0]), 4, 0.01);
    expect(Array.from(bias)).toEqual([0.1 - 0.01, 0.01, -0.01, -0.2 + 0.01]);
  });

  it('an expert exactly at the mean load keeps its bias; float32 bias works too', () => {
    const bias = new Float32Array([0.5, 0.5, 0.5]);
    auxFreeBiasUpdate(bias, new Float64Array([1, 2, 3]), 3, 0.25);
    expect(Array.from(bias)).toEqual([0.75, 0.5, 0.25]);
  });

  it('balanced load: no change at all, even when the mean is not representable', () => {
    const bias = new Float64Array([0.3, -0.1, 0.7]);
    auxFreeBiasUpdate(bias, new Float64Array([7, 7, 7]), 3, 0.01);
    expect(Array.from(bias)).toEqual([0.3, -0.1, 0.7]);
    // load [1, 1, 2]: mean 4/3 is inexact, signs still +, +, -
    auxFreeBiasUpdate(bias, new Float64Array([1, 1, 2]), 3, 0.5);
    expect(Array.from(bias)).toEqual([0.8, 0.4, 0.2].map((v) => expect.closeTo(v, 15)));
  });
});
