// The worker-side controller: owns the backend, the model, the GRPO trainer
// and the evaluator, turns Commands into work and work into Events. Free of
// Worker globals (it only calls `post`), so Node tests drive it on the CPU
// backend exactly as worker.ts drives it on WebGPU.
//
// This file wires the commands to the parts in session/, one concern each:
//   core.ts        the shared state, the FIFO lock all compute runs under, status/error events
//   run.ts         init (backend, base weights or pretraining, trainer, evaluator), reset, live knobs
//   steps.ts       the step loop behind play / step(n) / pause
//   checkpoint.ts  the in-memory snapshot, resume, the checkpoint event
//   recovery.ts    GPU errors named with what ran; a lost device rebuilt from the snapshot
//   playground.ts  a streamed answer, one token per turn of the lock
//   engine.ts      moving the run to another engine (WebGPU / CPU), state kept
//   faults.ts      fault injection (tests only)
//
// Errors: a malformed command, a refused config, a NaN step all become an
// `error` event; the session pauses and keeps working.

import { createBackend } from '../model/backend';
import { evaluate } from './evaluate';
import { parseCommand } from './parse';
import { PROTOCOL_VERSION as v, type Command, type SessionState } from './protocol';
import { exportCheckpoint } from './session/checkpoint';
import { Cancelled, createCore, error, exclusive, message, status, withRun, type Core, type Post, type SessionOptions } from './session/core';
import { setEngine } from './session/engine';
import { fault } from './session/faults';
import { sample } from './session/playground';
import { onGpuError } from './session/recovery';
import { init, reset, setLive, teardown } from './session/run';
import { pause, startSteps } from './session/steps';

export type { Post, SessionOptions };

export interface Session {
  /** Accepts anything postMessage delivered; never throws (bad input becomes an error event). */
  handle(msg: unknown): Promise<void>;
  readonly state: SessionState;
  /** Resolves once the step loop has stopped and every queued command has run. */
  idle(): Promise<void>;
}

export function createSession(post: Post, opts: SessionOptions = {}): Session {
  // a config too big for the GPU is refused (naming the limit) before anything is allocated, not moved to the CPU
  const makeBackend = opts.createBackend ?? ((cfg, prefer) => createBackend(cfg, { prefer, fallbackOnLimits: false }));
  const c = createCore(post, opts, makeBackend);

  return {
    async handle(msg) {
      let cmd: Command;
      try {
        cmd = parseCommand(msg);
      } catch (e) {
        return error(c, message(e), true);
      }
      try {
        await dispatch(c, cmd);
      } catch (e) {
        error(c, `${cmd.type}: ${message(e)}`, true); // not expected: dispatch catches its own
      }
    },
    get state() {
      return c.state;
    },
    async idle() {
      for (;;) {
        const l = c.loop, k = c.lock, a = c.streaming;
        await l;
        await k;
        await a;
        if (l === c.loop && k === c.lock && a === c.streaming) return;
      }
    },
  };
}

async function dispatch(c: Core, cmd: Command): Promise<void> {
  switch (cmd.type) {
    case 'init': {
      const gen = ++c.generation; // stops a pretraining in flight at its next step
      c.asked++; // and an answer streaming from the old model
      c.inits++;
      c.pending = 0;
      return exclusive(c, async () => {
        try {
          await init(c, cmd, gen, onGpuError);
        } catch (e) {
          if (e instanceof Cancelled) return;
          teardown(c);
          error(c, `init: ${message(e)}`, false);
          status(c, 'idle', 'init failed');
        } finally {
          c.inits--;
        }
      });
    }
    case 'play': return startSteps(c, Infinity);
    case 'step': return startSteps(c, cmd.n);
    case 'pause': return pause(c);
    case 'reset':
      c.pending = 0;
      c.asked++;
      return withRun(c, 'reset', (r) => reset(c, r));
    case 'evaluate':
      return withRun(c, 'evaluate', async (r) => c.post({ type: 'evaluation', v, step: r.tr.step, result: await evaluate(r.ev, r.model) }));
    case 'sample': {
      const p = sample(c, cmd, ++c.asked).catch((e) => error(c, `sample: ${message(e)}`, true));
      c.streaming = p;
      return p;
    }
    case 'exportCheckpoint': return withRun(c, 'exportCheckpoint', (r) => exportCheckpoint(c, r, cmd.tag));
    // under the lock: it lands between two steps, never inside one
    case 'setLive': return withRun(c, 'setLive', (r) => setLive(c, r, cmd));
    case 'fault': return fault(c, cmd.kind);
    case 'setEngine': return setEngine(c, cmd.prefer);
  }
}
