import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import type { FfnKind } from '../core/config';
import { moeBackward, moeCacheSize, moeForward, type MoeCache, type MoeDims } from './moe';
import { routerForward } from './router';
import type { FloatArray } from './types';

// Finite differences: central, float64, step H. Error of one entry is
// |analytic - numeric| / max(|analytic|, |numeric|, 1e-3) (relative, with a floor
// for entries near 0). TOL leaves room for rounding: eps * |L| / H is ~1e-9
// absolute here, i.e. up to ~1e-5 on the 1e-3 floor; a wrong formula gives errors
// of order 1. topIdx is an INPUT of moeForward, so perturbing inp,
// weights or gates can never flip a top-k choice here: every entry is checked.
const H = 1e-6;
const TOL = 1e-4;

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

function gradcheck(param: Float64Array, analytic: Float64Array, loss: () => number): number {
  let maxErr = 0;
  for (let i = 0; i < param.length; i++) {
    const orig = param[i]!;
    param[i] = orig + H;
    const lp = loss();
    param[i] = orig - H;
    const lm = loss();
    param[i] = orig;
    const num = (lp - lm) / (2 * H);
    const a = analytic[i]!;
    const e = Math.abs(a - num) / Math.max(Math.abs(a), Math.abs(num), 1e-3);
    maxErr = Math.max(maxErr, e);
  }
  return maxErr;
}

function makeCache(d: MoeDims, Arr: typeof Float64Array | typeof Float32Array = Float64Array): MoeCache {
  const sz = moeCacheSize(d);
  return { h1: new Arr(sz.h), h3: d.ffn === 'swiglu' ? new Arr(sz.h) : null, act: new Arr(sz.h), y: new Arr(sz.y) };
}

function run(d: MoeDims, inp: FloatArray, topIdx: Int32Array, gates: FloatArray, w1: FloatArray, w3: FloatArray | null, w2: FloatArray) {
  const out = new Float64Array(d.N * d.C);
  const cache = makeCache(d);
  moeForward(out, cache, inp, topIdx, gates, w1, w3, w2, d);
  return { out, cache };
}

/** Distinct random routed experts per token (a random permutation's first k). */
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

const silu = (x: number) => x / (1 + Math.exp(-x));

