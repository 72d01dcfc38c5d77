import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, KNOBS, mergeConfig } from '../core/config';
import { classifyAha, ahaRates } from '../rl/aha';
import type { EvalResult } from './evaluate';
import type { GrpoMetrics, GrpoSample } from './grpo';
import { MAX_STEPS_PER_COMMAND, parseCommand, parseEvent, ProtocolError } from './parse';
import { COMMAND_TYPES, EVENT_TYPES, PROTOCOL_VERSION as v, type Command, type TrainerEvent } from './protocol';
import { QUICK_CONFIG } from './quick';

const commands: Command[] = [
  { type: 'init', v, config: QUICK_CONFIG },
  { type: 'init', v, config: QUICK_CONFIG, prefer: 'cpu', weights: { params: Float32Array.of(1, 2, 3), routerBias: Float32Array.of(-0.5) } },
  { type: 'play', v },
  { type: 'pause', v },
  { type: 'step', v, n: 3 },
  { type: 'reset', v },
  { type: 'evaluate', v },
  { type: 'sample', v, id: 4, prompt: '47+85=', maxNew: 20, temperature: 0 },
  { type: 'sample', v, id: 5, prompt: '<bos>1+2=', maxNew: 8, temperature: 0.7, seed: 99 },
  { type: 'exportCheckpoint', v },
  { type: 'setLive', v, values: { 'grpo.lr': 1e-3, 'grpo.beta': 0.04, 'sampling.temperature': 0.7 } },
  { type: 'fault', v, kind: 'nan-loss' },
  { type: 'fault', v, kind: 'gpu-oom' },
  { type: 'setEngine', v, prefer: 'cpu' },
  { type: 'setEngine', v, prefer: 'auto' },
  { type: 'init', v, config: QUICK_CONFIG, prefer: 'auto' },
];

const aha = classifyAha('<think>5<wait>7</think><answer>7</answer><eos>', 7);
const evalResult: EvalResult = {
  problems: 16,
  greedy: { accuracy: 0.25, meanLength: 11.5, aha: ahaRates([aha]) },
  sampled: { accuracy: 0.125, meanLength: 12, aha: ahaRates([]) },
};
const metrics: GrpoMetrics = {
  step: 2, reward: 0.5, rewards: { format: 0.75, accuracy: 0.25, overlong: 0 }, rewardStd: 0.3, fracRewardZeroStd: 0.25, keptGroups: 4,
  completionLength: { mean: 10.5, min: 4, max: 24 }, clippedRatio: 0.125, loss: -0.01, policyLoss: -0.01, kl: 0, entropy: 1.2,
  clipRatio: { low: 0, high: 0, region: 0 }, meanRatio: 1, gradNorm: 0.8, lr: 3e-3, expertLoad: [[0.25, 0.25, 0.3, 0.2]], auxLoss: 0,
  stepTime: 120, tokensPerSec: 2800, aha: ahaRates([aha]), skipped: false,
};
const sample: GrpoSample = {
  group: 0, prompt: '<bos>5+2=', completion: '<think>5<wait>7</think><answer>7</answer><eos>', expected: 7,
  reward: { format: 1, accuracy: 1, overlong: 0, total: 2 }, advantage: 0.9, kept: true,
  tokens: Int32Array.of(3, 20, 7, 21), truncated: false, logpOld: Float32Array.of(-0.1, -2, -0.5, -0.01),
  logp: Float32Array.of(-0.1, -2, -0.5, -0.01), ratio: Float32Array.of(1, 1, 1, 1), kl: null, clip: Int8Array.of(0, 0, 1, -1), aha,
};
const events: TrainerEvent[] = [
  { type: 'status', v, state: 'idle', step: 0, backend: null, backendLabel: '', message: 'hello' },
  { type: 'status', v, state: 'pretraining', step: 0, backend: 'cpu', backendLabel: 'CPU fallback: x', message: 'p', pretrain: { metrics: { step: 4, loss: 2.5, gradNorm: 1, lr: 1e-3, heldOutLoss: 2.6 }, total: 100 } },
  { type: 'metrics', v, metrics },
  { type: 'metrics', v, metrics, evaluation: evalResult },
  { type: 'samples', v, step: 2, samples: [sample] },
  { type: 'evaluation', v, step: 10, result: evalResult },
  { type: 'sampleResult', v, id: 4, prompt: '1+2=', completion: '<answer>3', tokens: Int32Array.of(5, 6), logp: Float32Array.of(-1, -2), done: false, step: 0 },
  {
    type: 'sampleResult', v, id: 4, prompt: '1+2=', completion: '<answer>3</answer>', tokens: Int32Array.of(5, 6, 7), logp: Float32Array.of(-1, -2, -3), done: true, step: 2,
    experts: { L: 2, k: 1, E: 4, idx: Uint8Array.of(0, 3, 1, 1, 2, 0) },
  },
  {
    type: 'checkpoint', v, step: 30, configJson: JSON.stringify(QUICK_CONFIG),
    tensors: [{ name: 'wte', shape: [2, 2], offset: 0, size: 4, decay: true, init: 'normal' }],
    params: Float32Array.of(1, 2, 3, 4).buffer, routerBias: Float32Array.of(0.5).buffer,
    adamM: Float32Array.of(0.1, 0.2, 0.3, 0.4).buffer, adamV: Float32Array.of(1, 1, 1, 1).buffer, adamStep: 30,
    baseParams: Float32Array.of(0, 0, 0, 0).buffer, baseRouterBias: Float32Array.of(0).buffer, tag: 'persist',
  },
  { type: 'error', v, message: 'GRPO step 3: the gradient norm is NaN', step: 3, recoverable: true },
  { type: 'recovered', v, lostAt: 17, step: 10, redone: 7, message: 'GPU device lost at step 17; restored the checkpoint of step 10 on a new device; 7 steps redone' },
  { type: 'progress', v, step: 12, phase: 'evaluation' },
  {
    type: 'stage', v, report: {
      kind: 'rejection', step: 75,
      rejection: {
        k: 8, prompts: 2, sampled: 16, kept: 5, promptsCovered: 2, dropped: { format: 3, wrong: 6, waits: 0, unreadable: 2 },
        readable: true, temperature: 1, keptMeanLength: 21.4, keptReflection: 0.4,
      },
      examples: [{ prompt: '<bos>3;5;7=5', completion: '<think>3-5+7=5</think><answer>3-5+7</answer><eos>', tokens: 14, waits: 0, reason: null }],
      sft: { examples: 5, steps: 2, lr: 5e-4, rows: 5, loss: [0.9, 0.7], heldOutLoss: 0.8 },
      seconds: { sampling: 1.5, sft: 0.2 },
    },
  },
];

