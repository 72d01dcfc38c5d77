import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../core/config';
import { STREAM } from '../core/rng';
import { decode, encode } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { generate } from '../model/generate';
import { createModel } from '../model/model';
import { initParams } from '../model/params';
import { parseCompletion } from '../tasks/format';
import { heldOutSet } from '../tasks/split';
import { createEvaluator, evaluate } from './evaluate';
import { createPretrainer, pretrain } from './pretrain';
import { QUICK_CONFIG } from './quick';

describe('held-out evaluation', () => {
  it('matches an independent full-forward decode (model/generate) greedy and sampled', async () => {
    const cfg = mergeConfig(QUICK_CONFIG, { corpus: { pretrainSteps: 40 } });
    const ops = createCpuOps('f32');
    const model = createModel(ops, cfg);
    ops.write(model.params, initParams(cfg, model.table));
    await pretrain(createPretrainer(ops, model, { heldOutEvery: 1000 }));
    const ev = createEvaluator(ops, createCpuDecodeOps(), model);
    const problems = heldOutSet(cfg, cfg.grpo.heldOutSize);
    expect(ev.problems).toEqual(problems);
    const res = await evaluate(ev, model);
    const maxNew = cfg.grpo.maxCompletionLength;
    const check = async (temperature: number, got: typeof res.greedy) => {
      const outs = await generate(ops, model, problems.map((p) => encode(p.prompt)), maxNew, { temperature, topK: 0, seed: cfg.seed, stream: STREAM.evalSample });
      const right = outs.filter((o, i) => parseCompletion(decode(o)).answer === problems[i]!.answer).length;
      const len = outs.reduce((s, o) => s + o.length, 0);
      expect(got.accuracy).toBe(right / problems.length);
      expect(got.meanLength).toBeCloseTo(len / problems.length, 12);
    };
    await check(0, res.greedy);
    await check(cfg.sampling.temperature, res.sampled);
    expect(res.problems).toBe(problems.length);
    expect(res.greedy.meanLength).toBeGreaterThan(0);
    // a fixed evaluation stream: evaluating twice gives the same numbers
    expect(await evaluate(ev, model)).toEqual(res);
  });
});
