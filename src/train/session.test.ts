// The session on the CPU backend (Node has no navigator.gpu, so createBackend
// falls back), checked against the trainer driven directly: same base, same
// seed -> the same metrics, evaluations and samples as the events carry.

import { beforeAll, describe, expect, it } from 'vitest';
import { mergeConfig, type RunConfig } from '../core/config';
import { encode } from '../core/tokenizer';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { generate } from '../model/generate';
import { createBackend, type Backend } from '../model/backend';
import { GpuError } from '../gpu/runtime';
import { createActivations, createModel, forward } from '../model/model';
import { rollout } from '../rl/rollout';
import { initParams } from '../model/params';
import { heldOutSet } from '../tasks/split';
import { createEvaluator, evaluate } from './evaluate';
import { createGrpoTrainer, grpoStep, type GrpoMetrics } from './grpo';
import { createPretrainer, pretrain } from './pretrain';
import { PROTOCOL_VERSION as v, type CommandType, type EventOf, type EventType, type TrainerEvent } from './protocol';
import { QUICK_CONFIG } from './quick';
import { createSession, type SessionOptions } from './session';

// QUICK_CONFIG's base (100 pretraining steps: enough for some reward, so the
// updates are not all zero), no automatic evaluation unless a test asks.
const CFG: RunConfig = mergeConfig(QUICK_CONFIG, { grpo: { evalEvery: 10000 } });

let base: { params: Float32Array; routerBias: Float32Array };

async function directBase(cfg: RunConfig) {
  const ops = createCpuOps('f32');
  const model = createModel(ops, cfg);
  ops.write(model.params, initParams(cfg, model.table));
  await pretrain(createPretrainer(ops, model, { heldOutEvery: 1000 }));
  return { params: Float32Array.from(model.params), routerBias: Float32Array.from(model.routerBias) };
}

/** The trainer driven without a session, from the base: the oracle for the events. */
async function directSteps(cfg: RunConfig, steps: number): Promise<GrpoMetrics[]> {
  const ops = createCpuOps('f32');
  const model = createModel(ops, cfg);
  ops.write(model.params, base.params);
  ops.write(model.routerBias, base.routerBias);
  const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
  const out: GrpoMetrics[] = [];
  for (let s = 0; s < steps; s++) out.push((await grpoStep(tr)).metrics);
  return out;
}

beforeAll(async () => {
  base = await directBase(CFG);
}, 60_000);

type Cmd = { type: CommandType } & Record<string, unknown>;

