// Overlaid runs: any series of a chart (the picker), and colours clear of the live series (issue 18).
import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import type { OverlayRun } from '../store';
import { headlineKey, OVERLAY_CHOICES, OVERLAY_PALETTE, overlayKey, overlayLines, overlaysByChart } from './overlay';
import { C } from './series';

const aha0 = { reflection: 0, aha: 0, verification: 0, overthinking: 0 };
const metric = (step: number) => ({
  step, reward: 1 + step, rewards: { format: 0.5, accuracy: 0.5 + step, overlong: 0 }, completionLength: { mean: 10, min: 4, max: 20 },
  clipRatio: { low: 0.01, high: 0.02, region: 0.03 }, aha: { ...aha0, reflection: 0.5 }, skipped: false,
} as unknown as GrpoMetrics);
const ev = (greedy: number, sampled: number): EvalResult => ({ problems: 16, greedy: { accuracy: greedy, meanLength: 8, aha: aha0 }, sampled: { accuracy: sampled, meanLength: 9, aha: aha0 } });
const run: OverlayRun = { id: 'a', name: 'β=0.04', metrics: [metric(0), metric(1)], evals: [{ step: 0, result: ev(0.25, 0.125) }] };

/** Hue in degrees and saturation (HSL) of '#rrggbb'. */
function hueSat(hex: string): [number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min, l = (max + min) / 2;
  if (d === 0) return [0, 0];
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [(h * 60 + 360) % 360, s];
}
const hueGap = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('overlay series and colours', () => {
  it('draws the headline by default, and any chosen series of the chart, each its own dash', () => {
    expect(overlayLines([run], 'reward').map((l) => [l.key, l.label])).toEqual([[overlayKey('a'), 'β=0.04: total']]);
    const both = overlayLines([run], 'reward', 400, ['total', 'accuracy']);
    expect(both.map((l) => [l.key, l.label])).toEqual([['run:a', 'β=0.04: total'], ['run:a:accuracy', 'β=0.04: accuracy']]);
    expect(both[1]!.rows.map((r) => r['run:a:accuracy'])).toEqual([0.5, 1.5]);
    expect(both[0]!.color).toBe(both[1]!.color);
    expect(both[0]!.dash).not.toBe(both[1]!.dash);
    // only accuracy: the headline is not forced
    expect(overlayLines([run], 'reward', 400, ['accuracy']).map((l) => l.key)).toEqual(['run:a:accuracy']);
    // held-out: greedy and sampled pass@1 of the stored evaluations
    expect(overlayLines([run], 'heldout', 400, ['sampled'])[0]!.rows).toEqual([{ step: 0, 'run:a:sampled': 0.125 }]);
    expect(overlaysByChart([run], 400, { aha: ['reflection'] }).aha[0]!.label).toBe('β=0.04: reflection');
    for (const [chart, choices] of Object.entries(OVERLAY_CHOICES)) {
      expect(choices!.map((c) => c.key)).toContain(headlineKey(chart as keyof typeof OVERLAY_CHOICES));
    }
  });

  it('every overlay colour sits 20 degrees or more from each live series hue (white: none), and the overlays differ from each other', () => {
    const live = Object.values(C).map(hueSat).filter(([, s]) => s > 0.3);
    for (const c of OVERLAY_PALETTE) {
      const [h, s] = hueSat(c);
      if (s === 0) continue; // white: lighter than every live series
      for (const [lh] of live) expect(hueGap(h, lh), `${c} vs a live hue ${lh.toFixed(0)}`).toBeGreaterThanOrEqual(20);
    }
    const hues = OVERLAY_PALETTE.map(hueSat).filter(([, s]) => s > 0).map(([h]) => h);
    for (let i = 0; i < hues.length; i++) for (let j = i + 1; j < hues.length; j++) expect(hueGap(hues[i]!, hues[j]!)).toBeGreaterThanOrEqual(20);
  });
});
