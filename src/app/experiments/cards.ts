// The Experiments panel's cards (issue 14): each asks one question R1-Zero and
// its follow-ups raised, says which chart and series answer it, what README
// measured (numbers from measured.ts, which its test checks against README;
// or plainly that it was not measured), and which runs answer it live: one
// arm, or two arms run one after the other and drawn over each other. Each
// has its full variant (README's scale) and a quick one (a few steps, a small
// held-out set) for tests and impatient visitors. Pure data from the configs.

import { mergeConfig, preset, STUDENT_MODEL, type DeepPartial, type RunConfig } from '../../core/config';
import { validateConfig } from '../../core/validate';
import type { ChartReference } from '../store';
import { QUICK_CONFIG } from '../../train/quick';
import { stageMarkers } from '../../train/stages';
import { ARITHMETIC_ROWS, ARITHMETIC_STEPS, COUNTDOWN_ARMS, DISTILL, PIPELINE, SECONDS_PER_STEP, type Cell } from './measured';

export type Variant = 'full' | 'quick';

/** One arm: its label on the charts, and the change it makes to the variant's base config. */
export interface ArmSpec {
  label: string;
  overrides: DeepPartial<RunConfig>;
  /** The quick variant's change on top (a pipeline's stages shrunk to a few steps). */
  quickOverrides?: DeepPartial<RunConfig>;
  /** Its GRPO steps when not the variant's: 0 takes none, the run is its stages and the step-0 evaluation (a distilled student, evaluated as distilled). */
  steps?: number;
}

export interface VariantSpec {
  /** The config the arms change. */
  base: RunConfig;
  steps: number;
  /** The scale the seconds-per-step estimate takes (measured.ts SECONDS_PER_STEP). */
  speed: keyof typeof SECONDS_PER_STEP;
}

export interface ExperimentCard {
  id: string;
  title: string;
  /** The question, in one sentence. */
  question: string;
  /** Which chart and series answer it. */
  watch: string;
  /** 'measured': README has it (text quotes measured.ts); otherwise the text says what is and is not measured ('being measured': a run in progress). */
  status: 'measured' | 'not measured' | 'being measured';
  measured: string;
  /** README's section the numbers come from. */
  source: string | null;
  /** README's measured values of what the app cannot run, drawn as lines on the charts beside the runs (the distilled student's accuracy). */
  references?: ChartReference[];
  arms: ArmSpec[];
  full: VariantSpec;
  quick: VariantSpec;
}

/** One run of an experiment: an arm's config at one seed, for `steps` GRPO steps. */
export interface PlannedRun {
  arm: string;
  config: RunConfig;
  steps: number;
}

const COUNTDOWN = preset('R1-Zero (Countdown)');
/** The countdown preset at a smaller scale: 4 prompts × 4 answers, 32 held-out problems, evaluated after the last step. */
const QUICK_STEPS = 3;
const countdownQuick = mergeConfig(COUNTDOWN, { grpo: { batchPrompts: 4, groupSize: 4, heldOutSize: 32, evalEvery: QUICK_STEPS } });
/** QUICK_CONFIG (the tests' tiny arithmetic model), evaluated after its two steps. */
const QUICK_ARITH_STEPS = 2;
const arithQuick = mergeConfig(QUICK_CONFIG, { grpo: { evalEvery: QUICK_ARITH_STEPS } });

const cd = (steps: number): VariantSpec => ({ base: COUNTDOWN, steps, speed: 'countdown' });
const cdQuick: VariantSpec = { base: countdownQuick, steps: QUICK_STEPS, speed: 'countdown' };
const arQuick: VariantSpec = { base: arithQuick, steps: QUICK_ARITH_STEPS, speed: 'quick' };

const { a, b, c, d } = COUNTDOWN_ARMS;
const seeds = (s: readonly number[]) => `${s.length} seeds (${s.join(', ')})`;
const ar = ARITHMETIC_ROWS;
const pc = (x: number) => `${(x * 100).toFixed(1)}%`;
const README_COUNTDOWN = 'README, "Countdown: the R1-Zero curves, measured"';

