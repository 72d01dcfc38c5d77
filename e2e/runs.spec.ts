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
  // the legend names the run; the curve has points at both stored steps
  await expect(page.locator('[data-chart="reward"] .recharts-legend-wrapper')).toContainText(`${first}: total`);
  await expect(page.locator('[data-chart="kl"] .recharts-legend-wrapper')).toContainText(first);
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
