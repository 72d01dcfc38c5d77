// Moving a run to another engine (setEngine): between two steps, the run's
// state (weights, Adam moments, step) is read and the run re-inits from it on
// the engine the preference picks, as recovery.ts restores a lost device.
// Steps are deterministic in the step index, so the run goes on where it
// was; a playing run keeps playing. If the new engine cannot be had (a
// config too big for the GPU), the run comes back on the engine it left.

import { cloneConfig } from '../../core/config';
import { PROTOCOL_VERSION as v, type EnginePreference, type InitCommand } from '../protocol';
import { readState } from './checkpoint';
import { Cancelled, error, message, withRun, type Core, type Run } from './core';
import { onGpuError } from './recovery';
import { init } from './run';

const ENGINE_WORDS: Record<EnginePreference, string> = { auto: 'the faster engine here', webgpu: 'WebGPU', cpu: 'the CPU engine' };

export function setEngine(c: Core, prefer: EnginePreference): Promise<void> {
  return withRun(c, 'setEngine', async (r) => {
    const state = await readState(r);
    if (!state.params.every(Number.isFinite)) throw new Error(`the weights at step ${state.step} are not finite: nothing to move`);
    const at = { step: state.step, message: `moving the run at step ${state.step} to ${ENGINE_WORDS[prefer]}` };
    const back: EnginePreference = r.backend.kind === 'webgpu' ? 'webgpu' : 'cpu';
    try {
      await reinit(c, r, prefer, state, at);
    } catch (e) {
      if (e instanceof Cancelled) return; // an init sent meanwhile replaces the run anyway
      error(c, `setEngine: ${message(e)}; the run stays on ${r.backend.label}`, true);
      await reinit(c, r, back, state, { step: state.step, message: `back to ${r.backend.label}` });
    }
  });
}

async function reinit(c: Core, r: Run, prefer: EnginePreference, resume: Awaited<ReturnType<typeof readState>>, at: { step: number; message: string }): Promise<void> {
  const cmd: InitCommand = { type: 'init', v, config: cloneConfig(r.cfg), weights: { params: r.base.params, routerBias: r.base.routerBias }, resume, prefer };
  c.inits++; // a play sent meanwhile waits for the new run
  try {
    await init(c, cmd, c.generation, onGpuError, at);
  } finally {
    c.inits--;
  }
}