/** parse(x) throws a ProtocolError whose message matches re. */
function rejects(parse: (x: unknown) => unknown, x: unknown, re: RegExp): void {
  let caught: unknown = null;
  try {
    parse(x);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as Error).message).toMatch(re);
}

describe('protocol round trips', () => {
  it('covers every command and event type', () => {
    expect(new Set(commands.map((c) => c.type))).toEqual(new Set(COMMAND_TYPES));
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it('every command survives structuredClone and parseCommand unchanged', () => {
    for (const c of commands) expect(parseCommand(structuredClone(c))).toEqual(c);
  });

  it('every event survives structuredClone and parseEvent unchanged, typed arrays included', () => {
    for (const e of events) expect(parseEvent(structuredClone(e))).toEqual(e);
    const back = parseEvent(structuredClone(events[4]!));
    if (back.type !== 'samples') throw new Error('expected samples');
    expect(back.samples[0]!.tokens).toBeInstanceOf(Int32Array);
    expect(Array.from(back.samples[0]!.clip!)).toEqual([0, 0, 1, -1]);
    const sr = parseEvent(structuredClone(events[7]!));
    if (sr.type !== 'sampleResult' || !sr.experts) throw new Error('expected the final sampleResult');
    expect(sr.experts.idx).toBeInstanceOf(Uint8Array);
    expect(Array.from(sr.experts.idx)).toEqual([0, 3, 1, 1, 2, 0]);
    const ck = parseEvent(structuredClone(events[8]!));
    if (ck.type !== 'checkpoint') throw new Error('expected checkpoint');
    expect(Array.from(new Float32Array(ck.params))).toEqual([1, 2, 3, 4]);
  });

  it('init fills fields missing from a partial config with the defaults', () => {
    const c = parseCommand({ type: 'init', v, config: { seed: 11 } });
    if (c.type !== 'init') throw new Error('expected init');
    expect(c.config.seed).toBe(11);
    expect(c.config).toEqual({ ...DEFAULT_CONFIG, seed: 11 });
  });
});

describe('parseCommand rejects malformed messages, naming the field', () => {
  it('non-objects, unknown types and wrong versions', () => {
    rejects(parseCommand, null, /command must be an object, got null/);
    rejects(parseCommand, 'play', /command must be an object, got "play"/);
    rejects(parseCommand, [1], /got an array/);
    rejects(parseCommand, { v }, /field "type" must be one of init, play, .*got undefined/);
    rejects(parseCommand, { type: 'jump', v }, /field "type" .* got "jump"/);
    rejects(parseCommand, { type: 'play' }, /command play: field "v" must be the protocol version 1, got undefined/);
    rejects(parseCommand, { type: 'play', v: 2 }, /field "v" .* got 2/);
  });

  it('step(n) needs a positive integer within the cap', () => {
    rejects(parseCommand, { type: 'step', v }, /command step: field "n" must be an integer in \[1, 100000\], got undefined/);
    rejects(parseCommand, { type: 'step', v, n: 0 }, /field "n" .* got 0/);
    rejects(parseCommand, { type: 'step', v, n: 2.5 }, /field "n" .* got 2.5/);
    rejects(parseCommand, { type: 'step', v, n: '3' }, /field "n" .* got "3"/);
    rejects(parseCommand, { type: 'step', v, n: MAX_STEPS_PER_COMMAND + 1 }, /field "n"/);
    expect(parseCommand({ type: 'step', v, n: MAX_STEPS_PER_COMMAND })).toEqual({ type: 'step', v, n: MAX_STEPS_PER_COMMAND });
  });

  it('fault needs one of the known kinds (whether the session accepts it at all is the session\'s call)', () => {
    rejects(parseCommand, { type: 'fault', v }, /command fault: field "kind" must be one of nan-loss, inf-grad, lose-device, gpu-oom, got undefined/);
    rejects(parseCommand, { type: 'fault', v, kind: 'NaN-LOSS' }, /field "kind" .* got "NaN-LOSS"/);
    rejects(parseCommand, { type: 'fault', v, kind: ['nan-loss'] }, /field "kind" .* got an array/);
  });

  it('sample checks id, prompt, maxNew, temperature and seed', () => {
    const ok = { type: 'sample', v, id: 1, prompt: '1+1=', maxNew: 8, temperature: 1 };
    rejects(parseCommand, { ...ok, id: undefined }, /command sample: field "id" must be an integer/);
    rejects(parseCommand, { ...ok, prompt: '' }, /field "prompt" must be a non-empty string, got ""/);
    rejects(parseCommand, { ...ok, prompt: 7 }, /field "prompt" .* got 7/);
    rejects(parseCommand, { ...ok, maxNew: 0 }, /field "maxNew" must be an integer in \[1, 256\], got 0/);
    rejects(parseCommand, { ...ok, temperature: -1 }, /field "temperature" must be a number in \[0, 10\], got -1/);
    rejects(parseCommand, { ...ok, temperature: Number.NaN }, /field "temperature" .* got NaN/);
    rejects(parseCommand, { ...ok, seed: -1 }, /field "seed"/);
  });

  it('init names the config field that cannot run, and checks prefer and weights', () => {
    rejects(parseCommand, { type: 'init', v }, /command init: field "config" must be a RunConfig, got undefined/);
    rejects(parseCommand, { type: 'init', v, config: 5 }, /field "config" cannot run: RunConfig must be an object, got 5/);
    rejects(parseCommand, { type: 'init', v, config: mergeConfig(QUICK_CONFIG, { model: { dModel: 33 } }) }, /field "config" cannot run: .*model\.nHeads = 2: must divide model\.dModel \(33\)/);
    rejects(parseCommand, { type: 'init', v, config: mergeConfig(QUICK_CONFIG, { grpo: { groupSize: 0 } }) }, /grpo\.groupSize = 0/);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, prefer: 'tpu' }, /field "prefer" must be "auto", "webgpu" or "cpu", got "tpu"/);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, weights: null }, /field "weights" must be an object/);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, weights: { params: [1, 2], routerBias: new Float32Array(1) } }, /field "weights.params" must be a Float32Array, got an array/);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, weights: { params: new Float32Array(2), routerBias: new Float64Array(1) } }, /field "weights.routerBias" must be a Float32Array/);
  });

  it('init resume needs the base weights, four Float32Arrays and integer steps; exportCheckpoint tag a string', () => {
    const w = { params: new Float32Array(2), routerBias: new Float32Array(1) };
    const rs = { step: 3, adamStep: 3, params: new Float32Array(2), routerBias: new Float32Array(1), m: new Float32Array(2), v: new Float32Array(2) };
    expect(parseCommand({ type: 'init', v, config: QUICK_CONFIG, weights: w, resume: rs })).toMatchObject({ resume: { step: 3, adamStep: 3 } });
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, resume: rs }, /field "weights" must be present with resume/);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, weights: w, resume: { ...rs, m: [0, 0] } }, /field "resume.m" must be a Float32Array, got an array/);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, weights: w, resume: { ...rs, step: -1 } }, /field "step" must be an integer in \[0, /);
    rejects(parseCommand, { type: 'init', v, config: QUICK_CONFIG, weights: w, resume: { ...rs, adamStep: 1.5 } }, /field "adamStep"/);
    rejects(parseCommand, { type: 'exportCheckpoint', v, tag: 7 }, /command exportCheckpoint: field "tag" must be a string, got 7/);
  });
});

