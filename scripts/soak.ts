// `npm run soak -- [--steps N] [--every K]` (default 300 steps, a line every 25)
//
// The long soak of issue 9: QUICK_CONFIG for hundreds of GRPO steps on WebGPU
// in headless Chromium (a Vite dev server + bench/soak.html,
// scripts/page-run.ts), through the real session and store. Passes
// (exit 0) when, once warm (from the first report on):
//   - the live GPU buffer bytes never change (the arena is allocated once;
//     readback staging is pooled),
//   - the JS heap (after a forced GC) grows by less than HEAP_SLACK over the
//     run, and, once the sample ring (HISTORY_STEPS steps) is full, by no more
//     than the metrics rows: the store keeps rings (HISTORY_STEPS samples,
//     AHA_FEED_MAX aha items) plus one metrics row per step, nothing else,
//   - no console error, page error or trainer error event.
// Prints a table of the reports and, last, one JSON line with the figures.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SoakResult } from '../bench/soak-run';
import { HISTORY_STEPS } from '../src/app/store';
import { runPage } from './page-run';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Heap growth allowed, warm to end: the metrics rows of a few hundred steps are ~1 KB each; 32 MiB is far past honest growth and far below a leak of per-step samples. */
const HEAP_SLACK = 32 * 2 ** 20;
/** Once the sample ring is full only the metrics rows grow (~2.5 KB a step measured): allowed 1 MiB + 8 KB a step. */
const heapAllowedAfterRing = (steps: number) => 2 ** 20 + 8 * 1024 * steps;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs an integer >= 1, got ${JSON.stringify(process.argv[i + 1])}`);
  return v;
}

async function main(): Promise<number> {
  const steps = arg('steps', 300);
  const every = arg('every', 25);
  const errors: string[] = [];
  const result = await runPage<SoakResult>({
    root: ROOT, name: 'soak', query: `steps=${steps}&every=${every}`, pollMs: 1000,
    extraArgs: ['--js-flags=--expose-gc', '--enable-precise-memory-info'],
    onLine: (s) => console.log(s),
    onProblem: (kind, text) => kind !== 'warning' && errors.push(`${kind === 'error' ? 'console' : 'page'}: ${text}`),
  });
  errors.push(...result.errors.map((e) => `trainer: ${e}`));

  const warm = result.points.slice(1);
  const bytes = new Set(warm.map((p) => p.gpuLiveBytes));
  const heap = warm.map((p) => p.heapBytes ?? NaN);
  const heapGrowth = Math.max(...heap) - heap[0]!;
  const last = result.points.at(-2)!; // the last step's report (the final one is after the reset)
  // (the after-reset report has step -1: leave it out of the step filters below)
  const figures = {
    steps, backend: result.backend,
    gpuLiveBytesWarm: [...bytes], gpuLiveBuffers: [...new Set(warm.map((p) => p.gpuLiveBuffers))],
    buffersMadePerStep: (last.buffersMade - warm[0]!.buffersMade) / (last.step - warm[0]!.step),
    heapStartMiB: +(heap[0]! / 2 ** 20).toFixed(2), heapMaxMiB: +(Math.max(...heap) / 2 ** 20).toFixed(2), heapGrowthMiB: +(heapGrowth / 2 ** 20).toFixed(2),
    secondsPerStep: +(last.ms / 1000 / steps).toFixed(2), errors,
  };
  // from the first report with the sample ring (HISTORY_STEPS steps) full
  const full = warm.filter((p) => p.step >= HISTORY_STEPS || p.step < 0);
  const ringGrowth = full.length >= 2 ? Math.max(...full.map((p) => p.heapBytes ?? NaN)) - full[0]!.heapBytes! : null;
  const ringSteps = full.length >= 2 ? last.step - full[0]!.step : 0;
  Object.assign(figures, { heapGrowthAfterRingFullMiB: ringGrowth === null ? null : +(ringGrowth / 2 ** 20).toFixed(2), stepsAfterRingFull: ringSteps });
  const failures = [
    ...(ringGrowth === null || ringGrowth < heapAllowedAfterRing(ringSteps) ? [] : [`JS heap grew ${(ringGrowth / 2 ** 20).toFixed(2)} MiB over ${ringSteps} steps after the sample ring filled (allowed ${(heapAllowedAfterRing(ringSteps) / 2 ** 20).toFixed(2)})`]),
    ...(bytes.size === 1 ? [] : [`GPU live bytes moved once warm: ${[...bytes].join(', ')}`]),
    ...(Number.isFinite(heapGrowth) ? (heapGrowth < HEAP_SLACK ? [] : [`JS heap grew ${figures.heapGrowthMiB} MiB (allowed ${HEAP_SLACK / 2 ** 20})`]) : ['no heap figures (performance.memory missing)']),
    ...errors,
  ];
  for (const f of failures) console.error(`soak FAILED: ${f}`);
  console.log(JSON.stringify(figures));
  return failures.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(`soak failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
