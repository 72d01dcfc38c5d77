// What README measured, as the experiment cards quote it: copied from
// README's tables ("Countdown: the R1-Zero curves, measured", "The R1-Zero
// result, measured", "Distillation, measured"), never written from
// expectation. measured.test.ts reads README back and fails when a number
// here and README's disagree, so a new measurement cannot leave a card behind.

/** One row of a countdown arm's table: the mean over seeds (first number of each cell), rates in %, lengths in tokens. */
export interface ArmRow {
  greedy: number;
  sampled: number;
  length: number;
  lengthRight: number;
  lengthWrong: number;
  reflection: number;
  aha: number;
  attempts: number;
  kl: number;
}

export interface MeasuredArm {
  /** README's table heading starts with this. */
  heading: string;
  seeds: readonly number[];
  steps: number;
  heldOut: number;
  base: string;
  /** Step 0 and the last step. */
  from: ArmRow;
  to: ArmRow;
}

const A0: ArmRow = { greedy: 30.1, sampled: 28.1, length: 19.6, lengthRight: 19.9, lengthWrong: 19.5, reflection: 11.7, aha: 4.3, attempts: 1.23, kl: 0 };

/** README "Countdown: the R1-Zero curves, measured": arms (a) to (d), 3 seeds × 150 steps each. */
export const COUNTDOWN_ARMS = {
  a: {
    heading: '#### (a) R1-Zero (Countdown) from its base', seeds: [1, 2, 3], steps: 150, heldOut: 256, base: 'base-countdown-long.safetensors',
    from: A0,
    to: { greedy: 56.4, sampled: 50.3, length: 29.9, lengthRight: 30.2, lengthWrong: 29.5, reflection: 63.0, aha: 31.0, attempts: 2.40, kl: 0.1764 },
  },
  b: {
    heading: '#### (b) the guess-only base (ablation)', seeds: [1, 2, 3], steps: 150, heldOut: 256, base: 'base-countdown-guess-long.safetensors',
    from: { greedy: 27.0, sampled: 26.0, length: 17.6, lengthRight: 17.6, lengthWrong: 17.6, reflection: 0, aha: 0, attempts: 1.0, kl: 0 },
    to: { greedy: 24.9, sampled: 27.2, length: 17.5, lengthRight: 17.5, lengthWrong: 17.5, reflection: 0, aha: 0, attempts: 1.0, kl: 0.0940 },
  },
  c: {
    heading: '#### (c) search traces that end wrong instead of right', seeds: [1, 2, 3], steps: 150, heldOut: 256, base: 'base-countdown-wrong-long.safetensors',
    from: { greedy: 25.0, sampled: 23.0, length: 20.2, lengthRight: 18.7, lengthWrong: 20.7, reflection: 15.4, aha: 1.4, attempts: 1.30, kl: 0 },
    to: { greedy: 36.8, sampled: 29.9, length: 20.5, lengthRight: 20.7, lengthWrong: 20.5, reflection: 18.2, aha: 5.9, attempts: 1.35, kl: 0.1945 },
  },
  d: {
    heading: '#### (d) the preset with `dr_grpo` instead of 1/|o|', seeds: [1, 2, 3], steps: 150, heldOut: 256, base: 'base-countdown-long.safetensors',
    from: A0,
    to: { greedy: 57.2, sampled: 51.0, length: 29.7, lengthRight: 30.5, lengthWrong: 28.8, reflection: 60.5, aha: 31.0, attempts: 2.37, kl: 0.1472 },
  },
} as const satisfies Record<string, MeasuredArm>;

/** One row of README's arithmetic table ("The R1-Zero result, measured"): seed 1 unless named, 300 steps, 64 held-out problems. */
export interface ArithmeticRow {
  /** README's row starts with this. */
  row: string;
  greedyFrom: number;
  greedyTo: number;
  sampledFrom: number;
  sampledTo: number;
  kl: number;
}

export const ARITHMETIC_STEPS = 300;
export const ARITHMETIC_ROWS = {
  t07: { row: '| **default** (T = 0.7), seed 1', greedyFrom: 0.313, greedyTo: 0.469, sampledFrom: 0.094, sampledTo: 0.297, kl: 0.056 },
  t1: { row: '| T = 1 (`--set sampling.temperature=1`), seed 1', greedyFrom: 0.313, greedyTo: 0.328, sampledFrom: 0.016, sampledTo: 0.172, kl: 0.099 },
  t1s2: { row: '| T = 1, seed 2', greedyFrom: 0.109, greedyTo: 0.281, sampledFrom: 0.078, sampledTo: 0.109, kl: 0.069 },
} as const satisfies Record<string, ArithmeticRow>;

/** A rate cell of README's distillation table: the mean over seeds and its 95% interval, in %. */
export type Cell = readonly [mean: number, lo: number, hi: number];

export interface DistillRow {
  /** README's row starts with this. */
  row: string;
  greedy: Cell;
  sampled: Cell;
  /** Mean sampled length in tokens (mean over seeds). */
  length: number;
  reflection: Cell;
}