describe('parseCommand setLive accepts only live knobs, each checked against the knob table', () => {
  it('refuses an empty or non-object values, unknown paths, non-live knobs and out-of-range values', () => {
    rejects(parseCommand, { type: 'setLive', v }, /command setLive: field "values" must be a non-empty object .*got undefined/);
    rejects(parseCommand, { type: 'setLive', v, values: {} }, /field "values" must be a non-empty object/);
    rejects(parseCommand, { type: 'setLive', v, values: [1] }, /field "values" .*got an array/);
    rejects(parseCommand, { type: 'setLive', v, values: { 'grpo.lrr': 1 } }, /field "values\.grpo\.lrr" is not a knob/);
    rejects(parseCommand, { type: 'setLive', v, values: { __proto__: 1 } }, /field "values"/);
    rejects(parseCommand, { type: 'setLive', v, values: { 'grpo.groupSize': 4 } }, /field "values\.grpo\.groupSize" is not a live knob; changing it needs a new init/);
    rejects(parseCommand, { type: 'setLive', v, values: { 'grpo.lr': 0.5 } }, /field "values\.grpo\.lr": grpo\.lr = 0\.5: out of range, allowed \[1e-7, 0\.1\]/);
    rejects(parseCommand, { type: 'setLive', v, values: { 'sampling.topK': 1.5 } }, /sampling\.topK = 1\.5: must be an integer/);
    rejects(parseCommand, { type: 'setLive', v, values: { 'grpo.beta': '0.1' } }, /grpo\.beta = "0\.1": must be a finite number/);
    rejects(parseCommand, { type: 'setLive', v, values: { 'grpo.beta': 0.1, 'grpo.epsHigh': Number.NaN } }, /values\.grpo\.epsHigh/);
  });

  it('every live knob of the table is accepted at its bounds', () => {
    for (const k of KNOBS.filter((x) => x.live)) {
      if (k.kind !== 'int' && k.kind !== 'float') throw new Error(`live knob ${k.path} is not numeric: add a case here`);
      for (const x of [k.min, k.max]) expect(parseCommand({ type: 'setLive', v, values: { [k.path]: x } })).toEqual({ type: 'setLive', v, values: { [k.path]: x } });
    }
  });
});

