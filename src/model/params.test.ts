import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, estimateParamCount, mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { VOCAB_SIZE } from '../core/tokenizer';
import { buildParamTable, findTensor, initParams } from './params';

const variants: DeepPartial<RunConfig>[] = [
  {},
  { model: { positions: 'learned', ffn: 'gelu' } },
  { model: { dModel: 32, nLayers: 3, nHeads: 2, nShared: 0, nRouted: 8, topK: 3, dExpert: 16 } },
  { model: { dModel: 8, nLayers: 1, nHeads: 1, nShared: 2, nRouted: 1, topK: 1, dExpert: 4, positions: 'learned', maxSeqLen: 40 } },
];

describe('parameter table', () => {
  for (const v of variants) {
    it(`total equals estimateParamCount for ${JSON.stringify(v)}`, () => {
      const cfg = mergeConfig(DEFAULT_CONFIG, v);
      const table = buildParamTable(cfg);
      expect(table.total).toBe(estimateParamCount(cfg));
      // contiguous, in order, sizes = product of shapes
      let off = 0;
      for (const t of table.tensors) {
        expect(t.offset).toBe(off);
        expect(t.size).toBe(t.shape.reduce((a, b) => a * b, 1));
        off += t.size;
      }
      expect(off).toBe(table.total);
    });
  }

  it('lists the tensors of the default model by hand', () => {
    const table = buildParamTable(DEFAULT_CONFIG); // C=64, L=2, E=4, S=1, H=64, swiglu, rope
    expect(table.tensors.map((t) => t.name)).toEqual([
      'wte',
      'l0.ln1', 'l0.wqkv', 'l0.wproj', 'l0.ln2', 'l0.wRouter', 'l0.w1', 'l0.w3', 'l0.w2',
      'l1.ln1', 'l1.wqkv', 'l1.wproj', 'l1.ln2', 'l1.wRouter', 'l1.w1', 'l1.w3', 'l1.w2',
      'lnf',
    ]);
    expect(findTensor(table, 'wte').shape).toEqual([VOCAB_SIZE, 64]);
    expect(findTensor(table, 'l1.w2').shape).toEqual([5, 64, 64]);
    // 25*64 + 2 * (64 + 4*64*64 + 64 + 4*64 + 5*3*64*64) + 64
    expect(table.total).toBe(VOCAB_SIZE * 64 + 2 * (64 + 16384 + 64 + 256 + 61440) + 64);
    expect(findTensor(table, 'l0.ln1').decay).toBe(false);
    expect(findTensor(table, 'lnf').decay).toBe(false);
    expect(findTensor(table, 'wte').decay).toBe(true);
    expect(findTensor(table, 'l0.w1').decay).toBe(true);
    expect(() => findTensor(table, 'wpe')).toThrow(/known: wte/);
  });

  it('initialises by seed: ones for norms, initStd normals, residual outputs scaled by 1/sqrt(2L)', () => {
    const cfg = mergeConfig(DEFAULT_CONFIG, { model: { initStd: 0.1 } });
    const table = buildParamTable(cfg);
    const p = initParams(cfg, table);
    expect(Array.from(initParams(cfg, table))).toEqual(Array.from(p));
    const other = initParams({ ...cfg, seed: cfg.seed + 1 }, table);
    expect(other[0]).not.toBe(p[0]);
    const std = (name: string) => {
      const t = findTensor(table, name);
      let ss = 0;
      for (let i = 0; i < t.size; i++) ss += p[t.offset + i]! ** 2;
      return Math.sqrt(ss / t.size);
    };
    const ln = findTensor(table, 'l1.ln2');
    for (let i = 0; i < ln.size; i++) expect(p[ln.offset + i]).toBe(1);
    expect(std('l0.w1')).toBeGreaterThan(0.097);
    expect(std('l0.w1')).toBeLessThan(0.103); // 20480 draws: sd of the estimate ~0.0005
    expect(std('l0.w2')).toBeGreaterThan(0.05 * 0.97); // 0.1 / sqrt(2*2)
    expect(std('l0.w2')).toBeLessThan(0.05 * 1.03);
  });
});
