import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { preset, STUDENT_MODEL } from '../src/core/config';
import { decodeCheckpoint } from '../src/share/checkpoint';

// R1's four stages end to end (issue 17): the 'R1 (four stages, Countdown)'
// preset in the config panel turns the stages on; shrunk so every stage takes
// a few steps (a 2-step cold start on 8 traces, 2 GRPO steps, rejection
// sampling of 4 prompts x 4, one epoch of SFT, then GRPO again), the run
// reports the cold start during init and the rejection stage after its second
// step; every chart marks both stages, and the "Pipeline stages" region shows
// what rejection sampling kept and dropped, by reason, with examples; a
// Share link opens with the stages set and its curves marked; a reload and
// Resume bring the reports back. Then the two Experiments cards of
// issue 17: R1-Zero against the four stages (its quick variant runs both arms,
// the second through every stage) and the distillation card (the dense
// student distilled in the app against GRPO on it, at equal samples), then the
// 'Distilled student (Countdown)' preset's distill stage in the inspector.
//
// The CPU engine (?backend=cpu), as in countdown.spec.ts: this spec is about
// the stages, not the kernels, and SwiftShader's WebGPU would take minutes
// over the held-out evaluations. The task, model and corpus stay the preset's
// (they decide the shipped base); B x G and the held-out set are shrunk.

const R1 = preset('R1 (four stages, Countdown)');
test.use({ permissions: ['clipboard-read', 'clipboard-write'] }); // Share copies the link
const B = 2, G = 4, PROMPTS = 4, K = 4;
// every chart the Charts region draws from this run's rows (expert load: one plot per layer)
const CHARTS = ['reward', 'heldout', 'length', 'aha', 'signal', 'kl', 'entropy', 'clip', 'policyLoss', 'gradNorm', 'speed'];

