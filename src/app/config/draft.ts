// Pure helpers of the config panel: how knobs are grouped, how an input's
// text becomes a knob value, and what applying a draft means (nothing, live
// changes sent with setLive, or a new run). No React, no DOM: tested in Node.

import {
  getPath, KNOBS, preset, PRESET_OVERRIDES,
  type Knob, type KnobGroup, type PresetName, type RunConfig, type TaskFamily,
} from '../../core/config';
import { changedPaths } from '../../core/configDiff';
import { countdownShape } from '../../tasks/countdown';
import { corpusStyles } from '../../tasks/corpus';
import { FAMILIES } from '../../tasks/problems';

/** The panel's order: what to learn, the model, the RL recipe, sampling, R1's stages around GRPO, the base model's corpus, then the seed. */
export const GROUP_ORDER: readonly KnobGroup[] = ['Task', 'Model', 'GRPO', 'Sampling', 'Pipeline', 'Base corpus', 'Seed'];

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

/** Knob paths whose values differ between the two configs (core/configDiff.ts; the panel's tests import it from here). */
export { changedPaths };

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

// --- task families and presets -------------------------------------------------

const STYLE_KNOBS = new Set(FAMILIES.flatMap((f) => corpusStyles(f).map((s) => `corpus.${s}`)));
const familyKind = (f: TaskFamily) => (f === 'countdown' ? 'countdown' : 'arithmetic');

/**
 * Why a knob does nothing for this config, or null when it counts: the base
 * corpus's style weights belong to one kind of task (arithmetic: direct,
 * stepwise, slip, corrected; countdown: guess, search, searchWrong), and the
 * other kind's are never read (tasks/corpus.ts). The panel greys those out.
 */
export function inactiveReason(knob: Knob, cfg: RunConfig): string | null {
  const stage = pipelineInactive(knob.path, cfg);
  if (stage !== undefined) return stage;
  if (!STYLE_KNOBS.has(knob.path)) return null;
  const own = corpusStyles(cfg.task.family);
  if (own.some((s) => `corpus.${s}` === knob.path)) return null;
  return `not used by ${familyKind(cfg.task.family)} tasks: their base corpus mixes ${own.join(', ')}`;
}

const COLD_START_ONLY = new Set(['pipeline.coldStartTraces']);
// the sampling knobs serve the rejection stage and distillation (the teacher's samples), the epochs the rejection stage only
const SAMPLING = new Set(['pipeline.rejectionSamples', 'pipeline.rejectionPrompts', 'pipeline.rejectionReadable']);

/**
 * A Pipeline knob of a stage that is off does nothing (train/stages.ts
 * stageMarkers): the cold start's with coldStartSteps 0, the rejection stage's
 * with rl1Steps 0, distillation's with teacher none; the sampling knobs serve
 * both the rejection stage and distillation, the SFT learning rate every SFT
 * stage. undefined: not such a knob.
 */
function pipelineInactive(path: string, cfg: RunConfig): string | null | undefined {
  const p = cfg.pipeline;
  const cold = p.coldStartSteps > 0, rejection = p.rl1Steps > 0, distill = p.teacher !== 'none';
  if (COLD_START_ONLY.has(path)) return cold ? null : 'the cold start is off: coldStartSteps is 0';
  if (path === 'pipeline.rejectionSftEpochs') return rejection ? null : 'the rejection stage is off: rl1Steps is 0';
  if (path === 'pipeline.distillSteps') return distill ? null : 'distillation is off: teacher is none';
  if (SAMPLING.has(path)) return rejection || distill ? null : 'the rejection stage and distillation are off: rl1Steps is 0, teacher none';
  if (path === 'pipeline.sftLr') return cold || rejection || distill ? null : 'every SFT stage is off: coldStartSteps and rl1Steps are 0, teacher none';
  return undefined;
}

/** What the Pipeline group runs for this config, in words: R1-Zero, or its stages in order. */
export function pipelineNote(cfg: RunConfig): string {
  const p = cfg.pipeline;
  if (p.coldStartSteps === 0 && p.rl1Steps === 0 && p.teacher === 'none') {
    return 'Every stage is off: GRPO alone from the base (R1-Zero). R1\'s four stages add a cold-start SFT before GRPO and a rejection-sampling SFT after rl1Steps GRPO steps; '
      + 'a teacher distils its right answers into this model before GRPO.';
  }
  const parts = [
    ...(p.coldStartSteps > 0 ? [`cold start (${p.coldStartSteps} SFT steps on ${p.coldStartTraces} search traces)`] : []),
    ...(p.teacher !== 'none' ? [`distillation from ${p.teacher} (${p.distillSteps} SFT steps on its right answers to ${p.rejectionPrompts} prompts × ${p.rejectionSamples}${p.rejectionReadable ? ', readable only' : ''})`] : []),
    p.rl1Steps > 0 ? `GRPO steps 0–${p.rl1Steps - 1}` : 'GRPO',
    ...(p.rl1Steps > 0 ? [`rejection sampling (${p.rejectionPrompts} prompts × ${p.rejectionSamples}${p.rejectionReadable ? ', readable only' : ''}) and ${p.rejectionSftEpochs} epoch${p.rejectionSftEpochs === 1 ? '' : 's'} of SFT`, `GRPO from step ${p.rl1Steps}`] : []),
  ];
  return `Stages: ${parts.join(' → ')}. The charts mark each stage at its GRPO step.`;
}

/** Which style weights the config's base corpus reads, for the Base corpus group. */
export function corpusNote(cfg: RunConfig): string {
  const kind = familyKind(cfg.task.family);
  const other = kind === 'countdown' ? 'arithmetic' : 'countdown';
  return `${kind === 'countdown' ? 'Countdown' : 'Arithmetic'} tasks: the base corpus mixes ${corpusStyles(cfg.task.family).join(', ')} traces; the ${other} styles are greyed out.`;
}

/** What a difficulty means for the config's family, when the knob's general help does not say it (countdown). */
export function difficultyNote(cfg: RunConfig): string | null {
  if (cfg.task.family !== 'countdown') return null;
  let s;
  try {
    s = countdownShape(cfg.task.difficulty);
  } catch {
    return null; // out of range: the knob's own error says so
  }
  return `countdown d=${cfg.task.difficulty}: ${s.numbers} numbers from 1 to ${s.maxValue}, ${s.ops.join(' ')}`;
}

/** The knob groups a preset sets, for its button's help: "task, GRPO, sampling and corpus". */
export function presetScope(name: PresetName): string {
  const names: Record<string, string> = { task: 'task', model: 'model', grpo: 'GRPO', sampling: 'sampling', corpus: 'corpus', pipeline: 'pipeline' };
  const parts = Object.keys(PRESET_OVERRIDES[name]).map((k) => names[k] ?? k);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? '');
}

/**
 * The draft after pressing a preset's button: the preset's own knobs, and
 * the draft's for every other. The objective presets (R1-Zero, Dr. GRPO,
 * DAPO) set only GRPO knobs, so they apply to the task at hand: DAPO on an
 * arithmetic draft is arithmetic DAPO. The task presets (R1-Zero (Countdown),
 * R1-Zero (Arithmetic)) set task, sampling and corpus as well. Every button
 * whose knobs the draft has is shown pressed (core/config.ts matchingPresets),
 * so the one just pressed always is.
 */
export function choosePreset(name: PresetName, draft: RunConfig): RunConfig {
  return preset(name, draft);
}
