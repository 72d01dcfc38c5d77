import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import type { RouterKind } from '../core/config';
import { routerBackward, routerForward } from './router';

// Finite-difference check: central differences in float64, step H. The error
// of one entry is |analytic - numeric| / max(|analytic|, |numeric|, 1e-3): relative,
// with a floor so entries that are ~0 are judged by an absolute 1e-3 * TOL.
const H = 1e-6;
const TOL = 1e-5;

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/**
 * Perturbs every entry of `param` by +-H and compares (loss(+) - loss(-)) / 2H with `analytic`.
 * `loss` returns null when the perturbation flipped a top-k choice: such entries are skipped
 * (the loss is not differentiable across a flip).
 */
function gradcheck(param: Float64Array, analytic: Float64Array, loss: () => number | null): { maxErr: number; checked: number; skipped: number } {
  let maxErr = 0;
  let checked = 0;
  let skipped = 0;
  for (let i = 0; i < param.length; i++) {
    const orig = param[i]!;
    param[i] = orig + H;
    const lp = loss();
    param[i] = orig - H;
    const lm = loss();
    param[i] = orig;
    if (lp === null || lm === null) {
      skipped++;
      continue;
    }
    const num = (lp - lm) / (2 * H);
    const a = analytic[i]!;
    maxErr = Math.max(maxErr, Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), 1e-3));
    checked++;
  }
  return { maxErr, checked, skipped };
}

function forward(inp: Float64Array, w: Float64Array, bias: Float64Array, N: number, C: number, E: number, k: number, kind: RouterKind) {
  const scores = new Float64Array(N * E);
  const topIdx = new Int32Array(N * k);
  const gates = new Float64Array(N * k);
  routerForward(scores, topIdx, gates, inp, w, bias, N, C, E, k, kind);
  return { scores, topIdx, gates };
}

describe('routerForward, hand-computed', () => {
  // inp = [1, 0] and wRouter[:,0] = ln(1), ln(2), ln(3): softmax scores are exactly 1/6, 2/6, 3/6.
  const inp = new Float64Array([1, 0]);
  const wSoft = new Float64Array([0, 5, Math.log(2), -7, Math.log(3), 2]);

  it('softmax: top-2 by score, gates renormalised', () => {
    const r = forward(inp, wSoft, new Float64Array(3), 1, 2, 3, 2, 'softmax');
    expect(Array.from(r.scores)).toEqual([1 / 6, 2 / 6, 3 / 6].map((v) => expect.closeTo(v, 14)));
    expect(Array.from(r.topIdx)).toEqual([2, 1]);
    expect(r.gates[0]).toBeCloseTo(3 / 5, 14);
    expect(r.gates[1]).toBeCloseTo(2 / 5, 14);
  });

  it('softmax: a bias changes the selection, the gates still come from the unbiased scores', () => {
    // biased: 1/6+0.5 = 0.667, 2/6 = 0.333, 3/6 = 0.5 -> experts 0 then 2; gates 1/6 : 3/6 -> 1/4, 3/4
    const r = forward(inp, wSoft, new Float64Array([0.5, 0, 0]), 1, 2, 3, 2, 'softmax');
    expect(Array.from(r.scores)).toEqual([1 / 6, 2 / 6, 3 / 6].map((v) => expect.closeTo(v, 14)));
    expect(Array.from(r.topIdx)).toEqual([0, 2]);
    expect(r.gates[0]).toBeCloseTo(1 / 4, 14);
    expect(r.gates[1]).toBeCloseTo(3 / 4, 14);
    // a different bias with the same selection gives bit-identical gates
    const r2 = forward(inp, wSoft, new Float64Array([3, -1, 2]), 1, 2, 3, 2, 'softmax');
    expect(Array.from(r2.topIdx)).toEqual([0, 2]);
    expect(Array.from(r2.gates)).toEqual(Array.from(r.gates));
  });

  // wRouter[:,0] = 0, ln 3, -ln 3: sigmoid scores are exactly 1/2, 3/4, 1/4.
  const wSig = new Float64Array([0, 1, Math.log(3), 1, -Math.log(3), 1]);

  it('sigmoid: scores, top-2, gates renormalised over the selected', () => {
    const r = forward(inp, wSig, new Float64Array(3), 1, 2, 3, 2, 'sigmoid');
    expect(Array.from(r.scores)).toEqual([1 / 2, 3 / 4, 1 / 4].map((v) => expect.closeTo(v, 14)));
    expect(Array.from(r.topIdx)).toEqual([1, 0]);
    expect(r.gates[0]).toBeCloseTo(0.75 / 1.25, 14);
    expect(r.gates[1]).toBeCloseTo(0.5 / 1.25, 14);
  });

  it('sigmoid: a bias changes the selection but not the gate values', () => {
    // biased: 0.5, 0.75, 0.85 -> experts 2 then 1; gates 1/4 : 3/4 of the unbiased scores
    const r = forward(inp, wSig, new Float64Array([0, 0, 0.6]), 1, 2, 3, 2, 'sigmoid');
    expect(Array.from(r.topIdx)).toEqual([2, 1]);
    expect(r.gates[0]).toBeCloseTo(0.25, 14);
    expect(r.gates[1]).toBeCloseTo(0.75, 14);
  });

  it('ties go to the lower expert index', () => {
    // all logits 0: every score ties
    const w = new Float64Array(4 * 2);
    const r = forward(inp, w, new Float64Array(4), 1, 2, 4, 2, 'softmax');
    expect(Array.from(r.topIdx)).toEqual([0, 1]);
    expect(Array.from(r.gates)).toEqual([0.5, 0.5]);
    // experts 1 and 3 tie on top, 0 and 2 tie below them
    const r2 = forward(inp, w, new Float64Array([0, 1, 0, 1]), 1, 2, 4, 3, 'sigmoid');
    expect(Array.from(r2.topIdx)).toEqual([1, 3, 0]);
    expect(Array.from(r2.gates)).toEqual([1 / 3, 1 / 3, 1 / 3].map((v) => expect.closeTo(v, 15)));
  });

  it('rejects k > E', () => {
    expect(() => forward(inp, wSoft, new Float64Array(3), 1, 2, 3, 4, 'softmax')).toThrow(/k <= E/);
  });
});

