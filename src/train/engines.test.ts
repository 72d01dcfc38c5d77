// The fast CPU engine (wasm/backend.ts, WebAssembly SIMD) against the
// JavaScript reference (cpu/backend.ts, the oracle) on whole GRPO steps:
// QUICK_CONFIG from its shipped base (public/base-quick.safetensors), with
// beta > 0 (the reference forward runs) and mu = 2 (a second iteration's
// ratios and clipping), three steps in a row.
//
// Stated tolerance: the kernels sum in f32 where the reference sums in f64,
// so logits differ by ~1e-6 relative. Sampling draws the same uniforms on
// both, so every sampled token, reward and advantage must be IDENTICAL (a
// flipped token would need a logit difference at a draw's exact threshold);
// the float metrics (loss, KL, entropy, grad norm, ratios) agree within
// 1e-4 absolute + 1e-3 relative, and the weights after three AdamW steps
// within 1e-4 absolute (lr 3e-3: a difference of one Adam step in any weight
// would be 3e-3).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import type { FloatArray } from '../cpu/types';
import { createModel } from '../model/model';
import { decodeCheckpoint } from '../share/checkpoint';
import { createWasmDecodeOps, createWasmOps } from '../wasm/backend';
import { createGrpoTrainer, grpoStep, type GrpoMetrics, type GrpoSample } from './grpo';
import { QUICK_CONFIG } from './quick';

const base = decodeCheckpoint(new Uint8Array(readFileSync(new URL('../../public/base-quick.safetensors', import.meta.url))));
const cfg = mergeConfig(QUICK_CONFIG, { grpo: { beta: 0.04, mu: 2 } });

async function run(engine: 'js' | 'wasm', steps: number) {
  const ops = engine === 'wasm' ? createWasmOps() : createCpuOps('f32');
  const dec = engine === 'wasm' ? createWasmDecodeOps() : createCpuDecodeOps();
  const model = createModel(ops, cfg);
  ops.write(model.params, base.params);
  ops.write(model.routerBias, base.routerBias);
  const tr = createGrpoTrainer(ops, dec, model);
  const out: { metrics: GrpoMetrics; samples: GrpoSample[] }[] = [];
  for (let s = 0; s < steps; s++) out.push(await grpoStep(tr));
  return { out, params: model.params as FloatArray, bias: model.routerBias as FloatArray };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(b);

describe('GRPO steps: WebAssembly SIMD engine vs JavaScript reference', () => {
  it('three QUICK_CONFIG steps (beta 0.04, mu 2) sample the same tokens and agree on every metric', async () => {
    const [ref, fast] = [await run('js', 3), await run('wasm', 3)];
    for (let s = 0; s < 3; s++) {
      const r = ref.out[s]!, f = fast.out[s]!;
      expect(f.samples.map((x) => x.completion), `step ${s} completions`).toEqual(r.samples.map((x) => x.completion));
      expect(f.samples.map((x) => x.advantage)).toEqual(r.samples.map((x) => x.advantage));
      const rm = r.metrics, fm = f.metrics;
      expect(fm.reward).toBe(rm.reward);
      expect(fm.completionLength).toEqual(rm.completionLength);
      const floats: [string, number, number][] = [
        ['loss', fm.loss, rm.loss], ['policyLoss', fm.policyLoss, rm.policyLoss], ['kl', fm.kl, rm.kl],
        ['entropy', fm.entropy, rm.entropy], ['gradNorm', fm.gradNorm, rm.gradNorm], ['meanRatio', fm.meanRatio, rm.meanRatio],
        ['clipRatio.region', fm.clipRatio.region, rm.clipRatio.region], ['auxLoss', fm.auxLoss, rm.auxLoss],
      ];
      for (const [name, got, want] of floats) expect(close(got, want), `step ${s} ${name}: fast ${got} vs reference ${want}`).toBe(true);
      expect(fm.expertLoad).toEqual(rm.expertLoad);
      // the per-token log-probs the rollout recorded (the sampler's, from the decode path)
      for (let i = 0; i < r.samples.length; i++) {
        const a = f.samples[i]!.logpOld, b = r.samples[i]!.logpOld;
        for (let j = 0; j < b.length; j++) expect(close(a[j]!, b[j]!), `step ${s} sample ${i} logpOld[${j}]: ${a[j]} vs ${b[j]}`).toBe(true);
      }
    }
    let maxDiff = 0;
    for (let i = 0; i < ref.params.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast.params[i]! - ref.params[i]!));
    expect(maxDiff, `largest weight difference after 3 steps: ${maxDiff}`).toBeLessThan(1e-4);
    expect(Array.from(fast.bias)).toEqual(Array.from(ref.bias)); // the aux-free bias moves by sign(load): same loads, same bias
  });
});
