import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../core/config';
import { randn } from '../cpu/gradcheck';
import { residualForward as cpuResidualForward } from '../cpu/residual';
import { adamwStep, backward, createActivations, createModel, forward, zeroGrads } from '../model/model';
import { initParams } from '../model/params';
import { createGpuOps } from './backend';
import { runFootprint } from '../model/footprint';
import { acquireDevice } from './device';
import { residualBackward, residualForward } from './kernels/residual';
import { createProfiler, formatProfile } from './profiler';
import { assertClose } from './testing';

describe('timestamp-query profiler', () => {
  it('times each dispatch in its own pass, attributes GPU time per kernel, and leaves the results unchanged', async () => {
    const { runtime: rt, timestamps } = await acquireDevice(runFootprint(DEFAULT_CONFIG), { profile: true });
    expect(timestamps).toBe(true); // SwiftShader and every desktop Chrome GPU offer timestamp-query
    const prof = createProfiler(rt)!;
    const n = 50_000; // big enough for SwiftShader to take measurable time per dispatch
    const ha = Float32Array.from(randn(n, 1));
    const hb = Float32Array.from(randn(n, 2));
    const a = rt.alloc(n);
    const b = rt.alloc(n);
    const out = rt.alloc(n);
    rt.write(a, ha);
    rt.write(b, hb);
    prof.start();
    const before = { ...rt.counters };
    // 300 forwards cross the 256-dispatch batch boundary; 3 backwards.
    for (let i = 0; i < 300; i++) residualForward(rt, out, a, b, n);
    for (let i = 0; i < 3; i++) residualBackward(rt, a, b, out, n);
    residualForward(rt, out, a, b, 0); // zero workgroups: no dispatch, not counted
    prof.stop();
    residualForward(rt, out, a, b, n); // after stop: not measured
    const got = await rt.read(out);
    const rows = await prof.report();
    console.log(formatProfile(rows));
    expect(rows.map((r) => [r.name, r.calls])).toEqual(expect.arrayContaining([['residual_forward', 300], ['residual_backward', 3]]));
    expect(rows).toHaveLength(2);
    expect(rt.counters.dispatches - before.dispatches).toBe(304);
    for (const r of rows) {
      expect(r.totalMs).toBeGreaterThan(0);
      expect(r.meanUs).toBeCloseTo((r.totalMs * 1000) / r.calls, 6);
    }
    expect(rows[0]!.share + rows[1]!.share).toBeCloseTo(1, 12);
    expect(rows[0]!.name).toBe('residual_forward'); // 100x the calls of the same-sized backward
    // a += out, b += out three times, then out = a + b: profiling changed no result
    const ra = Float32Array.from(ha);
    const rb = Float32Array.from(hb);
    const ro = new Float32Array(n);
    cpuResidualForward(ro, ra, rb, n);
    for (let i = 0; i < 3; i++) for (let j = 0; j < n; j++) (ra[j] = ra[j]! + ro[j]!), (rb[j] = rb[j]! + ro[j]!);
    cpuResidualForward(ro, ra, rb, n);
    assertClose('residual after profiling', got, ro, 0, 0);
    expect(await prof.report()).toEqual([]); // report forgets what it returned
    expect(rt.errors).toEqual([]);
    prof.destroy();
  });

  it('profiles one training step of a tiny model: every dispatch attributed to its kernel', async () => {
    const cfg = mergeConfig(DEFAULT_CONFIG, { model: { dModel: 16, nHeads: 2, dExpert: 16, maxSeqLen: 16, balance: 'aux' } });
    const { runtime: rt } = await acquireDevice(runFootprint(cfg), { profile: true });
    const ops = createGpuOps(rt);
    const model = createModel(ops, cfg);
    ops.write(model.params, initParams(cfg, model.table));
    const acts = createActivations(ops, model, 2, 8);
    ops.writeInt(acts.tokens, Array.from({ length: 16 }, (_, i) => (i * 7) % 20));
    ops.writeInt(acts.targets, Array.from({ length: 16 }, (_, i) => (i * 5) % 20));
    const dLogp = ops.alloc(16);
    ops.write(dLogp, new Array(16).fill(-1 / 16));
    const step = () => {
      forward(ops, model, acts);
      zeroGrads(ops, model);
      backward(ops, model, acts, dLogp);
      adamwStep(ops, model, { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradClip: 1 });
    };
    step(); // warm-up outside the measurement: rope's table upload, first-dispatch shader compiles
    await rt.sync();
    const prof = createProfiler(rt)!;
    prof.start();
    const before = rt.counters.dispatches;
    step();
    prof.stop();
    const rows = await prof.report();
    console.log(`one training step, ${rt.counters.dispatches - before} dispatches (SwiftShader: CPU times, not GPU ones)\n${formatProfile(rows)}`);
    expect(rows.reduce((a, r) => a + r.calls, 0)).toBe(rt.counters.dispatches - before);
    const names = rows.map((r) => r.name);
    for (const op of ['rmsnorm', 'matmul', 'rope', 'attention', 'router', 'moe', 'logprob', 'adamw']) {
      expect(names.some((n) => n.startsWith(op)), `a ${op} kernel was profiled`).toBe(true);
    }
    expect(rt.errors).toEqual([]);
    prof.destroy();
  });
});
