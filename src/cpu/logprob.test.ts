import { describe, expect, it } from 'vitest';
import { dot, gradcheck, randn } from './gradcheck';
import { entropyForward, logprobBackward, logprobForward } from './logprob';

describe('logprob', () => {
  it('gives log softmax(logits / temperature) at the target', () => {
    // logits [0, ln 3]: probs [1/4, 3/4]; at temperature 2: [1/(1+sqrt3), sqrt3/(1+sqrt3)]
    const logits = new Float64Array([0, Math.log(3), 0, Math.log(3)]);
    const logp = new Float64Array(2);
    const probs = new Float64Array(4);
    logprobForward(logp, probs, logits, new Int32Array([1, 0]), 2, 2, 1);
    expect(logp[0]).toBeCloseTo(Math.log(0.75), 14);
    expect(logp[1]).toBeCloseTo(Math.log(0.25), 14);
    expect(probs[1]).toBeCloseTo(0.75, 14);
    logprobForward(logp, probs, logits, new Int32Array([1, -1]), 2, 2, 2);
    const s3 = Math.sqrt(3);
    expect(logp[0]).toBeCloseTo(Math.log(s3 / (1 + s3)), 14);
    expect(logp[1]).toBe(0); // no target
  });

  it('is stable for huge logits', () => {
    const logp = new Float64Array(1);
    const probs = new Float64Array(2);
    logprobForward(logp, probs, new Float64Array([1000, 0]), new Int32Array([1]), 1, 2, 1);
    expect(logp[0]).toBeCloseTo(-1000, 10);
  });

  it('entropy is log V for uniform rows and 0 for one-hot ones', () => {
    const probs = new Float64Array([0.25, 0.25, 0.25, 0.25, 0, 1, 0, 0]);
    const ent = new Float64Array(2);
    entropyForward(ent, probs, 2, 4);
    expect(ent[0]).toBeCloseTo(Math.log(4), 14);
    expect(ent[1]).toBe(0);
  });

  for (const temperature of [1, 0.7]) {
    it(`backward matches finite differences at temperature ${temperature}`, () => {
      const N = 4, V = 7;
      const logits = randn(N * V, 1, 2);
      const targets = new Int32Array([3, 0, -1, 6]);
      const w = randn(N, 2);
      const logp = new Float64Array(N);
      const probs = new Float64Array(N * V);
      const loss = () => (logprobForward(logp, probs, logits, targets, N, V, temperature), dot(logp, w));
      loss();
      const dLogits = new Float64Array(N * V);
      logprobBackward(dLogits, w, probs, targets, N, V, temperature);
      const r = gradcheck(loss, logits, dLogits);
      console.log(`logprob (T=${temperature}) max abs err`, r.maxAbs);
      expect(r.maxAbs).toBeLessThan(1e-8);
      for (let v = 0; v < V; v++) expect(dLogits[2 * V + v]).toBe(0); // no target, no gradient
    });
  }
});
