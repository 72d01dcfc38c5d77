// The WebGPU engine in Node (issue 15 item 3): bundles scripts/gpu-node-bench.ts
// (or, with `experiment` first, scripts/experiment.ts behind a navigator.gpu
// set to Dawn's) with esbuild (the WGSL `?raw` imports become strings, as Vite
// makes them) into dist-node/ and runs it on Dawn's Node binding (the
// `webgpu` package). Without a GPU, Chromium's SwiftShader Vulkan driver
// serves: its ICD and libvulkan are used when present and not overridden.
//
//   node scripts/gpu-node.mjs [--quick] [--steps N]     (npm run bench:node)
//   node scripts/gpu-node.mjs experiment ARGS...        (npm run experiment -- --backend webgpu-node ARGS...)

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeBundle } from './esbuild-node.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const experiment = process.argv[2] === 'experiment';
const args = process.argv.slice(experiment ? 3 : 2);
const OUT = join(ROOT, 'dist-node', experiment ? 'experiment.mjs' : 'gpu-node-bench.mjs');
// the experiment CLI reads navigator.gpu: set it before the CLI's module runs
const EXPERIMENT_ENTRY = `import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
await import('./scripts/experiment.ts');
`;

await build(nodeBundle(OUT, {
  ...(experiment ? { stdin: { contents: EXPERIMENT_ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'experiment-entry.ts' } } : { entryPoints: [join(ROOT, 'scripts/gpu-node-bench.ts')] }),
  // node_modules stay outside (resolved from the repository at run time): the experiment CLI's browser path pulls in Vite
  ...(experiment ? { packages: 'external' } : { external: ['webgpu'] }),
}));

const env = { ...process.env };
const CHROMIUM = '/usr/lib/chromium';
if (!env.VK_ICD_FILENAMES && existsSync(join(CHROMIUM, 'vk_swiftshader_icd.json'))) env.VK_ICD_FILENAMES = join(CHROMIUM, 'vk_swiftshader_icd.json');
if (existsSync(join(CHROMIUM, 'libvulkan.so.1'))) env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, CHROMIUM].filter(Boolean).join(':');
env.XDG_RUNTIME_DIR ??= '/tmp';
const r = spawnSync(process.execPath, [OUT, ...args], { cwd: ROOT, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
