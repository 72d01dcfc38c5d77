import { expect, test } from '@playwright/test';

test('the built page opens, names the product and finds a WebGPU adapter', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/');
  await expect(page).toHaveTitle('GRPO Playground');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GRPO Playground');

  const status = page.getByTestId('webgpu-status');
  await expect(status).not.toHaveAttribute('data-state', 'probing', { timeout: 30_000 });
  // Fail loudly, with the page's own reason, when the browser offers no WebGPU.
  const state = await status.getAttribute('data-state');
  expect(state, `WebGPU unavailable in the test browser: ${await status.innerText()}`).toBe('available');
  const label = await page.getByTestId('adapter-label').innerText();
  expect(label.length).toBeGreaterThan(0);
  console.log(`adapter: ${label}`);

  await expect(page.getByRole('region', { name: 'Default run' })).toContainText('parameters');
  expect(errors).toEqual([]);
});
