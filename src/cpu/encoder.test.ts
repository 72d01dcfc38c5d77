import { describe, expect, it } from 'vitest';
import { encoderBackward, encoderForward } from './encoder';
import { dot, gradcheck, randn } from './gradcheck';

describe('encoder', () => {
  it('adds the token row and the position row', () => {
    const C = 2;
    const wte = new Float64Array([1, 2, 10, 20, 100, 200]); // V = 3
    const wpe = new Float64Array([0.5, 0.25, 5, 6]); // T_max = 2
    const out = new Float64Array(4);
    encoderForward(out, new Int32Array([2, 0]), wte, wpe, 1, 2, C);
    expect(Array.from(out)).toEqual([100.5, 200.25, 6, 8]);
    encoderForward(out, new Int32Array([1, 1]), wte, null, 1, 2, C);
    expect(Array.from(out)).toEqual([10, 20, 10, 20]);
  });

  it('rejects out-of-vocabulary tokens', () => {
    expect(() => encoderForward(new Float64Array(2), new Int32Array([3]), new Float64Array(6), null, 1, 1, 2)).toThrow(/outside/);
  });

  it('backward matches finite differences, repeated tokens included', () => {
    const B = 2, T = 3, C = 4, V = 5;
    const inp = new Int32Array([1, 4, 1, 0, 1, 3]);
    const wte = randn(V * C, 1);
    const wpe = randn(T * C, 2);
    const w = randn(B * T * C, 3);
    const out = new Float64Array(B * T * C);
    const loss = () => (encoderForward(out, inp, wte, wpe, B, T, C), dot(out, w));
    const dWte = new Float64Array(V * C);
    const dWpe = new Float64Array(T * C);
    encoderBackward(dWte, dWpe, w, inp, B, T, C);
    const r1 = gradcheck(loss, wte, dWte);
    const r2 = gradcheck(loss, wpe, dWpe);
    console.log('encoder max abs err', r1.maxAbs, r2.maxAbs);
    expect(r1.maxAbs).toBeLessThan(1e-8);
    expect(r2.maxAbs).toBeLessThan(1e-8);
    // token 1 appears three times, token 2 never
    expect(dWte[1 * C]).toBeCloseTo(w[0]! + w[2 * C]! + w[4 * C]!, 12);
    expect(dWte[2 * C]).toBe(0);
  });
});
