// Messages between the page (client.ts) and the onnxruntime-web worker
// (worker.ts). Every request carries an id; the worker answers it once, with
// its result or an error.

export type Ep = 'webgpu' | 'wasm';

export type OrtRequest =
  /** model is the .onnx bytes (transferred); prefer 'webgpu' tries WebGPU first and falls back to wasm. */
  | { type: 'load'; id: number; model: ArrayBuffer; prefer: Ep }
  /** tokens is (B,T) row-major. */
  | { type: 'run'; id: number; tokens: Int32Array; B: number; T: number };

export type OrtResponse =
  | { type: 'loaded'; id: number; ep: Ep; fallbackReason?: string }
  /** logits is (B,T,V); ms is the wall time of session.run alone (the benchmark hook). */
  | { type: 'logits'; id: number; logits: Float32Array; dims: number[]; ms: number }
  | { type: 'error'; id: number; message: string };
