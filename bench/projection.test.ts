import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../src/core/config';
import { VOCAB_SIZE } from '../src/core/tokenizer';
import { grpoStepFlops, projectStep, tokenForwardFlops } from './projection';

describe('the laptop-GPU projection (a model, checked by hand)', () => {
  const cfg = mergeConfig(DEFAULT_CONFIG, { model: { dModel: 8, dExpert: 4, nRouted: 2, nShared: 1, topK: 1, nLayers: 1, ffn: 'swiglu' } });
  it('counts a token forward as its op list does', () => {
    // qkv 2*8*24 + proj 2*8*8 + router 2*8*2 + 2 experts x 3 x 2*8*4 + attention 2*2*ctx*8 + logits 2*8*V
    expect(tokenForwardFlops(cfg, 5)).toBe(384 + 128 + 32 + 384 + 160 + 16 * VOCAB_SIZE);
  });

  it('counts a step: rollout + reference + mu x (forward + 2x backward) + AdamW', () => {
    const one = (t: number) => tokenForwardFlops(cfg, t);
    const c = mergeConfig(cfg, { grpo: { batchPrompts: 1, groupSize: 2, mu: 1, beta: 0.04 } });
    const fwd = 2 * (one(1) + one(2) + one(3));
    expect(grpoStepFlops(c, { promptLength: 1, meanCompletion: 1, T: 3, params: 100 })).toBe(2 * (one(1) + one(2)) + fwd + 3 * fwd + 1200);
    const noRef = mergeConfig(c, { grpo: { beta: 0 } });
    expect(grpoStepFlops(noRef, { promptLength: 1, meanCompletion: 1, T: 3, params: 100 })).toBe(2 * (one(1) + one(2)) + 3 * fwd + 1200);
  });

  it('adds dispatch cost and compute time at both ends of the assumed ranges', () => {
    const p = projectStep(2.6e9, 1000);
    expect(p.fastMs).toBeCloseTo(24 + 5, 6); // 1000 x 24 us + 2.6 GFLOP at 20% of 2.6 TFLOP/s
    expect(p.slowMs).toBeCloseTo(71 + 20, 6);
  });
});
