import { describe, expect, it } from 'vitest';
import { kvWrite as cpuKvWrite } from '../../cpu/decode';
import { randn } from '../../cpu/gradcheck';
import { assertClose, testRuntime } from '../testing';
import { kvWrite } from './kv_write';

// v is a copy (exact); rotated k is x1 cos - x2 sin in f32 with a host-computed
// f32 table against f64 on the CPU: |x| ~ 3, so a few ulp, atol 1e-6.
const SHAPES = [
  { nSeq: 3, T: 2, pos0: 4, C: 12, NH: 3, Tmax: 9, rope: true },
  { nSeq: 2, T: 1, pos0: 6, C: 13, NH: 1, Tmax: 7, rope: false }, // odd head size, no RoPE
  { nSeq: 1, T: 5, pos0: 0, C: 16, NH: 2, Tmax: 256, rope: true }, // a prefill
  { nSeq: 5, T: 3, pos0: 250, C: 8, NH: 2, Tmax: 256, rope: true }, // angles of ~250 rad
];

describe('kv_write (WebGPU) against cpu/decode.ts kvWrite', () => {
  it('writes rotated k and plain v at pos0..pos0+T-1, leaves the rest of the cache alone', async () => {
    const rt = await testRuntime();
    for (const s of SHAPES) {
      const cacheN = s.nSeq * s.Tmax * s.C;
      const qkv = Float32Array.from(randn(s.nSeq * s.T * 3 * s.C, 5 + s.T));
      const k0 = Float32Array.from(randn(cacheN, 6)); // old cache contents: must survive outside the window
      const v0 = Float32Array.from(randn(cacheN, 7));
      const kc = k0.slice(), vc = v0.slice();
      cpuKvWrite(kc, vc, qkv, s.nSeq, s.T, s.pos0, s.C, s.NH, s.Tmax, s.rope);
      const gk = rt.alloc(cacheN), gv = rt.alloc(cacheN), gq = rt.alloc(qkv.length);
      rt.write(gk, k0);
      rt.write(gv, v0);
      rt.write(gq, qkv);
      kvWrite(rt, gk, gv, gq, s.nSeq, s.T, s.pos0, s.C, s.NH, s.Tmax, s.rope);
      const label = JSON.stringify(s);
      assertClose(`k ${label}`, await rt.read(gk), kc, 1e-6, 1e-5);
      assertClose(`v ${label}`, await rt.read(gv), vc, 0, 0);
      expect(kc).not.toEqual(k0); // the window really changed
    }
    expect(rt.errors).toEqual([]);
  });
});