function harness(opts: SessionOptions = {}) {
  const events: TrainerEvent[] = [];
  const session = createSession((e) => events.push(e), opts);
  const of = <T extends EventType>(type: T) => events.filter((e): e is EventOf<T> => e.type === type);
  const send = (c: Cmd) => session.handle({ v, ...c });
  /** Polls (macrotask by macrotask) until pred holds. */
  const until = async (pred: () => boolean) => {
    for (let i = 0; !pred(); i++) {
      if (i > 100_000) throw new Error('until: gave up');
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  const initWithBase = async (cfg: RunConfig = CFG) => {
    await send({ type: 'init', config: cfg, weights: { params: base.params.slice(), routerBias: base.routerBias.slice() } });
    await session.idle();
  };
  return { session, events, of, send, until, initWithBase };
}

const strip = (m: GrpoMetrics) => ({ ...m, stepTime: 0, tokensPerSec: 0 });

describe('trainer session on the CPU backend', () => {
  it('init pretrains the base in the session (progress as status events) exactly as pretrain() does', async () => {
    const cfg = mergeConfig(CFG, { corpus: { pretrainSteps: 12 } }); // plumbing: a short pretraining
    const want = await directBase(cfg);
    const h = harness({ pretrainReports: 4 });
    await h.send({ type: 'init', config: cfg });
    await h.session.idle();
    const st = h.of('status');
    expect(st[0]!.state).toBe('pretraining');
    const progress = st.filter((e) => e.pretrain).map((e) => e.pretrain!.metrics.step + 1);
    expect(progress).toEqual([3, 6, 9, 12]); // every floor(12/4) steps, the last included
    expect(st.every((e) => e.pretrain === undefined || e.pretrain.total === 12)).toBe(true);
    const last = st.at(-1)!;
    expect(last.state).toBe('ready');
    expect(last.backend).toBe('cpu');
    expect(last.backendLabel).toMatch(/^CPU fallback: .*navigator\.gpu/);
    expect(h.session.state).toBe('ready');
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const ck = h.of('checkpoint')[0]!;
    expect(ck.step).toBe(0);
    expect(JSON.parse(ck.configJson)).toEqual(cfg);
    expect(new Float32Array(ck.params)).toEqual(want.params);
    expect(new Float32Array(ck.routerBias)).toEqual(want.routerBias);
    expect(ck.tensors.at(-1)!.offset + ck.tensors.at(-1)!.size).toBeLessThanOrEqual(want.params.length);
    expect(h.of('error')).toEqual([]);
  });

  it('step(3) posts three metrics and samples events with increasing steps, equal to the trainer driven directly', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    const ms = h.of('metrics').map((e) => e.metrics);
    expect(ms.map((m) => m.step)).toEqual([0, 1, 2]);
    expect(ms.map(strip)).toEqual((await directSteps(CFG, 3)).map(strip));
    expect(ms.some((m) => m.reward > 0 && m.gradNorm > 0)).toBe(true); // real updates, not a run of zeros
    const ss = h.of('samples');
    expect(ss.map((e) => e.step)).toEqual([0, 1, 2]);
    for (const e of ss) expect(e.samples.length).toBe(CFG.grpo.batchPrompts * CFG.grpo.groupSize);
    const st = h.of('status').map((e) => `${e.state}@${e.step}`);
    expect(st.slice(-2)).toEqual(['running@0', 'paused@3']);
    expect(h.session.state).toBe('paused');
  });

  it('pause stops after the step in flight; step(n) runs exactly n more; evaluate runs between two steps while playing', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    await h.send({ type: 'evaluate' });
    // the first evaluation is the base model's, posted by init at step 0
    await h.until(() => h.of('evaluation').length === 2);
    expect(h.of('evaluation')[0]!.step).toBe(0);
    await h.send({ type: 'pause' });
    await h.session.idle();
    const ms = h.of('metrics');
    const asked = h.of('evaluation')[1]!;
    const evStep = asked.step;
    // the evaluation came between steps: it saw exactly the steps whose metrics preceded it
    expect(evStep).toBe(h.events.filter((e, i) => e.type === 'metrics' && i < h.events.indexOf(asked)).length);
    expect(ms.length).toBeGreaterThanOrEqual(1);
    expect(ms.length).toBeLessThanOrEqual(evStep + 2); // the step in flight at pause, and no other
    expect(h.session.state).toBe('paused');
    // the pause was acknowledged when it arrived, before the stop
    const st = h.of('status').map((e) => e.message);
    expect(st.slice(-2)).toEqual(['pausing after the step in flight', `stopped at step ${ms.length}`]);
    const n0 = ms.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(h.of('metrics').length).toBe(n0); // really stopped
    await h.send({ type: 'step', n: 2 });
    await h.session.idle();
    expect(h.of('metrics').map((e) => e.metrics.step)).toEqual(Array.from({ length: n0 + 2 }, (_, i) => i));
    // step(n) while playing: n more after the one in flight, then stop
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= n0 + 3);
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    const total = h.of('metrics').length;
    expect(total).toBeGreaterThanOrEqual(n0 + 4);
    expect(total).toBeLessThanOrEqual(n0 + 5);
    expect(h.of('status').at(-1)!).toMatchObject({ state: 'paused', step: total });
    // the evaluation equals evaluate() on the weights after evStep steps
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
    for (let s = 0; s < evStep; s++) await grpoStep(tr);
    expect(asked.result).toEqual(await evaluate(createEvaluator(ops, createCpuDecodeOps(), model), model));
  });

  it('a pause that arrives inside a step (as on WebGPU, where a step awaits the GPU) stops after it, and step(1) then takes exactly one', async () => {
    let onRead: (() => void) | null = null;
    const h = harness({
      createBackend: async (cfg) => {
        const b = await createBackend(cfg, { prefer: 'cpu' });
        const ops = b.ops as unknown as { read(x: unknown): Promise<Float32Array> };
        const read = ops.read.bind(ops);
        ops.read = (x) => {
          const hook = onRead;
          onRead = null;
          hook?.();
          return read(x);
        };
        return b;
      },
    });
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    onRead = () => void h.send({ type: 'pause' }); // inside the next step's first read
    await h.session.idle();
    const n0 = h.of('metrics').length;
    expect(n0).toBe(2); // the step the pause landed in finished; none followed
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('metrics').map((e) => e.metrics.step)).toEqual([0, 1, 2]);
    expect(h.session.state).toBe('paused');
  });

  it('reset returns to step 0 and replays identical metrics (same seed)', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    await h.send({ type: 'reset' });
    await h.session.idle();
    expect(h.of('status').at(-1)!).toMatchObject({ state: 'ready', step: 0 });
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    const ms = h.of('metrics').map((e) => e.metrics);
    expect(ms.map((m) => m.step)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(ms.slice(3).map(strip)).toEqual(ms.slice(0, 3).map(strip));
    const ss = h.of('samples');
    expect(ss.slice(3)).toEqual(ss.slice(0, 3)); // completions, log-probs, advantages: all replayed
    expect(ss[1]!.samples.map((x) => x.prompt)).not.toEqual(ss[0]!.samples.map((x) => x.prompt)); // while steps differ among themselves
  });

  it('evaluates every grpo.evalEvery steps, inside the metrics event, as the evaluate command does', async () => {
    const cfg = mergeConfig(CFG, { grpo: { evalEvery: 2 } });
    const h = harness();
    await h.initWithBase(cfg);
    await h.send({ type: 'step', n: 2 });
    await h.session.idle();
    const ms = h.of('metrics');
    expect(ms[0]!.evaluation).toBeUndefined();
    expect(ms[1]!.evaluation?.problems).toBe(heldOutSet(cfg, cfg.grpo.heldOutSize).length);
    await h.send({ type: 'evaluate' });
    await h.session.idle();
    expect(h.of('evaluation')[1]).toEqual({ type: 'evaluation', v, step: 2, result: ms[1]!.evaluation });
  });

  it('init and reset post the base model evaluation at step 0', async () => {
    const h = harness();
    await h.initWithBase();
    await h.session.idle();
    const ops = createCpuOps('f32');
    const model = createModel(ops, CFG);
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const want = await evaluate(createEvaluator(ops, createCpuDecodeOps(), model), model);
    expect(h.of('evaluation')).toEqual([{ type: 'evaluation', v, step: 0, result: want }]);
    await h.send({ type: 'step', n: 1 });
    await h.send({ type: 'reset' });
    await h.session.idle();
    expect(h.of('evaluation')).toHaveLength(2);
    expect(h.of('evaluation')[1]).toEqual({ type: 'evaluation', v, step: 0, result: want });
  });

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

  it('a malformed command, or one before init, yields an error event and the session keeps working', async () => {
    const h = harness();
    await h.send({ type: 'play' });
    expect(h.of('error')[0]!.message).toMatch(/no model yet: send init first/);
    await h.session.handle({ type: 'step', v, n: -2 });
    await h.session.handle('not even an object');
    await h.session.handle({ type: 'exportCheckpoint' });
    const errs = h.of('error');
    expect(errs.map((e) => e.recoverable)).toEqual([true, true, true, true]);
    expect(errs[1]!.message).toMatch(/command step: field "n"/);
    expect(errs[2]!.message).toMatch(/command must be an object/);
    expect(errs[3]!.message).toMatch(/field "v"/);
    expect(h.session.state).toBe('idle');
    await h.initWithBase();
    await h.session.handle({ type: 'init', v, config: { model: { nHeads: 3 } } });
    expect(h.of('error').at(-1)!.message).toMatch(/command init: field "config" cannot run: model\.nHeads = 3/);
    expect(h.session.state).toBe('ready'); // a refused init leaves the running session alone
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('metrics').length).toBe(1);
  });

  it('init with weights of the wrong size fails clearly and leaves the session idle', async () => {
    const h = harness();
    await h.send({ type: 'init', config: CFG, weights: { params: new Float32Array(5), routerBias: base.routerBias.slice() } });
    await h.session.idle();
    const err = h.of('error')[0]!;
    expect(err.recoverable).toBe(false);
    expect(err.message).toBe(`init: weights have 5 params and ${base.routerBias.length} router biases; this config needs ${base.params.length} and ${base.routerBias.length}`);
    expect(h.session.state).toBe('idle');
  });

  it('setLive changes live knobs before the next step, as changing the trainer config between steps does; a config that cannot train is refused', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    await h.send({ type: 'setLive', values: { 'grpo.lr': 1e-3, 'sampling.temperature': 0.5, 'grpo.beta': 0.04 } });
    await h.session.idle();
    expect(h.of('status').at(-1)!.message).toBe('grpo.lr = 0.001, sampling.temperature = 0.5, grpo.beta = 0.04 from step 1');
    expect(h.of('status').at(-1)!.state).toBe('paused');
    await h.send({ type: 'setLive', values: { 'sampling.topP': 0.5 } }); // in range for the knob, refused by the trainer
    await h.session.idle();
    expect(h.of('error').map((e) => e.message)).toEqual([expect.stringMatching(/^setLive: sampling\.topP = 0\.5: nucleus sampling is not implemented/)]);
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    const ms = h.of('metrics').map((e) => e.metrics);
    expect(ms.map((m) => m.lr)).toEqual([CFG.grpo.lr, 1e-3]); // constant schedule, no warmup
    expect(ms[0]!.kl).toBe(0); // beta 0: no reference pass
    expect(ms[1]!.kl).toBeGreaterThan(0); // beta 0.04 after one update: the policy has moved off the reference
    // oracle: the trainer driven directly, its config changed between the two steps
    const ops = createCpuOps('f32');
    const model = createModel(ops, mergeConfig(CFG, {}));
    ops.write(model.params, base.params);
    ops.write(model.routerBias, base.routerBias);
    const tr = createGrpoTrainer(ops, createCpuDecodeOps(), model);
    const want = [(await grpoStep(tr)).metrics];
    Object.assign(tr.cfg.grpo, { lr: 1e-3, beta: 0.04 });
    tr.cfg.sampling.temperature = 0.5;
    want.push((await grpoStep(tr)).metrics);
    expect(ms.map(strip)).toEqual(want.map(strip));
  });

  it('a NaN step posts an error, pauses, and keeps the last good weights', async () => {
    const h = harness();
    // A NaN in a norm weight poisons every forward; the grad-norm check throws before AdamW.
    const params = base.params.slice();
    const model = createModel(createCpuOps('f32'), CFG);
    const lnf = model.table.tensors.find((t) => t.name === 'lnf')!;
    params[lnf.offset] = Number.NaN;
    await h.send({ type: 'init', config: CFG, weights: { params, routerBias: base.routerBias.slice() } });
    await h.session.idle();
    await h.send({ type: 'play' });
    await h.session.idle();
    const err = h.of('error')[0]!;
    expect(err.recoverable).toBe(true);
    expect(err.message).toMatch(/GRPO step 0 .*NaN.*not applied/);
    expect(h.of('metrics')).toEqual([]);
    expect(h.session.state).toBe('paused');
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const ck = h.of('checkpoint')[0]!;
    expect(ck.step).toBe(0);
    expect(new Float32Array(ck.params)).toEqual(params); // untouched, the planted NaN and all
  });
});

