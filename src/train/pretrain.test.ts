import { describe, expect, it } from 'vitest';
import { mergeConfig, preset } from '../core/config';
import { ConfigValidationError } from '../core/validate';
import { decode, TOK } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { createModel } from '../model/model';
import { initParams } from '../model/params';
import { isHeldOut } from '../tasks/split';
import { trainConfigErrors } from './checks';
import { createPretrainer, heldOutLoss, heldOutPretrainBatch, pretrain, pretrainSeqLen } from './pretrain';
import { QUICK_CONFIG } from './quick';

describe('pretraining (stage 0)', () => {
  it('T is the longest corpus example minus one: add d=1 has 5 prompt + 20 completion tokens', () => {
    expect(pretrainSeqLen(QUICK_CONFIG)).toBe(24);
    // without the corrected style the longest completion is 13 tokens
    expect(pretrainSeqLen(mergeConfig(QUICK_CONFIG, { corpus: { corrected: 0 } }))).toBe(5 + 13 - 1);
  });

  it('the held-out batch holds only held-out problems, masks only completion targets', () => {
    const T = 24;
    const b = heldOutPretrainBatch(QUICK_CONFIG, 64, T);
    const rows = b.inputs.length / T;
    expect(rows).toBeGreaterThan(3); // about 10% of the 100 add d=1 problems
    for (let r = 0; r < rows; r++) {
      const text = decode(b.inputs.subarray(r * T, (r + 1) * T).filter((t) => t !== TOK.pad));
      const expr = /^<bos>(.*?)=/.exec(text)![1]!;
      expect(isHeldOut(expr, QUICK_CONFIG.task.heldOutPercent)).toBe(true);
      // prompt "<bos>a+b=" (4 or 5 tokens): targets at t=0..P-2 are prompt tokens, masked out; t=P-1 predicts <think>
      const P = expr.length + 2;
      for (let t = 0; t < P - 1; t++) expect(b.mask[r * T + t]).toBe(0);
      expect(b.targets[r * T + P - 1]).toBe(TOK.think);
      expect(b.mask[r * T + P - 1]).toBe(1);
    }
  });

  it('lowers the train loss and the held-out loss', async () => {
    const cfg = mergeConfig(QUICK_CONFIG, { corpus: { pretrainSteps: 60 } });
    const ops = createCpuOps('f32');
    const model = createModel(ops, cfg);
    ops.write(model.params, initParams(cfg, model.table));
    const pt = createPretrainer(ops, model, { heldOutEvery: 30 });
    const before = await heldOutLoss(pt);
    const ms = await pretrain(pt);
    expect(ms.map((m) => m.step)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(ms.filter((m) => m.heldOutLoss !== undefined).map((m) => m.step)).toEqual([29, 59]);
    const last = ms[59]!;
    console.log(`pretrain: loss ${ms[0]!.loss.toFixed(3)} -> ${last.loss.toFixed(3)}, held-out ${before.toFixed(3)} -> ${last.heldOutLoss!.toFixed(3)}`);
    expect(before).toBeGreaterThan(2.5); // ~ log V = 3.2 at init
    expect(ms[0]!.loss).toBeGreaterThan(2.5);
    expect(last.loss).toBeLessThan(0.6 * ms[0]!.loss);
    expect(last.heldOutLoss!).toBeLessThan(0.6 * before);
    // warmup over 5% of 60 steps = 3 steps, then cosine to 10% at step 60
    expect(ms[0]!.lr).toBeCloseTo(1e-3, 12);
    expect(ms[2]!.lr).toBeCloseTo(3e-3, 12);
    expect(last.lr).toBeLessThan(0.35e-3);
    expect(ms.every((m) => m.gradNorm > 0 && Number.isFinite(m.gradNorm))).toBe(true);
  });
});

describe('configs the trainer refuses', () => {
  const paths = (over: Parameters<typeof mergeConfig>[1]) => trainConfigErrors(mergeConfig(QUICK_CONFIG, over)).map((e) => e.path);

  it('accepts QUICK_CONFIG', () => expect(trainConfigErrors(QUICK_CONFIG)).toEqual([]));
  it('accepts top-p (the rollout samples the nucleus); refuses a completion limit below a direct answer, a context too short for the corpus', () => {
    expect(paths({ sampling: { topP: 0.9 } })).toEqual([]);
    expect(paths({ grpo: { maxCompletionLength: 12 } })).toEqual(['grpo.maxCompletionLength']); // direct add d=1 needs 13
    expect(paths({ task: { difficulty: 2 } })).toEqual(['model.maxSeqLen']); // corrected add d=2 traces need 59 + 6
    // countdown's shortest answer is one guess (at most 19 tokens at d=1: <think>1-9-9=-17</think><answer>1-9-9</answer><eos>), not a "direct" trace it does not have
    const cd = preset('R1-Zero (Countdown)');
    const cdPaths = (maxCompletionLength: number) => trainConfigErrors(mergeConfig(cd, { grpo: { maxCompletionLength } })).map((e) => e.path);
    expect(cdPaths(19)).toEqual([]);
    expect(cdPaths(18)).toEqual(['grpo.maxCompletionLength']);
  });
  it('passes on core rules: groupSize 1 (std scaling needs two samples), warmup past the end', () => {
    expect(paths({ grpo: { groupSize: 1 } })).toEqual(['grpo.groupSize']);
    expect(paths({ grpo: { warmupSteps: 50, totalSteps: 10 } })).toEqual(['grpo.warmupSteps']);
  });
  it('createPretrainer throws the list before allocating', () => {
    const cfg = mergeConfig(QUICK_CONFIG, { grpo: { maxCompletionLength: 12 } });
    const ops = createCpuOps('f32');
    expect(() => createPretrainer(ops, createModel(ops, cfg))).toThrow(ConfigValidationError);
  });
});
