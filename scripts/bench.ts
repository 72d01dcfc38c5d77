// `npm run bench [-- --quick]`: the benchmark of issue 8.
//
// Starts a Vite dev server on a free port, opens bench/bench.html in the
// system Chromium (headless, the WebGPU flags of scripts/chromium.ts: a real
// GPU where the machine has one, SwiftShader otherwise), relays the page's
// progress lines, prints the figures as a markdown table and writes
// bench/results.json ({adapter, quick, figures: [{name, value, unit, vs,
// ratio, target, met}], wallSeconds}; bench/figures.ts defines it).
//
// --quick: QUICK_CONFIG at 2 prompts x 8, forward at B = 8, training-shape matmuls capped at
// 512 rows, MoE at N = 4096, C = H = 16; still the median of 5 alternating rounds per
// ratio. Under 3 minutes on 2 cores with SwiftShader.
// --only a,b: only those steps of the page; --profile: also the GPU time per kernel
// (timestamp-query) of the matmul and MoE figures. Either leaves results.json alone.

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, type BenchResult } from '../bench/figures';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const usage = 'usage: npm run bench [-- --quick] [--only matmul,forward,rollout,dispatches,moe,grpo,memory] [--profile]';
  let only: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--only' && args[i + 1]) only = args[++i]!;
    else if (a.startsWith('--only=')) only = a.slice(7);
    else if (a !== '--quick' && a !== '--profile') throw new Error(`unknown argument ${JSON.stringify(a)} (${usage})`);
  }
  const steps = ['matmul', 'forward', 'rollout', 'dispatches', 'moe', 'grpo', 'memory']; // bench-page.ts's steps
  for (const name of only?.split(',') ?? []) if (!steps.includes(name)) throw new Error(`--only: no step ${JSON.stringify(name)} (${usage})`);
  const quick = args.includes('--quick');
  const profile = args.includes('--profile');
  // a partial or profiled run prints its figures but leaves bench/results.json to full runs
  const partial = only !== null || profile;
  const { runPage } = await import('./page-run');
  const query = `quick=${quick ? 1 : 0}${only ? `&only=${encodeURIComponent(only)}` : ''}${profile ? '&profile=1' : ''}`;
  const result = await runPage<BenchResult>({
    root: ROOT, name: 'bench', query,
    onLine: (s) => console.log(s),
    onProblem: (kind, text) => kind !== 'warning' && console.error(`page ${kind}: ${text}`),
  });
  const file = join(ROOT, 'bench', 'results.json');
  if (!partial) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nadapter: ${result.adapter.label}${result.adapter.fallback ? ' (software fallback: real-GPU-only targets show n/a)' : ''}; ${quick ? 'quick' : 'full'} mode; ${result.wallSeconds.toFixed(0)} s in the page\n`);
  console.log(markdownTable(result));
  console.log(partial ? '\n(--only/--profile: bench/results.json left as it was)' : `\nwrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