const GUESS_ONLY: DeepPartial<RunConfig> = { corpus: { guess: 1, search: 0, searchWrong: 0 } };
// R1's four stages (core/config.ts preset 'R1 (four stages, Countdown)'): what it changes from R1-Zero (Countdown)
const R1 = preset('R1 (four stages, Countdown)');
const FOUR_STAGES: DeepPartial<RunConfig> = { pipeline: R1.pipeline, grpo: { consistencyWeight: R1.grpo.consistencyWeight } };
/** The quick variant's stages: a 2-step cold start on 8 traces, 2 GRPO steps, 4 prompts × 4 samples rejected and kept for 1 epoch of SFT, 2 more GRPO steps. */
const PIPELINE_QUICK_STEPS = 4;
const FOUR_STAGES_QUICK: DeepPartial<RunConfig> = {
  pipeline: { coldStartSteps: 2, coldStartTraces: 8, rl1Steps: 2, rejectionPrompts: 4, rejectionSamples: 4, rejectionSftEpochs: 1 },
};
const pipelineQuick: VariantSpec = { base: mergeConfig(countdownQuick, { grpo: { evalEvery: PIPELINE_QUICK_STEPS } }), steps: PIPELINE_QUICK_STEPS, speed: 'countdown' };
const STUDENT: DeepPartial<RunConfig> = { model: STUDENT_MODEL };
const cell = ([m, lo, hi]: Cell) => `${m.toFixed(1)}% [${lo.toFixed(1)}, ${hi.toFixed(1)}]`;
const dr = DISTILL.rows;
const pr = PIPELINE.rows;
// Distillation into the student in the app (the pipeline's distill stage: preset 'Distilled student (Countdown)'), and its quick scale
const DISTILLED: DeepPartial<RunConfig> = { pipeline: preset('Distilled student (Countdown)').pipeline };
const DISTILLED_QUICK: DeepPartial<RunConfig> = { pipeline: { rejectionPrompts: 12, rejectionSamples: 4, distillSteps: 10 } };
// GRPO on the dense student: the countdown preset (and its quick scale) with the student's architecture, timed at the student's speed
const student = (v: VariantSpec): VariantSpec => ({ base: mergeConfig(v.base, STUDENT), steps: v.steps, speed: 'student' });

