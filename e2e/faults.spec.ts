import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_CONFIG, mergeConfig } from '../src/core/config';
import { buildParamTable } from '../src/model/params';
import { encodeRunLink } from '../src/share/url';
import type { FaultHooks } from '../src/app/trainer';
import type { FaultKind } from '../src/train/protocol';
import { QUICK_CONFIG } from '../src/train/quick';

// Faults injected into the built app, and what the user sees. `?faults=1`
// starts the trainer worker with the test-only fault command on and exposes
// window.__grpoFaults (app/trainer.ts FaultHooks): inject(kind), the
// worker's weights as a hash, and the metrics rows the charts draw.

const stepOf = (text: string) => Number(/at step (\d+)/.exec(text)?.[1] ?? -1);

const hooks = (page: Page) => ({
  inject: (kind: FaultKind) => page.evaluate((k) => (window as unknown as { __grpoFaults: FaultHooks }).__grpoFaults.inject(k), kind),
  weights: () => page.evaluate(() => (window as unknown as { __grpoFaults: FaultHooks }).__grpoFaults.weights()),
  metrics: () => page.evaluate(() => (window as unknown as { __grpoFaults: FaultHooks }).__grpoFaults.metrics()),
});

const stepButton = (page: Page) => page.getByRole('button', { name: 'Step', exact: true });
const headerStep = (page: Page) => page.getByTestId('header-step');
const banner = (page: Page) => page.locator('.app-header').getByRole('alert');

/** One click of Step, waiting until the charts show step n-1 (n steps taken). */
async function stepTo(page: Page, n: number): Promise<void> {
  const reward = page.getByRole('region', { name: 'Charts' }).getByTestId('readout-reward');
  await expect(stepButton(page)).toBeEnabled({ timeout: 60_000 });
  await stepButton(page).click();
  await expect.poll(async () => stepOf(await reward.innerText()), { timeout: 30_000 }).toBe(n - 1);
}

/** Every checkpoint record in the app's IndexedDB: its step and whether all its buffers are finite. */
function storedCheckpoints(page: Page) {
  return page.evaluate(() => new Promise<{ step: number; finite: boolean }[]>((resolve, reject) => {
    const open = indexedDB.open('grpo-playground');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const req = open.result.transaction('checkpoints', 'readonly').objectStore('checkpoints').getAll();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        open.result.close();
        resolve((req.result as Record<string, unknown>[]).map((r) => ({
          step: r.step as number,
          finite: ['params', 'routerBias', 'm', 'v', 'baseParams', 'baseRouterBias'].every((f) => (r[f] as Float32Array).every(Number.isFinite)),
        })));
      };
    };
  }));
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('NaN in the loss, Inf in a gradient: the step stops naming step and cause, the weights stay, training resumes, nothing NaN is stored', async ({ page }) => {
  test.setTimeout(110_000);
  const errors = watchErrors(page);
  const f = hooks(page);
  await page.goto('/?config=quick&faults=1&checkpointEvery=1');
  await stepTo(page, 1);
  await stepTo(page, 2);
  const good = await f.weights();
  expect(good).toMatchObject({ step: 2, finite: true });

  const cases = [
    ['nan-loss', 'GRPO step 2 (inner iteration 0): the loss is NaN; the update was not applied and the weights are as before it'],
    ['inf-grad', 'GRPO step 2 (inner iteration 0): the gradient norm is Infinity; the update was not applied and the weights are as before it'],
  ] as const;
  for (const [kind, cause] of cases) {
    await f.inject(kind);
    await expect(stepButton(page)).toBeEnabled();
    await stepButton(page).click();
    await expect(banner(page)).toContainText(`Error at step 2: ${cause}. The run is paused with its last good weights and can continue.`, { timeout: 30_000 });
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'paused');
    await expect(headerStep(page)).toHaveAttribute('data-done', '2');
    expect(await f.weights()).toEqual(good); // the last good weights, bit for bit
    await page.getByRole('button', { name: 'Dismiss the error' }).click();
  }
  expect((await f.metrics()).map((m) => m.step)).toEqual([0, 1]); // no row for a stopped step

  // resume: the next step is step 2, and the weights move on
  await stepTo(page, 3);
  await expect(headerStep(page)).toHaveAttribute('data-done', '3');
  const after = await f.weights();
  expect(after.step).toBe(3);
  expect(after.finite).toBe(true);
  expect(after.hash).not.toBe(good.hash);
  for (const m of await f.metrics()) for (const x of [m.reward, m.loss, m.gradNorm]) expect(Number.isFinite(x)).toBe(true);

  // nothing NaN persisted: every stored checkpoint (the one of step 3 included) is finite
  await expect.poll(async () => (await storedCheckpoints(page)).map((c) => c.step).sort(), { timeout: 10_000 }).toContain(3);
  const stored = await storedCheckpoints(page);
  expect(stored.every((c) => c.finite)).toBe(true);
  expect(errors).toEqual([]);
});

