import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../core/config';
import { encode, VOCAB_SIZE } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { generate, sampleNext } from './generate';
import { createActivations, createModel, forward } from './model';
import { initParams } from './params';
import { rngFloat } from '../core/rng';

describe('sampleNext', () => {
  // logits [0, ln 3, -inf-ish]: probs [1/4, 3/4, ~0]
  const logits = [0, Math.log(3), -50];
  it('inverts the cumulative distribution in vocabulary order', () => {
    expect(sampleNext(logits, 0.2, 1, 0)).toBe(0);
    expect(sampleNext(logits, 0.3, 1, 0)).toBe(1);
    expect(sampleNext(logits, 0.999, 1, 0)).toBe(1);
  });
  it('applies the temperature: at T=2 the probs are [1, sqrt3] / (1 + sqrt3)', () => {
    const p0 = 1 / (1 + Math.sqrt(3)); // 0.366
    expect(sampleNext(logits, p0 - 0.01, 2, 0)).toBe(0);
    expect(sampleNext(logits, p0 + 0.01, 2, 0)).toBe(1);
  });
  it('greedy at temperature 0 and with top-1', () => {
    expect(sampleNext(logits, 0.01, 0, 0)).toBe(1);
    expect(sampleNext(logits, 0.01, 1, 1)).toBe(1);
    expect(sampleNext([5, 4, 3], 0.99, 1, 2)).toBe(1); // token 2 filtered out by top-2
  });
});

describe('generate', () => {
  const cfg = mergeConfig(DEFAULT_CONFIG, { model: { dModel: 16, nLayers: 1, nHeads: 2, dExpert: 8, initStd: 0.5, maxSeqLen: 20 } });
  const ops = createCpuOps('f64');
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  const prompts = [encode('<bos>12+3='), encode('<bos>7*8=')];
  const opts = { temperature: 1, topK: 0, seed: 3, stream: 9 };

  it('is a pure function of the seed and stream', async () => {
    const a = await generate(ops, model, prompts, 6, opts);
    const b = await generate(ops, model, prompts, 6, opts);
    expect(b).toEqual(a);
    for (const s of a) expect(s.length).toBeLessThanOrEqual(6);
    const c = await generate(ops, model, prompts, 6, { ...opts, stream: 10 });
    expect(c).not.toEqual(a);
  });

  it('draws the first token from a forward on the prompt with u keyed by (sequence, position)', async () => {
    const [, second] = await generate(ops, model, prompts, 1, opts);
    const p = prompts[1]!;
    const acts = createActivations(ops, model, 1, p.length);
    acts.tokens.set(p);
    forward(ops, model, acts);
    const row = (p.length - 1) * VOCAB_SIZE;
    const logits = acts.a.logits.subarray(row, row + VOCAB_SIZE);
    const u = rngFloat(3, 9, 1 * model.dims.Tmax + p.length);
    expect(second).toEqual([sampleNext(logits, u, 1, 0)]);
  });
});