describe('parseEvent rejects malformed events, naming the field', () => {
  it('checks the top-level fields of each type', () => {
    rejects(parseEvent, { type: 'metrics', v }, /event metrics: field "metrics" must be of type object, got undefined/);
    rejects(parseEvent, { type: 'status', v, state: 'sleeping', step: 0, backendLabel: '', message: '' }, /event status: field "state" must be one of idle, .*got "sleeping"/);
    rejects(parseEvent, { type: 'samples', v, step: 1, samples: {} }, /event samples: field "samples" must be an array/);
    rejects(parseEvent, { type: 'stage', v }, /event stage: field "report" must be of type object, got undefined/);
    rejects(parseEvent, { type: 'stage', v, report: { kind: 'sft', step: 0, sft: { loss: [] } } }, /event stage: field "report.kind" must be one of coldStart, distill, rejection/);
    rejects(parseEvent, { type: 'stage', v, report: { kind: 'coldStart', step: -1, sft: { loss: [] } } }, /event stage: field "report.step" must be an integer >= 0/);
    rejects(parseEvent, { type: 'sampleResult', v, id: 1, prompt: '', completion: '', tokens: [1], logp: new Float32Array(1) }, /field "tokens" must be a Int32Array/);
    const ok = { type: 'sampleResult', v, id: 1, prompt: '1=', completion: '', tokens: Int32Array.of(3, 4), logp: new Float32Array(2), step: 0 };
    rejects(parseEvent, ok, /event sampleResult: field "done" must be of type boolean, got undefined/);
    rejects(parseEvent, { ...ok, done: true, experts: { L: 2, k: 2, E: 4, idx: new Uint8Array(4) } }, /field "experts.idx" must be of length tokens\*L\*k = 8, got 4/);
    rejects(parseEvent, { ...ok, done: true, experts: { L: 1, k: 1, E: 4, idx: [0, 1] } }, /field "experts" must be an object/);
    rejects(parseEvent, { type: 'checkpoint', v, step: 1, configJson: '{}', tensors: [], params: new Float32Array(1), routerBias: new ArrayBuffer(4) }, /field "params" must be a ArrayBuffer/);
    rejects(parseEvent, { type: 'error', v, message: 'x', step: 0 }, /event error: field "recoverable" must be of type boolean, got undefined/);
    rejects(parseEvent, { type: 'status', v: 0 }, /event status: field "v"/);
  });
});
