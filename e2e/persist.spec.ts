import { expect, test, type Page } from '@playwright/test';

// Run persistence: three steps with a checkpoint after each (?checkpointEvery=1),
// a reload offers to resume, Resume continues at step 3, and the next step is
// step 3 of the same run: its reward equals that of a run never reloaded.

const stepOf = (text: string) => Number(/at step (\d+)/.exec(text)?.[1] ?? -1);
const rewardOf = (text: string) => Number(/^reward (-?[\d.e-]+)/.exec(text)?.[1] ?? Number.NaN);

async function linePoints(page: Page): Promise<number> {
  const d = (await page.getByRole('region', { name: 'Charts' }).locator('[data-chart="reward"] path.recharts-line-curve').first().getAttribute('d')) ?? '';
  return d.match(/-?[\d.]+(e-?\d+)?,-?[\d.]+/g)?.length ?? 0;
}

async function stepTo(page: Page, n: number): Promise<void> {
  const step = page.getByRole('button', { name: 'Step', exact: true });
  const reward = page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward');
  await expect(step).toBeEnabled({ timeout: 60_000 });
  await step.click();
  await expect.poll(async () => stepOf(await reward.innerText()), { timeout: 30_000 }).toBe(n - 1);
}

test('reload mid-run, Resume: the step counter and the metrics continue exactly', async ({ page, browser }) => {
  test.setTimeout(115_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick&checkpointEvery=1');
  for (let n = 1; n <= 3; n++) await stepTo(page, n);
  const runs = page.getByRole('region', { name: 'Runs' });
  await expect(runs.getByRole('row')).toHaveCount(2); // header + this run
  await page.waitForTimeout(1000); // the step-3 checkpoint: requested after the metrics, written a macrotask later

  await page.reload();
  const resume = page.getByRole('button', { name: /^Resume run .* from step 3$/ });
  await expect(resume).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('button', { name: 'Start fresh' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 60_000 });
  await resume.click();
  const reward = page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward');
  await expect(reward).toHaveText(/at step 2/, { timeout: 30_000 }); // the three saved steps are back
  await stepTo(page, 4);
  await expect.poll(() => linePoints(page), { timeout: 5_000 }).toBe(4);
  const resumed = rewardOf(await reward.innerText());

  // the same run never reloaded: four steps in a fresh page (its own storage)
  const ctx = await browser.newContext();
  const fresh = await ctx.newPage();
  await fresh.goto('/?config=quick&backend=webgpu'); // a context of its own: not the config's stored engine choice
  for (let n = 1; n <= 4; n++) await stepTo(fresh, n);
  const want = rewardOf(await fresh.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward').innerText());
  expect(resumed).toBe(want);
  await page.screenshot({ path: '/tmp/persist.png', fullPage: true });
  await ctx.close();
  expect(errors).toEqual([]);
});
