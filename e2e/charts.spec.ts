import { expect, test, type Locator } from '@playwright/test';
import { encodeRunLink, SERIES_KEYS, type ResultsSnapshot } from '../src/share/url';
import { QUICK_CONFIG } from '../src/train/quick';

// The Charts region: every chart is named by its heading, and Play makes the
// reward chart grow (its readout's step rises and its SVG line gains points).

const HEADINGS = [
  'Reward', 'Held-out accuracy', 'Completion length', 'Aha moments', 'KL', 'Entropy',
  'Clip ratio', 'Policy loss', 'Grad norm', 'Expert load', 'Step time and tokens/s',
];

const stepOf = (text: string): number => Number(/at step (\d+)/.exec(text)?.[1] ?? -1);
const readStep = async (readout: Locator) => stepOf(await readout.innerText());

/** Coordinate pairs in the reward chart's first line path: the points it draws. */
async function linePoints(charts: Locator): Promise<number> {
  const d = (await charts.locator('[data-chart="reward"] path.recharts-line-curve').first().getAttribute('d')) ?? '';
  return d.match(/-?[\d.]+(e-?\d+)?,-?[\d.]+/g)?.length ?? 0;
}

test('Play grows the reward chart; every chart has a heading; no console errors', async ({ page }) => {
  test.setTimeout(110_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?config=quick');

  const charts = page.getByRole('region', { name: 'Charts' });
  const reward = charts.getByTestId('readout-reward');
  await expect(reward).toHaveText('waiting for the first step');
  for (const name of HEADINGS) await expect(charts.getByRole('heading', { name, exact: true }), name).toBeVisible();

  const play = page.getByRole('button', { name: 'Play', exact: true });
  await expect(play).toBeEnabled({ timeout: 60_000 });
  await play.click();
  await expect(reward).toHaveText(/^reward -?[\d.e-]+ at step \d+/, { timeout: 30_000 });
  const first = await readStep(reward);
  await expect.poll(() => readStep(reward), { timeout: 30_000 }).toBeGreaterThan(first);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect.poll(() => linePoints(charts), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);

  // the base model was evaluated at step 0 (DESIGN §6: emergence is a comparison with step 0)
  await expect(charts.getByTestId('readout-heldout')).toHaveText(/at step 0/, { timeout: 30_000 });

  // every per-step readout now says where it is
  for (const id of ['length', 'aha', 'kl', 'entropy', 'clip', 'policyLoss', 'gradNorm', 'speed', 'experts']) {
    await expect(charts.getByTestId(`readout-${id}`), id).toHaveText(/at step \d+|skipped/);
  }
  await page.screenshot({ path: 'test-results/charts.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('every chart has a "?" that says what it shows; on quick (β = 0, μ = 1) KL and clip ratio say why they are flat; the aha feed defines its terms', async ({ page }) => {
  await page.goto('/?config=quick');
  const charts = page.getByRole('region', { name: 'Charts' });
  for (const name of HEADINGS) {
    const q = charts.getByRole('button', { name: `Help: ${name}`, exact: true });
    await expect(q, name).toHaveAttribute('aria-expanded', 'false');
    await q.click();
    await expect(q, name).toHaveAttribute('aria-expanded', 'true');
    const panel = charts.locator(`#${await q.getAttribute('aria-controls')}`);
    await expect(panel, name).toContainText('Shows.');
    await expect(panel, name).toContainText('Good.');
  }
  // the heading's name is still its title alone (the "?" sits beside it)
  await expect(charts.getByRole('heading', { name: 'KL', exact: true })).toBeVisible();
  await expect(charts.getByTestId('help-kl-flat')).toContainText('β = 0 in this run');
  await expect(charts.getByTestId('help-clip-flat')).toContainText('μ = 1 in this run');
  await charts.getByRole('button', { name: 'Help: KL', exact: true }).click();
  await expect(charts.getByTestId('help-kl')).toHaveCount(0);

  const terms = page.getByRole('region', { name: 'Aha feed' }).getByTestId('aha-terms');
  for (const t of ['reflection', 'aha', 'verification', 'overthinking']) await expect(terms.getByText(t, { exact: true })).toBeVisible();
  await expect(terms).toContainText('47+85=142<wait>47+85=132');
});

test('a health warning names the numbers and shows its chart: a shared run whose reward rose on format while held-out accuracy fell', async ({ page }) => {
  // issue 18's quick run, as a link with results: reward 0.13 -> 0.94 on the format reward, held-out greedy 25% -> 0% of 9 problems
  const step = Array.from({ length: 30 }, (_, i) => i);
  const t = step.map((i) => i / 29);
  const series = Object.fromEntries(SERIES_KEYS.map((k) => [k, step.map(() => 0)])) as ResultsSnapshot['series'];
  Object.assign(series, {
    reward: t.map((x) => 0.13 + 0.81 * x), format: t.map((x) => 0.1 + 0.8 * x), accuracy: step.map(() => 0.03),
    lenMean: step.map(() => 12), lenMin: step.map(() => 8), lenMax: step.map(() => 20),
    heldOutGreedy: [0.25, 0.11, 0.11, 0], heldOutSampled: [0.1, 0.1, 0, 0],
  });
  const snapshot: ResultsSnapshot = { steps: 30, step, evalStep: [0, 10, 20, 30], series, skipped: [], baseAha: null, heldOutProblems: 9, firstAha: null };
  await page.goto(`/${await encodeRunLink(QUICK_CONFIG, snapshot)}`);
  const charts = page.getByRole('region', { name: 'Charts' });
  const warning = charts.getByTestId('health-formatGaming');
  await expect(warning).toContainText('Reward rising while held-out accuracy falls');
  await expect(warning).toContainText('held-out greedy accuracy fell 25% → 0% (step 0 → 30, 9 problems)');
  await expect(warning).toContainText('mostly the format reward');
  // only what the snapshot can show: no length-cap or no-signal warning from its missing fields
  await expect(charts.getByTestId('health-warnings').getByRole('listitem')).toHaveCount(1);
  await warning.getByRole('button', { name: 'Show the Held-out accuracy chart' }).click();
  const held = charts.locator('[data-chart="heldout"]');
  await expect(held).toHaveClass(/chart-flash/);
  await expect(held).toBeInViewport();
  await page.screenshot({ path: 'test-results/health-warning.png' });
});
