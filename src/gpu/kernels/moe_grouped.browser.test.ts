import { describe, expect, it } from 'vitest';
import type { FfnKind } from '../../core/config';
import { Rng } from '../../core/rng';
import { randn } from '../../cpu/gradcheck';
import { moeBackward as cpuMoeBackward, moeForward as cpuMoeForward, type MoeCache, type MoeDims } from '../../cpu/moe';
import type { GpuRuntime, GpuTensor } from '../runtime';
import { assertClose, testRuntime } from '../testing';
import { moeBackward, moeForward, moePath, type GpuMoeCache, type MoePath } from './moe';
import { moeGroupedRoute } from './moe_grouped';

const f32s = (n: number, seed: number, scale = 1) => Float32Array.from(randn(n, seed, scale));

function upload(rt: GpuRuntime, data: Float32Array | Int32Array): GpuTensor {
  const t = rt.alloc(data.length, data instanceof Int32Array ? 'i32' : 'f32');
  rt.write(t, data);
  return t;
}

/**
 * k distinct experts per token in random order, where expert 0 is in every
 * token's top-k and expert E-1 in none: the two edge cases of the grouping.
 */
function skewedTopIdx(N: number, E: number, k: number, seed: number): Int32Array {
  const rng = new Rng(seed, 7);
  const out = new Int32Array(N * k);
  for (let n = 0; n < N; n++) {
    const rest = Array.from({ length: E - 2 }, (_, i) => i + 1); // 1..E-2
    for (let i = rest.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    const row = [0, ...rest.slice(0, k - 1)];
    const at = rng.int(k); // expert 0 at a random position j
    [row[0], row[at]] = [row[at]!, row[0]!];
    for (let j = 0; j < k; j++) out[n * k + j] = row[j]!;
  }
  return out;
}

/** The reference grouping, written the obvious way: for each expert, scan choices in order. */
function cpuRoute(topIdx: Int32Array, E: number, tm: number): { perm: number[]; offs: number[] } {
  const perm: number[] = [];
  const offsets: number[] = [];
  const tiles: number[] = [];
  let t = 0;
  for (let e = 0; e < E; e++) {
    offsets.push(perm.length);
    tiles.push(t);
    for (let q = 0; q < topIdx.length; q++) if (topIdx[q] === e) perm.push(q);
    t += Math.ceil((perm.length - offsets[e]!) / tm);
  }
  return { perm, offs: [...offsets, perm.length, ...tiles, t] };
}

describe('grouped MoE route (histogram, prefix sum, stable scatter)', () => {
  it('lists every expert its choices in token order, with offsets and tile starts', async () => {
    const rt = await testRuntime();
    const cases: [number, number, number][] = [[37, 8, 2], [1, 8, 1], [100, 12, 3], [64, 9, 8], [70, 32, 1]];
    for (const [ci, [N, E, k]] of cases.entries()) {
      const topIdx = skewedTopIdx(N, E, k, 40 + ci);
      const ref = cpuRoute(topIdx, E, 16);
      const perm = rt.alloc(N * k, 'i32');
      const offs = rt.alloc(2 * E + 2, 'i32');
      moeGroupedRoute(rt, perm, offs, upload(rt, topIdx), { N, C: 1, H: 1, E, S: 0, k, ffn: 'gelu' });
      expect(Array.from(await rt.read(offs)), `offs N=${N} E=${E} k=${k}`).toEqual(ref.offs);
      expect(Array.from(await rt.read(perm)), `perm N=${N} E=${E} k=${k}`).toEqual(ref.perm);
      expect(ref.offs[1]! - ref.offs[0]!).toBe(N); // expert 0: every token
      expect(ref.offs[E]! - ref.offs[E - 1]!).toBe(0); // expert E-1: none
    }
    expect(rt.errors).toEqual([]);
  });
});

interface Run {
  out: Float32Array;
  cache: Float32Array[]; // h1, [h3], act, y
  grads: Float32Array[]; // dGates, dInp, dW1, [dW3], dW2
}

function readAll(rt: GpuRuntime, ts: GpuTensor[]): Promise<Float32Array[]> {
  return Promise.all(ts.map(async (t) => (await rt.read(t)) as Float32Array));
}

describe('grouped MoE path vs cpu/moe.ts and the dense path', () => {
  it('forward and backward (accumulating) match the twin and the dense path, and rerun to the same bits', async () => {
    const rt = await testRuntime();
    const dimsList: MoeDims[] = [];
    for (const E of [8, 12]) {
      for (const k of [1, 2, 3]) {
        for (const ffn of ['swiglu', 'gelu'] as FfnKind[]) dimsList.push({ N: 37, C: 16, H: 24, E, S: (E + k) % 2, k, ffn });
      }
    }
    dimsList.push({ N: 5, C: 7, H: 9, E: 8, S: 1, k: 2, ffn: 'swiglu' }); // everything smaller than a tile
    dimsList.push({ N: 37, C: 16, H: 24, E: 8, S: 1, k: 3, ffn: 'gelu' }); // S=1 with k=3 as well
    // wider than one workgroup of the register-blocked forward (64 units or channels), not a multiple of 4
    dimsList.push({ N: 21, C: 70, H: 67, E: 8, S: 1, k: 2, ffn: 'swiglu' });
    for (const [ci, d] of dimsList.entries()) {
      const { N, C, H, E, S, k, ffn } = d;
      const K = S + k;
      const label = `N=${N} C=${C} H=${H} E=${E} S=${S} k=${k} ${ffn}`;
      const swiglu = ffn === 'swiglu';
      const inp = f32s(N * C, 100 + ci);
      const topIdx = skewedTopIdx(N, E, k, 200 + ci);
      const gates = Float32Array.from(randn(N * k, 300 + ci), (x) => 0.2 + Math.abs(x));
      const w1 = f32s((S + E) * H * C, 400 + ci, 0.3);
      const w3 = swiglu ? f32s((S + E) * H * C, 500 + ci, 0.3) : null;
      const w2 = f32s((S + E) * C * H, 600 + ci, 0.3);
      const dOut = f32s(N * C, 700 + ci);
      const g0 = { dInp: f32s(N * C, 800 + ci), dW1: f32s((S + E) * H * C, 900 + ci), dW3: f32s((S + E) * H * C, 1000 + ci), dW2: f32s((S + E) * C * H, 1100 + ci) };

      // CPU twin
      const out = new Float32Array(N * C);
      const cache: MoeCache = { h1: new Float32Array(N * K * H), h3: swiglu ? new Float32Array(N * K * H) : null, act: new Float32Array(N * K * H), y: new Float32Array(N * K * C) };
      cpuMoeForward(out, cache, inp, topIdx, gates, w1, w3, w2, d);
      const cpu = { dGates: new Float32Array(N * k), dInp: g0.dInp.slice(), dW1: g0.dW1.slice(), dW3: swiglu ? g0.dW3.slice() : null, dW2: g0.dW2.slice() };
      cpuMoeBackward(cpu.dInp, cpu.dW1, cpu.dW3, cpu.dW2, cpu.dGates, dOut, cache, inp, topIdx, gates, w1, w3, w2, d);
      const cpuCache = [cache.h1, ...(cache.h3 ? [cache.h3] : []), cache.act, cache.y] as Float32Array[];
      const cpuGrads = [cpu.dGates, cpu.dInp, cpu.dW1, ...(cpu.dW3 ? [cpu.dW3] : []), cpu.dW2];

      const gInp = upload(rt, inp);
      const gTop = upload(rt, topIdx);
      const gGates = upload(rt, gates);
      const gW1 = upload(rt, w1);
      const gW3 = w3 ? upload(rt, w3) : null;
      const gW2 = upload(rt, w2);
      const gdOut = upload(rt, dOut);
      const run = async (path: MoePath): Promise<Run> => {
        const gOut = rt.alloc(N * C);
        const gc: GpuMoeCache = { h1: rt.alloc(N * K * H), h3: swiglu ? rt.alloc(N * K * H) : null, act: rt.alloc(N * K * H), y: rt.alloc(N * K * C) };
        moeForward(rt, gOut, gc, gInp, gTop, gGates, gW1, gW3, gW2, d, path);
        // backward from the CPU cache, so only backward is compared
        const cc: GpuMoeCache = { h1: upload(rt, cache.h1 as Float32Array), h3: cache.h3 ? upload(rt, cache.h3 as Float32Array) : null, act: upload(rt, cache.act as Float32Array), y: upload(rt, cache.y as Float32Array) };
        const gd = { dGates: upload(rt, f32s(N * k, 1200 + ci)), dInp: upload(rt, g0.dInp), dW1: upload(rt, g0.dW1), dW3: swiglu ? upload(rt, g0.dW3) : null, dW2: upload(rt, g0.dW2) };
        moeBackward(rt, gd.dInp, gd.dW1, gd.dW3, gd.dW2, gd.dGates, gdOut, cc, gInp, gTop, gGates, gW1, gW3, gW2, d, path);
        return {
          out: (await rt.read(gOut)) as Float32Array,
          cache: await readAll(rt, [gc.h1, ...(gc.h3 ? [gc.h3] : []), gc.act, gc.y]),
          grads: await readAll(rt, [gd.dGates, gd.dInp, gd.dW1, ...(gd.dW3 ? [gd.dW3] : []), gd.dW2]),
        };
      };
      const cacheNames = swiglu ? ['h1', 'h3', 'act', 'y'] : ['h1', 'act', 'y'];
      const gradNames = swiglu ? ['dGates', 'dInp', 'dW1', 'dW3', 'dW2'] : ['dGates', 'dInp', 'dW1', 'dW2'];
      const grouped = await run('grouped');
      const again = await run('grouped');
      const dense = await run('dense');
      // f32 sums of at most max(C,H,N) = 37 terms in the twin's order: 1e-5 abs / 1e-4 rel, as for the dense path
      assertClose(`${label} grouped out`, grouped.out, out, 1e-5, 1e-4);
      cacheNames.forEach((nm, i) => assertClose(`${label} grouped ${nm}`, grouped.cache[i]!, cpuCache[i]!, 1e-5, 1e-4));
      gradNames.forEach((nm, i) => assertClose(`${label} grouped ${nm}`, grouped.grads[i]!, cpuGrads[i]!, 1e-5, 1e-4));
      // the same terms in the same order as the dense path: only FMA contraction may differ
      assertClose(`${label} grouped vs dense out`, grouped.out, dense.out, 1e-6, 1e-5);
      cacheNames.forEach((nm, i) => assertClose(`${label} grouped vs dense ${nm}`, grouped.cache[i]!, dense.cache[i]!, 1e-6, 1e-5));
      gradNames.forEach((nm, i) => assertClose(`${label} grouped vs dense ${nm}`, grouped.grads[i]!, dense.grads[i]!, 1e-6, 1e-5));
      // deterministic: the rerun gives the same bits
      expect(again.out, `${label} rerun out`).toEqual(grouped.out);
      again.cache.forEach((a, i) => expect(a, `${label} rerun ${cacheNames[i]}`).toEqual(grouped.cache[i]));
      again.grads.forEach((a, i) => expect(a, `${label} rerun ${gradNames[i]}`).toEqual(grouped.grads[i]));
      // expert E-1 got no token: its weight gradients stay at their start values
      const wsz = H * C;
      const last = (S + E - 1) * wsz;
      expect(grouped.grads[2]!.subarray(last, last + wsz)).toEqual(g0.dW1.subarray(last, last + wsz));
    }
    expect(rt.errors).toEqual([]);
  });

  it('the dispatcher picks the grouped path from E = 8 on or from 1024 routed rows, the dense path below both', async () => {
    const rt = await testRuntime();
    expect(moePath({ N: 64, C: 64, H: 64, E: 4, S: 1, k: 2, ffn: 'swiglu' })).toBe('dense'); // a default decode step
    expect(moePath({ N: 6144, C: 64, H: 64, E: 4, S: 1, k: 2, ffn: 'swiglu' })).toBe('grouped'); // a default training batch
    for (const [E, N, want] of [[7, 5, 2], [8, 5, 6], [3, 512, 6], [3, 511, 2]] as const) {
      const d: MoeDims = { N, C: 4, H: 3, E, S: 0, k: 2, ffn: 'gelu' };
      const { C, H, k } = d;
      const c: GpuMoeCache = { h1: rt.alloc(N * k * H), h3: null, act: rt.alloc(N * k * H), y: rt.alloc(N * k * C) };
      const top = upload(rt, skewedTopIdx(N, E, k, 9));
      const before = rt.counters.dispatches;
      moeForward(rt, rt.alloc(N * C), c, rt.alloc(N * C), top, rt.alloc(N * k), rt.alloc(E * H * C), null, rt.alloc(E * C * H), d);
      // dense: hidden + down; grouped: count, offsets, scatter, hidden, down, combine
      expect(rt.counters.dispatches - before, `E=${E} N=${N}`).toBe(want);
    }
    await rt.sync();
    expect(rt.errors).toEqual([]);
  });

  it('times both paths at N=512 C=32 H=32 E=8 k=2 S=1 (SwiftShader: indicative only)', async () => {
    const rt = await testRuntime();
    const d: MoeDims = { N: 512, C: 32, H: 32, E: 8, S: 1, k: 2, ffn: 'swiglu' };
    const { N, C, H, E, S, k } = d;
    const K = S + k;
    const t = (data: Float32Array | Int32Array) => upload(rt, data);
    const inp = t(f32s(N * C, 1));
    const top = t(skewedTopIdx(N, E, k, 2));
    const gates = t(Float32Array.from(randn(N * k, 3), (x) => 0.2 + Math.abs(x)));
    const w = [t(f32s((S + E) * H * C, 4, 0.2)), t(f32s((S + E) * H * C, 5, 0.2)), t(f32s((S + E) * C * H, 6, 0.2))] as const;
    const dw = [rt.alloc((S + E) * H * C), rt.alloc((S + E) * H * C), rt.alloc((S + E) * C * H)] as const;
    const out = rt.alloc(N * C);
    const dOut = t(f32s(N * C, 7));
    const dInp = rt.alloc(N * C);
    const dGates = rt.alloc(N * k);
    const cache: GpuMoeCache = { h1: rt.alloc(N * K * H), h3: rt.alloc(N * K * H), act: rt.alloc(N * K * H), y: rt.alloc(N * K * C) };
    const ms: Record<string, number> = {};
    const outs: Record<string, Float32Array> = {};
    const fwd = (path: MoePath) => moeForward(rt, out, cache, inp, top, gates, w[0], w[1], w[2], d, path);
    const bwd = (path: MoePath) => moeBackward(rt, dInp, dw[0], dw[1], dw[2], dGates, dOut, cache, inp, top, gates, w[0], w[1], w[2], d, path);
    const time = async (key: string, step: () => void) => {
      step(); // warmup: pipelines compiled, bind groups cached
      await rt.sync();
      const reps = 3;
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) step();
      await rt.sync();
      ms[key] = (performance.now() - t0) / reps;
    };
    for (const path of ['dense', 'grouped'] as MoePath[]) {
      await time(`${path} forward`, () => fwd(path));
      outs[path] = (await rt.read(out)) as Float32Array;
      await time(`${path} backward`, () => bwd(path));
    }
    console.log(
      `moe N=${N} C=${C} H=${H} E=${E} S=${S} k=${k}, ms per call: ` + Object.entries(ms).map(([key, v]) => `${key} ${v.toFixed(1)}`).join(', '),
    );
    assertClose('timing shape grouped vs dense out', outs.grouped!, outs.dense!, 1e-6, 1e-5);
    expect(rt.errors).toEqual([]);
  });
});
