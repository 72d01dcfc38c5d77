// The distill stage on WebGPU (SwiftShader here): a teacher of one shape
// samples and a dense student of another shape is SFT'd on the same device,
// as in the app's worker. The CPU run of the same stage is the yardstick: the
// device's sampling may round differently, so the counts are compared loosely
// and the SFT by its fall.
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, type RunConfig } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { createGpuOps } from '../gpu/backend';
import { createGpuDecodeOps } from '../gpu/decode';
import type { GpuTensor } from '../gpu/runtime';
import { testRuntime } from '../gpu/testing';
import { createModel } from '../model/model';
import { buildParamTable, initParams } from '../model/params';
import type { Ops } from '../ops/ops';
import { sampleTrainProblem } from '../tasks/split';
import { distillStage, type TeacherWeights } from './pipeline';
import { QUICK_CONFIG } from './quick';
import { sft } from './sft';

const STUDENT: RunConfig = mergeConfig(QUICK_CONFIG, {
  model: { dModel: 16, nHeads: 2, dExpert: 32, nShared: 0, nRouted: 1, topK: 1 },
  pipeline: { teacher: 'teacher-countdown-grpo60', rejectionPrompts: 8, rejectionSamples: 4, distillSteps: 40, sftLr: 5e-3 },
});
const teacher: TeacherWeights = { name: 'teacher-countdown-grpo60', config: QUICK_CONFIG, params: new Float32Array(0), routerBias: new Float32Array(0) };
const studentInit = Float32Array.from(initParams(STUDENT, buildParamTable(STUDENT)));

beforeAll(async () => {
  // a teacher that knows the answers of the stage's 8 prompts (distillStage.test.ts's)
  const ops = createCpuOps('f32');
  const t = createModel(ops, QUICK_CONFIG);
  ops.write(t.params, initParams(QUICK_CONFIG, t.table));
  const taught = Array.from({ length: 8 }, (_, i) => sampleTrainProblem(STUDENT, i))
    .map((p) => ({ prompt: p.prompt, completion: `<think>${p.expr}=${p.answer}</think><answer>${p.answer}</answer><eos>` }));
  await sft(ops, t, taught, { steps: 60, lr: 5e-3, rows: 8 });
  teacher.params = Float32Array.from(t.params);
  teacher.routerBias = Float32Array.from(t.routerBias);
}, 120_000);

describe('the distill stage on WebGPU', () => {
  it('samples from a teacher of another shape and fine-tunes the student on the same device, as the CPU does', async () => {
    const rt = await testRuntime();
    const ops: Ops<GpuTensor, GpuTensor> = createGpuOps(rt);
    const student = createModel(ops, STUDENT);
    ops.write(student.params, studentInit);
    ops.write(student.routerBias, new Float32Array(STUDENT.model.nLayers));
    const r = await distillStage(ops, createGpuDecodeOps(rt), student, teacher);

    const cops = createCpuOps('f32');
    const cs = createModel(cops, STUDENT);
    cops.write(cs.params, studentInit);
    const c = await distillStage(cops, createCpuDecodeOps(), cs, teacher);

    const rj = r.rejection!;
    expect(rj.sampled).toBe(32);
    expect(rj.kept + Object.values(rj.dropped).reduce((a, x) => a + x, 0)).toBe(32);
    expect(Math.abs(rj.kept - c.rejection!.kept), `kept on WebGPU ${rj.kept}, on the CPU ${c.rejection!.kept}`).toBeLessThanOrEqual(4);
    expect(r.sft.steps).toBe(40);
    expect(r.sft.loss.every(Number.isFinite)).toBe(true);
    expect(r.sft.loss[39]!).toBeLessThan(0.7 * r.sft.loss[0]!);
    expect(Array.from(await ops.read(student.params))).not.toEqual(Array.from(studentInit));
  }, 180_000);
});