test('the four-stage recipe: quick stages run, every chart marks them, the inspector shows the rejection stage', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();

  // a checkpoint after every step, so a reload can resume the run at step 3 (persist.spec.ts)
  await page.goto('/?backend=cpu&checkpointEvery=1');
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  // R1-Zero (the default) has no stages: no markers, no stage region
  await expect(page.getByTestId('stage-list')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Pipeline stages' })).toHaveCount(0);

  // --- the preset turns the stages on; the panel says which
  const config = page.getByRole('complementary', { name: 'Config' });
  const knob = (group: string, label: string) => config.getByRole('group', { name: group }).getByLabel(label, { exact: true });
  const r1 = config.getByRole('button', { name: 'R1 (four stages, Countdown)', exact: true });
  await expect(knob('Pipeline', 'rejectionPrompts')).toBeDisabled(); // no rejection stage in R1-Zero
  await r1.click();
  await expect(r1).toHaveAttribute('aria-pressed', 'true');
  await expect(knob('Pipeline', 'rl1Steps')).toHaveValue(String(R1.pipeline.rl1Steps));
  await expect(knob('Pipeline', 'coldStartSteps')).toHaveValue(String(R1.pipeline.coldStartSteps));
  await expect(knob('GRPO', 'consistencyWeight')).toHaveValue(String(R1.grpo.consistencyWeight));
  await expect(config.getByTestId('pipeline-note')).toContainText(`cold start (${R1.pipeline.coldStartSteps} SFT steps on ${R1.pipeline.coldStartTraces} search traces)`);

  // --- every stage a few steps
  const set = async (group: string, label: string, value: number) => knob(group, label).fill(String(value));
  await set('GRPO', 'batchPrompts', B);
  await set('GRPO', 'groupSize', G);
  await set('GRPO', 'heldOutSize', 8);
  await set('Pipeline', 'coldStartSteps', 2);
  await set('Pipeline', 'coldStartTraces', 8);
  await set('Pipeline', 'rl1Steps', 2);
  await set('Pipeline', 'rejectionPrompts', PROMPTS);
  await set('Pipeline', 'rejectionSamples', K);
  await set('Pipeline', 'rejectionSftEpochs', 1);
  await expect(config.locator('.knob-error')).toHaveCount(0);
  await expect(config.getByTestId('pipeline-note')).toHaveText(/^Stages: cold start \(2 SFT steps on 8 search traces\) → GRPO steps 0–1 → rejection sampling \(4 prompts × 4, readable only\)/);
  await config.getByRole('button', { name: 'Apply and reset' }).click();

  // --- the cold start runs during init: reported, and marked left of step 0 once the step-0 evaluation is in
  const stages = page.getByRole('region', { name: 'Pipeline stages' });
  const cold = stages.getByTestId('stage-coldStart');
  await expect(cold).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(cold.getByTestId('stage-sft')).toContainText(/^SFT loss \d\.\d{3} → \d\.\d{3} over 2 steps \(8 examples/);
  await expect(stages.getByTestId('stage-rejection')).toHaveAttribute('data-state', 'pending');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', '0');

  // --- three GRPO steps: the rejection stage runs after the second
  const step = page.getByRole('button', { name: 'Step', exact: true });
  for (let n = 1; n <= 3; n++) {
    await expect(step).toBeEnabled({ timeout: 60_000 });
    await step.click();
    await expect(page.getByTestId('header-step')).toHaveAttribute('data-done', String(n), { timeout: 60_000 });
  }
  const rejection = stages.getByTestId('stage-rejection');
  await expect(rejection).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

  // --- every chart marks both stages, labelled
  const charts = page.getByRole('region', { name: 'Charts' });
  await expect(charts.getByTestId('stage-list')).toContainText('cold start: 2 SFT steps on 8 search traces, before step 0');
  await expect(charts.getByTestId('stage-list')).toContainText(`rejection sampling (${PROMPTS} prompts x ${K}, readable only) + 1 epoch of SFT, before step 2`);
  for (const c of CHARTS) {
    const chart = charts.locator(`[data-chart="${c}"]`);
    await expect(chart.locator('.stage-marker'), c).toHaveCount(2);
    await expect(chart.locator('.stage-marker-coldStart'), c).toHaveCount(1);
    // the labels (recharts draws them in a layer of their own)
    await expect(chart.locator('svg text', { hasText: /^cold start$/ }), c).toHaveCount(1);
    await expect(chart.locator('svg text', { hasText: /^rejection SFT$/ }), c).toHaveCount(1);
  }
  const layers = await charts.locator('[data-chart="experts"] .expert-layer').count();
  await expect(charts.locator('[data-chart="experts"] .stage-marker')).toHaveCount(2 * layers);

  // --- the rejection stage in the inspector: kept and dropped by reason, summing to the samples, with examples of each
  const counts = rejection.getByTestId('stage-counts');
  await expect(counts).toHaveAttribute('data-sampled', String(PROMPTS * K));
  const ns = await counts.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-outcome'), Number(r.getAttribute('data-n'))] as const));
  expect(ns.map(([o]) => o)).toEqual(['kept', 'format', 'wrong', 'waits', 'unreadable']);
  expect(ns.reduce((a, [, n]) => a + n, 0)).toBe(PROMPTS * K);
  await expect(counts).toHaveAttribute('data-kept', String(ns[0]![1]));
  const groups = rejection.getByTestId('stage-examples');
  const outcomes = await groups.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-outcome')));
  // an example of every outcome that happened (the report keeps up to 4 kept and 2 per reason)
  expect(outcomes).toEqual(ns.filter(([, n]) => n > 0).map(([o]) => o));
  for (const ex of await rejection.getByTestId('stage-example').all()) await expect(ex.locator('code').first()).toHaveText(/^\d+;\d+;\d+=-?\d+$/);
  await expect(rejection.getByTestId('stage-sft')).toContainText(ns[0]![1] > 0 ? /^SFT loss \d\.\d{3} → \d\.\d{3} over \d+ steps?/ : /^no SFT step taken/);

  await page.screenshot({ path: 'test-results/pipeline.png', fullPage: true });
  await charts.screenshot({ path: 'test-results/pipeline-charts.png' });
  await stages.screenshot({ path: 'test-results/pipeline-stages.png' });

  // --- a link reproduces the pipeline: the shared run opens with its stages set, its snapshot's curves marked
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByText('Link copied')).toBeVisible({ timeout: 5_000 });
  const link = page.url();
  expect(link).toMatch(/#r\d+\.[A-Za-z0-9_-]+$/);
  const shared = await page.context().newPage();
  await shared.goto(link);
  await expect(shared.getByRole('region', { name: 'Shared run' })).toContainText('Shared run: 3 GRPO steps', { timeout: 30_000 });
  const sharedKnob = (group: string, label: string) => shared.getByRole('complementary', { name: 'Config' }).getByRole('group', { name: group }).getByLabel(label, { exact: true });
  await expect(sharedKnob('Pipeline', 'rl1Steps')).toHaveValue('2');
  await expect(sharedKnob('Pipeline', 'rejectionPrompts')).toHaveValue(String(PROMPTS));
  await expect(shared.getByRole('region', { name: 'Charts' }).locator('[data-chart="reward"] .stage-marker')).toHaveCount(2);
  // the snapshot carries curves, not stage reports: the inspector says so rather than showing nothing
  await expect(shared.getByRole('region', { name: 'Pipeline stages' }).getByTestId('stage-rejection')).toHaveAttribute('data-state', 'unreported');
  await shared.close();

  // --- the stage reports are kept with the run: a reload and Resume bring them back, the markers too
  await page.waitForTimeout(1000); // the step-3 checkpoint: requested after the metrics, written a macrotask later
  await page.reload();
  const resume = page.getByRole('button', { name: /^Resume run .* from step 3$/ });
  await expect(resume).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 60_000 });
  await resume.click();
  await expect(rejection).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(cold).toHaveAttribute('data-state', 'done');
  await expect(rejection.getByTestId('stage-counts')).toHaveAttribute('data-kept', String(ns[0]![1]));
  await expect(charts.locator('[data-chart="reward"] .stage-marker')).toHaveCount(2);
  console.log(`pipeline spec: ${((Date.now() - t0) / 1000).toFixed(1)} s; rejection ${ns.map(([o, n]) => `${o} ${n}`).join(', ')}`);
  expect(errors).toEqual([]);
});

