// Display formatting for the header's readouts. Pure; tested in Node.

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
