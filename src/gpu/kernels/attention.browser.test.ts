import { describe, expect, it } from 'vitest';
import { attentionBackward as cpuBackward, attentionForward as cpuForward } from '../../cpu/attention';
import { randn } from '../../cpu/gradcheck';
import { assertClose, testRuntime } from '../testing';
import { attentionBackward, attentionForward } from './attention';

// f32 sums on the GPU against the CPU's f64 accumulators: a few ulp per term.
// Backward sums up to T terms per element (dk, dv over query rows), so its atol
// grows with T; rtol 1e-4 as for the other f32 kernels.
const ATOL = 1e-5;
const RTOL = 1e-4;
// T=7 and T=70 are not multiples of the 64-thread workgroup; T=70 and 256 make
// threads stride over several keys; 256 is the longest sequence config allows.
const SHAPES = [
  { B: 2, T: 5, C: 12, NH: 3 },
  { B: 1, T: 7, C: 13, NH: 1 },
  { B: 2, T: 70, C: 16, NH: 2 },
  { B: 1, T: 256, C: 8, NH: 2 },
];

interface Host {
  inp: Float32Array; // (B,T,3C)
  out: Float32Array; // (B,T,C)
  att: Float32Array; // (B,NH,T,T)
}

function cpuRun(B: number, T: number, C: number, NH: number, seed: number): Host {
  const inp = Float32Array.from(randn(B * T * 3 * C, seed));
  const out = new Float32Array(B * T * C);
  const att = new Float32Array(B * NH * T * T);
  cpuForward(out, att, inp, B, T, C, NH);
  return { inp, out, att };
}

describe('attention kernels (WebGPU) against cpu/attention.ts', () => {
  it('forward writes out and the causal softmax cache, zeros above the diagonal', async () => {
    const rt = await testRuntime();
    for (const { B, T, C, NH } of SHAPES) {
      const h = cpuRun(B, T, C, NH, 61 + T);
      const gInp = rt.alloc(h.inp.length);
      const gOut = rt.alloc(h.out.length);
      const gAtt = rt.alloc(h.att.length);
      rt.write(gInp, h.inp);
      rt.write(gOut, randn(h.out.length, 62)); // garbage forward must overwrite
      rt.write(gAtt, randn(h.att.length, 63));
      attentionForward(rt, gOut, gAtt, gInp, B, T, C, NH);
      const att = await rt.read(gAtt);
      const label = `B=${B} T=${T} C=${C} NH=${NH}`;
      assertClose(`attentionForward out ${label}`, await rt.read(gOut), h.out, ATOL, RTOL);
      assertClose(`attentionForward att ${label}`, att, h.att, ATOL, RTOL);
      let nonzeroFuture = 0;
      for (let r = 0; r < B * NH * T; r++) {
        const t = r % T;
        for (let t2 = t + 1; t2 < T; t2++) if (att[r * T + t2] !== 0) nonzeroFuture++;
      }
      expect(nonzeroFuture).toBe(0);
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward accumulates dq, dk, dv onto a non-zero gradient', async () => {
    const rt = await testRuntime();
    for (const { B, T, C, NH } of SHAPES) {
      const h = cpuRun(B, T, C, NH, 71 + T);
      const dOut = Float32Array.from(randn(h.out.length, 72));
      const dInp = Float32Array.from(randn(h.inp.length, 73));
      const g = { dInp: rt.alloc(dInp.length), dOut: rt.alloc(dOut.length), inp: rt.alloc(h.inp.length), att: rt.alloc(h.att.length) };
      rt.write(g.dInp, dInp);
      rt.write(g.dOut, dOut);
      rt.write(g.inp, h.inp);
      rt.write(g.att, h.att);
      attentionBackward(rt, g.dInp, g.dOut, g.inp, g.att, B, T, C, NH);
      cpuBackward(dInp, dOut, h.inp, h.att, B, T, C, NH);
      assertClose(`attentionBackward dInp B=${B} T=${T} C=${C} NH=${NH}`, await rt.read(g.dInp), dInp, ATOL * Math.max(1, T / 16), RTOL);
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward of two calls in one submit (shared scratch) matches two separate CPU calls', async () => {
    const rt = await testRuntime();
    const [B, T, C, NH] = [2, 9, 12, 3];
    const h1 = cpuRun(B, T, C, NH, 81);
    const h2 = cpuRun(B, T, C, NH, 82);
    const dOut = Float32Array.from(randn(B * T * C, 83));
    const dInp = new Float32Array(h1.inp.length);
    const g = { dInp: rt.alloc(dInp.length), dOut: rt.alloc(dOut.length), i1: rt.alloc(dInp.length), i2: rt.alloc(dInp.length), a1: rt.alloc(h1.att.length), a2: rt.alloc(h1.att.length) };
    rt.write(g.dOut, dOut);
    rt.write(g.i1, h1.inp);
    rt.write(g.i2, h2.inp);
    rt.write(g.a1, h1.att);
    rt.write(g.a2, h2.att);
    const submits = rt.counters.submits;
    attentionBackward(rt, g.dInp, g.dOut, g.i1, g.a1, B, T, C, NH);
    attentionBackward(rt, g.dInp, g.dOut, g.i2, g.a2, B, T, C, NH);
    const got = await rt.read(g.dInp);
    expect(rt.counters.submits - submits).toBe(1);
    cpuBackward(dInp, dOut, h1.inp, h1.att, B, T, C, NH);
    cpuBackward(dInp, dOut, h2.inp, h2.att, B, T, C, NH);
    assertClose('attentionBackward twice', got, dInp, ATOL, RTOL);
  });

  it('backward is deterministic: the same inputs give the same bits twice', async () => {
    const rt = await testRuntime();
    const [B, T, C, NH] = [2, 70, 16, 2];
    const h = cpuRun(B, T, C, NH, 91);
    const g = { dInp: rt.alloc(h.inp.length), dOut: rt.alloc(h.out.length), inp: rt.alloc(h.inp.length), att: rt.alloc(h.att.length) };
    rt.write(g.dOut, randn(h.out.length, 92));
    rt.write(g.inp, h.inp);
    rt.write(g.att, h.att);
    const runs: Float32Array[] = [];
    for (let r = 0; r < 2; r++) {
      rt.zero(g.dInp);
      attentionBackward(rt, g.dInp, g.dOut, g.inp, g.att, B, T, C, NH);
      runs.push((await rt.read(g.dInp)) as Float32Array);
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it('refuses T beyond the workgroup row buffer', async () => {
    const rt = await testRuntime();
    expect(() => attentionForward(rt, rt.alloc(257 * 4), rt.alloc(257 * 257), rt.alloc(257 * 12), 1, 257, 4, 1)).toThrow(/T = 257 exceeds/);
  });
});
