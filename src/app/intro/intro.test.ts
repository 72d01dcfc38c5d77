import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, preset } from '../../core/config';
import { QUICK_CONFIG } from '../../train/quick';
import { chartHelp } from '../help/chartHelp';
import { INTRO_KEY, introDismissed, introText, MEASURED, MEASURED_COUNTDOWN, rememberDismissed, type IntroStorage } from './intro';

/** README's "The R1-Zero result, measured" section: what the intro and the chart help quote. */
function measuredSection(): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('### The R1-Zero result, measured');
  expect(start, 'README has no "The R1-Zero result, measured" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('introText', () => {
  it('says the model, the task and GRPO with the run\'s own numbers', () => {
    const t = introText(QUICK_CONFIG);
    expect(t.model).toContain(`${QUICK_CONFIG.model.nRouted} routed experts`);
    expect(t.task).toMatch(/arithmetic \(add, difficulty 1\)/);
    expect(t.grpo).toContain(`samples ${QUICK_CONFIG.grpo.groupSize} answers to each of ${QUICK_CONFIG.grpo.batchPrompts} problems`);
    expect(t.grpo).toMatch(/above their group's average/);
    expect(t.watch).toMatch(/The Experiments panel below/); // issue 14: the intro points to the experiments
    expect(t.honest).toMatch(/Choose the R1-Zero \(Countdown\) preset/);
  });

  it('a countdown run gets a countdown example and README\'s measured countdown result, which README still says', () => {
    const t = introText(preset('R1-Zero (Countdown)'));
    expect(t.task).toContain('3;5;7=5');
    expect(t.task).toContain('3-5+7');
    expect(t.honest).toContain('30% → 56%');
    expect(t.honest).toContain('19.6 → 29.9 tokens');
    expect(t.honest).toContain('reflection 12% → 63%');
    expect(t.honest).toContain('aha 4% → 31%');
    // README's arm (a) table: the step-0 and last rows hold the numbers quoted (mean over seeds, first in each cell)
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('#### (a) R1-Zero (Countdown) from its base');
    expect(start, 'README lost the countdown arm (a) table').toBeGreaterThan(0);
    const rows = readme.slice(start).split('\n').filter((l) => /^\| \d+ \|/.test(l));
    const cells = (step: number) => rows.find((l) => l.startsWith(`| ${step} |`))!.split('|').slice(2, -1).map((c) => Number(c.trim().split(' ')[0]));
    const m = MEASURED_COUNTDOWN;
    // columns: greedy, sampled, length, length right, length wrong, reflection, aha, ...
    expect([cells(0)[0], cells(0)[2], cells(0)[5], cells(0)[6]]).toEqual([m.greedyFrom, m.lengthFrom, m.reflectionFrom, m.ahaFrom]);
    expect([cells(m.steps)[0], cells(m.steps)[2], cells(m.steps)[5], cells(m.steps)[6]]).toEqual([m.greedyTo, m.lengthTo, m.reflectionTo, m.ahaTo]);
    expect(readme.slice(start)).toContain(`${m.seeds} seed(s)`);
  });

  it('the honest line quotes README\'s measured default run, and README still says those numbers', () => {
    const t = introText(DEFAULT_CONFIG);
    expect(t.honest).toContain('31% → 47%');
    expect(t.honest).toContain('28.7 → 28.6 tokens');
    expect(t.honest).toContain('9% → 0%');
    const readme = measuredSection();
    const row = readme.split('\n').find((l) => l.startsWith('| **default**'));
    expect(row, 'README lost its default row').toBeDefined();
    const m = MEASURED;
    expect(row).toContain(`${m.greedyFrom} → **${m.greedyTo}`);
    expect(row).toContain(`${m.lengthFrom} → ${m.lengthTo}`);
    expect(row).toContain(`${m.reflectionFrom} → ${m.reflectionTo} |`);
    expect(readme).toContain(`--steps ${m.steps}`);
  });

  it('the chart help quotes the same README numbers (KL 0.056 at step 300, the lr 5e-4 collapse at KL 0.59)', () => {
    const readme = measuredSection();
    const arith = preset('R1-Zero (Arithmetic)');
    expect(chartHelp('kl', arith).good).toContain('0.056 after 300');
    expect(readme).toMatch(/\| 0\.056 \|/);
    expect(chartHelp('kl', arith).good).toContain('KL 0.59');
    expect(readme).toContain('KL 0.59');
    expect(chartHelp('length', arith).good).toContain('28.7 → 28.6');
  });
});

describe('dismissal', () => {
  const fake = (): IntroStorage & { data: Map<string, string> } => {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  };

  it('is remembered, and can be undone', () => {
    const s = fake();
    expect(introDismissed(s)).toBe(false);
    expect(rememberDismissed(s, true)).toBe(true);
    expect(s.data.get(INTRO_KEY)).toBe('1');
    expect(introDismissed(s)).toBe(true);
    rememberDismissed(s, false);
    expect(introDismissed(s)).toBe(false);
  });

  it('storage that is missing or throws shows the intro and does not throw', () => {
    const broken: IntroStorage = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(introDismissed(broken)).toBe(false);
    expect(rememberDismissed(broken, true)).toBe(false);
    expect(introDismissed(null)).toBe(false);
    expect(rememberDismissed(null, true)).toBe(false);
  });
});
