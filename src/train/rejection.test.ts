import { describe, expect, it } from 'vitest';
import { preset } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { createModel } from '../model/model';
import { initParams } from '../model/params';
import { rewardCompletion } from '../rl/rewards';
import { countdownCompletion, searchOrder } from '../tasks/countdown';
import { sampleTrainProblem } from '../tasks/split';
import { QUICK_CONFIG } from './quick';
import { rejectionReason, rejectionSample } from './rejection';
import { sft } from './sft';

const CD = preset('R1-Zero (Countdown)');

// A train problem whose search takes at least two misses, so a search trace has <wait>s.
const problem = (() => {
  for (let i = 0; ; i++) {
    const p = sampleTrainProblem(CD, i);
    if (searchOrder(p.operands, p.difficulty).findIndex((c) => c.value === p.answer) >= 2) return p;
  }
})();
const order = searchOrder(problem.operands, problem.difficulty);
const hit = order.find((c) => c.value === problem.answer)!;
const miss = order.find((c) => c.value !== problem.answer)!;

describe('rejectionReason: the rewards\' judges, then readability', () => {
  const search = countdownCompletion(problem.operands, problem.answer, problem.difficulty, 'search', null);
  const waits = (search.match(/<wait>/g) ?? []).length;

  it('keeps a right, well-formed guess and a right search', () => {
    expect(rejectionReason(`<think>${hit.expr}=${hit.value}</think><answer>${hit.expr}</answer><eos>`, problem)).toBeNull();
    expect(waits).toBeGreaterThanOrEqual(2);
    expect(rejectionReason(search, problem)).toBeNull();
    expect(rejectionReason(search, problem, { maxWaits: waits, readable: true })).toBeNull();
  });
  it('drops a wrong answer, a malformed or truncated one', () => {
    expect(rejectionReason(`<think>${miss.expr}=${miss.value}</think><answer>${miss.expr}</answer><eos>`, problem)).toBe('wrong');
    expect(rejectionReason(`<think>${hit.expr}=${hit.value}</think><answer>${hit.expr}</answer>`, problem)).toBe('format'); // no <eos>
    expect(rejectionReason(`<answer>${hit.expr}</answer><eos>`, problem)).toBe('format');
    // format is checked first: malformed and wrong reads 'format'
    expect(rejectionReason(`<think>${miss.expr}=${miss.value}<answer>${miss.expr}</answer><eos>`, problem)).toBe('format');
  });
  it('the readability filter: more than maxWaits <wait>s; a segment with no candidate or an answer that is not the last candidate', () => {
    expect(rejectionReason(search, problem, { maxWaits: waits - 1 })).toBe('waits');
    const noCandidate = `<think>${miss.expr}<wait>${hit.expr}=${hit.value}</think><answer>${hit.expr}</answer><eos>`;
    expect(rejectionReason(noCandidate, problem)).toBeNull();
    expect(rejectionReason(noCandidate, problem, { readable: true })).toBe('unreadable');
    const disagrees = `<think>${miss.expr}=${miss.value}</think><answer>${hit.expr}</answer><eos>`;
    expect(rejectionReason(disagrees, problem)).toBeNull();
    expect(rejectionReason(disagrees, problem, { readable: true })).toBe('unreadable');
    // a right answer whose thought claims a wrong value for it (the dense student's teacher writes these)
    const misclaimed = `<think>${hit.expr}=${hit.value + 1}</think><answer>${hit.expr}</answer><eos>`;
    expect(rejectionReason(misclaimed, problem)).toBeNull();
    expect(rejectionReason(misclaimed, problem, { readable: true })).toBe('unreadable');
  });
});

describe('rejectionSample from a policy', () => {
  it('keeps exactly the completions both rewards score 1, with counts that add up, and replays from its seed', async () => {
    const cfg = QUICK_CONFIG;
    const ops = createCpuOps('f32');
    const dec = createCpuDecodeOps();
    const model = createModel(ops, cfg);
    ops.write(model.params, initParams(cfg, model.table));
    // a policy that is right on some problems and not others: SFT on the direct answers of the first 6
    const problems = Array.from({ length: 10 }, (_, i) => sampleTrainProblem(cfg, i));
    const taught = problems.slice(0, 6).map((p) => ({ prompt: p.prompt, completion: `<think>${p.expr}=${p.answer}</think><answer>${p.answer}</answer><eos>` }));
    await sft(ops, model, taught, { steps: 60, lr: 5e-3, rows: 6 });
    const opts = { k: 4, temperature: 0.5, seed: 3, chunk: 4 };
    const r = await rejectionSample(ops, dec, model, problems, opts);
    expect(r.sampled).toBe(40);
    expect(r.kept.length + r.dropped.length).toBe(40);
    expect(r.counts.kept + r.counts.format + r.counts.wrong + r.counts.waits + r.counts.unreadable).toBe(40);
    expect(r.counts.kept).toBe(r.kept.length);
    console.log(`rejection: kept ${r.counts.kept}, format ${r.counts.format}, wrong ${r.counts.wrong} of ${r.sampled}; ${r.promptsCovered} of 10 prompts covered`);
    expect(r.kept.length).toBeGreaterThan(0);
    expect(r.dropped.length).toBeGreaterThan(0);
    const all = [...r.kept.map((t) => ({ ...t, reason: null })), ...r.dropped];
    for (const t of all) {
      expect(t.prompt).toBe(problems[t.index]!.prompt);
      const rw = rewardCompletion(t.completion, t.problem, t.tokens, cfg.grpo);
      expect(t.reason === null).toBe(rw.format === 1 && rw.accuracy === 1);
      if (t.reason === 'format') expect(rw.format).toBe(0);
      if (t.reason === 'wrong') expect([rw.format, rw.accuracy]).toEqual([1, 0]);
    }
    // every prompt got k samples
    for (let i = 0; i < 10; i++) expect(all.filter((t) => t.index === i).length).toBe(4);
    expect(r.promptsCovered).toBe(new Set(r.kept.map((t) => t.index)).size);
    const again = await rejectionSample(ops, dec, model, problems, opts);
    expect(again.kept.map((t) => t.completion)).toEqual(r.kept.map((t) => t.completion));
  });

  it('refuses bad options by name', async () => {
    const ops = createCpuOps('f32');
    const model = createModel(ops, QUICK_CONFIG);
    const p = [sampleTrainProblem(QUICK_CONFIG, 0)];
    await expect(rejectionSample(ops, createCpuDecodeOps(), model, p, { k: 0, temperature: 1, seed: 1 })).rejects.toThrow('k = 0');
    await expect(rejectionSample(ops, createCpuDecodeOps(), model, [], { k: 2, temperature: 1, seed: 1 })).rejects.toThrow('no prompts');
  });
});
