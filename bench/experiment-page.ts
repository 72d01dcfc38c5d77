// The page `npm run experiment -- --backend webgpu` opens in headless Chromium
// (scripts/experiment.ts): runExperiment on createBackend(cfg), WebGPU unless
// the browser cannot hold the config (then the CPU reference, whose reason
// lands in the result's adapter). Query: steps, seed, quick (1|0), preset,
// base (the checkpoint's URL; absent: pretrain in-process). Progress goes to
// the console prefixed "[experiment] " (the script relays it); the result, or
// the error, is left on window for the script to read.

import { isPresetName, experimentConfig, runExperiment, type BaseWeights, type ExperimentResult } from '../src/train/experiment';
import { createBackend } from '../src/model/backend';
import { decodeCheckpoint } from '../src/share/checkpoint';

interface ExperimentWindow {
  __experimentDone?: boolean;
  __experimentResult?: ExperimentResult;
  __experimentError?: string;
}

const log = document.getElementById('log');
const say = (s: string) => {
  console.log(`[experiment] ${s}`);
  if (log) log.textContent += `${s}\n`;
};

async function fetchBase(url: string): Promise<BaseWeights> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
  const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
  return { params: ck.params, routerBias: ck.routerBias, config: ck.config, source: url };
}

async function main(): Promise<ExperimentResult> {
  const q = new URLSearchParams(location.search);
  const steps = Number(q.get('steps'));
  const seed = Number(q.get('seed'));
  const quick = q.get('quick') === '1';
  const p = q.get('preset');
  if (p !== null && !isPresetName(p)) throw new Error(`unknown preset ${JSON.stringify(p)}`);
  const preset = p ?? undefined;
  const overrides = JSON.parse(q.get('set') ?? '{}') as Record<string, number | string | boolean>;
  const cfg = experimentConfig(quick, seed, preset, overrides);
  const backend = await createBackend(cfg);
  if (backend.kind === 'cpu') say(`WebGPU unavailable, running the CPU reference: ${backend.reason}`);
  const url = q.get('base');
  const base = url ? await fetchBase(url) : undefined;
  // the distillation teacher the config names, from public/ as the app loads it
  const name = cfg.pipeline.teacher;
  const t = name === 'none' ? undefined : await fetchBase(`/${name}.safetensors`);
  const teacher = t && { name, config: t.config!, params: t.params, routerBias: t.routerBias };
  return runExperiment({ steps, seed, quick, preset, overrides, backend, base, teacher, onLine: say });
}

const w = window as unknown as ExperimentWindow;
main().then(
  (r) => { w.__experimentResult = r; },
  (e: unknown) => { w.__experimentError = e instanceof Error ? e.message : String(e); },
).finally(() => { w.__experimentDone = true; });
