import { expect, test, type Page } from '@playwright/test';

// Isolation (issue 9): during a full session (load, train, share, export,
// playground on both engines) every request stays on the app's own origin,
// and the build's Content-Security-Policy (vite.config.ts) is in force and
// never violated, in the page or in its workers (trainer, onnxruntime-web).

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

/** The positive control's foreign URL: CSP refuses it before any network (Playwright may still list the attempt). */
const PROBE = 'https://example.com/csp-probe';
const btn = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

test('a whole session: no request leaves the origin, no CSP violation', async ({ page, context, baseURL }) => {
  test.setTimeout(150_000);
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url())); // page and its workers
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  // violations in the page's document; a worker's show up as console errors above
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
  });

  const doc = await page.goto('/?config=quick');
  // the header governs the workers too (a meta tag reaches only the document)
  expect(doc!.headers()['content-security-policy']).toContain("connect-src 'self'");
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toMatch(/'unsafe-eval'/);

  // positive control: the policy blocks a foreign fetch and an inline script, and the listener sees both
  const probe = await page.evaluate(async (PROBE) => {
    const w = window as unknown as { __csp: string[] };
    const fetched = await fetch(PROBE).then(() => 'fetched', () => 'refused');
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
    await new Promise((r) => setTimeout(r, 100));
    const seen = w.__csp.splice(0);
    return { fetched, inlineRan: '__inlineRan' in window, seen };
  }, PROBE);
  expect(probe.fetched).toBe('refused');
  expect(probe.inlineRan).toBe(false);
  // (each refusal is reported once per policy: the header's and the meta tag's)
  expect([...new Set(probe.seen.map((v) => v.split(' ')[0]))]).toEqual(['connect-src', 'script-src-elem']);
  errors.length = 0; // the two refusals are logged as errors; only what follows counts

  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-state', /ready|paused/, { timeout: 60_000 });
  for (const n of [1, 2]) {
    await btn(page, 'Step').click();
    await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', String(n), { timeout: 60_000 });
    await expect(status).toHaveAttribute('data-state', /ready|paused/, { timeout: 60_000 });
  }

  await btn(page, 'Share').click();
  await expect(page.getByText('Link copied')).toBeVisible({ timeout: 5_000 });

  // export: weights (a blob: download the page makes itself)
  const menu = page.getByRole('group', { name: 'Export and import' });
  await page.getByText('Export', { exact: true }).click();
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), menu.getByRole('button', { name: 'Weights (.safetensors)' }).click()]);
  expect(dl.suggestedFilename()).toMatch(/\.safetensors$/);
  await page.getByText('Export', { exact: true }).click();

  const pg = page.getByRole('region', { name: 'Playground' });
  await pg.getByRole('textbox', { name: 'Problem' }).fill('12+34=');
  await pg.getByRole('button', { name: 'Ask' }).click();
  await expect(pg.getByTestId('playground-answer')).toHaveAttribute('data-done', 'true', { timeout: 90_000 });
  await pg.getByRole('radio', { name: 'onnxruntime-web' }).check();
  await pg.getByRole('button', { name: 'Ask' }).click();
  await expect(pg.getByTestId('ort-answer')).toBeVisible({ timeout: 90_000 });

  const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  const network = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
  const foreign = network.filter((u) => new URL(u).origin !== origin && u !== PROBE);
  console.log(`${requests.length} requests (${requests.length - network.length} data:/blob:), ${new Set(network.map((u) => new URL(u).pathname)).size} distinct paths; the wasm: ${network.filter((u) => u.endsWith('.wasm')).map((u) => new URL(u).pathname).join(', ') || 'none'}`);
  expect(network.length).toBeGreaterThan(3); // it did record: html, script, workers, checkpoint
  expect(network.some((u) => u.endsWith('.safetensors'))).toBe(true);
  expect(foreign).toEqual([]);
  expect(csp).toEqual([]);
  expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  expect(errors).toEqual([]);
});
