// The distilled dense student is a model like any other (issue 17 item 3):
// the shipped student base, distilled a few SFT steps from the shipped
// teacher by the app's distill stage, saves as a checkpoint (safetensors)
// that reads back bit for bit, and exports to ONNX whose logits and greedy
// decoding match the CPU reference.

import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { mergeConfig, preset, type RunConfig } from '../core/config';
import { TOK, VOCAB_SIZE, encode } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { generate } from '../model/generate';
import { createActivations, createModel, forward } from '../model/model';
import { distillStage } from '../train/pipeline';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import { exportOnnx } from './onnx';

ort.env.wasm.numThreads = 1;
const read = (f: string) => decodeCheckpoint(new Uint8Array(readFileSync(`public/${f}`)));

describe('the distilled dense student', () => {
  it('distils from the shipped teacher, saves as safetensors and exports to ONNX with the reference\'s logits and greedy tokens', async () => {
    const student = read('student-countdown-dense.safetensors');
    const t = read('teacher-countdown-grpo60.safetensors');
    // the preset's model is the student file's (the app loads it as the base) and not the teacher's
    const cfg: RunConfig = mergeConfig(preset('Distilled student (Countdown)'), { seed: 1, pipeline: { rejectionPrompts: 8, rejectionSamples: 2, distillSteps: 3 } });
    expect(cfg.model).toEqual(student.config.model);
    expect(cfg.model).not.toEqual(t.config.model);
    const ops = createCpuOps('f32');
    const model = createModel(ops, cfg);
    ops.write(model.params, student.params);
    ops.write(model.routerBias, student.routerBias);
    const r = await distillStage(ops, createCpuDecodeOps(), model, { name: 'teacher-countdown-grpo60', config: t.config, params: t.params, routerBias: t.routerBias });
    expect(r.teacher!.parameters).toBeGreaterThan(5 * model.table.count);
    expect(r.rejection!.kept).toBeGreaterThan(0);
    expect(r.sft.steps).toBe(3);
    const params = Float32Array.from(await ops.read(model.params));
    const bias = Float32Array.from(await ops.read(model.routerBias));
    expect(params).not.toEqual(student.params);

    const ck = decodeCheckpoint(encodeCheckpoint(cfg, params, bias, { step: 0, stats: {} }));
    expect(ck.config).toEqual(cfg);
    expect(ck.params).toEqual(params);
    expect(ck.routerBias).toEqual(bias);

    const s = await ort.InferenceSession.create(exportOnnx(cfg, params, bias), { executionProviders: ['wasm'] });
    const prompt = [TOK.bos, ...encode('7;1;1=5')];
    const acts = createActivations(ops, model, 1, prompt.length);
    ops.writeInt(acts.tokens, prompt);
    forward(ops, model, acts, 1);
    const ref = Float32Array.from(acts.a.logits as Float32Array);
    const out = await s.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]) });
    const got = out.logits!.data as Float32Array;
    expect(got.length).toBe(prompt.length * VOCAB_SIZE);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!), `logit ${i}`).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(ref[i]!));
    // greedy through ORT (the whole prefix each step) against the reference's decoder
    const [ours] = await generate(ops, model, [prompt], 12, { temperature: 0, topK: 0, seed: 0, stream: 0 });
    const seq = [...prompt];
    while (seq.length - prompt.length < ours!.length) {
      const l = (await s.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(seq.map(BigInt)), [1, seq.length]) })).logits!.data as Float32Array;
      const row = l.subarray((seq.length - 1) * VOCAB_SIZE);
      let best = 0;
      for (let v = 1; v < VOCAB_SIZE; v++) if (row[v]! > row[best]!) best = v;
      seq.push(best);
    }
    expect(seq.slice(prompt.length)).toEqual(ours);
    expect(ours!.length).toBeGreaterThan(3);
  }, 60_000);
});
