// Other stored runs' curves on this run's charts (the Runs list's overlay).
// Every chart with a per-step series takes one dashed line per overlaid run:
// the chart's headline series (OVERLAY_SERIES), from the run's stored metrics,
// or its greedy held-out accuracy from its stored evaluations. Not overlaid:
// the expert load plots (stacked shares of THIS run's routing, one plot per
// layer: another run's shares cannot stack onto them, and its L and E may
// differ).
//
// Each overlay line carries its own rows (recharts takes data per line), so
// nothing is joined onto the live rows every step, and a live run's gaps
// (skipped steps, downsampling) never break an overlay or the other way round.
// An overlay's rows are built when the overlays change (a tick in the Runs
// list), not per step, downsampled to OVERLAY_POINTS with the same min/max
// buckets as the live curves.

import type { OverlayRun } from '../store';
import { downsample } from './downsample';
import { AHA, CLIP, ENTROPY, GRAD_NORM, KL, LENGTH_MEAN, metricRows, POLICY_LOSS, REWARD, SIGNAL, SPEED, type LineSpec, type Row, type SeriesSpec } from './series';

/** Charts that take overlays (Charts.tsx ids). */
export type OverlayChart = 'reward' | 'heldout' | 'length' | 'aha' | 'signal' | 'kl' | 'entropy' | 'clip' | 'policyLoss' | 'gradNorm' | 'speed';
/** Charts that never take one, and why (see the header). */
export const NOT_OVERLAID = { experts: 'stacked expert shares of this run, per layer' } as const;

/** Per chart, the series an overlaid run draws: the chart's headline (aha rate, not the three other rates; clip region, not low/high). */
export const OVERLAY_SERIES: Record<Exclude<OverlayChart, 'heldout'>, SeriesSpec> = {
  reward: REWARD[0]!, // total
  length: LENGTH_MEAN,
  aha: AHA[1]!, // aha
  signal: SIGNAL[0]!,
  kl: KL[0]!,
  entropy: ENTROPY[0]!,
  clip: CLIP[0]!, // region
  policyLoss: POLICY_LOSS[0]!,
  gradNorm: GRAD_NORM[0]!,
  speed: SPEED[0]!, // step time, on the left axis
};
/** The held-out chart's overlay: each evaluation's greedy accuracy. */
export const HELDOUT_SERIES = { key: 'greedy', label: 'greedy' } as const;
/** Charts with several live series name the overlaid one after the run's name. */
const MULTI: ReadonlySet<OverlayChart> = new Set(['reward', 'heldout', 'aha', 'clip', 'speed']);

/**
 * Charts whose other series an overlaid run may draw too (the picker under the
 * chart: Charts.tsx): any of its series, the headline by default. Not speed: its
 * tokens/s sit on a right axis of their own.
 */
export const OVERLAY_CHOICES: Partial<Record<OverlayChart, readonly { key: string; label: string }[]>> = {
  reward: REWARD,
  heldout: [HELDOUT_SERIES, { key: 'sampled', label: 'sampled pass@1' }],
  aha: AHA,
  clip: CLIP,
};
/** The headline's key on each chart: what overlaid runs draw until the picker says otherwise. */
export const headlineKey = (chart: OverlayChart): string => (chart === 'heldout' ? HELDOUT_SERIES.key : OVERLAY_SERIES[chart].key);
/** One dash pattern per chosen series (the run's colour tells runs apart, the dashes series). */
const DASHES = ['4 3', '1 3', '8 3 1 3', '12 4'];

/** Points one overlay line draws at most, per chart (the live curves keep up to MAX_POINTS). */
export const OVERLAY_POINTS = 400;

export const overlayKey = (id: string) => `run:${id}`;

/** A line's key: the headline's is overlayKey(id), another series' overlayKey(id):series. */
const lineKey = (id: string, chart: OverlayChart, series: string) => (series === headlineKey(chart) ? overlayKey(id) : `${overlayKey(id)}:${series}`);

