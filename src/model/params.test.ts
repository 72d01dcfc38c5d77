import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, type DeepPartial, type RunConfig } from '../core/config';
import { estimateParamCount } from '../core/validate';
import { VOCAB_SIZE } from '../core/tokenizer';
import { buildParamTable, initParams, PARAM_ALIGN, type ParamTable, type ParamTensor } from './params';

/** The tensor called name; throws with the known names when absent. */
function findTensor(table: ParamTable, name: string): ParamTensor {
  const t = table.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`no parameter tensor ${JSON.stringify(name)}; known: ${table.tensors.map((x) => x.name).join(', ')}`);
  return t;
}

const variants: DeepPartial<RunConfig>[] = [
  {},
  { model: { positions: 'learned', ffn: 'gelu' } },
  { model: { dModel: 32, nLayers: 3, nHeads: 2, nShared: 0, nRouted: 8, topK: 3, dExpert: 16 } },
  { model: { dModel: 8, nLayers: 1, nHeads: 1, nShared: 2, nRouted: 1, topK: 1, dExpert: 4, positions: 'learned', maxSeqLen: 40 } },
];

describe('parameter table', () => {
  for (const v of variants) {
    it(`count equals estimateParamCount, tensors packed at ${PARAM_ALIGN}-element boundaries, for ${JSON.stringify(v)}`, () => {
      const cfg = mergeConfig(DEFAULT_CONFIG, v);
      const table = buildParamTable(cfg);
      expect(table.count).toBe(estimateParamCount(cfg));
      // in order, each at the first aligned offset after the previous one; sizes = product of shapes
      let off = 0;
      let count = 0;
      for (const t of table.tensors) {
        expect(t.offset).toBe(Math.ceil(off / 64) * 64);
        expect(t.size).toBe(t.shape.reduce((a, b) => a * b, 1));
        off = t.offset + t.size;
        count += t.size;
      }
      expect(count).toBe(table.count);
      expect(table.total).toBe(Math.ceil(off / 64) * 64);
      expect(table.total - table.count).toBeLessThan(64 * table.tensors.length);
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
    expect(table.count).toBe(VOCAB_SIZE * 64 + 2 * (64 + 16384 + 64 + 256 + 61440) + 64);
    // with C = 64 every size is already a multiple of 64: no gaps
    expect(table.total).toBe(table.count);
    expect(findTensor(table, 'l0.ln1').offset).toBe(VOCAB_SIZE * 64);
    expect(PARAM_ALIGN).toBe(64);
    expect(findTensor(table, 'l0.ln1').decay).toBe(false);
    expect(findTensor(table, 'lnf').decay).toBe(false);
    expect(findTensor(table, 'wte').decay).toBe(true);
    expect(findTensor(table, 'l0.w1').decay).toBe(true);
    expect(() => findTensor(table, 'wpe')).toThrow(/known: wte/);
  });

  it('pads small tensors to 64 elements and leaves the gaps zero', () => {
    // C=8, L=1, E=1, S=2, H=4, learned positions (maxSeqLen 40), swiglu:
    // wte 25*8=200 -> next at 256; wpe 40*8=320 -> 576; ln1 8 -> 640; wqkv 24*8=192 -> 832;
    // wproj 64 -> 896; ln2 8 -> 960; wRouter 8 -> 1024; w1 3*4*8=96 at 1024 -> 1152; w3 96 -> 1280;
    // w2 96 at 1280 -> 1408; lnf 8 at 1408, end 1416 -> total 1472.
    const cfg = mergeConfig(DEFAULT_CONFIG, variants[3]!);
    const table = buildParamTable(cfg);
    expect(table.tensors.map((t) => [t.name, t.offset])).toEqual([
      ['wte', 0], ['wpe', 256], ['l0.ln1', 576], ['l0.wqkv', 640], ['l0.wproj', 832], ['l0.ln2', 896],
      ['l0.wRouter', 960], ['l0.w1', 1024], ['l0.w3', 1152], ['l0.w2', 1280], ['lnf', 1408],
    ]);
    expect(table.total).toBe(1472);
    expect(table.count).toBe(200 + 320 + 8 + 192 + 64 + 8 + 8 + 96 + 96 + 96 + 8);
    const p = initParams(cfg, table);
    expect(p.length).toBe(1472);
    for (let i = 200; i < 256; i++) expect(p[i]).toBe(0);
    for (let i = 1416; i < 1472; i++) expect(p[i]).toBe(0);
    expect(p[1408]).toBe(1); // lnf starts where the table says
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
