// Every WebAssembly kernel against its CPU reference twin (the oracle), on
// seeded random inputs, at shapes that are not multiples of the kernels'
// 4x8 blocks and at the default preset's shapes. Backward ops start from
// non-zero gradients to check they accumulate. The kernels sum in f32 in
// another order than the reference's f64 sums, so the check is
// |got - want| <= ATOL + RTOL * |want| elementwise, the largest difference reported.

import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import type { FfnKind } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps, kvWrite } from '../cpu/decode';
import { randn } from '../cpu/gradcheck';
import { moeCacheSize, type MoeCache, type MoeDims } from '../cpu/moe';
import { createWasmDecodeOps, createWasmOps, wasmSupport } from './backend';

const ATOL = 2e-5;
const RTOL = 1e-4;

const ref = createCpuOps('f32');
const fast = createWasmOps();

const rand = (n: number, seed: number, scale = 1) => Float32Array.from(randn(n, seed, scale));

/** The largest |got - want| and whether every element is within ATOL + RTOL |want|. */
function compare(got: Float32Array | Float64Array, want: Float32Array | Float64Array): { maxDiff: number; ok: boolean } {
  expect(got.length).toBe(want.length);
  let maxDiff = 0, ok = true;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    if (!(d <= ATOL + RTOL * Math.abs(want[i]!))) ok = false;
    maxDiff = Math.max(maxDiff, d);
  }
  return { maxDiff, ok };
}

function expectClose(name: string, got: Float32Array | Float64Array, want: Float32Array | Float64Array): void {
  const { maxDiff, ok } = compare(got, want);
  expect(ok, `${name}: largest |fast - reference| = ${maxDiff.toExponential(2)} (first values ${Array.from(got.subarray(0, 3))} vs ${Array.from(want.subarray(0, 3))})`).toBe(true);
}

it('runs here: this Node has WebAssembly SIMD', () => {
  expect(wasmSupport()).toEqual({ ok: true });
});

