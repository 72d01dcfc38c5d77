// Checkpoints: a saved run resumed in a new session continues exactly.

import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../core/config';
import { base, CFG, harness, strip, useBase } from './testing';

useBase();

describe('resume from a checkpoint', () => {
  it('a run saved after 2 steps and resumed in a new session takes steps 2 and 3 exactly as an uninterrupted run', async () => {
    // mu = 2 and beta > 0: AdamW's own step count (2 per GRPO step) and the KL reference (the base, not the saved weights) both matter
    const cfg = mergeConfig(CFG, { grpo: { mu: 2, beta: 0.04 } });
    const whole = harness();
    await whole.initWithBase(cfg);
    await whole.send({ type: 'step', n: 4 });
    await whole.session.idle();
    const want = whole.of('metrics').map((e) => strip(e.metrics));
    expect(want.map((m) => m.step)).toEqual([0, 1, 2, 3]);

    const first = harness();
    await first.initWithBase(cfg);
    await first.send({ type: 'step', n: 2 });
    await first.session.idle();
    await first.send({ type: 'exportCheckpoint', tag: 'persist' });
    await first.session.idle();
    const ck = first.of('checkpoint')[0]!;
    expect(ck.tag).toBe('persist');
    expect(ck.step).toBe(2);
    expect(ck.adamStep).toBe(4);
    expect(new Float32Array(ck.baseParams)).toEqual(base.params);
    expect(new Float32Array(ck.adamV).some((x) => x > 0)).toBe(true);

    const second = harness();
    await second.send({
      type: 'init', config: cfg, weights: { params: new Float32Array(ck.baseParams), routerBias: new Float32Array(ck.baseRouterBias) },
      resume: { step: ck.step, adamStep: ck.adamStep, params: new Float32Array(ck.params), routerBias: new Float32Array(ck.routerBias), m: new Float32Array(ck.adamM), v: new Float32Array(ck.adamV) },
    });
    await second.session.idle();
    const st = second.of('status').at(-1)!;
    expect([st.state, st.step]).toEqual(['paused', 2]);
    expect(second.of('evaluation')).toEqual([]); // the saved run has its step-0 evaluation already
    await second.send({ type: 'step', n: 2 });
    await second.session.idle();
    expect(second.of('metrics').map((e) => strip(e.metrics))).toEqual(want.slice(2));
    expect(second.of('error')).toEqual([]);
    // reset goes back to the base, not to the resumed weights
    await second.send({ type: 'reset' });
    await second.send({ type: 'exportCheckpoint' });
    await second.session.idle();
    const after = second.of('checkpoint')[0]!;
    expect([after.step, after.adamStep]).toEqual([0, 0]);
    expect(new Float32Array(after.params)).toEqual(base.params);
  }, 60_000);

  it('a resume whose buffers do not fit the config fails init with the name of the buffer', async () => {
    const h = harness();
    const n = base.params.length;
    await h.send({
      type: 'init', config: CFG, weights: { params: base.params.slice(), routerBias: base.routerBias.slice() },
      resume: { step: 1, adamStep: 1, params: base.params.slice(), routerBias: base.routerBias.slice(), m: new Float32Array(n - 1), v: new Float32Array(n) },
    });
    await h.session.idle();
    expect(h.of('error')[0]!.message).toMatch(/init: resume: m has \d+ entries; this config needs \d+/);
    expect(h.session.state).toBe('idle');
  });
});
