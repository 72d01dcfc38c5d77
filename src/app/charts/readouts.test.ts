// A shared link's recipient sees no NaN readout (issue 18): the snapshot's missing series are NaN in the store.
import { describe, expect, it } from 'vitest';
import { SERIES_KEYS, type ResultsSnapshot } from '../../share/url';
import { QUICK_CONFIG } from '../../train/quick';
import { runFromSnapshot } from '../share/snapshot';
import { evalReadout, metricReadouts, NOT_SHARED, withoutNaN } from './readouts';

const snap: ResultsSnapshot = {
  steps: 3, step: [0, 1, 2], evalStep: [0], skipped: [], baseAha: 0, heldOutProblems: 9, firstAha: null,
  series: Object.fromEntries(SERIES_KEYS.map((k) => [k, k.startsWith('heldOut') ? [0.25] : [0.1, 0.2, 0.3]])) as ResultsSnapshot['series'],
};

describe('readouts', () => {
  it('a shared snapshot reads without a NaN: missing parts dropped, missing series named, expert load explained', () => {
    const { metrics, evals, baseAha, firstAhaStep } = runFromSnapshot(snap, QUICK_CONFIG);
    const r = metricReadouts(metrics, firstAhaStep, baseAha);
    for (const [k, v] of Object.entries(r)) expect(v ?? '', k).not.toMatch(/NaN/);
    expect(r.clip).toBe('clipped 30% of tokens at step 2'); // was "... · low NaN · high NaN"
    expect(r.signal).toBe(NOT_SHARED);
    expect(r.experts).toMatch(/^not in the shared snapshot: a link carries no expert load; Re-run to see it/);
    expect(r.reward).toBe('reward 0.3 at step 2 · accuracy 0.3 · format 0.3');
    expect(evalReadout(evals)).toBe('greedy 25% · sampled pass@1 25% at step 0 (9 problems)');
  });

  it('withoutNaN keeps a clean readout as it is', () => {
    expect(withoutNaN('KL 0.1 at step 3 · x 2')).toBe('KL 0.1 at step 3 · x 2');
    expect(withoutNaN('KL NaN at step 3')).toBe(NOT_SHARED);
    expect(withoutNaN(null)).toBeNull();
  });
});
