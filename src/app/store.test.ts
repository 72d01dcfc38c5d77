import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import type { EvalResult } from '../train/evaluate';
import type { GrpoMetrics, GrpoSample } from '../train/grpo';
import { PROTOCOL_VERSION, type TrainerEvent } from '../train/protocol';
import type { StageReport } from '../train/stages';
import { AHA_FEED_MAX, askedAnswer, HISTORY_STEPS, reduceEvent, useStore, type AppState } from './store';
import { baseMatches, faultsFromLocation, initialConfigFromLocation } from './trainer';
import { QUICK_CONFIG } from '../train/quick';

const v = PROTOCOL_VERSION;
const zeroAha = { reflection: 0, aha: 0, verification: 0, overthinking: 0 };

function metricsAt(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: step / 10, rewards: { format: 0, accuracy: 0, overlong: 0 }, rewardStd: 0, fracRewardZeroStd: 0, keptGroups: 1,
    completionLength: { mean: 5, min: 3, max: 7 }, clippedRatio: 0, loss: 0, policyLoss: 0, kl: 0, entropy: 1,
    clipRatio: { low: 0, high: 0, region: 0 }, meanRatio: 1, gradNorm: 1, lr: 1e-3, expertLoad: [[0.5, 0.5]], auxLoss: 0,
    stepTime: 500, tokensPerSec: 100, aha: zeroAha, skipped: false, ...over,
  };
}

function sample(aha: boolean): GrpoSample {
  return {
    group: 0, prompt: '<bos>1+2=', completion: 'x', expected: 3, reward: { format: 1, accuracy: 1, overlong: 0, total: 2 }, advantage: 0, kept: true,
    tokens: new Int32Array(1), truncated: false, logpOld: new Float32Array(1), logp: null, ratio: null, kl: null, clip: null,
    aha: { reflection: aha, aha, verification: false, overthinking: false, finalAnswer: 3, finalText: '3', candidates: [], candidateRight: [], attempts: 1, waitOffsets: [], span: null },
  };
}

function evalResult(): EvalResult {
  const r = { accuracy: 0.25, meanLength: 5, aha: zeroAha };
  return { problems: 4, greedy: r, sampled: r };
}

function apply(events: TrainerEvent[]): AppState {
  let s = useStore.getInitialState();
  for (const e of events) s = { ...s, ...reduceEvent(s, e) };
  return s;
}

