import { describe, expect, it } from 'vitest';
import { dot, gradcheck, randn } from './gradcheck';
import { RMSNORM_EPS, rmsnormBackward, rmsnormForward } from './rmsnorm';

describe('rmsnorm', () => {
  it('divides by the root mean square and scales by the weight', () => {
    const out = new Float64Array(2);
    const rstd = new Float64Array(1);
    rmsnormForward(out, rstd, new Float64Array([3, 4]), new Float64Array([1, 2]), 1, 2);
    const r = 1 / Math.sqrt(12.5 + RMSNORM_EPS); // mean(9, 16) = 12.5
    expect(rstd[0]).toBeCloseTo(r, 14);
    expect(out[0]).toBeCloseTo(3 * r, 14);
    expect(out[1]).toBeCloseTo(8 * r, 14);
  });

  it('backward matches finite differences', () => {
    const N = 5, C = 6;
    const inp = randn(N * C, 1);
    const weight = randn(C, 2, 0.5).map((x) => x + 1);
    const w = randn(N * C, 3);
    const out = new Float64Array(N * C);
    const rstd = new Float64Array(N);
    const loss = () => (rmsnormForward(out, rstd, inp, weight, N, C), dot(out, w));
    loss();
    const dInp = new Float64Array(N * C);
    const dWeight = new Float64Array(C);
    rmsnormBackward(dInp, dWeight, w, inp, weight, rstd, N, C);
    const r1 = gradcheck(loss, inp, dInp);
    const r2 = gradcheck(loss, weight, dWeight);
    console.log('rmsnorm max abs err', r1.maxAbs, r2.maxAbs, 'max rel', r1.maxRel, r2.maxRel);
    expect(r1.maxAbs).toBeLessThan(1e-8);
    expect(r2.maxAbs).toBeLessThan(1e-8);
  });

  it('backward accumulates into existing gradients', () => {
    const inp = new Float64Array([1, -2]);
    const weight = new Float64Array([1, 1]);
    const out = new Float64Array(2);
    const rstd = new Float64Array(1);
    rmsnormForward(out, rstd, inp, weight, 1, 2);
    const once = new Float64Array(2);
    rmsnormBackward(once, new Float64Array(2), new Float64Array([1, 0.5]), inp, weight, rstd, 1, 2);
    const twice = new Float64Array([7, 7]);
    rmsnormBackward(twice, new Float64Array(2), new Float64Array([1, 0.5]), inp, weight, rstd, 1, 2);
    expect(twice[0]).toBeCloseTo(7 + once[0]!, 14);
    expect(twice[1]).toBeCloseTo(7 + once[1]!, 14);
  });
});
