// Pure helpers of the config panel: how knobs are grouped, how an input's
// text becomes a knob value, and what applying a draft means (nothing, live
// changes sent with setLive, or a new run). No React, no DOM: tested in Node.

import { getPath, KNOBS, type Knob, type KnobGroup, type RunConfig } from '../../core/config';

/** The panel's order: what to learn, the model, the RL recipe, sampling, the base model's corpus, then the seed. */
export const GROUP_ORDER: readonly KnobGroup[] = ['Task', 'Model', 'GRPO', 'Sampling', 'Base corpus', 'Seed'];

export function knobsByGroup(): { group: KnobGroup; knobs: Knob[] }[] {
  return GROUP_ORDER.map((group) => ({ group, knobs: KNOBS.filter((k) => k.group === group) }));
}

/** The last path segment is the label: "grpo.groupSize" -> "groupSize". */
export const knobLabel = (k: Knob): string => k.path.slice(k.path.lastIndexOf('.') + 1);

/**
 * A number input's text as the knob's value. Text that is not a number stays
 * NaN, so validateConfig reports it with the knob's own message instead of the
 * panel inventing one.
 */
export function parseNumberText(text: string): number {
  const t = text.trim();
  return t === '' ? Number.NaN : Number(t);
}

/** Knob paths whose values differ between the two configs (NaN differs from everything, itself included). */
export function changedPaths(from: RunConfig, to: RunConfig): string[] {
  return KNOBS.filter((k) => !Object.is(getPath(from, k.path), getPath(to, k.path))).map((k) => k.path);
}

export type ApplyPlan =
  | { kind: 'none' }
  | { kind: 'invalid'; reasons: string[] }
  | { kind: 'live'; values: Record<string, number | string | boolean> }
  | { kind: 'reset'; nonLive: string[] };

/**
 * What Apply does with this draft: refused while it has errors; a setLive
 * when every changed knob is live; otherwise a new run (listing the knobs
 * that force it).
 */
export function applyPlan(config: RunConfig, draft: RunConfig, errors: readonly { message: string }[]): ApplyPlan {
  if (errors.length > 0) return { kind: 'invalid', reasons: errors.map((e) => e.message) };
  const changed = changedPaths(config, draft);
  if (changed.length === 0) return { kind: 'none' };
  const live = new Set(KNOBS.filter((k) => k.live).map((k) => k.path));
  const nonLive = changed.filter((p) => !live.has(p));
  if (nonLive.length > 0) return { kind: 'reset', nonLive };
  const values: Record<string, number | string | boolean> = {};
  for (const p of changed) values[p] = getPath(draft, p) as number | string | boolean;
  return { kind: 'live', values };
}
