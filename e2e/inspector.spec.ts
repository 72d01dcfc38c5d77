import { expect, test } from '@playwright/test';

// QUICK_CONFIG: B = 4 prompts x G = 8 completions, group-scaled advantages.
const B = 4, G = 8;

test('one step fills the inspector (B×G completions, advantages summing to 0 per group); the playground answers and refuses bad input', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/?config=quick');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  const inspector = page.getByRole('region', { name: 'Step inspector' });
  await expect(inspector).toContainText('No steps yet');

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const completions = inspector.getByTestId('completion');
  await expect(completions).toHaveCount(B * G, { timeout: 60_000 });
  await expect(inspector.getByRole('slider', { name: 'Step' })).toBeVisible();
  await expect(inspector.getByTestId('inspector-step')).toContainText('step 0');

  const groups = inspector.getByTestId('group');
  await expect(groups).toHaveCount(B);
  for (let g = 0; g < B; g++) {
    const rows = groups.nth(g).getByTestId('completion');
    await expect(rows).toHaveCount(G);
    const adv = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-advantage'))))) as number[];
    const rewards = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reward'))))) as number[];
    expect(adv.every(Number.isFinite) && rewards.every(Number.isFinite)).toBe(true);
    expect(Math.abs(adv.reduce((a, b) => a + b, 0))).toBeLessThan(1e-4);
    // group scaling: equal rewards give advantage 0, a higher reward a higher advantage
    for (let i = 0; i < G; i++) for (let j = 0; j < G; j++) if (rewards[i]! > rewards[j]!) expect(adv[i]!).toBeGreaterThan(adv[j]!);
    // the group's mean and std, and each advantage written out as A = (R − mean) / std (group scaling), ending with its own A
    const mean = rewards.reduce((a, b) => a + b, 0) / G;
    const stats = groups.nth(g).getByTestId('group-stats');
    await expect(stats).toContainText(`reward mean ${Number(mean.toPrecision(3))}`);
    const texts = await rows.getByTestId('advantage').allInnerTexts();
    for (let i = 0; i < G; i++) {
      if (rewards.every((r) => r === rewards[0])) {
        await expect(stats).toContainText('A = 0 for all');
        expect(texts[i]).toBe('A = 0');
      } else {
        expect(texts[i]).toMatch(new RegExp(`^A = \\(${rewards[i]} − ${Number(mean.toPrecision(3))}\\) / [\\d.]+ = [+-]?[\\d.]+$`));
        expect(Number(texts[i]!.split(' = ').at(-1))).toBeCloseTo(adv[i]!, 2);
      }
    }
  }
  await expect(completions.first()).toContainText('R ');

  // each token view renders (expert view: layer choices in the tooltip)
  const view = inspector.getByRole('combobox', { name: 'Token view' });
  for (const v of ['ratio', 'clip', 'kl', 'expert', 'logp']) await view.selectOption(v);
  await view.selectOption('expert');
  await expect(completions.first().locator('.tok').first()).toHaveAttribute('title', /experts \d+/);
  // a legend names each routed expert's colour (QUICK_CONFIG: 4 routed experts)
  await expect(inspector.getByTestId('expert-legend').locator('.expert-key')).toHaveText(['e0', 'e1', 'e2', 'e3']);
  await view.selectOption('logp');

  // the playground: a typed problem gets an answer from the policy
  const pg = page.getByRole('region', { name: 'Playground' });
  const problem = pg.getByRole('textbox', { name: 'Problem' });
  await problem.fill('12+34=');
  await pg.getByRole('button', { name: 'Ask' }).click();
  const answer = pg.getByTestId('playground-answer');
  await expect(answer).toBeVisible({ timeout: 60_000 });
  await expect(answer).toContainText('12+34=');
  // it streams: tokens appear, then the answer ends (data-done) with a non-empty completion
  await expect(answer.getByTestId('playground-token').first()).toBeVisible({ timeout: 60_000 });
  await expect(answer).toHaveAttribute('data-done', 'true', { timeout: 90_000 });
  const toks = answer.getByTestId('playground-token');
  expect(await toks.count()).toBeGreaterThan(0);
  expect((await toks.allTextContents()).join('').length).toBeGreaterThan(0);
  // hovering a token shows the experts it was routed to, per layer
  await toks.first().hover();
  await expect(answer.getByTestId('token-experts')).toContainText(/token 1\): L1: e\d+/);
  await expect(toks.first()).toHaveAttribute('title', /experts L1: e\d+/);
  await expect(answer.getByLabel('Top-1 expert per token, by layer')).toBeVisible();
  await pg.screenshot({ path: '/tmp/playground-region.png' });

  // a character the tokenizer can't encode: an inline message before anything is sent
  await problem.fill('12+x4=');
  await expect(pg.getByRole('alert')).toContainText('"x" at position 4');
  await expect(pg.getByRole('button', { name: 'Ask' })).toBeDisabled();

  await page.screenshot({ path: '/tmp/inspector.png', fullPage: true });
  await inspector.screenshot({ path: '/tmp/inspector-region.png' });
  expect(errors).toEqual([]);
});
