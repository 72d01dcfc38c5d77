// Whole-model parity (DESIGN §8): the same tiny model on the CPU reference
// (float32) and on WebGPU, from the same initParams. One forward compared
// activation by activation, one backward compared gradient by gradient (table
// order), then ten AdamW steps of next-token training with matching losses.
// Three variants cover rope/learned, softmax/sigmoid, swiglu/gelu,
// aux/auxFree/none, and a model without shared experts at top-1.
//
// Tolerances: both sides compute in f32 but sum in different orders (tiled
// matmul, per-workgroup reductions), so values differ by a few ulps per op,
// compounded over two layers. Forward: atol 2e-5 + rtol 2e-4. Gradients are
// sums over N rows whose terms cancel, so the atol scales with the tensor's
// largest |gradient| (1e-4 of it). Losses after 10 Adam steps: 2e-5 absolute
// (measured: about 3e-7), looser than one forward because Adam's normalisation
// can turn a tiny gradient's difference into a full lr-sized step on a few
// weights; the weights themselves get 1e-4 + 1e-3 relative (measured 1.4e-5).

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { Rng } from '../core/rng';
import { VOCAB_SIZE } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { randn } from '../cpu/gradcheck';
import { adamwStep, backward, createActivations, createModel, forward, updateRouterBias, zeroGrads, type ActsOf } from '../model/model';
import type { Ops } from '../ops/ops';
import { initParams } from '../model/params';
import { pretrainDLogp, pretrainLoss } from '../model/pretrain';
import { makePretrainBatch } from '../tasks/corpus';
import { createGpuOps } from './backend';
import { runFootprint } from '../model/footprint';
import { acquireDevice } from './device';
import type { GpuTensor } from './runtime';
import { assertClose } from './testing';

const TINY: DeepPartial<RunConfig> = {
  seed: 11,
  task: { family: 'add', difficulty: 1 }, // 1-digit addition: corpus examples fit T = 32
  model: { dModel: 16, nLayers: 2, nHeads: 2, nRouted: 4, nShared: 1, topK: 2, dExpert: 16, maxSeqLen: 32, initStd: 0.3, auxAlpha: 0.1 },
};
const B = 2;
const T = 6;

const variants: [string, DeepPartial<RunConfig>, number][] = [
  ['rope, softmax router, swiglu, Switch aux loss', { model: { positions: 'rope', router: 'softmax', ffn: 'swiglu', balance: 'aux' } }, 1],
  ['learned positions, sigmoid router, gelu, aux-free bias', { model: { positions: 'learned', router: 'sigmoid', ffn: 'gelu', balance: 'auxFree' } }, 0.8],
  ['rope, softmax router, gelu, no balancing, no shared expert, top-1', { model: { positions: 'rope', router: 'softmax', ffn: 'gelu', balance: 'none', nShared: 0, topK: 1 } }, 1.3],
];

/** Every tensor of an ActsOf as (path, tensor), in a fixed order; both backends give the same paths. */
function named<X>(a: ActsOf<X>): [string, X][] {
  const out: [string, X][] = [];
  const walk = (prefix: string, x: unknown) => {
    if (x === null) return;
    if (Array.isArray(x)) x.forEach((v, i) => walk(`${prefix}${i}.`, v));
    else if (x instanceof Float32Array || (typeof x === 'object' && 'buffer' in (x as object) && 'dtype' in (x as object))) out.push([prefix.slice(0, -1), x as X]);
    else for (const [k, v] of Object.entries(x as object)) walk(`${prefix}${k}.`, v);
  };
  walk('', a);
  return out;
}

async function setup(over: DeepPartial<RunConfig>) {
  const cfg = mergeConfig(mergeConfig(DEFAULT_CONFIG, TINY), over);
  const dev = await acquireDevice(runFootprint(cfg));
  const cpu = createCpuOps('f32');
  const gpu = createGpuOps(dev.runtime);
  const init = initParams(cfg);
  const make = <F, I>(ops: Ops<F, I>) => {
    const model = createModel(ops, cfg);
    ops.write(model.params, init);
    // a non-zero routing bias, so the aux-free variant's selection depends on it
    if (cfg.model.balance === 'auxFree') ops.write(model.routerBias, randn(model.dims.L * model.dims.E, 5, 0.05));
    return model;
  };
  return { cfg, dev, cpu, gpu, cm: make(cpu), gm: make(gpu) };
}

