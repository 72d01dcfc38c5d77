// A REAL module Worker in Chromium with WebGPU: the plumbing from the client
// through postMessage, parseCommand and the session to the GPU backend and
// back. A short pretraining: this checks the wiring, not learning.

import { afterAll, describe, expect, it } from 'vitest';
import { mergeConfig } from '../core/config';
import { createTrainerClient } from './client';
import type { TrainerEvent } from './protocol';
import { QUICK_CONFIG } from './quick';

const CFG = mergeConfig(QUICK_CONFIG, { corpus: { pretrainSteps: 4 }, grpo: { evalEvery: 10000 } });

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const client = createTrainerClient(worker);
const events: TrainerEvent[] = [];
for (const t of ['status', 'metrics', 'samples', 'error', 'checkpoint'] as const) client.on(t, (e) => events.push(e));

afterAll(() => {
  client.close();
  worker.terminate();
});

describe('trainer worker in Chromium', () => {
  it('init on WebGPU, step(2) -> two metrics events and the samples; a malformed message -> error, worker still alive', async () => {
    const ready = client.next('status', (e) => e.state === 'ready' || e.state === 'idle');
    client.send({ type: 'init', config: CFG, prefer: 'webgpu' }); // WebGPU even on a software adapter, where 'auto' takes the CPU
    const st = await ready;
    if (st.backend !== 'webgpu') throw new Error(`expected the WebGPU backend, got ${st.backend}: ${st.backendLabel}; errors: ${JSON.stringify(events.filter((e) => e.type === 'error'))}`);
    expect(st.state).toBe('ready');
    expect(st.backendLabel.length).toBeGreaterThan(0);
    expect(st.backendLabel).not.toMatch(/CPU fallback/);

    const paused = client.next('status', (e) => e.state === 'paused');
    client.send({ type: 'step', n: 2 });
    expect(await paused).toMatchObject({ step: 2, backend: 'webgpu' });
    const metrics = events.flatMap((e) => (e.type === 'metrics' ? [e.metrics] : []));
    expect(metrics.map((m) => m.step)).toEqual([0, 1]);
    for (const m of metrics) {
      expect(Number.isFinite(m.reward)).toBe(true);
      expect(Number.isFinite(m.loss)).toBe(true);
      expect(Number.isFinite(m.gradNorm)).toBe(true);
      expect(m.expertLoad.length).toBe(CFG.model.nLayers);
    }
    const samples = events.flatMap((e) => (e.type === 'samples' ? [e] : []));
    expect(samples.map((e) => e.step)).toEqual([0, 1]);
    const s0 = samples[0]!.samples;
    expect(s0.length).toBe(CFG.grpo.batchPrompts * CFG.grpo.groupSize);
    expect(s0[0]!.tokens).toBeInstanceOf(Int32Array); // typed arrays survive the worker boundary
    expect(s0[0]!.logpOld.length).toBe(s0[0]!.tokens.length);

    const err = client.next('error');
    worker.postMessage({ type: 'step', v: 1, n: 'lots' }, []);
    const e = await err;
    expect(e.recoverable).toBe(true);
    expect(e.message).toMatch(/command step: field "n" must be an integer/);

    // still alive: it answers the next command, and the checkpoint's buffers arrive transferred
    const ck = client.next('checkpoint');
    client.send({ type: 'exportCheckpoint' });
    const c = await ck;
    expect(c.step).toBe(2);
    const params = new Float32Array(c.params);
    expect(params.length).toBeGreaterThan(1000);
    expect(params.every(Number.isFinite)).toBe(true);
  });
});
