// npm run distill:table -- [DIR]   (default experiments/results)
//
// The "Distillation, measured" table: the dense student's held-out numbers at its
// base, after SFT on the teacher's traces (distill-sS.json, npm run distill), and
// after GRPO from its base at equal samples (distill-grpo-sS.json) and at equal
// wall time (distill-grpo450-sS.json, npm run experiment). Each cell is the mean
// over seeds [95% t interval over seeds]; per-seed lines carry Wilson intervals.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { meanInterval } from '../src/core/stats';
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

const pc = (x: number) => (100 * x).toFixed(1);
function cell(xs: number[], scale = 100, d = 1): string {
  const m = meanInterval(xs.map((x) => x * scale));
  return xs.length > 1 ? `${m.mean.toFixed(d)} [${m.lo.toFixed(d)}, ${m.hi.toFixed(d)}]` : m.mean.toFixed(d);
}
function row(name: string, seeds: number[], evs: EvalSummary[], extra: string): string {
  return `| ${name} | ${seeds.join(', ')} | ${cell(evs.map((e) => e.greedy.accuracy.rate))} | ${cell(evs.map((e) => e.sampled.accuracy.rate))} | ` +
    `${cell(evs.map((e) => e.sampled.meanLength), 1)} | ${cell(evs.map((e) => e.sampled.reflection.rate))} | ${cell(evs.map((e) => e.sampled.aha.rate))} | ${extra} |`;
}
const lastPoint = (r: ExperimentResult): EvalSummary => r.curve[r.curve.length - 1]!;
const firstPoint = (r: ExperimentResult): EvalSummary => r.curve[0]!;

const d0 = distill[0]!.r;
console.log(`teacher ${d0.teacher.source} (${d0.teacher.parameters} parameters) after ${d0.teacher.grpoSteps} GRPO steps; student ${d0.student.source} (${d0.student.parameters} parameters); ${d0.evalProblems} held-out problems`);
console.log('');
console.log('| student | seeds | greedy acc % | sampled acc % | length | reflection % | aha % | budget |');
console.log('|---|---|---|---|---|---|---|---|');
console.log(row('base (step 0)', distill.map((x) => x.seed), distill.map((x) => x.r.before), 'none'));
const kept = distill.map((x) => x.r.rejection.kept);
const wallD = distill.map((x) => x.r.wallSeconds.sampling + x.r.wallSeconds.sft);
console.log(row('distilled (SFT on the teacher\'s kept traces)', distill.map((x) => x.seed), distill.map((x) => x.r.after),
  `${d0.rejection.sampled} teacher samples (${d0.rejection.prompts} prompts x ${d0.rejection.k}), kept ${kept.join('/')}; ${d0.sft.steps} SFT steps; sampling + SFT ${wallD.map((s) => s.toFixed(0)).join('/')} s`));
/** The curve point at `step` (null: the last), and the GRPO wall seconds up to it (evaluations not counted). */
function at(r: ExperimentResult, step: number | null): { p: EvalSummary; step: number; wall: number } {
  const k = step === null ? r.curve.length - 1 : r.curve.findIndex((c) => c.step === step);
  if (k < 0) throw new Error(`distill:table: no evaluation at step ${step} (evalEvery ${r.curve[1]?.step ?? '?'})`);
  let wall = 0;
  for (let i = 1; i <= k; i++) wall += (r.curve[i]!.secondsPerStep ?? 0) * (r.curve[i]!.step - r.curve[i - 1]!.step);
  return { p: r.curve[k]!, step: r.curve[k]!.step, wall };
}
for (const [name, runs, steps] of arms) {
  if (runs.length === 0) continue;
  for (const step of steps) {
    const pts = runs.map((x) => at(x.r, step));
    const n = pts[0]!.step;
    console.log(row(`${name}, step ${n}`, runs.map((x) => x.seed), pts.map((q) => q.p),
      `${n} steps x 64 = ${n * 64} student samples; GRPO ${pts.map((q) => q.wall.toFixed(0)).join('/')} s`));
  }
}
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
