import { describe, expect, it } from 'vitest';
import { fmt, fractionTop, pct } from './format';

describe('fmt', () => {
  it.each([
    [0, '0'],
    [0.4213, '0.421'],
    [0.5, '0.5'],
    [-0.0125, '-0.013'],
    [12.345, '12.3'],
    [412.6, '413'],
    [12345.4, '12,345'],
    [3.24e-5, '3.2e-5'],
    [1e-5, '1e-5'],
    [-0.005, '-5e-3'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('%s -> %s', (v, s) => expect(fmt(v)).toBe(s));
});

describe('pct', () => {
  it.each([
    [0, '0%'],
    [0.4213, '42%'],
    [1, '100%'],
    [0.004, '0.4%'],
    [0.25, '25%'],
  ])('%s -> %s', (v, s) => expect(pct(v)).toBe(s));
});

describe('fractionTop', () => {
  it('picks an axis top whose quarters are whole percents', () => {
    expect(fractionTop(0)).toBe(0.04);
    expect(fractionTop(0.09)).toBe(0.2);
    expect(fractionTop(0.08)).toBe(0.08);
    expect(fractionTop(0.5)).toBe(0.8);
    expect(fractionTop(1)).toBe(1);
    expect(fractionTop(1.2)).toBe(1.2);
    for (const top of [0.04, 0.08, 0.2, 0.4, 0.8, 1]) for (let q = 1; q <= 4; q++) expect(pct((top * q) / 4)).toMatch(/^\d+%$/);
  });
});