describe('reduceEvent', () => {
  it('appends metrics, tracks the step, steps/s over recent steps and the first aha', () => {
    const s = apply([
      { type: 'metrics', v, metrics: metricsAt(0) },
      { type: 'metrics', v, metrics: metricsAt(1, { aha: { ...zeroAha, aha: 0.1 }, stepTime: 250 }) },
      { type: 'metrics', v, metrics: metricsAt(2, { aha: { ...zeroAha, aha: 0.2 } }) },
    ]);
    expect(s.metrics.map((m) => m.step)).toEqual([0, 1, 2]);
    expect(s.step).toBe(3);
    expect(s.firstAhaStep).toBe(1);
    expect(s.stepsPerSec).toBeCloseTo(3000 / 1250, 10); // 3 steps in 500 + 250 + 500 ms
  });

  it('keeps a bounded ring of step samples and a bounded, newest-first aha feed', () => {
    const events: TrainerEvent[] = [];
    for (let step = 0; step < HISTORY_STEPS + 10; step++) events.push({ type: 'samples', v, step, samples: [sample(true), sample(false), sample(true)] });
    const s = apply(events);
    expect(s.history).toHaveLength(HISTORY_STEPS);
    expect(s.history[0]!.step).toBe(10);
    expect(s.ahaFeed).toHaveLength(Math.min(AHA_FEED_MAX, 2 * (HISTORY_STEPS + 10)));
    expect(s.ahaFeed[0]).toMatchObject({ step: HISTORY_STEPS + 9, index: 2, attempts: 1 });
    expect(s.ahaFeed[1]).toMatchObject({ step: HISTORY_STEPS + 9, index: 0 });
  });

  it('records the base model rates from the step-0 evaluation, and forgets the run on reset', () => {
    const result = { problems: 4, greedy: { accuracy: 0.5, meanLength: 6, aha: zeroAha }, sampled: { accuracy: 0.25, meanLength: 7, aha: { ...zeroAha, reflection: 0.5 } } };
    let s = apply([
      { type: 'evaluation', v, step: 0, result },
      { type: 'metrics', v, metrics: metricsAt(0) },
      { type: 'samples', v, step: 0, samples: [sample(true)] },
    ]);
    expect(s.baseAha?.reflection).toBe(0.5);
    expect(s.evals).toHaveLength(1);
    s = { ...s, ...reduceEvent(s, { type: 'status', v, state: 'ready', step: 0, backend: 'cpu', backendLabel: 'CPU fallback: x', message: 'reset' }) };
    expect(s.metrics).toEqual([]);
    expect(s.history).toEqual([]);
    expect(s.ahaFeed).toEqual([]);
    expect(s.status).toBe('ready');
    expect(s.backendLabel).toBe('CPU fallback: x');
  });

  it('shows errors, and clears a fatal one when the worker is healthy again', () => {
    let s = apply([{ type: 'error', v, message: 'GPU device lost', step: 3, recoverable: false }]);
    expect(s.error).toEqual({ message: 'GPU device lost', step: 3, recoverable: false });
    s = { ...s, ...reduceEvent(s, { type: 'status', v, state: 'idle', step: 0, backend: null, backendLabel: '', message: 'init failed' }) };
    expect(s.error).not.toBeNull(); // the failed init's reason stays on screen
    s = { ...s, ...reduceEvent(s, { type: 'status', v, state: 'ready', step: 0, backend: 'cpu', backendLabel: '', message: '' }) };
    expect(s.error).toBeNull();
  });

  it('a recovery from a lost device drops what the page holds from the restored step on; the redone steps put it back, and the notice says so', () => {
    const steps = [0, 1, 2, 3, 4];
    let s = apply([
      { type: 'evaluation', v, step: 0, result: evalResult() },
      ...steps.flatMap((i): TrainerEvent[] => [
        { type: 'metrics', v, metrics: metricsAt(i, i === 3 ? { aha: { ...zeroAha, aha: 0.5 } } : {}), ...(i === 1 || i === 3 ? { evaluation: evalResult() } : {}) },
        { type: 'samples', v, step: i, samples: [sample(i === 3)] },
      ]),
    ]);
    s = { ...s, selectedStep: 4 };
    expect([s.metrics.length, s.evals.map((x) => x.step), s.firstAhaStep, s.ahaFeed.length]).toEqual([5, [0, 2, 4], 3, 1]);
    const message = 'GPU device lost at step 5; restored the checkpoint of step 2 on a new device; 3 steps redone';
    s = { ...s, ...reduceEvent(s, { type: 'recovered', v, lostAt: 5, step: 2, redone: 3, message }) };
    expect(s.metrics.map((m) => m.step)).toEqual([0, 1]);
    expect(s.evals.map((x) => x.step)).toEqual([0, 2]); // the evaluation after step 1 saw the restored weights
    expect(s.history.map((h) => h.step)).toEqual([0, 1]);
    expect([s.ahaFeed.length, s.firstAhaStep, s.selectedStep, s.step]).toEqual([0, null, null, 2]);
    expect(s.notice).toEqual({ message, step: 5 });
    for (const i of [2, 3, 4]) s = { ...s, ...reduceEvent(s, { type: 'metrics', v, metrics: metricsAt(i) }) };
    expect(s.metrics.map((m) => m.step)).toEqual(steps);
  });
});

