// A run's life: init (pretraining in the session, or given weights), reset,
// the base evaluation at step 0, live knobs.

import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../core/config';
import { createCpuOps } from '../../cpu/backend';
import { createCpuDecodeOps } from '../../cpu/decode';
import { createModel } from '../../model/model';
import { createEvaluator, evaluate } from '../evaluate';
import { createGrpoTrainer, grpoStep } from '../grpo';
import { PROTOCOL_VERSION as v } from '../protocol';
import { base, CFG, directBase, harness, strip, useBase } from './testing';

useBase();

describe('trainer session on the CPU backend: init, reset, live knobs', () => {
  it('init pretrains the base in the session (progress as status events) exactly as pretrain() does', async () => {
    const cfg = mergeConfig(CFG, { corpus: { pretrainSteps: 12 } }); // plumbing: a short pretraining
    const want = await directBase(cfg);
    const h = harness({ pretrainReports: 4 });
    await h.send({ type: 'init', config: cfg });
    await h.session.idle();
    const st = h.of('status');
    expect(st[0]!.state).toBe('pretraining');
    const progress = st.filter((e) => e.pretrain).map((e) => e.pretrain!.metrics.step + 1);
    expect(progress).toEqual([3, 6, 9, 12]); // every floor(12/4) steps, the last included
    expect(st.every((e) => e.pretrain === undefined || e.pretrain.total === 12)).toBe(true);
    const last = st.at(-1)!;
    expect(last.state).toBe('ready');
    expect(last.backend).toBe('cpu');
    expect(last.backendLabel).toMatch(/^CPU fallback: .*navigator\.gpu/);
    expect(h.session.state).toBe('ready');
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const ck = h.of('checkpoint')[0]!;
    expect(ck.step).toBe(0);
    expect(JSON.parse(ck.configJson)).toEqual(cfg);
    expect(new Float32Array(ck.params)).toEqual(want.params);
    expect(new Float32Array(ck.routerBias)).toEqual(want.routerBias);
    expect(ck.tensors.at(-1)!.offset + ck.tensors.at(-1)!.size).toBeLessThanOrEqual(want.params.length);
    expect(h.of('error')).toEqual([]);
  });

  it('reset returns to step 0 and replays identical metrics (same seed)', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    await h.send({ type: 'reset' });
    await h.session.idle();
    expect(h.of('status').at(-1)!).toMatchObject({ state: 'ready', step: 0 });
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    const ms = h.of('metrics').map((e) => e.metrics);
    expect(ms.map((m) => m.step)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(ms.slice(3).map(strip)).toEqual(ms.slice(0, 3).map(strip));
    const ss = h.of('samples');
    expect(ss.slice(3)).toEqual(ss.slice(0, 3)); // completions, log-probs, advantages: all replayed
    expect(ss[1]!.samples.map((x) => x.prompt)).not.toEqual(ss[0]!.samples.map((x) => x.prompt)); // while steps differ among themselves
  });

  it('init and reset post the base model evaluation at step 0', async () => {
    const h = harness();
    await h.initWithBase();
    await h.session.idle();
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const want = await evaluate(createEvaluator(ops, createCpuDecodeOps(), model), model);
    expect(h.of('evaluation')).toEqual([{ type: 'evaluation', v, step: 0, result: want }]);
    await h.send({ type: 'step', n: 1 });
    await h.send({ type: 'reset' });
    await h.session.idle();
    expect(h.of('evaluation')).toHaveLength(2);
    expect(h.of('evaluation')[1]).toEqual({ type: 'evaluation', v, step: 0, result: want });
  });

  it('init with weights of the wrong size fails clearly and leaves the session idle', async () => {
    const h = harness();
    await h.send({ type: 'init', config: CFG, weights: { params: new Float32Array(5), routerBias: base.routerBias.slice() } });
    await h.session.idle();
    const err = h.of('error')[0]!;
    expect(err.recoverable).toBe(false);
    expect(err.message).toBe(`init: weights have 5 params and ${base.routerBias.length} router biases; this config needs ${base.params.length} and ${base.routerBias.length}`);
    expect(h.session.state).toBe('idle');
  });

  it('setLive changes live knobs before the next step, as changing the trainer config between steps does; a config that cannot train is refused', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    await h.send({ type: 'setLive', values: { 'grpo.lr': 1e-3, 'sampling.temperature': 0.5, 'grpo.beta': 0.04 } });
    await h.session.idle();
    expect(h.of('status').at(-1)!.message).toBe('grpo.lr = 0.001, sampling.temperature = 0.5, grpo.beta = 0.04 from step 1');
    expect(h.of('status').at(-1)!.state).toBe('paused');
    await h.send({ type: 'setLive', values: { 'grpo.formatWeight': 0, 'grpo.accuracyWeight': 0 } }); // each in range for its knob, together no reward
    await h.session.idle();
    expect(h.of('error').map((e) => e.message)).toEqual([expect.stringMatching(/^setLive: grpo\.accuracyWeight = 0: grpo\.formatWeight \+ grpo\.accuracyWeight must be > 0/)]);
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    const ms = h.of('metrics').map((e) => e.metrics);
    expect(ms.map((m) => m.lr)).toEqual([CFG.grpo.lr, 1e-3]); // constant schedule, no warmup
    expect(ms[0]!.kl).toBe(0); // beta 0: no reference pass
    expect(ms[1]!.kl).toBeGreaterThan(0); // beta 0.04 after one update: the policy has moved off the reference
    // oracle: the trainer driven directly, its config changed between the two steps
    const ops = createCpuOps('f32');
    const model = createModel(ops, mergeConfig(CFG, {}));
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
    const want = [(await grpoStep(tr)).metrics];
    Object.assign(tr.cfg.grpo, { lr: 1e-3, beta: 0.04 });
    tr.cfg.sampling.temperature = 0.5;
    want.push((await grpoStep(tr)).metrics);
    expect(ms.map(strip)).toEqual(want.map(strip));
  });
});
