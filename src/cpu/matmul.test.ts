import { describe, expect, it } from 'vitest';
import { dot, gradcheck, randn } from './gradcheck';
import { matmulBackward, matmulForward } from './matmul';

describe('matmul', () => {
  it('computes inp @ weight^T + bias', () => {
    // inp (2,3), weight (2,3) so out (2,2)
    const inp = new Float64Array([1, 2, 3, 4, 5, 6]);
    const weight = new Float64Array([1, 0, -1, 0.5, 0.5, 0.5]);
    const out = new Float64Array(4);
    matmulForward(out, inp, weight, new Float64Array([10, 20]), 2, 3, 2);
    expect(Array.from(out)).toEqual([1 - 3 + 10, 3 + 20, 4 - 6 + 10, 7.5 + 20]);
    matmulForward(out, inp, weight, null, 2, 3, 2);
    expect(Array.from(out)).toEqual([-2, 3, -2, 7.5]);
  });

  it('backward matches finite differences', () => {
    const N = 4, C = 5, OC = 3;
    const inp = randn(N * C, 1);
    const weight = randn(OC * C, 2);
    const bias = randn(OC, 3);
    const w = randn(N * OC, 4);
    const out = new Float64Array(N * OC);
    const loss = () => (matmulForward(out, inp, weight, bias, N, C, OC), dot(out, w));
    const dInp = new Float64Array(N * C);
    const dWeight = new Float64Array(OC * C);
    const dBias = new Float64Array(OC);
    matmulBackward(dInp, dWeight, dBias, w, inp, weight, N, C, OC);
    const errs = [gradcheck(loss, inp, dInp), gradcheck(loss, weight, dWeight), gradcheck(loss, bias, dBias)];
    console.log('matmul max abs err', ...errs.map((e) => e.maxAbs));
    for (const e of errs) expect(e.maxAbs).toBeLessThan(1e-8);
  });
});
