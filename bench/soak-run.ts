// The soak (issue 9): the trainer session exactly as the worker hosts it, but
// in this page so its GPU calls can be watched: QUICK_CONFIG from the shipped
// base, N GRPO steps, every event reduced into the app's real store (so the
// store's rings -- HISTORY_STEPS samples, AHA_FEED_MAX aha items -- are in the
// heap as they are in the app). Every `reportEvery` steps it records:
//   gpuLiveBytes  bytes of GPUBuffers created and not destroyed (the arena plus
//                 anything leaked), counted by wrapping GPUDevice.createBuffer
//                 and GPUBuffer.destroy -- gpu/runtime.ts is not touched;
//   buffersMade   GPUBuffers created so far (flat once warm: readback staging is pooled);
//   heapBytes     performance.memory.usedJSHeapSize (Chromium; after a GC when
//                 the page was started with --js-flags=--expose-gc).
// Used by scripts/soak.ts (npm run soak, hundreds of steps) and by
// src/train/soak.browser.test.ts (the short version in the suite).

import { useStore, reduceEvent } from '../src/app/store';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { PROTOCOL_VERSION as v, type TrainerEvent } from '../src/train/protocol';
import { QUICK_CONFIG } from '../src/train/quick';
import { createSession } from '../src/train/session';

export interface SoakPoint {
  step: number;
  gpuLiveBytes: number;
  gpuLiveBuffers: number;
  buffersMade: number;
  heapBytes: number | null;
  ms: number;
}

export interface SoakResult {
  steps: number;
  backend: string;
  points: SoakPoint[];
  errors: string[];
}

interface Counters { liveBytes: number; liveBuffers: number; made: number }

/** Wraps createBuffer/destroy once per page; returns the live counters. */
function watchBuffers(): Counters {
  const w = globalThis as unknown as { __soakCounters?: Counters };
  if (w.__soakCounters) return w.__soakCounters;
  const c: Counters = { liveBytes: 0, liveBuffers: 0, made: 0 };
  const sizes = new WeakMap<GPUBuffer, number>();
  const create = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, desc: GPUBufferDescriptor): GPUBuffer {
    const b = create.call(this, desc);
    sizes.set(b, desc.size);
    c.liveBytes += desc.size;
    c.liveBuffers++;
    c.made++;
    return b;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer): undefined {
    const n = sizes.get(this);
    if (n !== undefined) {
      sizes.delete(this); // destroying twice frees once
      c.liveBytes -= n;
      c.liveBuffers--;
    }
    return destroy.call(this);
  };
  w.__soakCounters = c;
  return c;
}

function heapBytes(): number | null {
  (globalThis as unknown as { gc?: () => void }).gc?.();
  const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize : null;
}

export async function runSoak(opts: { steps: number; reportEvery: number; baseUrl: string; onLine?: (s: string) => void }): Promise<SoakResult> {
  const counters = watchBuffers();
  const errors: string[] = [];
  const res = await fetch(opts.baseUrl);
  if (!res.ok) throw new Error(`soak: fetching ${opts.baseUrl}: HTTP ${res.status}`);
  const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));

  let waiting: { want: (e: TrainerEvent) => boolean; resolve: (e: TrainerEvent) => void } | null = null;
  const session = createSession((e) => {
    useStore.setState((s) => reduceEvent(s, e));
    if (e.type === 'error') errors.push(`step ${e.step}: ${e.message}`);
    if (waiting?.want(e)) (waiting.resolve(e), (waiting = null));
  });
  const next = (want: (e: TrainerEvent) => boolean) => new Promise<TrainerEvent>((resolve) => (waiting = { want, resolve }));
  const settled = (e: TrainerEvent) => e.type === 'error' || (e.type === 'status' && (e.state === 'ready' || e.state === 'paused' || e.state === 'error'));

  const ready = next(settled);
  void session.handle({ type: 'init', v, config: QUICK_CONFIG, weights: { params: ck.params, routerBias: ck.routerBias }, prefer: 'webgpu' }); // the GPU's memory is what the soak watches: WebGPU even on a software adapter
  const st = await ready;
  if (st.type !== 'status' || st.state === 'error') throw new Error(`soak: init failed: ${JSON.stringify(st)}`);
  const backend = `${st.backend}: ${st.backendLabel}`;

  const points: SoakPoint[] = [];
  const t0 = performance.now();
  const mark = (step: number) => {
    points.push({ step, gpuLiveBytes: counters.liveBytes, gpuLiveBuffers: counters.liveBuffers, buffersMade: counters.made, heapBytes: heapBytes(), ms: performance.now() - t0 });
    const p = points.at(-1)!;
    opts.onLine?.(`step ${step}: GPU ${(p.gpuLiveBytes / 2 ** 20).toFixed(3)} MiB in ${p.gpuLiveBuffers} buffers (${p.buffersMade} made), heap ${p.heapBytes === null ? 'n/a' : `${(p.heapBytes / 2 ** 20).toFixed(1)} MiB`}, ${(p.ms / 1000).toFixed(0)} s`);
  };
  mark(0);
  for (let done = 0; done < opts.steps && errors.length === 0;) {
    const n = Math.min(opts.reportEvery, opts.steps - done);
    const paused = next(settled);
    void session.handle({ type: 'step', v, n });
    const e = await paused;
    if (e.type === 'error' || (e.type === 'status' && e.state === 'error')) {
      errors.push(`stopped: ${JSON.stringify(e).slice(0, 300)}`);
      break;
    }
    done += n;
    mark(done);
  }
  await session.handle({ type: 'reset', v }); // a reset must not leak the run's buffers either
  await session.idle();
  mark(-1);
  return { steps: opts.steps, backend, points, errors };
}
