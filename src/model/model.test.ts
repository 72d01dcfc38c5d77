// Whole-model checks on the float64 CPU backend: finite differences through
// every parameter in each architectural variant, and the activation layout.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { Rng } from '../core/rng';
import { VOCAB_SIZE } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { gradcheck, randn } from '../cpu/gradcheck';
import { moeCacheSize } from '../cpu/moe';
import type { FloatArray } from '../cpu/types';
import { activationsIntSize, activationsSize, backward, createActivations, createModel, forward, zeroGrads } from './model';
import type { Ops } from '../ops/ops';
import { initParams } from './params';

// The CPU backend must implement the interface the GPU backend will (a compile-time check).
const cpuOpsFit: Ops<FloatArray, Int32Array> = createCpuOps('f64');
void cpuOpsFit;

const TINY: DeepPartial<RunConfig> = {
  seed: 7,
  model: { dModel: 8, nLayers: 2, nHeads: 2, nRouted: 4, nShared: 1, topK: 2, dExpert: 6, maxSeqLen: 16, initStd: 0.4, auxAlpha: 0.3 },
};
const B = 2;
const T = 5;

function setup(over: DeepPartial<RunConfig>) {
  const cfg = mergeConfig(mergeConfig(DEFAULT_CONFIG, TINY), over);
  const ops = createCpuOps('f64');
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  const acts = createActivations(ops, model, B, T);
  const rng = new Rng(99, 1);
  for (let i = 0; i < B * T; i++) {
    acts.tokens[i] = rng.int(VOCAB_SIZE);
    acts.targets[i] = rng.int(VOCAB_SIZE);
  }
  acts.targets[3] = -1; // a position without a target
  return { cfg, ops, model, acts };
}

const variants: [string, DeepPartial<RunConfig>, number][] = [
  ['rope, softmax router, swiglu, aux loss', { model: { positions: 'rope', router: 'softmax', ffn: 'swiglu', balance: 'aux' } }, 1],
  ['learned positions, sigmoid router, gelu, aux loss', { model: { positions: 'learned', router: 'sigmoid', ffn: 'gelu', balance: 'aux' } }, 0.7],
  ['rope, sigmoid router, swiglu, aux-free bias', { model: { positions: 'rope', router: 'sigmoid', ffn: 'swiglu', balance: 'auxFree' } }, 1],
  ['learned positions, softmax router, gelu, no shared expert, top-1', { model: { positions: 'learned', router: 'softmax', ffn: 'gelu', balance: 'none', nShared: 0, topK: 1 } }, 1.3],
];

describe('whole model, float64 finite differences', () => {
  for (const [label, over, temperature] of variants) {
    it(label, () => {
      const { cfg, ops, model, acts } = setup(over);
      const N = B * T;
      if (cfg.model.balance === 'auxFree') ops.write(model.routerBias, randn(model.dims.L * model.dims.E, 5, 0.05));
      const dLogp = randn(N, 3) as FloatArray; // loss = sum dLogp * logp + sum of aux losses
      const auxWeight = 1;
      const params = model.params as Float64Array;
      const lossOf = () => {
        forward(ops, model, acts, temperature);
        let s = 0;
        for (let i = 0; i < N; i++) s += dLogp[i]! * acts.a.logp[i]!;
        for (const la of acts.a.layers) s += auxWeight * la.auxLoss[0]!;
        return s;
      };
      lossOf();
      const baseTop = acts.topIdx.map((t) => t.slice());
      zeroGrads(ops, model);
      backward(ops, model, acts, dLogp, auxWeight);
      const analytic = (model.grads as Float64Array).slice();
      // A perturbation that changes any token's top-k choice crosses a kink; drop that entry.
      const sameRouting = () => acts.topIdx.every((t, l) => t.every((e, i) => e === baseTop[l]![i]));
      const r = gradcheck(lossOf, params, analytic, { valid: sameRouting });
      let gmax = 0;
      for (const g of analytic) gmax = Math.max(gmax, Math.abs(g));
      console.log(`model [${label}] params ${params.length}, checked ${r.checked}, skipped (top-k flip) ${r.skipped}, max abs err ${r.maxAbs.toExponential(2)}, max rel ${r.maxRel.toExponential(2)}, max |grad| ${gmax.toFixed(3)}`);
      expect(r.checked).toBeGreaterThan(0.95 * params.length);
      expect(gmax).toBeGreaterThan(1e-2); // the check is not vacuous
      expect(r.maxAbs).toBeLessThan(1e-7);
      if (cfg.model.balance === 'aux') expect(acts.a.layers[0]!.auxLoss[0]).toBeGreaterThan(0);
    });
  }
});

