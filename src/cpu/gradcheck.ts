// Finite-difference gradient checks for the CPU ops' tests (test-only helper,
// but kept beside the ops so every op test imports the same one).
//
// Central differences in float64: (f(x+h) - f(x-h)) / 2h has truncation error
// O(h^2 f''') and rounding error O(eps f / h); h = 1e-5 balances the two near
// 1e-10 for the O(1) losses the tests build.

import { Rng } from '../core/rng';

export interface GradcheckResult {
  /** Largest |analytic - numeric| over the checked entries. */
  maxAbs: number;
  /** Largest |analytic - numeric| / (max(|analytic|, |numeric|) + 1e-6). */
  maxRel: number;
  /** Entries checked. */
  checked: number;
  /** Entries skipped because `valid` said a perturbation changed a discrete choice. */
  skipped: number;
}

export interface GradcheckOptions {
  h?: number;
  /** Check at most this many entries, spread evenly (all when omitted). */
  maxChecks?: number;
  /** Skip entries for which this returns true (e.g. a perturbation that flips a top-k choice). */
  skip?: (i: number) => boolean;
  /**
   * Called right after each perturbed loss(); false drops the entry. For
   * piecewise functions: a perturbation that flips a top-k choice jumps
   * between pieces, so its difference quotient measures no derivative.
   */
  valid?: () => boolean;
}

/**
 * Compares analytic[i] with the central difference of loss() in x[i].
 * x is perturbed in place and restored; loss() must read x afresh each call.
 */
export function gradcheck(
  loss: () => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  opts: GradcheckOptions = {},
): GradcheckResult {
  if (analytic.length !== x.length) throw new Error(`gradcheck: ${analytic.length} gradients for ${x.length} inputs`);
  const h = opts.h ?? 1e-5;
  const stride = opts.maxChecks ? Math.max(1, Math.floor(x.length / opts.maxChecks)) : 1;
  let maxAbs = 0;
  let maxRel = 0;
  let checked = 0;
  let skipped = 0;
  for (let i = 0; i < x.length; i += stride) {
    if (opts.skip?.(i)) continue;
    const x0 = x[i]!;
    x[i] = x0 + h;
    const fp = loss();
    let ok = opts.valid ? opts.valid() : true;
    x[i] = x0 - h;
    const fm = loss();
    if (opts.valid && !opts.valid()) ok = false;
    x[i] = x0;
    if (!ok) {
      skipped++;
      continue;
    }
    const numeric = (fp - fm) / (2 * h);
    const a = analytic[i]!;
    const abs = Math.abs(a - numeric);
    maxAbs = Math.max(maxAbs, abs);
    maxRel = Math.max(maxRel, abs / (Math.max(Math.abs(a), Math.abs(numeric)) + 1e-6));
    checked++;
  }
  return { maxAbs, maxRel, checked, skipped };
}

/** n seeded normals times scale, in float64: test inputs and random output weightings. */
export function randn(n: number, seed: number, scale = 1): Float64Array {
  const rng = new Rng(seed, 0x7e57);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

/** sum_i a[i] * b[i]: the scalar "loss = <out, w>" whose gradient wrt out is w. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
