// RunConfig: every knob of a run, as one declarative property table (after
// tensorflow/playground's state.ts). The table is the single source for
// defaults, hard limits, validation messages, the UI's hover help, which knobs
// may change mid-run, and (later) the URL codec. A config is plain JSON data.

export type TaskFamily = 'add' | 'sub' | 'mul' | 'mixed' | 'countdown';
export type Positions = 'rope' | 'learned';
export type RouterKind = 'softmax' | 'sigmoid';
export type Balance = 'aux' | 'auxFree' | 'none';
export type FfnKind = 'swiglu' | 'gelu';
export type LossType = 'grpo' | 'dapo' | 'dr_grpo' | 'bnpo';
export type ScaleRewards = 'group' | 'batch' | 'none';
export type LrSchedule = 'constant' | 'cosine';

export interface RunConfig {
  /** Seeds every random draw of the run: init, corpus, prompts, sampling. */
  seed: number;
  task: {
    family: TaskFamily;
    /** 1..5; what it means per family is defined in tasks/ (mostly operand digits). */
    difficulty: number;
    /** Percent of the problem space reserved (by hash) for held-out evaluation. */
    heldOutPercent: number;
  };
  model: {
    dModel: number; // C, the residual width
    nLayers: number; // L
    nHeads: number; // NH; head size is dModel / nHeads
    maxSeqLen: number; // T_max, prompt + completion
    positions: Positions;
    nShared: number; // always-on shared experts
    nRouted: number; // E, routed experts
    topK: number; // k routed experts per token
    dExpert: number; // H, hidden width of one expert
    router: RouterKind;
    balance: Balance;
    auxAlpha: number; // Switch aux loss weight
    biasGamma: number; // aux-free bias step
    ffn: FfnKind;
    initStd: number;
  };
  grpo: {
    batchPrompts: number; // B prompts per step
    groupSize: number; // G completions per prompt
    mu: number; // inner iterations per rollout
    beta: number; // KL weight; 0 skips the reference forward
    epsLow: number;
    epsHigh: number;
    lossType: LossType;
    scaleRewards: ScaleRewards;
    dynamicSampling: boolean;
    maxCompletionLength: number;
    formatWeight: number;
    accuracyWeight: number;
    /** Weight w of the consistency penalty, in [-w, 0] (rl/rewards.ts consistencyPenalty); 0 = off. */
    consistencyWeight: number;
    overlongShaping: boolean;
    overlongBuffer: number; // tokens before the limit where the DAPO penalty ramps in
    overlongPenalty: number; // penalty at the limit
    lr: number;
    lrSchedule: LrSchedule;
    warmupSteps: number;
    totalSteps: number;
    weightDecay: number;
    adamBeta1: number;
    adamBeta2: number;
    adamEps: number;
    gradClip: number;
    evalEvery: number;
    heldOutSize: number;
  };
  sampling: {
    temperature: number;
    topK: number; // 0 = off
    topP: number; // 1 = off
  };
  corpus: {
    direct: number; // weights of the four trace styles of the arithmetic base corpus
    stepwise: number;
    slip: number;
    corrected: number;
    guess: number; // weights of the three countdown trace styles (tasks/countdown.ts)
    search: number;
    searchWrong: number;
    pretrainSteps: number;
    pretrainLr: number;
    pretrainBatch: number;
  };
  /**
   * R1's four-stage recipe (issue 17; train/pipeline.ts): cold-start SFT -> GRPO -> rejection-sampling SFT -> GRPO.
   * Every stage is off by default, which is R1-Zero: GRPO alone from the base.
   */
  pipeline: {
    coldStartSteps: number; // SFT steps on the cold-start traces before GRPO step 0; 0 = no cold start
    coldStartTraces: number; // search-style traces drawn with their own stream (STREAM.coldStart)
    rl1Steps: number; // GRPO steps before the rejection stage; 0 = no rejection stage
    rejectionSamples: number; // K completions per prompt
    rejectionPrompts: number; // train prompts 0 .. n-1
    rejectionReadable: boolean; // also drop unreadable traces (train/rejection.ts)
    rejectionSftEpochs: number; // SFT on the kept traces: ceil(epochs * kept / rows) steps, since how many are kept is not known before
    sftLr: number; // both SFT stages, constant
    // Distillation (issue 17 item 3; train/pipeline.ts distillStage): a shipped teacher's rejection-sampled traces
    // (rejectionPrompts x rejectionSamples, rejectionReadable) fine-tune this run's model before GRPO step 0
    teacher: TeacherName; // 'none' = no distillation; else public/<name>.safetensors
    distillSteps: number; // SFT steps of the student on the kept traces (steps, not epochs: npm run distill's contract)
  };
}

