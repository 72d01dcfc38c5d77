// `npm run experiment -- --steps N [--seed S] [--preset NAME] [--quick] [--backend cpu|cpu-ref|webgpu|webgpu-node]`
//
// GRPO headless from the base checkpoint (public/base.safetensors, or
// public/base-quick.safetensors with --quick; pretrained in-process when the
// file is missing), then ONE JSON line, the last line of output:
//   {"step0":{...},"final":{...},"steps":..,"seed":..,"preset":..,"backend":..,"adapter":..,"wallSeconds":..}
// (src/train/experiment.ts defines each number).
//
// --backend cpu (default) runs in this Node process on the fast CPU engine
// (WebAssembly SIMD, src/wasm/); --backend cpu-ref on the JavaScript reference;
// --backend webgpu-node on the WebGPU engine in Node (Dawn's binding: this file is
// bundled and rerun by scripts/gpu-node.mjs, since tsx cannot load the WGSL ?raw imports).
// --backend webgpu starts a Vite dev server on a free port, opens
// bench/experiment.html in the system Chromium (headless, WebGPU flags of
// scripts/chromium.ts), relays the page's progress lines and prints its result.
// model/backend.ts is not imported here: it pulls in gpu/, whose WGSL `?raw`
// imports only Vite can load; the CPU backend is built from cpu/ directly.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG, PRESET_NAMES, type PresetName } from '../src/core/config';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { baseCheckpointName, experimentConfig, isPresetName, runExperiment, type BaseWeights, type ExperimentResult } from '../src/train/experiment';
import type { TeacherWeights } from '../src/train/stages';
import { QUICK_CONFIG } from '../src/train/quick';
import { nodeCpuBackend } from './cpu-engine';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run experiment -- --steps N [--seed S] [--preset NAME] [--quick] [--backend cpu|cpu-ref|webgpu|webgpu-node] [--base FILE] [--set KNOB=VALUE ...]
  --steps N        GRPO steps, an integer >= 1 (required)
  --seed S         run seed, an integer >= 0 (default: the config's seed)
  --preset NAME    one of ${PRESET_NAMES.map((p) => JSON.stringify(p)).join(', ')} (default: the config as it is)
  --quick          the tiny configuration of the tests (QUICK_CONFIG) and its base model
  --backend B      cpu (default: this Node process, WebAssembly SIMD engine), cpu-ref (this Node
                   process, the JavaScript reference engine), webgpu (headless Chromium) or
                   webgpu-node (Node on Dawn; a Vulkan driver, SwiftShader's where there is no GPU)
  --base FILE      the base checkpoint, a file name under public/ (default: ${baseCheckpointName(false)},
                   or ${baseCheckpointName(true)} with --quick)
  --set K=V        a knob of the RunConfig table (e.g. grpo.lr=5e-4), after the preset; repeatable
  --out FILE       also write the result JSON to FILE (npm run experiment:table reads such files)`;

interface CliOptions {
  steps: number;
  seed: number;
  preset?: PresetName;
  quick: boolean;
  backend: 'cpu' | 'cpu-ref' | 'webgpu' | 'webgpu-node';
  base?: string;
  out?: string;
  overrides: Record<string, number | string | boolean>;
}

class UsageError extends Error {}

/** Parses the flags (`--x v` or `--x=v`); throws UsageError naming the first problem. */
function parseArgs(argv: readonly string[]): CliOptions {
  const out: Partial<CliOptions> = { quick: false, backend: 'cpu', overrides: {} };
  const int = (flag: string, v: string | undefined, min: number): number => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new UsageError(`${flag} needs an integer >= ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    }
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (flag) {
      case '--steps': out.steps = int(flag, value(), 1); break;
      case '--seed': out.seed = int(flag, value(), 0); break;
      case '--quick': if (eq > 0) throw new UsageError('--quick takes no value'); out.quick = true; break;
      case '--preset': {
        const v = value();
        if (v === undefined || !isPresetName(v)) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(v ?? '')}`);
        out.preset = v;
        break;
      }
      case '--backend': {
        const v = value();
        if (v !== 'cpu' && v !== 'cpu-ref' && v !== 'webgpu' && v !== 'webgpu-node') throw new UsageError(`--backend must be cpu, cpu-ref, webgpu or webgpu-node, got ${JSON.stringify(v ?? '')}`);
        out.backend = v;
        break;
      }
      case '--set': {
        const v = value() ?? '';
        const m = /^([\w.]+)=(.+)$/.exec(v);
        if (!m) throw new UsageError(`--set needs KNOB=VALUE, got ${JSON.stringify(v)}`);
        const raw = m[2]!;
        // numbers and booleans as such; anything else (an enum) as its string: the config validator names a bad one
        out.overrides![m[1]!] = raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
        break;
      }
      case '--base': {
        const v = value();
        // a plain file name: the webgpu page fetches it from the dev server's public/ root
        if (v === undefined || !/^[\w.-]+\.safetensors$/.test(v)) throw new UsageError(`--base needs a .safetensors file name under public/, got ${JSON.stringify(v ?? '')}`);
        if (!existsSync(join(ROOT, 'public', v))) throw new UsageError(`--base: public/${v} does not exist (make it with npm run pretrain -- --out public/${v})`);
        out.base = v;
        break;
      }
      case '--out': {
        const v = value();
        if (!v) throw new UsageError('--out needs a file name');
        out.out = v;
        break;
      }
      default: throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (out.steps === undefined) throw new UsageError('--steps is required');
  out.seed ??= (out.quick ? QUICK_CONFIG : DEFAULT_CONFIG).seed;
  return out as CliOptions;
}

function baseName(o: CliOptions): string {
  return o.base ?? baseCheckpointName(o.quick, o.preset);
}

function readBase(o: CliOptions): BaseWeights | undefined {
  const file = join(ROOT, 'public', baseName(o));
  if (!existsSync(file)) return undefined;
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(file)));
  return { params: ck.params, routerBias: ck.routerBias, config: ck.config, source: `public/${baseName(o)}` };
}

/** The distillation teacher the config names (pipeline.teacher), from public/; undefined when it names none. */
function readTeacher(o: CliOptions): TeacherWeights | undefined {
  const name = experimentConfig(o.quick, o.seed, o.preset, o.overrides).pipeline.teacher;
  if (name === 'none') return undefined;
  const file = join(ROOT, 'public', `${name}.safetensors`);
  if (!existsSync(file)) throw new Error(`pipeline.teacher is ${name}, but public/${name}.safetensors does not exist (experiments/run-distill.sh makes it)`);
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(file)));
  return { name, config: ck.config, params: ck.params, routerBias: ck.routerBias };
}

async function runCpu(o: CliOptions): Promise<ExperimentResult> {
  const backend = nodeCpuBackend(o.backend === 'cpu-ref' ? 'js' : 'wasm', `Node, --backend ${o.backend}`);
  return runExperiment({ ...o, backend, base: readBase(o), teacher: readTeacher(o), onLine: (s) => console.log(s) });
}

async function runWebgpu(o: CliOptions): Promise<ExperimentResult> {
  // loaded here only: the cpu path must not need a browser or a dev server
  const { runPage } = await import('./page-run');
  const q = new URLSearchParams({ steps: String(o.steps), seed: String(o.seed), quick: o.quick ? '1' : '0' });
  if (o.preset) q.set('preset', o.preset);
  if (Object.keys(o.overrides).length > 0) q.set('set', JSON.stringify(o.overrides));
  // the page fetches the checkpoint only when it exists: a dev server answers a missing file with index.html
  if (existsSync(join(ROOT, 'public', baseName(o)))) q.set('base', `/${baseName(o)}`);
  return runPage<ExperimentResult>({
    root: ROOT, name: 'experiment', query: q.toString(),
    onLine: (s) => console.log(s),
    onProblem: (kind, text) => console.error(`page ${kind}: ${text}`),
  });
}

async function runWebgpuNode(o: CliOptions): Promise<ExperimentResult> {
  // bundled by scripts/gpu-node.mjs: here the ?raw imports are strings and navigator.gpu is Dawn's
  const { createBackend } = await import('../src/model/backend');
  const backend = await createBackend(experimentConfig(o.quick, o.seed, o.preset, o.overrides), { prefer: 'webgpu', fallbackOnLimits: false });
  if (backend.kind !== 'webgpu') throw new Error(`--backend webgpu-node: no WebGPU adapter in Node (${backend.reason})`);
  try {
    return await runExperiment({ ...o, backend, base: readBase(o), teacher: readTeacher(o), onLine: (s) => console.log(s) });
  } finally {
    backend.gpu.device.destroy();
  }
}

async function main(): Promise<void> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`experiment: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (o.backend === 'webgpu-node' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
    // under tsx: rerun this file bundled, on Dawn (scripts/gpu-node.mjs sets navigator.gpu up)
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gpu-node.mjs'), 'experiment', ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const result = o.backend === 'webgpu' ? await runWebgpu(o) : o.backend === 'webgpu-node' ? await runWebgpuNode(o) : await runCpu(o);
  const line = JSON.stringify(result);
  if (o.out) writeFileSync(o.out, JSON.stringify({ command: `npm run experiment -- ${process.argv.slice(2).map((a) => (/[\s()]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`, base: baseName(o), ...result }, null, 1) + '\n');
  console.log(line);
}

main().catch((e: unknown) => {
  console.error(`experiment failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
