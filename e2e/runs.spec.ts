import { expect, test, type Page } from '@playwright/test';

// The Runs list: two stored runs (a quick run, then a second after Reset);
// ticking the first draws it on several charts (one dashed overlay curve
// each, named in the legend) and unticking removes it; Delete removes a run
// for good (gone after a reload); Delete on the live run stops saving it (it
// stays gone while the run steps on, and the list says so); Clear all empties
// the list for good.

const stepOf = (text: string) => Number(/at step (\d+)/.exec(text)?.[1] ?? -1);

async function stepTo(page: Page, n: number): Promise<void> {
  const step = page.getByRole('button', { name: 'Step', exact: true });
  const reward = page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward');
  await expect(step).toBeEnabled({ timeout: 60_000 });
  await step.click();
  await expect.poll(async () => stepOf(await reward.innerText()), { timeout: 30_000 }).toBe(n - 1);
}

/** Overlay curves (an SVG path each) on one chart. */
const overlayCurves = (page: Page, chart: string) =>
  page.getByRole('region', { name: 'Charts' }).locator(`[data-chart="${chart}"] path.recharts-line-curve[data-testid="overlay-curve"]`);

// charts whose overlaid series is never a gap (no trained-only series), so two steps always draw a curve
const STEP_CHARTS = ['reward', 'length', 'aha', 'speed'];

