import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { preset } from '../src/core/config';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { parseCompletion } from '../src/tasks/format';
import { answerIsRight } from '../src/tasks/judge';

// The countdown task end to end (issue 13): from the 'R1-Zero (Arithmetic)'
// preset, the 'R1-Zero (Countdown)' preset in the config panel sets its task,
// corpus, GRPO and sampling knobs back (it is the default since issue 13);
// the page loads only the shipped public/base-countdown-long.safetensors (no
// arithmetic base, and never pretraining in the page, which at this model size
// would take many minutes); one GRPO step fills the inspector with countdown
// prompts ("3;5;7=5"), their targets and each completion's attempts; the
// playground reads a countdown problem and judges the answer.
//
// Kept short for SwiftShader: after checking the preset's knobs, the GRPO
// knobs no base depends on are shrunk (2 prompts x 4 completions, 8 held-out
// problems) so the base evaluation and the step take seconds, not minutes.
// The model, task and corpus stay the preset's: those decide the base.

const COUNTDOWN = preset('R1-Zero (Countdown)');
const B = 2, G = 4;

test('R1-Zero (Countdown): the preset loads the shipped countdown base, one step shows countdown prompts', async ({ page }) => {
  test.setTimeout(300_000);
  expect(existsSync('dist/base-countdown-long.safetensors'), 'dist/ lacks base-countdown-long.safetensors: pretrain it into public/, then `vite build`').toBe(true);
  expect(decodeCheckpoint(new Uint8Array(readFileSync('dist/base-countdown-long.safetensors'))).config.task.family).toBe('countdown');

  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const fetched: string[] = [];
  page.on('request', (r) => r.url().endsWith('.safetensors') && fetched.push(new URL(r.url()).pathname));
  // every run-status the page shows, and whether it ever pretrained (as in default.spec.ts)
  await page.addInitScript(() => {
    const w = window as unknown as { __states: string[]; __pretrained: boolean };
    w.__states = [];
    w.__pretrained = false;
    const seen = () => {
      const el = document.querySelector('[data-testid="run-status"]');
      const s = el ? `${el.getAttribute('data-state')}: ${el.textContent}` : null;
      if (s && w.__states.at(-1) !== s) w.__states.push(s);
      if (document.querySelector('progress[aria-label="Pretraining"]') || /pretraining the base model/.test(s ?? '')) w.__pretrained = true;
    };
    new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const pageStates = () => page.evaluate(() => {
    const w = window as unknown as { __states: string[]; __pretrained: boolean };
    return { states: [...w.__states], pretrained: w.__pretrained };
  });

  // The CPU engine: this spec is about the task, not the kernels. Opened with no config, the page evaluates the
  // default base on 256 held-out problems before it takes a step or a new init (session/run.ts evaluateBase);
  // on SwiftShader's WebGPU that takes minutes, on the CPU engine seconds (other specs keep testing WebGPU).
  await page.goto('/?backend=cpu');
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });

  // --- the preset sets task, corpus, GRPO and sampling; the arithmetic corpus knobs grey out
  const config = page.getByRole('complementary', { name: 'Config' });
  const knob = (group: string, label: string) => config.getByRole('group', { name: group }).getByLabel(label, { exact: true });
  const countdownButton = config.getByRole('button', { name: 'R1-Zero (Countdown)', exact: true });
  await expect(countdownButton).toHaveAttribute('aria-pressed', 'true'); // the default
  await config.getByRole('button', { name: 'R1-Zero (Arithmetic)', exact: true }).click();
  await expect(knob('Task', 'family')).toHaveValue('add');
  await expect(knob('Base corpus', 'guess')).toBeDisabled(); // an arithmetic run ignores the countdown styles
  for (const k of ['direct', 'stepwise', 'slip', 'corrected']) await expect(knob('Base corpus', k)).toBeEnabled();
  await countdownButton.click();
  await expect(countdownButton).toHaveAttribute('aria-pressed', 'true');
  await expect(knob('Task', 'family')).toHaveValue('countdown');
  await expect(knob('Task', 'difficulty')).toHaveValue(String(COUNTDOWN.task.difficulty));
  await expect(config).toContainText('countdown d=1: 3 numbers from 1 to 9, + -');
  await expect(knob('Sampling', 'temperature')).toHaveValue(String(COUNTDOWN.sampling.temperature));
  await expect(knob('GRPO', 'heldOutSize')).toHaveValue(String(COUNTDOWN.grpo.heldOutSize));
  for (const k of ['guess', 'search', 'searchWrong'] as const) {
    await expect(knob('Base corpus', k)).toBeEnabled();
    await expect(knob('Base corpus', k)).toHaveValue(String(COUNTDOWN.corpus[k]));
  }
  for (const k of ['direct', 'stepwise', 'slip', 'corrected']) await expect(knob('Base corpus', k)).toBeDisabled();
  await expect(config.locator('.knob-error')).toHaveCount(0);

  // --- cheap GRPO knobs (no base depends on them), then Apply and reset
  await knob('GRPO', 'batchPrompts').fill(String(B));
  await knob('GRPO', 'groupSize').fill(String(G));
  await knob('GRPO', 'heldOutSize').fill('8');
  await expect(config.locator('.knob-error')).toHaveCount(0);
  const fetchedBefore = fetched.length;
  const statesBefore = (await pageStates()).states.length;
  await config.getByRole('button', { name: 'Apply and reset' }).click();
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '0');
  // the new run fetches its base, then inits from it. From countdown to countdown the init can be quick enough
  // that React renders 'loading the given weights' and 'ready' as one update, so the badge may show no
  // transition: wait for the fetch, then for ready. The step below (B x G completions) is the new run's.
  await expect.poll(async () => {
    const { states, pretrained } = await pageStates();
    if (pretrained) throw new Error(`the app pretrains instead of loading the shipped countdown base (states: ${states.join(' -> ')})`);
    return fetched.length > fetchedBefore;
  }, { timeout: 120_000 }).toBe(true);
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await expect(status).toContainText('GRPO from the given weights');
  expect((await pageStates()).states.slice(statesBefore).every((s) => !s.startsWith('pretraining:') || s.includes('loading the given weights'))).toBe(true);
  // the countdown base and nothing else, at load and at Apply: no arithmetic base is fetched for a countdown run
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.slice(0, fetchedBefore).every((f) => f === '/base-countdown-long.safetensors'), fetched.join(', ')).toBe(true);
  expect(fetched.slice(fetchedBefore).every((f) => f === '/base-countdown-long.safetensors'), fetched.join(', ')).toBe(true);

  // --- one GRPO step: countdown prompts, their targets, the attempts of each completion
  const inspector = page.getByRole('region', { name: 'Step inspector' });
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(inspector.getByTestId('completion')).toHaveCount(B * G, { timeout: 180_000 });
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '1');
  const groups = inspector.getByTestId('group');
  await expect(groups).toHaveCount(B);
  for (let g = 0; g < B; g++) {
    const prompt = await groups.nth(g).locator('header code').innerText();
    const m = /^(\d+);(\d+);(\d+)=(-?\d+)$/.exec(prompt);
    expect(m, `group ${g} prompt ${JSON.stringify(prompt)} is not a countdown prompt of d=1`).not.toBeNull();
    for (const n of m!.slice(1, 4).map(Number)) expect(n >= 1 && n <= 9, prompt).toBe(true);
    await expect(groups.nth(g).getByTestId('group-expected')).toHaveText(`target ${m![4]}`);
    const attempts = await groups.nth(g).getByTestId('completion').evaluateAll((els) => els.map((e) => e.getAttribute('data-attempts')));
    expect(attempts.every((a) => a !== null && Number.isInteger(Number(a)) && Number(a) >= 0), attempts.join(',')).toBe(true);
  }
  await expect(inspector.getByTestId('completion').first()).toContainText(/\d+ attempts?/);

  // --- the playground: a countdown problem, judged; bad input named before anything is sent
  const pg = page.getByRole('region', { name: 'Playground' });
  const problem = pg.getByRole('textbox', { name: 'Problem' });
  await expect(problem).toHaveValue('3;5;7=5'); // an example of the run's task
  await problem.fill('3+5+7=5');
  await expect(pg.getByRole('alert')).toContainText('A countdown problem looks like 3;5;7=5: type the numbers and the target');
  await expect(pg.getByRole('button', { name: 'Ask' })).toBeDisabled();
  await problem.fill('2;6;9=13');
  await expect(pg.getByRole('alert')).toHaveCount(0);
  await pg.getByRole('button', { name: 'Ask' }).click();
  const answer = pg.getByTestId('playground-answer');
  await expect(answer).toHaveAttribute('data-done', 'true', { timeout: 90_000 });
  const verdict = answer.getByTestId('playground-verdict');
  await expect(verdict).toContainText('Target 13.');
  await expect(verdict).toHaveAttribute('data-right', /^(true|false)$/);
  // the verdict is the accuracy reward's: right exactly when the <answer> uses 2, 6, 9 once each and reaches 13
  const completion = (await answer.getAttribute('data-completion')) ?? '';
  const right = answerIsRight({ family: 'countdown', difficulty: 1, operands: [2, 6, 9], answer: 13 }, parseCompletion(completion).answerText);
  await expect(verdict).toHaveAttribute('data-right', String(right));
  console.log(`playground 2;6;9=13 -> ${completion} (${await verdict.innerText()})`);

  await page.screenshot({ path: '/tmp/countdown.png', fullPage: true });
  expect(errors).toEqual([]);
});
