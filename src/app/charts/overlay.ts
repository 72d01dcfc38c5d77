// Other stored runs' curves on this run's charts (the Runs list's overlay):
// their values joined onto the live rows by step, one column per run.

import type { OverlayRun } from '../store';
import type { LineSpec } from './ChartCard';
import type { Row } from './series';

export const overlayKey = (id: string) => `run:${id}`;

/** rows + one column per overlay (field of its points), joined by step; steps only an overlay has get rows of their own. */
export function withOverlays(rows: readonly Row[], overlays: readonly OverlayRun[], field: 'reward' | 'accuracy'): Row[] {
  if (overlays.length === 0) return rows as Row[];
  const byStep = new Map<number, Row>(rows.map((r) => [r.step, { ...r }]));
  for (const o of overlays) {
    for (const p of o.points) {
      const row: Row = byStep.get(p.step) ?? { step: p.step };
      row[overlayKey(o.id)] = p[field];
      byStep.set(p.step, row);
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export const overlayLines = (overlays: readonly OverlayRun[]): LineSpec[] =>
  overlays.map((o) => ({ key: overlayKey(o.id), label: o.name, color: o.color, dashed: true }));