test('Runs: overlay a stored run on the charts, delete one, delete the live one (stays deleted), clear all; each survives a reload', async ({ page }) => {
  test.setTimeout(115_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => void d.accept()); // Clear all's confirm
  await page.goto('/?config=quick');
  for (let n = 1; n <= 2; n++) await stepTo(page, n);
  const runs = page.getByRole('region', { name: 'Runs' });
  await expect(runs.getByRole('row')).toHaveCount(2); // header + this run

  // a second run: Reset starts one under a new id, saved from its first step
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward')).not.toHaveText(/at step/, { timeout: 30_000 });
  for (let n = 1; n <= 2; n++) await stepTo(page, n);
  await expect(runs.getByRole('row')).toHaveCount(3);

  // the first run is the one that is not this run (its checkbox is enabled)
  const tick = runs.getByRole('checkbox', { disabled: false });
  await expect(tick).toHaveCount(1);
  const first = ((await tick.getAttribute('aria-label')) ?? '').replace(/^Overlay /, '');
  expect(first).toMatch(/^Run /);
  expect(first).not.toContain('(reset)'); // the live run is the second, and its box is disabled
  for (const c of STEP_CHARTS) await expect(overlayCurves(page, c)).toHaveCount(0);
  await tick.click(); // checked once the stored metrics are read back (async), so not tick.check()
  await expect(tick).toBeChecked();
  await expect(runs.getByTestId('overlay-swatch')).toHaveCount(1);
  for (const c of STEP_CHARTS) await expect(overlayCurves(page, c)).toHaveCount(1, { timeout: 10_000 });
  // never on the expert-load plots
  await expect(page.locator('[data-chart="experts"] .recharts-area')).not.toHaveCount(0);
  await expect(page.locator('[data-chart="experts"] [data-testid="overlay-curve"]')).toHaveCount(0);
  // the legend names the run by what differs from this one (a Reset: nothing, so 'same config'); the curve has points at both stored steps
  await expect(page.locator('[data-chart="reward"] .recharts-legend-wrapper')).toContainText('same config: total');
  await expect(page.locator('[data-chart="kl"] .recharts-legend-wrapper')).toContainText('same config');
  const d = (await overlayCurves(page, 'reward').getAttribute('d')) ?? '';
  expect(d.match(/-?[\d.]+(e-?\d+)?,-?[\d.]+/g)?.length ?? 0).toBe(2);
  await page.screenshot({ path: '/tmp/runs-overlay.png', fullPage: true });
  await tick.click();
  await expect(tick).not.toBeChecked();
  for (const c of STEP_CHARTS) await expect(overlayCurves(page, c)).toHaveCount(0);

  // Delete the first run: gone from the list, and still gone after a reload
  // (the second is named after it, "<first> (reset)": names match exactly)
  await runs.getByRole('button', { name: `Delete ${first}`, exact: true }).click();
  await expect(runs.getByRole('row')).toHaveCount(2);
  await expect(runs.getByRole('button', { name: `Delete ${first}`, exact: true })).toHaveCount(0);
  await page.reload();
  await expect(runs.getByRole('row')).toHaveCount(2, { timeout: 30_000 }); // header + the second run
  await expect(runs.getByRole('row').nth(1)).toContainText('(reset)');
  await expect(runs.getByRole('checkbox', { name: `Overlay ${first}`, exact: true })).toHaveCount(0);

  // Delete the live run: it stays deleted while the run steps on, and the list says it is no longer saved
  await stepTo(page, 1);
  await expect(runs.getByRole('row')).toHaveCount(3); // header + this run + the (reset) one
  await expect(runs.getByRole('status')).toHaveCount(0);
  await runs.getByRole('row').filter({ hasText: '(this run)' }).getByRole('button', { name: /^Delete / }).click();
  await expect(runs.getByRole('status')).toHaveText(/no longer saved.*Reset or a new run starts saving again/);
  await expect(runs.getByRole('row')).toHaveCount(2);
  await stepTo(page, 2);
  await page.waitForTimeout(500); // the write-behind flush, a macrotask after the step
  await expect(runs.getByRole('row')).toHaveCount(2);
  await expect(runs.getByRole('row').nth(1)).toContainText('(reset)');

  // Clear all: empty now and after a reload
  await runs.getByRole('button', { name: 'Clear all' }).click();
  await expect(runs).toContainText('No stored runs yet');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 60_000 });
  await expect(runs).toContainText('No stored runs yet');
  await expect(runs.getByRole('row')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Runs: named by what differs, renamed for good, compared side by side; overlays draw any series of a chart', async ({ page }) => {
  test.setTimeout(115_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick');
  for (let n = 1; n <= 2; n++) await stepTo(page, n); // two points: one alone draws no curve
  // a second run that differs in lossType and beta (issue 18: both used to read 'add d1 · 1L·4E·d32 · G8 · seed 7')
  const config = page.getByRole('complementary', { name: 'Config' });
  const grpo = config.getByRole('group', { name: 'GRPO' });
  await grpo.getByLabel('lossType', { exact: true }).selectOption('dr_grpo');
  await grpo.getByLabel('beta', { exact: true }).fill('0.04');
  await config.getByRole('button', { name: 'Apply and reset' }).click();
  await expect(page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward')).not.toHaveText(/at step/, { timeout: 30_000 });
  for (let n = 1; n <= 2; n++) await stepTo(page, n);
  const runs = page.getByRole('region', { name: 'Runs' });
  await expect(runs.getByRole('row')).toHaveCount(3);
  const names = runs.getByTestId('run-name');
  // this run by its starting point, the other by what differs from this one
  await expect(runs.getByRole('row').filter({ hasText: '(this run)' }).getByTestId('run-name')).toHaveText('quick · β=0.04, lossType=dr_grpo');
  await expect(names.filter({ hasText: 'β=0, lossType=grpo' })).toHaveCount(1);
  await runs.screenshot({ path: '/tmp/h-runs-named.png' });

  // its overlay is named the same in the legends; the reward chart's picker adds its accuracy as a second dashed line
  const other = runs.getByRole('row').filter({ hasText: 'β=0, lossType=grpo' });
  await other.getByRole('checkbox').click();
  const reward = page.locator('[data-chart="reward"]');
  await expect(reward.locator('.recharts-legend-wrapper')).toContainText('β=0, lossType=grpo: total', { timeout: 10_000 });
  await expect(overlayCurves(page, 'reward')).toHaveCount(1);
  await reward.getByTestId('overlay-pick-reward').getByLabel('accuracy').check();
  await expect(overlayCurves(page, 'reward')).toHaveCount(2);
  await expect(reward.locator('.recharts-legend-wrapper')).toContainText('β=0, lossType=grpo: accuracy');

  // Compare: the two configs side by side, what differs only
  await other.getByRole('button', { name: /^Compare / }).click();
  const diff = page.getByRole('region', { name: 'Config diff' });
  await expect(diff.locator('tbody tr')).toHaveCount(2);
  await expect(diff.locator('tr[data-path="grpo.lossType"]')).toContainText(/lossType\s*dr_grpo\s*grpo/);
  await expect(diff.locator('tr[data-path="grpo.beta"]')).toContainText(/β\s*0\.04\s*0/);
  await diff.getByRole('button', { name: /equal knobs too/ }).click();
  await expect(diff.locator('tbody tr').nth(10)).toBeVisible();
  await diff.getByRole('button', { name: 'Close the config diff' }).click();
  await expect(diff).toHaveCount(0);

  // Rename: the name replaces the difference in the list and the legends, and survives a reload
  await other.getByRole('button', { name: /^Rename / }).click();
  const box = runs.getByRole('textbox');
  await box.fill('grpo baseline');
  await box.press('Enter');
  await expect(names.filter({ hasText: 'grpo baseline' })).toHaveCount(1);
  await expect(reward.locator('.recharts-legend-wrapper')).toContainText('grpo baseline: total');
  await page.waitForTimeout(300); // the rename's write
  await page.reload();
  await expect(runs.getByTestId('run-name').filter({ hasText: 'grpo baseline' })).toHaveCount(1, { timeout: 30_000 });
  expect(errors).toEqual([]);
});
