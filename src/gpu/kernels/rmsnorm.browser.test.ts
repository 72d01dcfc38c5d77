import { describe, expect, it } from 'vitest';
import { randn } from '../../cpu/gradcheck';
import { rmsnormBackward as cpuBackward, rmsnormForward as cpuForward } from '../../cpu/rmsnorm';
import { assertClose, testRuntime } from '../testing';
import { rmsnormBackward, rmsnormForward } from './rmsnorm';

// f32 on both sides; the CPU sums in f64 and the GPU in a tree, so a few ulp
// of the row norm separate them: atol 1e-5, rtol 1e-4.
const ATOL = 1e-5;
const RTOL = 1e-4;
// N=7 and C=13 are not multiples of the workgroup sizes (64 rows' threads, 256 for dWeight);
// C=130 makes each forward thread sum three channels, N=300 each dWeight thread two rows.
const SHAPES = [
  { N: 1, C: 4 },
  { N: 7, C: 13 },
  { N: 10, C: 12 },
  { N: 300, C: 130 },
];

describe('rmsnorm kernels (WebGPU) against cpu/rmsnorm.ts', () => {
  it('forward writes out and rstd', async () => {
    const rt = await testRuntime();
    for (const { N, C } of SHAPES) {
      const inp = Float32Array.from(randn(N * C, 11 + N, 2));
      const weight = Float32Array.from(randn(C, 12 + C));
      const out = new Float32Array(N * C);
      const rstd = new Float32Array(N);
      cpuForward(out, rstd, inp, weight, N, C);
      const g = { out: rt.alloc(N * C), rstd: rt.alloc(N), inp: rt.alloc(N * C), weight: rt.alloc(C) };
      rt.write(g.inp, inp);
      rt.write(g.weight, weight);
      rt.write(g.out, randn(N * C, 99)); // garbage that forward must overwrite
      rmsnormForward(rt, g.out, g.rstd, g.inp, g.weight, N, C);
      assertClose(`rmsnormForward out N=${N} C=${C}`, await rt.read(g.out), out, ATOL, RTOL);
      assertClose(`rmsnormForward rstd N=${N} C=${C}`, await rt.read(g.rstd), rstd, ATOL, RTOL);
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward accumulates dInp and dWeight onto non-zero gradients', async () => {
    const rt = await testRuntime();
    for (const { N, C } of SHAPES) {
      const inp = Float32Array.from(randn(N * C, 21 + N));
      const weight = Float32Array.from(randn(C, 22 + C));
      const rstd = new Float32Array(N);
      cpuForward(new Float32Array(N * C), rstd, inp, weight, N, C);
      const dOut = Float32Array.from(randn(N * C, 23));
      const dInp = Float32Array.from(randn(N * C, 24));
      const dWeight = Float32Array.from(randn(C, 25));
      const g = { dInp: rt.alloc(N * C), dWeight: rt.alloc(C), dOut: rt.alloc(N * C), inp: rt.alloc(N * C), weight: rt.alloc(C), rstd: rt.alloc(N) };
      rt.write(g.dInp, dInp);
      rt.write(g.dWeight, dWeight);
      rt.write(g.dOut, dOut);
      rt.write(g.inp, inp);
      rt.write(g.weight, weight);
      rt.write(g.rstd, rstd);
      rmsnormBackward(rt, g.dInp, g.dWeight, g.dOut, g.inp, g.weight, g.rstd, N, C);
      const before = Float32Array.from(dWeight);
      cpuBackward(dInp, dWeight, dOut, inp, weight, rstd, N, C);
      expect(dWeight).not.toEqual(before);
      assertClose(`rmsnormBackward dInp N=${N} C=${C}`, await rt.read(g.dInp), dInp, ATOL, RTOL);
      // dWeight sums N terms of size ~1: allow the summation-order error to grow like N.
      assertClose(`rmsnormBackward dWeight N=${N} C=${C}`, await rt.read(g.dWeight), dWeight, ATOL * Math.max(1, N / 10), RTOL);
    }
    expect(rt.errors).toEqual([]);
  });

  it('is deterministic: the same inputs give the same bits twice', async () => {
    const rt = await testRuntime();
    const N = 300;
    const C = 130;
    const g = { dInp: rt.alloc(N * C), dWeight: rt.alloc(C), dOut: rt.alloc(N * C), inp: rt.alloc(N * C), weight: rt.alloc(C), rstd: rt.alloc(N) };
    rt.write(g.dOut, randn(N * C, 31));
    rt.write(g.inp, randn(N * C, 32));
    rt.write(g.weight, randn(C, 33));
    rmsnormForward(rt, rt.alloc(N * C), g.rstd, g.inp, g.weight, N, C);
    const runs: Float32Array[] = [];
    for (let r = 0; r < 2; r++) {
      rt.zero(g.dWeight);
      rmsnormBackward(rt, g.dInp, g.dWeight, g.dOut, g.inp, g.weight, g.rstd, N, C);
      runs.push((await rt.read(g.dWeight)) as Float32Array);
    }
    expect(runs[1]).toEqual(runs[0]);
  });
});
