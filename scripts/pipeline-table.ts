// `npm run pipeline:table -- R1ZERO_FILES... -- PIPELINE_FILES... [-- MORE_PIPELINE_FILES...]` — README's "The
// four-stage recipe, measured" from the result files of experiments/run-pipeline.sh (npm run experiment, one per
// seed). The first group is R1-Zero; each later group a pipeline arm, named by its files (<arm>-s<seed>.json).
//
// Rows: each arm at its held-out evaluations that matter (step 0, before and after each stage, the last step);
// cells: the mean over seeds [95% t interval over seeds; rates clipped to 0-100]. Steps to a given accuracy:
// the first evaluated GRPO step at which held-out greedy accuracy reaches each threshold (default 0.5; --threshold 0.5,0.55),
// per seed, and the mean over the seeds that reach it. Then each seed's last-step rates with 95% Wilson
// intervals, the rejection counts, and the wall times. Nothing here measures: it only reads what the runs wrote.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { meanInterval, type Rate } from '../src/core/stats';
import type { ExperimentResult, PassSummary } from '../src/train/experiment';

type Run = ExperimentResult & { command: string; file: string };
type Pair = { greedy: PassSummary; sampled: PassSummary };

const args = process.argv.slice(2);
const ti = args.indexOf('--threshold');
const thresholds = ti >= 0 ? (args[ti + 1] ?? '').split(',').map(Number) : [0.5];
const files = ti >= 0 ? [...args.slice(0, ti), ...args.slice(ti + 2)] : args;
const groups: string[][] = [[]];
for (const f of files) if (f === '--') groups.push([]); else groups[groups.length - 1]!.push(f);
if (groups.length < 2 || groups.some((g) => g.length === 0) || !thresholds.every((t) => t > 0 && t < 1)) {
  console.error('usage: npm run pipeline:table -- [--threshold 0.5,0.55] R1ZERO.json ... -- PIPELINE.json ... [-- PIPELINE2.json ...]');
  process.exit(2);
}
const load = (f: string): Run => ({ ...(JSON.parse(readFileSync(f, 'utf8')) as Omit<Run, 'file'>), file: f });
const [zero, ...pipes] = groups.map((g) => g.map(load).sort((a, b) => a.seed - b.seed)) as [Run[], ...Run[][]];
const armName = (runs: Run[]) => basename(runs[0]!.file).replace(/-s\d+\.json$/, '');
for (const runs of pipes) for (const r of runs) {
  if (!r.stages.length || r.stages[0]!.report.kind !== 'coldStart') throw new Error(`${r.file}: no cold start; not a pipeline run`);
  if (r.stages.map((x) => x.report.kind).join() !== runs[0]!.stages.map((x) => x.report.kind).join()) throw new Error(`${r.file}: other stages than ${runs[0]!.file}`);
}
for (const r of zero) if (r.stages?.length) throw new Error(`${r.file}: has pipeline stages; not an R1-Zero run`);

const pct = (x: number) => (100 * x).toFixed(1);
const num = (d: number) => (x: number) => x.toFixed(d);
/** mean [95% t over seeds]; a rate that every seed gives alike (the one base, greedy) gets that evaluation's Wilson 95%, marked † (distill-table.ts does the same). */
function cell(xs: number[], scale: (x: number) => string, rates: (Rate | undefined)[] | null): string {
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) return '–';
  const m = meanInterval(xs);
  if (m.n < 2) return scale(m.mean);
  const one = rates?.[0];
  if (rates && one && xs.every((x) => x === xs[0])) return `${scale(one.rate)} [${scale(one.lo)}, ${scale(one.hi)}]†`;
  const lo = rates ? Math.max(0, m.lo) : m.lo, hi = rates ? Math.min(1, m.hi) : m.hi;
  return `${scale(m.mean)} [${scale(lo)}, ${scale(hi)}]`;
}
const COLS: { name: string; get: (p: Pair) => Rate | number | undefined; scale: (x: number) => string }[] = [
  { name: 'greedy acc %', get: (p) => p.greedy.accuracy, scale: pct },
  { name: 'sampled acc %', get: (p) => p.sampled.accuracy, scale: pct },
  { name: 'length', get: (p) => p.sampled.meanLength, scale: num(1) },
  { name: 'well-formed %', get: (p) => p.sampled.wellFormed, scale: pct },
  { name: 'readable %', get: (p) => p.sampled.readable, scale: pct },
  { name: 'readable, greedy %', get: (p) => p.greedy.readable, scale: pct },
  { name: 'reflection %', get: (p) => p.sampled.reflection, scale: pct },
  { name: 'aha %', get: (p) => p.sampled.aha, scale: pct },
];
function colCell(c: (typeof COLS)[number], pairs: Pair[]): string {
  const vs = pairs.map((p) => c.get(p));
  if (vs.every((v) => typeof v === 'number')) return cell(vs as number[], c.scale, null);
  const rates = vs as (Rate | undefined)[];
  return cell(rates.map((r) => r?.rate ?? NaN), c.scale, rates);
}
const at = (r: Run, step: number): Pair => {
  const p = r.curve.find((q) => q.step === step);
  if (!p) throw new Error(`${r.file}: no evaluation at step ${step}`);
  return p;
};
function row(label: string, runs: Run[], pick: (r: Run) => Pair): string {
  return `| ${label} | ${COLS.map((c) => colCell(c, runs.map(pick))).join(' | ')} |`;
}

const last = zero[0]!.steps;
const rl1 = pipes.map((runs) => runs[0]!.stages[1]?.report.step).find((s) => s !== undefined) ?? null;
console.log(`R1-Zero: seeds ${zero.map((r) => r.seed).join(', ')}; ${pipes.map((runs) => `${armName(runs)}: seeds ${runs.map((r) => r.seed).join(', ')}`).join('; ')}; ` +
  `${zero[0]!.evalProblems} held-out problems; rates of the sampled pass unless named greedy; mean over seeds [95% t interval over seeds]\n`);