describe('moeForward, hand-computed', () => {
  // N=1, C=1, H=1, S=1 shared, E=2 routed, k=1; x = 1 goes to routed expert 1 (stacked index 2) with gate 0.7
  const d: MoeDims = { N: 1, C: 1, H: 1, E: 2, S: 1, k: 1, ffn: 'swiglu' };
  const inp = new Float64Array([1]);
  const topIdx = new Int32Array([1]);
  const gates = new Float64Array([0.7]);
  const w1 = new Float64Array([1, 100, -2]); // shared, routed 0 (unused), routed 1
  const w3 = new Float64Array([2, 100, 0.5]);
  const w2 = new Float64Array([3, 100, 4]);

  it('swiglu: shared expert plus the gated routed expert', () => {
    const { out, cache } = run(d, inp, topIdx, gates, w1, w3, w2);
    // shared: silu(1) * 2 * 3; routed: silu(-2) * 0.5 * 4, times 0.7
    const shared = 6 / (1 + Math.exp(-1));
    const routed = -4 / (1 + Math.exp(2));
    expect(out[0]).toBeCloseTo(shared + 0.7 * routed, 14);
    expect(Array.from(cache.h1)).toEqual([1, -2]);
    expect(Array.from(cache.h3!)).toEqual([2, 0.5]);
    expect(cache.act[0]).toBeCloseTo(2 * silu(1), 14);
    expect(cache.y[0]).toBeCloseTo(shared, 14);
    expect(cache.y[1]).toBeCloseTo(routed, 14); // y is before gating
  });

  it('gelu (tanh approximation): known values gelu(1) and gelu(-0.5)', () => {
    const dg: MoeDims = { ...d, ffn: 'gelu' };
    const wg1 = new Float64Array([1, 100, -0.5]);
    const { out, cache } = run(dg, inp, topIdx, gates, wg1, null, w2);
    // tanh-approximate GELU, computed independently (python math): gelu(1) = 0.8411919906082768, gelu(-0.5) = -0.15428599017485606
    expect(cache.act[0]).toBeCloseTo(0.8411919906082768, 14);
    expect(cache.act[1]).toBeCloseTo(-0.15428599017485606, 14);
    expect(out[0]).toBeCloseTo(3 * 0.8411919906082768 + 0.7 * 4 * -0.15428599017485606, 14);
  });

  it('moeCacheSize counts N*(S+k) slots', () => {
    expect(moeCacheSize({ N: 7, C: 6, H: 5, E: 4, S: 1, k: 2, ffn: 'gelu' })).toEqual({ h: 7 * 3 * 5, y: 7 * 3 * 6 });
  });

  it('guards: w3 required for swiglu, topIdx must be a routed expert', () => {
    expect(() => run(d, inp, topIdx, gates, w1, null, w2)).toThrow(/w3/);
    expect(() => run(d, inp, new Int32Array([2]), gates, w1, w3, w2)).toThrow(/topIdx/);
  });

  it('Float32 buffers agree with Float64 to f32 precision', () => {
    const rng = new Rng(3, 3);
    const dd: MoeDims = { N: 5, C: 6, H: 5, E: 4, S: 1, k: 2, ffn: 'swiglu' };
    const nW = (dd.S + dd.E) * dd.H * dd.C;
    const a = { inp: randn(rng, 30), w1: randn(rng, nW), w3: randn(rng, nW), w2: randn(rng, nW), g: randn(rng, 10) };
    const t = randomTopIdx(rng, dd.N, dd.E, dd.k);
    const ref = run(dd, a.inp, t, a.g, a.w1, a.w3, a.w2).out;
    const out32 = new Float32Array(30);
    const f32 = (x: Float64Array) => Float32Array.from(x);
    moeForward(out32, makeCache(dd, Float32Array), f32(a.inp), t, f32(a.g), f32(a.w1), f32(a.w3), f32(a.w2), dd);
    let maxDiff = 0;
    for (let i = 0; i < 30; i++) maxDiff = Math.max(maxDiff, Math.abs(out32[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
    expect(maxDiff).toBeLessThan(1e-5);
    expect(maxDiff).toBeGreaterThan(0); // f32 really rounded something
  });
});

describe('moeBackward, finite differences (N=7, C=6, H=5, E=4)', () => {
  for (const ffn of ['swiglu', 'gelu'] as FfnKind[]) {
    for (const S of [0, 1]) {
      for (const k of [1, 2]) {
        it(`${ffn}, S=${S}, k=${k}: inp, w1, w3, w2, gates`, () => {
          const d: MoeDims = { N: 7, C: 6, H: 5, E: 4, S, k, ffn };
          const { N, C, E } = d;
          const rng = new Rng(11, 10 * S + k + (ffn === 'gelu' ? 100 : 0));
          const nW = (S + E) * d.H * C;
          const inp = randn(rng, N * C);
          const w1 = randn(rng, nW, 0.7);
          const w3 = ffn === 'swiglu' ? randn(rng, nW, 0.7) : null;
          const w2 = randn(rng, nW, 0.7);
          const topIdx = randomTopIdx(rng, N, E, k);
          const gates = Float64Array.from(randn(rng, N * k), (v) => 0.2 + Math.abs(v));
          const dOut = randn(rng, N * C);
          const loss = () => {
            const { out } = run(d, inp, topIdx, gates, w1, w3, w2);
            let l = 0;
            for (let i = 0; i < N * C; i++) l += dOut[i]! * out[i]!;
            return l;
          };

          // grads start nonzero to check that backward accumulates; dGates starts as garbage it must overwrite
          const { cache } = run(d, inp, topIdx, gates, w1, w3, w2);
          const dInp = new Float64Array(N * C).fill(0.5);
          const dW1 = new Float64Array(nW).fill(0.5);
          const dW3 = w3 ? new Float64Array(nW).fill(0.5) : null;
          const dW2 = new Float64Array(nW).fill(0.5);
          const dGates = new Float64Array(N * k).fill(99);
          moeBackward(dInp, dW1, dW3, dW2, dGates, dOut, cache, inp, topIdx, gates, w1, w3, w2, d);
          for (const g of [dInp, dW1, dW3, dW2]) if (g) for (let i = 0; i < g.length; i++) g[i] = g[i]! - 0.5;

          const errs: Record<string, number> = {
            inp: gradcheck(inp, dInp, loss),
            w1: gradcheck(w1, dW1, loss),
            w2: gradcheck(w2, dW2, loss),
            gates: gradcheck(gates, dGates, loss),
          };
          if (w3 && dW3) errs.w3 = gradcheck(w3, dW3, loss);
          console.log(`moe ${ffn} S=${S} k=${k}: max rel err ` + Object.entries(errs).map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', '));
          for (const e of Object.values(errs)) expect(e).toBeLessThan(TOL);

          // unpicked routed experts get exactly zero weight gradient
          for (let e = 0; e < E; e++) {
            const picked = Array.from(topIdx).includes(e);
            const base = (S + e) * d.H * C;
            const any = dW1.subarray(base, base + d.H * C).some((v) => v !== 0);
            expect(any).toBe(picked);
          }
        });
      }
    }
  }
});

describe('MoE with k = E and a softmax router', () => {
  it('equals the dense softmax-weighted mixture of all experts (plus the shared one)', () => {
    const d: MoeDims = { N: 7, C: 6, H: 5, E: 4, S: 1, k: 4, ffn: 'swiglu' };
    const { N, C, H, E, S } = d;
    const rng = new Rng(5, 5);
    const nW = (S + E) * H * C;
    const inp = randn(rng, N * C);
    const wRouter = randn(rng, E * C);
    const w1 = randn(rng, nW, 0.7);
    const w3 = randn(rng, nW, 0.7);
    const w2 = randn(rng, nW, 0.7);

    // a nonzero bias reorders the selection, but with k = E every expert is selected anyway
    const scores = new Float64Array(N * E);
    const topIdx = new Int32Array(N * E);
    const gates = new Float64Array(N * E);
    routerForward(scores, topIdx, gates, inp, wRouter, randn(rng, E), N, C, E, E, 'softmax');
    const { out } = run(d, inp, topIdx, gates, w1, w3, w2);

    // independent dense reference: every expert on every token, weighted by softmax(logits)
    const ffn = (ex: number, x: Float64Array): Float64Array => {
      const act = new Float64Array(H);
      for (let h = 0; h < H; h++) {
        let a = 0;
        let b = 0;
        for (let c = 0; c < C; c++) {
          a += w1[(ex * H + h) * C + c]! * x[c]!;
          b += w3[(ex * H + h) * C + c]! * x[c]!;
        }
        act[h] = silu(a) * b;
      }
      const y = new Float64Array(C);
      for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) y[c] = y[c]! + w2[(ex * C + c) * H + h]! * act[h]!;
      return y;
    };
    let maxDiff = 0;
    for (let n = 0; n < N; n++) {
      const x = inp.subarray(n * C, (n + 1) * C);
      const logits = Array.from({ length: E }, (_, e) => {
        let l = 0;
        for (let c = 0; c < C; c++) l += x[c]! * wRouter[e * C + c]!;
        return l;
      });
      const z = logits.reduce((s, l) => s + Math.exp(l), 0);
      const ref = ffn(0, x);
      for (let e = 0; e < E; e++) {
        const y = ffn(S + e, x);
        for (let c = 0; c < C; c++) ref[c] = ref[c]! + (Math.exp(logits[e]!) / z) * y[c]!;
      }
      for (let c = 0; c < C; c++) maxDiff = Math.max(maxDiff, Math.abs(out[n * C + c]! - ref[c]!));
    }
    console.log(`k = E vs dense mixture: max abs diff ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-12);
  });
});
