import { describe, expect, it } from 'vitest';
import { cloneConfig, DEFAULT_CONFIG, mergeConfig, preset, PRESET_NAMES } from './config';
import {
  changedKnobs, changedPaths, closestReference, comparedName, diffFrom, diffLines, diffName, knobName, knobValue, referenceName, sameOn,
} from './configDiff';

const BASE = mergeConfig(DEFAULT_CONFIG, { seed: 7, task: { family: 'add', difficulty: 1 }, grpo: { lossType: 'grpo', beta: 0, lr: 3e-3 } });

describe('changed knobs', () => {
  it('lists what differs, in the table order, and nothing for equal configs', () => {
    const b = cloneConfig(DEFAULT_CONFIG);
    b.grpo.lr = 1e-3;
    b.model.nLayers = 3;
    expect(changedKnobs(DEFAULT_CONFIG, b).map((k) => k.path)).toEqual(['model.nLayers', 'grpo.lr']);
    expect(changedPaths(BASE, cloneConfig(BASE))).toEqual([]);
    expect(changedPaths(BASE, mergeConfig(BASE, { seed: 8, grpo: { beta: 0.1 } }))).toEqual(['seed', 'grpo.beta']);
  });

  it('NaN (a half-typed draft) differs from a number and equals only NaN', () => {
    const nan = mergeConfig(BASE, { grpo: { lr: Number.NaN } });
    expect(changedPaths(BASE, nan)).toEqual(['grpo.lr']);
    expect(changedPaths(nan, structuredClone(nan))).toEqual([]);
  });

  it('sameOn compares only the given knobs', () => {
    const other = mergeConfig(BASE, { seed: 9, model: { dModel: 48 } });
    expect(sameOn(BASE, other, ['grpo.beta', 'task.family'])).toBe(true);
    expect(sameOn(BASE, other, ['grpo.beta', 'model.dModel'])).toBe(false);
  });

  it('diffFrom writes what differs from a partial table, knobs the table lacks, and the always-written ones', () => {
    const table = JSON.parse(JSON.stringify(BASE)) as { grpo: Record<string, unknown> };
    delete table.grpo.epsHigh; // a knob added after the table was frozen
    const d = diffFrom(mergeConfig(BASE, { grpo: { beta: 0.04 } }), table, ['seed']);
    expect(d).toEqual({ seed: 7, 'grpo.beta': 0.04, 'grpo.epsHigh': BASE.grpo.epsHigh });
  });
});

describe('run names', () => {
  it('name a knob by its symbol, its field, or its group when the field is ambiguous', () => {
    expect(knobName('grpo.beta')).toBe('β');
    expect(knobName('grpo.mu')).toBe('μ');
    expect(knobName('grpo.lossType')).toBe('lossType');
    expect(knobName('model.topK')).toBe('model.topK');
    expect(knobName('sampling.topK')).toBe('sampling.topK');
    expect(knobName('seed')).toBe('seed');
  });

  it('show values short: small numbers in exponent form, float noise trimmed, booleans on/off', () => {
    expect(knobValue(0.04)).toBe('0.04');
    expect(knobValue(3e-4)).toBe('3e-4');
    expect(knobValue(0.1 + 0.2)).toBe('0.3');
    expect(knobValue(0.003)).toBe('0.003');
    expect(knobValue(0)).toBe('0');
    expect(knobValue(true)).toBe('on');
    expect(knobValue('dr_grpo')).toBe('dr_grpo');
  });

  it('a run beside another is named by what differs from it (issue 18: two runs read alike in the Runs list)', () => {
    const dr = mergeConfig(BASE, { grpo: { lossType: 'dr_grpo', beta: 0.04 } });
    expect(comparedName(dr, BASE)).toBe('β=0.04, lossType=dr_grpo');
    expect(comparedName(BASE, dr)).toBe('β=0, lossType=grpo');
    expect(comparedName(cloneConfig(BASE), BASE)).toBe('same config');
    expect(diffLines(dr, BASE)).toEqual(['β=0.04 (was 0)', 'lossType=dr_grpo (was grpo)']);
  });

  it('a long difference shows the first few and counts the rest', () => {
    const far = mergeConfig(BASE, { seed: 1, model: { dModel: 32, nLayers: 1 }, grpo: { beta: 0.1, lr: 1e-4 } });
    expect(diffName(far, BASE)).toBe('seed=1, dModel=32, nLayers=1, +2 more');
    expect(diffName(far, BASE, 10)).toBe('seed=1, dModel=32, nLayers=1, β=0.1, lr=1e-4');
  });

  it('a run alone is named from its closest reference: the preset it matches, or the nearest one and what differs', () => {
    const refs = PRESET_NAMES.map((name) => ({ name, config: preset(name) }));
    const dr = preset('Dr. GRPO');
    expect(referenceName(dr, refs)).toBe('Dr. GRPO');
    const drBeta = mergeConfig(dr, { grpo: { beta: 0.04 } });
    expect(closestReference(drBeta, refs).name).toBe('Dr. GRPO');
    expect(referenceName(drBeta, refs)).toBe('Dr. GRPO · β=0.04');
    expect(() => closestReference(dr, [])).toThrow(/no reference/);
  });
});
