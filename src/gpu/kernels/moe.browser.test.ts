import { describe, expect, it } from 'vitest';
import type { FfnKind } from '../../core/config';
import { randn } from '../../cpu/gradcheck';
import { moeBackward as cpuMoeBackward, moeForward as cpuMoeForward, type MoeCache, type MoeDims } from '../../cpu/moe';
import { Rng } from '../../core/rng';
import type { GpuRuntime, GpuTensor } from '../runtime';
import { assertClose, testRuntime } from '../testing';
import { moeBackward, moeForward, type GpuMoeCache } from './moe';

const f32s = (n: number, seed: number, scale = 1) => Float32Array.from(randn(n, seed, scale));

function upload(rt: GpuRuntime, data: Float32Array | Int32Array): GpuTensor {
  const t = rt.alloc(data.length, data instanceof Int32Array ? 'i32' : 'f32');
  rt.write(t, data);
  return t;
}

/** k distinct routed experts per token, in a random order (what the router produces). */
function randomTopIdx(N: number, E: number, k: number, seed: number): Int32Array {
  const rng = new Rng(seed, 1);
  const out = new Int32Array(N * k);
  for (let n = 0; n < N; n++) {
    const perm = Array.from({ length: E }, (_, i) => i);
    for (let i = E - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    for (let j = 0; j < k; j++) out[n * k + j] = perm[j]!;
  }
  return out;
}

const dimsList: MoeDims[] = [];
for (const ffn of ['swiglu', 'gelu'] as FfnKind[]) {
  for (const S of [0, 1]) for (const k of [1, 2]) dimsList.push({ N: 7, C: 6, H: 5, E: 4, S, k, ffn });
  dimsList.push({ N: 33, C: 16, H: 24, E: 6, S: 1, k: 2, ffn });
}

describe('moe kernels vs cpu/moe.ts', () => {
  it('forward and backward (accumulating from non-zero grads) match the CPU twin', async () => {
    const rt = await testRuntime();
    for (const [ci, d] of dimsList.entries()) {
      const { N, C, H, E, S, k, ffn } = d;
      const K = S + k;
      const label = `N=${N} C=${C} H=${H} E=${E} S=${S} k=${k} ${ffn}`;
      const swiglu = ffn === 'swiglu';
      const inp = f32s(N * C, 1 + ci);
      const topIdx = randomTopIdx(N, E, k, 2 + ci);
      const gates = Float32Array.from(randn(N * k, 3 + ci), (x) => 0.2 + Math.abs(x)); // positive, like the router's
      const w1 = f32s((S + E) * H * C, 4 + ci, 0.5);
      const w3 = swiglu ? f32s((S + E) * H * C, 5 + ci, 0.5) : null;
      const w2 = f32s((S + E) * C * H, 6 + ci, 0.5);

      const out = new Float32Array(N * C);
      const cache: MoeCache = {
        h1: new Float32Array(N * K * H),
        h3: swiglu ? new Float32Array(N * K * H) : null,
        act: new Float32Array(N * K * H),
        y: new Float32Array(N * K * C),
      };
      cpuMoeForward(out, cache, inp, topIdx, gates, w1, w3, w2, d);

      const gInp = upload(rt, inp);
      const gTop = upload(rt, topIdx);
      const gGates = upload(rt, gates);
      const gW1 = upload(rt, w1);
      const gW3 = w3 ? upload(rt, w3) : null;
      const gW2 = upload(rt, w2);
      const gOut = rt.alloc(N * C);
      const gCache: GpuMoeCache = {
        h1: rt.alloc(N * K * H),
        h3: swiglu ? rt.alloc(N * K * H) : null,
        act: rt.alloc(N * K * H),
        y: rt.alloc(N * K * C),
      };
      moeForward(rt, gOut, gCache, gInp, gTop, gGates, gW1, gW3, gW2, d);
      const first = await rt.read(gOut);
      assertClose(`${label} out`, first, out, 1e-5, 1e-4);
      moeForward(rt, gOut, gCache, gInp, gTop, gGates, gW1, gW3, gW2, d);
      assertClose(`${label} out rerun (same bits)`, await rt.read(gOut), first, 0, 0);
      assertClose(`${label} h1`, await rt.read(gCache.h1), cache.h1, 1e-5, 1e-4);
      if (gCache.h3 && cache.h3) assertClose(`${label} h3`, await rt.read(gCache.h3), cache.h3, 1e-5, 1e-4);
      assertClose(`${label} act`, await rt.read(gCache.act), cache.act, 1e-5, 1e-4);
      assertClose(`${label} y`, await rt.read(gCache.y), cache.y, 1e-5, 1e-4);

      // backward from the CPU cache on both sides, so only backward is compared
      const dOut = f32s(N * C, 7 + ci);
      const dInp = f32s(N * C, 8 + ci); // non-zero: proves +=
      const dW1 = f32s((S + E) * H * C, 9 + ci);
      const dW3 = swiglu ? f32s((S + E) * H * C, 10 + ci) : null;
      const dW2 = f32s((S + E) * C * H, 11 + ci);
      const dGates = new Float32Array(N * k);
      const gdInp = upload(rt, dInp);
      const gdW1 = upload(rt, dW1);
      const gdW3 = dW3 ? upload(rt, dW3) : null;
      const gdW2 = upload(rt, dW2);
      const gdGates = upload(rt, f32s(N * k, 12 + ci)); // garbage: dGates is written, not accumulated
      const cpuCacheOnGpu: GpuMoeCache = {
        h1: upload(rt, cache.h1 as Float32Array),
        h3: cache.h3 ? upload(rt, cache.h3 as Float32Array) : null,
        act: upload(rt, cache.act as Float32Array),
        y: upload(rt, cache.y as Float32Array),
      };
      moeBackward(rt, gdInp, gdW1, gdW3, gdW2, gdGates, upload(rt, dOut), cpuCacheOnGpu, gInp, gTop, gGates, gW1, gW3, gW2, d);
      cpuMoeBackward(dInp, dW1, dW3, dW2, dGates, dOut, cache, inp, topIdx, gates, w1, w3, w2, d);
      assertClose(`${label} dGates`, await rt.read(gdGates), dGates, 1e-5, 1e-4);
      assertClose(`${label} dInp`, await rt.read(gdInp), dInp, 1e-5, 1e-4);
      assertClose(`${label} dW1`, await rt.read(gdW1), dW1, 1e-5, 1e-4);
      if (gdW3 && dW3) assertClose(`${label} dW3`, await rt.read(gdW3), dW3, 1e-5, 1e-4);
      assertClose(`${label} dW2`, await rt.read(gdW2), dW2, 1e-5, 1e-4);
    }
    expect(rt.errors).toEqual([]);
  });
});
