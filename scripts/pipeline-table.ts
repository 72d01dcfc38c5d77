// `npm run pipeline:table -- R1ZERO_FILES... -- PIPELINE_FILES...` — README's "The four-stage recipe, measured"
// from the result files of experiments/run-pipeline.sh (npm run experiment, one per seed).
//
// Rows: each arm at its held-out evaluations that matter (step 0, before and after each stage, the last step);
// cells: the mean over seeds [95% t interval over seeds; rates clipped to 0-100]. Steps to a given accuracy:
// the first evaluated GRPO step at which held-out greedy accuracy reaches each threshold (default 0.5; --threshold 0.5,0.55),
// per seed, and the mean over the seeds that reach it. Then each seed's last-step rates with 95% Wilson
// intervals, the rejection counts, and the wall times. Nothing here measures: it only reads what the runs wrote.

import { readFileSync } from 'node:fs';
import { meanInterval, type Rate } from '../src/core/stats';
import type { ExperimentResult, PassSummary } from '../src/train/experiment';

type Run = ExperimentResult & { command: string; file: string };
type Pair = { greedy: PassSummary; sampled: PassSummary };

const args = process.argv.slice(2);
const ti = args.indexOf('--threshold');
const thresholds = ti >= 0 ? (args[ti + 1] ?? '').split(',').map(Number) : [0.5];
const files = ti >= 0 ? [...args.slice(0, ti), ...args.slice(ti + 2)] : args;
const split = files.indexOf('--');
if (split < 1 || split === files.length - 1 || !thresholds.every((t) => t > 0 && t < 1)) {
  console.error('usage: npm run pipeline:table -- [--threshold 0.5,0.55] R1ZERO.json ... -- PIPELINE.json ...');
  process.exit(2);
}
const load = (f: string): Run => ({ ...(JSON.parse(readFileSync(f, 'utf8')) as Omit<Run, 'file'>), file: f });
const zero = files.slice(0, split).map(load).sort((a, b) => a.seed - b.seed);
const four = files.slice(split + 1).map(load).sort((a, b) => a.seed - b.seed);
for (const r of four) if (r.stages.length !== 2) throw new Error(`${r.file}: ${r.stages.length} stages, expected the cold start and the rejection stage`);
for (const r of zero) if (r.stages?.length) throw new Error(`${r.file}: has pipeline stages; not an R1-Zero run`);

const pct = (x: number) => (100 * x).toFixed(1);
const num = (d: number) => (x: number) => x.toFixed(d);
function cell(xs: number[], scale: (x: number) => string, rate: boolean): string {
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) return '–';
  const m = meanInterval(xs);
  if (m.n < 2) return scale(m.mean);
  const lo = rate ? Math.max(0, m.lo) : m.lo, hi = rate ? Math.min(1, m.hi) : m.hi;
  return `${scale(m.mean)} [${scale(lo)}, ${scale(hi)}]`;
}
const COLS: { name: string; get: (p: Pair) => number; scale: (x: number) => string; rate: boolean }[] = [
  { name: 'greedy acc %', get: (p) => p.greedy.accuracy.rate, scale: pct, rate: true },
  { name: 'sampled acc %', get: (p) => p.sampled.accuracy.rate, scale: pct, rate: true },
  { name: 'length', get: (p) => p.sampled.meanLength, scale: num(1), rate: false },
  { name: 'well-formed %', get: (p) => p.sampled.wellFormed?.rate ?? NaN, scale: pct, rate: true },
  { name: 'readable %', get: (p) => p.sampled.readable?.rate ?? NaN, scale: pct, rate: true },
  { name: 'readable, greedy %', get: (p) => p.greedy.readable?.rate ?? NaN, scale: pct, rate: true },
  { name: 'reflection %', get: (p) => p.sampled.reflection.rate, scale: pct, rate: true },
  { name: 'aha %', get: (p) => p.sampled.aha.rate, scale: pct, rate: true },
];
const at = (r: Run, step: number): Pair => {
  const p = r.curve.find((q) => q.step === step);
  if (!p) throw new Error(`${r.file}: no evaluation at step ${step}`);
  return p;
};
function row(label: string, runs: Run[], pick: (r: Run) => Pair): string {
  return `| ${label} | ${COLS.map((c) => cell(runs.map((r) => c.get(pick(r))), c.scale, c.rate)).join(' | ')} |`;
}

const last = zero[0]!.steps;
const rl1 = four[0]!.stages[1]!.report.step;
console.log(`R1-Zero: seeds ${zero.map((r) => r.seed).join(', ')}; four stages: seeds ${four.map((r) => r.seed).join(', ')}; ${zero[0]!.evalProblems} held-out problems; ` +
  `rates of the sampled pass unless named greedy; mean over seeds [95% t interval over seeds]\n`);
