// The step loop. play / step(n) only set how many steps remain (`pending`,
// Infinity while playing); the loop takes the lock for ONE step, then yields
// a macrotask, so a pause, an evaluate or a sample sent meanwhile runs
// between two steps. pause sets pending to 0: the step in flight finishes,
// none follows.
//
// Errors: a NaN step (grpoStep throws before AdamW, so the weights are the
// last good ones) becomes an `error` event; the session pauses and keeps
// working.

import { evaluate } from '../evaluate';
import { grpoStep } from '../grpo';
import { rejectionDue, rejectionStage, type StageReport } from '../pipeline';
import { PROTOCOL_VERSION as v } from '../protocol';
import { keepSnapshot } from './checkpoint';
import { currentStep, error, exclusive, lostMeanwhile, message, status, type Core, type Run } from './core';

/**
 * A count, not a step index: the charts' last point after n steps is step
 * n - 1, so "stopped at step n" named a step no chart shows (issue 18).
 */
export const stoppedAfter = (n: number) => `stopped after ${n} step${n === 1 ? '' : 's'}`;

/** One GRPO step, the held-out evaluation when due, and their events. */
async function oneStep(c: Core): Promise<void> {
  const r = c.run;
  if (!r || c.pending <= 0) return;
  if (c.state !== 'running') status(c, 'running', c.pending === Infinity ? 'playing' : `taking ${c.pending} step${c.pending === 1 ? '' : 's'}`);
  try {
    c.activity = `taking GRPO step ${r.tr.step}`;
    c.post({ type: 'progress', v, step: r.tr.step, phase: 'grpo' });
    const { metrics, samples } = await grpoStep(r.tr);
    // R1's rejection stage (train/pipeline.ts) after the GRPO step that leaves rl1Steps taken, before the snapshot,
    // so every saved state at or past rl1Steps is past the stage and a resumed run never repeats it
    const stage = rejectionDue(r.cfg, r.tr.step) ? await runRejectionStage(c, r) : null;
    const every = r.cfg.grpo.evalEvery;
    c.activity = `evaluating after step ${metrics.step}`;
    const due = r.tr.step % every === 0;
    if (due) c.post({ type: 'progress', v, step: metrics.step, phase: 'evaluation' });
    const evaluation = due ? await evaluate(r.ev, r.model) : undefined;
    await keepSnapshot(c, r);
    if (c.run !== r) return; // the device was lost meanwhile: this step is taken again on the new one
    c.post(evaluation ? { type: 'metrics', v, metrics, evaluation } : { type: 'metrics', v, metrics });
    c.post({ type: 'samples', v, step: metrics.step, samples });
    if (stage) c.post({ type: 'stage', v, report: stage });
    c.reported = metrics.step + 1;
    c.pending = Math.max(0, c.pending - 1); // a pause during the step already set 0: a later step(1) must still take one
  } catch (e) {
    if (c.run === r) await lostMeanwhile(r, e);
    if (c.run !== r) return; // the device was lost meanwhile: the recovery takes this step again
    c.pending = 0;
    error(c, message(e), true);
    status(c, 'paused', `paused by an error at step ${r.tr.step}; the weights are the last good ones`);
  } finally {
    c.activity = null;
  }
}

async function runRejectionStage(c: Core, r: Run): Promise<StageReport> {
  const at = r.tr.step;
  c.activity = `running the rejection stage after step ${at - 1}`;
  return rejectionStage(r.tr, {
    onPhase: (phase) => status(c, 'running', phase === 'sampling'
      ? `rejection stage: sampling ${r.cfg.pipeline.rejectionPrompts} prompts x ${r.cfg.pipeline.rejectionSamples}`
      : 'rejection stage: SFT on the kept traces'),
    onStep: (m, total) => {
      if ((m.step + 1) % Math.max(1, Math.floor(total / 10)) === 0 || m.step + 1 === total) status(c, 'running', `rejection stage: SFT ${m.step + 1}/${total}, loss ${m.loss.toFixed(3)}`);
    },
  });
}

async function stepLoop(c: Core): Promise<void> {
  // an init still queued counts: play right after init waits for it under the lock
  while (c.pending > 0 && (c.run || c.inits > 0)) {
    await exclusive(c, () => oneStep(c));
    await c.yieldToEvents();
  }
  c.loop = null;
  // reset / init / an error may have set the state meanwhile: only a loop that is still 'running' reports its stop
  if (c.state === 'running') status(c, currentStep(c) === 0 ? 'ready' : 'paused', stoppedAfter(currentStep(c)));
}

/** Starts the loop unless it runs already (it reads pending before each step). */
export function ensureLoop(c: Core): void {
  if (!c.loop) c.loop = stepLoop(c);
}

export function startSteps(c: Core, n: number): void {
  if (!c.run && c.inits === 0) return error(c, 'no model yet: send init first', true);
  // step(n) while playing means "n more, then stop"
  c.pending = n === Infinity || c.pending === Infinity ? n : c.pending + n;
  ensureLoop(c);
}

export function pause(c: Core): void {
  // said at once, not after the step in flight: the page sees the worker took the pause
  if (c.loop && c.pending > 0) status(c, 'running', 'pausing after the step in flight');
  c.pending = 0;
}
