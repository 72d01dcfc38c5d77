// The exported ONNX file against the CPU reference: the same batch through
// onnxruntime-web's wasm backend (in Node) and through model/model.ts on
// cpu/backend.ts, every model variant, plus greedy decoding on both engines.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { mergeConfig, type RunConfig } from '../core/config';
import { TOK, VOCAB, VOCAB_SIZE, encode } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { generate } from '../model/generate';
import { createActivations, createModel, forward } from '../model/model';
import { buildParamTable, initParams } from '../model/params';
import { QUICK_CONFIG } from '../train/quick';
import { decodeCheckpoint } from './checkpoint';
import { exportOnnx, onnxFromCheckpoint, onnxUnsupportedReason, OnnxExportError } from './onnx';
import { fInt, readOnnxMetadata } from './onnx-proto';

ort.env.wasm.numThreads = 1;
const TOL = 1e-4; // atol and rtol

interface Policy { cfg: RunConfig; params: Float32Array; bias: Float32Array }

function cpuModel(p: Policy) {
  const ops = createCpuOps('f32');
  const model = createModel(ops, p.cfg);
  ops.write(model.params, p.params);
  ops.write(model.routerBias, p.bias);
  return { ops, model };
}

function cpuLogits(p: Policy, tokens: number[], B: number, T: number): Float32Array {
  const { ops, model } = cpuModel(p);
  const acts = createActivations(ops, model, B, T);
  ops.writeInt(acts.tokens, tokens);
  forward(ops, model, acts, 1);
  return Float32Array.from(acts.a.logits);
}

async function ortLogits(s: ort.InferenceSession, tokens: number[], B: number, T: number): Promise<Float32Array> {
  const out = await s.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [B, T]) });
  const l = out.logits!;
  expect(l.dims).toEqual([B, T, VOCAB_SIZE]);
  return l.data as Float32Array;
}

/** Largest |a - b|; fails where |a - b| > TOL + TOL * |ref|. */
function compare(name: string, ref: Float32Array, got: Float32Array): number {
  expect(got.length).toBe(ref.length);
  let max = 0;
  let bad = -1;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ref[i]! - got[i]!);
    if (!(d <= TOL + TOL * Math.abs(ref[i]!)) && bad < 0) bad = i;
    if (!(d <= max)) max = d;
  }
  console.log(`onnx parity ${name}: max |ort - cpu| = ${max.toExponential(2)} over ${ref.length} logits; first: cpu ${ref[0]!.toFixed(5)} ort ${got[0]!.toFixed(5)}`);
  expect(bad, bad >= 0 ? `logit ${bad}: cpu ${ref[bad]} ort ${got[bad]}` : '').toBe(-1);
  return max;
}

/** Seeded tokens, not all from the same few ids. */
function batch(B: number, T: number, salt: number): number[] {
  return Array.from({ length: B * T }, (_, i) => (i * 7 + salt * 13 + ((i * i) % 5)) % VOCAB_SIZE);
}

function randomPolicy(model: Partial<RunConfig['model']>, seed: number): Policy {
  // a large initStd so routing, attention and the experts are far from uniform
  const cfg = mergeConfig(QUICK_CONFIG, {
    seed,
    model: { dModel: 16, nLayers: 2, nHeads: 2, maxSeqLen: 12, nRouted: 4, topK: 2, dExpert: 8, initStd: 0.4, ...model },
  });
  const params = Float32Array.from(initParams(cfg));
  const E = cfg.model.nRouted;
  // a bias large enough to move selection away from the top scores (it must not change the gates)
  const bias = Float32Array.from({ length: cfg.model.nLayers * E }, (_, i) => (i % E === E - 1 ? 0.3 : -0.05 * (i % E)));
  return { cfg, params, bias };
}

/** Greedy decoding through ORT: the whole prefix each step, argmax (lowest id on ties) of the last position. */
async function ortGreedy(s: ort.InferenceSession, prompt: number[], maxNew: number, Tmax: number): Promise<number[]> {
  const seq = [...prompt];
  while (seq.length - prompt.length < maxNew && seq.length < Tmax) {
    const logits = await ortLogits(s, seq, 1, seq.length);
    const row = logits.subarray((seq.length - 1) * VOCAB_SIZE, seq.length * VOCAB_SIZE);
    let best = 0;
    for (let v = 1; v < VOCAB_SIZE; v++) if (row[v]! > row[best]!) best = v;
    seq.push(best);
    if (best === TOK.eos) break;
  }
  return seq.slice(prompt.length);
}

async function cpuGreedy(p: Policy, prompt: number[], maxNew: number): Promise<number[]> {
  const { ops, model } = cpuModel(p);
  const [out] = await generate(ops, model, [prompt], maxNew, { temperature: 0, topK: 0, seed: 0, stream: 0 });
  return out!;
}

