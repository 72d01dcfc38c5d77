// Runs one of the bench/ pages (bench, experiment, soak) in headless Chromium
// against a Vite dev server on a free port, and returns what the page left on
// window. The page contract: progress lines logged as `[name] text` (relayed
// to onLine), then window.__<name>Done = true with __<name>Result or
// __<name>Error. Loaded by the scripts only when a browser is wanted, so
// their CPU paths need neither vite's server nor playwright.
import { createServer } from 'vite';
import { chromium } from 'playwright';
import { chromiumArgs, chromiumPath } from './chromium';

export interface PageRunOptions {
  root: string;
  name: 'bench' | 'experiment' | 'soak';
  query: string;
  /** Chromium flags beyond chromiumArgs. */
  extraArgs?: readonly string[];
  onLine(text: string): void;
  /** Console errors and warnings, and uncaught page errors. */
  onProblem(kind: 'error' | 'warning' | 'pageerror', text: string): void;
  /** waitForFunction polling interval, ms. */
  pollMs?: number;
}

export async function runPage<T>(o: PageRunOptions): Promise<T> {
  const server = await createServer({ root: o.root, logLevel: 'warn', clearScreen: false, server: { port: 0, strictPort: false, hmr: false } });
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    await server.listen();
    const addr = server.httpServer?.address();
    if (!addr || typeof addr === 'string') throw new Error(`${o.name}: the Vite dev server has no TCP address`);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: [...chromiumArgs, ...(o.extraArgs ?? [])], headless: true });
    const page = await browser.newPage();
    const prefix = `[${o.name}] `;
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith(prefix)) o.onLine(text.slice(prefix.length));
      else if (m.type() === 'error' || m.type() === 'warning') o.onProblem(m.type() as 'error' | 'warning', text);
    });
    page.on('pageerror', (e) => o.onProblem('pageerror', e.message));
    await page.goto(`http://127.0.0.1:${addr.port}/bench/${o.name}.html?${o.query}`);
    await page.waitForFunction((n) => (window as unknown as Record<string, unknown>)[`__${n}Done`] === true, o.name, { timeout: 0, polling: o.pollMs ?? 500 });
    const { result, error } = await page.evaluate((n) => {
      const w = window as unknown as Record<string, unknown>;
      return { result: w[`__${n}Result`] ?? null, error: (w[`__${n}Error`] as string | undefined) ?? null };
    }, o.name);
    if (error !== null || result === null) throw new Error(`${o.name} page: ${error ?? 'no result'}`);
    return result as T;
  } finally {
    await browser?.close();
    await server.close();
  }
}
