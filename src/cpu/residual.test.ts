import { describe, expect, it } from 'vitest';
import { residualBackward, residualForward } from './residual';

describe('residual', () => {
  it('adds forward and passes the gradient to both inputs, accumulating', () => {
    const out = new Float64Array(2);
    residualForward(out, new Float64Array([1, 2]), new Float64Array([10, -5]), 2);
    expect(Array.from(out)).toEqual([11, -3]);
    const d1 = new Float64Array([1, 1]);
    const d2 = new Float64Array([0, 0]);
    residualBackward(d1, d2, new Float64Array([0.5, -2]), 2);
    expect(Array.from(d1)).toEqual([1.5, -1]);
    expect(Array.from(d2)).toEqual([0.5, -2]);
  });
});
