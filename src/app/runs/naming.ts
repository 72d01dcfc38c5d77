// What the Runs list and the chart legends call a run (issue 18: two runs that
// differed in lossType and β both read "add d1 · 1L·4E·d32 · G8 · seed 7", and
// overlays were "Run 12/2/2026, 12:51:38 PM"). A run the user renamed keeps
// that name. Otherwise a run beside the live one is named by what differs from
// it ("β=0.04, lossType=dr_grpo"), and a run alone (the live one, or any while
// no run is live) by its closest starting point, a preset or the quick config,
// and what differs from that ("quick · β=0.04"). Pure: tested in Node.

import { DEFAULT_CONFIG, preset, PRESET_NAMES, type RunConfig } from '../../core/config';
import { comparedName, diffLines, referenceName, type NamedConfig } from '../../core/configDiff';
import { QUICK_CONFIG } from '../../train/quick';

/** The starting points a run alone is named from; on a tie the first wins. */
export const REFERENCES: readonly NamedConfig[] = [
  { name: 'quick', config: QUICK_CONFIG },
  ...PRESET_NAMES.map((name) => ({ name, config: preset(name) })),
  { name: 'defaults', config: DEFAULT_CONFIG },
];

export interface Nameable {
  id: string;
  config: RunConfig;
  /** The user's name for it (Rename); null or absent: named by what differs. */
  label?: string | null;
  created: number;
}

export interface RunName {
  name: string;
  /** Every difference, for a tooltip: "β=0.04 (was 0)"; empty for a renamed run. */
  detail: string;
}

/**
 * runs (N) -> names (N). `live` is the live run's config and `liveId` its
 * stored id (null when it is not stored or no run is live): the other runs are
 * named by what differs from it.
 */
export function runNames(runs: readonly Nameable[], live: RunConfig | null, liveId: string | null): RunName[] {
  return runs.map((r) => {
    if (r.label) return { name: r.label, detail: '' };
    const beside = live !== null && r.id !== liveId;
    if (beside) return { name: comparedName(r.config, live), detail: diffLines(r.config, live).join('\n') };
    return { name: referenceName(r.config, REFERENCES), detail: '' };
  });
}

/** "16:37:08": told apart by the time it was started when two names are equal. */
const clock = (t: number) => new Date(t).toLocaleTimeString([], { hour12: false });

/** Legend names of overlaid runs beside the live one: runNames, each unique (equal ones get their start time). */
export function overlayNames(runs: readonly Nameable[], live: RunConfig): string[] {
  const names = runNames(runs, live, null).map((n) => n.name);
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n, i) => (count.get(n)! > 1 ? `${n} (${clock(runs[i]!.created)})` : n));
}
