// setEngine: the run moves to another engine between two steps and goes on
// where it was. Two CPU engines stand in for WebGPU and the CPU here: the
// harness maps 'cpu' to the WebAssembly SIMD engine and anything else to
// the JavaScript reference, so a switch changes the engine (and its label)
// for real; their steps agree to rounding (train/engines.test.ts).

import { describe, expect, it } from 'vitest';
import { createBackend } from '../../model/backend';
import type { GrpoMetrics } from '../grpo';
import { CFG, directSteps, harness, useBase } from './testing';

useBase();

const twoEngines = () => harness({
  createBackend: (cfg, prefer) => createBackend(cfg, { prefer: 'cpu', cpuEngine: prefer === 'cpu' ? 'wasm' : 'js' }),
});

/** Same sampled completions (reward, lengths) and the float metrics within rounding. */
function sameStep(got: GrpoMetrics, want: GrpoMetrics): void {
  expect(got.step).toBe(want.step);
  expect(got.reward).toBe(want.reward);
  expect(got.completionLength).toEqual(want.completionLength);
  for (const k of ['loss', 'kl', 'entropy', 'gradNorm'] as const) expect(Math.abs(got[k] - want[k]), k).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want[k]));
}

describe('setEngine', () => {
  it('while paused: the run moves at its step, the charts are not reset, and the next steps are the ones it would have taken', async () => {
    const h = twoEngines();
    await h.initWithBase();
    await h.send({ type: 'step', n: 2 });
    await h.session.idle();
    const before = h.events.length;
    expect(h.of('status').at(-1)!.backendLabel).toBe('CPU fallback: the CPU backend was chosen'); // the reference engine
    await h.send({ type: 'setEngine', prefer: 'cpu' });
    await h.session.idle();
    const st = h.of('status').slice(-2);
    // said at the step it was at (not 0: the page would take it for a reset), then paused there on the new engine
    expect(st.map((e) => `${e.state}@${e.step}`)).toEqual(['pretraining@2', 'paused@2']);
    expect(st[0]!.message).toBe('moving the run at step 2 to the CPU engine');
    expect(h.events.slice(before).filter((e) => e.type === 'error')).toEqual([]);
    expect(st[1]!.backendLabel).toBe('CPU (WebAssembly SIMD): the CPU backend was chosen');
    await h.send({ type: 'step', n: 2 });
    await h.session.idle();
    const steps = h.of('metrics').map((e) => e.metrics);
    expect(steps.map((m) => m.step)).toEqual([0, 1, 2, 3]);
    const direct = await directSteps(CFG, 4);
    for (let i = 0; i < 4; i++) sameStep(steps[i]!, direct[i]!);
  });

  it('while playing: it keeps playing on the new engine, no step lost or repeated', async () => {
    const h = twoEngines();
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    await h.send({ type: 'setEngine', prefer: 'cpu' });
    const at = h.of('metrics').length;
    await h.until(() => h.of('metrics').length >= at + 2);
    await h.send({ type: 'pause' });
    await h.session.idle();
    const steps = h.of('metrics').map((e) => e.metrics.step);
    expect(steps).toEqual(steps.map((_, i) => i));
    expect(h.of('status').some((e) => e.message.startsWith('moving the run at step'))).toBe(true);
  });

  it('is refused before init, and a bad preference is named', async () => {
    const h = twoEngines();
    await h.send({ type: 'setEngine', prefer: 'cpu' });
    await h.send({ type: 'setEngine', prefer: 'tpu' });
    await h.session.idle();
    expect(h.of('error').map((e) => e.message)).toEqual([
      'setEngine: no model yet: send init first',
      expect.stringMatching(/command setEngine: field "prefer" must be "auto", "webgpu" or "cpu", got "tpu"/),
    ]);
  });
});
