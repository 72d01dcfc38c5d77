// The introduction a first visitor sees (issue 18, item 1): the model, the
// task and GRPO in three lines, what to watch, and an honest line on what
// this scale shows. Pure text from the RunConfig, plus the dismissal kept in
// localStorage. The measured numbers quote README "The R1-Zero result,
// measured" (MEASURED); intro.test.ts checks README still says them.

import type { RunConfig } from '../../core/config';

/** README's default run (300 steps, seed 1, T = 0.7): what the honest line quotes. */
export const MEASURED = {
  steps: 300,
  greedyFrom: 0.313, greedyTo: 0.469,
  lengthFrom: 28.7, lengthTo: 28.6,
  reflectionFrom: 0.094, reflectionTo: 0,
} as const;

/** README "Countdown: the R1-Zero curves, measured", arm (a): mean of 3 seeds, step 0 -> 150 (percent and tokens as README prints them). */
export const MEASURED_COUNTDOWN = {
  steps: 150, seeds: 3,
  greedyFrom: 30.1, greedyTo: 56.4,
  lengthFrom: 19.6, lengthTo: 29.9,
  reflectionFrom: 11.7, reflectionTo: 63.0,
  ahaFrom: 4.3, ahaTo: 31.0,
} as const;

export interface IntroText {
  model: string;
  task: string;
  grpo: string;
  watch: string;
  honest: string;
}

const pc = (x: number) => `${Math.round(x * 100)}%`;

export function introText(c: RunConfig): IntroText {
  const m = c.model, g = c.grpo;
  const countdown = c.task.family === 'countdown';
  const m0 = MEASURED;
  const mc = MEASURED_COUNTDOWN;
  return {
    model: `The model: a tiny Mixture-of-Experts transformer (${m.nLayers} layer${m.nLayers === 1 ? '' : 's'}, width ${m.dModel}, `
      + `${m.nRouted} routed experts, ${m.topK} per token), trained right here in your browser.`,
    task: countdown
      ? 'The task: countdown. Given numbers and a target, such as 3;5;7=5, write an expression that uses every number once and reaches it (3-5+7). '
        + 'Answers come as <think>…</think><answer>…</answer>; a <wait> in the thinking means "let me try another".'
      : `The task: arithmetic (${c.task.family}, difficulty ${c.task.difficulty}), such as 47+85=. `
        + 'Answers come as <think>…</think><answer>…</answer>; a <wait> in the thinking means "let me check that again".',
    grpo: `GRPO: each step samples ${g.groupSize} answers to each of ${g.batchPrompts} problems, scores them (a right answer, the right format), `
      + 'and pushes up the answers that scored above their group\'s average and down those below it. No value network, no worked solutions: only the scores.',
    watch: 'Press Play, then watch reward and held-out accuracy (problems it never trains on) rise, the step inspector for each group\'s answers and advantages, '
      + 'and the aha feed for self-corrections. Every chart has a ? saying what it shows; warnings above the charts name a run that stops learning. '
      + 'The Experiments panel below asks the questions R1-Zero raised (does length grow? is the aha real?), one click each, with what we measured.',
    honest: `What this scale shows: on arithmetic, README's measured ${m0.steps}-step run raised held-out greedy accuracy ${pc(m0.greedyFrom)} → ${pc(m0.greedyTo)}, `
      + `but completion length stayed flat (${m0.lengthFrom} → ${m0.lengthTo} tokens) and reflection fell (${pc(m0.reflectionFrom)} → ${pc(m0.reflectionTo)}): `
      + 'the R1-Zero curves of growing answers and aha moments do not appear on arithmetic. '
      + (countdown
        ? `On countdown, where checking a candidate pays, they do: README's ${mc.seeds} seeds × ${mc.steps} steps from this preset's base raised greedy accuracy `
          + `${Math.round(mc.greedyFrom)}% → ${Math.round(mc.greedyTo)}%, mean length ${mc.lengthFrom} → ${mc.lengthTo} tokens, reflection ${Math.round(mc.reflectionFrom)}% → ${Math.round(mc.reflectionTo)}% `
          + `and aha ${Math.round(mc.ahaFrom)}% → ${Math.round(mc.ahaTo)}%; from a base that only guesses, nothing grows.`
        : 'Choose the R1-Zero (Countdown) preset to watch them appear.'),
  };
}

/** The part of localStorage the intro uses (tests pass a fake). */
export interface IntroStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const INTRO_KEY = 'grpo-playground.intro.dismissed';

/** Whether the visitor dismissed the intro before; storage that throws (private mode, blocked) counts as not dismissed. */
export function introDismissed(storage: IntroStorage | null): boolean {
  try {
    return storage?.getItem(INTRO_KEY) === '1';
  } catch {
    return false;
  }
}

/** Remembers the dismissal; false when storage refused it (the intro then stays closed for this page only). */
export function rememberDismissed(storage: IntroStorage | null, dismissed: boolean): boolean {
  try {
    if (!storage) return false;
    storage.setItem(INTRO_KEY, dismissed ? '1' : '0');
    return true;
  } catch {
    return false;
  }
}
