// Intervals for the rates the app and the experiments report (issue 13):
// a rate over n trials gets Wilson's 95% score interval, which stays inside
// [0, 1] and is honest at 0 of n (the normal interval would say [0, 0]); a
// mean over a few seeds gets Student's t interval.

export interface Rate {
  /** k / n (0 when n = 0). */
  rate: number;
  /** Wilson 95% interval. */
  lo: number;
  hi: number;
  k: number;
  n: number;
}

const Z95 = 1.959963984540054;

/** Wilson score interval of k successes in n trials; [0, 1] when n = 0. */
export function wilson(k: number, n: number, z = Z95): Rate {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && n >= 0 && k <= n)) throw new Error(`wilson: need integers 0 <= k <= n, got k = ${k}, n = ${n}`);
  if (n === 0) return { rate: 0, lo: 0, hi: 1, k, n };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // exact at the ends: at k = 0 (k = n) the bound is 0 (1) in exact arithmetic, a few ulps off in floats
  return { rate: p, lo: k === 0 ? 0 : Math.max(0, centre - half), hi: k === n ? 1 : Math.min(1, centre + half), k, n };
}

/** Two-sided 97.5% quantiles of Student's t for 1..10 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

export interface MeanInterval {
  mean: number;
  /** 95% t interval of the mean (equal to mean when there is one value). */
  lo: number;
  hi: number;
  min: number;
  max: number;
  n: number;
}

/** Mean of a few values (seeds) with its 95% t interval, min and max. */
export function meanInterval(xs: readonly number[]): MeanInterval {
  const n = xs.length;
  if (n === 0) throw new Error('meanInterval: no values');
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, min: mean, max: mean, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const t = T975[Math.min(n - 1, T975.length) - 1]!;
  const half = (t * sd) / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half, min: Math.min(...xs), max: Math.max(...xs), n };
}
