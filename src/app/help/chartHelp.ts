// What each chart shows, what good looks like, and why a flat line can be
// expected under the run's config (issue 18, item 2). Pure text built from the
// RunConfig; the "?" on each chart card (HelpButton.tsx) shows it. The numbers
// quoted from README ("The R1-Zero result, measured") must move with it.

import type { RunConfig } from '../../core/config';

export type ChartId = 'reward' | 'heldout' | 'length' | 'aha' | 'signal' | 'kl' | 'entropy' | 'clip' | 'policyLoss' | 'gradNorm' | 'speed' | 'experts';

export const CHART_IDS: readonly ChartId[] = ['reward', 'heldout', 'length', 'aha', 'signal', 'kl', 'entropy', 'clip', 'policyLoss', 'gradNorm', 'speed', 'experts'];

/** Each chart's heading, as charts/Charts.tsx draws it. */
export const CHART_TITLES: Record<ChartId, string> = {
  reward: 'Reward', heldout: 'Held-out accuracy', length: 'Completion length', aha: 'Aha moments', signal: 'Groups without signal', kl: 'KL', entropy: 'Entropy',
  clip: 'Clip ratio', policyLoss: 'Policy loss', gradNorm: 'Grad norm', speed: 'Step time and tokens/s', experts: 'Expert load',
};

export interface ChartHelp {
  shows: string;
  good: string;
  /** Why this chart may sit flat under this config; null when nothing in the config makes it flat. */
  flat: string | null;
  /** Terms the chart counts, listed under "Shows" (the aha chart: the detector's classes). */
  terms?: AhaTerm[];
  /** What R1's pipeline stages do to this chart, for a config that has them (issue 17); null without stages. */
  stages?: string | null;
}

/** One of the aha detector's four classes (rl/aha.ts), defined in a line with an example completion. */
export interface AhaTerm {
  key: 'reflection' | 'aha' | 'verification' | 'overthinking';
  definition: string;
  /** A think section and answer of the run's task kind, e.g. "on 47+85=: thinks 47+85=142<wait>47+85=132, answers 132". */
  example: string;
}

const isCountdown = (c: RunConfig) => c.task.family === 'countdown';
const taskWords = (c: RunConfig) =>
  isCountdown(c)
    ? 'countdown (reach the target with every given number once, e.g. 3;5;7=5 → 3-5+7)'
    : `${c.task.family} problems of difficulty ${c.task.difficulty} (e.g. 47+85=132)`;

/** The aha detector's classes with an example in the run's task kind (countdown, or arithmetic). */
export function ahaTerms(c: RunConfig): AhaTerm[] {
  const cd = isCountdown(c);
  return [
    {
      key: 'reflection',
      definition: 'the completion writes <wait> at least once: it went back over its work, right or wrong.',
      example: cd ? 'on 3;5;7=5: thinks 3+5+7=15<wait>3+5-7=1, answers 3+5-7 (reflected, still wrong)' : 'on 47+85=: thinks 47+85=142<wait>47+85=152, answers 152 (reflected, still wrong)',
    },
    {
      key: 'aha',
      definition: 'a wrong candidate before a <wait>, and the final answer is right: a self-correction.',
      example: cd ? 'on 3;5;7=5: thinks 3+5+7=15<wait>3+5-7=1<wait>3-5+7=5, answers 3-5+7' : 'on 47+85=: thinks 47+85=142<wait>47+85=132, answers 132',
    },
    {
      key: 'verification',
      definition: 'it reflected, every candidate it stated is right, and so is the answer: it checked a right answer.',
      example: cd ? 'on 3;5;7=5: thinks 3-5+7=5<wait>3-5+7=5, answers 3-5+7' : 'on 47+85=: thinks 47+85=132<wait>47+85=132, answers 132',
    },
    {
      key: 'overthinking',
      definition: 'a right candidate before a <wait> became a wrong final answer: reflection that hurt.',
      example: cd ? 'on 3;5;7=5: thinks 3-5+7=5<wait>3+5-7=1, answers 3+5-7' : 'on 47+85=: thinks 47+85=132<wait>47+85=142, answers 142',
    },
  ];
}

/** Whether the base corpus ever shows a <wait>: without one the base never reflects, and GRPO has nothing to amplify. */
function corpusReflects(c: RunConfig): boolean {
  return isCountdown(c) ? c.corpus.search + c.corpus.searchWrong > 0 : c.corpus.corrected > 0;
}

export function chartHelp(id: ChartId, c: RunConfig): ChartHelp {
  return { ...baseHelp(id, c), stages: stagesHelp(id, c) };
}

