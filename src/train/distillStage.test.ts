// Distillation as a pipeline stage (issue 17 item 3, in the app): a tiny
// teacher that knows the answers of the first train prompts, a random dense
// student of another shape. The stage keeps exactly the traces the judges
// pass, the student's SFT loss falls, it is npm run distill's computation
// (runDistill at the same settings gives the same counts and losses), a bad
// teacher is refused by name, and the session and the experiment runner post
// it where stageMarkers puts it.

import { beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, preset, type RunConfig } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import type { Backend } from '../model/backend';
import { createModel } from '../model/model';
import { buildParamTable, initParams } from '../model/params';
import { accuracyReward, formatReward } from '../rl/rewards';
import { parseCompletion } from '../tasks/format';
import { sampleTrainProblem } from '../tasks/split';
import { runDistill } from './distill';
import { runExperiment } from './experiment';
import { parseCommand } from './parse';
import { distillStage, stageMarkers, type TeacherWeights } from './pipeline';
import { PROTOCOL_VERSION as v } from './protocol';
import { QUICK_CONFIG } from './quick';
import { rejectionSample } from './rejection';
import { harness } from './session/testing';
import { sft } from './sft';

const cpu = (): Backend => ({ kind: 'cpu', ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason: 'test', label: 'CPU fallback: test', engine: 'js' });
const NAME = 'teacher-countdown-grpo60'; // the knob's only teacher; here a label on the tiny teacher
// QUICK_CONFIG's task with a dense student half its width: 8 prompts x 4 samples, 40 SFT steps
const STUDENT: RunConfig = mergeConfig(QUICK_CONFIG, {
  model: { dModel: 16, nHeads: 2, dExpert: 32, nShared: 0, nRouted: 1, topK: 1 },
  grpo: { evalEvery: 10000 },
  pipeline: { teacher: NAME, rejectionPrompts: 8, rejectionSamples: 4, distillSteps: 40, sftLr: 5e-3 },
});
const studentInit = () => Float32Array.from(initParams(STUDENT, buildParamTable(STUDENT)));
const teacher: TeacherWeights = { name: NAME, config: QUICK_CONFIG, params: new Float32Array(0), routerBias: new Float32Array(0) };

beforeAll(async () => {
  // QUICK_CONFIG SFT'd on the direct answers of the stage's own 8 prompts: it answers many of them right
  const ops = createCpuOps('f32');
  const t = createModel(ops, QUICK_CONFIG);
  ops.write(t.params, initParams(QUICK_CONFIG, t.table));
  const taught = Array.from({ length: 8 }, (_, i) => sampleTrainProblem(STUDENT, i))
    .map((p) => ({ prompt: p.prompt, completion: `<think>${p.expr}=${p.answer}</think><answer>${p.answer}</answer><eos>` }));
  await sft(ops, t, taught, { steps: 60, lr: 5e-3, rows: 8 });
  teacher.params = Float32Array.from(await ops.read(t.params));
  teacher.routerBias = Float32Array.from(await ops.read(t.routerBias));
}, 60_000);

describe('the distill stage marker', () => {
  it('sits at step 0, after any cold start, and names the teacher; none is no stage', () => {
    const d = stageMarkers(preset('Distilled student (Countdown)'));
    expect(d).toEqual([{ kind: 'distill', step: 0, label: 'distilled from teacher-countdown-grpo60: 300 SFT steps on its right traces of 512 prompts x 8' }]);
    expect(stageMarkers(preset('Dense student (Countdown)'))).toEqual([]);
    const both = mergeConfig(preset('Distilled student (Countdown)'), { pipeline: { coldStartSteps: 4, rl1Steps: 10 } });
    expect(stageMarkers(both).map((m) => `${m.kind}@${m.step}`)).toEqual(['coldStart@0', 'distill@0', 'rejection@10']);
  });
});

