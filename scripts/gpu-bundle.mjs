// `npm run gpu:bundle`: a self-contained folder (dist-gpu-bundle/, at most
// 60 MiB) that runs the WebGPU engine's Node bench (scripts/gpu-node-bench.ts)
// on a machine with a GPU and its Vulkan driver but no npm and no network:
//
//   bench.mjs                 the bench, bundled with esbuild (WGSL inlined, Dawn's loader included)
//   dist/linux-x64/dawn.node  Dawn's Node binding (from the webgpu package), where its loader looks
//   node.xz                   this machine's Node binary, xz-compressed (unpacked on first run)
//   lib/libvulkan.so.1        Chromium's Vulkan loader, used only when the system has none
//   public/*.safetensors      the shipped bases the bench starts from
//   run-bench                 ./run-bench [--quick] [--steps N]
//
// Here, with no GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json ./dist-gpu-bundle/run-bench --quick

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeBundle } from './esbuild-node.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist-gpu-bundle');
const LIMIT = 60 * 2 ** 20;
if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`gpu:bundle packs linux-x64 binaries; this is ${process.platform}-${process.arch}`);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'dist', 'linux-x64'), { recursive: true });
mkdirSync(join(OUT, 'public'));
mkdirSync(join(OUT, 'lib'));

// the webgpu package is bundled too: its loader requires dist/<platform>-<arch>/dawn.node beside the bundle
await build(nodeBundle(join(OUT, 'bench.mjs'), { entryPoints: [join(ROOT, 'scripts/gpu-node-bench.ts')] }));
copyFileSync(join(ROOT, 'node_modules/webgpu/dist/linux-x64/dawn.node'), join(OUT, 'dist/linux-x64/dawn.node'));
for (const f of readdirSync(join(ROOT, 'public'))) if (f.endsWith('.safetensors')) copyFileSync(join(ROOT, 'public', f), join(OUT, 'public', f));
const vk = '/usr/lib/chromium/libvulkan.so.1';
if (existsSync(vk)) copyFileSync(vk, join(OUT, 'lib/libvulkan.so.1'));
writeFileSync(join(OUT, 'node.xz'), execFileSync('xz', ['-T0', '-6', '-c', process.execPath], { maxBuffer: 256 * 2 ** 20 }));
writeFileSync(join(OUT, 'run-bench'), `#!/bin/sh
# The WebGPU engine's bench on this machine's GPU (see scripts/gpu-bundle.mjs in the repository).
set -e
cd "$(dirname "$0")"
[ -x ./node ] || { xz -dc node.xz > node.tmp && chmod +x node.tmp && mv node.tmp node; }
# the system's Vulkan loader first; the bundled one only when there is none
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then export LD_LIBRARY_PATH="$PWD/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
export XDG_RUNTIME_DIR="\${XDG_RUNTIME_DIR:-/tmp}"
exec ./node bench.mjs "$@"
`);
chmodSync(join(OUT, 'run-bench'), 0o755);

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size);
const total = size(OUT);
console.log(`dist-gpu-bundle/: ${(total / 2 ** 20).toFixed(1)} MiB (node.xz ${(statSync(join(OUT, 'node.xz')).size / 2 ** 20).toFixed(1)} MiB, dawn.node ${(statSync(join(OUT, 'dist/linux-x64/dawn.node')).size / 2 ** 20).toFixed(1)} MiB)`);
if (total > LIMIT) throw new Error(`the bundle is ${(total / 2 ** 20).toFixed(1)} MiB, over the 60 MiB limit`);
