import { describe, expect, it } from 'vitest';
import { adamwUpdate, clipScale, gradNorm, type AdamwHyper } from './adamw';
import type { FloatArray } from './types';

const H: AdamwHyper = { step: 1, lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradClip: 0 };

interface DecayRange {
  offset: number;
  size: number;
  decay: boolean;
}

/**
 * A whole optimizer step over the flat buffers, as model/model.ts adamwStep
 * drives the ops: clip by the global norm, then update each tensor range with
 * its decay flag. Returns the pre-clip norm.
 */
function adamwStep(
  params: FloatArray,
  grads: FloatArray,
  m: FloatArray,
  v: FloatArray,
  tensors: readonly DecayRange[],
  h: AdamwHyper,
): number {
  const n = params.length;
  const norm = gradNorm(grads, n);
  const scale = clipScale(norm, h.gradClip);
  for (const t of tensors) {
    const sub = (a: FloatArray) => a.subarray(t.offset, t.offset + t.size);
    const ht = t.decay ? h : { ...h, weightDecay: 0 };
    adamwUpdate(sub(params), sub(grads), sub(m), sub(v), t.size, ht, scale);
  }
  return norm;
}

describe('adamw', () => {
  it('first step moves each weight by about lr * sign(g)', () => {
    const p = new Float64Array([1, 1, 1]);
    const m = new Float64Array(3);
    const v = new Float64Array(3);
    adamwUpdate(p, new Float64Array([0.3, -2, 0]), m, v, 3, H, 1);
    // m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps)
    expect(p[0]).toBeCloseTo(1 - 0.1 * 0.3 / (0.3 + 1e-8), 14);
    expect(p[1]).toBeCloseTo(1.1, 7);
    expect(p[2]).toBe(1);
    expect(m[0]).toBeCloseTo(0.03, 15);
    expect(v[1]).toBeCloseTo(0.04, 15);
  });

  it('second step uses bias-corrected moments', () => {
    const p = new Float64Array([0]);
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    adamwUpdate(p, new Float64Array([1]), m, v, 1, H, 1);
    adamwUpdate(p, new Float64Array([3]), m, v, 1, { ...H, step: 2 }, 1);
    const m2 = 0.9 * 0.1 + 0.1 * 3; // 0.39
    const v2 = 0.99 * 0.01 + 0.01 * 9; // 0.0999
    const step2 = (m2 / (1 - 0.81)) / (Math.sqrt(v2 / (1 - 0.9801)) + 1e-8);
    expect(p[0]).toBeCloseTo(-0.1 * (1 / (1 + 1e-8)) - 0.1 * step2, 12);
  });

  it('decoupled weight decay shrinks by lr * wd * p even with zero gradient', () => {
    const p = new Float64Array([2]);
    adamwUpdate(p, new Float64Array([0]), new Float64Array(1), new Float64Array(1), 1, { ...H, weightDecay: 0.5 }, 1);
    expect(p[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 15);
  });

  it('clips by the global norm and returns the pre-clip norm', () => {
    expect(gradNorm(new Float64Array([3, 4]), 2)).toBe(5);
    expect(clipScale(5, 1)).toBe(0.2);
    expect(clipScale(5, 0)).toBe(1);
    expect(clipScale(0.5, 1)).toBe(1);
    // two tensors, the second excluded from decay
    const p = new Float64Array([1, 1]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    const tensors = [
      { offset: 0, size: 1, decay: true },
      { offset: 1, size: 1, decay: false },
    ];
    const norm = adamwStep(p, new Float64Array([3, 4]), m, v, tensors, { ...H, gradClip: 1, weightDecay: 0.1 });
    expect(norm).toBe(5);
    expect(m[0]).toBeCloseTo(0.1 * 0.6, 15); // clipped gradient 3 * 0.2
    expect(m[1]).toBeCloseTo(0.1 * 0.8, 15);
    expect(p[0]).toBeCloseTo(1 - 0.1 * (0.6 / (0.6 + 1e-8) + 0.1 * 1), 12);
    expect(p[1]).toBeCloseTo(1 - 0.1 * (0.8 / (0.8 + 1e-8)), 12);
  });
});