/** Distillation teachers shipped as public/<name>.safetensors, each with its own model config (README "Distillation, measured"). */
export const TEACHER_NAMES = ['none', 'teacher-countdown-grpo60'] as const;
export type TeacherName = (typeof TEACHER_NAMES)[number];

export type KnobGroup = 'Seed' | 'Task' | 'Model' | 'GRPO' | 'Sampling' | 'Base corpus' | 'Pipeline';

interface KnobBase {
  /** Dotted path into RunConfig, e.g. 'grpo.beta'. */
  path: string;
  group: KnobGroup;
  /** One line for the UI's hover help. */
  help: string;
  /** Safe to change mid-run: applies at the next step without a reset. */
  live: boolean;
}
export interface NumberKnob extends KnobBase {
  kind: 'int' | 'float';
  min: number;
  max: number;
}
export interface EnumKnob extends KnobBase {
  kind: 'enum';
  options: readonly string[];
}
export interface BoolKnob extends KnobBase {
  kind: 'bool';
}
export type Knob = NumberKnob | EnumKnob | BoolKnob;

export const DEFAULT_CONFIG: RunConfig = {
  seed: 1234,
  // The R1-Zero (Countdown) preset, since issue 13 measured the R1-Zero curves on it (README "Countdown"):
  // the first thing a visitor sees is the R1-Zero story. Today's arithmetic default was 'R1-Zero (Arithmetic)'
  // until then; links made before the change keep opening it (share/linkDefaults.ts, r1).
  task: { family: 'countdown', difficulty: 1, heldOutPercent: 10 },
  model: {
    dModel: 64,
    nLayers: 2,
    nHeads: 4,
    maxSeqLen: 96,
    positions: 'rope',
    nShared: 1,
    nRouted: 4,
    topK: 2,
    dExpert: 64,
    router: 'softmax',
    balance: 'auxFree',
    auxAlpha: 0.01,
    biasGamma: 0.001,
    ffn: 'swiglu',
    initStd: 0.02,
  },
  grpo: {
    batchPrompts: 8,
    groupSize: 8,
    mu: 1,
    beta: 0.001,
    epsLow: 0.2,
    epsHigh: 0.2,
    lossType: 'grpo',
    scaleRewards: 'group',
    dynamicSampling: false,
    maxCompletionLength: 64,
    formatWeight: 0.1,
    accuracyWeight: 1,
    consistencyWeight: 0,
    overlongShaping: false,
    overlongBuffer: 16,
    overlongPenalty: 1,
    lr: 1e-4,
    lrSchedule: 'constant',
    warmupSteps: 10,
    totalSteps: 500,
    weightDecay: 0,
    adamBeta1: 0.9,
    adamBeta2: 0.99,
    adamEps: 1e-8,
    gradClip: 1,
    evalEvery: 50,
    heldOutSize: 256,
  },
  sampling: { temperature: 1, topK: 0, topP: 1 },
  corpus: {
    direct: 0.3,
    stepwise: 0.4,
    slip: 0.15,
    corrected: 0.15,
    guess: 0.85,
    search: 0.15,
    searchWrong: 0,
    pretrainSteps: 1200,
    pretrainLr: 3e-3,
    pretrainBatch: 32,
  },
  pipeline: {
    coldStartSteps: 0,
    coldStartTraces: 256,
    rl1Steps: 0,
    rejectionSamples: 8,
    rejectionPrompts: 512,
    rejectionReadable: false,
    rejectionSftEpochs: 2,
    sftLr: 5e-4,
    teacher: 'none',
    distillSteps: 300,
  },
};

const int = (path: string, group: KnobGroup, min: number, max: number, help: string, live = false): NumberKnob => ({
  path, group, kind: 'int', min, max, help, live,
});
const float = (path: string, group: KnobGroup, min: number, max: number, help: string, live = false): NumberKnob => ({
  path, group, kind: 'float', min, max, help, live,
});
const oneOf = (path: string, group: KnobGroup, options: readonly string[], help: string, live = false): EnumKnob => ({
  path, group, kind: 'enum', options, help, live,
});
const bool = (path: string, group: KnobGroup, help: string, live = false): BoolKnob => ({
  path, group, kind: 'bool', help, live,
});

