import { describe, expect, it } from 'vitest';
import { rngFloat } from '../core/rng';
import { attentionForward } from './attention';
import type { SampleDims } from '../ops/decode';
import { attentionDecode, kvWrite, sample, sampleToken } from './decode';
import { randn } from './gradcheck';
import { ropeForward } from './rope';

describe('kvWrite + attentionDecode', () => {
  // A prefill of P positions then single steps must give, row by row, the output of
  // ropeForward + attentionForward over the whole sequence, bit for bit on f32.
  for (const [nSeq, T, C, NH, rope] of [[3, 7, 12, 3, true], [2, 5, 8, 1, false], [1, 9, 16, 4, true]] as const) {
    it(`prefill 3 + steps equals the full causal forward (nSeq=${nSeq} T=${T} C=${C} NH=${NH} rope=${rope})`, () => {
      const Tmax = T + 2;
      const qkv = Float32Array.from(randn(nSeq * T * 3 * C, 11)); // (nSeq,T,3C)
      const qkvr = new Float32Array(qkv.length);
      if (rope) ropeForward(qkvr, qkv, nSeq, T, C, NH);
      else qkvr.set(qkv);
      const want = new Float32Array(nSeq * T * C);
      attentionForward(want, new Float32Array(nSeq * NH * T * T), qkvr, nSeq, T, C, NH);

      const kc = new Float32Array(nSeq * Tmax * C).fill(NaN); // unwritten positions must never be read
      const vc = new Float32Array(nSeq * Tmax * C).fill(NaN);
      const got = new Float32Array(nSeq * T * C);
      const P = 3;
      const rows = (t0: number, n: number, w: number, src: Float32Array) => {
        const out = new Float32Array(nSeq * n * w);
        for (let b = 0; b < nSeq; b++) out.set(src.subarray((b * T + t0) * w, (b * T + t0 + n) * w), b * n * w);
        return out;
      };
      const put = (t0: number, n: number, part: Float32Array) => {
        for (let b = 0; b < nSeq; b++) got.set(part.subarray(b * n * C, (b + 1) * n * C), (b * T + t0) * C);
      };
      const pre = rows(0, P, 3 * C, qkv);
      kvWrite(kc, vc, pre, nSeq, P, 0, C, NH, Tmax, rope);
      const outP = new Float32Array(nSeq * P * C);
      attentionDecode(outP, pre, kc, vc, nSeq, P, 0, C, NH, Tmax, rope);
      put(0, P, outP);
      for (let t = P; t < T; t++) {
        const one = rows(t, 1, 3 * C, qkv);
        kvWrite(kc, vc, one, nSeq, 1, t, C, NH, Tmax, rope);
        const o = new Float32Array(nSeq * C);
        attentionDecode(o, one, kc, vc, nSeq, 1, t, C, NH, Tmax, rope);
        put(t, 1, o);
      }
      expect(got).toEqual(want);
      // the cache holds the rotated k and the plain v
      for (let b = 0; b < nSeq; b++) {
        expect(kc.subarray((b * Tmax + 4) * C, (b * Tmax + 5) * C)).toEqual(qkvr.subarray((b * T + 4) * 3 * C + C, (b * T + 4) * 3 * C + 2 * C));
        expect(vc.subarray(b * Tmax * C, (b * Tmax + 1) * C)).toEqual(qkv.subarray(b * T * 3 * C + 2 * C, b * T * 3 * C + 3 * C));
      }
    });
  }

  it('rejects positions outside the cache', () => {
    const z = new Float32Array(64);
    expect(() => kvWrite(z, z, z, 1, 2, 3, 4, 2, 4, true)).toThrow(/outside the cache/);
  });
});

