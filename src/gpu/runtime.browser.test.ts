import { describe, expect, it } from 'vitest';
import { randn } from '../cpu/gradcheck';
import { residualBackward as cpuResidualBackward, residualForward as cpuResidualForward } from '../cpu/residual';
import { residualBackward, residualForward } from './kernels/residual';
import { grid } from './runtime';
import { assertClose, testRuntime } from './testing';

describe('GpuRuntime', () => {
  it('runs kernels on aligned views of ONE buffer, inputs and output together, in program order', async () => {
    const rt = await testRuntime();
    const n = 1000; // not a multiple of the workgroup size
    const arena = rt.alloc(3 * 1024 + 64);
    // 64-element (256-byte) aligned views that leave gaps: offsets 64, 1088, 2112.
    const a = rt.view(arena, 64, n);
    const b = rt.view(arena, 64 + 1024, n);
    const out = rt.view(arena, 64 + 2048, n);
    const ha = Float32Array.from(randn(n, 1));
    const hb = Float32Array.from(randn(n, 2));
    rt.write(a, ha);
    rt.write(b, hb);
    const before = { ...rt.counters };
    residualForward(rt, out, a, b, n);
    residualForward(rt, a, out, b, n); // a = out + b: reads what the previous dispatch wrote
    const got = await rt.read(a);
    expect(rt.counters.dispatches - before.dispatches).toBe(2);
    expect(rt.counters.submits - before.submits).toBe(1);
    expect(rt.counters.readbacks - before.readbacks).toBe(1);
    const ref = new Float32Array(n);
    const tmp = new Float32Array(n);
    cpuResidualForward(tmp, ha, hb, n);
    cpuResidualForward(ref, tmp, hb, n);
    assertClose('residual twice', got, ref, 0, 0);
    expect(rt.errors).toEqual([]);
  });

  it('reads reuse staging buffers without mixing data: sizes across a class, reads in flight together, an empty tensor', async () => {
    const rt = await testRuntime();
    const lens = [1, 63, 64, 65, 1000, 1024, 0, 3];
    const ts = lens.map((n) => rt.alloc(n));
    const data = lens.map((n, i) => Float32Array.from({ length: n }, (_, j) => i * 10_000 + j));
    ts.forEach((t, i) => rt.write(t, data[i]!));
    for (let round = 0; round < 2; round++) { // round 1 takes every buffer from the pool
      for (let i = 0; i < ts.length; i++) expect(Array.from(await rt.read(ts[i]!)), `round ${round} tensor ${i}`).toEqual(Array.from(data[i]!));
    }
    // more reads of one size class in flight than the pool keeps
    const got = await Promise.all([...ts, ...ts].map((t) => rt.read(t)));
    got.forEach((g, k) => expect(Array.from(g), `concurrent ${k}`).toEqual(Array.from(data[k % ts.length]!)));
    expect(rt.errors).toEqual([]);
  });

  it('residual backward accumulates like its CPU twin', async () => {
    const rt = await testRuntime();
    for (const n of [1, 255, 257, 4099]) {
      const d1 = Float32Array.from(randn(n, 3));
      const d2 = Float32Array.from(randn(n, 4));
      const dOut = Float32Array.from(randn(n, 5));
      const g1 = rt.alloc(n);
      const g2 = rt.alloc(n);
      const go = rt.alloc(n);
      rt.write(g1, d1);
      rt.write(g2, d2);
      rt.write(go, dOut);
      residualBackward(rt, g1, g2, go, n);
      const r1 = await rt.read(g1);
      const r2 = await rt.read(g2);
      cpuResidualBackward(d1, d2, dOut, n);
      assertClose(`residualBackward dInp1 n=${n}`, r1, d1, 0, 0);
      assertClose(`residualBackward dInp2 n=${n}`, r2, d2, 0, 0);
    }
  });

  it('zero and copy keep program order with dispatches', async () => {
    const rt = await testRuntime();
    const t = rt.alloc(10);
    rt.write(t, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const u = rt.alloc(10);
    const out = rt.alloc(10);
    rt.copy(u, t, 10);
    rt.zero(rt.view(t, 2, 3));
    residualForward(rt, out, t, u, 10);
    expect([...(await rt.read(out))]).toEqual([2, 4, 3, 4, 5, 12, 14, 16, 18, 20]);
  });

  it('refuses aliased or overlapping views in one dispatch, naming the kernel', async () => {
    const rt = await testRuntime();
    const t = rt.alloc(256);
    expect(() => residualForward(rt, t, t, rt.alloc(256), 256)).toThrow(/residual_forward: tensor arguments 0 and 1 share bytes/);
    // Unaligned views overlap once bound at the aligned-down offset.
    expect(() => residualForward(rt, rt.view(t, 0, 10), rt.view(t, 10, 10), rt.view(t, 128, 10), 10)).toThrow(/arguments 0 and 1 share bytes \[0, 40\)/);
    expect(rt.errors).toEqual([]);
  });

  it('accepts several null tensors in one dispatch', async () => {
    const rt = await testRuntime();
    const k = rt.kernel({
      name: 'nulls_test',
      code: `struct Params { o0: u32, o1: u32, o2: u32, n: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> a: array<f32>;
@group(0) @binding(3) var<storage, read_write> b: array<f32>;
@compute @workgroup_size(1) fn main() { out[p.o0] = f32(p.n); }`,
      tensors: ['0', '1', '2'],
      params: ['n'],
    });
    const out = rt.alloc(1);
    rt.dispatch(k, [out, null, null], [7], [1]);
    expect([...(await rt.read(out))]).toEqual([7]);
    expect(rt.errors).toEqual([]);
  });

  it('grid splits large workgroup counts', () => {
    expect(grid(10)).toEqual([10, 1]);
    const [x, y] = grid(200_000);
    expect(x * y).toBeGreaterThanOrEqual(200_000);
    expect(x).toBeLessThanOrEqual(65535);
  });

  it('reports a shader that does not compile, by kernel name', async () => {
    const rt = await testRuntime();
    const seen = rt.errors.length;
    rt.kernel({ name: 'broken_kernel', code: '@compute @workgroup_size(1) fn main() { let x: f32 = undefined_thing; }', tensors: [], params: [] });
    await rt.sync();
    await new Promise((r) => setTimeout(r, 50));
    expect(rt.errors.length).toBe(seen + 1);
    expect(rt.errors[seen]!.message).toMatch(/kernel broken_kernel failed to compile/);
  });
});
