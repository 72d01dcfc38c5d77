import { describe, expect, it } from 'vitest';
import { decode, encode, TOK } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { generate } from '../model/generate';
import { createModel } from '../model/model';
import { initParams } from '../model/params';
import type { PretrainBatch, PromptCompletion } from '../tasks/corpus';
import { sampleTrainProblem } from '../tasks/split';
import { createPretrainer, pretrainStep } from './pretrain';
import { QUICK_CONFIG } from './quick';
import { createSftTrainer, sft, sftBatch, sftEpochOrder, sftSeqLen } from './sft';

// Eight train problems of QUICK_CONFIG (add d=1), each with a direct answer.
const EXAMPLES: PromptCompletion[] = Array.from({ length: 8 }, (_, i) => {
  const p = sampleTrainProblem(QUICK_CONFIG, i);
  return { prompt: p.prompt, completion: `<think>${p.expr}=${p.answer}</think><answer>${p.answer}</answer><eos>` };
});

function freshModel() {
  const ops = createCpuOps('f32');
  const model = createModel(ops, QUICK_CONFIG);
  ops.write(model.params, initParams(QUICK_CONFIG, model.table));
  return { ops, model };
}

describe('SFT order and packing', () => {
  it('each epoch is a permutation, and epochs differ', () => {
    const a = sftEpochOrder(8, 7, 0), b = sftEpochOrder(8, 7, 1);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...b].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a).not.toEqual(b);
    expect(sftEpochOrder(8, 7, 0)).toEqual(a); // pure
  });

  it('a batch row is prompt + completion; prompt targets and padding have mask 0, completion targets 1', () => {
    const T = 24;
    const b = sftBatch(EXAMPLES, 0, 8, T, 7);
    const order = sftEpochOrder(8, 7, 0);
    for (let r = 0; r < 8; r++) {
      const ex = EXAMPLES[order[r]!]!;
      const P = encode(ex.prompt).length, n = encode(ex.prompt + ex.completion).length;
      const row = (a: Int32Array | Float32Array) => Array.from(a.subarray(r * T, (r + 1) * T));
      expect(decode(row(b.inputs).filter((t) => t !== TOK.pad))).toBe(ex.prompt + ex.completion); // the last token sits in inputs too, with no target after it
      // targets t = 0..P-2 are prompt tokens (given, not trained); t = P-1 .. n-2 the completion; then padding
      expect(row(b.mask)).toEqual(Array.from({ length: T }, (_, t) => (t >= P - 1 && t <= n - 2 ? 1 : 0)));
      expect(b.targets[r * T + P - 1]).toBe(TOK.think);
      expect(b.targets[r * T + n - 2]).toBe(TOK.eos);
    }
  });

  it('T fits the longest example; an example longer than maxSeqLen is refused by name', () => {
    const { ops, model } = freshModel();
    expect(sftSeqLen(model, EXAMPLES)).toBe(24); // the corpus's (add d=1: 5 + 20 - 1) exceeds these direct answers
    const long = [{ prompt: EXAMPLES[0]!.prompt, completion: `<think>${'1+1=2;'.repeat(12)}</think><answer>2</answer><eos>` }];
    expect(() => createSftTrainer(ops, model, long, { steps: 1, lr: 1e-3 })).toThrow(/T = \d+ positions, more than model.maxSeqLen = 48/);
    expect(() => createSftTrainer(ops, model, [], { steps: 1, lr: 1e-3 })).toThrow('no examples');
  });
});

describe('SFT trains the completion only', () => {
  it('prompt targets carry no gradient: changing them leaves the step bit-identical; changing a completion target does not', async () => {
    const T = 24;
    const base = sftBatch(EXAMPLES, 0, 8, T, 7);
    const alter = (pick: (m: number) => boolean): PretrainBatch => {
      const targets = base.targets.slice();
      for (let i = 0; i < targets.length; i++) if (pick(base.mask[i]!) && targets[i] !== TOK.pad) targets[i] = TOK.wait;
      return { ...base, targets };
    };
    const stepWith = async (batch: PretrainBatch) => {
      const { ops, model } = freshModel();
      const pt = createPretrainer(ops, model, { T, rows: 8, batchOf: () => batch, schedule: { lr: 1e-3, schedule: 'constant', warmupSteps: 0, totalSteps: 1 } });
      const m = await pretrainStep(pt);
      return { loss: m.loss, params: Float32Array.from(await ops.read(model.params)) };
    };
    const ref = await stepWith(base);
    const promptChanged = await stepWith(alter((m) => m === 0));
    const completionChanged = await stepWith(alter((m) => m === 1));
    expect(promptChanged.loss).toBe(ref.loss);
    expect(promptChanged.params).toEqual(ref.params);
    expect(completionChanged.loss).not.toBe(ref.loss);
    let diff = 0;
    for (let i = 0; i < ref.params.length; i++) diff = Math.max(diff, Math.abs(ref.params[i]! - completionChanged.params[i]!));
    expect(diff).toBeGreaterThan(1e-5);
  });

  it('loss falls on a tiny set and the model then writes the trained completions greedily', async () => {
    const { ops, model } = freshModel();
    const ms = await sft(ops, model, EXAMPLES, { steps: 80, lr: 3e-3, rows: 8, seed: 7 });
    const first = ms[0]!.loss, last = ms[ms.length - 1]!.loss;
    console.log(`sft: loss ${first.toFixed(3)} -> ${last.toFixed(3)} over ${ms.length} steps`);
    expect(first).toBeGreaterThan(2.5); // ~ log V at init
    expect(last).toBeLessThan(0.2);
    expect(ms[ms.length - 1]!.heldOutLoss).toBeDefined();
    const out = await generate(ops, model, EXAMPLES.map((e) => encode(e.prompt)), 20, { temperature: 0, topK: 0, seed: 1, stream: 0 });
    const texts = out.map((toks) => decode(toks));
    const right = texts.filter((t, i) => t === EXAMPLES[i]!.completion).length;
    expect(right).toBeGreaterThanOrEqual(6);
  });
});
