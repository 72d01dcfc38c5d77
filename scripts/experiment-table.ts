// `npm run experiment:table -- FILE.json ...` — the README's tables from the
// result files of `npm run experiment -- ... --out experiments/results/<arm>-s<seed>.json`.
//
// Files are grouped into arms by name (everything before "-s<seed>.json").
// For every evaluation step that all seeds of an arm share, and for the peak
// of each rate, it prints the mean over seeds with a 95% t interval over seeds
// [lo, hi] (rates clipped to [0, 1]); each seed's own rate carries a 95%
// Wilson interval over the evaluation problems, printed per seed with --seeds. Nothing here measures:
// it only reads what the runs wrote.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { meanInterval, type MeanInterval } from '../src/core/stats';
import type { CurvePoint, ExperimentResult, PassSummary } from '../src/train/experiment';

type Run = ExperimentResult & { command: string; base: string; file: string };

const args = process.argv.slice(2);
const perSeed = args.includes('--seeds');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: npm run experiment:table -- [--seeds] experiments/results/<arm>-s<seed>.json ...');
  process.exit(2);
}

const arms = new Map<string, Run[]>();
for (const file of files) {
  const run = { ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<Run, 'file'>), file };
  if (!Array.isArray(run.curve)) throw new Error(`${file}: no curve (made before experiment results carried one?)`);
  const arm = basename(file).replace(/-s\d+\.json$/, '').replace(/\.json$/, '');
  arms.set(arm, [...(arms.get(arm) ?? []), run]);
}

const pct = (x: number) => (100 * x).toFixed(1);
const fmt = (m: MeanInterval, scale: (x: number) => string) => (m.n > 1 ? `${scale(m.mean)} [${scale(m.lo)}, ${scale(m.hi)}]` : scale(m.mean));
const num = (d: number) => (x: number) => x.toFixed(d);

type Metric = { name: string; get: (p: CurvePoint) => number | null; scale: (x: number) => string; rate: boolean };
const pass = (p: CurvePoint): PassSummary => p.sampled;
const METRICS: Metric[] = [
  { name: 'greedy acc %', get: (p) => p.greedy.accuracy.rate, scale: pct, rate: true },
  { name: 'sampled acc %', get: (p) => pass(p).accuracy.rate, scale: pct, rate: true },
  { name: 'length', get: (p) => pass(p).meanLength, scale: num(1), rate: false },
  { name: 'length right', get: (p) => pass(p).meanLengthRight, scale: num(1), rate: false },
  { name: 'length wrong', get: (p) => pass(p).meanLengthWrong, scale: num(1), rate: false },
  { name: 'reflection %', get: (p) => pass(p).reflection.rate, scale: pct, rate: true },
  { name: 'aha %', get: (p) => pass(p).aha.rate, scale: pct, rate: true },
  { name: 'attempts', get: (p) => pass(p).attempts, scale: num(2), rate: false },
  { name: 'KL', get: (p) => p.kl, scale: num(4), rate: false },
  { name: 's/step', get: (p) => p.secondsPerStep, scale: num(2), rate: false },
];

function cell(values: (number | null)[], m: Metric): string {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return '–';
  const mi = meanInterval(xs);
  // a rate's interval cannot leave [0, 1]; with 2 or 3 seeds the t interval is wide and would
  return fmt(m.rate ? { ...mi, lo: Math.max(0, mi.lo), hi: Math.min(1, mi.hi) } : mi, m.scale);
}

for (const [arm, runs] of arms) {
  runs.sort((a, b) => a.seed - b.seed);
  const steps = runs[0]!.curve.map((p) => p.step).filter((s) => runs.every((r) => r.curve.some((p) => p.step === s)));
  console.log(`\n### ${arm}: ${runs.length} seed(s) (${runs.map((r) => r.seed).join(', ')}), ${runs[0]!.evalProblems} held-out problems, base ${runs[0]!.base}`);
  console.log(`\`${runs[0]!.command.replace(/--seed \d+/, '--seed S').replace(/--out \S+/, `--out experiments/results/${arm}-sS.json`)}\`\n`);
  console.log(`| step | ${METRICS.map((m) => m.name).join(' | ')} |`);
  console.log(`|---|${METRICS.map(() => '---').join('|')}|`);
  for (const s of steps) {
    // the point after the last step has no rollout of its own: its KL is the last step's (result.final.kl)
    const pts = runs.map((r) => {
      const p = r.curve.find((q) => q.step === s)!;
      return p.kl === null && s === r.steps ? { ...p, kl: r.final.kl } : p;
    });
    console.log(`| ${s} | ${METRICS.map((m) => cell(pts.map(m.get), m)).join(' | ')} |`);
  }
  // peak: each seed's largest value over the curve (step 0 included), then the mean over seeds
  const peaks = METRICS.map((m) => {
    if (m.name === 's/step' || m.name === 'KL') return '–';
    const per = runs.map((r) => Math.max(...r.curve.map(m.get).filter((v): v is number => v !== null && Number.isFinite(v))));
    return cell(per, m);
  });
  console.log(`| peak | ${peaks.join(' | ')} |`);
  if (perSeed) {
    for (const r of runs) {
      const last = r.curve[r.curve.length - 1]!;
      const w = (x: { rate: number; lo: number; hi: number }) => `${pct(x.rate)} [${pct(x.lo)}, ${pct(x.hi)}]`;
      console.log(`  seed ${r.seed}, step ${last.step}: greedy ${w(last.greedy.accuracy)}, sampled ${w(last.sampled.accuracy)}, ` +
        `reflection ${w(last.sampled.reflection)}, aha ${w(last.sampled.aha)} (Wilson 95%)`);
    }
  }
}
