import { describe, expect, it } from 'vitest';
import { attentionBackward, attentionForward } from './attention';
import { dot, gradcheck, randn } from './gradcheck';

describe('attention', () => {
  it('matches a hand computation with HS = 1', () => {
    // B=1, T=2, C=1, NH=1: rows [q, k, v]; scale 1/sqrt(1) = 1
    const inp = new Float64Array([2, 1, 5, 1, 3, -4]);
    const out = new Float64Array(2);
    const att = new Float64Array(4);
    attentionForward(out, att, inp, 1, 2, 1, 1);
    // t=0 sees only itself
    expect(out[0]).toBe(5);
    expect(att[1]).toBe(0);
    // t=1: scores q1*k0 = 1, q1*k1 = 3
    const a0 = Math.exp(1) / (Math.exp(1) + Math.exp(3));
    expect(att[2]).toBeCloseTo(a0, 14);
    expect(att[3]).toBeCloseTo(1 - a0, 14);
    expect(out[1]).toBeCloseTo(a0 * 5 + (1 - a0) * -4, 14);
  });

  it('is causal: changing a later token leaves earlier outputs unchanged', () => {
    const B = 1, T = 4, C = 4, NH = 2;
    const inp = randn(T * 3 * C, 1);
    const out1 = new Float64Array(T * C);
    const out2 = new Float64Array(T * C);
    const att = new Float64Array(NH * T * T);
    attentionForward(out1, att, inp, B, T, C, NH);
    for (let i = 2 * 3 * C; i < inp.length; i++) inp[i] = inp[i]! + 1;
    attentionForward(out2, att, inp, B, T, C, NH);
    expect(Array.from(out2.subarray(0, 2 * C))).toEqual(Array.from(out1.subarray(0, 2 * C)));
    expect(out2[2 * C]).not.toBe(out1[2 * C]);
  });

  it('backward matches finite differences', () => {
    const B = 2, T = 5, C = 6, NH = 2;
    const inp = randn(B * T * 3 * C, 1);
    const w = randn(B * T * C, 2);
    const out = new Float64Array(B * T * C);
    const att = new Float64Array(B * NH * T * T);
    const loss = () => (attentionForward(out, att, inp, B, T, C, NH), dot(out, w));
    loss();
    const dInp = new Float64Array(inp.length);
    attentionBackward(dInp, w, inp, att, B, T, C, NH);
    const r = gradcheck(loss, inp, dInp);
    console.log('attention max abs err', r.maxAbs, 'max rel', r.maxRel);
    expect(r.maxAbs).toBeLessThan(1e-8);
  });
});