/** The stage markers, in words, for a config with R1's stages; what the rejection stage's SFT does to KL, which is measured against the GRPO start. */
function stagesHelp(id: ChartId, c: RunConfig): string | null {
  const p = c.pipeline;
  if (p.coldStartSteps === 0 && p.rl1Steps === 0 && p.teacher === 'none') return null;
  const lines = [
    ...(p.coldStartSteps > 0 ? ['the cold start (SFT on search traces) before step 0: step 0 is already the cold-started policy'] : []),
    ...(p.teacher !== 'none' ? [`the distillation (SFT on ${p.teacher}'s right answers) before step 0: step 0 is already the distilled student`] : []),
    ...(p.rl1Steps > 0 ? [`the rejection stage (sampling, then SFT on the kept traces) between steps ${p.rl1Steps - 1} and ${p.rl1Steps}`] : []),
  ];
  const kl = id === 'kl' && p.rl1Steps > 0 ? ' KL stays measured against the policy at step 0, so after the rejection stage it includes what that SFT moved.' : '';
  return `The vertical lines mark this run's stages: ${lines.join('; ')}. No stage takes a GRPO step.${kl}`;
}

function baseHelp(id: ChartId, c: RunConfig): ChartHelp {
  const g = c.grpo;
  const N = g.batchPrompts * g.groupSize;
  switch (id) {
    case 'reward':
      return {
        shows: `The mean reward of the step's ${g.batchPrompts} prompts × ${g.groupSize} sampled completions (${N} answers to ${taskWords(c)}). `
          + `total = ${g.accuracyWeight} × accuracy (1 when the answer is right) + ${g.formatWeight} × format (1 when it is exactly <think>…</think><answer>…</answer> and stops with <eos>)`
          + `${g.overlongShaping ? ' + the overlong penalty' : ''}`
          + `${g.consistencyWeight > 0 ? ` − ${g.consistencyWeight} × the share of the thought's claims that are false or unreadable (the consistency penalty, R1's language-consistency reward in this toy)` : ''}`
          + '; accuracy and format are the shares of completions that earn each.',
        good: 'total rising with accuracy. A total that rises on format alone while accuracy stays flat means the policy learned the tags, not the task: compare held-out accuracy.',
        flat: 'Flat stretches are normal: GRPO learns only from groups whose answers differ in reward, and '
          + `at lr ${g.lr} progress can take hundreds of steps (README: the default run gained most of its accuracy after step 200).`,
      };
    case 'heldout':
      return {
        shows: `Accuracy on ${g.heldOutSize} problems the training never samples, every ${g.evalEvery} steps; step 0 is the base model. `
          + `greedy: the policy's single most likely answer; sampled pass@1: one answer at the rollout temperature ${c.sampling.temperature}. `
          + `The shaded band is greedy accuracy's 95% Wilson interval over the ${g.heldOutSize} problems.`,
        good: `Rising above its step-0 value. One problem is ${(100 / g.heldOutSize).toFixed(1)} points, so single evaluations are noisy: trust a trend over several.`,
        flat: `A line needs two evaluations: the second comes at step ${g.evalEvery}.`,
      };
    case 'length':
      return {
        shows: `Tokens per completion, <eos> included: the mean line and the min–max band over the step's ${N} completions, and the mean of the right and of the wrong answers `
          + `(Dr. GRPO's diagnostic: under 1/|o| long wrong answers are penalised less per token)${isCountdown(c) ? '; on the right axis, the candidates each completion checks (attempts)' : ''}. `
          + `Completions stop at ${g.maxCompletionLength} tokens (maxCompletionLength).`,
        good: isCountdown(c)
          ? 'On countdown a search that checks more candidates before answering gets longer: length growing with accuracy is the R1-Zero curve. Growing to the cap without accuracy is not.'
          : 'In R1-Zero length grows because thinking longer pays. On arithmetic nothing in the reward asks for longer answers: README measured the mean flat (28.7 → 28.6 tokens over 300 default steps).',
        flat: isCountdown(c) ? null : 'Flat is the measured result on arithmetic at this scale, not a bug.',
      };
    case 'aha': {
      return {
        shows: `Share of the step's ${N} completions in each class of the aha detector (below), with 95% Wilson bands on reflection and aha over the ${N}. The dashed line is the base model's aha rate (step-0 evaluation).`,
        terms: ahaTerms(c),
        good: isCountdown(c)
          ? 'Rising reflection and aha: the policy learns to check a candidate and try another. Countdown is the task where checking pays (a first guess often fails).'
          : 'In R1-Zero reflection and aha rise. On arithmetic at this scale README measured the opposite: reflection 9% → 0 over 300 steps, aha 0 → 0; the policy learns not to slip rather than to recover.',
        flat: corpusReflects(c)
          ? 'Aha needs a wrong candidate, a <wait> and a right answer in one sample: at a few percent per step, most steps show 0.'
          : `The base corpus has no <wait> (${isCountdown(c) ? 'corpus.search and corpus.searchWrong are 0' : 'corpus.corrected = 0'}): the base never reflects, and GRPO only amplifies what the base already does, so every line stays at 0.`,
      };
    }
    case 'signal':
      return {
        shows: `The share of the step's ${g.batchPrompts} groups whose ${g.groupSize} answers all earned the same reward (all right or all wrong): their advantages are 0, so they teach nothing `
          + `(TRL's frac_reward_zero_std). The band is its 95% Wilson interval over the ${g.batchPrompts} groups.`,
        good: 'Well below 100%. Near 100% the policy gets every answer of a group wrong (too hard, or sampling strays far from what it knows: a lower temperature keeps answers near the greedy one) '
          + 'or every answer right (too easy), and steps learn little.',
        flat: g.dynamicSampling ? 'Dynamic sampling drops these groups from the loss; a step where every group is dropped is skipped.' : null,
      };
    case 'kl':
      return {
        shows: 'The k3 estimate of KL(policy ‖ base model) per completion token: how far the policy has moved from the frozen model it started from. The loss adds β × KL.',
        good: 'Small and slowly rising (README: 0.056 after 300 default steps at β = 0.001). Fast growth means the policy is running away from the base: a run at lr 5e-4 collapsed with KL 0.59.',
        flat: g.beta === 0
          ? 'β = 0 in this run: the reference model is never run, so KL is not computed and the line stays at 0. Set grpo.beta above 0 to measure it.'
          : null,
      };
    case 'entropy':
      return {
        shows: `Mean entropy (nats) of the policy's next-token distribution at the sampling temperature ${c.sampling.temperature}, over every completion token of the step.`,
        good: 'A slow fall as the policy grows confident. Near 0 means it stopped exploring: the G answers of a group become identical and carry no signal. A rise means it is getting noisier.',
        flat: null,
      };
    case 'clip':
      return {
        shows: `Share of completion tokens where the clip of the ratio π/π_old at [1 − ${g.epsLow}, 1 + ${g.epsHigh}] cut the gradient: low (ratio too small, negative advantage), high (too large, positive advantage), region (either).`,
        good: 'A few percent at most. A large share means each rollout is pushed further than the trust region allows (lower lr or μ).',
        flat: g.mu === 1
          ? 'μ = 1 in this run: each rollout is used for one gradient step, taken at the parameters that sampled it, so π/π_old = 1 on every token and nothing is clipped. 0% is the expected line, and the ratio token view has nothing to colour.'
          : null,
      };
    case 'policyLoss':
      return {
        shows: `The clipped surrogate −min(ratio × A, clip(ratio) × A) averaged over tokens as lossType ${g.lossType} says (β × KL not included).`,
        good: 'Not a progress measure: watch reward and held-out accuracy. Advantages have zero mean within each group, so the loss hovers near 0 while the model learns (its gradient is not 0).',
        flat: g.mu === 1
          ? `μ = 1: the ratio is 1, so the loss is the mean of −A, ${g.lossType === 'grpo' ? 'exactly 0 up to round-off (each sequence weighs the same and A sums to 0 per group)' : 'near 0 (a token-level average weighs longer completions more)'}.`
          : null,
      };
    case 'gradNorm':
      return {
        shows: `The global L2 norm of the gradient, before it is clipped to ${g.gradClip}.`,
        good: 'Stable. Spikes mark steps with outlier completions; a steady climb often comes before a collapse.',
        flat: 'It is 0 on a step where every group\'s rewards were equal: all advantages are 0 and nothing is learned.',
      };
    case 'speed':
      return {
        shows: 'Wall-clock milliseconds per GRPO step (rollout, training forward and backward, update), and completion tokens sampled per second (right axis).',
        good: 'Flat. Steps slow down as completions get longer. On the CPU fallback or a software GPU adapter a step takes seconds.',
        flat: 'Flat is normal.',
      };
    case 'experts':
      return {
        shows: `For each layer, the share of routing choices each of the ${c.model.nRouted} routed experts got (top-${c.model.topK} per token) in the step's first forward; the bands stack to 100%.`,
        good: `Bands near the dotted lines (1/${c.model.nRouted} each): balanced routing. One band swallowing the rest is router collapse, which the balance knob (${c.model.balance}) exists to prevent.`,
        flat: c.model.balance === 'none' ? null : `Flat bands are the design: ${c.model.balance === 'auxFree' ? 'the aux-free bias nudges' : 'the aux loss pushes'} every expert towards an equal share.`,
      };
  }
}
