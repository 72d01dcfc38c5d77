// The GPU backend's memory side, its laziness (ops enqueue, read waits), and
// acquireDevice on the real adapter. Op-by-op numerics live in
// kernels/*.browser.test.ts; the whole model in model.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../core/config';
import type { Ops } from '../ops/ops';
import { PARAM_ALIGN } from '../model/params';
import { createGpuOps } from './backend';
import { runFootprint } from '../model/footprint';
import { acquireDevice } from './device';
import { DEFAULT_LIMITS } from './limits';
import { GpuError, TENSOR_ALIGN, type GpuTensor } from './runtime';
import { testRuntime } from './testing';

describe('GPU backend', () => {
  it("model/'s PARAM_ALIGN is the runtime's TENSOR_ALIGN (model/ may not import gpu/)", () => {
    expect(PARAM_ALIGN).toBe(TENSOR_ALIGN);
  });

  it('maps memory ops onto the runtime: zero-filled allocs, views, write/read, zero, copy (within one buffer too)', async () => {
    const rt = await testRuntime();
    // Typing it as the model's interface checks the structural fit at compile time.
    const ops: Ops<GpuTensor, GpuTensor> = createGpuOps(rt);
    const buf = ops.alloc(200);
    expect(Array.from(await ops.read(buf))).toEqual(new Array(200).fill(0));
    const v = ops.view(buf, 64, 5);
    ops.write(v, [1.5, -2, 3, 4, 5]);
    const w = ops.view(buf, 128, 5);
    ops.copy(w, v, 3);
    ops.zero(ops.view(buf, 65, 1));
    const all = await ops.read(buf);
    expect(all).toBeInstanceOf(Float32Array);
    expect(Array.from(all.subarray(62, 70))).toEqual([0, 0, 1.5, 0, 3, 4, 5, 0]);
    expect(Array.from(all.subarray(127, 134))).toEqual([0, 1.5, -2, 3, 0, 0, 0]);
    const ints = ops.allocInt(70);
    ops.writeInt(ops.viewInt(ints, 64, 3), [-1, 7, 2 ** 31 - 1]);
    const ri = await ops.readInt(ints);
    expect(ri).toBeInstanceOf(Int32Array);
    expect(Array.from(ri.subarray(63, 68))).toEqual([0, -1, 7, 2 ** 31 - 1, 0]);
    expect(() => ops.write(ints, [1])).toThrow(/tensor is i32, expected f32/);
    expect(() => ops.readInt(buf)).toThrow(/tensor is f32, expected i32/);
    expect(() => ops.view(buf, 190, 20)).toThrow(RangeError);
    // across buffers, and a larger same-buffer copy that grows the bounce buffer
    const other = ops.alloc(8);
    ops.copy(other, ops.view(buf, 127, 8), 8);
    ops.copy(ops.view(buf, 0, 40), ops.view(buf, 128, 40), 40);
    expect(Array.from(await ops.read(other))).toEqual([0, 1.5, -2, 3, 0, 0, 0, 0]);
    expect(Array.from((await ops.read(buf)).subarray(0, 4))).toEqual([1.5, -2, 3, 0]);
    expect(rt.errors).toEqual([]);
  });

  it('enqueues ops without waiting: one submit and one readback for a chain of ops', async () => {
    const rt = await testRuntime();
    const ops = createGpuOps(rt);
    const n = 100;
    const a = ops.alloc(n), b = ops.alloc(n), c = ops.alloc(n), norm = ops.alloc(1);
    ops.write(a, Array.from({ length: n }, (_, i) => i));
    ops.write(b, Array.from({ length: n }, () => 1));
    const before = { ...rt.counters };
    ops.residualForward(c, a, b, n); // c = i + 1
    ops.residualBackward(a, b, c, n); // a = 2i + 1, b = i + 2
    ops.gradNorm(norm, a, n);
    expect(rt.counters.submits).toBe(before.submits); // nothing submitted yet
    const got = await ops.read(norm);
    expect(rt.counters.readbacks - before.readbacks).toBe(1);
    expect(rt.counters.submits - before.submits).toBe(1);
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (2 * i + 1) ** 2; // = n (2n-1)(2n+1) / 3 = 1333300
    expect(ss).toBe(1333300);
    expect(got[0]).toBeCloseTo(Math.sqrt(ss), 2);
    expect(rt.errors).toEqual([]);
  });
});

describe('acquireDevice', () => {
  it('gets a device with (at least) the limits the default config needs, and reports errors to subscribers', async () => {
    const got = await acquireDevice(runFootprint(DEFAULT_CONFIG));
    for (const need of got.needs) {
      const have = (got.device.limits as unknown as Record<string, number>)[need.name]!;
      if (need.kind === 'max') expect(have).toBeGreaterThanOrEqual(need.value);
      else expect(have).toBeLessThanOrEqual(need.value);
    }
    expect(got.device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(DEFAULT_LIMITS.maxStorageBuffersPerShaderStage);
    expect(got.timestamps).toBe(false); // not asked for
    const seen: GpuError[] = [];
    const unsubscribe = got.subscribe((e) => seen.push(e));
    // An invalid buffer size is a validation error the device reports asynchronously.
    got.device.createBuffer({ size: 6, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE });
    await got.device.queue.onSubmittedWorkDone();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(1);
    expect(seen[0]!.kind).toBe('validation');
    unsubscribe();
    got.device.destroy();
    await got.device.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.length).toBe(1); // unsubscribed before the loss
    expect(got.runtime.lost?.reason).toBe('destroyed');
    expect(got.runtime.errors.map((e) => e.kind)).toEqual(['validation', 'lost']);
  });

  it('refuses a config this adapter cannot hold, naming the limit and both values', async () => {
    const huge = mergeConfig(DEFAULT_CONFIG, { model: { maxSeqLen: 256, nHeads: 16 }, grpo: { batchPrompts: 64, groupSize: 64 } });
    await expect(acquireDevice(runFootprint(huge))).rejects.toThrow(/maxStorageBufferBindingSize: this config needs 17179869184 \(the largest tensor one kernel binds\), the device allows \d+/);
  });
});
