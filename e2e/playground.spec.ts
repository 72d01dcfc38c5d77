import { expect, test } from '@playwright/test';

// The playground judges an answer against the problem's true answer (issue
// 18): on the quick config, arithmetic questions are asked until the page has
// marked one right and one wrong, each mark checked here against the sum.
// Then "both, side by side" asks the WGSL engine and onnxruntime-web the same
// question and marks whether their greedy answers agree, showing
// onnxruntime-web's progress while it loads.

// the quick base's greedy answers are short guesses ("11", "1" at step 0): sums of 11 and 1 come first to meet a right one
const QUESTIONS: [number, number][] = [[5, 6], [2, 3], [0, 1], [4, 7], [3, 4], [2, 9], [1, 0], [6, 2], [8, 3], [1, 1]];

test('playground: an answer is marked right or wrong against the true answer', async ({ page }) => {
  test.setTimeout(110_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', /ready|paused/, { timeout: 60_000 });
  const pg = page.getByRole('region', { name: 'Playground' });
  const seen = { right: 0, wrong: 0 };
  for (const [a, b] of QUESTIONS) {
    const q = `${a}+${b}=`;
    await pg.getByLabel('Problem').fill(q);
    await pg.getByRole('button', { name: 'Ask' }).click();
    const answer = pg.getByTestId('playground-answer');
    await expect(answer).toHaveAttribute('data-done', 'true', { timeout: 30_000 });
    await expect(answer).toContainText(q);
    const completion = (await answer.getAttribute('data-completion')) ?? '';
    const said = /<answer>(.*?)<\/answer>/.exec(completion)?.[1] ?? null;
    const verdict = pg.getByTestId('playground-verdict');
    const right = said !== null && said.trim() !== '' && Number(said) === a + b;
    await expect(verdict).toHaveAttribute('data-right', String(right));
    await expect(verdict).toContainText(right ? `${said}: right` : said === null ? 'no <answer>: wrong' : `${said}: wrong (the answer is ${a + b})`);
    seen[right ? 'right' : 'wrong']++;
    if (seen.right > 0 && seen.wrong > 0) break;
  }
  console.log(`playground verdicts: ${seen.right} right, ${seen.wrong} wrong`);
  expect(seen.right).toBeGreaterThan(0);
  expect(seen.wrong).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('playground: both engines answer side by side, with their agreement and onnxruntime-web\'s progress', async ({ page }) => {
  test.setTimeout(115_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?config=quick');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', /ready|paused/, { timeout: 60_000 });
  const pg = page.getByRole('region', { name: 'Playground' });
  await pg.getByRole('radio', { name: 'both, side by side' }).check();
  await pg.getByLabel('Problem').fill('5+6=');
  await pg.getByRole('button', { name: 'Ask' }).click();
  // the first question loads onnxruntime-web: it says so while it does
  await expect(pg.getByTestId('ort-progress')).toContainText(/exporting|starting onnxruntime-web|loading|decoding/);
  await expect(pg.getByTestId('ort-answer')).toBeVisible({ timeout: 100_000 });
  await expect(pg.getByTestId('playground-answer')).toHaveAttribute('data-done', 'true');
  const agree = pg.getByTestId('engines-agree');
  await expect(agree).toHaveAttribute('data-agree', 'true');
  await expect(agree).toContainText('The engines agree');
  // one verdict per engine, the same
  await expect(pg.getByTestId('playground-verdict')).toHaveCount(2);
  const [v1, v2] = await pg.getByTestId('playground-verdict').all();
  expect(await v1!.getAttribute('data-right')).toBe(await v2!.getAttribute('data-right'));
  await pg.screenshot({ path: '/tmp/h-playground-both.png' });
  expect(errors).toEqual([]);
});