describe('activations', () => {
  it('carves MoE caches of the size moe.ts expects, and the expert load sums to N*k', () => {
    const { ops, model, acts, cfg } = setup({});
    const N = B * T;
    const sz = moeCacheSize({ N, C: 8, H: 6, E: 4, S: 1, k: 2, ffn: cfg.model.ffn });
    const la = acts.a.layers[0]!;
    expect(la.moe.h1.length).toBe(sz.h);
    expect(la.moe.h3!.length).toBe(sz.h);
    expect(la.moe.y.length).toBe(sz.y);
    forward(ops, model, acts);
    const load = Array.from(acts.a.layers[1]!.load);
    expect(load.reduce((a, b) => a + b, 0)).toBe(N * 2);
    // entropy of a softmax over V lies in [0, log V]
    for (const h of acts.a.entropy) {
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThanOrEqual(Math.log(VOCAB_SIZE) + 1e-12);
    }
  });

  it('starts every activation view on a 64-element boundary, without overlaps (WebGPU binding rule)', () => {
    for (const positions of ['rope', 'learned'] as const) {
      const { model, acts } = setup({ model: { positions } });
      const N = B * T; // 10: nothing here is a multiple of 64
      const floats: FloatArray[] = [];
      const walk = (x: unknown) => {
        if (x instanceof Float64Array || x instanceof Float32Array) floats.push(x);
        else if (x && typeof x === 'object') for (const v of Object.values(x)) walk(v);
      };
      walk(acts.a);
      const spans = (views: ArrayLike<number>[], buf: { buffer: ArrayBufferLike }, bytes: number) => {
        const seen = new Set<number>();
        const out = views
          .filter((v) => (seen.has((v as Float64Array).byteOffset) ? false : (seen.add((v as Float64Array).byteOffset), true)))
          .map((v) => {
            const a = v as Float64Array;
            expect(a.buffer).toBe(buf.buffer);
            return [a.byteOffset / bytes, a.byteOffset / bytes + a.length] as const;
          })
          .sort((x, y) => x[0] - y[0]);
        for (const [s0] of out) expect(s0 % 64).toBe(0);
        for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThanOrEqual(out[i - 1]![1]);
        return out;
      };
      const fs = spans(floats, acts.aBuf as Float64Array, 8);
      // learned positions: qkvr is qkv itself, one view fewer per layer
      expect(acts.a.layers[0]!.qkvr === acts.a.layers[0]!.qkv).toBe(positions === 'learned');
      expect((acts.aBuf as Float64Array).length).toBe(activationsSize(model.dims, model.cfg, B, T));
      expect(fs[fs.length - 1]![1]).toBeLessThanOrEqual((acts.aBuf as Float64Array).length);
      expect((acts.aBuf as Float64Array).length).toBeLessThanOrEqual(fs[fs.length - 1]![1] + 64);
      // tokens at 0, targets at 64, topIdx of layer l at 128 + 64 l (N*k = 20 < 64)
      const is = spans([acts.tokens, acts.targets, ...acts.topIdx], acts.tokens, 4);
      expect(is.map((x) => x[0])).toEqual([0, 64, 128, 192]);
      expect(activationsIntSize(model.dims, B, T)).toBe(256);
      expect(acts.topIdx[1]!.length).toBe(N * 2);
    }
  });

  it('is causal: changing the last token leaves earlier logp unchanged', () => {
    const { ops, model, acts } = setup({});
    forward(ops, model, acts);
    const before = acts.a.logp.slice();
    acts.tokens[T - 1] = (acts.tokens[T - 1]! + 1) % VOCAB_SIZE;
    forward(ops, model, acts);
    for (let t = 0; t < T - 1; t++) expect(acts.a.logp[t]).toBe(before[t]);
    expect(acts.a.logp[T - 1]).not.toBe(before[T - 1]);
  });
});