describe('onnx export parity (onnxruntime-web wasm in Node vs CPU reference)', () => {
  const variants: Partial<RunConfig['model']>[] = [];
  for (const positions of ['rope', 'learned'] as const)
    for (const router of ['softmax', 'sigmoid'] as const)
      for (const ffn of ['swiglu', 'gelu'] as const)
        for (const nShared of [0, 1]) variants.push({ positions, router, ffn, nShared });
  variants.push({ nRouted: 3, topK: 1, nShared: 2 }, { nRouted: 3, topK: 3, nHeads: 4, nLayers: 1 });

  it.each(variants.map((v, i) => [JSON.stringify(v), v, i] as const))('%s', async (_, v, i) => {
    const p = randomPolicy(v, 100 + i);
    const s = await ort.InferenceSession.create(exportOnnx(p.cfg, p.params, p.bias), { executionProviders: ['wasm'] });
    // dynamic dims: two batch shapes through one session, one of them the longest sequence
    for (const [B, T] of [[3, 5], [1, p.cfg.model.maxSeqLen]] as const) {
      const toks = batch(B, T, i);
      compare(`${JSON.stringify(v)} B=${B} T=${T}`, cpuLogits(p, toks, B, T), await ortLogits(s, toks, B, T));
    }
  });

  it('the trained base-quick model: logits and greedy decoding agree', async () => {
    const ck = decodeCheckpoint(new Uint8Array(readFileSync('public/base-quick.safetensors')));
    const p: Policy = { cfg: ck.config, params: ck.params, bias: ck.routerBias };
    const bytes = exportOnnx(p.cfg, p.params, p.bias);
    console.log(`base-quick.onnx: ${bytes.length} bytes (${buildParamTable(p.cfg).count} parameters)`);
    expect(onnxFromCheckpoint(new Uint8Array(readFileSync('public/base-quick.safetensors')))).toEqual(bytes);
    const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const prompts = ['3+4=', '9+8=', '5+0='].map((q) => [TOK.bos, ...encode(q)]);
    const T = prompts[0]!.length;
    compare('base-quick', cpuLogits(p, prompts.flat(), prompts.length, T), await ortLogits(s, prompts.flat(), prompts.length, T));
    for (const prompt of prompts) {
      const ours = await cpuGreedy(p, prompt, 20);
      expect(ours.length).toBeGreaterThan(3);
      expect(await ortGreedy(s, prompt, 20, p.cfg.model.maxSeqLen)).toEqual(ours);
    }
  });

  it('a random model decodes greedily to the same tokens on both engines', async () => {
    const p = randomPolicy({ maxSeqLen: 16 }, 5);
    const s = await ort.InferenceSession.create(exportOnnx(p.cfg, p.params, p.bias), { executionProviders: ['wasm'] });
    const prompt = [TOK.bos, ...encode('12+7=')];
    const ours = await cpuGreedy(p, prompt, 10);
    expect(await ortGreedy(s, prompt, 10, 16)).toEqual(ours);
  });
});

describe('onnx export: the file and its refusals', () => {
  it('metadata_props carry the vocabulary and the RunConfig', () => {
    const p = randomPolicy({}, 1);
    const meta = readOnnxMetadata(exportOnnx(p.cfg, p.params, p.bias));
    expect(JSON.parse(meta.vocab!)).toEqual([...VOCAB]);
    expect(JSON.parse(meta.runConfig!)).toEqual(p.cfg);
    expect(meta.format).toBe('grpo-playground-policy');
  });

  it('protobuf varints: 150 and -1 as int64 (hand-encoded)', () => {
    expect([...fInt(1, 150)]).toEqual([0x08, 0x96, 0x01]);
    expect([...fInt(3, -1)]).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('refuses configs and buffers it cannot express, with the reason', () => {
    const p = randomPolicy({}, 2);
    const bad = (model: Partial<RunConfig['model']>) => mergeConfig(p.cfg, { model });
    expect(onnxUnsupportedReason(p.cfg)).toBeNull();
    expect(onnxUnsupportedReason(bad({ topK: 5 }))).toMatch(/topK = 5 exceeds nRouted = 4/);
    expect(onnxUnsupportedReason(bad({ nHeads: 3 }))).toMatch(/does not divide/);
    expect(onnxUnsupportedReason(bad({ dModel: 18, nHeads: 2, positions: 'rope' }))).toMatch(/even head size, got 9/);
    expect(onnxUnsupportedReason(bad({ ffn: 'relu' as never }))).toMatch(/ffn = relu has no ONNX form/);
    expect(() => exportOnnx(bad({ router: 'hash' as never }), p.params, p.bias)).toThrow(OnnxExportError);
    expect(() => exportOnnx(p.cfg, p.params.subarray(1), p.bias)).toThrow(/params has/);
    expect(() => exportOnnx(p.cfg, p.params, p.bias.subarray(1))).toThrow(/routerBias has 7 entries, needs L\*E = 8/);
    const nan = p.params.slice();
    nan[3] = NaN;
    expect(() => exportOnnx(p.cfg, nan, p.bias)).toThrow(/tensor wte holds a non-finite value at 3/);
  });
});
