// `npm run bench:cpu [-- --rounds N] [--quick] [--no-eval]`: the CPU engines
// side by side in one Node process, the JavaScript reference (cpu/, the
// oracle) and the WebAssembly SIMD engine (wasm/). Prints, never asserts:
// the machine is shared and noisy, so every ratio is the median of N rounds
// (default 5) that alternate which engine goes first, and the load average
// is printed with it.
//
// 1. forward+backward of DEFAULT_CONFIG at B=8, T=maxSeqLen: ms and tokens/s per engine.
// 2. one GRPO step of DEFAULT_CONFIG (or QUICK_CONFIG with --quick) from its
//    shipped base: both trainers start from the same weights and step in
//    lockstep (same step index, same sampled tokens: the parity test
//    src/train/engines.test.ts), so each round times the same work; the
//    reference ÷ fast ratio, and each engine's step split into rollout, host
//    (rewards, advantages), reference forward, training forward+backward,
//    optimizer (bench/phases.ts), with the metrics' largest difference.
// 3. one held-out evaluation per engine (greedy + sampled passes), the fifth
//    phase of a step's cost, amortised over evalEvery steps.

import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHASES, phaseTracked, type Phase } from '../bench/phases';
import { DEFAULT_CONFIG, PRESET_NAMES, type RunConfig } from '../src/core/config';
import { Rng } from '../src/core/rng';
import { VOCAB_SIZE } from '../src/core/tokenizer';
import type { FloatArray } from '../src/cpu/types';
import type { CpuEngine } from '../src/model/backend';
import { backward, createActivations, createModel, forward, zeroGrads } from '../src/model/model';
import { initParams } from '../src/model/params';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { createEvaluator, evaluate } from '../src/train/evaluate';
import { baseCheckpointName } from '../src/train/experiment';
import { createGrpoTrainer, grpoStep, type GrpoMetrics } from '../src/train/grpo';
import { QUICK_CONFIG } from '../src/train/quick';
import { ENGINE_NAMES, nodeCpuBackend } from './cpu-engine';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run bench:cpu [-- --rounds N] [--quick] [--no-eval]';

const args = process.argv.slice(2);
let rounds = 5;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--rounds' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) >= 1) rounds = Number(args[++i]);
  else if (a !== '--quick' && a !== '--no-eval') {
    console.error(`bench:cpu: unknown or incomplete argument ${JSON.stringify(a)} (${USAGE})`);
    process.exit(2);
  }
}
const quick = args.includes('--quick');
const withEval = !args.includes('--no-eval');
const ENGINES: readonly CpuEngine[] = ['js', 'wasm'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(x < 100 ? 1 : 0)} ms`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

console.log(`bench:cpu on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; load average ${load()} (1, 5, 15 min)`);
console.log(`engines: js = ${ENGINE_NAMES.js}; wasm = ${ENGINE_NAMES.wasm}; ${rounds} rounds, alternating order, medians\n`);

// ---------------------------------------------------------------- 1. forward+backward
function fwdBwd(engine: CpuEngine) {
  const cfg = DEFAULT_CONFIG;
  const B = 8, T = cfg.model.maxSeqLen, N = B * T;
  const { ops } = nodeCpuBackend(engine, 'bench');
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  const acts = createActivations(ops, model, B, T);
  const rng = new Rng(cfg.seed, 0xbe7c);
  const tok = Array.from({ length: N }, () => rng.int(VOCAB_SIZE));
  ops.writeInt(acts.tokens, tok);
  ops.writeInt(acts.targets, tok.map(() => rng.int(VOCAB_SIZE)));
  const dLogp = ops.alloc(N);
  ops.write(dLogp, new Float32Array(N).fill(-1 / N));
  return {
    N,
    run(): { fwd: number; total: number } {
      const t0 = performance.now();
      forward(ops, model, acts);
      const t1 = performance.now();
      zeroGrads(ops, model);
      backward(ops, model, acts, dLogp);
      return { fwd: t1 - t0, total: performance.now() - t0 };
    },
  };
}

{
  const sides = ENGINES.map(fwdBwd);
  sides.forEach((s) => s.run()); // warmup: JIT
  const times = ENGINES.map(() => [] as { fwd: number; total: number }[]);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const got: { fwd: number; total: number }[] = [];
    for (const i of order) got[i] = sides[i]!.run();
    got.forEach((g, i) => times[i]!.push(g));
    ratios.push(got[0]!.total / got[1]!.total);
  }
  console.log(`## forward+backward, DEFAULT_CONFIG, B=8 T=${DEFAULT_CONFIG.model.maxSeqLen} (${sides[0]!.N} tokens)\n`);
  console.log('| engine | forward | forward+backward | tokens/s |\n|---|---|---|---|');
  ENGINES.forEach((e, i) => {
    const f = median(times[i]!.map((t) => t.fwd)), tt = median(times[i]!.map((t) => t.total));
    console.log(`| ${e} | ${ms(f)} | ${ms(tt)} | ${Math.round(sides[0]!.N / (tt / 1000))} |`);
  });
  console.log(`\nforward+backward, reference ÷ fast: ${median(ratios).toFixed(2)}x (median of ${rounds} rounds)\n`);
}

