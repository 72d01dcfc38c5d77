import { describe, expect, it } from 'vitest';
import { preset } from '../../core/config';
import { QUICK_CONFIG } from '../../train/quick';
import { parseShown, seedPlan } from './runner';

describe('experiment runner (the parts without a worker)', () => {
  it('Run 3 seeds of a config: its own seed and the next two, the same config otherwise, named after its preset', () => {
    const { title, plan } = seedPlan(QUICK_CONFIG, 2);
    expect(plan.map((p) => [p.arm, p.config.seed, p.steps])).toEqual([['this config', 7, 2], ['this config', 8, 2], ['this config', 9, 2]]);
    expect(plan.every((p) => JSON.stringify({ ...p.config, seed: 0 }) === JSON.stringify({ ...QUICK_CONFIG, seed: 0 }))).toBe(true);
    expect(title).toBe('this config, 3 seeds');
    expect(seedPlan(preset('R1-Zero (Countdown)'), 150).plan[0]!.arm).toBe('R1-Zero (Countdown)');
  });

  it('reads back only a well-formed stored experiment', () => {
    const good = { title: 'T', band: 't95', arms: [{ label: 'T = 1', ids: ['a', 'b'] }] };
    expect(parseShown(JSON.stringify(good))).toEqual(good);
    const withRef = { ...good, references: [{ chart: 'heldout', y: 0.572, label: 'distilled' }] };
    expect(parseShown(JSON.stringify(withRef))).toEqual(withRef);
    expect(parseShown(JSON.stringify({ ...good, references: [{ chart: 'heldout', y: 'x', label: 'distilled' }] }))).toBeNull();
    expect(parseShown(JSON.stringify({ ...good, references: {} }))).toBeNull();
    for (const bad of [null, '', '{', '[]', JSON.stringify({ ...good, band: 'x' }), JSON.stringify({ ...good, arms: [{ label: 1, ids: [] }] }),
      JSON.stringify({ ...good, arms: [{ label: 'a', ids: [3] }] })]) {
      expect(parseShown(bad), String(bad)).toBeNull();
    }
  });
});