describe('resume from a checkpoint', () => {
  it('a run saved after 2 steps and resumed in a new session takes steps 2 and 3 exactly as an uninterrupted run', async () => {
    // mu = 2 and beta > 0: AdamW's own step count (2 per GRPO step) and the KL reference (the base, not the saved weights) both matter
    const cfg = mergeConfig(CFG, { grpo: { mu: 2, beta: 0.04 } });
    const whole = harness();
    await whole.initWithBase(cfg);
    await whole.send({ type: 'step', n: 4 });
    await whole.session.idle();
    const want = whole.of('metrics').map((e) => strip(e.metrics));
    expect(want.map((m) => m.step)).toEqual([0, 1, 2, 3]);

    const first = harness();
    await first.initWithBase(cfg);
    await first.send({ type: 'step', n: 2 });
    await first.session.idle();
    await first.send({ type: 'exportCheckpoint', tag: 'persist' });
    await first.session.idle();
    const ck = first.of('checkpoint')[0]!;
    expect(ck.tag).toBe('persist');
    expect(ck.step).toBe(2);
    expect(ck.adamStep).toBe(4);
    expect(new Float32Array(ck.baseParams)).toEqual(base.params);
    expect(new Float32Array(ck.adamV).some((x) => x > 0)).toBe(true);

    const second = harness();
    await second.send({
      type: 'init', config: cfg, weights: { params: new Float32Array(ck.baseParams), routerBias: new Float32Array(ck.baseRouterBias) },
      resume: { step: ck.step, adamStep: ck.adamStep, params: new Float32Array(ck.params), routerBias: new Float32Array(ck.routerBias), m: new Float32Array(ck.adamM), v: new Float32Array(ck.adamV) },
    });
    await second.session.idle();
    const st = second.of('status').at(-1)!;
    expect([st.state, st.step]).toEqual(['paused', 2]);
    expect(second.of('evaluation')).toEqual([]); // the saved run has its step-0 evaluation already
    await second.send({ type: 'step', n: 2 });
    await second.session.idle();
    expect(second.of('metrics').map((e) => strip(e.metrics))).toEqual(want.slice(2));
    expect(second.of('error')).toEqual([]);
    // reset goes back to the base, not to the resumed weights
    await second.send({ type: 'reset' });
    await second.send({ type: 'exportCheckpoint' });
    await second.session.idle();
    const after = second.of('checkpoint')[0]!;
    expect([after.step, after.adamStep]).toEqual([0, 0]);
    expect(new Float32Array(after.params)).toEqual(base.params);
  }, 60_000);

  it('a resume whose buffers do not fit the config fails init with the name of the buffer', async () => {
    const h = harness();
    const n = base.params.length;
    await h.send({
      type: 'init', config: CFG, weights: { params: base.params.slice(), routerBias: base.routerBias.slice() },
      resume: { step: 1, adamStep: 1, params: base.params.slice(), routerBias: base.routerBias.slice(), m: new Float32Array(n - 1), v: new Float32Array(n) },
    });
    await h.session.idle();
    expect(h.of('error')[0]!.message).toMatch(/init: resume: m has \d+ entries; this config needs \d+/);
    expect(h.session.state).toBe('idle');
  });
});

