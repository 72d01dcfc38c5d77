// onnxruntime-web in a dedicated module worker: one InferenceSession at a
// time, WebGPU EP first, wasm when WebGPU is missing or its session fails.
// ORT's wasm binary is bundled and served by Vite (no CDN).
//
// ORT's multi-threaded wasm starts pthread workers from this same script
// (named 'em-pthread...'); they must not run our message handler, or they
// would answer requests meant for the main worker (ENVIRONMENT.md).

import * as ort from 'onnxruntime-web';
import type { Ep, OrtRequest, OrtResponse } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const isPthread = typeof self.name === 'string' && self.name.startsWith('em-pthread');

// Threads need SharedArrayBuffer (cross-origin isolation); otherwise one.
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

let session: ort.InferenceSession | null = null;

function post(msg: OrtResponse, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

async function create(model: Uint8Array, ep: Ep): Promise<ort.InferenceSession> {
  // logSeverityLevel 3 (errors only): ORT's native warnings ("Some nodes were not assigned to the
  // preferred execution providers") otherwise reach the page console as errors through emscripten's stderr.
  return ort.InferenceSession.create(model, { executionProviders: [ep], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

async function load(model: Uint8Array, prefer: Ep): Promise<{ ep: Ep; fallbackReason?: string }> {
  await session?.release();
  session = null;
  if (prefer === 'webgpu') {
    if (!('gpu' in navigator)) {
      session = await create(model, 'wasm');
      return { ep: 'wasm', fallbackReason: 'WebGPU is not available in this worker (navigator.gpu is missing)' };
    }
    try {
      session = await create(model, 'webgpu');
      return { ep: 'webgpu' };
    } catch (e) {
      session = await create(model, 'wasm');
      return { ep: 'wasm', fallbackReason: `the WebGPU session failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  session = await create(model, 'wasm');
  return { ep: 'wasm' };
}

async function run(tokens: Int32Array, B: number, T: number): Promise<{ logits: Float32Array; dims: number[]; ms: number }> {
  if (!session) throw new Error('no model loaded');
  const input = new ort.Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [B, T]);
  const t0 = performance.now();
  const out = await session.run({ tokens: input });
  const ms = performance.now() - t0;
  const l = out.logits;
  if (!l) throw new Error('the model has no output named "logits"');
  const logits = (await l.getData()) as Float32Array;
  return { logits: logits.slice(), dims: [...l.dims], ms };
}

async function handle(req: OrtRequest): Promise<void> {
  try {
    if (req.type === 'load') post({ type: 'loaded', id: req.id, ...(await load(new Uint8Array(req.model), req.prefer)) });
    else {
      const r = await run(req.tokens, req.B, req.T);
      post({ type: 'logits', id: req.id, ...r }, [r.logits.buffer]);
    }
  } catch (e) {
    post({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}

if (!isPthread) self.addEventListener('message', (e: MessageEvent<OrtRequest>) => void handle(e.data));
