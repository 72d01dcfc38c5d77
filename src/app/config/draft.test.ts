import { describe, expect, it } from 'vitest';
import { KNOBS, mergeConfig, preset, validateConfig } from '../../core/config';
import { QUICK_CONFIG } from '../../train/quick';
import { applyPlan, changedPaths, GROUP_ORDER, knobLabel, knobsByGroup, parseNumberText } from './draft';

const plan = (draft = QUICK_CONFIG) => applyPlan(QUICK_CONFIG, draft, validateConfig(draft).errors);

describe('config panel helpers', () => {
  it('groups every knob exactly once, in the panel order', () => {
    const groups = knobsByGroup();
    expect(groups.map((g) => g.group)).toEqual(['Task', 'Model', 'GRPO', 'Sampling', 'Base corpus', 'Seed']);
    expect(GROUP_ORDER.length).toBe(6);
    expect(groups.flatMap((g) => g.knobs.map((k) => k.path)).sort()).toEqual(KNOBS.map((k) => k.path).sort());
    expect(groups[0]!.knobs.map(knobLabel)).toEqual(['family', 'difficulty', 'heldOutPercent']);
    expect(groups[5]!.knobs.map(knobLabel)).toEqual(['seed']);
  });

  it('reads number text, leaving non-numbers NaN for the validator to name', () => {
    expect(parseNumberText(' 8 ')).toBe(8);
    expect(parseNumberText('1e-3')).toBe(0.001);
    expect(parseNumberText('')).toBeNaN();
    expect(parseNumberText('abc')).toBeNaN();
    expect(parseNumberText('2.5')).toBe(2.5);
  });

  it('lists changed knob paths; a NaN counts as changed', () => {
    expect(changedPaths(QUICK_CONFIG, QUICK_CONFIG)).toEqual([]);
    expect(changedPaths(QUICK_CONFIG, mergeConfig(QUICK_CONFIG, { seed: 8, grpo: { beta: 0.1 } }))).toEqual(['seed', 'grpo.beta']);
    expect(changedPaths(QUICK_CONFIG, mergeConfig(QUICK_CONFIG, { grpo: { lr: Number.NaN } }))).toEqual(['grpo.lr']);
  });

  it('plans nothing, live values, a reset, or a refusal with the validator messages', () => {
    expect(plan()).toEqual({ kind: 'none' });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { lr: 1e-3, epsHigh: 0.28 }, sampling: { temperature: 0.7 } }))).toEqual({
      kind: 'live', values: { 'grpo.epsHigh': 0.28, 'grpo.lr': 1e-3, 'sampling.temperature': 0.7 },
    });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { lr: 1e-3, groupSize: 4 } }))).toEqual({ kind: 'reset', nonLive: ['grpo.groupSize'] });
    // DAPO changes the loss type, dynamic sampling and overlong shaping: not live
    expect(plan(preset('DAPO', QUICK_CONFIG))).toEqual({ kind: 'reset', nonLive: ['grpo.lossType', 'grpo.dynamicSampling', 'grpo.overlongShaping'] });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { groupSize: 1 } }))).toEqual({
      kind: 'invalid', reasons: ['grpo.groupSize = 1: out of range, allowed [2, 64]'],
    });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { lr: Number.NaN } }))).toEqual({
      kind: 'invalid', reasons: ['grpo.lr = NaN: must be a finite number in [1e-7, 0.1]'],
    });
  });
});
