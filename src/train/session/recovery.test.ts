// GPU errors on a stand-in GPU backend: a lost device recovered from the
// in-memory checkpoint (paused and playing), other errors named and paused.

import { describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../model/backend';
import { GpuError } from '../../gpu/runtime';
import { CFG, directSteps, harness, strip, useBase } from './testing';

useBase();

/**
 * A stand-in for a WebGPU backend on the CPU ops: destroy() loses the device
 * as a real one does (device.lost resolves later; the runtime tells its
 * subscribers), and a test can raise any GpuError through the subscribers.
 */
function fakeGpuBackends() {
  const made: { raise(e: GpuError): void; destroyed: boolean }[] = [];
  const createBackend = async (): Promise<Backend> => {
    const cpu = await createCpuBackend();
    const listeners = new Set<(e: GpuError) => void>();
    const dev = {
      destroyed: false,
      raise: (e: GpuError) => listeners.forEach((fn) => fn(e)),
    };
    const device = {
      destroy() {
        dev.destroyed = true;
        setTimeout(() => dev.raise(new GpuError('GPU device lost (destroyed): Device was destroyed.', 'lost')), 0);
      },
    };
    made.push(dev);
    const gpu = { device, subscribe: (fn: (e: GpuError) => void) => (listeners.add(fn), () => void listeners.delete(fn)) };
    return { ...cpu, kind: 'webgpu', gpu, label: `fake GPU ${made.length}` } as unknown as Backend;
  };
  return { made, createBackend };
}
const createCpuBackend = () => createBackend(CFG, { prefer: 'cpu', cpuEngine: 'js' }); // the reference engine, as directSteps uses

describe('faults: GPU errors and a lost device', () => {
  it('a lost device while paused: a new device, the in-memory checkpoint restored, the steps since redone (same metrics), back where it was', async () => {
    const fake = fakeGpuBackends();
    const h = harness({ faults: true, snapshotEvery: 2, createBackend: fake.createBackend });
    await h.initWithBase();
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    await h.send({ type: 'fault', kind: 'lose-device' });
    await h.until(() => h.of('recovered').length === 1);
    await h.session.idle();
    expect(fake.made.map((d) => d.destroyed)).toEqual([true, false]);
    const rec = h.of('recovered')[0]!;
    expect(rec).toMatchObject({ lostAt: 3, step: 2, redone: 1 });
    expect(rec.message).toBe('GPU device lost at step 3; restored the checkpoint of step 2 on a new device (fake GPU 2); 1 step redone');
    // the restore said "pretraining" at the lost step (not 0: the page must not take it for a reset), then paused at the checkpoint
    const st = h.of('status').map((e) => `${e.state}@${e.step}`);
    expect(st).toContain('pretraining@3');
    expect(st).toContain('paused@2');
    expect(st.at(-1)).toBe('paused@3');
    const steps = h.of('metrics').map((e) => e.metrics);
    expect(steps.map((m) => m.step)).toEqual([0, 1, 2, 2]);
    expect(strip(steps[3]!)).toEqual(strip(steps[2]!)); // the redone step is the same step
    expect(h.of('error')).toEqual([]);
    expect(h.session.state).toBe('paused');
  }, 30_000);

  it('a lost device while playing: recovered, the redone steps equal the trainer driven directly, and it plays on', async () => {
    const fake = fakeGpuBackends();
    const h = harness({ faults: true, snapshotEvery: 2, createBackend: fake.createBackend });
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 3);
    await h.send({ type: 'fault', kind: 'lose-device' });
    await h.until(() => h.of('recovered').length === 1);
    const rec = h.of('recovered')[0]!;
    await h.until(() => h.of('metrics').some((e) => e.metrics.step > rec.lostAt)); // back where it was, and on
    await h.send({ type: 'pause' });
    await h.session.idle();
    expect(rec.step % 2).toBe(0);
    expect(rec.redone).toBe(rec.lostAt - rec.step);
    const ms = h.of('metrics').map((e) => e.metrics);
    const want = await directSteps(CFG, Math.max(...ms.map((m) => m.step)) + 1);
    for (const m of ms) expect(strip(m)).toEqual(strip(want[m.step]!));
    expect(h.of('error')).toEqual([]);
  }, 60_000);

  it('an out-of-memory error is named with what the session was doing, and pauses it', async () => {
    const fake = fakeGpuBackends();
    const h = harness({ faults: true, createBackend: fake.createBackend });
    await h.initWithBase();
    fake.made[0]!.raise(new GpuError('WebGPU out-of-memory error: injected', 'out-of-memory'));
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('error')[0]!.message).toBe('GPU out of memory while idle at step 0: WebGPU out-of-memory error: injected');
    expect(h.of('error')[0]!.recoverable).toBe(true);
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    fake.made[0]!.raise(new GpuError('WebGPU validation error: injected', 'validation'));
    await h.session.idle();
    expect(h.of('error')[1]!.message).toMatch(/^GPU validation error while (taking GRPO step|evaluating after step|keeping the checkpoint of step|idle at step) \d+: WebGPU validation error: injected$/);
    expect(h.session.state).toBe('paused');
  }, 30_000);
});
