import { describe, expect, it } from 'vitest';
import { attentionDecode as cpuAttentionDecode } from '../../cpu/decode';
import { randn } from '../../cpu/gradcheck';
import { assertClose, testRuntime } from '../testing';
import { attentionDecode } from './attention_decode';

// f32 dot products, exp and weighted sums against the CPU's f64 accumulators;
// outputs are averages of N(0,1) values, so atol 1e-5, rtol 1e-4 as elsewhere.
// pos 70 and 254 exceed the 64-thread workgroup (threads stride over positions);
// C=13 with one head is a head size that is not a multiple of anything.
const SHAPES = [
  { nSeq: 3, T: 1, pos0: 5, C: 12, NH: 3, Tmax: 9, rope: true },
  { nSeq: 2, T: 4, pos0: 0, C: 13, NH: 1, Tmax: 7, rope: false },
  { nSeq: 2, T: 1, pos0: 70, C: 16, NH: 2, Tmax: 80, rope: true },
  { nSeq: 1, T: 2, pos0: 254, C: 8, NH: 2, Tmax: 256, rope: true },
];

describe('attention_decode (WebGPU) against cpu/decode.ts attentionDecode', () => {
  it('attends each query to cache positions 0..pos0+t', async () => {
    const rt = await testRuntime();
    for (const s of SHAPES) {
      const cacheN = s.nSeq * s.Tmax * s.C;
      const qkv = Float32Array.from(randn(s.nSeq * s.T * 3 * s.C, 11 + s.pos0));
      const kc = Float32Array.from(randn(cacheN, 12, 0.7));
      const vc = Float32Array.from(randn(cacheN, 13));
      const out = new Float32Array(s.nSeq * s.T * s.C);
      cpuAttentionDecode(out, qkv, kc, vc, s.nSeq, s.T, s.pos0, s.C, s.NH, s.Tmax, s.rope);
      const gOut = rt.alloc(out.length), gq = rt.alloc(qkv.length), gk = rt.alloc(cacheN), gv = rt.alloc(cacheN);
      rt.write(gOut, new Float32Array(out.length).fill(123)); // written, not accumulated
      rt.write(gq, qkv);
      rt.write(gk, kc);
      rt.write(gv, vc);
      attentionDecode(rt, gOut, gq, gk, gv, s.nSeq, s.T, s.pos0, s.C, s.NH, s.Tmax, s.rope);
      assertClose(`out ${JSON.stringify(s)}`, await rt.read(gOut), out, 1e-5, 1e-4);
    }
    expect(rt.errors).toEqual([]);
  });

  it('ignores cache positions after the query (NaN there does not leak)', async () => {
    const rt = await testRuntime();
    const s = { nSeq: 2, T: 1, pos0: 3, C: 8, NH: 2, Tmax: 6 };
    const cacheN = s.nSeq * s.Tmax * s.C;
    const qkv = Float32Array.from(randn(s.nSeq * 3 * s.C, 21));
    const kc = Float32Array.from(randn(cacheN, 22)), vc = Float32Array.from(randn(cacheN, 23));
    for (let b = 0; b < s.nSeq; b++) for (let t = 4; t < s.Tmax; t++) for (let c = 0; c < s.C; c++) kc[(b * s.Tmax + t) * s.C + c] = vc[(b * s.Tmax + t) * s.C + c] = NaN;
    const out = new Float32Array(s.nSeq * s.C);
    cpuAttentionDecode(out, qkv, kc, vc, s.nSeq, 1, s.pos0, s.C, s.NH, s.Tmax, true);
    const gOut = rt.alloc(out.length), gq = rt.alloc(qkv.length), gk = rt.alloc(cacheN), gv = rt.alloc(cacheN);
    rt.write(gq, qkv);
    rt.write(gk, kc);
    rt.write(gv, vc);
    attentionDecode(rt, gOut, gq, gk, gv, s.nSeq, 1, s.pos0, s.C, s.NH, s.Tmax, true);
    const got = await rt.read(gOut);
    expect(got.every(Number.isFinite)).toBe(true);
    assertClose('out with NaN future', got, out, 1e-5, 1e-4);
  });
});
