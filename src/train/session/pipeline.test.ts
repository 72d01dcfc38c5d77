// The four-stage pipeline in the worker session (issue 17 item 4): the cold
// start during init, the rejection stage in the step loop after rl1Steps
// steps, each posted once as a `stage` event where stageMarkers puts it, the
// same weights as the stages run directly, and a resumed run past the stage
// that does not repeat it.

import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../core/config';
import { createCpuOps } from '../../cpu/backend';
import { createCpuDecodeOps } from '../../cpu/decode';
import { createModel } from '../../model/model';
import { createGrpoTrainer, grpoStep } from '../grpo';
import { coldStart, rejectionStage, stageMarkers } from '../pipeline';
import { base, CFG, harness, strip, useBase } from './testing';

useBase();

// QUICK_CONFIG (add d=1): cold start 3 SFT steps on 16 stepwise traces, 2 GRPO steps, rejection stage, GRPO on
const PIPE = mergeConfig(CFG, {
  pipeline: { coldStartSteps: 3, coldStartTraces: 16, rl1Steps: 2, rejectionPrompts: 16, rejectionSamples: 16, rejectionSftEpochs: 1, sftLr: 3e-3 },
});

describe('trainer session: the pipeline stages', () => {
  it('posts the cold start during init and the rejection stage after step rl1Steps-1, where the markers say, with the direct run\'s numbers', async () => {
    const h = harness();
    await h.initWithBase(PIPE);
    // the cold start: status messages while it runs, its stage event before the step-0 evaluation
    const coldAt = h.events.findIndex((e) => e.type === 'stage');
    const evalAt = h.events.findIndex((e) => e.type === 'evaluation');
    expect(coldAt).toBeGreaterThan(-1);
    expect(coldAt).toBeLessThan(evalAt);
    expect(h.of('status').some((e) => e.state === 'pretraining' && e.message.startsWith('cold start 3/3: loss'))).toBe(true);
    await h.send({ type: 'step', n: 4 });
    await h.session.idle();
    const stages = h.of('stage').map((e) => e.report);
    expect(stages.map((r) => ({ kind: r.kind, step: r.step }))).toEqual(stageMarkers(PIPE).map(({ kind, step }) => ({ kind, step })));
    // the rejection stage comes right after step 1's metrics and samples, before step 2's
    const order = h.events.filter((e) => e.type === 'metrics' || e.type === 'stage').map((e) => (e.type === 'metrics' ? `m${e.metrics.step}` : e.report.kind));
    expect(order).toEqual(['coldStart', 'm0', 'm1', 'rejection', 'm2', 'm3']);
    expect(h.of('status').some((e) => e.message.startsWith('rejection stage: sampling 16 prompts x 16'))).toBe(true);

    // the oracle: the same stages and steps driven directly
    const ops = createCpuOps('f32');
    const model = createModel(ops, PIPE);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const cold = await coldStart(ops, model);
    const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
    const direct = [(await grpoStep(tr)).metrics, (await grpoStep(tr)).metrics];
    const rej = await rejectionStage(tr);
    direct.push((await grpoStep(tr)).metrics, (await grpoStep(tr)).metrics);
    const noTime = <T extends { seconds: unknown }>(r: T) => ({ ...r, seconds: null });
    expect(noTime(stages[0]!)).toEqual(noTime(cold));
    expect(noTime(stages[1]!)).toEqual(noTime(rej));
    expect(rej.rejection!.kept).toBeGreaterThan(0);
    expect(rej.sft.steps).toBeGreaterThan(0);
    expect(h.of('metrics').map((e) => strip(e.metrics))).toEqual(direct.map(strip));
  });

  it('a run resumed past the rejection stage does not repeat it, nor the cold start', async () => {
    const h = harness();
    await h.initWithBase(PIPE);
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    await h.send({ type: 'exportCheckpoint', tag: 't' });
    await h.session.idle();
    const ck = h.of('checkpoint')[0]!;
    expect(ck.step).toBe(3);
    const again = harness();
    await again.send({
      type: 'init', config: PIPE,
      weights: { params: new Float32Array(ck.baseParams), routerBias: new Float32Array(ck.baseRouterBias) },
      resume: { step: ck.step, adamStep: ck.adamStep, params: new Float32Array(ck.params), routerBias: new Float32Array(ck.routerBias), m: new Float32Array(ck.adamM), v: new Float32Array(ck.adamV) },
    });
    await again.session.idle();
    await again.send({ type: 'step', n: 1 });
    await again.session.idle();
    expect(again.of('stage')).toEqual([]);
    // the resumed step 3 is the step the first session would have taken
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(strip(again.of('metrics')[0]!.metrics)).toEqual(strip(h.of('metrics')[3]!.metrics));
  });
});