test('the Experiments card R1-Zero against the four stages: its quick variant runs both arms, the second through every stage', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?backend=cpu');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 90_000 });
  const p = page.getByRole('region', { name: 'Experiments' });
  await p.getByRole('button', { name: 'Show the experiments' }).click();
  const card = p.getByTestId('experiment-r1-pipeline');
  await expect(card.getByTestId('experiment-measured')).toContainText('greedy 56.1% [51.2, 61.0] (R1-Zero) against 57.4% [48.2, 66.7] (four stages)');
  const title = 'R1-Zero against R1\'s four stages';
  await card.getByLabel(`Variant of ${title}`).selectOption('quick');
  await expect(card).toContainText('4 steps per run');
  await card.getByRole('button', { name: `Run ${title}`, exact: true }).click();
  const progress = p.getByTestId('experiment-progress');
  await expect(progress).toContainText('four stages, seed 1 (run 2 of 2', { timeout: 90_000 });
  await expect(progress).toHaveCount(0, { timeout: 90_000 });
  await expect(p.getByRole('alert')).toHaveCount(0);
  await expect(p.getByTestId('experiment-shown')).toContainText('R1-Zero (1 run), four stages (1 run)');
  // the live run is the four-stage arm: both its stages reported and marked; the R1-Zero arm (drawn dashed) has none
  const stages = page.getByRole('region', { name: 'Pipeline stages' });
  await expect(stages.getByTestId('stage-coldStart')).toHaveAttribute('data-state', 'done');
  await expect(stages.getByTestId('stage-rejection')).toHaveAttribute('data-state', 'done');
  await expect(stages.getByTestId('stage-rejection').getByTestId('stage-counts')).toHaveAttribute('data-sampled', '16');
  const charts = page.getByRole('region', { name: 'Charts' });
  await expect(charts.locator('[data-chart="reward"] .stage-marker')).toHaveCount(2);
  await expect(charts.locator('[data-chart="reward"] path.recharts-line-curve[data-testid="overlay-curve"]')).toHaveCount(2);
  await expect(charts.getByTestId('stage-list')).toContainText('before step 2');
  expect(errors).toEqual([]);
});