/** Hard limits keep every config small enough to train in a browser tab and to fit WebGPU's default limits. */
export const KNOBS: readonly Knob[] = [
  int('seed', 'Seed', 0, 0xffffffff, 'Seeds every random draw: same seed and config, same run.'),

  oneOf('task.family', 'Task', ['add', 'sub', 'mul', 'mixed', 'countdown'], 'Which problems the policy is trained on: arithmetic, or countdown (reach a target from given numbers).'),
  int('task.difficulty', 'Task', 1, 5, 'Problem size: operand digits for add/sub, smaller for mul, terms for mixed.'),
  float('task.heldOutPercent', 'Task', 1, 50, 'Share of all problems kept out of training for held-out evaluation.'),

  int('model.dModel', 'Model', 8, 256, 'Residual width C of the transformer.'),
  int('model.nLayers', 'Model', 1, 8, 'Number of transformer blocks.'),
  int('model.nHeads', 'Model', 1, 16, 'Attention heads; must divide the width, head size must be even for RoPE.'),
  int('model.maxSeqLen', 'Model', 16, 256, 'Longest prompt + completion the model can see.'),
  oneOf('model.positions', 'Model', ['rope', 'learned'], 'Rotary position embedding or a learned position table.'),
  int('model.nShared', 'Model', 0, 4, 'Shared experts every token always uses (DeepSeekMoE).'),
  int('model.nRouted', 'Model', 1, 32, 'Routed experts E; each token picks top-k of them.'),
  int('model.topK', 'Model', 1, 8, 'Routed experts each token is sent to.'),
  int('model.dExpert', 'Model', 4, 512, 'Hidden width of one expert feed-forward.'),
  oneOf('model.router', 'Model', ['softmax', 'sigmoid'], 'Softmax top-k (Mixtral) or sigmoid top-k renormalised (DeepSeek-V3).'),
  oneOf('model.balance', 'Model', ['aux', 'auxFree', 'none'], 'Load balancing: Switch aux loss, DeepSeek-V3 bias update, or none.'),
  float('model.auxAlpha', 'Model', 0, 1, 'Weight of the Switch auxiliary load-balancing loss.'),
  float('model.biasGamma', 'Model', 0, 0.1, 'Step size of the aux-loss-free routing bias update.'),
  oneOf('model.ffn', 'Model', ['swiglu', 'gelu'], 'Expert feed-forward: SwiGLU or GELU.'),
  float('model.initStd', 'Model', 1e-4, 0.5, 'Standard deviation of the initial weights.'),

  int('grpo.batchPrompts', 'GRPO', 1, 64, 'Prompts B per step.'),
  int('grpo.groupSize', 'GRPO', 2, 64, 'Completions G sampled per prompt; advantages are relative within a group.'),
  int('grpo.mu', 'GRPO', 1, 8, 'Gradient steps per rollout (μ); >1 makes the ratio and clipping matter.'),
  float('grpo.beta', 'GRPO', 0, 1, 'KL penalty to the frozen base model (R1: 0.001); 0 skips the reference pass.', true),
  float('grpo.epsLow', 'GRPO', 0, 0.9, 'Lower clip range: ratio below 1-ε stops pushing down.', true),
  float('grpo.epsHigh', 'GRPO', 0, 2, 'Upper clip range: ratio above 1+ε stops pushing up (DAPO: 0.28).', true),
  oneOf('grpo.lossType', 'GRPO', ['grpo', 'dapo', 'dr_grpo', 'bnpo'], 'How token losses are averaged: per sequence, per token, or by a constant.'),
  oneOf('grpo.scaleRewards', 'GRPO', ['group', 'batch', 'none'], 'Divide advantages by the group std, the batch std, or not at all (Dr. GRPO).'),
  bool('grpo.dynamicSampling', 'GRPO', 'Drop groups whose rewards are all equal (DAPO): they carry no signal.'),
  int('grpo.maxCompletionLength', 'GRPO', 4, 240, 'Longest completion sampled; longer ones are truncated.'),
  float('grpo.formatWeight', 'GRPO', 0, 10, 'Reward weight for the <think>…</think><answer>…</answer> format.', true),
  float('grpo.accuracyWeight', 'GRPO', 0, 10, 'Reward weight for a correct answer.', true),
  float('grpo.consistencyWeight', 'GRPO', 0, 10, 'Penalty weight for a thought whose claims are false or unreadable (a fraction, never a count); 0 is off.', true),
  bool('grpo.overlongShaping', 'GRPO', 'DAPO soft overlong punishment near the length limit.'),
  int('grpo.overlongBuffer', 'GRPO', 1, 240, 'Tokens before the limit where the overlong penalty starts.'),
  float('grpo.overlongPenalty', 'GRPO', 0, 10, 'Overlong penalty reached at the length limit.'),
  float('grpo.lr', 'GRPO', 1e-7, 1e-1, 'AdamW learning rate.', true),
  oneOf('grpo.lrSchedule', 'GRPO', ['constant', 'cosine'], 'Learning-rate schedule after warmup.'),
  int('grpo.warmupSteps', 'GRPO', 0, 10000, 'Steps of linear learning-rate warmup.'),
  int('grpo.totalSteps', 'GRPO', 1, 100000, 'Length of the run (the cosine schedule ends here).'),
  float('grpo.weightDecay', 'GRPO', 0, 1, 'AdamW decoupled weight decay.', true),
  float('grpo.adamBeta1', 'GRPO', 0, 0.9999, 'Adam first-moment decay.'),
  float('grpo.adamBeta2', 'GRPO', 0, 0.99999, 'Adam second-moment decay.'),
  float('grpo.adamEps', 'GRPO', 1e-12, 1e-3, 'Adam denominator epsilon.'),
  float('grpo.gradClip', 'GRPO', 0, 100, 'Global gradient-norm clip; 0 turns clipping off.', true),
  int('grpo.evalEvery', 'GRPO', 1, 10000, 'Held-out evaluation every N steps.'),
  int('grpo.heldOutSize', 'GRPO', 1, 1024, 'Problems in the fixed held-out evaluation set.'),

  float('sampling.temperature', 'Sampling', 0.05, 4, 'Sampling temperature of the rollout.', true),
  int('sampling.topK', 'Sampling', 0, 32, 'Sample only among the k most likely tokens; 0 is off.', true),
  float('sampling.topP', 'Sampling', 0.01, 1, 'Nucleus sampling mass; 1 is off.', true),

  float('corpus.direct', 'Base corpus', 0, 1, 'Share of base-corpus traces that state the answer directly.'),
  float('corpus.stepwise', 'Base corpus', 0, 1, 'Share of traces that work digit by digit.'),
  float('corpus.slip', 'Base corpus', 0, 1, 'Share of traces with a slip left uncorrected (wrong answer).'),
  float('corpus.corrected', 'Base corpus', 0, 1, 'Share of traces with a slip, then <wait> and a correction.'),
  float('corpus.guess', 'Base corpus', 0, 1, 'Countdown: share of traces that try one candidate and commit to it, right or wrong.'),
  float('corpus.search', 'Base corpus', 0, 1, 'Countdown: share of traces that check candidates in order, <wait> after each miss, until one reaches the target.'),
  float('corpus.searchWrong', 'Base corpus', 0, 1, 'Countdown: share of search traces that give up on a wrong candidate (structured, but wrong).'),
  int('corpus.pretrainSteps', 'Base corpus', 1, 100000, 'Next-token training steps of the base model.'),
  float('corpus.pretrainLr', 'Base corpus', 1e-6, 1e-1, 'Learning rate of base-model pretraining.'),
  int('corpus.pretrainBatch', 'Base corpus', 1, 256, 'Sequences per pretraining step.'),

  int('pipeline.coldStartSteps', 'Pipeline', 0, 10000, 'Cold start: SFT steps on long, readable search traces before GRPO; 0 is off (R1-Zero).'),
  int('pipeline.coldStartTraces', 'Pipeline', 1, 4096, 'Cold start: how many search-style traces (drawn with their own seed stream).'),
  int('pipeline.rl1Steps', 'Pipeline', 0, 100000, 'GRPO steps before the rejection-sampling stage; 0 is no rejection stage.'),
  int('pipeline.rejectionSamples', 'Pipeline', 1, 64, 'Rejection sampling: completions K drawn per prompt from the policy.'),
  int('pipeline.rejectionPrompts', 'Pipeline', 1, 4096, 'Rejection sampling: training prompts sampled.'),
  bool('pipeline.rejectionReadable', 'Pipeline', 'Rejection sampling also drops unreadable traces (a false claim, no candidate, an answer the thought did not reach).'),
  int('pipeline.rejectionSftEpochs', 'Pipeline', 1, 100, 'Epochs of SFT over the kept traces before GRPO resumes.'),
  float('pipeline.sftLr', 'Pipeline', 1e-6, 1e-1, 'Learning rate of the SFT stages (constant).'),
  oneOf('pipeline.teacher', 'Pipeline', TEACHER_NAMES, 'Distillation: a shipped teacher whose right, well-formed samples (the rejection knobs) fine-tune this model before GRPO; none is off.'),
  int('pipeline.distillSteps', 'Pipeline', 1, 100000, 'Distillation: SFT steps on the teacher\'s kept traces.'),
];

