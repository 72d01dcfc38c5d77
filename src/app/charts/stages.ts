// Stage markers (issue 17): where R1's pipeline stages ran, as vertical lines
// on every chart. Where a stage sits is a pure function of the run's config
// (train/stages.ts stageMarkers), so a stored run, a link or an experiment's
// arm draws its stages from its config alone; a stage is drawn once its run
// has reached it (a marker past the run's last point would stretch every x
// axis to a step nobody has seen). Pure: tested in Node (stages.test.ts).

import type { RunConfig } from '../../core/config';
import { stageMarkers, type StageKind } from '../../train/stages';
import { armKey } from './bands';
import { overlayColors } from './overlay';
import { C } from './series';

export interface ChartMarker {
  /** Unique per chart: the run (or 'live') and the stage. */
  key: string;
  /** The GRPO step the stage ran before (it ran after `step` steps were taken). */
  step: number;
  /**
   * Where the line goes: x is the 0-based step whose rollouts a point
   * describes (series.ts), so the stage sits halfway between the last point
   * before it (step - 1) and the first after it (step); the cold start left of
   * the step-0 evaluation, which already evaluates the cold-started policy.
   */
  x: number;
  kind: StageKind;
  /** Whose stage: null for the live run, else the overlaid run's or arm's name. */
  run: string | null;
  /** The stage in a word or two (STAGE_WORDS). */
  word: string;
  /** Beside the line: the stage, and whose it is when it is not the live run's. */
  label: string;
  /** The whole description (stageMarkers' label), for the list under the charts. */
  title: string;
  color: string;
  /** Overlaid runs' markers are dashed in their run's colour; the live run's solid. */
  dashed: boolean;
}

/** A stage's short label beside its line; stages.test.ts checks every STAGE_KINDS entry has one (distill: the pipeline's distillation stage). */
export const STAGE_WORDS: Readonly<Record<string, string>> = { coldStart: 'cold start', distill: 'distilled', rejection: 'rejection SFT' };
const stageWord = (kind: StageKind): string => STAGE_WORDS[kind] ?? kind;
export const LIVE_STAGE_COLOR = C.grey;

/**
 * The last GRPO step a run has reached: the furthest of its metrics (step k's
 * rollouts), its evaluations (after k steps) and its stage reports (before
 * step k); -1 when it has nothing yet.
 */
export function reachedStep(metrics: readonly { step: number }[] = [], evals: readonly { step: number }[] = [], stageSteps: readonly number[] = []): number {
  return Math.max(-1, metrics.at(-1)?.step ?? -1, evals.at(-1)?.step ?? -1, ...stageSteps);
}

function markersOf(cfg: RunConfig, reached: number, run: { key: string; name: string | null; color: string }): ChartMarker[] {
  return stageMarkers(cfg).filter((m) => m.step <= reached).map((m) => ({
    key: `${run.key}:${m.kind}:${m.step}`,
    step: m.step,
    x: m.step - 0.5,
    kind: m.kind,
    run: run.name,
    word: stageWord(m.kind),
    label: run.name === null ? stageWord(m.kind) : `${stageWord(m.kind)} (${run.name})`,
    title: m.label,
    color: run.color,
    dashed: run.name !== null,
  }));
}

/** What a marker needs of an overlaid run (store.ts OverlayRun) or an arm (ArmRuns): its config and how far it got. */
interface Overlaid {
  id: string;
  name: string;
  config?: RunConfig;
  metrics?: readonly { step: number }[];
  evals?: readonly { step: number }[];
}

/**
 * Every stage marker the charts draw: the live run's (solid, grey, from its
 * config, up to the step it reached), then each overlaid run's and each
 * multi-seed arm's (dashed, in the colour its lines have) where the live run
 * has no stage of the same kind at the same step: one line says it for both.
 * `overlays` must be in the order the overlay lines were coloured in
 * (overlay.ts overlayColors), `arms` the shown experiment's.
 */
export function chartMarkers(
  live: { config: RunConfig; reached: number },
  overlays: readonly Overlaid[] = [],
  arms: readonly { label: string; runs: readonly Overlaid[] }[] = [],
): ChartMarker[] {
  const out = markersOf(live.config, live.reached, { key: 'live', name: null, color: LIVE_STAGE_COLOR });
  const seen = new Set(out.map((m) => `${m.kind}:${m.step}`));
  const add = (ms: ChartMarker[]) => {
    for (const m of ms) {
      const at = `${m.kind}:${m.step}`;
      if (seen.has(at)) continue;
      seen.add(at);
      out.push(m);
    }
  };
  const colors = overlayColors(overlays.map((o) => o.id));
  overlays.forEach((o, i) => {
    if (o.config) add(markersOf(o.config, reachedStep(o.metrics, o.evals), { key: o.id, name: o.name, color: colors[i]! }));
  });
  const several = arms.filter((a) => a.runs.length >= 2);
  const armColors = overlayColors(several.map((a) => armKey(a.label)));
  several.forEach((a, i) => {
    // the seeds of an arm share its stages (they differ in the seed only): the furthest seed says how far it got
    const cfg = a.runs.find((r) => r.config)?.config;
    if (cfg) add(markersOf(cfg, Math.max(...a.runs.map((r) => reachedStep(r.metrics, r.evals))), { key: armKey(a.label), name: a.label, color: armColors[i]! }));
  });
  return out.sort((a, b) => a.x - b.x);
}

/**
 * One line per place and run: stages of one run at the same step (a cold
 * start, then a distillation, both before step 0) share a line whose label
 * names both ("cold start + distilled").
 */
export function markerLines(markers: readonly ChartMarker[]): (ChartMarker & { kinds: StageKind[] })[] {
  const out: (ChartMarker & { kinds: StageKind[] })[] = [];
  for (const m of markers) {
    const same = out.find((o) => o.x === m.x && o.run === m.run && o.color === m.color);
    if (!same) {
      out.push({ ...m, kinds: [m.kind] });
      continue;
    }
    same.kinds.push(m.kind);
    same.word = `${same.word} + ${m.word}`;
    same.label = m.run === null ? same.word : `${same.word} (${m.run})`;
    same.key = `${same.key}+${m.kind}`;
  }
  return out;
}