describe('distillStage (CPU reference engine)', () => {
  it('keeps exactly the traces the judges pass, the student\'s SFT loss falls, and it is npm run distill at the same settings', async () => {
    const ops = createCpuOps('f32');
    const dec = createCpuDecodeOps();
    const student = createModel(ops, STUDENT);
    ops.write(student.params, studentInit());
    const r = await distillStage(ops, dec, student, teacher);
    expect(r.kind).toBe('distill');
    expect(r.step).toBe(0);
    expect(r.teacher).toEqual({ name: NAME, parameters: buildParamTable(QUICK_CONFIG).count });
    const rj = r.rejection!;
    expect(rj.sampled).toBe(32);
    expect(rj.kept + Object.values(rj.dropped).reduce((a, x) => a + x, 0)).toBe(32);
    expect(rj.kept).toBeGreaterThan(0);
    expect(rj.kept).toBeLessThan(32);

    // the oracle: the same draws from the teacher, judged here
    const tm = createModel(ops, { ...QUICK_CONFIG, seed: STUDENT.seed });
    ops.write(tm.params, teacher.params);
    ops.write(tm.routerBias, teacher.routerBias);
    const problems = Array.from({ length: 8 }, (_, i) => sampleTrainProblem(STUDENT, i));
    const all = await rejectionSample(ops, dec, tm, problems, { k: 4, temperature: QUICK_CONFIG.sampling.temperature, topK: QUICK_CONFIG.sampling.topK, topP: QUICK_CONFIG.sampling.topP, seed: STUDENT.seed, streamBase: 0x8000 });
    const pass = [...all.kept, ...all.dropped].filter((t) => formatReward(parseCompletion(t.completion)) === 1 && accuracyReward(parseCompletion(t.completion), t.problem) === 1);
    expect(rj.kept).toBe(pass.length);
    for (const ex of r.examples.filter((e) => e.reason === null)) {
      const problem = problems.find((p) => p.prompt === ex.prompt)!;
      expect(accuracyReward(parseCompletion(ex.completion), problem), ex.completion).toBe(1);
    }

    // the student learned the kept traces
    expect(r.sft.steps).toBe(40);
    expect(r.sft.loss).toHaveLength(40);
    expect(r.sft.loss[39]!).toBeLessThan(0.7 * r.sft.loss[0]!);

    // npm run distill's runDistill at the same settings: the same samples kept, the same SFT
    const d = await runDistill({
      backend: cpu(), teacher: { ...teacher, config: QUICK_CONFIG, source: NAME }, student: { params: studentInit(), routerBias: new Float32Array(STUDENT.model.nLayers), config: STUDENT, source: 'S' },
      teacherGrpoSteps: 0, k: 4, prompts: 8, sftSteps: 40, sftLr: 5e-3, seed: STUDENT.seed, evalTeacher: false,
    });
    expect({ kept: d.rejection.kept, dropped: d.rejection.dropped, covered: d.rejection.promptsCovered }).toEqual({ kept: rj.kept, dropped: rj.dropped, covered: rj.promptsCovered });
    expect([d.sft.firstLoss, d.sft.lastLoss]).toEqual([r.sft.loss[0], r.sft.loss[39]]);
  }, 60_000);

  it('refuses a teacher of another task, of the wrong shape or name, by name', async () => {
    const ops = createCpuOps('f32');
    const student = createModel(ops, STUDENT);
    const cd = mergeConfig(preset('R1-Zero (Countdown)'), { model: { dModel: 16, nHeads: 2, dExpert: 16 } });
    await expect(distillStage(ops, createCpuDecodeOps(), student, { ...teacher, config: cd }))
      .rejects.toThrow(/the teacher teacher-countdown-grpo60 was trained on another task \(task\.family countdown, this run add/);
    await expect(distillStage(ops, createCpuDecodeOps(), student, { ...teacher, params: teacher.params.subarray(1) }))
      .rejects.toThrow(/holds \d+ parameters .*\(a damaged or mislabelled file\)/);
    await expect(distillStage(ops, createCpuDecodeOps(), student, { ...teacher, name: 'other' })).rejects.toThrow(/weights are other, but pipeline.teacher is teacher-countdown-grpo60/);
    await expect(distillStage(ops, createCpuDecodeOps(), createModel(ops, mergeConfig(STUDENT, { pipeline: { teacher: 'none' } })), teacher)).rejects.toThrow(/pipeline.teacher is none/);
  });
});

describe('the distill stage in the session and the experiment', () => {
  it('init posts the distill stage before the step-0 evaluation, equal to the stage run directly; the student steps and samples; a resumed run does not repeat it', async () => {
    const h = harness();
    const weights = { params: studentInit(), routerBias: new Float32Array(STUDENT.model.nLayers) };
    await h.send({ type: 'init', config: STUDENT, weights, teacher });
    await h.session.idle();
    expect(h.of('error')).toEqual([]);
    const order = h.events.filter((e) => e.type === 'stage' || e.type === 'evaluation').map((e) => e.type);
    expect(order).toEqual(['stage', 'evaluation']);
    expect(h.of('status').some((e) => e.state === 'pretraining' && e.message === 'distill: sampling 8 prompts x 4 from teacher-countdown-grpo60')).toBe(true);
    expect(h.of('status').some((e) => e.state === 'pretraining' && e.message.startsWith('distill 40/40: loss'))).toBe(true);
    const ops = createCpuOps('f32');
    const student = createModel(ops, STUDENT);
    ops.write(student.params, studentInit());
    const direct = await distillStage(ops, createCpuDecodeOps(), student, teacher);
    const noTime = <T extends { seconds: unknown }>(r: T) => ({ ...r, seconds: null });
    expect(noTime(h.of('stage')[0]!.report)).toEqual(noTime(direct));
    // the distilled student trains on with GRPO and answers in the playground like any model
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('metrics')).toHaveLength(1);
    await h.send({ type: 'sample', id: 3, prompt: sampleTrainProblem(STUDENT, 0).prompt, maxNew: 12, temperature: 0 });
    await h.session.idle();
    const answer = h.of('sampleResult').filter((e) => e.id === 3 && e.done);
    expect(answer).toHaveLength(1);
    expect(answer[0]!.experts!.E).toBe(1); // the dense student's one routed expert, not the teacher's four

    const again = harness();
    await again.send({ type: 'init', config: STUDENT, weights, resume: { step: 0, adamStep: 0, params: weights.params, routerBias: weights.routerBias, m: new Float32Array(weights.params.length), v: new Float32Array(weights.params.length) } });
    await again.session.idle();
    expect(again.of('error')).toEqual([]);
    expect(again.of('stage')).toEqual([]);
  }, 60_000);

  it('init without the teacher\'s weights fails with a message naming the file; parseCommand checks the teacher field', async () => {
    const h = harness();
    await h.send({ type: 'init', config: STUDENT, weights: { params: studentInit(), routerBias: new Float32Array(STUDENT.model.nLayers) } });
    await h.session.idle();
    expect(h.of('error')[0]?.message).toMatch(/pipeline.teacher is teacher-countdown-grpo60, but init carried no teacher weights \(the page fetches public\/teacher-countdown-grpo60.safetensors\)/);
    expect(() => parseCommand({ type: 'init', v, config: STUDENT, teacher: { ...teacher, params: [1, 2] } })).toThrow(/teacher\.params/);
    expect(() => parseCommand({ type: 'init', v, config: STUDENT, teacher: { ...teacher, config: { model: { dModel: -1 } } } })).toThrow(/teacher\.config/);
    expect(parseCommand({ type: 'init', v, config: STUDENT, teacher })).toMatchObject({ teacher: { name: NAME, params: teacher.params } });
  });

  it('the experiment runner distils before GRPO step 0 and records the evaluation before and after', async () => {
    const ov = {
      'model.dModel': 16, 'model.nHeads': 2, 'model.dExpert': 32, 'model.nShared': 0, 'model.nRouted': 1, 'model.topK': 1,
      'pipeline.teacher': NAME, 'pipeline.rejectionPrompts': 8, 'pipeline.rejectionSamples': 4, 'pipeline.distillSteps': 40, 'pipeline.sftLr': 5e-3,
    };
    const base = { params: studentInit(), routerBias: new Float32Array(STUDENT.model.nLayers), source: 'S', config: STUDENT };
    await expect(runExperiment({ steps: 1, seed: STUDENT.seed, quick: true, backend: cpu(), base, overrides: ov })).rejects.toThrow(/no teacher weights were given/);
    const lines: string[] = [];
    const r = await runExperiment({ steps: 1, seed: STUDENT.seed, quick: true, backend: cpu(), base, overrides: ov, teacher, onLine: (s) => lines.push(s) });
    expect(r.stages.map((s) => s.report.kind)).toEqual(['distill']);
    expect(r.stages[0]!.after.greedy).toEqual(r.curve[0]!.greedy);
    expect(r.stages[0]!.before.greedy.accuracy.n).toBe(r.evalProblems);
    expect(lines.some((l) => l.startsWith('distill stage before step 0: 32 samples, kept'))).toBe(true);
  }, 60_000);
});