describe('sampleToken', () => {
  it('hand case: probs [1/4, 3/4, 0] at T=1; top-1 is greedy; argmax ties go to the lower id', () => {
    const logits = [0, Math.log(3), -60];
    expect(sampleToken(logits, 0.24, 1, 0)).toBe(0);
    expect(sampleToken(logits, 0.26, 1, 0)).toBe(1);
    expect(sampleToken(logits, 0.01, 1, 1)).toBe(1);
    expect(sampleToken([2, 5, 5, 1], 0.5, 0, 0)).toBe(1);
    // top-2 of [5,4,4,3] keeps both 4s (ties at the threshold stay): weights e^0, e^-1, e^-1
    const w = [1, Math.exp(-1), Math.exp(-1)];
    const tot = w[0]! + w[1]! + w[2]!;
    expect(sampleToken([5, 4, 4, 3], (w[0]! + w[1]! + 0.01) / tot, 1, 2)).toBe(2);
  });

  it('hand case, nucleus: probs [0.5, 0.3, 0.15, 0.05] at top-p 0.7 keep the first two (0.5 < 0.7 <= 0.8); ties at the edge stay; the top token always stays', () => {
    const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    expect(sampleToken(logits, 0.99, 1, 0)).toBe(3); // off: u*1 = 0.99 lands on the last token
    expect(sampleToken(logits, 0.99, 1, 0, 0.7)).toBe(1); // on: u*0.8 = 0.792 lands on the second
    expect(sampleToken(logits, 0.6, 1, 0, 0.7)).toBe(0); // 0.48 < 0.5
    expect(sampleToken(logits, 0.99, 1, 0, 0.01)).toBe(0); // the most likely token alone
    expect(sampleToken(logits, 0.99, 1, 0, 1)).toBe(3); // 1 = off
    // probs [0.4, 0.3, 0.3] at top-p 0.5: 0.4 < 0.5 lies above both 0.3s, so both stay
    const tied = [0.4, 0.3, 0.3].map(Math.log);
    expect(sampleToken(tied, 0.99, 1, 0, 0.5)).toBe(2);
    // after top-k: top-2 of [0.5, 0.3, 0.15, 0.05] renormalised is [0.625, 0.375]; top-p 0.6 keeps the first only
    expect(sampleToken(logits, 0.99, 1, 2, 0.6)).toBe(0);
    expect(sampleToken(logits, 0.99, 1, 2, 0.7)).toBe(1);
  });
});

describe('sample (the record and the stop rules)', () => {
  const V = 4, Tmax = 8, maxNew = 3, nSeq = 3;
  const base: SampleDims = { nSeq, V, rowStride: 1, rowOff: 0, pos: 2, Tmax, Tlimit: 6, maxNew, temperature: 0, topK: 0, topP: 1, seed: 1, stream: 2, eos: 2, pad: 0 };
  // row 0: prompt of 3 (pos 2 is still prompt), row 1: prompt of 2, row 2: already done
  const prompt = new Int32Array(nSeq * Tmax);
  prompt.set([1, 3, 1], 0);
  prompt.set([1, 3], Tmax);
  prompt.set([1, 1], 2 * Tmax);
  const plen = Int32Array.from([3, 2, 2]);
  const logits = Float32Array.from([0, 0, 0, 9, /* row 1 */ 0, 1, 2, 0.5, /* row 2 */ 9, 0, 0, 0]);

  it('forces prompt tokens, greedy-samples row 1 with its logp at temperature 1, pads finished rows', () => {
    const next = new Int32Array(nSeq).fill(-7);
    const record = new Float32Array(2 * nSeq * maxNew + nSeq);
    const status = Int32Array.from([0, 0, 1]);
    sample(next, record, status, logits, prompt, plen, base);
    expect(Array.from(next)).toEqual([1, 2, 0]);
    const lse = Math.log(1 + Math.E + Math.exp(2) + Math.exp(0.5));
    expect(record[1 * maxNew + 0]).toBe(2); // row 1, column pos - plen = 0
    expect(record[nSeq * maxNew + 1 * maxNew]).toBeCloseTo(2 - lse, 6);
    expect(record[2 * nSeq * maxNew + 1]).toBe(1); // length
    expect(Array.from(status)).toEqual([0, 1, 1]); // row 1 drew <eos> (id 2)
    expect(record.filter((x, i) => x !== 0 && i !== 1 * maxNew && i !== nSeq * maxNew + maxNew && i !== 2 * nSeq * maxNew + 1).length).toBe(0);
  });

  it('stops at maxNew and at Tlimit; u is rngFloat(seed, stream, b*Tmax + pos)', () => {
    const flat = new Float32Array(nSeq * V); // uniform rows: the token is floor(u * V)
    const record = new Float32Array(2 * nSeq * maxNew + nSeq);
    const next = new Int32Array(nSeq);
    const status = new Int32Array(nSeq);
    const eos = 99; // never drawn, so only the limits stop rows
    sample(next, record, status, flat, prompt, plen, { ...base, temperature: 1, pos: 4, eos, Tlimit: 8 }); // row 1: column 2 = maxNew-1
    for (let b = 0; b < nSeq; b++) expect(next[b]).toBe(Math.floor(rngFloat(1, 2, b * Tmax + 4) * V));
    expect(Array.from(status)).toEqual([0, 1, 1]); // rows 1, 2 filled their last column
    expect(record[2 * nSeq * maxNew + 0]).toBe(2); // row 0 (plen 3) at column 1
    expect(record[nSeq * maxNew + 0 * maxNew + 1]).toBeCloseTo(-Math.log(4), 6);
    const st2 = new Int32Array(nSeq);
    sample(next, record, st2, flat, prompt, plen, { ...base, temperature: 1, pos: 3, eos, Tlimit: 4 });
    expect(Array.from(st2)).toEqual([1, 1, 1]); // position 3 is the last of Tlimit 4
  });
});