console.log(`| arm, point | ${COLS.map((c) => c.name).join(' | ')} |`);
console.log(`|---|${COLS.map(() => '---').join('|')}|`);
console.log(row('base (step 0 of both)', zero, (r) => at(r, 0)));
// R1-Zero at the rejection stage's step, where its evaluations fall there (every 10 steps: 70 and 80 around 75)
for (const s of [Math.floor(rl1 / 10) * 10, Math.ceil(rl1 / 10) * 10].filter((x, i, a) => a.indexOf(x) === i)) {
  if (zero.every((r) => r.curve.some((p) => p.step === s))) console.log(row(`R1-Zero, step ${s}`, zero, (r) => at(r, s)));
}
console.log(row(`R1-Zero, step ${last}`, zero, (r) => at(r, last)));
console.log(row('four stages, after the cold start (step 0)', four, (r) => r.stages[0]!.after));
console.log(row(`four stages, step ${rl1}, before the rejection stage`, four, (r) => r.stages[1]!.before));
console.log(row(`four stages, step ${rl1}, after it`, four, (r) => r.stages[1]!.after));
console.log(row(`four stages, step ${last}`, four, (r) => at(r, last)));

const steps = (runs: Run[], threshold: number) => {
  // the evaluations after a stage count too: the one after the rejection stage is the policy at that GRPO step
  const points = (r: Run) => [...r.curve, ...r.stages.map((x) => ({ step: x.report.step, greedy: x.after.greedy }))].sort((a, b) => a.step - b.step);
  const reach = (r: Run) => points(r).find((p) => p.greedy.accuracy.rate >= threshold)?.step ?? null;
  const per = runs.map(reach);
  const got = per.filter((s): s is number => s !== null);
  return `${cell(got, num(0), false)} (seeds: ${per.map((s) => (s === null ? `not by ${last}` : s)).join(', ')})`;
};
const every = zero[0]!.curve[1]!.step - zero[0]!.curve[0]!.step;
for (const threshold of thresholds) {
  console.log(`\nGRPO steps to held-out greedy accuracy >= ${pct(threshold)}% (first evaluation reaching it; evaluated every ${every} steps; mean over the seeds that reach it):`);
  console.log(`- R1-Zero: ${steps(zero, threshold)}`);
  console.log(`- four stages: ${steps(four, threshold)}`);
}

const w = (x: Rate | undefined) => (x ? `${pct(x.rate)} [${pct(x.lo)}, ${pct(x.hi)}]` : '–');
console.log(`\nPer seed, step ${last} (Wilson 95%):`);
for (const [name, runs] of [['R1-Zero', zero], ['four stages', four]] as const) {
  for (const r of runs) {
    const p = at(r, last);
    console.log(`- ${name}, seed ${r.seed}: greedy ${w(p.greedy.accuracy)}, sampled ${w(p.sampled.accuracy)}, readable ${w(p.sampled.readable)}, reflection ${w(p.sampled.reflection)}`);
  }
}
console.log('\nRejection stage, per seed:');
for (const r of four) {
  const s = r.stages[1]!.report, rj = s.rejection!;
  console.log(`- seed ${r.seed}: ${rj.sampled} samples, kept ${rj.kept} (${pct(rj.kept / rj.sampled)}%), dropped format ${rj.dropped.format}, wrong ${rj.dropped.wrong}, ` +
    `waits ${rj.dropped.waits}, unreadable ${rj.dropped.unreadable}; ${rj.promptsCovered} of ${rj.prompts} prompts covered; kept mean length ${rj.keptMeanLength.toFixed(1)}, ` +
    `with <wait> ${pct(rj.keptReflection)}%; SFT ${s.sft.steps} steps, loss ${s.sft.loss[0]?.toFixed(3)} -> ${s.sft.loss[s.sft.loss.length - 1]?.toFixed(3)}`);
}
const secs = (runs: Run[], f: (r: Run) => number) => cell(runs.map(f), num(0), false);
console.log('\nWall seconds (whole run, evaluations included):');
console.log(`- R1-Zero: ${secs(zero, (r) => r.wallSeconds)}`);
console.log(`- four stages: ${secs(four, (r) => r.wallSeconds)}; cold start ${secs(four, (r) => r.stages[0]!.wallSeconds)}, rejection stage ${secs(four, (r) => r.stages[1]!.wallSeconds)} ` +
  `(sampling ${secs(four, (r) => r.stages[1]!.report.seconds.sampling)}, SFT ${secs(four, (r) => r.stages[1]!.report.seconds.sft)}), each with its two evaluations`);