export const CARDS: readonly ExperimentCard[] = [
  {
    id: 'r1-countdown',
    title: 'R1-Zero on Countdown',
    question: 'Do accuracy, response length and aha moments all rise under GRPO on a task where checking a candidate pays?',
    watch: 'Held-out accuracy (greedy), Completion length (mean; right vs wrong), Aha moments (reflection and aha, with their Wilson bands).',
    status: 'measured',
    measured: `Arm (a), ${seeds(a.seeds)} × ${a.steps} steps, ${a.heldOut} held-out problems: greedy accuracy ${a.from.greedy}% → ${a.to.greedy}%, `
      + `mean length ${a.from.length} → ${a.to.length} tokens, reflection ${a.from.reflection}% → ${a.to.reflection}%, aha ${a.from.aha}% → ${a.to.aha}%, `
      + `attempts per completion ${a.from.attempts} → ${a.to.attempts} (mean over seeds).`,
    source: README_COUNTDOWN,
    arms: [{ label: 'R1-Zero (Countdown)', overrides: {} }],
    full: cd(a.steps),
    quick: cdQuick,
  },
  {
    id: 'ablation-guess',
    title: 'A base that never searches',
    question: 'Is the aha moment learned by GRPO, or amplified from what the base model already did?',
    watch: 'Aha moments (reflection, aha) and Completion length: the searching base against the guess-only base.',
    status: 'measured',
    measured: `Arm (b), the guess-only base, ${seeds(b.seeds)} × ${b.steps} steps: greedy ${b.from.greedy}% → ${b.to.greedy}%, length ${b.from.length} → ${b.to.length} tokens, `
      + `reflection ${b.from.reflection}% at every evaluation: nothing grows. From the searching base (arm a) greedy rose ${a.from.greedy}% → ${a.to.greedy}% and reflection ${a.from.reflection}% → ${a.to.reflection}%.`,
    source: README_COUNTDOWN,
    arms: [{ label: 'searching base', overrides: {} }, { label: 'guess-only base', overrides: GUESS_ONLY }],
    full: cd(b.steps),
    quick: cdQuick,
  },
  {
    id: 'search-wrong',
    title: 'A base whose search ends wrong',
    question: 'Does a base that searches but commits to a wrong candidate still learn to reflect (Gandhi et al.\'s "incorrect but structured" control)?',
    watch: 'Aha moments and Held-out accuracy against the R1-Zero (Countdown) card.',
    status: 'measured',
    measured: `Arm (c), ${seeds(c.seeds)} × ${c.steps} steps: greedy ${c.from.greedy}% → ${c.to.greedy}% (mean; the seeds disagree, see README), `
      + `length ${c.from.length} → ${c.to.length} tokens, attempts ${c.from.attempts} → ${c.to.attempts}, reflection ${c.from.reflection}% → ${c.to.reflection}%, `
      + `aha ${c.from.aha}% → ${c.to.aha}%: between the searching base (a: reflection ${a.to.reflection}%) and the guess-only one (b: ${b.to.reflection}%).`,
    source: README_COUNTDOWN,
    arms: [{ label: 'search-wrong base', overrides: { corpus: { search: 0, searchWrong: 0.15 } } }],
    full: cd(a.steps),
    quick: cdQuick,
  },
  {
    id: 'dr-grpo',
    title: 'GRPO 1/|o| against Dr. GRPO',
    question: 'Does GRPO\'s per-sequence 1/|o| normalisation let wrong answers grow long?',
    watch: 'Completion length: the wrong-answer line of each arm (and the right-answer line).',
    status: 'measured',
    measured: `Arms (a) and (d), ${seeds(d.seeds)} × ${d.steps} steps: wrong answers ${a.to.lengthWrong} (1/|o|) against ${d.to.lengthWrong} tokens (dr_grpo) at step ${d.steps}, `
      + `right answers ${a.to.lengthRight} against ${d.to.lengthRight}, greedy ${a.to.greedy}% against ${d.to.greedy}%: no length bias at this scale.`,
    source: README_COUNTDOWN,
    arms: [{ label: 'grpo (1/|o|)', overrides: {} }, { label: 'dr_grpo', overrides: { grpo: { lossType: 'dr_grpo' } } }],
    full: cd(d.steps),
    quick: cdQuick,
  },
  {
    id: 'temperature',
    title: 'Temperature 1 against 0.7',
    question: 'Why does the sampling temperature matter: do more groups come out all wrong, so their equal rewards teach nothing?',
    watch: 'Groups without signal (the share of groups with zero reward spread) and Held-out accuracy.',
    status: 'not measured',
    measured: `Not measured on countdown, and the share of zero-spread groups was not recorded. On arithmetic (${ARITHMETIC_STEPS} steps): `
      + `at T = 0.7 greedy ${pc(ar.t07.greedyFrom)} → ${pc(ar.t07.greedyTo)} (seed 1); at T = 1 ${pc(ar.t1.greedyFrom)} → ${pc(ar.t1.greedyTo)} (seed 1) `
      + `and ${pc(ar.t1s2.greedyFrom)} → ${pc(ar.t1s2.greedyTo)} (seed 2), with sampled pass@1 ${pc(ar.t1.sampledFrom)} at step 0 against ${pc(ar.t07.sampledFrom)} at 0.7.`,
    source: 'README, "The R1-Zero result, measured"',
    arms: [{ label: 'T = 1', overrides: { sampling: { temperature: 1 } } }, { label: 'T = 0.7', overrides: { sampling: { temperature: 0.7 } } }],
    full: cd(a.steps),
    quick: arQuick,
  },
  {
    id: 'kl-beta',
    title: 'β = 0 against β > 0',
    question: 'What does the KL term do: how far does the policy drift from its base with and without it?',
    watch: 'KL (only the β > 0 arm computes it), Entropy and Held-out accuracy.',
    status: 'not measured',
    measured: `Only β = 0.001 was run: KL ${a.to.kl} at step ${a.steps} on countdown (arm a, mean of ${a.seeds.length} seeds) and ${ar.t07.kl} after ${ARITHMETIC_STEPS} steps on arithmetic. `
      + 'β = 0 was not measured; with β = 0 the reference model is never run, so its KL line stays at 0 and its drift shows only in entropy and accuracy.',
    source: README_COUNTDOWN,
    arms: [{ label: 'β = 0', overrides: { grpo: { beta: 0 } } }, { label: 'β = 0.001', overrides: { grpo: { beta: 0.001 } } }],
    full: cd(a.steps),
    quick: arQuick,
  },
  {
    id: 'format-reward',
    title: 'Format reward on or off',
    question: 'Does the small reward for well-formed answers help, or does the policy learn the tags instead of the task?',
    watch: 'Reward (total, accuracy, format) and Held-out accuracy; the health warning names format gaming.',
    status: 'not measured',
    measured: 'Not measured: every README run kept the format reward (0.1 on countdown, 1 on the quick config).',
    source: null,
    arms: [{ label: 'format reward on', overrides: {} }, { label: 'format reward off', overrides: { grpo: { formatWeight: 0 } } }],
    full: cd(a.steps),
    quick: arQuick,
  },
  {
    id: 'distill-student',
    title: 'Distil a dense student, or run GRPO on it',
    question: 'For a small dense model, does fine-tuning on a stronger model\'s right answers beat GRPO on the small model itself, as R1\'s distilled models beat RL on theirs?',
    watch: `Held-out accuracy (greedy): the distilled student at step 0 (a point: it takes no GRPO step) against GRPO on the student; README's distilled ${DISTILL.rows.distilled.greedy[0].toFixed(1)}% as a dotted line. `
      + 'The Pipeline stages region shows what the teacher\'s samples kept and dropped.',
    status: 'measured',
    measured: `The dense student (${DISTILL.studentParameters} parameters), ${seeds(DISTILL.seeds)}, ${DISTILL.heldOut} held-out problems, greedy accuracy (mean [95% t over seeds]): `
      + `from its base's ${dr.base.greedy[0].toFixed(1)}%, SFT on the right answers among ${DISTILL.teacherSamples} samples of the MoE teacher (itself ${DISTILL.teacherGreedy[0].toFixed(1)}% after ${DISTILL.teacherSteps} GRPO steps) `
      + `reaches ${cell(dr.distilled.greedy)}; GRPO on the student reaches ${cell(dr.grpoEqual.greedy)} at equal samples (${DISTILL.equalSteps} steps) `
      + `and ${cell(dr.grpoLong.greedy)} at ${DISTILL.longSteps} steps (7× the samples), with more reflection (${dr.grpoLong.reflection[0].toFixed(1)}% against ${dr.distilled.reflection[0].toFixed(1)}%). `
      + 'Equal wall time was not pinned down (see README).',
    source: 'README, "Distillation, measured"',
    references: [{ chart: 'heldout', y: dr.distilled.greedy[0] / 100, label: `distilled student (README): ${dr.distilled.greedy[0].toFixed(1)}%` }],
    // equal samples: the teacher's 512 prompts × 8 = 4096 against 64 GRPO steps × 8 × 8 (quick: 12 × 4 = 48 against 3 × 4 × 4)
    arms: [
      { label: 'distilled student', overrides: DISTILLED, quickOverrides: DISTILLED_QUICK, steps: 0 },
      { label: 'GRPO on the dense student', overrides: {} },
    ],
    full: student(cd(DISTILL.equalSteps)),
    quick: student(cdQuick),
  },
  {
    id: 'r1-pipeline',
    title: 'R1-Zero against R1\'s four stages',
    question: 'Does R1\'s recipe (a cold-start SFT, GRPO with a consistency reward, rejection-sampling SFT, GRPO again) reach a given accuracy sooner, or read better, than GRPO alone from the same base?',
    watch: 'Held-out accuracy (greedy), Completion length and Reward (its consistency component) of both arms; the stage markers on every chart; the Pipeline stages region (what rejection sampling kept and dropped).',
    status: 'measured',
    measured: `${seeds(PIPELINE.seeds)} × ${PIPELINE.steps} GRPO steps from the same base, ${PIPELINE.heldOut} held-out problems (mean [95% t over seeds]). `
      + `Accuracy: no difference, greedy ${cell(pr.zero.greedy)} (R1-Zero) against ${cell(pr.four.greedy)} (four stages). `
      + `The cold start gets there first: it takes greedy accuracy from the base's ${pr.base.greedy[0].toFixed(1)}% to ${pr.coldStart.greedy[0].toFixed(1)}% before any GRPO step; `
      + `R1-Zero reaches 55% after ${PIPELINE.to55.zero} steps (per seed), the four stages after ${PIPELINE.to55.four}. `
      + `Readable thoughts (sampled) are where they differ: R1-Zero's fall from the base's ${pr.base.readable[0].toFixed(1)}% to ${cell(pr.zero.readable)}, `
      + `the four stages end at ${cell(pr.four.readable)}. Length ${pr.zero.length} against ${pr.four.length} tokens.`,
    source: 'README, "The four-stage recipe, measured"',
    arms: [
      { label: 'R1-Zero', overrides: {} },
      { label: 'four stages', overrides: FOUR_STAGES, quickOverrides: FOUR_STAGES_QUICK },
    ],
    full: cd(a.steps),
    quick: pipelineQuick,
  },
];

