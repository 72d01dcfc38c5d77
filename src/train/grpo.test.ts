// GRPO on the CPU backend with QUICK_CONFIG: the base model is pretrained once
// (beforeAll, ~100 steps) and every test starts from a copy of it.

import { beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { createCpuOps, type CpuOps } from '../cpu/backend';
import { grpoLossForward } from '../cpu/grpo_loss';
import { randn } from '../cpu/gradcheck';
import { grpoLoss, sequenceDenominators, type GrpoLossConfig } from '../rl/grpo';
import { createCpuDecodeOps } from '../cpu/decode';
import type { FloatArray } from '../cpu/types';
import { createActivations, createModel, forward, type Model } from '../model/model';
import { encode } from '../core/tokenizer';
import { GRPO_SUMS, type Ops } from '../ops/ops';
import { initParams } from '../model/params';
import { createEvaluator, evaluate } from './evaluate';
import { createGrpoTrainer, grpoStep, type GrpoHooks, type GrpoMetrics } from './grpo';
import { createPretrainer, pretrain } from './pretrain';
import { QUICK_CONFIG } from './quick';

let base: { params: Float32Array; routerBias: Float32Array };

beforeAll(async () => {
  const ops = createCpuOps('f32');
  const model = createModel(ops, QUICK_CONFIG);
  ops.write(model.params, initParams(QUICK_CONFIG, model.table));
  await pretrain(createPretrainer(ops, model, { heldOutEvery: 1000 }));
  base = { params: Float32Array.from(model.params), routerBias: Float32Array.from(model.routerBias) };
}, 60_000);

function setup(over: DeepPartial<RunConfig> = {}, hooks: GrpoHooks<FloatArray> = {}, ops: Ops<FloatArray, Int32Array> = createCpuOps('f32')) {
  const cfg = mergeConfig(QUICK_CONFIG, over);
  const model = createModel(ops, cfg);
  ops.write(model.params, base.params);
  ops.write(model.routerBias, base.routerBias);
  const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model, hooks);
  return { ops, model, tr };
}