/**
 * A stand-in for a WebGPU backend on the CPU ops: destroy() loses the device
 * as a real one does (device.lost resolves later; the runtime tells its
 * subscribers), and a test can raise any GpuError through the subscribers.
 */
function fakeGpuBackends() {
  const made: { raise(e: GpuError): void; destroyed: boolean }[] = [];
  const createBackend = async (): Promise<Backend> => {
    const cpu = await createCpuBackend();
    const listeners = new Set<(e: GpuError) => void>();
    const dev = {
      destroyed: false,
      raise: (e: GpuError) => listeners.forEach((fn) => fn(e)),
    };
    const device = {
      destroy() {
        dev.destroyed = true;
        setTimeout(() => dev.raise(new GpuError('GPU device lost (destroyed): Device was destroyed.', 'lost')), 0);
      },
    };
    made.push(dev);
    const gpu = { device, subscribe: (fn: (e: GpuError) => void) => (listeners.add(fn), () => void listeners.delete(fn)) };
    return { ...cpu, kind: 'webgpu', gpu, label: `fake GPU ${made.length}` } as unknown as Backend;
  };
  return { made, createBackend };
}
const createCpuBackend = () => createBackend(CFG, { prefer: 'cpu' });

describe('faults', () => {
  it('a fault command is refused unless the session was started with faults on; a bad kind is named', async () => {
    const h = harness();
    await h.initWithBase();
    await h.send({ type: 'fault', kind: 'nan-loss' });
    await h.send({ type: 'fault', kind: 'melt' });
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    const errs = h.of('error').map((e) => e.message);
    expect(errs[0]).toMatch(/fault injection is off/);
    expect(errs[1]).toMatch(/command fault: field "kind" must be one of nan-loss, inf-grad, lose-device, gpu-oom, got "melt"/);
    expect(errs.length).toBe(2); // the step after ran clean: nothing was armed
    expect(h.of('metrics').map((e) => strip(e.metrics))).toEqual((await directSteps(CFG, 1)).map(strip));
  });

  it('nan-loss and inf-grad stop their step, naming it and the cause; the weights stay; the next step is the one an unfaulted run takes', async () => {
    const h = harness({ faults: true });
    await h.initWithBase();
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const before = new Float32Array(h.of('checkpoint')[0]!.params);
    for (const [kind, cause] of [['nan-loss', /GRPO step 1 \(inner iteration 0\): the loss is NaN; the update was not applied/], ['inf-grad', /GRPO step 1 \(inner iteration 0\): the gradient norm is Infinity; the update was not applied/]] as const) {
      await h.send({ type: 'fault', kind });
      await h.send({ type: 'step', n: 1 });
      await h.session.idle();
      const err = h.of('error').at(-1)!;
      expect(err.message).toMatch(cause);
      expect([err.step, err.recoverable]).toEqual([1, true]);
      expect(h.session.state).toBe('paused');
    }
    expect(h.of('metrics').length).toBe(1);
    await h.send({ type: 'exportCheckpoint' });
    await h.session.idle();
    const ck = h.of('checkpoint')[1]!;
    expect(ck.step).toBe(1);
    expect(new Float32Array(ck.params)).toEqual(before); // the last good weights
    expect(new Float32Array(ck.adamM).every(Number.isFinite)).toBe(true);
    await h.send({ type: 'step', n: 2 }); // each fault fired once: these run clean
    await h.session.idle();
    expect(h.of('metrics').map((e) => strip(e.metrics))).toEqual((await directSteps(CFG, 3)).map(strip));
  }, 30_000);

  it('a lost device while paused: a new device, the in-memory checkpoint restored, the steps since redone (same metrics), back where it was', async () => {
    const fake = fakeGpuBackends();
    const h = harness({ faults: true, snapshotEvery: 2, createBackend: fake.createBackend });
    await h.initWithBase();
    await h.send({ type: 'step', n: 3 });
    await h.session.idle();
    await h.send({ type: 'fault', kind: 'lose-device' });
    await h.until(() => h.of('recovered').length === 1);
    await h.session.idle();
    expect(fake.made.map((d) => d.destroyed)).toEqual([true, false]);
    const rec = h.of('recovered')[0]!;
    expect(rec).toMatchObject({ lostAt: 3, step: 2, redone: 1 });
    expect(rec.message).toBe('GPU device lost at step 3; restored the checkpoint of step 2 on a new device (fake GPU 2); 1 step redone');
    // the restore said "pretraining" at the lost step (not 0: the page must not take it for a reset), then paused at the checkpoint
    const st = h.of('status').map((e) => `${e.state}@${e.step}`);
    expect(st).toContain('pretraining@3');
    expect(st).toContain('paused@2');
    expect(st.at(-1)).toBe('paused@3');
    const steps = h.of('metrics').map((e) => e.metrics);
    expect(steps.map((m) => m.step)).toEqual([0, 1, 2, 2]);
    expect(strip(steps[3]!)).toEqual(strip(steps[2]!)); // the redone step is the same step
    expect(h.of('error')).toEqual([]);
    expect(h.session.state).toBe('paused');
  }, 30_000);

  it('a lost device while playing: recovered, the redone steps equal the trainer driven directly, and it plays on', async () => {
    const fake = fakeGpuBackends();
    const h = harness({ faults: true, snapshotEvery: 2, createBackend: fake.createBackend });
    await h.initWithBase();
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 3);
    await h.send({ type: 'fault', kind: 'lose-device' });
    await h.until(() => h.of('recovered').length === 1);
    const rec = h.of('recovered')[0]!;
    await h.until(() => h.of('metrics').some((e) => e.metrics.step > rec.lostAt)); // back where it was, and on
    await h.send({ type: 'pause' });
    await h.session.idle();
    expect(rec.step % 2).toBe(0);
    expect(rec.redone).toBe(rec.lostAt - rec.step);
    const ms = h.of('metrics').map((e) => e.metrics);
    const want = await directSteps(CFG, Math.max(...ms.map((m) => m.step)) + 1);
    for (const m of ms) expect(strip(m)).toEqual(strip(want[m.step]!));
    expect(h.of('error')).toEqual([]);
  }, 60_000);

  it('an out-of-memory error is named with what the session was doing, and pauses it', async () => {
    const fake = fakeGpuBackends();
    const h = harness({ faults: true, createBackend: fake.createBackend });
    await h.initWithBase();
    fake.made[0]!.raise(new GpuError('WebGPU out-of-memory error: injected', 'out-of-memory'));
    await h.send({ type: 'step', n: 1 });
    await h.session.idle();
    expect(h.of('error')[0]!.message).toBe('GPU out of memory while idle at step 0: WebGPU out-of-memory error: injected');
    expect(h.of('error')[0]!.recoverable).toBe(true);
    await h.send({ type: 'play' });
    await h.until(() => h.of('metrics').length >= 1);
    fake.made[0]!.raise(new GpuError('WebGPU validation error: injected', 'validation'));
    await h.session.idle();
    expect(h.of('error')[1]!.message).toMatch(/^GPU validation error while (taking GRPO step|evaluating after step|keeping the checkpoint of step|idle at step) \d+: WebGPU validation error: injected$/);
    expect(h.session.state).toBe('paused');
  }, 30_000);
});
