// The engine choice (issue 15 item 2). This machine's browser offers only
// SwiftShader, a software adapter: by default the page trains on the CPU
// engine (WebAssembly SIMD) and the badge says why; the header's choice moves
// a run to WebGPU and back with its state (no step lost, charts kept), and
// ?backend= overrides both. The other specs start with WebGPU chosen
// (playwright.config.ts storageState); this one starts with nothing stored.
import { expect, test, type Page } from '@playwright/test';

test.use({ storageState: { cookies: [], origins: [] } });

const SOFTWARE = 'CPU (WebAssembly SIMD): software GPU: the CPU engine is faster here';

async function stepTo(page: Page, n: number): Promise<void> {
  const step = page.getByRole('button', { name: 'Step', exact: true });
  await expect(step).toBeEnabled({ timeout: 60_000 });
  await step.click();
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', String(n), { timeout: 90_000 });
}

test('a software adapter defaults to the CPU engine, saying why; switching to WebGPU and back keeps the run', async ({ page, browser }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick');
  const badge = page.getByTestId('webgpu-status').locator('summary');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(badge).toHaveText(SOFTWARE);
  await expect(page.getByTestId('engine-select')).toHaveValue('auto');
  await stepTo(page, 1);

  await page.getByTestId('engine-select').selectOption('webgpu');
  await expect(badge).toHaveText(/^GPU: /, { timeout: 60_000 });
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '1'); // the run moved, it did not restart
  await stepTo(page, 2);

  await page.getByTestId('engine-select').selectOption('cpu');
  await expect(badge).toHaveText('CPU (WebAssembly SIMD): the CPU backend was chosen', { timeout: 60_000 });
  await stepTo(page, 3);
  await expect(page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward')).toHaveText(/at step 2/);
  expect(await page.evaluate(() => localStorage.getItem('grpo-playground.engine'))).toBe('cpu'); // remembered for the next visit
  expect(errors).toEqual([]);

  // ?backend= overrides the default (and any stored choice)
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await other.goto('/?config=quick&backend=webgpu');
  await expect(other.getByTestId('run-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(other.getByTestId('webgpu-status').locator('summary')).toHaveText(/^GPU: /);
  await expect(other.getByTestId('engine-select')).toHaveValue('webgpu');
  await ctx.close();
});
