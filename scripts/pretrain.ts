// npm run pretrain -- [--quick] [--out FILE] [--steps N] [--seed S] [--corrected X]
//
// Pretrains the base model (stage 0) on the CPU backend in Node, evaluates it
// on the held-out set (greedy accuracy, sampled pass@1, mean length, the aha
// detector's rates: the "step 0" of every GRPO run from this checkpoint), and
// writes the checkpoint (share/checkpoint.ts). Deterministic from the seed:
// the same arguments give the same file, byte for byte (timings are printed,
// never stored in it).
//
//   --quick     QUICK_CONFIG (train/quick.ts), default out public/base-quick.safetensors
//               (without it: DEFAULT_CONFIG, countdown since issue 13, default out
//               public/base-countdown-long.safetensors; train/experiment.ts baseCheckpointName)
//   --steps N   corpus.pretrainSteps (the cosine schedule ends there)
//   --seed S    the run's seed (default: the config's)
//   --corrected X  corpus.corrected, the share of self-corrected arithmetic traces (0..1;
//               the style weights are relative, so 0 removes <wait> traces and
//               the others keep their proportions): with --preset "R1-Zero (Arithmetic)",
//               the base of README's "no self-correction in the corpus" run
//   --preset NAME  a preset of core/config.ts on top of DEFAULT_CONFIG (e.g. "R1-Zero (Arithmetic)":
//               its task and corpus make public/base.safetensors)
//   --engine E  the CPU engine that trains: wasm (default, WebAssembly SIMD, src/wasm/) or js
//               (the reference); the recorded held-out stats are always the reference's, as
//               share/base.test.ts re-checks them
//   --restat FILE  no training: evaluate the checkpoint FILE again (after the evaluation set
//               changed) and rewrite its recorded held-out stats; the weights are kept
//   --set K=V   any corpus/task/model knob after the preset (repeatable), e.g. corpus.search=0
//               for the countdown guess-only base

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DEFAULT_CONFIG, mergeConfig, preset, PRESET_NAMES, setPath, KNOB_BY_PATH, type PresetName, type RunConfig } from '../src/core/config';
import { parseConfig } from '../src/core/validate';
import { createCpuOps } from '../src/cpu/backend';
import { createCpuDecodeOps } from '../src/cpu/decode';
import { createModel } from '../src/model/model';
import { initParams } from '../src/model/params';
import { decodeCheckpoint, encodeCheckpoint } from '../src/share/checkpoint';
import { createEvaluator, evaluate, type EvalPass, type EvalResult } from '../src/train/evaluate';
import { baseCheckpointName } from '../src/train/experiment';
import { createPretrainer, pretrainStep } from '../src/train/pretrain';
import { QUICK_CONFIG } from '../src/train/quick';
import { nodeCpuBackend } from './cpu-engine';

interface Args {
  quick: boolean;
  out?: string;
  steps?: number;
  seed?: number;
  corrected?: number;
  preset?: PresetName;
  set: [string, number | string | boolean][];
  restat?: string;
  engine: 'wasm' | 'js';
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, set: [], engine: 'wasm' };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isSafeInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--out') {
      args.out = argv[++i];
      if (!args.out) throw new Error('--out needs a file name');
    } else if (a === '--steps') args.steps = int(a, argv[++i], 1);
    else if (a === '--seed') args.seed = int(a, argv[++i], 0);
    else if (a === '--corrected') {
      const v = argv[++i];
      const x = Number(v);
      if (v === undefined || v.trim() === '' || !(x >= 0 && x <= 1)) throw new Error(`--corrected needs a number from 0 to 1, got ${v ?? 'nothing'}`);
      args.corrected = x;
    } else if (a === '--restat') {
      args.restat = argv[++i];
      if (!args.restat) throw new Error('--restat needs a checkpoint file');
    } else if (a === '--engine') {
      const v = argv[++i];
      if (v !== 'wasm' && v !== 'js') throw new Error(`--engine must be wasm or js, got ${JSON.stringify(v ?? '')}`);
      args.engine = v;
    } else if (a === '--preset') {
      const v = argv[++i];
      if (!v || !(PRESET_NAMES as readonly string[]).includes(v)) throw new Error(`--preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(v ?? '')}`);
      args.preset = v as PresetName;
    } else if (a === '--set') {
      const m = /^([\w.]+)=(.+)$/.exec(argv[++i] ?? '');
      if (!m || !KNOB_BY_PATH.has(m[1]!)) throw new Error(`--set needs KNOB=VALUE with a knob of the RunConfig table, got ${JSON.stringify(argv[i] ?? '')}`);
      const raw = m[2]!;
      args.set.push([m[1]!, raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw]);
    }
    else throw new Error(`unknown argument ${JSON.stringify(a)}; usage: npm run pretrain -- [--quick] [--out FILE] [--steps N] [--seed S] [--corrected X] [--preset NAME] [--set K=V ...] [--engine wasm|js]`);
  }
  return args;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function passStats(p: EvalPass) {
  return {
    accuracy: round(p.accuracy), meanLength: round(p.meanLength),
    reflectionRate: round(p.aha.reflection), ahaRate: round(p.aha.aha),
    verificationRate: round(p.aha.verification), overthinkingRate: round(p.aha.overthinking),
    attempts: p.counts ? round(p.counts.attempts / p.counts.n) : null,
  };
}

/** The held-out numbers a checkpoint records (base.test.ts checks them against a fresh evaluation). */
function heldOutStats(ev: EvalResult) {
  const greedy = passStats(ev.greedy);
  const sampled = passStats(ev.sampled);
  return { heldOutProblems: ev.problems, heldOutAccuracy: greedy.accuracy, sampledPass1: sampled.accuracy, greedy, sampled };
}