test('GPU device lost: a new device, the checkpoint restored, the steps redone with the same metrics, paused or playing; an OOM is named', async ({ page }) => {
  test.setTimeout(200_000);
  const errors = watchErrors(page);
  const f = hooks(page);
  await page.goto('/?config=quick&faults=1');
  await stepTo(page, 1);
  // reading the weights back is also where the session keeps its in-memory checkpoint (as the periodic save does)
  expect((await f.weights()).step).toBe(1);
  await stepTo(page, 2);
  await stepTo(page, 3);
  const before = await f.metrics();

  await f.inject('lose-device');
  const notice = page.getByTestId('notice');
  await expect(notice.locator('span')).toHaveText(/^GPU device lost at step 3; restored the checkpoint of step 1 on a new device \(.+\); 2 steps redone\.$/, { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await expect(headerStep(page)).toHaveAttribute('data-done', '3', { timeout: 60_000 });
  await expect(page.getByTestId('webgpu-status')).toHaveAttribute('data-state', 'available'); // still on a GPU
  expect(await f.metrics()).toEqual(before); // the redone steps are the same steps
  await expect(banner(page)).toHaveCount(0);

  // an out-of-memory error reported by the device: named, the run paused and usable
  await f.inject('gpu-oom');
  await expect(banner(page)).toContainText('Error at step 3: GPU out of memory while idle at step 3: WebGPU out-of-memory error: injected by the fault hook (?faults=1)', { timeout: 30_000 });
  await stepTo(page, 4);
  await expect(headerStep(page)).toHaveAttribute('data-done', '4');
  await page.getByRole('button', { name: 'Dismiss the error' }).click();

  // lost while playing, in the middle of a step: recovered, the steps since redone, and it plays on
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await expect.poll(async () => Number(await headerStep(page).getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await f.inject('lose-device');
  await expect(notice.locator('span')).toHaveText(/^GPU device lost at step ([5-9]|\d\d); restored the checkpoint of step 1 on a new device \(.+\); \d+ steps redone\.$/, { timeout: 60_000 });
  const lostAt = Number(/at step (\d+);/.exec(await notice.locator('span').innerText())![1]);
  await expect.poll(async () => Number(await headerStep(page).getAttribute('data-done')), { timeout: 90_000 }).toBeGreaterThan(lostAt);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'paused', { timeout: 30_000 });
  const rows = await f.metrics();
  expect(rows.map((m) => m.step)).toEqual(rows.map((_, i) => i)); // one row per step, none twice, none missing
  expect(rows.slice(0, before.length)).toEqual(before); // redone twice now, still the same steps
  await expect(banner(page)).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a config too big for the GPU is refused before anything is allocated, naming the limit', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  // (B*G, NH, T, T) attention weights: 4096 x 16 x 256 x 256 floats = 16 GiB in one binding
  const huge = mergeConfig(DEFAULT_CONFIG, { model: { maxSeqLen: 256, nHeads: 16 }, grpo: { batchPrompts: 64, groupSize: 64 } });
  await page.goto(`/${await encodeRunLink(huge)}`);
  await expect(banner(page)).toContainText(/init: this GPU \(.+\) cannot run this config:/, { timeout: 30_000 });
  await expect(banner(page)).toContainText(/maxStorageBufferBindingSize: this config needs 17179869184 \(the largest tensor one kernel binds\), the device allows \d+/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'idle');
  await expect(stepButton(page)).toBeDisabled();
  expect(errors).toEqual([]);
});

test('IndexedDB quota exceeded: a message says so, and the run goes on in memory', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  // every put after the first 3 fails as a full disk makes it fail
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    let n = 0;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (++n > 3) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await page.goto('/?config=quick');
  await stepTo(page, 1);
  await stepTo(page, 2);
  const alert = page.getByRole('alert').filter({ hasText: 'saving the run failed' });
  await expect(alert).toContainText(/saving the run failed \(QuotaExceededError: The quota has been exceeded\.\); it goes on in memory and will not survive a reload/);
  await stepTo(page, 3);
  await stepTo(page, 4);
  await expect(headerStep(page)).toHaveAttribute('data-done', '4');
  await expect(alert).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('corrupt stored runs are skipped with a message and never block the start; a NaN checkpoint is refused', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  await page.goto('/?config=quick');
  await expect(stepButton(page)).toBeEnabled({ timeout: 60_000 }); // the database exists now
  const n = buildParamTable(QUICK_CONFIG).total, LE = QUICK_CONFIG.model.nLayers * QUICK_CONFIG.model.nRouted;
  await page.evaluate(({ config, n, LE }) => new Promise<void>((resolve, reject) => {
    const open = indexedDB.open('grpo-playground');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(['runs', 'checkpoints'], 'readwrite');
      const runs = tx.objectStore('runs');
      runs.put({ id: 'bad-name', name: 42, created: 1, config, lastStep: 1, lastReward: null, checkpointStep: null });
      runs.put({ id: 'bad-config', name: 'Bad config', created: 2, config: { model: { dModel: -4 } }, lastStep: 1, lastReward: null, checkpointStep: null });
      runs.put({ id: 'nan-run', name: 'NaN run', created: 3, config, lastStep: 2, lastReward: 0.5, checkpointStep: 2 });
      const f = (k: number, x = 0) => new Float32Array(k).fill(x);
      tx.objectStore('checkpoints').put({ runId: 'nan-run', step: 2, adamStep: 2, params: f(n, Number.NaN), routerBias: f(LE), m: f(n), v: f(n), baseParams: f(n), baseRouterBias: f(LE) });
      tx.oncomplete = () => (open.result.close(), resolve());
      tx.onerror = () => reject(tx.error);
    };
  }), { config: QUICK_CONFIG, n, LE });

  await page.reload();
  const alert = page.getByRole('alert').filter({ hasText: 'skipped' });
  await expect(alert).toContainText('stored run "bad-name": name is not a string; skipped', { timeout: 30_000 });
  await expect(alert).toContainText(/stored run "bad-config": config: model\.dModel: .*; skipped/);
  await expect(stepButton(page)).toBeEnabled({ timeout: 60_000 }); // the app started anyway
  await expect(page.getByRole('region', { name: 'Runs' }).getByRole('row', { name: /NaN run/ })).toBeVisible();
  await page.getByRole('button', { name: 'Resume run NaN run from step 2' }).click();
  await expect(alert).toContainText('NaN run: checkpoint at step 2: params holds NaN or Inf; skipped');
  await expect(alert).toContainText('NaN run has no usable checkpoint; cannot resume');
  await stepTo(page, 1); // the fresh run still trains
  expect(errors).toEqual([]);
});
