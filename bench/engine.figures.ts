// `npm run gpu:figures`: the WebGPU engine's figures on this machine's adapter,
// printed as a table. Timings are printed, never asserted (the machines are
// shared and SwiftShader is a CPU); the structural counts of DESIGN §7 are
// counted, and asserted, because they do not depend on the machine.
import { expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, type RunConfig } from '../src/core/config';
import { encode } from '../src/core/tokenizer';
import { randn } from '../src/cpu/gradcheck';
import { createGpuOps } from '../src/gpu/backend';
import { createGpuDecodeOps } from '../src/gpu/decode';
import { describeAdapter, requestAdapter, adapterLabel } from '../src/gpu/device';
import { matmulForward } from '../src/gpu/kernels/matmul';
import { GpuRuntime } from '../src/gpu/runtime';
import { createDecodeState, decodeStep, prefill } from '../src/model/decode';
import { createModel } from '../src/model/model';
import { initParams } from '../src/model/params';
import { rollout } from '../src/rl/rollout';

const rows: [string, string, string][] = [];
const figure = (name: string, value: string, unit: string) => rows.push([name, value, unit]);

async function runtime(): Promise<{ rt: GpuRuntime; label: string }> {
  const r = await requestAdapter();
  if ('reason' in r) throw new Error(`WebGPU is required: ${r.reason}`);
  return { rt: new GpuRuntime(await r.adapter.requestDevice()), label: adapterLabel(describeAdapter(r.adapter)) };
}

it('engine figures', async () => {
  const { rt, label } = await runtime();
  figure('adapter', label, '');

  // Matmul forward GFLOP/s: square, the default config's training rows (64 sequences x 96 tokens would
  // take minutes on SwiftShader, so 512 rows), and one decode step of a 64-sequence rollout.
  const shapes: [string, number, number, number][] = [
    ['matmul 256x256x256', 256, 256, 256],
    ['matmul training N=512 C=64 OC=192', 512, 64, 192],
    ['matmul rollout N=64 C=64 OC=192', 64, 64, 192],
  ];
  for (const [name, N, C, OC] of shapes) {
    const out = rt.alloc(N * OC);
    const inp = rt.alloc(N * C);
    const w = rt.alloc(OC * C);
    rt.write(inp, randn(N * C, 1));
    rt.write(w, randn(OC * C, 2));
    matmulForward(rt, out, inp, w, null, N, C, OC); // compile and warm
    await rt.sync();
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      matmulForward(rt, out, inp, w, null, N, C, OC);
      await rt.sync();
      times.push(performance.now() - t0);
    }
    const ms = times.sort((a, b) => a - b)[2]!;
    figure(name, ((2 * N * C * OC) / ms / 1e6).toFixed(3), 'GFLOP/s (median of 5)');
  }

  // Rollout structure on a small model: dispatches per decode step per layer (L=2 minus L=1),
  // submits and readbacks per rollout of 40 positions.
  const cfgL = (L: number): RunConfig =>
    mergeConfig(DEFAULT_CONFIG, { model: { dModel: 16, nLayers: L, nHeads: 2, nRouted: 4, nShared: 1, topK: 2, dExpert: 16, maxSeqLen: 64 } });
  const prompts = [encode('<bos>12+3='), encode('<bos>7*8=')];
  const G = 4;
  const perStep: number[] = [];
  for (const L of [1, 2]) {
    const cfg = cfgL(L);
    const ops = createGpuOps(rt);
    const dec = createGpuDecodeOps(rt);
    const model = createModel(ops, cfg);
    ops.write(model.params, initParams(cfg));
    const rowsP = prompts.flatMap((p) => Array.from({ length: G }, () => p));
    const st = createDecodeState(ops, model, rowsP.length, 6, 40);
    const sc = { temperature: 1, topK: 0, topP: 1, seed: 1, stream: 1, Tlimit: 46, eos: 2, pad: 0 };
    const P0 = prefill(ops, dec, model, st, rowsP, sc);
    decodeStep(ops, dec, model, st, P0, sc); // warm
    const d0 = rt.counters.dispatches;
    decodeStep(ops, dec, model, st, P0 + 1, sc);
    perStep.push(rt.counters.dispatches - d0);
    await rt.sync();
    if (L === 2) {
      const opts = { maxNew: 40, temperature: 1, topK: 0, seed: 3, step: 0 };
      await rollout(ops, dec, model, prompts, G, opts, st); // warm: the RoPE table upload
      const c0 = { ...rt.counters };
      const r = await rollout(ops, dec, model, prompts, G, { ...opts, step: 1 }, st);
      const submits = rt.counters.submits - c0.submits;
      const readbacks = rt.counters.readbacks - c0.readbacks;
      const tokens = r.nSeq * r.maxNew;
      figure('rollout submits', `${submits}`, `per rollout of ${r.nSeq} x ${r.maxNew} tokens (${(tokens / submits).toFixed(0)} tokens per submit)`);
      figure('rollout readbacks', `${readbacks}`, 'per rollout');
      figure('rollout dispatches', `${rt.counters.dispatches - c0.dispatches}`, 'per rollout');
      expect(readbacks).toBe(1);
      expect(submits).toBeLessThanOrEqual(Math.ceil(r.maxNew / 32));
    }
  }
  const perLayer = perStep[1]! - perStep[0]!;
  figure('decode dispatches per step per layer', `${perLayer}`, `(${perStep[1]} per step at L=2: + encoder, final norm, logits, sample)`);
  expect(perLayer).toBeLessThanOrEqual(12);
  expect(rt.errors).toEqual([]);

  const table = ['| figure | value | unit |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  console.log(`\n${table}\n`);
});
