import { describe, expect, it } from 'vitest';
import { mergeConfig, preset, type RunConfig } from '../../core/config';
import { classifyAha } from '../../rl/aha';
import type { Expected } from '../../tasks/judge';
import { QUICK_CONFIG } from '../../train/quick';
import { ahaTerms, CHART_IDS, chartHelp } from './chartHelp';

const countdown = preset('R1-Zero (Countdown)');
// the arithmetic default until issue 13, whose README numbers the help quotes
const ARITH = preset('R1-Zero (Arithmetic)');

describe('chartHelp', () => {
  it('says what every chart shows and what good looks like, for both task kinds', () => {
    for (const c of [ARITH, QUICK_CONFIG, countdown]) {
      for (const id of CHART_IDS) {
        const h = chartHelp(id, c);
        expect(h.shows.length, id).toBeGreaterThan(40);
        expect(h.good.length, id).toBeGreaterThan(20);
        expect(`${h.shows} ${h.good} ${h.flat ?? ''}`, id).not.toMatch(/undefined|NaN/);
      }
    }
  });

  it('with R1\'s stages: every chart says what its stage lines mark, KL what the rejection SFT does to it; the reward names the consistency penalty', () => {
    const r1 = preset('R1 (four stages, Countdown)');
    for (const id of CHART_IDS) {
      expect(chartHelp(id, countdown).stages, id).toBeNull();
      expect(chartHelp(id, r1).stages, id).toBe('The vertical lines mark this run\'s stages: the cold start (SFT on search traces) before step 0: step 0 is already the cold-started policy; '
        + 'the rejection stage (sampling, then SFT on the kept traces) between steps 74 and 75. No stage takes a GRPO step.'
        + (id === 'kl' ? ' KL stays measured against the policy at step 0, so after the rejection stage it includes what that SFT moved.' : ''));
    }
    expect(chartHelp('reward', mergeConfig(countdown, { pipeline: { coldStartSteps: 4 } })).stages).not.toContain('rejection');
    expect(chartHelp('heldout', preset('Distilled student (Countdown)')).stages).toBe('The vertical lines mark this run\'s stages: '
      + 'the distillation (SFT on teacher-countdown-grpo60\'s right answers) before step 0: step 0 is already the distilled student. No stage takes a GRPO step.');
    expect(chartHelp('reward', r1).shows).toContain('− 0.1 × the share of the thought\'s claims that are false or unreadable (the consistency penalty');
    expect(chartHelp('reward', countdown).shows).not.toContain('consistency');
  });

  it('explains a flat KL only when beta is 0, and a flat clip ratio only when mu is 1', () => {
    expect(QUICK_CONFIG.grpo.beta).toBe(0);
    expect(chartHelp('kl', QUICK_CONFIG).flat).toMatch(/β = 0.*stays at 0/);
    expect(chartHelp('kl', ARITH).flat).toBeNull(); // β = 0.001
    expect(chartHelp('clip', ARITH).flat).toMatch(/μ = 1.*π\/π_old = 1.*nothing is clipped/);
    const mu2 = mergeConfig(ARITH, { grpo: { mu: 2 } });
    expect(chartHelp('clip', mu2).flat).toBeNull();
    expect(chartHelp('policyLoss', mu2).flat).toBeNull();
  });

  it('names the run\'s own numbers (B x G, the length cap, the held-out size)', () => {
    const g = QUICK_CONFIG.grpo;
    expect(chartHelp('reward', QUICK_CONFIG).shows).toContain(`${g.batchPrompts} prompts × ${g.groupSize}`);
    expect(chartHelp('length', QUICK_CONFIG).shows).toContain(`${g.maxCompletionLength} tokens`);
    expect(chartHelp('heldout', QUICK_CONFIG).shows).toContain(`${g.heldOutSize} problems`);
  });

  it('fits the task kind: countdown examples and length growth, arithmetic README numbers', () => {
    expect(chartHelp('reward', countdown).shows).toContain('3;5;7=5');
    expect(chartHelp('length', countdown).flat).toBeNull();
    expect(chartHelp('length', ARITH).flat).toMatch(/arithmetic/);
    expect(chartHelp('aha', ARITH).good).toContain('9% → 0');
  });

  it('says the aha lines stay at 0 when the base corpus never writes <wait>', () => {
    const noCorrect = mergeConfig(ARITH, { corpus: { corrected: 0 } });
    expect(chartHelp('aha', noCorrect).flat).toMatch(/corpus.corrected = 0/);
    expect(chartHelp('aha', ARITH).flat).not.toMatch(/corpus/);
    const noSearch = mergeConfig(countdown, { corpus: { search: 0, searchWrong: 0 } });
    expect(chartHelp('aha', noSearch).flat).toMatch(/corpus.search/);
  });

  it('the Dr. GRPO preset (token-level loss) does not claim a policy loss of exactly 0', () => {
    const c = preset('Dr. GRPO');
    expect(chartHelp('policyLoss', c).flat).toMatch(/near 0/);
    expect(chartHelp('policyLoss', ARITH).flat).toMatch(/exactly 0/);
  });
});

describe('ahaTerms', () => {
  it('defines the four classes, each with an example in the run\'s task kind', () => {
    // what a right answer must be: 47+85 = 132; countdown 3;5;7 reaching 5
    const cases: [RunConfig, Expected][] = [
      [ARITH, 132],
      [countdown, { family: 'countdown', difficulty: 1, operands: [3, 5, 7], answer: 5 }],
    ];
    for (const [c, expected] of cases) {
      const t = ahaTerms(c);
      expect(t.map((x) => x.key)).toEqual(['reflection', 'aha', 'verification', 'overthinking']);
      for (const x of t) {
        // the example is what the detector says: run it through rl/aha.ts
        const m = /^on (\S+): thinks (\S+), answers (\S+)/.exec(x.example);
        expect(m, x.example).not.toBeNull();
        const r = classifyAha(`<think>${m![2]}</think><answer>${m![3]}</answer><eos>`, expected);
        expect(r.reflection, x.example).toBe(true);
        const classes = (['aha', 'verification', 'overthinking'] as const).filter((k) => r[k]);
        expect(classes, x.example).toEqual(x.key === 'reflection' ? [] : [x.key]);
      }
    }
  });
});
