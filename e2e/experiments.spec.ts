import { expect, test, type Page } from '@playwright/test';

// The Experiments panel (issue 14): a paired card's quick variant runs both
// arms one after the other and draws both over the charts, each labelled in
// the legends, and a reload draws them again from storage; Run 3 seeds of
// QUICK_CONFIG draws the mean in a band; a card's link opens the card and
// offers to run it. Quick variants only: every step runs on SwiftShader (a
// few seconds each alone; the timeouts allow for a machine shared with other jobs).

const charts = (page: Page) => page.getByRole('region', { name: 'Charts' });
const panel = (page: Page) => page.getByRole('region', { name: 'Experiments' });
const legend = (page: Page, chart: string) => charts(page).locator(`[data-chart="${chart}"] .recharts-legend-wrapper`);
const overlayCurves = (page: Page, chart: string) => charts(page).locator(`[data-chart="${chart}"] path.recharts-line-curve[data-testid="overlay-curve"]`);

async function ready(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 60_000 });
}

/** Both arms of the temperature card, labelled, on the charts that take overlays. */
async function bothArmsDrawn(page: Page): Promise<void> {
  for (const c of ['reward', 'signal', 'length', 'heldout']) {
    await expect(overlayCurves(page, c), c).toHaveCount(2, { timeout: 15_000 });
    await expect(legend(page, c), c).toContainText('T = 1');
    await expect(legend(page, c), c).toContainText('T = 0.7');
  }
  await expect(legend(page, 'reward')).toContainText('T = 0.7: total');
}

test('a paired card\'s quick variant runs both arms and draws both, labelled; a reload keeps them', async ({ page }) => {
  test.setTimeout(360_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick');
  await ready(page);
  const p = panel(page);
  await p.getByRole('button', { name: 'Show the experiments' }).click();
  await expect(p.getByRole('button', { name: 'Hide the experiments' })).toBeVisible();
  const card = p.getByTestId('experiment-temperature');
  await expect(card).toContainText('Not measured on countdown');
  await card.getByLabel('Variant of Temperature 1 against 0.7').selectOption('quick');
  await expect(card).toContainText('2 steps per run');
  await card.getByRole('button', { name: 'Run Temperature 1 against 0.7', exact: true }).click();
  const progress = p.getByTestId('experiment-progress');
  await expect(progress).toContainText('T = 1, seed 1 (run 1 of 2');
  await expect(progress).toContainText('T = 0.7, seed 1 (run 2 of 2', { timeout: 150_000 });
  await expect(progress).toHaveCount(0, { timeout: 150_000 });
  await expect(p.getByRole('alert')).toHaveCount(0);
  await expect(p.getByTestId('experiment-shown')).toContainText('T = 1 (1 run), T = 0.7 (1 run)');
  await bothArmsDrawn(page);
  // each arm is stored like any run
  await expect(page.getByRole('region', { name: 'Runs' }).getByRole('row')).toHaveCount(3, { timeout: 10_000 }); // header and the two arms (the page's own run took no step: never saved)
  // the live run (the last arm) shows its rates' Wilson bands, its right and wrong answers' lengths, its groups without signal
  await expect(legend(page, 'heldout')).toContainText('greedy: 95% Wilson');
  await expect(charts(page).locator('[data-chart="heldout"] .recharts-area')).toHaveCount(1);
  await expect(legend(page, 'aha')).toContainText('reflection: 95% Wilson');
  await expect(legend(page, 'length')).toContainText('right answers');
  await expect(legend(page, 'length')).toContainText('wrong answers');
  await expect(charts(page).getByTestId('readout-signal')).toHaveText(/of groups without reward spread at step 1/);
  await page.screenshot({ path: 'test-results/experiment-paired.png', fullPage: true });
  await p.screenshot({ path: 'test-results/experiment-panel.png' });
  await charts(page).screenshot({ path: 'test-results/experiment-charts.png' });

  await page.reload();
  await ready(page);
  await expect(panel(page).getByTestId('experiment-shown')).toContainText('T = 1 (1 run), T = 0.7 (1 run)');
  await bothArmsDrawn(page);
  expect(errors).toEqual([]);
});

test('Run 3 seeds of QUICK_CONFIG draws the mean with a band over the seeds, min–max or 95% t', async ({ page }) => {
  test.setTimeout(360_000);
  await page.goto('/?config=quick');
  await ready(page);
  const p = panel(page);
  await p.getByLabel('Steps per seed').fill('2');
  await p.getByRole('button', { name: 'Run 3 seeds of this config' }).click();
  await expect(p.getByTestId('experiment-progress')).toContainText('run 1 of 3');
  await expect(p.getByTestId('experiment-progress')).toHaveCount(0, { timeout: 300_000 });
  await expect(p.getByTestId('experiment-shown')).toContainText('(3 runs)');
  for (const c of ['reward', 'length', 'signal', 'entropy']) {
    const chart = charts(page).locator(`[data-chart="${c}"]`);
    await expect(chart.locator('[data-testid="seed-band"]'), c).toHaveCount(1);
    await expect(chart.locator('path.recharts-line-curve[data-testid="seed-mean"]'), c).toHaveCount(1);
    await expect(legend(page, c), c).toContainText('mean of 3 seeds (band min–max over seeds)');
  }
  // the band spans steps 0 and 1: its path has points at both
  const d = (await charts(page).locator('[data-chart="reward"] [data-testid="seed-band"]').first().getAttribute('d')) ?? '';
  expect(d.match(/-?[\d.]+(e-?\d+)?,-?[\d.]+/g)?.length ?? 0).toBeGreaterThanOrEqual(4); // two steps, top and bottom
  await p.getByLabel('Band over seeds').selectOption('t95');
  await expect(legend(page, 'reward')).toContainText('mean of 3 seeds (band 95% t interval over seeds)');
});

test('a card\'s link opens the card and offers to run it; a bad one is named', async ({ page }) => {
  await page.goto('/?config=quick');
  const p = panel(page);
  await p.getByRole('button', { name: 'Show the experiments' }).click();
  await expect(p.getByRole('button', { name: 'Hide the experiments' })).toBeVisible();
  const link = p.getByRole('link', { name: 'Link to GRPO 1/|o| against Dr. GRPO' });
  const href = (await link.getAttribute('href')) ?? '';
  expect(href).toMatch(/\?config=quick&experiment=dr-grpo$/);
  await page.goto(href);
  const card = panel(page).getByTestId('experiment-dr-grpo');
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card).toHaveClass(/experiment-linked/);
  await expect(card.getByRole('status')).toContainText('Opened from a link: press Run');
  await expect(card.getByRole('button', { name: 'Run GRPO 1/|o| against Dr. GRPO', exact: true })).toBeEnabled();
  await expect(card).toContainText('wrong answers 29.5 (1/|o|) against 28.8 tokens (dr_grpo)');
  await expect(card).toContainText('Source: README');
  // the link the opened card offers is the same link
  expect(await card.getByRole('link', { name: /^Link to / }).getAttribute('href')).toBe(href);

  await page.goto('/?config=quick&experiment=nope');
  // named once the stored runs are open (the page's startup), which a loaded machine slows
  await expect(panel(page).getByRole('alert')).toContainText('"nope" is not an experiment; known: r1-countdown', { timeout: 30_000 });
});