/** One overlaid run's line on one chart: its rows {step, [line key]} (M <= max), downsampled; `series` defaults to the headline. */
export function overlayRows(o: OverlayRun, chart: OverlayChart, max = OVERLAY_POINTS, series = headlineKey(chart)): readonly Row[] {
  const key = lineKey(o.id, chart, series);
  const spec = chart === 'heldout' ? null : (OVERLAY_CHOICES[chart] as readonly SeriesSpec[] | undefined)?.find((s) => s.key === series) ?? OVERLAY_SERIES[chart];
  const pass = series === 'sampled' ? 'sampled' : 'greedy';
  const rows: Row[] = spec === null
    ? (o.evals ?? []).map((e) => ({ step: e.step, [key]: e.result[pass].accuracy }))
    : metricRows(o.metrics ?? [], [{ ...spec, key }]);
  return downsample(rows, [key], max);
}

// Colours: distinct from the live series (series.ts C) and from each other.
// Each sits in a hue gap of the live palette (blue 194, green 134, yellow 42, red 1, violet 274 degrees) or,
// white, above its lightness: the earlier palette held a yellow (#e9c46a), a grey and two reds beside the aha/high red.
export const OVERLAY_PALETTE = ['#ffffff', '#c6f31a', '#ff52d9', '#1af2c2', '#7f8cff', '#ff6c1a'];

/** FNV-1a of the id: a run's colour follows it, not the order runs were ticked in. */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * ids (K) -> colours (K): each run its hashed palette slot; a slot an earlier
 * id already holds moves on to the next free one, so up to the palette's size
 * overlays never share a colour. The same id alone (or beside ids that do not
 * collide with it) always gets the same colour.
 */
export function overlayColors(ids: readonly string[]): string[] {
  const n = OVERLAY_PALETTE.length;
  const taken = new Set<number>();
  return ids.map((id) => {
    let slot = hash(id) % n;
    for (let i = 0; i < n && taken.has(slot); i++) slot = (slot + 1) % n;
    taken.add(slot);
    return OVERLAY_PALETTE[slot]!;
  });
}

/** A line of another run: its spec and its own rows. */
export interface OverlayLine extends LineSpec {
  rows: readonly Row[];
  /** Its SVG dash pattern (several series of one run differ by it). */
  dash?: string;
}

/**
 * Every overlaid run's lines on one chart, dashed, named after its run: one per
 * chosen series (default: the headline), each series its own dash pattern. A
 * run with nothing to draw there gives none.
 */
export function overlayLines(overlays: readonly OverlayRun[], chart: OverlayChart, max = OVERLAY_POINTS, chosen: readonly string[] = [headlineKey(chart)]): OverlayLine[] {
  const colors = overlayColors(overlays.map((o) => o.id));
  const labelOf = (s: string) => OVERLAY_CHOICES[chart]?.find((c) => c.key === s)?.label ?? (chart === 'heldout' ? HELDOUT_SERIES.label : OVERLAY_SERIES[chart].label);
  const out: OverlayLine[] = [];
  overlays.forEach((o, i) => {
    chosen.forEach((s, j) => {
      const rows = overlayRows(o, chart, max, s);
      if (rows.length === 0) return;
      const label = MULTI.has(chart) ? `${o.name}: ${labelOf(s)}` : o.name;
      out.push({ key: lineKey(o.id, chart, s), label, color: colors[i]!, dashed: true, dash: DASHES[j % DASHES.length], rows });
    });
  });
  return out;
}

/** Every chart's overlay lines, built once when the overlays change (not per step). */
export function overlaysByChart(overlays: readonly OverlayRun[], max = OVERLAY_POINTS, chosen: Readonly<Record<string, readonly string[]>> = {}): Record<OverlayChart, OverlayLine[]> {
  const charts: OverlayChart[] = ['reward', 'heldout', 'length', 'aha', 'signal', 'kl', 'entropy', 'clip', 'policyLoss', 'gradNorm', 'speed'];
  return Object.fromEntries(charts.map((c) => [c, overlayLines(overlays, c, max, chosen[c])])) as Record<OverlayChart, OverlayLine[]>;
}
