// npm run distill:table -- [DIR]   (default experiments/results)
//
// The "Distillation, measured" table, as README prints it: the dense student's
// held-out numbers at its base, after SFT on the teacher's traces
// (distill-sS.json, npm run distill), and after GRPO from its base at equal
// samples (distill-grpo-sS.json) and longer (distill-grpo450-sS.json, read at
// step 150 and 450; npm run experiment). Each cell is the mean over seeds
// [95% t interval over seeds]. Where the seeds cannot vary (every seed
// evaluates the same base greedily on the same problems) the t interval is
// [x, x], which says nothing about the 256 problems: such a rate cell, or one
// with a single seed, gives that evaluation's Wilson 95% instead, marked †.
// The wall times and per-seed lines (Wilson intervals) follow the table.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preset } from '../src/core/config';
import { meanInterval, type Rate } from '../src/core/stats';
import type { DistillResult, EvalSummary } from '../src/train/distill';
import type { ExperimentResult } from '../src/train/experiment';

const dir = process.argv[2] ?? 'experiments/results';
const read = <T>(re: RegExp): { seed: number; r: T }[] =>
  readdirSync(dir).flatMap((f) => {
    const m = re.exec(f);
    return m ? [{ seed: Number(m[1]), r: JSON.parse(readFileSync(join(dir, f), 'utf8')) as T }] : [];
  }).sort((a, b) => a.seed - b.seed);

const distill = read<DistillResult>(/^distill-s(\d+)\.json$/);
// the long GRPO arm is also read at step 150, its evaluation closest to distillation's wall time (README)
const arms = [
  ['GRPO, equal samples', read<ExperimentResult>(/^distill-grpo-s(\d+)\.json$/), [null]],
  ['GRPO, long', read<ExperimentResult>(/^distill-grpo450-s(\d+)\.json$/), [150, null]],
] as const;
if (distill.length === 0 || !existsSync(dir)) throw new Error(`distill:table: no distill-s*.json in ${dir}`);

// the GRPO arm ran the countdown preset (README); its results hold no config, so the samples per step come from the preset
const grpo = preset('R1-Zero (Countdown)').grpo;
const SAMPLES_PER_STEP = grpo.batchPrompts * grpo.groupSize;
const pc = (x: number) => (100 * x).toFixed(1);
let wilsonCells = 0;
/** A rate over seeds: mean [95% t over seeds]; † the single evaluation's Wilson 95% where the seeds cannot tell (see the header). */
function rateCell(rs: Rate[]): string {
  const m = meanInterval(rs.map((r) => 100 * r.rate));
  if (rs.length > 1 && m.hi > m.lo) return `${m.mean.toFixed(1)} [${m.lo.toFixed(1)}, ${m.hi.toFixed(1)}]`;
  if (rs.some((r) => r.k !== rs[0]!.k || r.n !== rs[0]!.n)) throw new Error('distill:table: a zero-width interval over seeds that disagree');
  wilsonCells++;
  return `${pc(rs[0]!.rate)} [${pc(rs[0]!.lo)}, ${pc(rs[0]!.hi)}]†`;
}
/** A mean over seeds (tokens): mean [95% t over seeds], the mean alone for one seed. */
function meanCell(xs: number[]): string {
  const m = meanInterval(xs);
  return xs.length > 1 ? `${m.mean.toFixed(1)} [${m.lo.toFixed(1)}, ${m.hi.toFixed(1)}]` : m.mean.toFixed(1);
}
function row(name: string, evs: EvalSummary[], budget: string): string {
  return `| ${name} | ${rateCell(evs.map((e) => e.greedy.accuracy))} | ${rateCell(evs.map((e) => e.sampled.accuracy))} | ` +
    `${meanCell(evs.map((e) => e.sampled.meanLength))} | ${rateCell(evs.map((e) => e.sampled.reflection))} | ${rateCell(evs.map((e) => e.sampled.aha))} | ${budget} |`;
}
const lastPoint = (r: ExperimentResult): EvalSummary => r.curve[r.curve.length - 1]!;
const firstPoint = (r: ExperimentResult): EvalSummary => r.curve[0]!;

