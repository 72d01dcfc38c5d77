import { describe, expect, it } from 'vitest';
import type { ScaleRewards } from '../../core/config';
import { groupAdvantages } from '../../rl/grpo';
import type { GrpoSample } from '../../train/grpo';
import { advantageText, groupFormula, groupStats } from './advantage';

const G = 4;
const REWARDS = [1, 0, 0, 1.1, /* group 1: all equal */ 0.1, 0.1, 0.1, 0.1];
function samples(scale: ScaleRewards): GrpoSample[] {
  const adv = groupAdvantages(REWARDS, G, scale, 1e-4); // what the worker reports
  return REWARDS.map((total, i) => ({ group: Math.floor(i / G), reward: { total }, advantage: adv[i]! } as unknown as GrpoSample));
}
/** The number the text computes, read back: (R - mean) / denom. */
const recompute = (text: string) => {
  const m = /^A = \(?([\d.]+) − ([\d.]+)\)?(?: \/ ([\d.]+))? = /.exec(text);
  if (!m) throw new Error(`no formula in ${text}`);
  return (Number(m[1]) - Number(m[2])) / (m[3] ? Number(m[3]) : 1);
};

describe('advantage text', () => {
  for (const scale of ['group', 'batch', 'none'] as const) {
    it(`${scale}: the written-out formula gives the worker's advantage (to the digits shown)`, () => {
      const s = samples(scale);
      const g = groupStats(s, [0, 1, 2, 3], scale);
      expect(g.mean).toBeCloseTo(0.525, 12);
      expect(g.constant).toBe(false);
      for (let i = 0; i < G; i++) {
        const t = advantageText(s[i]!.reward.total, g, s[i]!.advantage);
        expect(recompute(t), t).toBeCloseTo(s[i]!.advantage, 2);
        expect(t.endsWith(s[i]!.advantage > 0 ? `= +${s[i]!.advantage.toPrecision(3)}` : `= ${s[i]!.advantage.toPrecision(3)}`), t).toBe(true);
      }
    });
  }

  it('names the divisor the run uses', () => {
    expect(groupFormula(groupStats(samples('group'), [0, 1, 2, 3], 'group'))).toBe('A = (R − 0.525) / 0.608') // sqrt(1.1075 / 3);
    expect(groupFormula(groupStats(samples('batch'), [0, 1, 2, 3], 'batch'))).toMatch(/^A = \(R − 0.525\) \/ 0.4\d\d$/);
    expect(groupFormula(groupStats(samples('none'), [0, 1, 2, 3], 'none'))).toBe('A = R − 0.525');
    expect(groupStats(samples('batch'), [0, 1, 2, 3], 'batch').denomLabel).toBe('batch std');
  });

  it('a group of equal rewards says why every A is 0', () => {
    const s = samples('group');
    const g = groupStats(s, [4, 5, 6, 7], 'group');
    expect(g.constant).toBe(true);
    expect(g.std).toBe(0);
    expect(groupFormula(g)).toBe('A = 0 for all: every reward is equal');
    expect(advantageText(0.1, g, s[4]!.advantage)).toBe('A = 0');
  });
});
