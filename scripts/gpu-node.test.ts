// The WebGPU engine runs in Node on Dawn (`webgpu`), here on Chromium's
// SwiftShader Vulkan driver: npm run bench:node -- --quick takes GRPO steps
// on WebGPU and on the CPU engine from the same base, and they must sample the
// same tokens, with the GPU's structure (2 readbacks, a few submits) intact.
// Timings are printed, not asserted.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('npm run bench:node -- --quick: WebGPU in Node samples what the CPU engine samples', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync(process.execPath, ['scripts/gpu-node.mjs', '--quick', '--steps', '1'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { adapter: string; sameTokens: boolean; perStep: { dispatches: number; submits: number; readbacks: number } };
  expect(last.sameTokens).toBe(true);
  expect(last.perStep.readbacks).toBe(2);
  expect(last.perStep.submits).toBeGreaterThan(0);
  expect(last.perStep.dispatches).toBeGreaterThan(last.perStep.submits);
  console.log(r.stdout.trim().split('\n').slice(-2, -1)[0]);
}, 180_000);