describe('pipeline stage reports', () => {
  const report = (kind: StageReport['kind'], step: number, loss: number[] = [1, 0.5]): StageReport => ({
    kind, step,
    rejection: kind === 'coldStart' ? null : {
      k: 2, prompts: 3, sampled: 6, kept: 2, promptsCovered: 2, dropped: { format: 1, wrong: 2, waits: 0, unreadable: 1 },
      readable: true, temperature: 1, keptMeanLength: 12, keptReflection: 0.5,
    },
    examples: [], sft: { examples: 2, steps: loss.length, lr: 5e-4, rows: 32, loss, heldOutLoss: null }, seconds: { sampling: 1, sft: 1 },
  });
  const status = (state: 'ready' | 'pretraining', step: number): TrainerEvent => ({ type: 'status', v, state, step, backend: 'cpu', backendLabel: 'CPU', message: '' });

  it('are kept in step order, a stage reported again replaces its report', () => {
    let s = apply([{ type: 'stage', v, report: report('rejection', 3) }, { type: 'stage', v, report: report('coldStart', 0) }]);
    expect(s.stages.map((x) => [x.kind, x.step])).toEqual([['coldStart', 0], ['rejection', 3]]);
    s = { ...s, ...reduceEvent(s, { type: 'stage', v, report: report('rejection', 3, [2, 1, 0.5]) }) };
    expect(s.stages.map((x) => [x.kind, x.step, x.sft.loss.length])).toEqual([['coldStart', 0, 2], ['rejection', 3, 3]]);
  });

  it('a Reset keeps the cold start (its policy is the GRPO start) and forgets the rejection stage; a recovery keeps the stages before its step', () => {
    const ran = apply([
      status('pretraining', 0), { type: 'stage', v, report: report('coldStart', 0) }, status('ready', 0),
      ...[0, 1, 2].map((i): TrainerEvent => ({ type: 'metrics', v, metrics: metricsAt(i) })),
      { type: 'stage', v, report: report('rejection', 3) },
      { type: 'metrics', v, metrics: metricsAt(3) },
    ]);
    expect(ran.stages.map((x) => x.kind)).toEqual(['coldStart', 'rejection']);
    const reset = { ...ran, ...reduceEvent(ran, status('ready', 0)) };
    expect([reset.metrics.length, reset.stages.map((x) => x.kind)]).toEqual([0, ['coldStart']]);
    const back = (to: number) => ({ ...ran, ...reduceEvent(ran, { type: 'recovered', v, lostAt: 4, step: to, redone: 4 - to, message: 'x' }) }).stages.map((x) => x.kind);
    expect(back(3)).toEqual(['coldStart', 'rejection']); // the state at step 3 is after the stage
    expect(back(2)).toEqual(['coldStart']); // redone from step 2: the stage runs again and reports again
  });
});

