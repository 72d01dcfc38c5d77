import { expect, test, type Page } from '@playwright/test';
import { mergeConfig } from '../src/core/config';
import { decodeRunLink, encodeRunLink } from '../src/share/url';
import { QUICK_CONFIG } from '../src/train/quick';
import { LINK_VERSIONS } from '../src/share/linkDefaults';

const NEWEST = LINK_VERSIONS[LINK_VERSIONS.length - 1]!.id;

// Run links (share/url.ts) in the built app: Share copies a link with the
// results, the link opens as a "shared run" whose Re-run reproduces the
// metrics exactly (same browser, same GPU); a config-only link opens ready to
// play; a garbage link is named in an alert and the app still starts. The
// links are decoded here in Node with the same codec, so page and Node agree.

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

function watchErrors(page: Page, errors: string[]): void {
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
}

const btn = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
/** GRPO steps the live run has taken (the header shows the charts' last step; data-done counts the steps). */
const stepNow = async (page: Page) => Number(await page.getByTestId('header-step').getAttribute('data-done'));
const ready = (page: Page) => expect(page.getByTestId('run-status')).toHaveAttribute('data-state', /ready|paused/, { timeout: 60_000 });

/** Clicks Share and returns the copied link once the page says it copied it. */
async function share(page: Page): Promise<string> {
  await btn(page, 'Share').click();
  await expect(page.getByText('Link copied')).toBeVisible({ timeout: 5_000 });
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(new RegExp(`#${NEWEST}\\.[A-Za-z0-9_-]+$`)); // links are written in the newest version
  expect(page.url()).toBe(link); // the address bar holds it too
  return link;
}

test('share: a results link opens as a shared run, and Re-run reproduces its first steps exactly', async ({ page, context }) => {
  test.setTimeout(110_000);
  const errors: string[] = [];
  watchErrors(page, errors);
  await page.goto('/?config=quick');
  await ready(page);
  for (const n of [1, 2]) {
    await btn(page, 'Step').click();
    await expect.poll(() => stepNow(page), { timeout: 30_000 }).toBe(n);
    await ready(page);
  }
  const reward = await page.getByTestId('readout-reward').innerText();
  const link = await share(page);
  const original = (await decodeRunLink(new URL(link).hash)).snapshot!;
  expect(original.steps).toBe(2);
  expect(original.step).toEqual([0, 1]);
  console.log(`results link after 2 steps: ${link.length - link.indexOf('#')} characters`);

  const shared = await context.newPage();
  watchErrors(shared, errors);
  await shared.goto(link);
  const banner = shared.getByRole('region', { name: 'Shared run' });
  await expect(banner).toContainText('Shared run: 2 GRPO steps');
  await expect(banner).toContainText(`seed ${QUICK_CONFIG.seed}`);
  // the snapshot's curves, at once: the same readout the sharer saw
  await expect(shared.getByTestId('readout-reward')).toHaveText(reward, { timeout: 10_000 });
  await ready(shared);
  expect(await stepNow(shared)).toBe(0);
  // the recipient sees the shared run's step, the knobs that differ, and no NaN anywhere (issue 18)
  await expect(shared.getByTestId('header-step')).toHaveText('1');
  await expect(banner.getByTestId('shared-recipe')).toHaveText('quick');
  for (const text of await shared.locator('[data-testid^="readout-"]').allInnerTexts()) expect(text).not.toMatch(/NaN/);
  await expect(shared.getByTestId('readout-clip')).not.toContainText('low');
  await expect(shared.getByTestId('readout-experts')).toContainText('a link carries no expert load');
  await shared.screenshot({ path: '/tmp/h-share-opened.png' });

  await btn(shared, 'Re-run').click();
  await expect.poll(() => stepNow(shared), { timeout: 40_000 }).toBe(2);
  await ready(shared);
  await expect(banner).toContainText('now show your re-run (2 of its 2 steps)');
  await expect(shared.getByTestId('readout-reward')).toHaveText(reward);
  // the shared curves stay beside the re-run, dashed, until the banner is closed
  const reference = shared.locator('[data-chart="reward"] path.recharts-line-curve[data-run="run:shared-link"]');
  await expect(reference).toHaveCount(1);
  await expect(shared.locator('[data-chart="reward"] .recharts-legend-wrapper')).toContainText('shared link: total');
  const rerun = (await decodeRunLink(new URL(await share(shared)).hash)).snapshot!;
  // every training series of both steps, to the link's precision (4 digits)
  expect(rerun.step).toEqual([0, 1]);
  expect(rerun.series).toEqual(original.series);
  console.log(`rewards: original ${original.series.reward.join(', ')}; re-run ${rerun.series.reward.join(', ')}`);
  await shared.screenshot({ path: '/tmp/h-share-rerun.png' });
  await banner.getByRole('button', { name: 'Close the shared-run banner' }).click();
  await expect(reference).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('share: a config-only link opens ready to play with its config; Share before any step is config-only', async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  watchErrors(page, errors);
  const cfg = mergeConfig(QUICK_CONFIG, { grpo: { groupSize: 6, lr: 0.002 } });
  const hash = await encodeRunLink(cfg);
  console.log(`config-only link of QUICK_CONFIG with two knobs changed: ${hash.length} characters`);
  await page.goto(`/${hash}`);
  await ready(page);
  await expect(page.getByRole('region', { name: 'Shared run' })).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
  const config = page.getByRole('complementary', { name: 'Config' });
  await expect(config.getByLabel('groupSize', { exact: true })).toHaveValue('6');
  await expect(config.getByLabel('lr', { exact: true })).toHaveValue('0.002');
  await expect(btn(page, 'Play')).toBeEnabled();
  expect(await stepNow(page)).toBe(0);
  const again = await decodeRunLink(new URL(await share(page)).hash);
  expect(again.snapshot).toBeUndefined();
  expect(again.config).toEqual(cfg);
  expect(errors).toEqual([]);
});

test('share: a garbage link is named in an alert, and the app starts anyway', async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  watchErrors(page, errors);
  await page.goto(`/?config=quick#${NEWEST}.not*base64`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('base64url');
  await ready(page);
  await page.screenshot({ path: '/tmp/h-share-garbage.png' });
  await alert.getByRole('button', { name: 'Dismiss the link problems' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await btn(page, 'Step').click();
  await expect.poll(() => stepNow(page), { timeout: 30_000 }).toBe(1);
  expect(errors).toEqual([]);
});