describe('routerBackward, finite differences', () => {
  const N = 7;
  const C = 6;
  const E = 4;

  for (const kind of ['softmax', 'sigmoid'] as const) {
    for (const k of [2, 3]) {
      for (const path of ['gates', 'scores', 'both'] as const) {
        it(`${kind}, k=${k}, gradient through ${path}`, () => {
          const rng = new Rng(7, 100 + k);
          const inp = randn(rng, N * C);
          const w = randn(rng, E * C);
          const bias = randn(rng, E, 0.3);
          const dGates = path === 'scores' ? new Float64Array(N * k) : randn(rng, N * k);
          const dScoresExtra = path === 'gates' ? null : randn(rng, N * E);
          const ref = forward(inp, w, bias, N, C, E, k, kind);

          // L = sum dGates * gates + sum dScoresExtra * scores; null if the selection moved
          const loss = (): number | null => {
            const r = forward(inp, w, bias, N, C, E, k, kind);
            for (let i = 0; i < N * k; i++) if (r.topIdx[i] !== ref.topIdx[i]) return null;
            let l = 0;
            for (let i = 0; i < N * k; i++) l += dGates[i]! * r.gates[i]!;
            if (dScoresExtra) for (let i = 0; i < N * E; i++) l += dScoresExtra[i]! * r.scores[i]!;
            return l;
          };

          // backward accumulates: start from a nonzero fill and subtract it afterwards
          const dInp = new Float64Array(N * C).fill(0.25);
          const dW = new Float64Array(E * C).fill(-0.5);
          routerBackward(dInp, dW, dGates, dScoresExtra, ref.scores, ref.topIdx, ref.gates, inp, w, N, C, E, k, kind);
          for (let i = 0; i < dInp.length; i++) dInp[i] = dInp[i]! - 0.25;
          for (let i = 0; i < dW.length; i++) dW[i] = dW[i]! + 0.5;

          const gi = gradcheck(inp, dInp, loss);
          const gw = gradcheck(w, dW, loss);
          console.log(`router ${kind} k=${k} via ${path}: max rel err inp ${gi.maxErr.toExponential(2)}, wRouter ${gw.maxErr.toExponential(2)}; skipped (top-k flip) ${gi.skipped + gw.skipped}`);
          expect(gi.maxErr).toBeLessThan(TOL);
          expect(gw.maxErr).toBeLessThan(TOL);
          // a flip needs a near-tie; almost every entry must really be checked
          expect(gi.checked + gw.checked).toBeGreaterThanOrEqual(N * C + E * C - 4);
          // the gradient is not trivially zero
          expect(Math.max(...Array.from(dW, Math.abs))).toBeGreaterThan(1e-3);
        });
      }
    }
  }

  it('softmax with k=1: the renormalised gate is 1, so no gradient flows through the gates', () => {
    const k = 1;
    const rng = new Rng(8, 1);
    const inp = randn(rng, N * C);
    const w = randn(rng, E * C);
    const ref = forward(inp, w, new Float64Array(E), N, C, E, k, 'softmax');
    expect(Array.from(ref.gates)).toEqual(new Array(N).fill(1));
    const dInp = new Float64Array(N * C);
    const dW = new Float64Array(E * C);
    routerBackward(dInp, dW, randn(rng, N), null, ref.scores, ref.topIdx, ref.gates, inp, w, N, C, E, k, 'softmax');
    for (const v of dInp) expect(Math.abs(v)).toBeLessThan(1e-15);
    for (const v of dW) expect(Math.abs(v)).toBeLessThan(1e-15);
  });
});