// ---------------------------------------------------------------- 2. GRPO step
/** The shipped base whose task and model match cfg (the default preset's own), or null. */
function baseFor(cfg: RunConfig): { params: Float32Array; routerBias: Float32Array; file: string } | null {
  const files = quick ? [baseCheckpointName(true)] : [...new Set([baseCheckpointName(false), ...PRESET_NAMES.map((p) => baseCheckpointName(false, p))])];
  for (const f of files) {
    const path = join(ROOT, 'public', f);
    if (!existsSync(path)) continue;
    const ck = decodeCheckpoint(new Uint8Array(readFileSync(path)));
    const same = (a: object | undefined, b: object) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);
    if (same(ck.config?.task, cfg.task) && same(ck.config?.model, cfg.model)) return { params: ck.params, routerBias: ck.routerBias, file: f };
  }
  return null;
}

const cfg = quick ? QUICK_CONFIG : DEFAULT_CONFIG;
const base = baseFor(cfg);

function grpoSide(engine: CpuEngine) {
  const b = nodeCpuBackend(engine, 'bench');
  const model = createModel(b.ops, cfg);
  if (base) {
    b.ops.write(model.params, base.params);
    b.ops.write(model.routerBias, base.routerBias);
  } else b.ops.write(model.params, initParams(cfg, model.table));
  // the trainer snapshots the reference from the model: its params buffer tells the phases apart
  let refParams: FloatArray | null = null;
  const t = phaseTracked(b.ops, b.decode, (wte) => refParams !== null && (wte as FloatArray).buffer === refParams.buffer);
  const tr = createGrpoTrainer(t.ops, t.dec, model);
  refParams = tr.ref.params;
  const ev = createEvaluator(b.ops, b.decode, model);
  return {
    async step(): Promise<{ ms: number; phases: Record<Phase, number>; m: GrpoMetrics }> {
      t.clock.begin();
      const t0 = performance.now();
      const { metrics } = await grpoStep(tr);
      const total = performance.now() - t0;
      return { ms: total, phases: t.clock.end(), m: metrics };
    },
    async evaluate(): Promise<number> {
      const t0 = performance.now();
      await evaluate(ev, model);
      return performance.now() - t0;
    },
  };
}

{
  const g = cfg.grpo;
  console.log(`## GRPO step, ${quick ? 'QUICK_CONFIG' : 'DEFAULT_CONFIG'} (${cfg.task.family} d=${cfg.task.difficulty}, B=${g.batchPrompts} x G=${g.groupSize}, ` +
    `maxCompletionLength ${g.maxCompletionLength}, mu ${g.mu}, beta ${g.beta}), ${base ? `from public/${base.file}` : 'from random weights (no matching base shipped)'}\n`);
  const sides = ENGINES.map(grpoSide);
  for (const s of sides) await s.step(); // warmup (JIT) and step 0
  const times = ENGINES.map(() => [] as { ms: number; phases: Record<Phase, number> }[]);
  const ratios: number[] = [];
  let maxMetricDiff = 0, sameTokens = true;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const got: { ms: number; phases: Record<Phase, number>; m: GrpoMetrics }[] = [];
    for (const i of order) got[i] = await sides[i]!.step();
    got.forEach((x, i) => times[i]!.push(x));
    ratios.push(got[0]!.ms / got[1]!.ms);
    const [a, b] = [got[0]!.m, got[1]!.m];
    if (a.reward !== b.reward || a.completionLength.mean !== b.completionLength.mean) sameTokens = false;
    for (const k of ['loss', 'kl', 'entropy', 'gradNorm'] as const) maxMetricDiff = Math.max(maxMetricDiff, Math.abs(a[k] - b[k]));
    console.log(`round ${r + 1}: js ${ms(got[0]!.ms)}, wasm ${ms(got[1]!.ms)}, ratio ${ratios[r]!.toFixed(2)}x; length ${b.completionLength.mean.toFixed(1)}; load ${load()}`);
  }
  // one after the other: two evaluations in flight together would interleave at their awaits and time each other
  const evals = withEval ? [await sides[0]!.evaluate(), await sides[1]!.evaluate()] : null;
  console.log(`\n| phase | js (reference) | wasm (fast) | ratio |\n|---|---|---|---|`);
  for (const p of PHASES) {
    const [a, b] = times.map((t) => median(t.map((x) => x.phases[p])));
    console.log(`| ${p} | ${ms(a!)} | ${ms(b!)} | ${b! > 0 ? `${(a! / b!).toFixed(2)}x` : 'n/a'} |`);
  }
  const [ta, tb] = times.map((t) => median(t.map((x) => x.ms)));
  console.log(`| **step** | **${ms(ta!)}** | **${ms(tb!)}** | **${median(ratios).toFixed(2)}x** |`);
  if (evals) {
    console.log(`| evaluation (${g.heldOutSize} held-out, greedy + sampled; once) | ${ms(evals[0]!)} | ${ms(evals[1]!)} | ${(evals[0]! / evals[1]!).toFixed(2)}x |`);
    console.log(`| evaluation per step (÷ evalEvery ${g.evalEvery}) | ${ms(evals[0]! / g.evalEvery)} | ${ms(evals[1]! / g.evalEvery)} | |`);
  }
  console.log(`\nGRPO step, reference ÷ fast: ${median(ratios).toFixed(2)}x (median of ${rounds} per-round ratios; phases are medians per phase, so they need not sum to the step)`);
  console.log(`parity: ${sameTokens ? 'same rewards and lengths every round' : 'REWARDS OR LENGTHS DIFFERED'}; largest |difference| of loss, kl, entropy, grad norm: ${maxMetricDiff.toExponential(2)}`);
  console.log(`load average at the end: ${load()}`);
}
