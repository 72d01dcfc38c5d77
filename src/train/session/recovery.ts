// GPU errors. Out of memory, validation or internal errors are named with
// what the session was doing, and pause it.
//
// A lost GPU device is survived: the session keeps its last good checkpoint
// in memory (checkpoint.ts), acquires a new device, re-inits from it
// (weights, Adam state, step: the resume path) and takes the steps since
// again up to where it was, playing on if it was playing. Steps are
// deterministic (the step index keys the prompts and the sampling), so the
// redone steps are the same steps; a `recovered` event tells the page how
// many, so it drops its copies.

import { cloneConfig } from '../../core/config';
import { PROTOCOL_VERSION as v, type InitCommand } from '../protocol';
import { Cancelled, error, exclusive, message, status, type Core, type Run } from './core';
import { init, teardown } from './run';
import { ensureLoop } from './steps';

/** How a GPU error kind reads in a sentence. */
const GPU_ERROR_NAMES: Record<string, string> = {
  'out-of-memory': 'GPU out of memory',
  validation: 'GPU validation error',
  internal: 'GPU internal error',
};

export function onGpuError(c: Core, r: Run, kind: string, msg: string): void {
  if (c.run !== r) return; // a device this session already left
  if (kind === 'lost') return deviceLost(c, r, msg);
  c.pending = 0;
  const name = GPU_ERROR_NAMES[kind] ?? `GPU error (${kind})`;
  error(c, `${name} while ${c.activity ?? `idle at step ${r.tr.step}`}: ${msg}`, true);
}

/**
 * The device is gone, and with it everything on it since the last snapshot.
 * The step in flight fails (or is dropped: run !== r); then, under the lock,
 * the run is rebuilt on a new device from the snapshot and the session
 * walks back to where it was (or plays on).
 */
function deviceLost(c: Core, r: Run, msg: string): void {
  const snap = c.snapshot;
  const lostAt = c.reported;
  const target = c.pending === Infinity ? Infinity : lostAt + c.pending;
  c.pending = 0;
  c.asked++; // a playground answer streaming from the lost device stops
  r.unsubscribe();
  c.run = null;
  if (!snap) {
    error(c, `the GPU device was lost (${msg}) and no checkpoint was kept; send init to start again`, false);
    return status(c, 'error', 'the GPU device was lost', { step: lostAt });
  }
  const gen = c.generation;
  c.inits++; // commands sent meanwhile wait for the new device
  const cmd: InitCommand = { type: 'init', v, config: cloneConfig(r.cfg), weights: { params: r.base.params, routerBias: r.base.routerBias }, resume: snap, prefer: 'webgpu' };
  void exclusive(c, async () => {
    try {
      await init(c, cmd, gen, onGpuError, { step: lostAt, message: `GPU device lost at step ${lostAt} (${msg}); restoring the checkpoint of step ${snap.step} on a new device` });
    } catch (e) {
      if (e instanceof Cancelled) return; // an init sent meanwhile replaces the run anyway
      teardown(c);
      error(c, `the GPU device was lost at step ${lostAt} (${msg}) and recovery failed: ${message(e)}; send init to start again`, false);
      return status(c, 'idle', 'recovery from a lost device failed');
    } finally {
      c.inits--;
    }
    const redone = lostAt - snap.step;
    const where = c.run?.backend.label ? ` (${c.run.backend.label})` : '';
    c.post({
      type: 'recovered', v, lostAt, step: snap.step, redone,
      message: `GPU device lost at step ${lostAt}; restored the checkpoint of step ${snap.step} on a new device${where}; ${redone} step${redone === 1 ? '' : 's'} redone`,
    });
    c.pending = target - snap.step;
    if (c.pending > 0) ensureLoop(c);
  });
}
