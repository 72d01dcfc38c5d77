import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/** Clicks an Export menu item and returns the downloaded file's name and bytes. */
async function download(page: Page, item: string): Promise<{ name: string; bytes: Buffer }> {
  const menu = page.getByRole('group', { name: 'Export and import' });
  if (!(await menu.isVisible())) await page.getByText('Export', { exact: true }).click();
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), menu.getByRole('button', { name: item }).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

/** The safetensors header: u64 little-endian length, then that much JSON. */
function safetensorsHeader(bytes: Buffer): Record<string, unknown> & { __metadata__: Record<string, string> } {
  const n = Number(bytes.readBigUInt64LE(0));
  expect(n).toBeLessThan(bytes.length);
  return JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
}

test('export weights, ONNX, metrics and the TRL script; import a bad and a good checkpoint; the ONNX engine answers like ours', async ({ page }) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/?config=quick');
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '1', { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-state', /ready|paused/, { timeout: 60_000 });

  // weights: a safetensors file whose metadata carries the run
  const weights = await download(page, 'Weights (.safetensors)');
  expect(weights.name).toBe('grpo-playground-step1.safetensors');
  const header = safetensorsHeader(weights.bytes);
  expect(header.__metadata__.format).toBe('grpo-playground-checkpoint');
  expect(header.__metadata__.step).toBe('1');
  expect(JSON.parse(header.__metadata__.runConfig!).grpo.groupSize).toBe(8);
  expect(header.wte).toMatchObject({ dtype: 'F32' });

  // metrics: JSON with the one step, CSV with a header and one row
  const json = JSON.parse((await download(page, 'Metrics (.json)')).bytes.toString('utf8'));
  expect(json.format).toBe('grpo-playground-metrics');
  expect(json.metrics).toHaveLength(1);
  expect(json.metrics[0].step).toBe(0);
  const csv = (await download(page, 'Metrics (.csv)')).bytes.toString('utf8').trimEnd().split('\n');
  expect(csv).toHaveLength(2);
  expect(csv[0]).toMatch(/^step,reward,reward_std,rewards\/format\/mean,/); // TRL's log keys
  expect(csv[1]!.split(',')).toHaveLength(csv[0]!.split(',').length);
  expect(csv[1]).toMatch(/^0,/);

  // the TRL script and the ONNX policy
  const py = await download(page, 'TRL script (.py)');
  expect(py.name).toBe('grpo_playground_trl.py');
  expect(py.bytes.toString('utf8')).toContain('    num_generations=8,');
  const onnx = await download(page, 'Policy (.onnx)');
  expect(onnx.name).toBe('policy.onnx');
  expect(onnx.bytes.length).toBeGreaterThan(10_000);
  expect(onnx.bytes.includes(Buffer.from('runConfig'))).toBe(true);

  // a corrupted checkpoint: a message naming the problem, the run untouched
  const bad = Buffer.from(weights.bytes);
  bad.writeBigUInt64LE(BigInt(bad.length * 2), 0);
  const input = page.getByLabel('Import weights');
  await input.setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: bad });
  const alert = page.getByRole('group', { name: 'Export and import' }).getByRole('alert');
  await expect(alert).toContainText('broken.safetensors was not loaded');
  await expect(alert).toContainText('unchanged');
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '1');

  // the good one: a new run from those weights, at step 0 and ready
  await input.setInputFiles({ name: 'good.safetensors', mimeType: 'application/octet-stream', buffer: weights.bytes });
  await expect(page.getByRole('group', { name: 'Export and import' }).getByRole('status')).toContainText('Started a new run from good.safetensors (weights after 1 steps)');
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '0', { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.getByText('Export', { exact: true }).click(); // close the menu

  // the same greedy question on both engines gives the same answer
  const pg = page.getByRole('region', { name: 'Playground' });
  await pg.getByRole('textbox', { name: 'Problem' }).fill('12+34=');
  await pg.getByRole('button', { name: 'Ask' }).click();
  const ours = pg.getByTestId('playground-answer');
  await expect(ours).toHaveAttribute('data-done', 'true', { timeout: 90_000 });
  const oursText = await ours.getAttribute('data-completion');
  expect(oursText).toBeTruthy();
  await expect(pg.getByTestId('engine-running')).toContainText('WGSL (ours)');

  await pg.getByRole('radio', { name: 'onnxruntime-web' }).check();
  await pg.getByRole('button', { name: 'Ask' }).click();
  // the first question starts onnxruntime-web (tens of seconds here): the page says so meanwhile (issue 18)
  await expect(pg.getByTestId('ort-progress')).toContainText(/starting onnxruntime-web and compiling its shaders|decoding: token/);
  const theirs = pg.getByTestId('ort-answer');
  await expect(theirs).toBeVisible({ timeout: 90_000 });
  await expect(pg.getByTestId('engine-running')).toContainText(/onnxruntime-web on the (WebGPU|wasm) EP/);
  expect(await theirs.getAttribute('data-completion')).toBe(oursText);
  await page.screenshot({ path: '/tmp/export-ort.png', fullPage: false });

  // both engines side by side (onnxruntime-web is warm now): the same greedy answer, marked as agreeing, judged the same
  await pg.getByRole('radio', { name: 'both, side by side' }).check();
  await pg.getByRole('button', { name: 'Ask' }).click();
  const agree = pg.getByTestId('engines-agree');
  await expect(agree).toHaveAttribute('data-agree', 'true', { timeout: 60_000 });
  await expect(agree).toContainText('The engines agree');
  expect(await pg.getByTestId('playground-answer').getAttribute('data-completion')).toBe(oursText);
  await expect(pg.getByTestId('playground-verdict')).toHaveCount(2);
  const [v1, v2] = await pg.getByTestId('playground-verdict').all();
  expect(await v1!.getAttribute('data-right')).toBe(await v2!.getAttribute('data-right'));

  expect(errors).toEqual([]);
});
