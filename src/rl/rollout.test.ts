import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, type RunConfig } from '../core/config';
import { sampleStream } from '../core/rng';
import { encode, TOK, VOCAB_SIZE } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { generate } from '../model/generate';
import { createActivations, createModel, forward } from '../model/model';
import { initParams } from '../model/params';
import { rollout } from './rollout';

// The tiny config of the GPU tests; initStd 0.5 spreads the logits so that
// sampling visits many tokens and <eos> ends some rows early.
function tinyConfig(over: Partial<RunConfig['model']> = {}): RunConfig {
  return mergeConfig(DEFAULT_CONFIG, {
    model: { dModel: 16, nLayers: 2, nHeads: 2, nRouted: 4, nShared: 1, topK: 2, dExpert: 16, initStd: 0.5, maxSeqLen: 24, ...over },
  });
}

function setup(cfg: RunConfig) {
  const ops = createCpuOps('f32');
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  // a non-zero routing bias, so the bias path of the router is exercised too
  ops.write(model.routerBias, Array.from({ length: model.dims.L * model.dims.E }, (_, i) => 0.05 * ((i * 7) % 5) - 0.1));
  return { ops, dec: createCpuDecodeOps(), model };
}

// prompts of different lengths (per-row lengths, no padding)
const prompts = [encode('<bos>12+3='), encode('<bos>7*8='), encode('<bos>345-67=')];
const G = 2;
const expand = (ps: number[][], g: number) => ps.flatMap((p) => Array.from({ length: g }, () => p));

describe('rollout on the CPU backend', () => {
  for (const variant of [{}, { positions: 'learned' as const, ffn: 'gelu' as const, router: 'sigmoid' as const }]) {
    it(`greedy equals generate's full-forward greedy token for token ${JSON.stringify(variant)}`, async () => {
      const { ops, dec, model } = setup(tinyConfig(variant));
      const opts = { maxNew: 10, temperature: 0, topK: 0, seed: 5, step: 3 };
      const r = await rollout(ops, dec, model, prompts, G, opts);
      const ref = await generate(ops, model, expand(prompts, G), opts.maxNew, { temperature: 0, topK: 0, seed: 5, stream: sampleStream(3) });
      const got = Array.from({ length: r.nSeq }, (_, i) => Array.from(r.tokens.subarray(i * opts.maxNew, i * opts.maxNew + r.lengths[i]!)));
      expect(got).toEqual(ref);
      // past the length: pad and logp 0, mask 0
      for (let i = 0; i < r.nSeq; i++) {
        for (let j = 0; j < opts.maxNew; j++) {
          const inside = j < r.lengths[i]! ? 1 : 0;
          expect(r.mask[i * opts.maxNew + j]).toBe(inside);
          if (!inside) expect([r.tokens[i * opts.maxNew + j], r.logp[i * opts.maxNew + j]]).toEqual([TOK.pad, 0]);
        }
      }
    });
  }

  it('sampled (T=0.9, top-k 6) equals generate with the same key, and logp equals a full forward at that temperature', async () => {
    const { ops, dec, model } = setup(tinyConfig());
    const opts = { maxNew: 12, temperature: 0.9, topK: 6, seed: 77, step: 4 };
    const r = await rollout(ops, dec, model, prompts, 3, opts);
    const rows = expand(prompts, 3);
    const ref = await generate(ops, model, rows, opts.maxNew, { temperature: 0.9, topK: 6, seed: 77, stream: sampleStream(4) });
    const got = Array.from({ length: r.nSeq }, (_, i) => Array.from(r.tokens.subarray(i * opts.maxNew, i * opts.maxNew + r.lengths[i]!)));
    expect(got).toEqual(ref);
    expect(new Set(got.map((s) => s.join(','))).size).toBeGreaterThan(3); // really sampled: groups differ
    expect(got.some((s) => s[s.length - 1] === TOK.eos && s.length < opts.maxNew)).toBe(true); // some row stopped at <eos>

    // old log-probs: logprobForward of a full forward on prompt + completion, at temperature 0.9
    for (let i = 0; i < r.nSeq; i++) {
      const seq = [...rows[i]!, ...got[i]!];
      const T = seq.length - 1;
      const acts = createActivations(ops, model, 1, T);
      acts.tokens.set(seq.slice(0, T));
      acts.targets.set(seq.slice(1));
      forward(ops, model, acts, 0.9);
      const P = rows[i]!.length;
      const want = Array.from(acts.a.logp.subarray(P - 1, T));
      const have = Array.from(r.logp.subarray(i * opts.maxNew, i * opts.maxNew + got[i]!.length));
      expect(have).toEqual(want); // same ops, same rounding: bit for bit
      for (const x of have) expect(x).toBeLessThan(0);
    }
  });

  it('top-p: sampled with a nucleus equals generate with the same key; a nucleus narrower than any token is greedy; it changes some draws', async () => {
    const { ops, dec, model } = setup(tinyConfig());
    const opts = { maxNew: 12, temperature: 1.2, topK: 0, topP: 0.6, seed: 77, step: 4 };
    const r = await rollout(ops, dec, model, prompts, 3, opts);
    const rows = expand(prompts, 3);
    const tokensOf = (x: typeof r) => Array.from({ length: x.nSeq }, (_, i) => Array.from(x.tokens.subarray(i * opts.maxNew, i * opts.maxNew + x.lengths[i]!)));
    const got = tokensOf(r);
    expect(got).toEqual(await generate(ops, model, rows, opts.maxNew, { temperature: 1.2, topK: 0, topP: 0.6, seed: 77, stream: sampleStream(4) }));
    expect(new Set(got.map((s) => s.join(','))).size).toBeGreaterThan(1);
    const off = tokensOf(await rollout(ops, dec, model, prompts, 3, { ...opts, topP: 1 }));
    expect(off).not.toEqual(got); // the nucleus drops tokens the full distribution draws
    const narrow = tokensOf(await rollout(ops, dec, model, prompts, 3, { ...opts, topP: 1e-6 }));
    const greedy = tokensOf(await rollout(ops, dec, model, prompts, 3, { ...opts, temperature: 0, topP: 1 }));
    expect(narrow).toEqual(greedy);
  });

  it('same seed twice gives identical tokens and logp; another step gives other tokens', async () => {
    const { ops, dec, model } = setup(tinyConfig());
    const opts = { maxNew: 8, temperature: 1, topK: 0, seed: 9, step: 0 };
    const a = await rollout(ops, dec, model, prompts, G, opts);
    const b = await rollout(ops, dec, model, prompts, G, opts);
    expect(b.tokens).toEqual(a.tokens);
    expect(b.logp).toEqual(a.logp);
    expect(b.lengths).toEqual(a.lengths);
    const c = await rollout(ops, dec, model, prompts, G, { ...opts, step: 1 });
    expect(c.tokens).not.toEqual(a.tokens);
  });

  it('caps completions at maxSeqLen like generate', async () => {
    const { ops, dec, model } = setup(tinyConfig({ maxSeqLen: 16 }));
    const opts = { maxNew: 12, temperature: 0, topK: 0, seed: 1, step: 0 };
    const r = await rollout(ops, dec, model, prompts, 1, opts);
    const ref = await generate(ops, model, prompts, opts.maxNew, { temperature: 0, topK: 0, seed: 1, stream: sampleStream(0) });
    prompts.forEach((p, i) => {
      expect(r.lengths[i]).toBe(ref[i]!.length);
      expect(p.length + r.lengths[i]!).toBeLessThanOrEqual(16);
    });
    expect(VOCAB_SIZE).toBe(model.dims.V);
  });
});