const d0 = distill[0]!.r;
const seedsOf = (xs: { seed: number }[]) => xs.map((x) => x.seed).join(', ');
// a teacher loaded as saved (public/teacher-countdown-grpo60) took its GRPO steps before: this run added none
const teacherSteps = d0.teacher.grpoSteps > 0 ? `after ${d0.teacher.grpoSteps} GRPO steps` : 'as saved (no GRPO steps in this run)';
console.log(`teacher ${d0.teacher.source} (${d0.teacher.parameters} parameters) ${teacherSteps}; student ${d0.student.source} (${d0.student.parameters} parameters); ${d0.evalProblems} held-out problems`);
console.log(`seeds: distilled ${seedsOf(distill)}; ${arms.map(([name, runs]) => `${name} ${seedsOf(runs)}`).join('; ')}`);
console.log('');
console.log('| student | greedy acc % | sampled acc % | length | reflection % | aha % | budget |');
console.log('|---|---|---|---|---|---|---|');
console.log(row('base (step 0)', distill.map((x) => x.r.before), '–'));
const kept = distill.map((x) => x.r.rejection.kept);
console.log(row('distilled', distill.map((x) => x.r.after), `${d0.rejection.sampled} teacher samples, ${Math.min(...kept)}–${Math.max(...kept)} kept`));
/** The curve point at `step` (null: the last), and the GRPO wall seconds up to it (evaluations not counted). */
function at(r: ExperimentResult, step: number | null): { p: EvalSummary; step: number; wall: number } {
  const k = step === null ? r.curve.length - 1 : r.curve.findIndex((c) => c.step === step);
  if (k < 0) throw new Error(`distill:table: no evaluation at step ${step} (evalEvery ${r.curve[1]?.step ?? '?'})`);
  let wall = 0;
  for (let i = 1; i <= k; i++) wall += (r.curve[i]!.secondsPerStep ?? 0) * (r.curve[i]!.step - r.curve[i - 1]!.step);
  return { p: r.curve[k]!, step: r.curve[k]!.step, wall };
}
const walls: string[] = [`distilled (sampling + SFT) ${distill.map((x) => (x.r.wallSeconds.sampling + x.r.wallSeconds.sft).toFixed(0)).join('/')}`];
for (const [name, runs, steps] of arms) {
  if (runs.length === 0) continue;
  for (const step of steps) {
    const pts = runs.map((x) => at(x.r, step));
    const n = pts[0]!.step;
    if (pts.some((q) => q.step !== n)) throw new Error(`distill:table: ${name}: the seeds end at different steps (${pts.map((q) => q.step).join(', ')})`);
    const label = name === 'GRPO, equal samples' ? `GRPO, step ${n} (equal samples)` : `GRPO, step ${n}`;
    console.log(row(label, pts.map((q) => q.p), `${n * SAMPLES_PER_STEP} student samples`));
    walls.push(`GRPO to step ${n} ${pts.map((q) => q.wall.toFixed(0)).join('/')}`);
  }
}
console.log('');
if (wilsonCells > 0) console.log('† every seed gave the same evaluation (the same base, greedy, on the same problems): its Wilson 95% over the problems.');
console.log(`Wall seconds per seed (evaluations not counted): ${walls.join('; ')}.`);
console.log('');
for (const x of distill) {
  const r = x.r, rj = r.rejection;
  console.log(`  distill seed ${x.seed}: base greedy ${pc(r.before.greedy.accuracy.rate)} [${pc(r.before.greedy.accuracy.lo)}, ${pc(r.before.greedy.accuracy.hi)}] -> ` +
    `${pc(r.after.greedy.accuracy.rate)} [${pc(r.after.greedy.accuracy.lo)}, ${pc(r.after.greedy.accuracy.hi)}]; kept ${rj.kept} of ${rj.sampled} ` +
    `(format ${rj.dropped.format}, wrong ${rj.dropped.wrong}, waits ${rj.dropped.waits}, unreadable ${rj.dropped.unreadable}), ${rj.promptsCovered} of ${rj.prompts} prompts covered, ` +
    `kept length ${rj.keptMeanLength.toFixed(1)}, kept with <wait> ${pc(rj.keptReflection)}%; SFT loss ${r.sft.firstLoss.toFixed(3)} -> ${r.sft.lastLoss.toFixed(3)}` +
    (r.teacher.eval ? `; teacher greedy ${pc(r.teacher.eval.greedy.accuracy.rate)} [${pc(r.teacher.eval.greedy.accuracy.lo)}, ${pc(r.teacher.eval.greedy.accuracy.hi)}]` : ''));
}
for (const [name, runs] of arms) {
  for (const x of runs) {
    const a = firstPoint(x.r).greedy.accuracy, b = lastPoint(x.r).greedy.accuracy;
    console.log(`  ${name} seed ${x.seed}: greedy ${pc(a.rate)} -> ${pc(b.rate)} [${pc(b.lo)}, ${pc(b.hi)}] after ${x.r.steps} steps`);
  }
}
