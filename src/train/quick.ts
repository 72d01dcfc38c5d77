// QUICK_CONFIG: the smallest run that still shows GRPO learning, for tests,
// the experiment CLI and CI. It pretrains in seconds and runs a GRPO step in
// well under a second on the CPU backend.

import { DEFAULT_CONFIG, mergeConfig, type RunConfig } from '../core/config';

export const QUICK_CONFIG: RunConfig = mergeConfig(DEFAULT_CONFIG, {
  seed: 7,
  // add d=1: 100 problems, completions of at most 20 tokens, answers a tiny model can learn
  task: { family: 'add', difficulty: 1, heldOutPercent: 10 },
  model: {
    dModel: 32, nLayers: 1, nHeads: 2, maxSeqLen: 48, positions: 'rope',
    nShared: 1, nRouted: 4, topK: 2, dExpert: 32, balance: 'auxFree',
  },
  grpo: {
    batchPrompts: 4, groupSize: 8, mu: 1, beta: 0, maxCompletionLength: 24,
    // format weighs as much as accuracy: in a few dozen steps this model learns to
    // close its tags and stop (format 0.1 -> 0.9); accuracy needs longer runs
    formatWeight: 1, accuracyWeight: 1,
    // a much larger lr than the default's 1e-4: the model is tiny and the run is a few dozen steps
    lr: 3e-3, lrSchedule: 'constant', warmupSteps: 0, totalSteps: 30,
    evalEvery: 10, heldOutSize: 16,
  },
  sampling: { temperature: 1, topK: 0, topP: 1 },
  corpus: { pretrainSteps: 100, pretrainLr: 3e-3, pretrainBatch: 16 },
});
