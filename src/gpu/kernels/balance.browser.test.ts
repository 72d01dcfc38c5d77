import { describe, expect, it } from 'vitest';
import {
  auxFreeBiasUpdate as cpuAuxFreeBiasUpdate,
  expertLoad as cpuExpertLoad,
  switchAuxLossBackward as cpuAuxBackward,
  switchAuxLossForward as cpuAuxForward,
} from '../../cpu/balance';
import { randn } from '../../cpu/gradcheck';
import { routerForward as cpuRouterForward } from '../../cpu/router';
import type { GpuRuntime, GpuTensor } from '../runtime';
import { assertClose, testRuntime } from '../testing';
import { auxFreeBiasUpdate, expertLoad, switchAuxLossBackward, switchAuxLossForward } from './balance';

function upload(rt: GpuRuntime, data: Float32Array | Int32Array): GpuTensor {
  const t = rt.alloc(data.length, data instanceof Int32Array ? 'i32' : 'f32');
  rt.write(t, data);
  return t;
}

/** Real router outputs (softmax or sigmoid scores and their top-k) for N tokens. */
function routed(N: number, E: number, k: number, kind: 'softmax' | 'sigmoid', seed: number) {
  const C = 5;
  const scores = new Float32Array(N * E);
  const topIdx = new Int32Array(N * k);
  cpuRouterForward(scores, topIdx, new Float32Array(N * k), Float32Array.from(randn(N * C, seed)), Float32Array.from(randn(E * C, seed + 1)), new Float32Array(E), N, C, E, k, kind);
  return { scores, topIdx };
}

const cases = [
  { N: 7, E: 4, k: 2, kind: 'softmax' as const },
  { N: 300, E: 6, k: 1, kind: 'sigmoid' as const }, // more tokens than threads: strided loops
  { N: 33, E: 32, k: 8, kind: 'softmax' as const },
];

describe('balance kernels vs cpu/balance.ts', () => {
  it('switch aux loss forward and backward (accumulating), and expert load', async () => {
    const rt = await testRuntime();
    for (const [ci, c] of cases.entries()) {
      const { N, E, k, kind } = c;
      const label = `N=${N} E=${E} k=${k} ${kind}`;
      const { scores, topIdx } = routed(N, E, k, kind, 10 * ci + 1);
      const gScores = upload(rt, scores);
      const gTop = upload(rt, topIdx);
      const alpha = 0.01 * (ci + 1);

      const loss = rt.alloc(1);
      switchAuxLossForward(rt, loss, gScores, gTop, N, E, k, alpha);
      assertClose(`${label} loss`, await rt.read(loss), [cpuAuxForward(scores, topIdx, N, E, k, alpha)], 0, 1e-5);

      const dScores = Float32Array.from(randn(N * E, 10 * ci + 5)); // non-zero: proves +=
      const gd = upload(rt, dScores);
      switchAuxLossBackward(rt, gd, gScores, gTop, N, E, k, alpha, 1.5);
      cpuAuxBackward(dScores, scores, topIdx, N, E, k, alpha, 1.5);
      assertClose(`${label} dScores`, await rt.read(gd), dScores, 1e-7, 1e-5);

      const load = new Float64Array(E);
      cpuExpertLoad(load, topIdx, N, E, k);
      const gLoad = upload(rt, Float32Array.from(randn(E, 3))); // garbage: load is written
      expertLoad(rt, gLoad, gTop, N, E, k);
      assertClose(`${label} load`, await rt.read(gLoad), load, 0, 0);
    }
    expect(rt.errors).toEqual([]);
  });

  it('aux loss is alpha for perfectly uniform routing and alpha*E for total collapse (hand values)', async () => {
    const rt = await testRuntime();
    const N = 8;
    const E = 4;
    const alpha = 0.5;
    const uniform = upload(rt, new Float32Array(N * E).fill(0.25));
    const spread = upload(rt, Int32Array.from({ length: N }, (_, n) => n % E)); // k = 1, 2 tokens per expert
    const loss = rt.alloc(1);
    switchAuxLossForward(rt, loss, uniform, spread, N, E, 1, alpha);
    expect((await rt.read(loss))[0]).toBeCloseTo(alpha, 6);
    const oneHot = upload(rt, Float32Array.from({ length: N * E }, (_, i) => (i % E === 2 ? 1 : 0)));
    const collapsed = upload(rt, new Int32Array(N).fill(2));
    switchAuxLossForward(rt, loss, oneHot, collapsed, N, E, 1, alpha);
    expect((await rt.read(loss))[0]).toBeCloseTo(alpha * E, 6);
  });

  it('aux-free bias update: sign of (mean - load), zero change when balanced', async () => {
    const rt = await testRuntime();
    const gamma = 0.001;
    for (const loadVals of [[3, 1, 2, 2], [5, 5, 5, 5, 5], [0, 9, 1, 4, 4, 2, 7]]) {
      const E = loadVals.length;
      const bias = Float32Array.from(randn(E, E));
      const gBias = upload(rt, bias);
      auxFreeBiasUpdate(rt, gBias, upload(rt, Float32Array.from(loadVals)), E, gamma);
      cpuAuxFreeBiasUpdate(bias, Float64Array.from(loadVals), E, gamma);
      assertClose(`bias update load=${loadVals}`, await rt.read(gBias), bias, 0, 0);
    }
    // hand value: loads [3,1,2,2], mean 2 -> signs [-1, +1, 0, 0]
    const b = upload(rt, new Float32Array(4));
    auxFreeBiasUpdate(rt, b, upload(rt, Float32Array.from([3, 1, 2, 2])), 4, 0.25);
    expect([...(await rt.read(b))]).toEqual([-0.25, 0.25, 0, 0]);
  });

  it('aux-free bias update with a skip flag: non-zero leaves the bias as it was, zero updates it', async () => {
    const rt = await testRuntime();
    const b = upload(rt, Float32Array.from([0.5, -0.5, 0, 1]));
    const load = upload(rt, Float32Array.from([3, 1, 2, 2]));
    auxFreeBiasUpdate(rt, b, load, 4, 0.25, upload(rt, Float32Array.of(3)));
    expect([...(await rt.read(b))]).toEqual([0.5, -0.5, 0, 1]);
    auxFreeBiasUpdate(rt, b, load, 4, 0.25, upload(rt, Float32Array.of(0)));
    expect([...(await rt.read(b))]).toEqual([0.25, -0.25, 0, 1]);
    expect(rt.errors).toEqual([]);
  });
});