describe('matmul', () => {
  // (N, C, OC): odd sizes hit every tail of the 4-row x 8-column blocks; the last two are the default preset's qkv and tied logits
  for (const [N, C, OC] of [[1, 1, 1], [5, 7, 13], [9, 12, 17], [4, 8, 8], [64, 64, 192], [146, 64, 30]] as const) {
    for (const withBias of [true, false]) {
      it(`forward and backward N=${N} C=${C} OC=${OC} bias=${withBias}`, () => {
        const inp = rand(N * C, 1), w = rand(OC * C, 2), bias = withBias ? rand(OC, 3) : null;
        const want = new Float32Array(N * OC), got = new Float32Array(N * OC).fill(NaN);
        ref.matmulForward({ out: want, inp, weight: w, bias }, { N, C, OC });
        fast.matmulForward({ out: got, inp, weight: w, bias }, { N, C, OC });
        expectClose('out', got, want);

        const dOut = rand(N * OC, 4);
        const dInp0 = rand(N * C, 5), dW0 = rand(OC * C, 6), dB0 = rand(OC, 7);
        const r = { dInp: dInp0.slice(), dW: dW0.slice(), dB: withBias ? dB0.slice() : null };
        const f = { dInp: dInp0.slice(), dW: dW0.slice(), dB: withBias ? dB0.slice() : null };
        ref.matmulBackward({ dInp: r.dInp, dWeight: r.dW, dBias: r.dB, dOut, inp, weight: w }, { N, C, OC });
        fast.matmulBackward({ dInp: f.dInp, dWeight: f.dW, dBias: f.dB, dOut, inp, weight: w }, { N, C, OC });
        expectClose('dInp', f.dInp, r.dInp);
        expectClose('dWeight', f.dW, r.dW);
        if (withBias) expectClose('dBias', f.dB!, r.dB!);
      });
    }
  }

  it('works on views (subarrays) and leaves the rest of the buffer alone', () => {
    const buf = rand(100, 8), outBuf = new Float32Array(50).fill(7);
    const inp = buf.subarray(10, 10 + 3 * 5), w = buf.subarray(40, 40 + 4 * 5);
    const want = new Float32Array(12);
    ref.matmulForward({ out: want, inp, weight: w, bias: null }, { N: 3, C: 5, OC: 4 });
    fast.matmulForward({ out: outBuf.subarray(20, 32), inp, weight: w, bias: null }, { N: 3, C: 5, OC: 4 });
    expectClose('out', outBuf.subarray(20, 32), want);
    expect(outBuf[19]).toBe(7);
    expect(outBuf[32]).toBe(7);
  });

  it('takes the reference on Float64Array (the gradient checks)', () => {
    const inp = Float64Array.from(randn(6, 9)), w = Float64Array.from(randn(6, 10));
    const want = new Float64Array(4), got = new Float64Array(4);
    createCpuOps('f64').matmulForward({ out: want, inp, weight: w, bias: null }, { N: 2, C: 3, OC: 2 });
    fast.matmulForward({ out: got, inp, weight: w, bias: null }, { N: 2, C: 3, OC: 2 });
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

describe('rmsnorm', () => {
  it('forward gives the reference\'s bits (same f64 sums, same order)', () => {
    const N = 13, C = 37;
    const inp = rand(N * C, 41), w = rand(C, 42);
    const r = { out: new Float32Array(N * C), rstd: new Float32Array(N) };
    const f = { out: new Float32Array(N * C).fill(NaN), rstd: new Float32Array(N).fill(NaN) };
    ref.rmsnormForward(r.out, r.rstd, inp, w, N, C);
    fast.rmsnormForward(f.out, f.rstd, inp, w, N, C);
    expect(Array.from(f.out)).toEqual(Array.from(r.out));
    expect(Array.from(f.rstd)).toEqual(Array.from(r.rstd));
  });
});

describe('rope', () => {
  for (const [B, T, C, NH] of [[2, 5, 12, 3], [3, 17, 64, 4]] as const) {
    it(`forward and backward give the reference's bits B=${B} T=${T} C=${C} NH=${NH}`, () => {
      const n = B * T * 3 * C;
      const inp = rand(n, 71);
      const want = new Float32Array(n), got = new Float32Array(n).fill(NaN);
      ref.ropeForward(want, inp, B, T, C, NH);
      fast.ropeForward(got, inp, B, T, C, NH);
      expect(Array.from(got)).toEqual(Array.from(want));
      const dOut = rand(n, 72), d0 = rand(n, 73);
      const rd = d0.slice(), fd = d0.slice();
      ref.ropeBackward(rd, dOut, B, T, C, NH);
      fast.ropeBackward(fd, dOut, B, T, C, NH);
      expect(Array.from(fd)).toEqual(Array.from(rd));
    });
  }
  it('names an odd head size, as the reference does', () => {
    expect(() => fast.ropeForward(new Float32Array(18), new Float32Array(18), 1, 1, 6, 2)).toThrow(/head size C\/NH = 6\/2 must be an even integer/);
  });
});

describe('attention', () => {
  for (const [B, T, C, NH] of [[2, 5, 12, 3], [1, 9, 10, 2], [3, 17, 64, 4]] as const) {
    it(`forward and backward B=${B} T=${T} C=${C} NH=${NH}`, () => {
      const inp = rand(B * T * 3 * C, 11, 0.5);
      const nA = B * NH * T * T;
      const r = { out: new Float32Array(B * T * C), att: new Float32Array(nA) };
      const f = { out: new Float32Array(B * T * C).fill(NaN), att: new Float32Array(nA).fill(NaN) };
      ref.attentionForward(r.out, r.att, inp, B, T, C, NH);
      fast.attentionForward(f.out, f.att, inp, B, T, C, NH);
      expectClose('out', f.out, r.out);
      expectClose('att', f.att, r.att);

      const dOut = rand(B * T * C, 12);
      const d0 = rand(B * T * 3 * C, 13);
      const rd = d0.slice(), fd = d0.slice();
      ref.attentionBackward(rd, dOut, inp, r.att, B, T, C, NH);
      fast.attentionBackward(fd, dOut, inp, r.att, B, T, C, NH);
      expectClose('dInp', fd, rd);
    });
  }
});

/** Distinct random routed experts per token. */
function randomTopIdx(rng: Rng, N: number, E: number, k: number): Int32Array {
  const t = new Int32Array(N * k);
  for (let n = 0; n < N; n++) {
    const perm = Array.from({ length: E }, (_, i) => i);
    for (let i = E - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    for (let j = 0; j < k; j++) t[n * k + j] = perm[j]!;
  }
  return t;
}

function cacheOf(d: MoeDims, fill = 0): MoeCache {
  const sz = moeCacheSize(d);
  const mk = (n: number) => new Float32Array(n).fill(fill);
  return { h1: mk(sz.h), h3: d.ffn === 'swiglu' ? mk(sz.h) : null, act: mk(sz.h), y: mk(sz.y) };
}

describe('MoE', () => {
  const cases: [number, number, number, number, number, number, FfnKind][] = [
    // N, C, H, E, S, k, ffn
    [7, 5, 6, 4, 1, 2, 'swiglu'],
    [9, 12, 10, 3, 0, 1, 'gelu'],
    [13, 8, 9, 5, 2, 3, 'swiglu'],
    [3, 4, 4, 6, 1, 2, 'gelu'], // some experts get no token
    [146, 64, 64, 4, 1, 2, 'swiglu'], // the default preset's shapes
  ];
  for (const [N, C, H, E, S, k, ffn] of cases) {
    it(`forward and backward N=${N} C=${C} H=${H} E=${E} S=${S} k=${k} ${ffn}`, () => {
      const d: MoeDims = { N, C, H, E, S, k, ffn };
      const rng = new Rng(5, N);
      const inp = rand(N * C, 21), topIdx = randomTopIdx(rng, N, E, k), gates = rand(N * k, 22, 0.5);
      const W = (S + E) * H * C;
      const w1 = rand(W, 23, 0.3), w3 = ffn === 'swiglu' ? rand(W, 24, 0.3) : null, w2 = rand(W, 25, 0.3);
      const r = { out: new Float32Array(N * C), cache: cacheOf(d) };
      const f = { out: new Float32Array(N * C).fill(NaN), cache: cacheOf(d, NaN) };
      ref.moeForward({ out: r.out, cache: r.cache, inp, topIdx, gates, w1, w3, w2 }, d);
      fast.moeForward({ out: f.out, cache: f.cache, inp, topIdx, gates, w1, w3, w2 }, d);
      expectClose('out', f.out, r.out);
      for (const key of ['h1', 'h3', 'act', 'y'] as const) if (r.cache[key]) expectClose(key, f.cache[key]!, r.cache[key]!);

      const dOut = rand(N * C, 26);
      const start = { dInp: rand(N * C, 27), dW1: rand(W, 28), dW3: ffn === 'swiglu' ? rand(W, 29) : null, dW2: rand(W, 30) };
      const grads = () => ({ dInp: start.dInp.slice(), dW1: start.dW1.slice(), dW3: start.dW3 ? start.dW3.slice() : null, dW2: start.dW2.slice(), dGates: new Float32Array(N * k).fill(NaN) });
      const rg = grads(), fg = grads();
      ref.moeBackward({ ...rg, dOut, cache: r.cache, inp, topIdx, gates, w1, w3, w2 }, d);
      fast.moeBackward({ ...fg, dOut, cache: r.cache, inp, topIdx, gates, w1, w3, w2 }, d);
      for (const key of ['dInp', 'dW1', 'dW3', 'dW2', 'dGates'] as const) if (rg[key]) expectClose(key, fg[key]!, rg[key]!);
    });
  }

  it('rejects a topIdx outside the routed experts, as the reference does', () => {
    const d: MoeDims = { N: 2, C: 4, H: 4, E: 3, S: 1, k: 1, ffn: 'gelu' };
    const W = 4 * 16;
    expect(() => fast.moeForward({ out: new Float32Array(8), cache: cacheOf(d), inp: rand(8, 1), topIdx: Int32Array.from([0, 3]), gates: rand(2, 2), w1: rand(W, 3), w3: null, w2: rand(W, 4) }, d))
      .toThrow(/topIdx\[1\] = 3 is not a routed expert in \[0, 3\)/);
  });
});

describe('attentionDecode', () => {
  const refDec = createCpuDecodeOps();
  const fastDec = createWasmDecodeOps();
  for (const [nSeq, T, pos0, C, NH, rope] of [[3, 1, 6, 12, 3, true], [2, 4, 0, 8, 2, false], [5, 1, 30, 64, 4, true], [2, 3, 2, 10, 1, true]] as const) {
    it(`nSeq=${nSeq} T=${T} pos0=${pos0} C=${C} NH=${NH} rope=${rope}`, () => {
      const Tmax = pos0 + T + 3;
      const kc = new Float32Array(nSeq * Tmax * C).fill(NaN), vc = new Float32Array(nSeq * Tmax * C).fill(NaN);
      // positions before pos0, then this pass's, as a rollout writes them
      if (pos0 > 0) kvWrite(kc, vc, rand(nSeq * pos0 * 3 * C, 31), nSeq, pos0, 0, C, NH, Tmax, rope);
      const qkv = rand(nSeq * T * 3 * C, 32);
      kvWrite(kc, vc, qkv, nSeq, T, pos0, C, NH, Tmax, rope);
      const want = new Float32Array(nSeq * T * C), got = new Float32Array(nSeq * T * C).fill(NaN);
      refDec.attentionDecode(want, qkv, kc, vc, nSeq, T, pos0, C, NH, Tmax, rope);
      fastDec.attentionDecode(got, qkv, kc, vc, nSeq, T, pos0, C, NH, Tmax, rope);
      expectClose('out', got, want);
    });
  }

  it('a prefill and decode steps through the fast kvWrite: caches bit for bit, outputs within tolerance', () => {
    const dec = createWasmDecodeOps();
    for (const rope of [true, false]) {
      const nSeq = 3, C = 16, NH = 4, Tmax = 11, P = 4;
      const caches = () => ({ k: new Float32Array(nSeq * Tmax * C), v: new Float32Array(nSeq * Tmax * C) });
      const r = caches(), f = caches();
      for (const [T, pos0] of [[P, 0], [1, P], [1, P + 1], [1, P + 2], [P, 0], [1, P]] as const) { // the second prefill: a new rollout on the same caches
        const qkv = rand(nSeq * T * 3 * C, 50 + pos0 + T);
        refDec.kvWrite(r.k, r.v, qkv, nSeq, T, pos0, C, NH, Tmax, rope);
        dec.kvWrite(f.k, f.v, qkv, nSeq, T, pos0, C, NH, Tmax, rope);
        expect(Array.from(f.k)).toEqual(Array.from(r.k));
        expect(Array.from(f.v)).toEqual(Array.from(r.v));
        const want = new Float32Array(nSeq * T * C), got = new Float32Array(nSeq * T * C);
        refDec.attentionDecode(want, qkv, r.k, r.v, nSeq, T, pos0, C, NH, Tmax, rope);
        dec.attentionDecode(got, qkv, f.k, f.v, nSeq, T, pos0, C, NH, Tmax, rope);
        expectClose(`out T=${T} pos0=${pos0} rope=${rope}`, got, want);
      }
    }
  });

  it('reads positions written outside its kvWrite from the caller\'s caches', () => {
    const dec = createWasmDecodeOps();
    const nSeq = 2, C = 8, NH = 2, Tmax = 8;
    const kc = new Float32Array(nSeq * Tmax * C), vc = new Float32Array(nSeq * Tmax * C);
    const q0 = rand(nSeq * 3 * 3 * C, 61), q1 = rand(nSeq * 3 * C, 62);
    dec.kvWrite(kc, vc, q0, nSeq, 3, 0, C, NH, Tmax, true); // mirrored: positions 0..2
    kvWrite(kc, vc, q1, nSeq, 1, 3, C, NH, Tmax, true); // position 3 by the reference: not mirrored
    const want = new Float32Array(nSeq * C), got = new Float32Array(nSeq * C);
    refDec.attentionDecode(want, q1, kc, vc, nSeq, 1, 3, C, NH, Tmax, true);
    dec.attentionDecode(got, q1, kc, vc, nSeq, 1, 3, C, NH, Tmax, true);
    expectClose('out', got, want);
  });

  it('names positions outside the cache, as the reference does', () => {
    expect(() => fastDec.attentionDecode(new Float32Array(8), new Float32Array(24), new Float32Array(16), new Float32Array(16), 1, 1, 2, 8, 2, 2, true))
      .toThrow(/positions \[2, 3\) outside the cache of 2/);
  });
});
