import { expect, test } from '@playwright/test';

// The playground judges an answer against the problem's true answer (issue
// 18): on the quick config, arithmetic questions are asked until the page has
// marked one right and one wrong, each mark checked here against the sum.
// ("both, side by side", the two engines' agreement and onnxruntime-web's
// progress are checked in export.spec.ts, where onnxruntime-web is started anyway.)

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
