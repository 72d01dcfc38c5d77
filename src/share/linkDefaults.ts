// The defaults each run-link version is read against (issue "Links must not rot").
//
// A run link stores only the knobs that differ from the defaults, so the
// defaults are half of what a link means. Read against whatever DEFAULT_CONFIG
// is at the time, every change of a default would silently change every old
// link; it happened once (sampling.temperature went from 1 to 0.7). So each
// link version carries a literal, frozen copy of DEFAULT_CONFIG as it was when
// the version was made, and a link is written and read against its version's
// table, never against DEFAULT_CONFIG (url.ts configDiff / configFromDiff).
//
// Never edit a table: a link already out there was made against it. When a
// default changes, add a version instead: copy DEFAULT_CONFIG as it is then,
// as literal values, into R2_DEFAULTS below, append { id: 'r2', defaults:
// R2_DEFAULTS } to LINK_VERSIONS, and pin its values in linkDefaults.test.ts
// as R1's are. The encoder then writes r2; r1 links keep opening exactly the
// run they were made from, since the decoder accepts every version listed.
// Only the defaults differ between versions; a change to the link's document
// ({ c, r }) would need its own reader in url.ts as well.
//
// A new version is what keeps links short, not what keeps them right: the
// encoder writes every knob that differs from the newest table, and every knob
// the table lacks, so a link made after a default change still reads back
// exactly even before anyone adds r2.
//
// Knobs that did not exist when a table was frozen (absent from it, such as
// later corpus.* knobs) take the current DEFAULT_CONFIG value when a link of
// that version lacks them; no link made before the knob existed can hold it.
// So a new knob's default should be one that leaves older runs as they were
// (true of the countdown-only corpus weights: an r1 link is an arithmetic run).
//
// Deliberately no import of core/config here: the tables are plain data, kept
// apart from RunConfig's type so that a later change to RunConfig (a knob
// added, an option added) neither breaks them nor invites editing them.

/** A frozen defaults table: RunConfig's nesting, plain JSON values. */
export type DefaultsTable = { readonly [key: string]: DefaultsTable | number | string | boolean };

export interface LinkVersion {
  /** What comes before the '.' in the hash: '#r1.…'. */
  readonly id: string;
  /** DEFAULT_CONFIG as it was when this version was made; never edited. */
  readonly defaults: DefaultsTable;
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}

/**
 * r1: DEFAULT_CONFIG of src/core/config.ts at commit f124488 (2026-11-28), value
 * for value. r1 links made before commit 385d71f (the same day) were written
 * against sampling.temperature 1; one that left the temperature at its default
 * does not say so, cannot be told apart, and reads as 0.7.
 */
export const R1_DEFAULTS: DefaultsTable = deepFreeze({
  seed: 1234,
  task: { family: 'add', difficulty: 2, heldOutPercent: 10 },
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
    evalEvery: 20,
    heldOutSize: 64,
  },
  sampling: { temperature: 0.7, topK: 0, topP: 1 },
  corpus: {
    direct: 0.3,
    stepwise: 0.4,
    slip: 0.15,
    corrected: 0.15,
    pretrainSteps: 450,
    pretrainLr: 3e-3,
    pretrainBatch: 32,
  },
});

/**
 * r2: DEFAULT_CONFIG of src/core/config.ts when the default became the
 * R1-Zero (Countdown) preset (issue 13, 2026-12-02), value for value.
 */
export const R2_DEFAULTS: DefaultsTable = deepFreeze({
  seed: 1234,
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
});

/**
 * r3: DEFAULT_CONFIG of src/core/config.ts when R1's four-stage recipe added
 * its knobs (issue 17, 2026-12-08): r2's values, plus grpo.consistencyWeight
 * and the pipeline section, every stage off. Nothing r2 holds moved, so an r2
 * link means what it meant (the new knobs, absent from r2, take today's
 * defaults: off, i.e. R1-Zero); r3 only keeps today's default link short.
 * pipeline.teacher and pipeline.distillSteps (distillation, the same day) were
 * added to this table before r3 was released; an r3 link written before then
 * lacks them and reads them as these same values (teacher none: no distillation).
 */
export const R3_DEFAULTS: DefaultsTable = deepFreeze({
  seed: 1234,
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
});

/** Every version a link may have, oldest first; the last is the one written. */
export const LINK_VERSIONS: readonly LinkVersion[] = deepFreeze([
  { id: 'r1', defaults: R1_DEFAULTS },
  { id: 'r2', defaults: R2_DEFAULTS },
  { id: 'r3', defaults: R3_DEFAULTS },
]);
