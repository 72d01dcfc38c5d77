import { expect, test } from '@playwright/test';

// The introduction (issue 18, item 1): a first visit shows it, Hide dismisses
// it for this browser (a reload keeps it hidden), and "What am I looking at?"
// brings it back.

test('the intro shows on a first visit, says what this scale shows, and stays dismissed across a reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick');

  const intro = page.getByRole('region', { name: 'What you are watching' });
  await expect(intro).toBeVisible();
  await expect(intro).toContainText('Mixture-of-Experts');
  await expect(intro).toContainText('47+85=');
  await expect(intro).toContainText('above their group\'s average');
  // the honest line, in step with README's measured run
  await expect(intro.getByTestId('intro-honest')).toContainText('31% → 47%');
  await expect(intro.getByTestId('intro-honest')).toContainText('reflection fell');
  await page.screenshot({ path: 'test-results/intro.png' });

  await intro.getByRole('button', { name: 'Hide the introduction' }).click();
  await expect(intro).toHaveCount(0);
  const reopen = page.getByRole('button', { name: 'What am I looking at?' });
  await expect(reopen).toBeVisible();

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('GRPO Playground');
  await expect(reopen).toBeVisible();
  await expect(page.getByRole('region', { name: 'What you are watching' })).toHaveCount(0);

  await reopen.click();
  await expect(page.getByRole('region', { name: 'What you are watching' })).toBeVisible();
  expect(errors).toEqual([]);
});
