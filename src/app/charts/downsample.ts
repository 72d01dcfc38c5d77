// Downsampling for display: recharts draws every point it is given, and a long
// run has tens of thousands of steps. Past `max` rows we keep, in each of a
// fixed number of index buckets, the rows holding the minimum and the maximum
// of EACH series (min/max-preserving buckets, not LTTB), plus the first and the
// last row. Spikes (a KL blow-up, a reward collapse) survive, which is what a
// reader of a training curve looks for; LTTB may smooth a one-step spike away
// when its neighbours pull the triangle elsewhere.

/**
 * rows: (N) records in step order; keys: the numeric series to preserve.
 * Returns rows itself when N <= max, else a subsequence (same objects, same
 * order) of at most max rows that contains rows[0], rows[N-1], and, in every
 * bucket, the argmin and argmax of every key (NaN values are ignored).
 */
export function downsample<T>(rows: readonly T[], keys: readonly (keyof T)[], max = 2000): readonly T[] {
  const n = rows.length;
  if (n <= max || n <= 2) return rows;
  const perBucket = 2 * Math.max(1, keys.length);
  // first and last are kept on top of the buckets' picks
  const buckets = Math.max(1, Math.floor((max - 2) / perBucket));
  const keep = new Uint8Array(n); // (N) 1 = row kept
  keep[0] = 1;
  keep[n - 1] = 1;
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor((b * (n - 2)) / buckets);
    const hi = 1 + Math.floor(((b + 1) * (n - 2)) / buckets); // exclusive
    for (const k of keys) {
      let iMin = -1, iMax = -1;
      let vMin = Infinity, vMax = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = rows[i]![k] as unknown;
        if (typeof v !== 'number' || Number.isNaN(v)) continue;
        if (v < vMin) (vMin = v), (iMin = i);
        if (v > vMax) (vMax = v), (iMax = i);
      }
      if (iMin >= 0) keep[iMin] = 1;
      if (iMax >= 0) keep[iMax] = 1;
    }
  }
  const out: T[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(rows[i]!);
  return out;
}