export const KNOB_BY_PATH: ReadonlyMap<string, Knob> = new Map(KNOBS.map((k) => [k.path, k]));

export const PRESET_NAMES = ['R1-Zero', 'Dr. GRPO', 'DAPO', 'R1-Zero (Countdown)', 'R1-Zero (Arithmetic)', 'R1 (four stages, Countdown)', 'Dense student (Countdown)', 'Distilled student (Countdown)'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** The dense distillation student (README "Distillation, measured"): nRouted must be >= 1, so "dense" is nShared 0, nRouted 1, topK 1. */
export const STUDENT_MODEL = { dModel: 32, nShared: 0, nRouted: 1, topK: 1 } as const satisfies Partial<RunConfig['model']>;

// R1-Zero (Countdown), R1-Zero's objective on a search task (issue 13): countdown d=1, a base that mostly guesses and sometimes
// searches (its shipped base public/base-countdown-long.safetensors), 256 held-out problems (the whole held-out
// population is ~270). Sampling at T = 1, not 0.7: the base decides to search with one token after a miss
// (<wait> instead of </think>), and a sharper temperature hides the minority behaviour GRPO should amplify.
// maxCompletionLength 64 is over 3x the base's mean length (README "Countdown"). 1200 pretraining steps, not
// 450: after 450 the base claimed the right value for only 21% of its candidates and waited as often after a
// right one as after a wrong one, a search in form only (npm run countdown:diagnose; README "Countdown").
// R1-Zero is GRPO alone: pressing it turns the pipeline's stages off.
const COUNTDOWN = {
  task: { family: 'countdown', difficulty: 1, heldOutPercent: 10 },
  grpo: {
    lossType: 'grpo', scaleRewards: 'group', beta: 0.001, epsLow: 0.2, epsHigh: 0.2, dynamicSampling: false, overlongShaping: false,
    maxCompletionLength: 64, heldOutSize: 256, evalEvery: 50, consistencyWeight: 0,
  },
  sampling: { temperature: 1 },
  corpus: { guess: 0.85, search: 0.15, searchWrong: 0, pretrainSteps: 1200 },
  pipeline: { coldStartSteps: 0, rl1Steps: 0, teacher: 'none' },
} as const satisfies DeepPartial<RunConfig>;

/** Each preset overrides the defaults with the choices its paper made. */
export const PRESET_OVERRIDES: Record<PresetName, DeepPartial<RunConfig>> = {
  // DeepSeekMath / R1-Zero: per-sequence mean, std-normalised advantages, small KL, symmetric clip.
  'R1-Zero': {
    grpo: { lossType: 'grpo', scaleRewards: 'group', beta: 0.001, epsLow: 0.2, epsHigh: 0.2, dynamicSampling: false, overlongShaping: false },
  },
  // Dr. GRPO (Liu et al. 2025): no length or std normalisation, which removes the length and difficulty biases; no KL.
  'Dr. GRPO': {
    grpo: { lossType: 'dr_grpo', scaleRewards: 'none', beta: 0, epsLow: 0.2, epsHigh: 0.2, dynamicSampling: false, overlongShaping: false },
  },
  // DAPO (Yu et al. 2025): clip-higher, token-level loss, dynamic sampling, overlong shaping, no KL.
  DAPO: {
    grpo: { lossType: 'dapo', scaleRewards: 'group', beta: 0, epsLow: 0.2, epsHigh: 0.28, dynamicSampling: true, overlongShaping: true },
  },
  'R1-Zero (Countdown)': COUNTDOWN,
  // The app's default until issue 13 (base public/base.safetensors): 2-digit addition. Accuracy rises under
  // GRPO, but length stays flat and reflection fades (README "The R1-Zero result"). T = 0.7, not 1: at T = 1
  // held-out greedy accuracy stayed flat over 300 steps. 450 pretraining steps: 375 leave greedy held-out
  // accuracy at 14%, 500 at 75%; 450 leaves GRPO room (share/README.md).
  'R1-Zero (Arithmetic)': {
    task: { family: 'add', difficulty: 2, heldOutPercent: 10 },
    grpo: {
      lossType: 'grpo', scaleRewards: 'group', beta: 0.001, epsLow: 0.2, epsHigh: 0.2, dynamicSampling: false, overlongShaping: false,
      maxCompletionLength: 64, heldOutSize: 64, evalEvery: 20,
    },
    sampling: { temperature: 0.7 },
    corpus: { direct: 0.3, stepwise: 0.4, slip: 0.15, corrected: 0.15, pretrainSteps: 450 },
  },
  // R1's four stages (issue 17) on R1-Zero (Countdown)'s task, base and objective, at its 150 GRPO steps split
  // 75 + 75. Set before any run, from R1's paper where it says, else from issue 17's distillation settings:
  // - cold start: 256 search traces ("a few hundred", issue 17), 2 epochs (16 steps of 32 rows; R1 fine-tunes
  //   its SFT stages for two epochs) at 5e-4 (the distilled student's SFT lr);
  // - consistency weight 0.1: the format reward's weight; R1 adds its language-consistency reward with the
  //   accuracy and format rewards and found it costs a little accuracy;
  // - rejection: 512 prompts x 8 = 4096 samples (the distillation's budget), the readability filter on (R1
  //   filters out mixed-language and unreadable chains), 2 epochs of SFT.
  'R1 (four stages, Countdown)': {
    ...COUNTDOWN,
    grpo: { ...COUNTDOWN.grpo, consistencyWeight: 0.1 },
    pipeline: {
      coldStartSteps: 16, coldStartTraces: 256, rl1Steps: 75, rejectionSamples: 8, rejectionPrompts: 512,
      rejectionReadable: true, rejectionSftEpochs: 2, sftLr: 5e-4, teacher: 'none',
    },
  },
  // Distillation's two arms (issue 17 item 3; README "Distillation, measured"), both from the student's own
  // base (public/student-countdown-dense): GRPO on the student alone (64 steps spend the distillation's 4096
  // samples), and the student first SFT'd for 300 steps on the kept traces of 512 prompts x 8 samples from
  // the teacher (npm run distill's settings), then GRPO as the other arm.
  'Dense student (Countdown)': { ...COUNTDOWN, model: STUDENT_MODEL },
  'Distilled student (Countdown)': {
    ...COUNTDOWN, model: STUDENT_MODEL,
    pipeline: {
      coldStartSteps: 0, rl1Steps: 0, teacher: 'teacher-countdown-grpo60', distillSteps: 300,
      rejectionSamples: 8, rejectionPrompts: 512, rejectionReadable: false, sftLr: 5e-4,
    },
  },
};

export function preset(name: PresetName, base: RunConfig = DEFAULT_CONFIG): RunConfig {
  const overrides = PRESET_OVERRIDES[name];
  if (!overrides) throw new Error(`unknown preset ${JSON.stringify(name)}; known: ${PRESET_NAMES.join(', ')}`);
  return mergeConfig(base, overrides);
}

/**
 * Every preset a config equals on every knob that preset sets, the presets
 * that set more knobs first. A config can match several: the countdown
 * default is both 'R1-Zero (Countdown)' and 'R1-Zero' (its objective), so the
 * panel shows both pressed, and pressing either leaves it pressed.
 */
export function matchingPresets(config: RunConfig): PresetName[] {
  const paths = (name: PresetName) => KNOBS.filter((k) => getPath(PRESET_OVERRIDES[name], k.path) !== undefined).map((k) => k.path);
  const byDetail = [...PRESET_NAMES].sort((a, b) => paths(b).length - paths(a).length);
  return byDetail.filter((name) => paths(name).every((p) => getPath(config, p) === getPath(PRESET_OVERRIDES[name], p)));
}

/**
 * Which preset a config equals on every knob that preset sets, or null for a
 * hand-made mix. Presets that set more knobs are tried first, so a countdown
 * run is 'R1-Zero (Countdown)', not the 'R1-Zero' its GRPO knobs also match.
 */
export function matchingPreset(config: RunConfig): PresetName | null {
  return matchingPresets(config)[0] ?? null;
}

export function mergeConfig(base: RunConfig, overrides: DeepPartial<RunConfig>): RunConfig {
  const out = cloneConfig(base);
  for (const knob of KNOBS) {
    const v = getPath(overrides, knob.path);
    if (v !== undefined) setPath(out, knob.path, v);
  }
  return out;
}

export function cloneConfig(c: RunConfig): RunConfig {
  return JSON.parse(JSON.stringify(c)) as RunConfig;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function setPath(obj: object, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) cur = cur[key] as Record<string, unknown>;
  cur[keys[keys.length - 1]!] = value;
}
