// What differs between two RunConfigs, knob by knob, and a run's name made of
// it. The one comparison behind the config panel's Apply (app/config/draft.ts),
// run links (share/url.ts writes only the knobs that differ from a version's
// frozen table), base checkpoints (app/trainer.ts: equal on the knobs a base
// depends on) and run names in the Runs list and chart legends (app/runs).
// Imports only core/config.

import { getPath, KNOBS, type Knob, type RunConfig } from './config';

/**
 * Is a knob's value the same in both? Object.is: NaN (a half-typed number in
 * the panel's draft) equals only NaN, and a knob missing on one side (undefined,
 * a frozen link table older than the knob) differs from any value.
 */
const same = (a: unknown, b: unknown): boolean => Object.is(a, b);

/** The knobs whose values differ between the two configs, in KNOBS order. */
export function changedKnobs(a: RunConfig, b: RunConfig): Knob[] {
  return KNOBS.filter((k) => !same(getPath(a, k.path), getPath(b, k.path)));
}

/** changedKnobs as paths: ['seed', 'grpo.beta']. */
export function changedPaths(a: RunConfig, b: RunConfig): string[] {
  return changedKnobs(a, b).map((k) => k.path);
}

/** Do the two configs agree on every one of these knob paths? */
export function sameOn(a: RunConfig, b: RunConfig, paths: readonly string[]): boolean {
  return paths.every((p) => same(getPath(a, p), getPath(b, p)));
}

/**
 * config's knobs (path -> value) that differ from a reference table, which may
 * be partial: a knob the table lacks is always written (its default is not
 * frozen there). `always` lists knobs written whatever their value.
 */
export function diffFrom(config: RunConfig, reference: unknown, always: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of always) out[p] = getPath(config, p);
  for (const k of KNOBS) {
    const v = getPath(config, k.path);
    const ref = getPath(reference, k.path);
    if (ref === undefined || !same(v, ref)) out[k.path] = v;
  }
  return out;
}

// --- names -------------------------------------------------------------------

/** Knobs named by their symbol in the GRPO papers rather than their field name. */
const SYMBOLS: Record<string, string> = {
  'grpo.beta': 'β',
  'grpo.mu': 'μ',
  'grpo.epsLow': 'ε low',
  'grpo.epsHigh': 'ε high',
  'grpo.groupSize': 'G',
};

/** Field names that occur in more than one group (model.topK, sampling.topK) keep their group. */
const AMBIGUOUS = (() => {
  const seen = new Map<string, number>();
  for (const k of KNOBS) {
    const leaf = k.path.slice(k.path.lastIndexOf('.') + 1);
    seen.set(leaf, (seen.get(leaf) ?? 0) + 1);
  }
  return new Set([...seen].filter(([, n]) => n > 1).map(([leaf]) => leaf));
})();

/** A knob's short name: "β", "lossType", "sampling.topK". */
export function knobName(path: string): string {
  if (SYMBOLS[path]) return SYMBOLS[path]!;
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  return AMBIGUOUS.has(leaf) ? path : leaf;
}

/** A knob's value as a name shows it: 0.003, 3e-4 (not 0.00030000000000000003), dr_grpo, on/off. */
export function knobValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  const r = Number(v.toPrecision(6));
  return r !== 0 && Math.abs(r) < 1e-3 ? r.toExponential() : String(r);
}

/** One difference: "β=0.04". */
export const knobSetting = (path: string, value: unknown): string => `${knobName(path)}=${knobValue(value)}`;

/**
 * A run named by what differs from a reference config: "lossType=dr_grpo, β=0.04".
 * At most `max` settings, then "+N more"; "" when nothing differs.
 */
export function diffName(config: RunConfig, reference: RunConfig, max = 3): string {
  const paths = changedPaths(reference, config);
  const shown = paths.slice(0, max).map((p) => knobSetting(p, getPath(config, p)));
  const more = paths.length - shown.length;
  return shown.join(', ') + (more > 0 ? `, +${more} more` : '');
}

/** Every difference, one per entry, for a tooltip or the diff view: "lossType=dr_grpo (was grpo)". */
export function diffLines(config: RunConfig, reference: RunConfig): string[] {
  return changedPaths(reference, config).map((p) => `${knobSetting(p, getPath(config, p))} (was ${knobValue(getPath(reference, p))})`);
}

export interface NamedConfig {
  name: string;
  config: RunConfig;
}

/**
 * The reference with the fewest differing knobs (the first of a tie), e.g. a
 * preset the run was started from.
 */
export function closestReference(config: RunConfig, refs: readonly NamedConfig[]): NamedConfig {
  if (refs.length === 0) throw new Error('closestReference: no reference configs');
  let best = refs[0]!, bestN = Infinity;
  for (const r of refs) {
    const n = changedKnobs(r.config, config).length;
    if (n < bestN) { best = r; bestN = n; }
  }
  return best;
}

/** A run alone, named from its closest reference: "quick", "Dr. GRPO · β=0.04, seed=3". */
export function referenceName(config: RunConfig, refs: readonly NamedConfig[], max = 3): string {
  const ref = closestReference(config, refs);
  const d = diffName(config, ref.config, max);
  return d ? `${ref.name} · ${d}` : ref.name;
}

/**
 * A run's name beside another it is compared with: what differs from it, or
 * "same config" when nothing does.
 */
export function comparedName(config: RunConfig, other: RunConfig, max = 3): string {
  return diffName(config, other, max) || 'same config';
}
