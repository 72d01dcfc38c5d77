// onnxruntime-web in its worker (WebGPU EP and wasm EP) against our WGSL
// forward pass on the same exported model and batch: logits within 1e-4
// (atol + rtol), greedy decoding identical, and the timing hook (printed,
// not asserted: SwiftShader here says nothing about a real GPU).
import { afterAll, describe, expect, it } from 'vitest';
import { mergeConfig, type RunConfig } from '../core/config';
import { TOK, VOCAB_SIZE, encode } from '../core/tokenizer';
import { createGpuOps } from '../gpu/backend';
import { assertClose, testRuntime } from '../gpu/testing';
import { generate } from '../model/generate';
import { createActivations, createModel, forward } from '../model/model';
import { initParams } from '../model/params';
import { decodeCheckpoint } from '../share/checkpoint';
import { exportOnnx } from '../share/onnx';
import { QUICK_CONFIG } from '../train/quick';
import { createOrtClient, startOrtWorker, type Ep } from './client';

interface Policy { name: string; cfg: RunConfig; params: Float32Array; bias: Float32Array }

async function randomPolicy(): Promise<Policy> {
  const cfg = mergeConfig(QUICK_CONFIG, { seed: 3, model: { dModel: 16, nLayers: 2, nHeads: 2, maxSeqLen: 16, nRouted: 4, topK: 2, dExpert: 8, initStd: 0.4, positions: 'learned', router: 'sigmoid' } });
  const bias = Float32Array.from({ length: 8 }, (_, i) => (i % 4 === 3 ? 0.3 : -0.05 * (i % 4)));
  return { name: 'random (learned, sigmoid)', cfg, params: Float32Array.from(initParams(cfg)), bias };
}

async function trainedPolicy(): Promise<Policy> {
  const res = await fetch('/base-quick.safetensors');
  if (!res.ok) throw new Error(`base-quick.safetensors: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const ck = decodeCheckpoint(bytes);
  return { name: 'base-quick (rope, softmax)', cfg: ck.config, params: ck.params, bias: ck.routerBias };
}

async function ours(p: Policy) {
  const ops = createGpuOps(await testRuntime());
  const model = createModel(ops, p.cfg);
  ops.write(model.params, p.params);
  ops.write(model.routerBias, p.bias);
  return {
    /** (B,T,V) logits and the wall time of forward + readback. */
    async logits(rows: number[][]) {
      const B = rows.length, T = rows[0]!.length;
      const acts = createActivations(ops, model, B, T);
      ops.writeInt(acts.tokens, rows.flat());
      const t0 = performance.now();
      forward(ops, model, acts, 1);
      const l = await ops.read(acts.a.logits);
      return { logits: Float32Array.from(l), ms: performance.now() - t0 };
    },
    async greedy(prompt: number[], maxNew: number) {
      const [out] = await generate(ops, model, [prompt], maxNew, { temperature: 0, topK: 0, seed: 0, stream: 0 });
      return out!;
    },
  };
}

const worker = startOrtWorker();
const ort = createOrtClient(worker);
afterAll(() => {
  ort.close();
  worker.terminate();
});

const prompts = ['3+4=', '9+8=', '5+0='].map((q) => [TOK.bos, ...encode(q)]);

describe.each(['webgpu', 'wasm'] as Ep[])('onnxruntime-web %s EP vs our WGSL forward', (ep) => {
  it.each([['random', randomPolicy], ['trained', trainedPolicy]] as const)('%s model: logits, greedy, timing', async (_, make) => {
    const p = await make();
    const bytes = exportOnnx(p.cfg, p.params, p.bias);
    const loaded = await ort.load(bytes, ep);
    console.log(`${p.name}: ${bytes.length} bytes, EP ${loaded.ep}${loaded.fallbackReason ? ` (fallback: ${loaded.fallbackReason})` : ''}`);
    // WebGPU is required here: a silent fallback would test wasm twice
    expect(loaded).toEqual({ ep });
    const wgsl = await ours(p);
    const a = await wgsl.logits(prompts);
    const b = await ort.run(prompts);
    expect(b.dims).toEqual([prompts.length, prompts[0]!.length, VOCAB_SIZE]);
    const r = assertClose(`${ep} ${p.name} ort vs wgsl logits`, b.logits, a.logits, 1e-4, 1e-4);
    expect(r.violations).toBe(0);
    for (const prompt of prompts.slice(0, 2)) {
      expect(await ort.greedy(prompt, 12, p.cfg.model.maxSeqLen)).toEqual(await wgsl.greedy(prompt, 12));
    }
    // the benchmark hook: same model and batch, median of 5 after a warm-up
    const times = { ours: [] as number[], ort: [] as number[] };
    for (let i = 0; i < 6; i++) {
      const x = await wgsl.logits(prompts);
      const y = await ort.run(prompts);
      if (i > 0) (times.ours.push(x.ms), times.ort.push(y.ms));
    }
    const med = (v: number[]) => [...v].sort((s, t) => s - t)[2]!.toFixed(2);
    console.log(`timing ${ep} ${p.name} B=${prompts.length} T=${prompts[0]!.length}: WGSL forward+read ${med(times.ours)} ms, ORT session.run ${med(times.ort)} ms`);
  });
});