export function cardById(id: string): ExperimentCard | null {
  return CARDS.find((c) => c.id === id) ?? null;
}

/** The runs one click starts: every arm at every seed (arm by arm), the variant's steps; a bad config is refused by name. */
export function planRuns(card: ExperimentCard, variant: Variant, seedList: readonly number[] = [1]): PlannedRun[] {
  const v = card[variant];
  return card.arms.flatMap((arm) => seedList.map((seed) => {
    const config = mergeConfig(mergeConfig(v.base, { ...arm.overrides, seed }), variant === 'quick' ? arm.quickOverrides ?? {} : {});
    const { errors } = validateConfig(config);
    if (errors.length) throw new Error(`experiment ${card.id}, arm ${arm.label}: ${errors.map((e) => e.message).join('; ')}`);
    return { arm: arm.label, config, steps: arm.steps ?? v.steps };
  }));
}

/** Whether an arm of the variant runs R1's pipeline stages (their time is not in estimateSeconds). */
export function hasStages(card: ExperimentCard, variant: Variant): boolean {
  return planRuns(card, variant).some((p) => stageMarkers(p.config).length > 0);
}

/** Seconds a plan takes on the CPU backend here, from README's seconds per step (evaluations not counted). */
export function estimateSeconds(card: ExperimentCard, variant: Variant, nSeeds = 1): number {
  const v = card[variant];
  // the quick countdown variants sample 4 × 4 answers instead of 8 × 8: about a quarter of the step
  const scale = v.speed === 'quick' ? 1 : (v.base.grpo.batchPrompts * v.base.grpo.groupSize) / (COUNTDOWN.grpo.batchPrompts * COUNTDOWN.grpo.groupSize);
  return card.arms.reduce((a, arm) => a + (arm.steps ?? v.steps), 0) * nSeeds * SECONDS_PER_STEP[v.speed] * scale;
}

/** "about 23 min", "about 40 s". */
export function durationWords(seconds: number): string {
  return seconds >= 90 ? `about ${Math.round(seconds / 60)} min` : `about ${Math.max(1, Math.round(seconds))} s`;
}
