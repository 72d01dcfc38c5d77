// The playground's streamed answer: greedy as generate(), token by token as
// the one-shot rollout, the routed experts, and its interleaving with steps.

import { describe, expect, it } from 'vitest';
import { encode } from '../../core/tokenizer';
import { createCpuOps } from '../../cpu/backend';
import { createCpuDecodeOps } from '../../cpu/decode';
import { generate } from '../../model/generate';
import { createActivations, createModel, forward } from '../../model/model';
import { rollout } from '../../rl/rollout';
import { base, CFG, harness, useBase } from './testing';

useBase();

describe('trainer session on the CPU backend: the playground', () => {
  it('sample with temperature 0 answers as model/generate does greedily; an unknown character is an error', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'sample', id: 7, prompt: '3+4=', maxNew: 12, temperature: 0 });
    await h.session.idle();
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const [want] = await generate(ops, model, [encode('<bos>3+4=')], 12, { temperature: 0, topK: 0, seed: 1, stream: 0 });
    const r = h.of('sampleResult').at(-1)!;
    expect(r.done).toBe(true);
    expect(r.id).toBe(7);
    expect(Array.from(r.tokens)).toEqual(want);
    expect(r.logp.length).toBe(want!.length);
    await h.send({ type: 'sample', id: 8, prompt: '3+x=', maxNew: 12, temperature: 0 });
    await h.session.idle();
    expect(h.of('error')[0]).toMatchObject({ recoverable: true, step: 0 });
    expect(h.of('error')[0]!.message).toMatch(/^sample: .*x/);
  });

  it('sample streams token by token (done: false, one more token each) and ends with the one-shot rollout\'s completion, greedy and sampled', async () => {
    const h = harness();
    await h.initWithBase();
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const ids = encode('<bos>47+85=');
    const maxNew = Math.min(40, model.dims.Tmax - ids.length);
    for (const [id, temperature] of [[11, 0], [12, 1], [13, 1.5]] as const) {
      await h.send({ type: 'sample', id, prompt: '47+85=', maxNew: 40, temperature, seed: 5 });
      await h.session.idle();
      const evs = h.of('sampleResult').filter((e) => e.id === id);
      const last = evs.at(-1)!;
      expect(last.done).toBe(true);
      expect(evs.slice(0, -1).every((e) => !e.done)).toBe(true);
      // the partial answers grow by one token and are prefixes of the final one
      evs.slice(0, -1).forEach((e, j) => {
        expect(Array.from(e.tokens)).toEqual(Array.from(last.tokens.subarray(0, j + 1)));
      });
      expect(evs.length).toBe(last.tokens.length + 1);
      const ro = await rollout(ops, createCpuDecodeOps(), model, [ids], 1, { maxNew, temperature, topK: CFG.sampling.topK, seed: 5, step: id });
      const n = ro.lengths[0]!;
      expect(n).toBeGreaterThan(3);
      expect(Array.from(last.tokens)).toEqual(Array.from(ro.tokens.subarray(0, n)));
      for (let j = 0; j < n; j++) expect(last.logp[j]!).toBeCloseTo(ro.logp[j]!, 4);
    }
    // different ids at a temperature draw different answers (the stream is keyed by the id)
    const fin = h.of('sampleResult').filter((e) => e.done);
    expect(Array.from(fin[1]!.tokens)).not.toEqual(Array.from(fin[2]!.tokens));
    expect(h.of('error')).toEqual([]);
  });

  it('the final answer carries the routed experts of each completion token, as a direct forward over prompt+completion routes them', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'sample', id: 3, prompt: '12*3=', maxNew: 30, temperature: 1, seed: 9 });
    await h.session.idle();
    const last = h.of('sampleResult').at(-1)!;
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const { L, k, E } = model.dims;
    const ids = encode('<bos>12*3=');
    const n = last.tokens.length, P = ids.length, T = P + n;
    const acts = createActivations(ops, model, 1, T);
    ops.writeInt(acts.tokens, Int32Array.from([...ids, ...last.tokens]));
    ops.writeInt(acts.targets, new Int32Array(T).fill(-1));
    forward(ops, model, acts);
    expect(last.experts).toMatchObject({ L, k, E });
    const got = last.experts!.idx;
    expect(got.length).toBe(n * L * k);
    let differ = 0;
    for (let l = 0; l < L; l++) {
      const top = await ops.readInt(acts.topIdx[l]!); // (T,k)
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < k; i++) expect(got[(j * L + l) * k + i]).toBe(top[(P - 1 + j) * k + i]);
        if (top[(P - 1 + j) * k] !== top[P * k]) differ++;
      }
    }
    expect(differ).toBeGreaterThan(0); // not one expert everywhere: the positions matter
  });

  it('a step sent while an answer streams runs between two of its tokens; a newer question stops the older answer', async () => {
    const h = harness();
    await h.initWithBase();
    const first = h.send({ type: 'sample', id: 21, prompt: '47+85=', maxNew: 60, temperature: 1 });
    await h.until(() => h.of('sampleResult').length >= 1);
    await h.send({ type: 'step', n: 1 });
    await h.until(() => h.of('metrics').length === 1);
    const at = h.events.findIndex((e) => e.type === 'metrics');
    const before = h.events.slice(0, at).filter((e) => e.type === 'sampleResult');
    const after = h.events.slice(at).filter((e) => e.type === 'sampleResult');
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(after.length).toBeGreaterThanOrEqual(1); // the answer was still going when the step ran
    const second = h.send({ type: 'sample', id: 22, prompt: '1+1=', maxNew: 8, temperature: 0 });
    await Promise.all([first, second]);
    await h.session.idle();
    const a = h.of('sampleResult').filter((e) => e.id === 21);
    expect(a.at(-1)!.done).toBe(true);
    expect(a.at(-1)!.stopped).toMatch(/newer question/);
    expect(a.at(-1)!.experts).toBeUndefined();
    const b = h.of('sampleResult').filter((e) => e.id === 22);
    expect(b.at(-1)).toMatchObject({ done: true, step: 1 });
    expect(b.at(-1)!.stopped).toBeUndefined();
  });
});
