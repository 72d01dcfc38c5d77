// Test support for session/*.test.ts (not imported by production code): the
// session on the CPU backend's JavaScript reference engine (Node has no
// navigator.gpu, so createBackend falls back), checked against the trainer driven directly: same base, same
// seed -> the same metrics, evaluations and samples as the events carry.

import { beforeAll } from 'vitest';
import { mergeConfig, type RunConfig } from '../../core/config';
import { createCpuOps } from '../../cpu/backend';
import { createCpuDecodeOps } from '../../cpu/decode';
import { createBackend } from '../../model/backend';
import { createModel } from '../../model/model';
import { initParams } from '../../model/params';
import { createGrpoTrainer, grpoStep, type GrpoMetrics } from '../grpo';
import { createPretrainer, pretrain } from '../pretrain';
import { PROTOCOL_VERSION as v, type CommandType, type EventOf, type EventType, type TrainerEvent } from '../protocol';
import { QUICK_CONFIG } from '../quick';
import { createSession, type SessionOptions } from '../session';

// QUICK_CONFIG's base (100 pretraining steps: enough for some reward, so the
// updates are not all zero), no automatic evaluation unless a test asks.
export const CFG: RunConfig = mergeConfig(QUICK_CONFIG, { grpo: { evalEvery: 10000 } });

/** CFG's pretrained base, filled by useBase()'s beforeAll. */
export const base = { params: new Float32Array(0), routerBias: new Float32Array(0) };

/** Pretrains CFG's base once for the calling test file. */
export function useBase(): void {
  beforeAll(async () => {
    Object.assign(base, await directBase(CFG));
  }, 60_000);
}

export async function directBase(cfg: RunConfig) {
  const ops = createCpuOps('f32');
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  await pretrain(createPretrainer(ops, model, { heldOutEvery: 1000 }));
  return { params: Float32Array.from(model.params), routerBias: Float32Array.from(model.routerBias) };
}

/** The trainer driven without a session, from the base: the oracle for the events. */
export async function directSteps(cfg: RunConfig, steps: number): Promise<GrpoMetrics[]> {
  const ops = createCpuOps('f32');
  const model = createModel(ops, cfg);
  ops.write(model.params, base.params);
  ops.write(model.routerBias, base.routerBias);
  const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
  const out: GrpoMetrics[] = [];
  for (let s = 0; s < steps; s++) out.push((await grpoStep(tr)).metrics);
  return out;
}

type Cmd = { type: CommandType } & Record<string, unknown>;

export function harness(opts: SessionOptions = {}) {
  const events: TrainerEvent[] = [];
  // the JS reference engine, as the direct oracle above uses: events must equal it bit for bit
  // (the WebAssembly engine agrees to rounding: train/engines.test.ts, session/engine.test.ts)
  const session = createSession((e) => events.push(e), { createBackend: (cfg, prefer) => createBackend(cfg, { prefer, fallbackOnLimits: false, cpuEngine: 'js' }), ...opts });
  const of = <T extends EventType>(type: T) => events.filter((e): e is EventOf<T> => e.type === type);
  const send = (c: Cmd) => session.handle({ v, ...c });
  /** Polls (macrotask by macrotask) until pred holds. */
  const until = async (pred: () => boolean) => {
    for (let i = 0; !pred(); i++) {
      if (i > 100_000) throw new Error('until: gave up');
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  const initWithBase = async (cfg: RunConfig = CFG) => {
    await send({ type: 'init', config: cfg, weights: { params: base.params.slice(), routerBias: base.routerBias.slice() } });
    await session.idle();
  };
  return { session, events, of, send, until, initWithBase };
}

export const strip = (m: GrpoMetrics) => ({ ...m, stepTime: 0, tokensPerSec: 0 });