async function run(tr: ReturnType<typeof setup>['tr'], steps: number): Promise<GrpoMetrics[]> {
  const out: GrpoMetrics[] = [];
  for (let s = 0; s < steps; s++) out.push((await grpoStep(tr)).metrics);
  return out;
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const snapshot = (m: Model<FloatArray>) => [m.params, m.m, m.v, m.routerBias].map((x) => Float32Array.from(x));

describe('GRPO step on the CPU backend', () => {
  it('30 steps of QUICK_CONFIG raise the mean reward by a wide margin', async () => {
    const { ops, model, tr } = setup();
    const ev = createEvaluator(ops, createCpuDecodeOps(), model);
    const before = await evaluate(ev, model);
    const ms = await run(tr, 30);
    const after = await evaluate(ev, model);
    const first = mean(ms.slice(0, 8).map((m) => m.reward));
    const last = mean(ms.slice(-8).map((m) => m.reward));
    console.log(`GRPO reward ${first.toFixed(3)} -> ${last.toFixed(3)} (format ${ms[0]!.rewards.format.toFixed(2)} -> ${ms[29]!.rewards.format.toFixed(2)}, ` +
      `length ${ms[0]!.completionLength.mean.toFixed(1)} -> ${ms[29]!.completionLength.mean.toFixed(1)}); held-out greedy acc ${before.greedy.accuracy} -> ${after.greedy.accuracy}`);
    expect(last).toBeGreaterThan(first + 0.3);
    for (const m of ms) {
      // mu = 1: the training forward recomputes the rollout's own log-probs (KV cache vs full forward)
      expect(Math.abs(m.meanRatio - 1)).toBeLessThan(1e-4);
      expect(m.clipRatio.region).toBe(0);
      expect(m.kl).toBe(0); // beta = 0: no reference
      for (const row of m.expertLoad) expect(mean(row) * row.length).toBeCloseTo(1, 5); // fractions sum to 1 per layer
      expect(m.completionLength.min).toBeLessThanOrEqual(m.completionLength.mean);
      expect(m.completionLength.max).toBeLessThanOrEqual(24);
    }
    expect(before.problems).toBe(after.problems);
  }, 60_000);

  it('the same config and seed give identical metrics and samples; another seed does not', async () => {
    const strip = (m: GrpoMetrics) => ({ ...m, stepTime: 0, tokensPerSec: 0 });
    const a = await run(setup().tr, 3);
    const b = await run(setup().tr, 3);
    expect(b.map(strip)).toEqual(a.map(strip));
    const c = await run(setup({ seed: QUICK_CONFIG.seed + 1 }).tr, 1);
    // what the per-step length split and attempts say, recomputed from the step's own samples
    const { metrics: m, samples } = await grpoStep(setup().tr);
    const len = (xs: typeof samples) => (xs.length ? mean(xs.map((x) => x.tokens.length)) : null);
    expect(m.lengthRight).toBe(len(samples.filter((x) => x.reward.accuracy === 1)));
    expect(m.lengthWrong).toBe(len(samples.filter((x) => x.reward.accuracy === 0)));
    expect(m.attempts).toBeCloseTo(mean(samples.map((x) => x.aha.attempts)), 12);
    expect(m.attempts).toBeGreaterThan(0);
    expect(c[0]!.reward === a[0]!.reward && c[0]!.completionLength.mean === a[0]!.completionLength.mean).toBe(false);
  });

  it('beta = 0 never forwards the reference; beta > 0 forwards it once per step and measures a KL once the policy moved', async () => {
    const countingOps = () => {
      const inner: CpuOps = createCpuOps('f32');
      const wtes: FloatArray[] = [];
      const ops = { ...inner, encoderForward: (...a: Parameters<CpuOps['encoderForward']>) => (wtes.push(a[2]), inner.encoderForward(...a)) };
      return { ops, wtes };
    };
    for (const beta of [0, 0.04]) {
      const { ops, wtes } = countingOps();
      const { tr } = setup({ grpo: { beta, mu: 2 } }, {}, ops);
      const ms = await run(tr, 2);
      const refCalls = wtes.filter((w) => w === tr.ref.p.wte).length;
      const policyCalls = wtes.filter((w) => w === tr.model.p.wte).length;
      expect(refCalls).toBe(beta > 0 ? 2 : 0);
      expect(tr.refForwards).toBe(refCalls);
      // rollout passes use the policy too; the training forwards are mu = 2 per step on top of them
      expect(policyCalls).toBeGreaterThan(4);
      if (beta > 0) {
        expect(ms[0]!.kl).toBeGreaterThanOrEqual(0);
        expect(ms[1]!.kl).toBeGreaterThan(1e-6); // the policy moved away from the reference
      } else {
        expect(ms.map((m) => m.kl)).toEqual([0, 0]);
      }
    }
  });

  it('a NaN gradient stops the step before AdamW: clear error, weights bit-identical', async () => {
    const { model, tr } = setup({}, { afterBackward: (m, it) => { if (tr.step === 1 && it === 0) m.grads[7] = NaN; } });
    await run(tr, 1);
    const before = snapshot(model);
    const adamSteps = model.step;
    await expect(grpoStep(tr)).rejects.toThrow(/GRPO step 1 \(inner iteration 0\): the gradient norm is NaN; the update was not applied/);
    expect(snapshot(model)).toEqual(before);
    expect(model.step).toBe(adamSteps);
    expect(tr.step).toBe(1);
  });

  for (const lossType of ['grpo', 'dapo', 'dr_grpo', 'bnpo'] as const) {
    it(`loss type ${lossType} (mu = 2, beta > 0, aux balance) runs and moves the weights`, async () => {
      const { model, tr } = setup({ grpo: { lossType, mu: 2, beta: 0.01 }, model: { balance: 'aux' } });
      const before = Float32Array.from(model.params);
      const [m] = await run(tr, 1);
      expect(m!.skipped).toBe(false);
      expect(Number.isFinite(m!.loss) && m!.gradNorm > 0).toBe(true);
      expect(m!.auxLoss).toBeGreaterThan(0);
      // the second iteration sees weights the first one moved: the ratio leaves 1
      expect(Math.abs(m!.meanRatio - 1)).toBeGreaterThan(1e-5);
      expect(Array.from(model.params)).not.toEqual(Array.from(before));
    });
  }

  it('dynamic sampling with no reward spread trains nothing and leaves the weights as they were', async () => {
    // accuracy-only reward: at step 0 (seeded) none of the base model's 32 completions is right, so every group is all-zero
    const { model, tr } = setup({ grpo: { dynamicSampling: true, formatWeight: 0, accuracyWeight: 1 } });
    const before = snapshot(model);
    const { metrics, samples } = await grpoStep(tr);
    expect(metrics.rewards.accuracy).toBe(0);
    expect([metrics.fracRewardZeroStd, metrics.keptGroups, metrics.skipped]).toEqual([1, 0, true]);
    expect(snapshot(model)).toEqual(before);
    expect(samples.every((s) => !s.kept && s.logp === null && s.advantage === 0)).toBe(true);
  });

  it('samples carry what the inspector shows, consistent with the metrics', async () => {
    const { tr } = setup({ grpo: { beta: 0.01 } });
    const { metrics, samples } = await grpoStep(tr);
    expect(samples).toHaveLength(32);
    expect(mean(samples.map((s) => s.reward.total))).toBeCloseTo(metrics.reward, 12);
    expect(samples.filter((s) => s.truncated).length / 32).toBeCloseTo(metrics.clippedRatio, 12);
    for (const s of samples) {
      const n = s.tokens.length;
      expect([s.logpOld.length, s.logp!.length, s.ratio!.length, s.kl!.length, s.clip!.length]).toEqual([n, n, n, n, n]);
      expect(s.prompt.startsWith('<bos>') && s.completion.length > 0).toBe(true);
      // group advantages sum to 0 within each group
    }
    for (let gi = 0; gi < 4; gi++) expect(mean(samples.filter((s) => s.group === gi).map((s) => s.advantage))).toBeCloseTo(0, 9);
  });

  it("samples' expert choices match the routing of an independent single-row forward of the base weights", async () => {
    const { ops, tr } = setup();
    const { samples } = await grpoStep(tr);
    // The step updated tr's model; routing was read before the update, so re-run the base weights.
    const { model } = setup({}, {}, ops);
    const { L, k, E } = model.dims;
    const acts = createActivations(ops, model, 1, tr.T);
    for (const s of [samples[0]!, samples[13]!, samples[31]!]) {
      const p = encode(s.prompt);
      const n = s.tokens.length;
      expect(s.experts!.length).toBe(n * L * k);
      const row = new Int32Array(tr.T);
      row.set([...p, ...s.tokens].slice(0, tr.T));
      ops.writeInt(acts.tokens, row);
      forward(ops, model, acts);
      for (let l = 0; l < L; l++) {
        const top = await ops.readInt(acts.topIdx[l]!); // (T,k)
        for (let j = 0; j < n; j++) {
          const got = Array.from(s.experts!.subarray((j * L + l) * k, (j * L + l + 1) * k));
          expect(got).toEqual(Array.from(top.subarray((p.length - 1 + j) * k, (p.length + j) * k)));
          expect(got.every((e) => e < E)).toBe(true);
        }
      }
    }
  });

  it('a NaN loss (afterLoss hook) stops the step: the error names the loss, weights bit-identical', async () => {
    const seen: number[] = [];
    const { model, tr } = setup({}, { afterLoss: (loss, it) => (seen.push(loss), tr.step === 1 && it === 0 ? NaN : loss) });
    await run(tr, 1);
    expect(Number.isFinite(seen[0]!)).toBe(true);
    const before = snapshot(model);
    const adamSteps = model.step;
    await expect(grpoStep(tr)).rejects.toThrow(/GRPO step 1 \(inner iteration 0\): the loss is NaN; the update was not applied/);
    expect(snapshot(model)).toEqual(before);
    expect(model.step).toBe(adamSteps);
    expect(tr.step).toBe(1);
  });

  it('mu = 2 with a NaN gradient in iteration 1: that iteration is refused, iteration 0 stays applied (= a mu = 1 step)', async () => {
    const { model, tr } = setup({ grpo: { mu: 2 } }, { afterBackward: (m, it) => { if (it === 1) m.grads[3] = Infinity; } });
    await expect(grpoStep(tr)).rejects.toThrow(/GRPO step 0 \(inner iteration 1\): the gradient norm is Infinity; the update was not applied/);
    expect(model.step).toBe(1);
    const one = setup({ grpo: { mu: 1 } });
    await grpoStep(one.tr);
    // the aux-free router bias is gated by the same flag: it moved once, as in the mu = 1 step
    expect(snapshot(model)).toEqual(snapshot(one.model));
  });

  it('two readbacks per step (rollout, metrics) at mu = 1 and at mu = 3 with beta > 0', async () => {
    for (const grpo of [{ mu: 1, beta: 0 }, { mu: 3, beta: 0.04 }]) {
      const inner: CpuOps = createCpuOps('f32');
      let reads = 0;
      const ops = { ...inner, read: (b: FloatArray) => (reads++, inner.read(b)), readInt: (b: Int32Array) => (reads++, inner.readInt(b)) };
      const { tr } = setup({ grpo }, {}, ops);
      const [m] = await run(tr, 1);
      expect(m!.skipped).toBe(false);
      expect(reads).toBe(2);
    }
  });
});

describe('cpu/grpo_loss.ts grpoLossForward (the device loss) vs rl/grpo.ts grpoLoss', () => {
  // Rows of Tc completion slots laid into a (rows,T) forward at offsets start[r],
  // as train/grpo.ts does; row 2 dropped (dynamic sampling), row 4 empty.
  const R = 5, Tc = 6, T = 9;
  const len = [6, 3, 4, 5, 0];
  const start = [2, 3, 1, 0, 0];
  const kept = [0, 1, 3, 4];
  const z = randn(4 * R * Tc, 5);
  const logp = Float32Array.from({ length: R * Tc }, (_, i) => -Math.abs(z[i]!) - 0.05);
  // old logp 0.5 above / below at slots 0 / 1: rho = e^-0.5 / e^0.5 falls outside [0.8, 1.28] (clipped when A agrees)
  const old = Float32Array.from(logp, (x, i) => x + [-0.5, 0.5, 0.05, -0.1, 0.2, -0.15][i % Tc]! + 0.01 * z[R * Tc + i]!);
  const ref = Float32Array.from(logp, (x, i) => x + 0.3 * z[2 * R * Tc + i]!);
  const advRow = Float64Array.from([1.25, -0.75, 0.5, -1.5, 0.375]); // f32-exact, as the device buffer holds them
  const mask = Float32Array.from({ length: R * Tc }, (_, i) => (i % Tc < len[Math.floor(i / Tc)]! ? 1 : 0));
  const sel = (x: ArrayLike<number>) => Float32Array.from(kept.flatMap((r) => Array.from({ length: Tc }, (_, t) => x[r * Tc + t]!)));

  for (const lossType of ['grpo', 'bnpo', 'dapo', 'dr_grpo'] as const) {
    for (const beta of [0, 0.04]) {
      it(`${lossType}, beta ${beta}, clip-higher: the same loss, metrics and dLogp bit for bit`, () => {
        const cfg: GrpoLossConfig = { lossType, beta, epsLow: 0.2, epsHigh: 0.28, maxCompletionLength: Tc };
        const dWant = new Float32Array(kept.length * Tc);
        const want = grpoLoss(dWant, sel(logp), sel(old), beta > 0 ? sel(ref) : null, kept.map((r) => advRow[r]!), sel(mask), kept.length, Tc, cfg);
        expect(want.clipRatioLow > 0 && want.clipRatioHigh > 0).toBe(true); // both clip branches taken
        // the same numbers at the forward's positions
        const N = R * T;
        const D = sequenceDenominators(sel(mask), kept.length, Tc, cfg);
        const at = (fill: (r: number, t: number) => number) => {
          const x = new Float32Array(N).fill(-3); // off-loss positions hold junk the op must ignore
          kept.forEach((r) => { for (let t = 0; t < len[r]!; t++) x[r * T + start[r]! + t] = fill(r, t); });
          return x;
        };
        const denom = new Float32Array(N);
        kept.forEach((r, i) => { for (let t = 0; t < len[r]!; t++) denom[r * T + start[r]! + t] = D[i]!; });
        const dLogp = new Float32Array(N).fill(9);
        const sums = new Float64Array(GRPO_SUMS);
        grpoLossForward(dLogp, sums, at((r, t) => logp[r * Tc + t]!), at((r, t) => old[r * Tc + t]!), beta > 0 ? at((r, t) => ref[r * Tc + t]!) : null,
          at((r) => advRow[r]!), denom, N, { beta, epsLow: 0.2, epsHigh: 0.28 });
        const tokens = sums[7]!;
        expect(tokens).toBe(want.tokens);
        expect([sums[0], sums[1], sums[3]! / tokens, sums[4]! / tokens, sums[5]! / tokens, sums[6]! / tokens])
          .toEqual([want.loss, want.policyLoss, want.kl, want.meanRatio, want.clipRatioLow, want.clipRatioHigh]);
        const dExpect = new Float32Array(N);
        kept.forEach((r, i) => { for (let t = 0; t < len[r]!; t++) dExpect[r * T + start[r]! + t] = dWant[i * Tc + t]!; });
        expect(Array.from(dLogp)).toEqual(Array.from(dExpect));
      });
    }
  }
});