async function restat(file: string): Promise<void> {
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(file)));
  const ops = createCpuOps('f32');
  const model = createModel(ops, ck.config);
  ops.write(model.params, ck.params);
  ops.write(model.routerBias, ck.routerBias);
  const ev = await evaluate(createEvaluator(ops, createCpuDecodeOps(), model), model);
  const old = ck.meta.stats as Record<string, unknown>;
  const fresh = heldOutStats(ev);
  const { greedy, sampled, ...head } = fresh;
  // training numbers (losses) stay as recorded; the evaluation's are replaced
  const bytes = encodeCheckpoint(ck.config, ck.params, ck.routerBias, { step: ck.meta.step, stats: { ...head, pretrainLoss: old.pretrainLoss, heldOutLoss: old.heldOutLoss, greedy, sampled } });
  decodeCheckpoint(bytes);
  writeFileSync(file, bytes);
  console.log(`${file}: held-out was greedy ${String(old.heldOutAccuracy)}, sampled ${String(old.sampledPass1)} (${String(old.heldOutProblems)} problems); ` +
    `now greedy ${fresh.heldOutAccuracy}, sampled ${fresh.sampledPass1} (${ev.problems} problems)`);
  console.log(JSON.stringify({ out: file, ...fresh }));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.restat) return restat(args.restat);
  const start = args.quick ? QUICK_CONFIG : DEFAULT_CONFIG;
  const base = args.preset ? preset(args.preset, start) : start;
  const merged: RunConfig = mergeConfig(base, {
    seed: args.seed ?? base.seed,
    corpus: { pretrainSteps: args.steps ?? base.corpus.pretrainSteps, corrected: args.corrected ?? base.corpus.corrected },
  });
  for (const [path, v] of args.set) setPath(merged, path, v);
  const cfg = parseConfig(merged);
  const out = args.out ?? `public/${baseCheckpointName(args.quick, args.preset)}`;
  const steps = cfg.corpus.pretrainSteps;

  const { ops, label } = nodeCpuBackend(args.engine, `--engine ${args.engine}`);
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  const pt = createPretrainer(ops, model);
  console.log(`pretrain: ${args.quick ? 'QUICK_CONFIG' : 'DEFAULT_CONFIG'}${args.preset ? ` + ${args.preset}` : ''}${args.set.map(([k, v]) => ` ${k}=${v}`).join('')}, seed ${cfg.seed}, ${steps} steps of ${cfg.corpus.pretrainBatch}x${pt.T} tokens, ` +
    `${model.table.count} parameters, ${label} on ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);

  const every = Math.max(1, Math.round(steps / 20));
  const t0 = performance.now();
  let last = { loss: NaN, heldOutLoss: NaN };
  while (pt.step < steps) {
    const m = await pretrainStep(pt);
    last.loss = m.loss;
    if (m.heldOutLoss !== undefined) last.heldOutLoss = m.heldOutLoss;
    if ((m.step + 1) % every === 0 || m.step + 1 === steps) {
      const ms = (performance.now() - t0) / (m.step + 1);
      console.log(`step ${String(m.step + 1).padStart(String(steps).length)}/${steps}  loss ${m.loss.toFixed(4)}` +
        `${m.heldOutLoss !== undefined ? `  held-out ${m.heldOutLoss.toFixed(4)}` : ''}  lr ${m.lr.toExponential(2)}  ${ms.toFixed(0)} ms/step`);
    }
  }
  const trainSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  // evaluated on the reference engine: the stats base.test.ts re-checks with it
  const refOps = createCpuOps('f32');
  const refModel = createModel(refOps, cfg);
  refOps.write(refModel.params, await ops.read(model.params));
  refOps.write(refModel.routerBias, await ops.read(model.routerBias));
  const ev = await evaluate(createEvaluator(refOps, createCpuDecodeOps(), refModel), refModel);
  const evalSeconds = (performance.now() - t1) / 1000;
  const { greedy, sampled, ...head } = heldOutStats(ev);
  const stats = { ...head, pretrainLoss: round(last.loss), heldOutLoss: round(last.heldOutLoss), greedy, sampled };

  const params = (await ops.read(model.params)) as Float32Array;
  const routerBias = await ops.read(model.routerBias);
  const bytes = encodeCheckpoint(cfg, params, routerBias, { step: steps, stats });
  decodeCheckpoint(bytes); // the file must load before it is written
  writeFileSync(out, bytes);

  console.log(`held-out (${ev.problems} problems): greedy accuracy ${greedy.accuracy}, sampled pass@1 ${sampled.accuracy} (temperature ${cfg.sampling.temperature})`);
  console.log(`  greedy:  mean length ${greedy.meanLength}, reflection ${greedy.reflectionRate}, aha ${greedy.ahaRate}, verification ${greedy.verificationRate}, overthinking ${greedy.overthinkingRate}`);
  console.log(`  sampled: mean length ${sampled.meanLength}, reflection ${sampled.reflectionRate}, aha ${sampled.ahaRate}, verification ${sampled.verificationRate}, overthinking ${sampled.overthinkingRate}`);
  console.log(`wall: pretraining ${trainSeconds.toFixed(1)} s (${((trainSeconds * 1000) / steps).toFixed(0)} ms/step), evaluation ${evalSeconds.toFixed(1)} s`);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
  console.log(JSON.stringify({ out, seed: cfg.seed, steps, msPerStep: round((trainSeconds * 1000) / steps, 1), ...stats }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
