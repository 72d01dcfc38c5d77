// Checkpoints: the in-memory snapshot a lost device restores (the base at
// init, then every `snapshotEvery` steps and at each exportCheckpoint), the
// resume path that writes a saved state into a fresh run, and the
// `checkpoint` event the page saves.

import type { Model } from '../../model/model';
import type { Ops } from '../../ops/ops';
import type { GrpoTrainer } from '../grpo';
import { PROTOCOL_VERSION as v, type ResumeState } from '../protocol';
import type { Core, Run } from './core';

export const copyState = (x: ResumeState): ResumeState => ({ ...x, params: x.params.slice(), routerBias: x.routerBias.slice(), m: x.m.slice(), v: x.v.slice() });

/** Step 0 of a run: the base, with the zero moments the trainer starts from. */
export const baseState = (r: Run): ResumeState => ({
  step: 0, adamStep: 0, params: r.base.params.slice(), routerBias: r.base.routerBias.slice(),
  m: new Float32Array(r.base.params.length), v: new Float32Array(r.base.params.length),
});

/** The run's state as it is now (host copies). Only between steps, under the lock. */
export async function readState(r: Run): Promise<ResumeState> {
  return {
    step: r.tr.step, adamStep: r.model.step,
    params: new Float32Array(await r.ops.read(r.model.params)),
    routerBias: new Float32Array(await r.ops.read(r.model.routerBias)),
    m: new Float32Array(await r.ops.read(r.model.m)),
    v: new Float32Array(await r.ops.read(r.model.v)),
  };
}

/** Writes a saved state into a new run; each buffer must fit the config. After the trainer is made: it zeroes the moments this overwrites. */
export function resumeInto(ops: Ops<unknown, unknown>, model: Model<unknown>, tr: GrpoTrainer<unknown, unknown>, rs: ResumeState): void {
  const n = model.table.total, LE = model.dims.L * model.dims.E;
  for (const [name, x, want] of [['params', rs.params, n], ['m', rs.m, n], ['v', rs.v, n], ['routerBias', rs.routerBias, LE]] as const) {
    if (x.length !== want) throw new Error(`resume: ${name} has ${x.length} entries; this config needs ${want}`);
  }
  ops.write(model.params, rs.params);
  ops.write(model.routerBias, rs.routerBias);
  ops.write(model.m, rs.m);
  ops.write(model.v, rs.v);
  model.step = rs.adamStep;
  tr.step = rs.step;
}

/** After a step: every snapshotEvery steps the state becomes the snapshot, when its weights are finite. */
export async function keepSnapshot(c: Core, r: Run): Promise<void> {
  if (r.tr.step % c.snapshotEvery !== 0) return;
  c.activity = `keeping the checkpoint of step ${r.tr.step}`;
  const st = await readState(r);
  if (st.params.every(Number.isFinite)) c.snapshot = st;
}

export async function exportCheckpoint(c: Core, r: Run, tag: string | undefined): Promise<void> {
  // copies: a CPU read may hand back the live buffer, and the transfer detaches what it sends
  const params = new Float32Array(await r.ops.read(r.model.params));
  const routerBias = new Float32Array(await r.ops.read(r.model.routerBias));
  const m = new Float32Array(await r.ops.read(r.model.m));
  const mv = new Float32Array(await r.ops.read(r.model.v));
  const baseParams = r.base.params.slice(), baseRouterBias = r.base.routerBias.slice();
  // between steps, so these are good weights: a lost device comes back to them
  if (params.every(Number.isFinite)) c.snapshot = copyState({ step: r.tr.step, adamStep: r.model.step, params, routerBias, m, v: mv });
  const bufs = [params.buffer, routerBias.buffer, m.buffer, mv.buffer, baseParams.buffer, baseRouterBias.buffer];
  c.post({
    type: 'checkpoint', v, step: r.tr.step, configJson: JSON.stringify(r.cfg), tensors: r.model.table.tensors.map((t) => ({ ...t, shape: [...t.shape] })),
    params: params.buffer, routerBias: routerBias.buffer, adamM: m.buffer, adamV: mv.buffer, adamStep: r.model.step,
    baseParams: baseParams.buffer, baseRouterBias: baseRouterBias.buffer, ...(tag === undefined ? {} : { tag }),
  }, bufs);
}
