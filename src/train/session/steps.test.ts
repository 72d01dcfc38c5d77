// The step loop: play / step(n) / pause, evaluation between steps and every
// evalEvery, errors that pause with the last good weights.

import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../core/config';
import { createCpuOps } from '../../cpu/backend';
import { createCpuDecodeOps } from '../../cpu/decode';
import { createBackend } from '../../model/backend';
import { createModel } from '../../model/model';
import { heldOutSet } from '../../tasks/split';
import { createEvaluator, evaluate } from '../evaluate';
import { createGrpoTrainer, grpoStep } from '../grpo';
import { PROTOCOL_VERSION as v } from '../protocol';
import { base, CFG, directSteps, harness, strip, useBase } from './testing';
import { stoppedAfter } from './steps';

useBase();

describe('trainer session on the CPU backend: the step loop', () => {
  it('step(3) posts three metrics and samples events with increasing steps, equal to the trainer driven directly', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    const ms = h.of('metrics').map((e) => e.metrics);
    expect(ms.map((m) => m.step)).toEqual([0, 1, 2]);
    expect(ms.map(strip)).toEqual((await directSteps(CFG, 3)).map(strip));
    expect(ms.some((m) => m.reward > 0 && m.gradNorm > 0)).toBe(true); // real updates, not a run of zeros
    const ss = h.of('samples');
    expect(ss.map((e) => e.step)).toEqual([0, 1, 2]);
    for (const e of ss) expect(e.samples.length).toBe(CFG.grpo.batchPrompts * CFG.grpo.groupSize);
    const st = h.of('status').map((e) => `${e.state}@${e.step}`);
    expect(st.slice(-2)).toEqual(['running@0', 'paused@3']);
    expect(h.session.state).toBe('paused');
  });

  it('pause stops after the step in flight; step(n) runs exactly n more; evaluate runs between two steps while playing', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    await h.send({ type: 'evaluate' });
    // the first evaluation is the base model's, posted by init at step 0
    await h.until(() => h.of('evaluation').length === 2);
    expect(h.of('evaluation')[0]!.step).toBe(0);
    await h.send({ type: 'pause' });
    await h.session.idle();
    const ms = h.of('metrics');
    const asked = h.of('evaluation')[1]!;
    const evStep = asked.step;
    // the evaluation came between steps: it saw exactly the steps whose metrics preceded it
    expect(evStep).toBe(h.events.filter((e, i) => e.type === 'metrics' && i < h.events.indexOf(asked)).length);
    expect(ms.length).toBeGreaterThanOrEqual(1);
    expect(ms.length).toBeLessThanOrEqual(evStep + 2); // the step in flight at pause, and no other
    expect(h.session.state).toBe('paused');
    // the pause was acknowledged when it arrived, before the stop
    const st = h.of('status').map((e) => e.message);
    expect(st.slice(-2)).toEqual(['pausing after the step in flight', stoppedAfter(ms.length)]);
    const n0 = ms.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(h.of('metrics').length).toBe(n0); // really stopped
    await h.send({ type: 'step', n: 2 });
    await h.session.idle();
    expect(h.of('metrics').map((e) => e.metrics.step)).toEqual(Array.from({ length: n0 + 2 }, (_, i) => i));
    // step(n) while playing: n more after the one in flight, then stop
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= n0 + 3);
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    const total = h.of('metrics').length;
    expect(total).toBeGreaterThanOrEqual(n0 + 4);
    expect(total).toBeLessThanOrEqual(n0 + 5);
    expect(h.of('status').at(-1)!).toMatchObject({ state: 'paused', step: total });
    // the evaluation equals evaluate() on the weights after evStep steps
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
    for (let s = 0; s < evStep; s++) await grpoStep(tr);
    expect(asked.result).toEqual(await evaluate(createEvaluator(ops, createCpuDecodeOps(), model), model));
  });

  it('a pause that arrives inside a step (as on WebGPU, where a step awaits the GPU) stops after it, and step(1) then takes exactly one', async () => {
    let onRead: (() => void) | null = null;
    const h = harness({
      createBackend: async (cfg) => {
        const b = await createBackend(cfg, { prefer: 'cpu' });
        const ops = b.ops as unknown as { read(x: unknown): Promise<Float32Array> };
        const read = ops.read.bind(ops);
        ops.read = (x) => {
          const hook = onRead;
          onRead = null;
          hook?.();
          return read(x);
        };
        return b;
      },
    });
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    onRead = () => void h.send({ type: 'pause' }); // inside the next step's first read
    await h.session.idle();
    const n0 = h.of('metrics').length;
    expect(n0).toBe(2); // the step the pause landed in finished; none followed
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('metrics').map((e) => e.metrics.step)).toEqual([0, 1, 2]);
    expect(h.session.state).toBe('paused');
  });

  it('evaluates every grpo.evalEvery steps, inside the metrics event, as the evaluate command does', async () => {
    const cfg = mergeConfig(CFG, { grpo: { evalEvery: 2 } });
    const h = harness();
    await h.initWithBase(cfg);
    await h.send({ type: 'step', n: 2 });
    await h.session.idle();
    const ms = h.of('metrics');
    expect(ms[0]!.evaluation).toBeUndefined();
    expect(ms[1]!.evaluation?.problems).toBe(heldOutSet(cfg, cfg.grpo.heldOutSize).length);
    await h.send({ type: 'evaluate' });
    await h.session.idle();
    expect(h.of('evaluation')[1]).toEqual({ type: 'evaluation', v, step: 2, result: ms[1]!.evaluation });
  });

  it('a malformed command, or one before init, yields an error event and the session keeps working', async () => {
    const h = harness();
    await h.send({ type: 'play' });
    expect(h.of('error')[0]!.message).toMatch(/no model yet: send init first/);
    await h.session.handle({ type: 'step', v, n: -2 });
    await h.session.handle('not even an object');
    await h.session.handle({ type: 'exportCheckpoint' });
    const errs = h.of('error');
    expect(errs.map((e) => e.recoverable)).toEqual([true, true, true, true]);
    expect(errs[1]!.message).toMatch(/command step: field "n"/);
    expect(errs[2]!.message).toMatch(/command must be an object/);
    expect(errs[3]!.message).toMatch(/field "v"/);
    expect(h.session.state).toBe('idle');
    await h.initWithBase();
    await h.session.handle({ type: 'init', v, config: { model: { nHeads: 3 } } });
    expect(h.of('error').at(-1)!.message).toMatch(/command init: field "config" cannot run: model\.nHeads = 3/);
    expect(h.session.state).toBe('ready'); // a refused init leaves the running session alone
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('metrics').length).toBe(1);
  });

  it('a NaN step posts an error, pauses, and keeps the last good weights', async () => {
    const h = harness();
    // A NaN in a norm weight poisons every forward; the grad-norm check throws before AdamW.
    const params = base.params.slice();
    const model = createModel(createCpuOps('f32'), CFG);
    const lnf = model.table.tensors.find((t) => t.name === 'lnf')!;
    params[lnf.offset] = Number.NaN;
    await h.send({ type: 'init', config: CFG, weights: { params, routerBias: base.routerBias.slice() } });
    await h.session.idle();
    await h.send({ type: 'play' });
    await h.session.idle();
    const err = h.of('error')[0]!;
    expect(err.recoverable).toBe(true);
    expect(err.message).toMatch(/GRPO step 0 .*NaN.*not applied/);
    expect(h.of('metrics')).toEqual([]);
    expect(h.session.state).toBe('paused');
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const ck = h.of('checkpoint')[0]!;
    expect(ck.step).toBe(0);
    expect(new Float32Array(ck.params)).toEqual(params); // untouched, the planted NaN and all
  });
});
