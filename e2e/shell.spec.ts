import { expect, test } from '@playwright/test';

test('the built page opens, names the product, and trains on a WebGPU adapter', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/?config=quick');
  await expect(page).toHaveTitle('GRPO Playground');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GRPO Playground');

  const badge = page.getByTestId('webgpu-status');
  await expect(badge).not.toHaveAttribute('data-state', 'probing', { timeout: 30_000 });
  // Fail loudly, with the page's own reason, when the browser offers no WebGPU.
  expect(await badge.getAttribute('data-state'), `WebGPU unavailable in the test browser: ${await badge.innerText()}`).toBe('available');
  await badge.locator('summary').click(); // the probe's details live in the badge's popover
  const label = await page.getByTestId('adapter-label').innerText();
  expect(label.length).toBeGreaterThan(0);
  console.log(`adapter: ${label}`);

  // The worker, not only the page, must have WebGPU: a CPU fallback names itself in the badge.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  expect(await badge.getAttribute('data-state'), `the trainer fell back: ${await badge.locator('summary').innerText()}`).toBe('available');
  await expect(badge.locator('summary')).toHaveText(/^GPU: /);

  await expect(page.getByRole('complementary', { name: 'Config' })).toContainText('parameters');
  for (const name of ['Play', 'Pause', 'Step', 'Reset', 'Share']) await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Share', exact: true })).toBeEnabled();
  await page.screenshot({ path: '/tmp/u1-shell.png', fullPage: false });
  expect(errors).toEqual([]);
});
