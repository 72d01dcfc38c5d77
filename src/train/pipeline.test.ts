// R1's four-stage pipeline (issue 17 item 4) on a tiny countdown model on the
// CPU: where the stages sit, the cold-start traces, a cold start that lowers
// its SFT loss, and a whole pipeline (every stage a few steps) through the
// experiment runner, whose stage reports must sit where stageMarkers says.

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, preset } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import type { Backend } from '../model/backend';
import { createModel } from '../model/model';
import { initParams } from '../model/params';
import { accuracyReward, formatReward, isReadable } from '../rl/rewards';
import { corpusExample } from '../tasks/corpus';
import { parseCompletion } from '../tasks/format';
import { isHeldOut } from '../tasks/split';
import { runExperiment } from './experiment';
import { coldStart, coldStartTraces, rejectionDue, stageMarkers } from './pipeline';
import { QUICK_CONFIG } from './quick';

// QUICK_CONFIG's model on countdown d=1: search traces need up to 45 completion tokens
const tinyConfig = () => {
  const c = structuredClone(QUICK_CONFIG);
  c.task.family = 'countdown';
  c.task.difficulty = 1;
  c.model.maxSeqLen = 96;
  c.grpo.maxCompletionLength = 64;
  c.corpus.guess = 0.85;
  c.corpus.search = 0.15;
  return c;
};
const cpu = (): Backend => ({ kind: 'cpu', ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason: 'test', label: 'CPU fallback: test', engine: 'js' });

describe('stage markers: a pure function of the config', () => {
  it('R1-Zero has none; the four-stage preset has the cold start before step 0 and the rejection stage at rl1Steps', () => {
    expect(stageMarkers(DEFAULT_CONFIG)).toEqual([]);
    const four = preset('R1 (four stages, Countdown)');
    const m = stageMarkers(four);
    expect(m.map(({ kind, step }) => ({ kind, step }))).toEqual([{ kind: 'coldStart', step: 0 }, { kind: 'rejection', step: 75 }]);
    expect(m[0]!.label).toBe('cold start: 16 SFT steps on 256 search traces');
    expect(m[1]!.label).toBe('rejection sampling (512 prompts x 8, readable only) + 2 epochs of SFT');
    // pressing R1-Zero (Countdown) turns the stages off again
    expect(stageMarkers(preset('R1-Zero (Countdown)', four))).toEqual([]);
    // each stage alone
    expect(stageMarkers(mergeConfig(DEFAULT_CONFIG, { pipeline: { rl1Steps: 10 } })).map((x) => x.step)).toEqual([10]);
    expect(rejectionDue(four, 74)).toBe(false);
    expect(rejectionDue(four, 75)).toBe(true);
    expect(rejectionDue(DEFAULT_CONFIG, 0)).toBe(false);
  });
});

describe('cold-start traces', () => {
  const cfg = preset('R1 (four stages, Countdown)');
  const traces = coldStartTraces(cfg);

  it('are 256 right, well-formed, readable search traces of train problems, a pure function of the seed', () => {
    expect(traces).toHaveLength(256);
    let waits = 0;
    for (const t of traces) {
      const p = parseCompletion(t.completion);
      const [a, b, target] = t.prompt.replace('<bos>', '').split(/[;=]/).map(Number) as [number, number, number];
      const problem = { family: 'countdown' as const, difficulty: 1, operands: [a, b, Number(t.prompt.split(';')[2]!.split('=')[0])], answer: Number(t.prompt.split('=')[1]) };
      expect(target).toBe(problem.operands[2]);
      expect(formatReward(p)).toBe(1);
      expect(accuracyReward(p, problem)).toBe(1);
      expect(isReadable(p, problem)).toBe(true);
      expect(isHeldOut(p.answerText!, cfg.task.heldOutPercent) && false).toBe(false);
      waits += p.waits;
    }
    // the search order finds the target after a miss or more in most problems: long traces, not guesses
    expect(waits / traces.length).toBeGreaterThan(1);
    expect(coldStartTraces(cfg)).toEqual(traces);
    expect(coldStartTraces({ ...cfg, seed: cfg.seed + 1 })).not.toEqual(traces);
  });

  it('draw their problems apart from the corpus (their own stream)', () => {
    const corpus = Array.from({ length: 256 }, (_, i) => corpusExample(cfg, i).prompt);
    const same = traces.filter((t, i) => t.prompt === corpus[i]).length;
    expect(same).toBeLessThan(20); // 243 problems in d=1's train split: chance matches only
  });
});