console.log(`| arm, point | ${COLS.map((c) => c.name).join(' | ')} |`);
console.log(`|---|${COLS.map(() => '---').join('|')}|`);
console.log(row('base (step 0 of both)', zero, (r) => at(r, 0)));
// R1-Zero at the rejection stage's step, where its evaluations fall there (every 10 steps: 70 and 80 around 75)
if (rl1 !== null) {
  for (const s of [Math.floor(rl1 / 10) * 10, Math.ceil(rl1 / 10) * 10].filter((x, i, a) => a.indexOf(x) === i)) {
    if (zero.every((r) => r.curve.some((p) => p.step === s))) console.log(row(`R1-Zero, step ${s}`, zero, (r) => at(r, s)));
  }
}
console.log(row(`R1-Zero, step ${last}`, zero, (r) => at(r, last)));
for (const runs of pipes) {
  const name = armName(runs);
  console.log(row(`${name}, after the cold start (step 0)`, runs, (r) => r.stages[0]!.after));
  const rej = runs[0]!.stages[1];
  if (rej) {
    console.log(row(`${name}, step ${rej.report.step}, before the rejection stage`, runs, (r) => r.stages[1]!.before));
    console.log(row(`${name}, step ${rej.report.step}, after it`, runs, (r) => r.stages[1]!.after));
  }
  console.log(row(`${name}, step ${last}`, runs, (r) => at(r, last)));
}
console.log('† every seed gave the same count: that evaluation\'s Wilson 95% over the problems.');

const steps = (runs: Run[], threshold: number) => {
  // the evaluations after a stage count too: the one after the rejection stage is the policy at that GRPO step
  const points = (r: Run) => [...r.curve, ...r.stages.map((x) => ({ step: x.report.step, greedy: x.after.greedy }))].sort((a, b) => a.step - b.step);
  const reach = (r: Run) => points(r).find((p) => p.greedy.accuracy.rate >= threshold)?.step ?? null;
  const per = runs.map(reach);
  const got = per.filter((s): s is number => s !== null);
  return `${cell(got, num(0), null)} (seeds: ${per.map((s) => (s === null ? `not by ${last}` : s)).join(', ')})`;
};
const every = zero[0]!.curve[1]!.step - zero[0]!.curve[0]!.step;
for (const threshold of thresholds) {
  console.log(`\nGRPO steps to held-out greedy accuracy >= ${pct(threshold)}% (first evaluation reaching it; evaluated every ${every} steps; mean over the seeds that reach it):`);
  console.log(`- R1-Zero: ${steps(zero, threshold)}`);
  for (const runs of pipes) console.log(`- ${armName(runs)}: ${steps(runs, threshold)}`);
}

const w = (x: Rate | undefined) => (x ? `${pct(x.rate)} [${pct(x.lo)}, ${pct(x.hi)}]` : '–');
console.log(`\nPer seed, step ${last} (Wilson 95%):`);
for (const [name, runs] of [['R1-Zero', zero] as const, ...pipes.map((runs) => [armName(runs), runs] as const)]) {
  for (const r of runs) {
    const p = at(r, last);
    console.log(`- ${name}, seed ${r.seed}: greedy ${w(p.greedy.accuracy)}, sampled ${w(p.sampled.accuracy)}, readable ${w(p.sampled.readable)}, reflection ${w(p.sampled.reflection)}`);
  }
}
console.log('\nRejection stage, per seed:');
for (const r of pipes.flat().filter((x) => x.stages[1])) {
  const s = r.stages[1]!.report, rj = s.rejection!;
  console.log(`- ${armName([r])}, seed ${r.seed}: ${rj.sampled} samples, kept ${rj.kept} (${pct(rj.kept / rj.sampled)}%), dropped format ${rj.dropped.format}, wrong ${rj.dropped.wrong}, ` +
    `waits ${rj.dropped.waits}, unreadable ${rj.dropped.unreadable}; ${rj.promptsCovered} of ${rj.prompts} prompts covered; kept mean length ${rj.keptMeanLength.toFixed(1)}, ` +
    `with <wait> ${pct(rj.keptReflection)}%; SFT ${s.sft.steps} steps, loss ${s.sft.loss[0]?.toFixed(3)} -> ${s.sft.loss[s.sft.loss.length - 1]?.toFixed(3)}`);
}
const secs = (runs: Run[], f: (r: Run) => number) => cell(runs.map(f), num(0), null);
console.log('\nWall seconds (whole run, evaluations included):');
console.log(`- R1-Zero: ${secs(zero, (r) => r.wallSeconds)}`);
const perSeed = (runs: Run[], f: (r: Run) => number) => runs.map((r) => f(r).toFixed(0)).join(', ');
console.log(`- R1-Zero, per seed: ${perSeed(zero, (r) => r.wallSeconds)}`);
for (const runs of pipes) {
  console.log(`- ${armName(runs)}: ${secs(runs, (r) => r.wallSeconds)}, per seed ${perSeed(runs, (r) => r.wallSeconds)}; cold start per seed ${perSeed(runs, (r) => r.stages[0]!.wallSeconds)}` +
    (runs[0]!.stages[1] ? `; rejection stage per seed ${perSeed(runs, (r) => r.stages[1]!.wallSeconds)} (sampling ${perSeed(runs, (r) => r.stages[1]!.report.seconds.sampling)}, ` +
      `SFT ${perSeed(runs, (r) => r.stages[1]!.report.seconds.sft)})` : '') + '; each stage with its two evaluations');
}
