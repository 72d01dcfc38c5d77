// The WebGPU engine in Node, on Dawn's binding (`webgpu`): bundled and run by
// scripts/gpu-node.mjs (`npm run bench:node`), which also points Dawn at a
// Vulkan driver. Takes GRPO steps of QUICK_CONFIG (--quick) or DEFAULT_CONFIG
// from the shipped base on WebGPU and on the CPU's WebAssembly SIMD engine,
// side by side (alternating, medians), checks they sample the same tokens,
// and prints the adapter, the step times, their ratio, and the dispatches,
// submits and readbacks of one WebGPU step. A machine with a real GPU and its
// Vulkan (or Metal, D3D12) driver prints real-GPU figures here.
// Prints, never asserts timings; the last line is one JSON object.

import { readFileSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { DEFAULT_CONFIG, PRESET_NAMES, type RunConfig } from '../src/core/config';
import { createBackend } from '../src/model/backend';
import { createModel } from '../src/model/model';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { baseCheckpointName } from '../src/train/experiment';
import { createGrpoTrainer, grpoStep, type GrpoMetrics } from '../src/train/grpo';
import { QUICK_CONFIG } from '../src/train/quick';

Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const si = args.indexOf('--steps');
const rounds = si >= 0 ? Number(args[si + 1]) : 3;
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--steps needs an integer >= 1, got ${args[si + 1]}`);
const cfg: RunConfig = quick ? QUICK_CONFIG : DEFAULT_CONFIG;

function base() {
  const files = quick ? [baseCheckpointName(true)] : [...new Set(PRESET_NAMES.map((p) => baseCheckpointName(false, p)))];
  for (const f of files) {
    try {
      const ck = decodeCheckpoint(new Uint8Array(readFileSync(`public/${f}`)));
      if (JSON.stringify(ck.config?.model) === JSON.stringify(cfg.model) && JSON.stringify(ck.config?.task) === JSON.stringify(cfg.task)) return { ...ck, file: f };
    } catch {
      // not there or not this config: the next
    }
  }
  throw new Error('no shipped base matches this config');
}

async function main(): Promise<void> {
  const ck = base();
  const gpu = await createBackend(cfg, { prefer: 'webgpu', fallbackOnLimits: false });
  if (gpu.kind !== 'webgpu') throw new Error(`no WebGPU adapter in Node: ${gpu.reason}`);
  const cpu = await createBackend(cfg, { prefer: 'cpu' });
  const side = <F, I>(b: { ops: Parameters<typeof createGrpoTrainer<F, I>>[0]; decode: Parameters<typeof createGrpoTrainer<F, I>>[1] }) => {
    const model = createModel(b.ops, cfg);
    b.ops.write(model.params, ck.params);
    b.ops.write(model.routerBias, ck.routerBias);
    return createGrpoTrainer(b.ops, b.decode, model);
  };
  const gtr = side(gpu);
  const ctr = cpu.kind === 'cpu' ? side(cpu) : null;
  if (!ctr) throw new Error('no CPU backend');
  console.log(`WebGPU in Node (Dawn): ${gpu.label}; ${quick ? 'QUICK_CONFIG' : 'DEFAULT_CONFIG'} from public/${ck.file}; CPU side: ${cpu.label}`);

  const rt = gpu.gpu.runtime;
  const c0 = { ...rt.counters };
  const timeStep = async (tr: typeof gtr | typeof ctr): Promise<{ ms: number; m: GrpoMetrics }> => {
    const t0 = performance.now();
    const { metrics } = await grpoStep(tr as typeof gtr);
    return { ms: performance.now() - t0, m: metrics };
  };
  const g0 = await timeStep(gtr); // step 0 on both: warm-up, and the counts of one step
  const counts = { dispatches: rt.counters.dispatches - c0.dispatches, submits: rt.counters.submits - c0.submits, readbacks: rt.counters.readbacks - c0.readbacks };
  const c0m = await timeStep(ctr);
  let same = g0.m.reward === c0m.m.reward && g0.m.completionLength.mean === c0m.m.completionLength.mean;
  const gt: number[] = [], ct: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let a: { ms: number; m: GrpoMetrics }, b: { ms: number; m: GrpoMetrics };
    if (r % 2 === 0) {
      a = await timeStep(gtr);
      b = await timeStep(ctr);
    } else {
      b = await timeStep(ctr);
      a = await timeStep(gtr);
    }
    gt.push(a.ms);
    ct.push(b.ms);
    same &&= a.m.reward === b.m.reward && a.m.completionLength.mean === b.m.completionLength.mean;
    console.log(`step ${a.m.step}: WebGPU ${a.ms.toFixed(0)} ms, CPU ${b.ms.toFixed(0)} ms; reward ${a.m.reward.toFixed(3)} / ${b.m.reward.toFixed(3)}, loss ${a.m.loss.toFixed(5)} / ${b.m.loss.toFixed(5)}`);
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  const out = {
    adapter: gpu.label, config: quick ? 'quick' : 'default', webgpuMs: med(gt), cpuWasmMs: med(ct), webgpuOverCpu: med(gt) / med(ct),
    perStep: counts, sameTokens: same,
  };
  console.log(`\nWebGPU step ${out.webgpuMs.toFixed(0)} ms, CPU (WebAssembly SIMD) ${out.cpuWasmMs.toFixed(0)} ms: WebGPU takes ${out.webgpuOverCpu.toFixed(2)}x the CPU engine's time; ` +
    `${counts.dispatches} dispatches, ${counts.submits} submits, ${counts.readbacks} readbacks per step; same tokens on both: ${same}`);
  console.log(JSON.stringify(out));
  gpu.gpu.device.destroy();
}

main().catch((e: unknown) => {
  console.error(`bench:node failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(1);
});
