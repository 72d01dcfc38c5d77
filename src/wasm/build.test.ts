// The committed kernels (src/wasm/kernels.wasm.ts, base64 of the .wasm) must
// be what their AssemblyScript source compiles to: a fresh clone tests the
// artefact it ships, and an edit of assembly/kernels.ts without
// `npm run build:wasm` fails here.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('src/wasm/kernels.wasm.ts matches a fresh compile of src/wasm/assembly/kernels.ts', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
}, 120_000);
