// A PROJECTION, not a measurement: what a GRPO step might take on a
// laptop-class GPU, from the dispatches a step issues (counted on whatever
// adapter the bench ran) and the FLOPs it does (counted here from the config
// and the step's completion lengths). No real GPU was available to measure.
//
//   time = dispatches x per-dispatch cost + FLOPs / (peak x efficiency)
//
// Assumptions, each with its source:
// - per-dispatch cost 24-71 us: WebGPU API overhead per dispatch, 24-36 us on
//   Vulkan and 32-71 us on Metal (Maczan, "Characterizing WebGPU Dispatch
//   Overhead for LLM Inference...", arXiv:2604.02344, 2026). Our dispatches
//   share few submits, which may cost less; the cited range is kept.
// - peak 2.6 TFLOP/s f32: Apple M1's 8-core GPU (Apple's M1 announcement,
//   2020-11-10), a laptop-class integrated GPU; Intel Iris Xe is of the same order.
// - efficiency 5-20% of peak: an assumption, not cited: the step's products are
//   small (64-192 wide, a few thousand rows), far from what saturates a GPU.
// Pure (Node tests in projection.test.ts).

import type { RunConfig } from '../src/core/config';
import { VOCAB_SIZE } from '../src/core/tokenizer';

export const PROJECTION_ASSUMPTIONS = {
  dispatchUs: { low: 24, high: 71, source: 'arXiv:2604.02344 (WebGPU per-dispatch API overhead: 24-36 us Vulkan, 32-71 us Metal)' },
  peakTflops: { value: 2.6, source: 'Apple M1 8-core GPU, f32 (Apple, 2020-11-10)' },
  efficiency: { low: 0.05, high: 0.2, source: 'assumed (small products)' },
} as const;

/** Forward FLOPs of one token at context length ctx (multiply-adds x 2), per model.ts's op list. */
export function tokenForwardFlops(cfg: RunConfig, ctx: number): number {
  const m = cfg.model;
  const C = m.dModel, H = m.dExpert, E = m.nRouted, S = m.nShared, k = m.topK;
  const perExpert = (m.ffn === 'swiglu' ? 3 : 2) * 2 * C * H;
  const layer = 2 * C * 3 * C + 2 * C * C + 2 * C * E + (S + k) * perExpert + 2 * 2 * ctx * C; // qkv, proj, router, experts, scores + weighted sum
  return m.nLayers * layer + 2 * C * VOCAB_SIZE; // + the tied logits
}

/**
 * FLOPs of one GRPO step: the rollout decodes every row's prompt + completion
 * once, the reference forward (beta > 0) and mu policy forwards run over
 * nSeq x T positions, each backward costs twice its forward, AdamW ~12 per parameter.
 */
export function grpoStepFlops(cfg: RunConfig, p: { promptLength: number; meanCompletion: number; T: number; params: number }): number {
  const g = cfg.grpo;
  const nSeq = g.batchPrompts * g.groupSize;
  let rollout = 0;
  const decoded = Math.round(p.promptLength + p.meanCompletion);
  for (let t = 0; t < decoded; t++) rollout += tokenForwardFlops(cfg, t + 1);
  rollout *= nSeq;
  let fwd = 0;
  for (let t = 0; t < p.T; t++) fwd += tokenForwardFlops(cfg, t + 1);
  fwd *= nSeq;
  const ref = g.beta > 0 ? fwd : 0;
  return rollout + ref + g.mu * (3 * fwd + 12 * p.params);
}

export interface Projection {
  flops: number;
  dispatches: number;
  /** ms at the fast end (low dispatch cost, high efficiency) and the slow end. */
  fastMs: number;
  slowMs: number;
}

export function projectStep(flops: number, dispatches: number): Projection {
  const a = PROJECTION_ASSUMPTIONS;
  const at = (us: number, eff: number) => (dispatches * us) / 1000 + (flops / (a.peakTflops.value * 1e12 * eff)) * 1000;
  return { flops, dispatches, fastMs: at(a.dispatchUs.low, a.efficiency.high), slowMs: at(a.dispatchUs.high, a.efficiency.low) };
}
