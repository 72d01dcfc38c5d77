import { describe, expect, it } from 'vitest';
import { dot, gradcheck, randn } from './gradcheck';
import { ropeBackward, ropeForward } from './rope';

describe('rope', () => {
  it('rotates pairs (i, i + HS/2) by t * 10000^(-2i/HS) and copies v', () => {
    // B=1, T=2, C=4, NH=1: HS=4, pairs (0,2) at freq 1 and (1,3) at freq 10000^-0.5 = 0.01
    const C = 4;
    const inp = new Float64Array(2 * 3 * C);
    for (let i = 0; i < inp.length; i++) inp[i] = i + 1;
    const out = new Float64Array(inp.length);
    ropeForward(out, inp, 1, 2, C, 1);
    // t = 0: identity everywhere
    for (let i = 0; i < 3 * C; i++) expect(out[i]).toBe(inp[i]);
    // t = 1, q = [13, 14, 15, 16]
    const row = 3 * C;
    expect(out[row + 0]).toBeCloseTo(13 * Math.cos(1) - 15 * Math.sin(1), 12);
    expect(out[row + 2]).toBeCloseTo(15 * Math.cos(1) + 13 * Math.sin(1), 12);
    expect(out[row + 1]).toBeCloseTo(14 * Math.cos(0.01) - 16 * Math.sin(0.01), 12);
    expect(out[row + 3]).toBeCloseTo(16 * Math.cos(0.01) + 14 * Math.sin(0.01), 12);
    // k = [17..20] rotated the same way; v = [21..24] untouched
    expect(out[row + 4]).toBeCloseTo(17 * Math.cos(1) - 19 * Math.sin(1), 12);
    for (let i = 2 * C; i < 3 * C; i++) expect(out[row + i]).toBe(inp[row + i]);
  });

  it('makes q_t . k_s depend only on t - s', () => {
    const T = 6, C = 8, NH = 2, HS = 4;
    const q = randn(HS, 1);
    const k = randn(HS, 2);
    const inp = new Float64Array(T * 3 * C);
    for (let t = 0; t < T; t++) for (let i = 0; i < HS; i++) {
      inp[t * 3 * C + HS + i] = q[i]!; // head 1 of q
      inp[t * 3 * C + C + HS + i] = k[i]!; // head 1 of k
    }
    const out = new Float64Array(inp.length);
    ropeForward(out, inp, 1, T, C, NH);
    const qk = (t: number, s: number) => {
      let d = 0;
      for (let i = 0; i < HS; i++) d += out[t * 3 * C + HS + i]! * out[s * 3 * C + C + HS + i]!;
      return d;
    };
    expect(qk(3, 1)).toBeCloseTo(qk(5, 3), 12);
    expect(qk(2, 2)).toBeCloseTo(qk(0, 0), 12);
    expect(Math.abs(qk(3, 1) - qk(3, 2))).toBeGreaterThan(1e-6);
  });

  it('backward matches finite differences', () => {
    const B = 2, T = 4, C = 8, NH = 2;
    const inp = randn(B * T * 3 * C, 1);
    const w = randn(inp.length, 2);
    const out = new Float64Array(inp.length);
    const loss = () => (ropeForward(out, inp, B, T, C, NH), dot(out, w));
    const dInp = new Float64Array(inp.length);
    ropeBackward(dInp, w, B, T, C, NH);
    const r = gradcheck(loss, inp, dInp);
    console.log('rope max abs err', r.maxAbs);
    expect(r.maxAbs).toBeLessThan(1e-8);
  });

  it('rejects an odd head size', () => {
    expect(() => ropeForward(new Float64Array(9), new Float64Array(9), 1, 1, 3, 1)).toThrow(/even/);
  });
});
