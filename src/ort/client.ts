// The page's side of the onnxruntime-web worker: load an .onnx file, run a
// batch, decode greedily. Requests are answered in order by id.

import { TOK, VOCAB_SIZE } from '../core/tokenizer';
import type { Ep, OrtRequest, OrtResponse } from './protocol';

export type { Ep };

/** The part of Worker the client uses. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

export interface OrtLoaded {
  ep: Ep;
  /** Set when WebGPU was asked for and wasm runs instead: why. */
  fallbackReason?: string;
}

export interface OrtLogits {
  logits: Float32Array; // (B,T,V)
  dims: number[];
  /** Wall time of session.run in the worker (ms), for the benchmark. */
  ms: number;
}

export interface OrtClient {
  load(model: Uint8Array, prefer?: Ep): Promise<OrtLoaded>;
  /** tokens are B rows of equal length T. */
  run(tokens: readonly (readonly number[])[]): Promise<OrtLogits>;
  /**
   * Greedy decoding (argmax, lowest id on ties) from prompt, up to maxNew tokens or <eos> or maxLen; returns the new tokens.
   * onToken(n) is called after the n-th new token (a progress readout: each is one session.run).
   */
  greedy(prompt: readonly number[], maxNew: number, maxLen: number, onToken?: (n: number) => void): Promise<number[]>;
  close(): void;
}

/** The module worker, bundled by Vite. */
export function startOrtWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'ort' });
}

export function createOrtClient(worker: WorkerLike): OrtClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: OrtResponse) => void; reject: (e: Error) => void }>();
  const onMessage = (m: MessageEvent<OrtResponse>) => {
    const p = pending.get(m.data.id);
    if (!p) return;
    pending.delete(m.data.id);
    if (m.data.type === 'error') p.reject(new Error(`onnxruntime-web: ${m.data.message}`));
    else p.resolve(m.data);
  };
  worker.addEventListener('message', onMessage);
  const ask = (req: OrtRequest, transfer: Transferable[] = []) =>
    new Promise<OrtResponse>((resolve, reject) => {
      pending.set(req.id, { resolve, reject });
      worker.postMessage(req, transfer);
    });

  const run = async (tokens: readonly (readonly number[])[]): Promise<OrtLogits> => {
    const B = tokens.length, T = tokens[0]?.length ?? 0;
    if (B < 1 || T < 1 || tokens.some((r) => r.length !== T)) throw new RangeError('ort run: need B >= 1 rows of one length T >= 1');
    const flat = Int32Array.from(tokens.flat()); // (B,T)
    const r = await ask({ type: 'run', id: nextId++, tokens: flat, B, T }, [flat.buffer]);
    if (r.type !== 'logits') throw new Error(`ort run: unexpected ${r.type}`);
    return { logits: r.logits, dims: r.dims, ms: r.ms };
  };

  return {
    async load(model, prefer = 'webgpu') {
      const copy = model.slice(); // the transfer empties it; keep the caller's bytes
      const r = await ask({ type: 'load', id: nextId++, model: copy.buffer, prefer }, [copy.buffer]);
      if (r.type !== 'loaded') throw new Error(`ort load: unexpected ${r.type}`);
      return r.fallbackReason === undefined ? { ep: r.ep } : { ep: r.ep, fallbackReason: r.fallbackReason };
    },
    run,
    async greedy(prompt, maxNew, maxLen, onToken) {
      const seq = [...prompt];
      while (seq.length - prompt.length < maxNew && seq.length < maxLen) {
        const { logits } = await run([seq]);
        const row = (seq.length - 1) * VOCAB_SIZE;
        let best = 0;
        for (let v = 1; v < VOCAB_SIZE; v++) if (logits[row + v]! > logits[row + best]!) best = v;
        seq.push(best);
        onToken?.(seq.length - prompt.length);
        if (best === TOK.eos) break;
      }
      return seq.slice(prompt.length);
    },
    close() {
      worker.removeEventListener('message', onMessage);
      for (const p of pending.values()) p.reject(new Error('ort client closed'));
      pending.clear();
    },
  };
}
