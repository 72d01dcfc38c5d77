// Display formatting for the header's readouts. Pure; tested in Node.

import type { AppState } from '../store';

/** Rates as people read them: 3 significant digits below 100, whole numbers above; '—' before there is one. */
export function formatRate(x: number): string {
  if (!Number.isFinite(x) || x <= 0) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/** The error banner's sentence: where it happened and what the user can do now. */
export function errorSentence(e: { message: string; step: number; recoverable: boolean }): string {
  const then = e.recoverable
    ? 'The run is paused with its last good weights and can continue.'
    : 'The run cannot continue: press Reset to start it again.';
  return `Error at step ${e.step}: ${e.message}. ${then}`;
}

/** Pretraining progress as "120 / 2000 steps (6%)". */
export function pretrainText(p: { step: number; total: number }): string {
  const done = Math.min(p.step + 1, p.total);
  return `${done} / ${p.total} steps (${Math.floor((100 * done) / p.total)}%)`;
}

/**
 * The status line's text after its state word: the worker's message without
 * that word again at its start ("ready" — "ready: GRPO from the given weights"
 * read "ready — ready: ..." in issue 18).
 */
export function statusDetail(status: string, message: string): string {
  const prefix = `${status}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/**
 * The step the charts, readouts and inspector show last (a metrics row's
 * step: step 0 is the base policy's rollouts), or the shared snapshot's last
 * step while it is on the charts; null before the first. Issue 18: the header
 * said "step 41" (steps taken) while everything else said step 40.
 */
export function shownStep(s: Pick<AppState, 'metrics' | 'shared'>): number | null {
  if (s.shared?.showing) return s.shared.snapshot.step[s.shared.snapshot.step.length - 1] ?? null;
  return s.metrics[s.metrics.length - 1]?.step ?? null;
}

/**
 * What the step under way is doing, for the status line (issue 18: a minute
 * into a slow step nothing said anything): its phase, the seconds so far, and
 * what the last step took once one has.
 */
export function progressText(p: { step: number; phase: 'grpo' | 'evaluation' }, elapsedMs: number, lastStepMs: number | null, gpu = false): string {
  const secs = `${Math.floor(elapsedMs / 1000)} s`;
  if (p.phase === 'evaluation') return `step ${p.step}: held-out evaluation… ${secs}`;
  const last = lastStepMs !== null && Number.isFinite(lastStepMs) && lastStepMs > 0
    ? ` (a step takes about ${(lastStepMs / 1000).toPrecision(2)} s)`
    : gpu ? ' (the first step also compiles the GPU kernels)' : '';
  return `step ${p.step}: sampling the group, scoring, updating… ${secs}${last}`;
}
