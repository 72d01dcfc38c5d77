import { describe, expect, it } from 'vitest';
import type { RouterKind } from '../../core/config';
import { randn } from '../../cpu/gradcheck';
import { routerBackward as cpuRouterBackward, routerForward as cpuRouterForward } from '../../cpu/router';
import type { GpuRuntime, GpuTensor } from '../runtime';
import { assertClose, testRuntime } from '../testing';
import { routerBackward, routerForward } from './router';

const f32s = (n: number, seed: number, scale = 1) => Float32Array.from(randn(n, seed, scale));

function upload(rt: GpuRuntime, data: Float32Array | Int32Array): GpuTensor {
  const t = rt.alloc(data.length, data instanceof Int32Array ? 'i32' : 'f32');
  rt.write(t, data);
  return t;
}

interface Case { N: number; C: number; E: number; k: number; kind: RouterKind }

async function forwardBoth(rt: GpuRuntime, c: Case, inp: Float32Array, w: Float32Array, bias: Float32Array) {
  const { N, C, E, k, kind } = c;
  const scores = new Float32Array(N * E);
  const topIdx = new Int32Array(N * k);
  const gates = new Float32Array(N * k);
  cpuRouterForward(scores, topIdx, gates, inp, w, bias, N, C, E, k, kind);
  const gS = rt.alloc(N * E);
  const gT = rt.alloc(N * k, 'i32');
  const gG = rt.alloc(N * k);
  routerForward(rt, gS, gT, gG, upload(rt, inp), upload(rt, w), upload(rt, bias), N, C, E, k, kind);
  return { scores, topIdx, gates, gpu: { scores: await rt.read(gS), topIdx: await rt.read(gT), gates: await rt.read(gG) } };
}

describe('router kernels vs cpu/router.ts', () => {
  const cases: Case[] = [
    { N: 7, C: 13, E: 4, k: 2, kind: 'softmax' },
    { N: 7, C: 13, E: 4, k: 2, kind: 'sigmoid' },
    { N: 70, C: 16, E: 6, k: 1, kind: 'softmax' }, // more tokens than one 64-thread workgroup
    { N: 33, C: 5, E: 32, k: 8, kind: 'sigmoid' }, // the kernel's limits
  ];

  it('forward: scores, top-k and gates, with a bias that changes the selection', async () => {
    const rt = await testRuntime();
    for (const [ci, c] of cases.entries()) {
      const inp = f32s(c.N * c.C, 1 + ci);
      const w = f32s(c.E * c.C, 20 + ci, 0.5);
      const zero = new Float32Array(c.E);
      const bias = f32s(c.E, 40 + ci, 0.5);
      const label = `N=${c.N} C=${c.C} E=${c.E} k=${c.k} ${c.kind}`;
      const plain = await forwardBoth(rt, c, inp, w, zero);
      const biased = await forwardBoth(rt, c, inp, w, bias);
      for (const [name, r] of [['no bias', plain], ['bias', biased]] as const) {
        assertClose(`${label} ${name} scores`, r.gpu.scores, r.scores, 1e-6, 1e-5);
        expect([...r.gpu.topIdx], `${label} ${name} topIdx`).toEqual([...r.topIdx]);
        assertClose(`${label} ${name} gates`, r.gpu.gates, r.gates, 1e-6, 1e-5);
      }
      // the bias must move the selection somewhere, or the test proves nothing about it
      if (c.k < c.E) expect([...biased.topIdx]).not.toEqual([...plain.topIdx]);
    }
    expect(rt.errors).toEqual([]);
  });

  it('forward: exact ties go to the lower expert index', async () => {
    const rt = await testRuntime();
    // experts 1 and 3 have identical router rows, so their scores tie bit for bit;
    // expert 0 gets a huge bias so it always wins first place.
    const c: Case = { N: 9, C: 6, E: 4, k: 2, kind: 'softmax' };
    const inp = f32s(c.N * c.C, 5);
    const w = f32s(c.E * c.C, 6);
    for (let i = 0; i < c.C; i++) {
      w[1 * c.C + i] = w[3 * c.C + i]!;
      w[2 * c.C + i] = -50; // expert 2 never competes on the positive rows below
    }
    for (const n of [0, 1, 2]) for (let i = 0; i < c.C; i++) inp[n * c.C + i] = 0.1 + 0.01 * i; // positive rows: expert 2's logit very low
    const bias = Float32Array.from([100, 0, 0, 0]);
    for (const kind of ['softmax', 'sigmoid'] as const) {
      const r = await forwardBoth(rt, { ...c, kind }, inp, w, bias);
      expect([...r.gpu.topIdx]).toEqual([...r.topIdx]);
      for (const n of [0, 1, 2]) expect([r.gpu.topIdx[n * 2], r.gpu.topIdx[n * 2 + 1]], `${kind} token ${n}`).toEqual([0, 1]);
    }
  });

  it('backward accumulates dInp and dWRouter like the CPU, with and without dScoresExtra', async () => {
    const rt = await testRuntime();
    for (const [ci, c] of cases.entries()) {
      for (const extra of [false, true]) {
        const { N, C, E, k, kind } = c;
        const inp = f32s(N * C, 1 + ci);
        const w = f32s(E * C, 20 + ci, 0.5);
        const bias = f32s(E, 40 + ci, 0.5);
        const scores = new Float32Array(N * E);
        const topIdx = new Int32Array(N * k);
        const gates = new Float32Array(N * k);
        cpuRouterForward(scores, topIdx, gates, inp, w, bias, N, C, E, k, kind);
        const dGates = f32s(N * k, 60 + ci);
        const dExtra = extra ? f32s(N * E, 70 + ci) : null;
        const dInp = f32s(N * C, 80 + ci); // non-zero: proves +=
        const dW = f32s(E * C, 90 + ci);
        const gdInp = upload(rt, dInp);
        const gdW = upload(rt, dW);
        routerBackward(
          rt, gdInp, gdW, upload(rt, dGates), dExtra ? upload(rt, dExtra) : null,
          upload(rt, scores), upload(rt, topIdx), upload(rt, gates), upload(rt, inp), upload(rt, w), N, C, E, k, kind,
        );
        cpuRouterBackward(dInp, dW, dGates, dExtra, scores, topIdx, gates, inp, w, N, C, E, k, kind);
        const label = `N=${N} C=${C} E=${E} k=${k} ${kind} extra=${extra}`;
        assertClose(`${label} dInp`, await rt.read(gdInp), dInp, 1e-5, 1e-4);
        assertClose(`${label} dWRouter`, await rt.read(gdW), dW, 1e-5, 1e-4);
      }
    }
    expect(rt.errors).toEqual([]);
  });
});