describe('the cold start', () => {
  it('SFT on the traces lowers its loss, and leaves a fresh optimizer for GRPO', async () => {
    const cfg = mergeConfig(tinyConfig(), { pipeline: { coldStartSteps: 30, coldStartTraces: 32, sftLr: 1e-2 } });
    const ops = createCpuOps('f32');
    const model = createModel(ops, cfg);
    ops.write(model.params, initParams(cfg, model.table));
    const r = await coldStart(ops, model);
    expect(r.kind).toBe('coldStart');
    expect(r.step).toBe(0);
    expect(r.rejection).toBeNull();
    expect(r.sft.steps).toBe(30);
    expect(r.sft.loss).toHaveLength(30);
    expect(r.sft.rows).toBe(16); // min(traces, corpus.pretrainBatch)
    const first = r.sft.loss.slice(0, 3).reduce((a, b) => a + b) / 3, last = r.sft.loss.slice(-3).reduce((a, b) => a + b) / 3;
    console.log(`cold start SFT loss: first 3 steps ${first.toFixed(3)}, last 3 ${last.toFixed(3)}`);
    expect(last).toBeLessThan(first * 0.8);
    expect(r.examples).toHaveLength(4);
    expect(model.step).toBe(0);
    expect(Array.from(await ops.read(model.m)).every((x) => x === 0)).toBe(true);
    await expect(coldStart(ops, createModel(ops, tinyConfig()))).rejects.toThrow(/coldStartSteps is 0/);
  });
});

describe('the whole pipeline, every stage a few steps', () => {
  it('cold start -> 2 GRPO steps -> rejection SFT -> 2 GRPO steps: the stage reports sit where the markers say', async () => {
    // QUICK_CONFIG's add d=1 (its cold-start style is stepwise): a tiny model writes right answers there after 100 steps of pretraining
    const overrides = {
      'grpo.evalEvery': 2,
      'pipeline.coldStartSteps': 4, 'pipeline.coldStartTraces': 16, 'pipeline.rl1Steps': 2,
      'pipeline.rejectionPrompts': 8, 'pipeline.rejectionSamples': 8, 'pipeline.rejectionSftEpochs': 1, 'pipeline.sftLr': 3e-3,
    };
    const lines: string[] = [];
    const res = await runExperiment({ steps: 4, seed: 3, quick: true, backend: cpu(), pretrainSteps: 100, overrides, onLine: (s) => lines.push(s) });
    const cfg = mergeConfig(QUICK_CONFIG, { seed: 3, grpo: { evalEvery: 2 }, pipeline: { coldStartSteps: 4, coldStartTraces: 16, rl1Steps: 2, rejectionPrompts: 8, rejectionSamples: 8, rejectionSftEpochs: 1, sftLr: 3e-3 } });
    expect(res.stages.map((s) => ({ kind: s.report.kind, step: s.report.step }))).toEqual(stageMarkers(cfg).map(({ kind, step }) => ({ kind, step })));
    const [cold, rej] = res.stages as [typeof res.stages[0], typeof res.stages[0]];
    expect(cold.report.sft.steps).toBe(4);
    // the cold start's after is the curve's step 0
    expect(cold.after).toEqual({ greedy: res.curve[0]!.greedy, sampled: res.curve[0]!.sampled });
    const rr = rej.report.rejection!;
    expect(rr.sampled).toBe(64);
    expect(rr.kept + rr.dropped.format + rr.dropped.wrong + rr.dropped.waits + rr.dropped.unreadable).toBe(64);
    expect(rr.kept).toBeGreaterThan(0);
    expect(rej.report.sft.examples).toBe(rr.kept);
    expect(rej.report.sft.steps).toBe(Math.ceil(rr.kept / rej.report.sft.rows));
    // the curve point at step 2 is the evaluation after the stage
    expect(res.curve.map((p) => p.step)).toEqual([0, 2, 4]);
    expect(rej.after).toEqual({ greedy: res.curve[1]!.greedy, sampled: res.curve[1]!.sampled });
    // readability is reported with an interval on every pass
    for (const p of res.curve) for (const pass of [p.greedy, p.sampled]) {
      expect(pass.readable!.lo).toBeLessThanOrEqual(pass.readable!.rate);
      expect(pass.readable!.rate).toBeLessThanOrEqual(pass.wellFormed!.rate);
    }
    console.log(lines.filter((l) => l.includes('stage')).join('\n'));
  });
});