export interface DistillMeasured {
  /** README's section heading. */
  heading: string;
  seeds: readonly number[];
  heldOut: number;
  /** As README writes them. */
  studentParameters: string;
  teacherSteps: number;
  teacherGreedy: Cell;
  teacherSamples: number;
  /** The GRPO arm's steps at equal samples (× the preset's 8 × 8 = the teacher's samples) and in the long run. */
  equalSteps: number;
  longSteps: number;
  rows: Record<'base' | 'distilled' | 'grpoEqual' | 'grpoLong', DistillRow>;
}

/** README "Distillation, measured": the dense student, 3 seeds, 256 held-out problems (the table is `npm run distill:table`'s). */
export const DISTILL: DistillMeasured = {
  heading: '### Distillation, measured',
  seeds: [1, 2, 3],
  heldOut: 256,
  studentParameters: '21,504',
  teacherSteps: 60,
  teacherGreedy: [52.3, 46.2, 58.4],
  teacherSamples: 4096,
  equalSteps: 64,
  longSteps: 450,
  rows: {
    base: { row: '| base (step 0) |', greedy: [27.0, 21.9, 32.7], sampled: [26.0, 16.5, 35.6], length: 19.5, reflection: [11.6, 7.2, 16.0] },
    distilled: { row: '| distilled |', greedy: [56.4, 53.3, 59.5], sampled: [41.5, 34.2, 48.9], length: 27.1, reflection: [47.0, 38.9, 55.1] },
    grpoEqual: { row: '| GRPO, step 64 (equal samples) |', greedy: [46.0, 42.0, 49.9], sampled: [25.9, 20.9, 30.9], length: 21.3, reflection: [19.9, 5.6, 34.2] },
    grpoLong: { row: '| GRPO, step 450 |', greedy: [59.4, 58.4, 60.3], sampled: [45.3, 32.6, 58.0], length: 29.2, reflection: [64.3, 56.1, 72.6] },
  },
};

/** One row of README's four-stage table: rates in % as mean [95% t over seeds] (a mean alone where README gives one), length in tokens. */
export interface PipelineRow {
  /** README's row starts with this (bold marks dropped). */
  row: string;
  /** The base's is the evaluation's own Wilson interval (README's †): its greedy accuracy is the same in every seed. */
  greedy: Cell;
  sampled: Cell;
  length: number;
  /** Well formed, ended and readable (sampled pass). */
  readable: Cell;
  reflection: Cell;
}

/** README "The four-stage recipe, measured": R1-Zero against R1's four stages, 150 GRPO steps each from the same base, 3 seeds, 256 held-out problems. */
export const PIPELINE = {
  heading: '### The four-stage recipe, measured',
  seeds: [1, 2, 3] as readonly number[],
  steps: 150,
  heldOut: 256,
  rows: {
    base: { row: '| base (step 0 of every arm) |', greedy: [30.1, 24.8, 36.0], sampled: [28.1, 15.3, 41.0], length: 19.6, readable: [55.2, 49.9, 60.6], reflection: [11.7, 9.2, 14.3] },
    zero: { row: '| R1-Zero, step 150 |', greedy: [56.1, 51.2, 61.0], sampled: [49.3, 46.4, 52.3], length: 29.9, readable: [17.4, 0.0, 43.2], reflection: [62.5, 37.2, 87.8] },
    coldStart: { row: '| four stages, after the cold start (step 0) |', greedy: [53.6, 45.2, 62.1], sampled: [40.0, 29.2, 50.7], length: 27.2, readable: [42.8, 31.3, 54.4], reflection: [59.1, 54.3, 63.9] },
    four: { row: '| four stages, step 150 |', greedy: [57.4, 48.2, 66.7], sampled: [54.2, 46.3, 62.0], length: 28.8, readable: [43.9, 39.5, 48.3], reflection: [61.8, 58.4, 65.3] },
  } satisfies Record<string, PipelineRow>,
  /** "GRPO steps to a held-out greedy accuracy" ≥ 55%, per seed, as README lists them. */
  to55: { zero: '130, 130, 130', four: '110, 75, 0' },
};

/**
 * Seconds per GRPO step on the CPU backend, as README measured them: the
 * countdown preset "about 4–5 s of one core" (4.5 taken), QUICK_CONFIG 0.43 s
 * ("--quick --steps 3"), the dense student 0.25–0.6 s (0.6 taken). The held-out
 * evaluations come on top.
 */
export const SECONDS_PER_STEP = { countdown: 4.5, quick: 0.43, student: 0.6 } as const;
export const SECONDS_PER_STEP_README = {
  countdown: 'about 4–5 s of one core',
  quick: 'takes 0.43 s per GRPO step on the CPU backend',
  // GRPO on the dense student (README "Distillation, measured"), the top of its range taken
  student: 'about 0.25–0.6 s per step',
} as const;