test('distillation in the app: the card runs both arms from the student\'s base at equal samples; the preset distils, and the inspector shows the teacher\'s kept traces', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const fetched: string[] = [];
  page.on('request', (r) => r.url().endsWith('.safetensors') && fetched.push(new URL(r.url()).pathname));
  await page.goto('/?backend=cpu');
  await expect(page.getByRole('button', { name: 'Step', exact: true })).toBeEnabled({ timeout: 90_000 });
  const p = page.getByRole('region', { name: 'Experiments' });
  await p.getByRole('button', { name: 'Show the experiments' }).click();
  const card = p.getByTestId('experiment-distill-student');
  const title = 'Distil a dense student, or run GRPO on it';
  await expect(card.getByTestId('experiment-measured')).toContainText('reaches 56.4% [53.3, 59.5]');
  await card.getByLabel(`Variant of ${title}`).selectOption('quick');
  await expect(card).toContainText('distilled student: 0 GRPO steps, GRPO on the dense student: 3 GRPO steps');
  const before = fetched.length;
  await card.getByRole('button', { name: `Run ${title}`, exact: true }).click();
  await expect(p.getByTestId('experiment-progress')).toContainText('GRPO on the dense student, seed 1 (run 2 of 2', { timeout: 90_000 });
  await expect(p.getByTestId('experiment-progress')).toHaveCount(0, { timeout: 90_000 });
  await expect(p.getByRole('alert')).toHaveCount(0);
  await expect(p.getByTestId('experiment-shown')).toContainText('distilled student (1 run), GRPO on the dense student (1 run); against distilled student (README): 56.4%.');
  // both arms on held-out accuracy (the distilled one a point at step 0), README's 3-seed result a dotted line beside them
  const heldout = page.getByRole('region', { name: 'Charts' }).locator('[data-chart="heldout"]');
  await expect(heldout.locator('.recharts-legend-wrapper')).toContainText('distilled student');
  await expect(heldout.locator('.recharts-legend-wrapper')).toContainText('GRPO on the dense student');
  await expect(heldout.locator('.experiment-reference')).toHaveCount(1);
  await expect(heldout.locator('svg text', { hasText: 'distilled student (README): 56.4%' })).toHaveCount(1);
  // the student's own base for both arms and the teacher for the distilled one: never pretrained in the page, never the MoE base
  expect([...fetched.slice(before)].sort()).toEqual(['/student-countdown-dense.safetensors', '/student-countdown-dense.safetensors', '/teacher-countdown-grpo60.safetensors']);
  await expect(page.getByRole('complementary', { name: 'Config' })).toContainText('21,504 parameters');

  // --- the preset, like a user: the distill stage reported with the teacher's counts, marked before step 0
  const config = page.getByRole('complementary', { name: 'Config' });
  const knob = (group: string, label: string) => config.getByRole('group', { name: group }).getByLabel(label, { exact: true });
  await config.getByRole('button', { name: 'Distilled student (Countdown)', exact: true }).click();
  await expect(knob('Pipeline', 'teacher')).toHaveValue('teacher-countdown-grpo60');
  await knob('Pipeline', 'rejectionPrompts').fill('12');
  await knob('Pipeline', 'rejectionSamples').fill('4');
  await knob('Pipeline', 'distillSteps').fill('10');
  await knob('GRPO', 'heldOutSize').fill('8');
  await expect(config.locator('.knob-error')).toHaveCount(0);
  await config.getByRole('button', { name: 'Apply and reset' }).click();
  const distill = page.getByRole('region', { name: 'Pipeline stages' }).getByTestId('stage-distill');
  await expect(distill).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const counts = distill.getByTestId('stage-counts');
  await expect(counts).toContainText('Sampled by the teacher teacher-countdown-grpo60 (158,080 parameters), not this model.');
  await expect(counts).toHaveAttribute('data-sampled', '48');
  const ns = await counts.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-n'))));
  expect(ns.reduce((a, n) => a + n, 0)).toBe(48);
  await expect(distill.getByTestId('stage-sft')).toContainText(ns[0]! > 0 ? /^SFT loss \d\.\d{3} → \d\.\d{3} over 10 steps/ : /^no SFT step taken/);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(heldout.locator('.stage-marker-distill')).toHaveCount(1);

  // --- a student is a model like any other: its distilled weights export as safetensors (its own config inside) and ONNX
  const download = async (item: string) => {
    const menu = page.getByRole('group', { name: 'Export and import' });
    if (!(await menu.isVisible())) await page.getByText('Export', { exact: true }).click();
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), menu.getByRole('button', { name: item }).click()]);
    return readFileSync((await dl.path())!);
  };
  const ck = decodeCheckpoint(new Uint8Array(await download('Weights (.safetensors)')));
  expect(ck.config.model).toMatchObject(STUDENT_MODEL);
  expect(ck.config.pipeline.teacher).toBe('teacher-countdown-grpo60');
  const onnx = await download('Policy (.onnx)');
  expect(onnx.length).toBeGreaterThan(10_000);
  expect(onnx.includes(Buffer.from('runConfig'))).toBe(true);
  expect(errors).toEqual([]);
});