function fillTokens(tokens: Int32Array, targets: Int32Array): void {
  const rng = new Rng(99, 1);
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = rng.int(VOCAB_SIZE);
    targets[i] = rng.int(VOCAB_SIZE);
  }
  targets[3] = -1; // a position without a target: logp 0, no gradient
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('whole model: WebGPU against the CPU reference', () => {
  for (const [label, over, temperature] of variants) {
    it(`forward and backward, tensor by tensor: ${label}`, async () => {
      const { dev, cpu, gpu, cm, gm } = await setup(over);
      const ca = createActivations(cpu, cm, B, T);
      const ga = createActivations(gpu, gm, B, T);
      fillTokens(ca.tokens, ca.targets);
      gpu.writeInt(ga.tokens, ca.tokens);
      gpu.writeInt(ga.targets, ca.targets);

      forward(cpu, cm, ca, temperature);
      forward(gpu, gm, ga, temperature); // the first call uploads constant tables (rope's cos/sin) once
      const before = { ...dev.runtime.counters };
      forward(gpu, gm, ga, temperature);
      // after that, forward only enqueues: no submit, no readback until the first read
      expect(dev.runtime.counters.submits).toBe(before.submits);
      expect(dev.runtime.counters.readbacks).toBe(before.readbacks);
      console.log(`forward: ${dev.runtime.counters.dispatches - before.dispatches} dispatches`);
      for (let l = 0; l < cm.dims.L; l++) {
        expect(Array.from(await gpu.readInt(ga.topIdx[l]!)), `layer ${l} topIdx`).toEqual(Array.from(ca.topIdx[l]!));
      }
      const gAll = await gpu.read(ga.aBuf);
      const cNamed = named(ca.a as ActsOf<Float32Array>);
      const gNamed = named(ga.a as ActsOf<GpuTensor>);
      expect(gNamed.map((x) => x[0])).toEqual(cNamed.map((x) => x[0]));
      expect(cNamed.length).toBeGreaterThan(30);
      cNamed.forEach(([name, c], i) => {
        const g = gNamed[i]![1];
        const exact = /\.load$/.test(name); // integer counts
        assertClose(`fwd ${name}`, gAll.subarray(g.offset, g.offset + g.length), c, exact ? 0 : 2e-5, exact ? 0 : 2e-4);
      });
      if (cm.cfg.model.balance === 'aux') expect(ca.a.layers[0]!.auxLoss[0]).toBeGreaterThan(0);

      const dLogp = Float32Array.from(randn(B * T, 3));
      const gdLogp = gpu.alloc(B * T);
      gpu.write(gdLogp, dLogp);
      zeroGrads(cpu, cm);
      zeroGrads(gpu, gm);
      backward(cpu, cm, ca, dLogp, 1);
      const beforeBwd = { ...dev.runtime.counters };
      backward(gpu, gm, ga, gdLogp, 1);
      expect(dev.runtime.counters.submits).toBe(beforeBwd.submits);
      expect(dev.runtime.counters.readbacks).toBe(beforeBwd.readbacks);
      const gGrads = await gpu.read(gm.grads);
      const cGrads = cm.grads as Float32Array;
      for (const t of cm.table.tensors) {
        const c = cGrads.subarray(t.offset, t.offset + t.size);
        const scale = maxAbs(c);
        // top-1 renormalised gates are identically 1: without an aux loss the router gets no gradient
        const routerFrozen = cm.dims.k === 1 && cm.cfg.model.balance !== 'aux' && t.name.endsWith('.wRouter');
        expect(scale > 0, `${t.name} gradient is ${routerFrozen ? 'zero' : 'not all zero'}`).toBe(!routerFrozen);
        assertClose(`grad ${t.name}`, gGrads.subarray(t.offset, t.offset + t.size), c, 1e-4 * scale, 1e-3);
      }
      // the alignment gaps between tensors stay zero on the GPU too
      let gap = 0;
      let end = 0;
      for (const t of cm.table.tensors) {
        gap = Math.max(gap, maxAbs(gGrads.subarray(end, t.offset)));
        end = t.offset + t.size;
      }
      expect(gap).toBe(0);
      expect(dev.runtime.errors).toEqual([]);
      dev.device.destroy();
    });

    it(`ten AdamW steps of next-token training give the same loss curve: ${label}`, async () => {
      const { cfg, dev, cpu, gpu, cm, gm } = await setup(over);
      const BT = 4, TT = 32;
      const ca = createActivations(cpu, cm, BT, TT);
      const ga = createActivations(gpu, gm, BT, TT);
      const cd = cpu.alloc(BT * TT);
      const gd = gpu.alloc(BT * TT);
      const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, gradClip: 1 };
      const cl: number[] = [];
      const gl: number[] = [];
      for (let step = 0; step < 10; step++) {
        const b = makePretrainBatch(cfg, step, BT, TT);
        const dl = pretrainDLogp(b.mask);
        cpu.writeInt(ca.tokens, b.inputs);
        cpu.writeInt(ca.targets, b.targets);
        cpu.write(cd, dl);
        gpu.writeInt(ga.tokens, b.inputs);
        gpu.writeInt(ga.targets, b.targets);
        gpu.write(gd, dl);
        for (const [ops, model, acts, d, losses] of [[cpu, cm, ca, cd, cl], [gpu, gm, ga, gd, gl]] as const) {
          const o = ops as Ops<unknown, unknown>;
          const m = model as typeof cm;
          const a = acts as typeof ca;
          forward(o, m, a);
          zeroGrads(o, m);
          backward(o, m, a, d, 1);
          adamwStep(o, m, hyper);
          if (cfg.model.balance === 'auxFree') updateRouterBias(o, m, a, cfg.model.biasGamma);
          losses.push(pretrainLoss(await o.read(a.a.logp), b.mask));
        }
      }
      console.log(`loss cpu ${cl.map((x) => x.toFixed(5)).join(' ')}`);
      console.log(`loss gpu ${gl.map((x) => x.toFixed(5)).join(' ')}`);
      expect(cl[9]!).toBeLessThan(cl[0]! - 0.1); // it trains: the curves are not flat
      assertClose('loss curve', gl, cl, 2e-5, 0);
      assertClose('grad norm of the last step', await gpu.read(gm.gradNorm), cm.gradNorm as Float32Array, 0, 1e-3);
      const gp = await gpu.read(gm.params);
      assertClose('params after 10 steps', gp, cm.params as Float32Array, 1e-4, 1e-3);
      if (cfg.model.balance === 'auxFree') assertClose('router bias', await gpu.read(gm.routerBias), cm.routerBias as Float32Array, 1e-7, 0);
      expect(dev.runtime.errors).toEqual([]);
      dev.device.destroy();
    });
  }
});
