// runDistill in process (CPU reference engine): a dense student (no shared expert, one
// routed expert taken by every token: the closest to a plain FFN that the config allows,
// nRouted >= 1) learns from a teacher that was SFT'd on right answers, and the guards.

import { describe, expect, it } from 'vitest';
import { mergeConfig, preset, type RunConfig } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import type { Backend } from '../model/backend';
import { createModel } from '../model/model';
import { buildParamTable, initParams } from '../model/params';
import { sampleTrainProblem } from '../tasks/split';
import { trainConfigErrors } from './checks';
import { runDistill, type Weights } from './distill';
import { QUICK_CONFIG } from './quick';
import { sft } from './sft';

const cpu = (): Backend => ({ kind: 'cpu', ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason: 'test', label: 'CPU fallback: test', engine: 'js' });
const DENSE = { nShared: 0, nRouted: 1, topK: 1 };
const STUDENT_CFG = mergeConfig(QUICK_CONFIG, { model: { dModel: 16, nHeads: 2, dExpert: 32, ...DENSE } });

function initWeights(cfg: RunConfig, source: string): Weights {
  const table = buildParamTable(cfg);
  return { params: Float32Array.from(initParams(cfg, table)), routerBias: new Float32Array(cfg.model.nLayers * cfg.model.nRouted), config: cfg, source };
}

describe('the dense student', () => {
  it('is a legal config over 5x smaller than the teacher; nRouted 0 is not expressible, so one routed expert taken by every token stands for the dense FFN', () => {
    expect(trainConfigErrors(STUDENT_CFG)).toEqual([]);
    const cd = mergeConfig(preset('R1-Zero (Countdown)'), { model: { dModel: 32, dExpert: 64, ...DENSE } });
    expect(trainConfigErrors(cd)).toEqual([]);
    expect(trainConfigErrors(mergeConfig(cd, { model: { nRouted: 0 } })).map((e) => e.path)).toContain('model.nRouted');
    // fewer parameters than the teacher's MoE (1 shared + 4 routed, dModel 64): the student of npm run distill
    expect(buildParamTable(cd).count).toBeLessThan(buildParamTable(preset('R1-Zero (Countdown)')).count / 5);
  });
});

describe('runDistill (CPU, quick)', () => {
  it('a teacher that knows the answers hands them to a random student: traces kept, SFT loss down, the numbers add up', async () => {
    // the teacher: QUICK_CONFIG SFT'd on the direct answers of the distillation's own prompts
    const ops = createCpuOps('f32');
    const b: Backend = { kind: 'cpu', ops, decode: createCpuDecodeOps(), reason: 'test', label: 'CPU fallback: test', engine: 'js' };
    const tModel = createModel(ops, QUICK_CONFIG);
    ops.write(tModel.params, initParams(QUICK_CONFIG, tModel.table));
    const taught = Array.from({ length: 8 }, (_, i) => sampleTrainProblem(QUICK_CONFIG, i))
      .map((p) => ({ prompt: p.prompt, completion: `<think>${p.expr}=${p.answer}</think><answer>${p.answer}</answer><eos>` }));
    await sft(ops, tModel, taught, { steps: 60, lr: 5e-3, rows: 8 });
    const teacher: Weights = { params: Float32Array.from(await ops.read(tModel.params)), routerBias: Float32Array.from(await ops.read(tModel.routerBias)), config: QUICK_CONFIG, source: 'sft-teacher' };
    const lines: string[] = [];
    const r = await runDistill({
      backend: b, teacher, student: initWeights(STUDENT_CFG, 'random-student'), teacherGrpoSteps: 0,
      k: 4, prompts: 8, sftSteps: 20, sftLr: 5e-3, seed: 3, temperature: 0.5, evalTeacher: false, onLine: (s) => lines.push(s),
    });
    const rj = r.rejection;
    expect(rj.sampled).toBe(32);
    expect(rj.kept + Object.values(rj.dropped).reduce((a, x) => a + x, 0)).toBe(32);
    expect(rj.kept).toBeGreaterThan(0);
    expect(rj.promptsCovered).toBeGreaterThan(0);
    expect(r.teacher.eval).toBeNull();
    expect(r.student.model.nRouted).toBe(1);
    expect(r.sft.lastLoss).toBeLessThan(0.7 * r.sft.firstLoss);
    expect(r.before.greedy.accuracy.n).toBe(r.evalProblems);
    expect(lines.some((l) => l.startsWith('rejection sampling: 32 samples'))).toBe(true);
  }, 30_000);

  it('refuses a teacher and student of different tasks, and weights of the wrong shape, by name', async () => {
    const cd = mergeConfig(preset('R1-Zero (Countdown)'), { model: { dModel: 16, nHeads: 2, dExpert: 16, ...DENSE } });
    const base = { backend: cpu(), teacherGrpoSteps: 0, k: 1, prompts: 1, sftSteps: 1, sftLr: 1e-3, seed: 1 };
    await expect(runDistill({ ...base, teacher: initWeights(QUICK_CONFIG, 'T'), student: initWeights(cd, 'S') }))
      .rejects.toThrow(/the teacher T was trained on task .*"add".*, the student S on .*"countdown"/);
    const wrong = { ...initWeights(STUDENT_CFG, 'S'), config: QUICK_CONFIG };
    await expect(runDistill({ ...base, teacher: initWeights(QUICK_CONFIG, 'T'), student: wrong })).rejects.toThrow(/the student S holds \d+ parameters/);
    await expect(runDistill({ ...base, k: 0, teacher: initWeights(QUICK_CONFIG, 'T'), student: initWeights(STUDENT_CFG, 'S') })).rejects.toThrow('k = 0');
  });
});
