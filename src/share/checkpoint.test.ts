import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeConfig, type RunConfig } from '../core/config';
import { Rng } from '../core/rng';
import { VOCAB_SIZE } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { createModel } from '../model/model';
import { buildParamTable, initParams } from '../model/params';
import { createEvaluator, evaluate } from '../train/evaluate';
import { QUICK_CONFIG } from '../train/quick';
import { CHECKPOINT_FORMAT, CheckpointError, decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { readSafetensors, writeSafetensors, type Tensor } from './safetensors';

// learned positions and GELU: a table with wpe and without w3, unlike QUICK_CONFIG's
const CFG: RunConfig = mergeConfig(QUICK_CONFIG, { seed: 5, model: { nLayers: 2, positions: 'learned', ffn: 'gelu', nRouted: 3 } });

function randomModel(cfg: RunConfig) {
  const params = Float32Array.from(initParams(cfg)); // (table.total), gaps zero
  const rng = new Rng(11, 0xc4e);
  const routerBias = Float32Array.from({ length: cfg.model.nLayers * cfg.model.nRouted }, () => rng.normal()); // (L,E)
  return { params, routerBias };
}

const stats = { heldOutAccuracy: 0.25, reflectionRate: 0.125, ahaRate: 0.0625 };

/** Re-writes a checkpoint file after edit() changes its tensors or metadata. */
function tamper(bytes: Uint8Array, edit: (t: Map<string, Tensor>, m: Record<string, string>) => void): Uint8Array {
  const f = readSafetensors(bytes);
  edit(f.tensors, f.metadata);
  return writeSafetensors(f.tensors, f.metadata);
}

function expectReject(bytes: Uint8Array, message: RegExp): void {
  expect(() => decodeCheckpoint(bytes)).toThrow(CheckpointError);
  expect(() => decodeCheckpoint(bytes)).toThrow(message);
}

describe('checkpoint', () => {
  const { params, routerBias } = randomModel(CFG);
  const bytes = encodeCheckpoint(CFG, params, routerBias, { step: 100, stats });

  it('round-trips a random model: config, padded params, router bias, step, stats, corpus mix', () => {
    const ck = decodeCheckpoint(bytes);
    expect(ck.config).toEqual(CFG);
    expect(ck.params).toEqual(params);
    expect(ck.routerBias).toEqual(routerBias);
    expect(ck.meta).toEqual({ step: 100, stats });
    expect(ck.corpusMix).toEqual({ direct: 0.3, stepwise: 0.4, slip: 0.15, corrected: 0.15 });
  });

  it('stores each table tensor unpadded under its name, readable by any safetensors reader', () => {
    const f = readSafetensors(bytes);
    const table = buildParamTable(CFG);
    const C = 32, X = 1 + 3, H = 32;
    expect([...f.tensors.keys()]).toEqual([
      'wte', 'wpe',
      ...[0, 1].flatMap((l) => [`l${l}.ln1`, `l${l}.wqkv`, `l${l}.wproj`, `l${l}.ln2`, `l${l}.wRouter`, `l${l}.w1`, `l${l}.w2`]),
      'lnf', 'routerBias',
    ]);
    expect(f.tensors.get('wte')!.shape).toEqual([VOCAB_SIZE, C]);
    expect(f.tensors.get('wpe')!.shape).toEqual([48, C]);
    expect(f.tensors.get('l1.w2')!.shape).toEqual([X, C, H]);
    expect(f.tensors.get('routerBias')!.shape).toEqual([2, 3]);
    // values come from the tensor's own offset (not a neighbour's), and the file holds exactly count + L*E floats
    const w1 = table.tensors.find((t) => t.name === 'l1.w1')!;
    expect(f.tensors.get('l1.w1')!.data).toEqual(params.subarray(w1.offset, w1.offset + w1.size));
    expect(f.tensors.get('lnf')!.data).toEqual(new Float32Array(C).fill(1));
    const floats = [...f.tensors.values()].reduce((a, t) => a + t.data.length, 0);
    expect(floats).toBe(table.count + 6);
    expect(table.total).toBeGreaterThan(table.count); // so the padding really is dropped
    expect(f.metadata.format).toBe(CHECKPOINT_FORMAT);
    expect(JSON.parse(f.metadata.runConfig!)).toEqual(CFG);
    expect(JSON.parse(f.metadata.stats!)).toEqual(stats);
    expect(f.metadata.step).toBe('100');
  });

  it('refuses to encode wrong-sized buffers and NaN weights', () => {
    expect(() => encodeCheckpoint(CFG, params.subarray(1), routerBias, { step: 0, stats })).toThrow(/params has \d+ entries, the table of this config needs/);
    expect(() => encodeCheckpoint(CFG, params, new Float32Array(5), { step: 0, stats })).toThrow(/routerBias has 5 entries, needs L\*E = 6/);
    const bad = params.slice();
    bad[0] = NaN;
    expect(() => encodeCheckpoint(CFG, bad, routerBias, { step: 0, stats })).toThrow(/"wte" holds NaN at index 0/);
  });

  it('rejects a missing tensor, a wrong shape, an extra tensor, naming it', () => {
    expectReject(tamper(bytes, (t) => t.delete('l1.wproj')), /tensor "l1.wproj" \(shape \[32,32\]\) is missing/);
    expectReject(tamper(bytes, (t) => t.delete('routerBias')), /tensor "routerBias" \(shape \[2,3\]\) is missing/);
    expectReject(
      tamper(bytes, (t) => t.set('l0.wRouter', { ...t.get('l0.wRouter')!, shape: [32, 3] })),
      /tensor "l0.wRouter" has shape \[32,3\], the config needs \[3,32\]/,
    );
    expectReject(tamper(bytes, (t) => t.set('l0.w3', { dtype: 'F32', shape: [1], data: new Float32Array(1) })), /unexpected tensor "l0.w3"/);
    expectReject(tamper(bytes, (t) => t.set('lnf', { dtype: 'I32', shape: [32], data: new Int32Array(32) })), /tensor "lnf" is I32, expected F32/);
  });

  it('rejects a bad or mismatched config, naming the field', () => {
    const withConfig = (c: unknown) => tamper(bytes, (_, m) => { m.runConfig = JSON.stringify(c); });
    expectReject(withConfig({ ...CFG, model: { ...CFG.model, dModel: 'wide' } }), /runConfig: model\.dModel: /);
    expectReject(withConfig({ ...CFG, model: { ...CFG.model, nHeads: 3 } }), /runConfig: model\.nHeads/);
    expectReject(withConfig([1]), /"runConfig" must be a JSON object/);
    // a valid config whose model is not the stored one fails at the first tensor that differs
    expectReject(withConfig({ ...CFG, model: { ...CFG.model, dModel: 16, nHeads: 2 } }), /tensor "wte" has shape \[\d+,32\], the config needs \[\d+,16\]/);
    expectReject(withConfig({ ...CFG, corpus: { ...CFG.corpus, corrected: 0 } }), /corpusMix.corrected = 0.15 disagrees with runConfig corpus.corrected = 0/);
    expectReject(tamper(bytes, (_, m) => { m.runConfig = '{"seed":'; }), /metadata "runConfig" is not JSON/);
    expectReject(tamper(bytes, (_, m) => { delete m.runConfig; }), /metadata lacks "runConfig"/);
  });

  it('rejects other formats, versions, and bad step or stats', () => {
    expectReject(tamper(bytes, (_, m) => { m.format = 'other'; }), /"format" is "other"/);
    expectReject(tamper(bytes, (_, m) => { m.formatVersion = '2'; }), /format version "2" is not supported \(this build reads 1\)/);
    expectReject(tamper(bytes, (_, m) => { m.step = '-3'; }), /"step" "-3" must be an integer >= 0/);
    expectReject(tamper(bytes, (_, m) => { m.stats = '[1]'; }), /"stats" must be a JSON object/);
  });

  it('a checkpoint of QUICK_CONFIG (RoPE, SwiGLU) round-trips too', () => {
    const q = randomModel(QUICK_CONFIG);
    const ck = decodeCheckpoint(encodeCheckpoint(QUICK_CONFIG, q.params, q.routerBias, { step: 0, stats: {} }));
    expect(ck.config).toEqual(QUICK_CONFIG);
    expect(ck.params).toEqual(q.params);
  });
});

describe('the shipped public/base-quick.safetensors', () => {
  it('is QUICK_CONFIG pretrained, and its weights reproduce the held-out numbers stored with them', async () => {
    const ck = decodeCheckpoint(new Uint8Array(readFileSync(new URL('../../public/base-quick.safetensors', import.meta.url))));
    // a stale file (QUICK_CONFIG changed since) fails here: rerun `npm run pretrain -- --quick`
    expect(ck.config, 'QUICK_CONFIG changed since the file was made: rerun `npm run pretrain -- --quick`').toEqual(QUICK_CONFIG);
    expect(ck.meta.step).toBe(QUICK_CONFIG.corpus.pretrainSteps);
    const ops = createCpuOps('f32');
    const model = createModel(ops, ck.config);
    ops.write(model.params, ck.params);
    ops.write(model.routerBias, ck.routerBias);
    const res = await evaluate(createEvaluator(ops, createCpuDecodeOps(), model), model);
    const s = ck.meta.stats as { heldOutAccuracy: number; sampledPass1: number; greedy: { reflectionRate: number } };
    const stale = 'evaluation changed since the file was made: rerun `npm run pretrain -- --quick`';
    expect(res.greedy.accuracy, stale).toBeCloseTo(s.heldOutAccuracy, 4);
    expect(res.sampled.accuracy, stale).toBeCloseTo(s.sampledPass1, 4);
    expect(res.greedy.aha.reflection, stale).toBeCloseTo(s.greedy.reflectionRate, 4);
    // room for GRPO: neither near 0 nor near 1
    expect(s.heldOutAccuracy).toBeGreaterThan(0.05);
    expect(s.heldOutAccuracy).toBeLessThan(0.9);
  });
});