describe('playground answers', () => {
  const part = (id: number, toks: number[], done = false, extra: Partial<TrainerEvent & { type: 'sampleResult' }> = {}): TrainerEvent => ({
    type: 'sampleResult', v, id, prompt: '1+2=', completion: toks.join(','), tokens: Int32Array.from(toks), logp: new Float32Array(toks.length), done, step: 4, ...extra,
  });
  const at = (s: AppState, e: TrainerEvent): AppState => ({ ...s, ...reduceEvent(s, e) });

  it('grow with each token, end with the experts, and ignore stale ids and tokens after the end', () => {
    let s: AppState = { ...useStore.getState(), playground: askedAnswer(5, '1+2=') };
    expect(s.playground!.tokens.length).toBe(0);
    s = at(s, part(5, [10]));
    s = at(s, part(4, [1, 1, 1])); // the previous question's late token
    s = at(s, part(5, [10, 11]));
    expect(Array.from(s.playground!.tokens)).toEqual([10, 11]);
    expect(s.playground!.done).toBe(false);
    const experts = { L: 1, k: 1, E: 4, idx: Uint8Array.of(2, 3) };
    s = at(s, part(5, [10, 11], true, { experts }));
    expect(s.playground).toMatchObject({ id: 5, done: true, step: 4, experts, stopped: null, completion: '10,11' });
    s = at(s, part(5, [10, 11, 12])); // nothing follows the end
    expect(Array.from(s.playground!.tokens)).toEqual([10, 11]);
    // a new question replaces the answer at once; the old one's stop report is ignored
    s = { ...s, playground: askedAnswer(6, '3*3=') };
    s = at(s, part(5, [10], true, { stopped: 'stopped: a newer question' }));
    expect(s.playground).toMatchObject({ id: 6, prompt: '3*3=', done: false, completion: '' });
    s = at(s, part(6, [7], true, { stopped: 'stopped: a reset' }));
    expect(s.playground).toMatchObject({ id: 6, done: true, stopped: 'stopped: a reset', experts: null });
  });

  it('keep the question\'s problem to judge against through every token', () => {
    const expected = { family: 'countdown' as const, difficulty: 1, operands: [3, 5, 7], answer: 5 };
    let s: AppState = { ...useStore.getState(), playground: askedAnswer(7, '3;5;7=5', expected) };
    s = at(s, part(7, [10]));
    s = at(s, part(7, [10, 11], true));
    expect(s.playground).toMatchObject({ id: 7, done: true, expected });
    expect(askedAnswer(8, '1+2=').expected).toBeNull();
  });
});

describe('base checkpoint choice and ?config=quick', () => {
  it('matches on model, task and corpus, not on GRPO knobs or seed', () => {
    expect(baseMatches(QUICK_CONFIG, QUICK_CONFIG)).toBe(true);
    expect(baseMatches(QUICK_CONFIG, { ...QUICK_CONFIG, seed: 99, grpo: { ...QUICK_CONFIG.grpo, beta: 0.1 } })).toBe(true);
    expect(baseMatches(QUICK_CONFIG, DEFAULT_CONFIG)).toBe(false);
    expect(baseMatches(QUICK_CONFIG, { ...QUICK_CONFIG, corpus: { ...QUICK_CONFIG.corpus, corrected: 0 } })).toBe(false);
  });

  it('fault injection only with ?faults=1 in the query', () => {
    expect(faultsFromLocation('?config=quick&faults=1')).toBe(true);
    expect(faultsFromLocation('?faults=0')).toBe(false);
    expect(faultsFromLocation('')).toBe(false);
    expect(faultsFromLocation('?faults=true')).toBe(false);
  });

  it('reads ?config=quick', () => {
    expect(initialConfigFromLocation('?config=quick', DEFAULT_CONFIG)).toBe(QUICK_CONFIG);
    expect(initialConfigFromLocation('', DEFAULT_CONFIG)).toBe(DEFAULT_CONFIG);
    expect(initialConfigFromLocation('?config=huge', DEFAULT_CONFIG)).toBe(DEFAULT_CONFIG);
  });
});

describe('the step under way', () => {
  it('a progress event names its phase from when it was first heard; the step\'s metrics or a pause end it', () => {
    const s0 = useStore.getState();
    const a = { ...s0, ...reduceEvent(s0, { type: 'progress', v, step: 3, phase: 'grpo' }) };
    expect(a.progress).toMatchObject({ step: 3, phase: 'grpo' });
    const since = a.progress!.since;
    // the same phase again keeps its start; the next phase starts its own clock
    expect(reduceEvent(a, { type: 'progress', v, step: 3, phase: 'grpo' }).progress!.since).toBe(since);
    const b = { ...a, ...reduceEvent(a, { type: 'progress', v, step: 3, phase: 'evaluation' }) };
    expect(b.progress).toMatchObject({ step: 3, phase: 'evaluation' });
    expect(reduceEvent(b, { type: 'metrics', v, metrics: metricsAt(3) }).progress).toBeNull();
    expect(reduceEvent(b, { type: 'status', v, state: 'paused', step: 3, backend: null, backendLabel: '', message: '' }).progress).toBeNull();
  });
});
