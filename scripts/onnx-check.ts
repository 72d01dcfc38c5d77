// Exports a seeded random model of each variant to ONNX and runs it in
// onnxruntime-web's wasm backend (Node) beside the CPU reference: prints the
// file size and the largest logit difference. `tsx scripts/onnx-check.ts [out.onnx]`
// also writes the QUICK_CONFIG base model's file for use outside the app.
import { writeFileSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { mergeConfig } from '../src/core/config';
import { QUICK_CONFIG } from '../src/train/quick';
import { createCpuOps } from '../src/cpu/backend';
import { createActivations, createModel, forward } from '../src/model/model';
import { initParams } from '../src/model/params';
import { exportOnnx } from '../src/share/onnx';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { VOCAB_SIZE } from '../src/core/tokenizer';

ort.env.wasm.numThreads = 1;

async function check(name: string, cfg: typeof QUICK_CONFIG, params: Float32Array, bias: Float32Array) {
  const ops = createCpuOps('f32');
  const model = createModel(ops, cfg);
  ops.write(model.params, params);
  ops.write(model.routerBias, bias);
  const B = 2, T = 7;
  const toks = Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % VOCAB_SIZE);
  const acts = createActivations(ops, model, B, T);
  ops.writeInt(acts.tokens, toks);
  forward(ops, model, acts, 1);
  const ours = acts.a.logits as Float32Array;
  const bytes = exportOnnx(cfg, params, bias);
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const out = await s.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(toks.map(BigInt)), [B, T]) });
  const theirs = out.logits!.data as Float32Array;
  let max = 0;
  for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i]! - theirs[i]!));
  console.log(name, bytes.length, 'bytes; max |diff|', max.toExponential(2));
  return bytes;
}

for (const positions of ['rope', 'learned'] as const) {
  for (const router of ['softmax', 'sigmoid'] as const) {
    const cfg = mergeConfig(QUICK_CONFIG, { model: { positions, router, initStd: 0.3 } });
    const p = Float32Array.from(initParams(cfg));
    const bias = Float32Array.from({ length: cfg.model.nLayers * cfg.model.nRouted }, (_, i) => 0.1 * i);
    await check(`${positions}/${router}`, cfg, p, bias);
  }
}
const ck = decodeCheckpoint(new Uint8Array(readFileSync('public/base-quick.safetensors')));
const bytes = await check('base-quick', ck.config, ck.params, ck.routerBias);
if (process.argv[2]) writeFileSync(process.argv[2], bytes);
