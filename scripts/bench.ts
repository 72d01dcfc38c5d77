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

interface BenchWindow {
  __benchDone?: boolean;
  __benchResult?: BenchResult;
  __benchError?: string;
}

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
  const { createServer } = await import('vite');
  const { chromium } = await import('playwright');
  const { chromiumArgs, chromiumPath } = await import('./chromium');
  const server = await createServer({ root: ROOT, logLevel: 'warn', clearScreen: false, server: { port: 0, strictPort: false, hmr: false } });
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    await server.listen();
    const addr = server.httpServer?.address();
    if (!addr || typeof addr === 'string') throw new Error('bench: the Vite dev server has no TCP address');
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs, headless: true });
    const page = await browser.newPage();
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('[bench] ')) console.log(text.slice(8));
      else if (m.type() === 'error') console.error(`page ${m.type()}: ${text}`);
    });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const query = `quick=${quick ? 1 : 0}${only ? `&only=${encodeURIComponent(only)}` : ''}${profile ? '&profile=1' : ''}`;
    await page.goto(`http://127.0.0.1:${addr.port}/bench/bench.html?${query}`);
    await page.waitForFunction(() => (window as unknown as BenchWindow).__benchDone === true, undefined, { timeout: 0, polling: 500 });
    const { result, error } = await page.evaluate(() => {
      const w = window as unknown as BenchWindow;
      return { result: w.__benchResult ?? null, error: w.__benchError ?? null };
    });
    if (error !== null || result === null) throw new Error(`bench page: ${error ?? 'no result'}`);
    const file = join(ROOT, 'bench', 'results.json');
    if (!partial) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nadapter: ${result.adapter.label}${result.adapter.fallback ? ' (software fallback: real-GPU-only targets show n/a)' : ''}; ${quick ? 'quick' : 'full'} mode; ${result.wallSeconds.toFixed(0)} s in the page\n`);
    console.log(markdownTable(result));
    console.log(partial ? '\n(--only/--profile: bench/results.json left as it was)' : `\nwrote ${file}`);
  } finally {
    await browser?.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
