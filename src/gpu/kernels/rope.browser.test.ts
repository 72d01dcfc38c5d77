import { describe, expect, it } from 'vitest';
import { randn } from '../../cpu/gradcheck';
import { ropeBackward as cpuBackward, ropeForward as cpuForward } from '../../cpu/rope';
import { assertClose, testRuntime } from '../testing';
import { ropeBackward, ropeForward } from './rope';

// The angles are the CPU's own (f64, rounded to f32 once), so only the two
// f32 products and their sum differ from the CPU's f64 arithmetic: a few ulp.
const ATOL = 1e-6;
const RTOL = 1e-5;
// B*T*3C = 360, 168, 10656, 3600 and 46800: none a multiple of the 256-thread workgroup.
// T=300 passes the first table's 256 rows, so the table must grow.
const SHAPES = [
  { B: 2, T: 5, C: 12, NH: 3 },
  { B: 1, T: 7, C: 8, NH: 2 },
  { B: 3, T: 37, C: 32, NH: 2 },
  { B: 1, T: 100, C: 12, NH: 1 },
  { B: 1, T: 300, C: 52, NH: 2 },
];

describe('rope kernels (WebGPU) against cpu/rope.ts', () => {
  it('forward rotates q and k and copies v', async () => {
    const rt = await testRuntime();
    for (const { B, T, C, NH } of SHAPES) {
      const n = B * T * 3 * C;
      const inp = Float32Array.from(randn(n, 41 + T));
      const out = new Float32Array(n);
      cpuForward(out, inp, B, T, C, NH);
      const gInp = rt.alloc(n);
      const gOut = rt.alloc(n);
      rt.write(gInp, inp);
      rt.write(gOut, randn(n, 42)); // garbage forward must overwrite
      ropeForward(rt, gOut, gInp, B, T, C, NH);
      const got = await rt.read(gOut);
      assertClose(`ropeForward B=${B} T=${T} C=${C} NH=${NH}`, got, out, ATOL, RTOL);
      // v is a copy, bit for bit
      for (let r = 0; r < B * T; r++) {
        for (let c = 2 * C; c < 3 * C; c++) expect(got[r * 3 * C + c]).toBe(inp[r * 3 * C + c]);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward accumulates the transpose rotation onto a non-zero gradient', async () => {
    const rt = await testRuntime();
    for (const { B, T, C, NH } of SHAPES) {
      const n = B * T * 3 * C;
      const dOut = Float32Array.from(randn(n, 51 + T));
      const dInp = Float32Array.from(randn(n, 52));
      const gdOut = rt.alloc(n);
      const gdInp = rt.alloc(n);
      rt.write(gdOut, dOut);
      rt.write(gdInp, dInp);
      ropeBackward(rt, gdInp, gdOut, B, T, C, NH);
      cpuBackward(dInp, dOut, B, T, C, NH);
      assertClose(`ropeBackward B=${B} T=${T} C=${C} NH=${NH}`, await rt.read(gdInp), dInp, ATOL, RTOL);
    }
    expect(rt.errors).toEqual([]);
  });

  it('rejects an odd head size like the CPU twin', async () => {
    const rt = await testRuntime();
    const t = rt.alloc(3 * 6);
    expect(() => ropeForward(rt, t, rt.alloc(3 * 6), 1, 1, 6, 2)).toThrow(/even integer/);
  });
});
