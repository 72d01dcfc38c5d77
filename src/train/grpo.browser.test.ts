// GRPO steps on WebGPU (SwiftShader here) from a base pretrained briefly on
// the CPU (so rewards have a spread and the steps train): the step reads back
// twice, the NaN guard works on the device with no host round trip, and the
// metrics agree with rl/grpo.ts on the step's own samples.
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createGpuOps } from '../gpu/backend';
import { createGpuDecodeOps } from '../gpu/decode';
import type { GpuTensor } from '../gpu/runtime';
import { testRuntime } from '../gpu/testing';
import { createModel, type Model } from '../model/model';
import type { Ops } from '../ops/ops';
import { initParams } from '../model/params';
import { grpoLoss } from '../rl/grpo';
import { createGrpoTrainer, grpoStep, type GrpoHooks } from './grpo';
import { createPretrainer, pretrain } from './pretrain';
import { QUICK_CONFIG } from './quick';

let base: Float32Array;

beforeAll(async () => {
  const ops = createCpuOps('f32');
  const model = createModel(ops, QUICK_CONFIG);
  ops.write(model.params, initParams(QUICK_CONFIG, model.table));
  await pretrain(createPretrainer(ops, model, { heldOutEvery: 1000 }));
  base = Float32Array.from(model.params);
}, 120_000);

async function setup(over: DeepPartial<RunConfig>, hooks: GrpoHooks<GpuTensor> = {}) {
  const rt = await testRuntime();
  const ops: Ops<GpuTensor, GpuTensor> = createGpuOps(rt);
  const cfg = mergeConfig(mergeConfig(QUICK_CONFIG, { grpo: { batchPrompts: 2, groupSize: 8 } }), over);
  const model = createModel(ops, cfg);
  ops.write(model.params, base);
  return { rt, ops, model, tr: createGrpoTrainer(ops, createGpuDecodeOps(rt), model, hooks) };
}

const snapshot = async (ops: Ops<GpuTensor, GpuTensor>, m: Model<GpuTensor>) =>
  Promise.all([m.params, m.m, m.v, m.routerBias].map(async (x) => Array.from(await ops.read(x))));

describe('GRPO step on WebGPU', () => {
  it('reads back twice per step (rollout, metrics) at mu = 1 and at mu = 2 with beta > 0 and aux balancing', async () => {
    for (const over of [{}, { grpo: { mu: 2, beta: 0.04 }, model: { balance: 'aux' as const } }]) {
      const { rt, tr } = await setup(over);
      const r0 = rt.counters.readbacks;
      const { metrics } = await grpoStep(tr);
      expect(rt.counters.readbacks - r0).toBe(2);
      expect(metrics.skipped).toBe(false);
      expect(Number.isFinite(metrics.loss) && metrics.gradNorm > 0).toBe(true);
    }
    expect((await testRuntime()).errors).toEqual([]);
  });

  it("metrics agree with rl/grpo.ts grpoLoss on the step's own samples (mu = 1, beta > 0, clip-higher)", async () => {
    const { tr } = await setup({ grpo: { beta: 0.04, epsHigh: 0.28, lossType: 'dapo' } });
    await grpoStep(tr); // move the policy away from the reference
    const { metrics, samples } = await grpoStep(tr);
    const Tc = tr.cfg.grpo.maxCompletionLength, n = samples.length;
    const grid = (f: (s: (typeof samples)[number]) => ArrayLike<number>) => {
      const x = new Float32Array(n * Tc);
      samples.forEach((s, i) => x.set(f(s), i * Tc));
      return x;
    };
    const mask = grid((s) => s.tokens.map(() => 1));
    const want = grpoLoss(null, grid((s) => s.logp!), grid((s) => s.logpOld), null, samples.map((s) => s.advantage), mask, n, Tc,
      // policyLoss does not depend on beta; the KL is checked below from the samples
      { lossType: 'dapo', beta: 0, epsLow: 0.2, epsHigh: 0.28, maxCompletionLength: Tc });
    expect(metrics.meanRatio).toBeCloseTo(want.meanRatio, 5);
    expect(metrics.policyLoss).toBeCloseTo(want.policyLoss, 5);
    expect(metrics.clipRatio.region).toBeCloseTo(want.clipRatioRegion, 6);
    // the KL metric is the masked mean of the per-token k3 values the samples carry
    const kls = samples.flatMap((s) => Array.from(s.kl!));
    expect(metrics.kl).toBeCloseTo(kls.reduce((a, b) => a + b, 0) / kls.length, 5);
    expect(metrics.kl).toBeGreaterThan(0);
  });

  it('a NaN gradient stops the step on the device: clear error, weights, moments and router bias bit-identical', async () => {
    const { ops, model, tr } = await setup({}, {
      afterBackward: (m, it) => { if (tr.step === 0 && it === 0) ops.write(ops.view(m.grads, 7, 1), [NaN]); },
    });
    const before = await snapshot(ops, model);
    const adamSteps = model.step;
    await expect(grpoStep(tr)).rejects.toThrow(/GRPO step 0 \(inner iteration 0\): the gradient norm is NaN; the update was not applied/);
    expect(await snapshot(ops, model)).toEqual(before);
    expect([model.step, tr.step]).toEqual([adamSteps, 0]);
    // the next step runs normally (the flag is cleared per step)
    tr.hooks.afterBackward = undefined;
    await grpoStep(tr);
    expect((await snapshot(ops, model))[0]).not.toEqual(before[0]);
  });
});
