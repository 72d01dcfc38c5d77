// Uncertainty drawn on the charts (issue 14): a Wilson 95% band around each
// rate measured over n trials (held-out accuracy over its problems, a step's
// reflection and aha rates over its B×G completions, the share of its B
// groups without reward spread), and, for several seeds of one config, their
// mean with a band over the seeds (min–max, or Student's 95% t interval of
// the mean). Pure rows for ChartCard; the interval maths is core/stats.ts.

import { meanInterval, wilson } from '../../core/stats';
import type { ArmRuns, SeedBandKind } from '../store';
import { downsample } from './downsample';
import { overlayColors, overlayKey, overlayRows, OVERLAY_POINTS, type OverlayChart } from './overlay';
import type { Row } from './series';

/** The Wilson 95% interval of a rate measured as a share of n (k = rate × n, rounded: the rate was k / n). */
export function rateInterval(rate: number, n: number): { lo: number; hi: number } {
  if (!(n > 0) || !Number.isFinite(rate)) return { lo: 0, hi: 1 };
  const k = Math.min(n, Math.max(0, Math.round(rate * n)));
  const w = wilson(k, Math.round(n));
  return { lo: w.lo, hi: w.hi };
}

/** Adds `${key}Lo` / `${key}Hi` (Wilson 95% over n trials) to every row where `key` is a number; null elsewhere. */
export function withWilson(rows: readonly Row[], key: string, n: number | ((row: Row) => number)): Row[] {
  return rows.map((r) => {
    const v = r[key];
    if (typeof v !== 'number') return { ...r, [`${key}Lo`]: null, [`${key}Hi`]: null };
    const { lo, hi } = rateInterval(v, typeof n === 'number' ? n : n(r));
    return { ...r, [`${key}Lo`]: lo, [`${key}Hi`]: hi };
  });
}

export const SEED_BAND_WORDS: Record<SeedBandKind, string> = { minmax: 'min–max over seeds', t95: '95% t interval over seeds' };

/**
 * runs (S) of rows with a number under `key` -> one row per step that every
 * run has: { step, [key]: mean, [key:lo], [key:hi] } (min–max or 95% t).
 * A step some run lacks (not reached yet, skipped, another eval schedule) is
 * left out rather than averaged over fewer seeds.
 */
export function seedBandRows(runs: readonly (readonly Row[])[], key: string, kind: SeedBandKind): Row[] {
  if (runs.length === 0) return [];
  const byStep = runs.map((rows) => new Map(rows.flatMap((r) => (typeof r[key] === 'number' ? [[r.step, r[key] as number] as const] : []))));
  const steps = [...byStep[0]!.keys()].filter((s) => byStep.every((m) => m.has(s))).sort((a, b) => a - b);
  return steps.map((step) => {
    const m = meanInterval(byStep.map((x) => x.get(step)!));
    const [lo, hi] = kind === 'minmax' ? [m.min, m.max] : [m.lo, m.hi];
    return { step, [key]: m.mean, [`${key}:lo`]: lo, [`${key}:hi`]: hi };
  });
}

/** One group of runs drawn as a mean line in a band: its rows carry key, key:lo, key:hi. */
export interface BandLine {
  key: string;
  label: string;
  color: string;
  rows: readonly Row[];
}

export const armKey = (label: string) => `arm:${label}`;

/** Arms of two or more runs on one chart: each its mean over seeds in a band, named with what the band is. */
export function seedBandLines(arms: readonly ArmRuns[], chart: OverlayChart, kind: SeedBandKind, max = OVERLAY_POINTS): BandLine[] {
  const several = arms.filter((a) => a.runs.length >= 2);
  const colors = overlayColors(several.map((a) => armKey(a.label)));
  const out: BandLine[] = [];
  several.forEach((a, i) => {
    const key = armKey(a.label);
    // every run at full resolution (downsampling could pick different steps per run), renamed to the arm's key
    const per = a.runs.map((o) => overlayRows(o, chart, Infinity).map((r) => ({ step: r.step, [key]: r[overlayKey(o.id)] ?? null }) as Row));
    const rows = seedBandRows(per, key, kind);
    if (rows.length === 0) return;
    out.push({ key, label: `${a.label}: mean of ${a.runs.length} seeds (band ${SEED_BAND_WORDS[kind]})`, color: colors[i]!, rows: downsample(rows, [key, `${key}:lo`, `${key}:hi`], max) });
  });
  return out;
}

/** Every overlay chart's seed bands, built when the shown experiment or the band kind changes (not per step). */
export function seedBandsByChart(arms: readonly ArmRuns[], kind: SeedBandKind, max = OVERLAY_POINTS): Record<OverlayChart, BandLine[]> {
  const charts: OverlayChart[] = ['reward', 'heldout', 'length', 'aha', 'signal', 'kl', 'entropy', 'clip', 'policyLoss', 'gradNorm', 'speed'];
  return Object.fromEntries(charts.map((c) => [c, seedBandLines(arms, c, kind, max)])) as Record<OverlayChart, BandLine[]>;
}
