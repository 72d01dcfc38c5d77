// `npm test`: the typecheck, then every test, in the order that fails fastest:
// Node unit tests, browser tests (real headless Chromium with WebGPU), then a
// production build and the end-to-end specs against `vite preview`.
// Prints one closing line "N passed, N failed" over all runners.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const bin = (name) => `node_modules/.bin/${name}`;
const out = 'test-results';
mkdirSync(out, { recursive: true });

const steps = [
  { name: 'typecheck', cmd: [bin('tsc'), '--noEmit', '-p', 'tsconfig.json'] },
  {
    name: 'vitest (unit + browser)',
    cmd: [bin('vitest'), 'run', '--project', 'unit', '--project', 'browser', '--reporter=default', '--reporter=json', `--outputFile.json=${out}/vitest.json`],
    counts: () => {
      const r = JSON.parse(readFileSync(`${out}/vitest.json`, 'utf8'));
      return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numFailedTestSuites ?? 0) };
    },
  },
  { name: 'build', cmd: [bin('vite'), 'build', '--logLevel', 'warn'] },
  {
    name: 'e2e (playwright)',
    cmd: [bin('playwright'), 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/playwright.json` },
    counts: () => {
      const r = JSON.parse(readFileSync(`${out}/playwright.json`, 'utf8'));
      return { passed: r.stats.expected, failed: r.stats.unexpected + r.stats.flaky };
    },
  },
];

let passed = 0;
let failed = 0;
const t0 = Date.now();
for (const step of steps) {
  const s0 = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', env: { ...process.env, ...step.env } });
  const secs = ((Date.now() - s0) / 1000).toFixed(1);
  if (step.counts) {
    try {
      const c = step.counts();
      passed += c.passed;
      failed += c.failed;
    } catch (e) {
      console.error(`could not read ${step.name} results: ${e.message}`);
    }
  }
  if (r.status !== 0) {
    console.error(`\n${step.name} FAILED (exit ${r.status ?? r.signal}) after ${secs} s`);
    console.log(`\n${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(1);
  }
  console.log(`=== ${step.name}: ok in ${secs} s ===`);
}
console.log(`\nall steps green in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && existsSync(out) ? 0 : 1);
