// AdamW (Loshchilov & Hutter 2019) with global gradient-norm clipping, over
// the flat parameter buffer. The gradient, m and v buffers share the
// parameters' layout, so one update loop per tensor covers the whole model.
//
// Per step: norm = ||grads||_2 over ALL parameters (one fixed-order f64 sum),
// scale = min(1, clip / norm) (clip 0 = off), g = grads * scale, then
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= lr * (m / (1-b1^t) / (sqrt(v / (1-b2^t)) + eps) + wd * p)
// Weight decay is decoupled (multiplies lr, not the gradient) and the caller
// passes wd = 0 for tensors the table marks decay = false (the norms).

import type { AdamwHyper } from '../ops/ops';
import type { FloatArray } from './types';

export type { AdamwHyper };


/** The L2 norm of grads (n), summed in f64 in index order. */
export function gradNorm(grads: FloatArray, n: number): number {
  let ss = 0;
  for (let i = 0; i < n; i++) ss += grads[i]! * grads[i]!;
  return Math.sqrt(ss);
}

/** min(1, clip / norm), or 1 when clip is 0 (off). */
export function clipScale(norm: number, clip: number): number {
  return clip > 0 && norm > clip ? clip / norm : 1;
}

/**
 * One AdamW update of n parameters in place. params, grads, m, v are (n).
 * gradScale multiplies the gradient first (the clip factor); weightDecay is
 * this tensor's decay (0 for tensors excluded from decay).
 */
export function adamwUpdate(
  params: FloatArray,
  grads: FloatArray,
  m: FloatArray,
  v: FloatArray,
  n: number,
  h: AdamwHyper,
  gradScale: number,
): void {
  if (!(h.step >= 1)) throw new RangeError(`adamwUpdate: step is 1-based, got ${h.step}`);
  const c1 = 1 - Math.pow(h.beta1, h.step);
  const c2 = 1 - Math.pow(h.beta2, h.step);
  for (let i = 0; i < n; i++) {
    const g = grads[i]! * gradScale;
    const mi = h.beta1 * m[i]! + (1 - h.beta1) * g;
    const vi = h.beta2 * v[i]! + (1 - h.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const mHat = mi / c1;
    const vHat = vi / c2;
    params[i] = params[i]! - h.lr * (mHat / (Math.sqrt(vHat) + h.eps) + h.weightDecay * params[i]!);
  }
}
