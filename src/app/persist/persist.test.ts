import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, preset } from '../../core/config';
import type { GrpoMetrics } from '../../train/grpo';
import { PROTOCOL_VERSION as v, type CheckpointEvent, type TrainerEvent } from '../../train/protocol';
import { QUICK_CONFIG } from '../../train/quick';
import type { StageReport } from '../../train/stages';
import { HISTORY_STEPS } from '../store';
import { createMemoryDb, type RunDb } from './db';
import { createPersister, describeFailure, loadMetrics, loadRun, loadRuns, PERSIST_TAG } from './persister';
import { checkCheckpoint, checkpointDue, checkRun, configSummary, DEFAULT_POLICY, policyFromSearch, stepsToPrune, type CheckpointRecord, type RunRecord } from './records';

const goodRun: RunRecord = { id: 'r1', name: 'one', label: null, created: 5, config: QUICK_CONFIG, lastStep: 3, lastReward: 0.5, checkpointStep: 2 };

describe('records', () => {
  it('checkRun accepts a good run and names what is wrong with a bad one', () => {
    expect(checkRun(structuredClone(goodRun))).toEqual(goodRun);
    expect(checkRun(null)).toBe('a stored run is not an object');
    expect(checkRun({ ...goodRun, id: '' })).toBe('a stored run has no id');
    expect(checkRun({ ...goodRun, lastStep: -1 })).toBe('stored run "r1": lastStep -1 is not a step');
    expect(checkRun({ ...goodRun, lastReward: 'x' })).toBe('stored run "r1": lastReward is not a number');
    expect(checkRun({ ...goodRun, config: 3 })).toBe('stored run "r1": config is not an object');
    expect(checkRun({ ...goodRun, config: { ...QUICK_CONFIG, grpo: { ...QUICK_CONFIG.grpo, groupSize: 0 } } })).toMatch(/^stored run "r1": config: grpo\.groupSize/);
    // a knob an older build lacked takes its default
    const { sampling: _drop, ...partial } = QUICK_CONFIG;
    expect((checkRun({ ...goodRun, config: partial }) as RunRecord).config.sampling).toEqual(DEFAULT_CONFIG.sampling);
    // a run stored before Rename existed has no label; a label must be text
    const { label: _label, ...older } = goodRun;
    expect(checkRun(older)).toEqual(goodRun);
    expect(checkRun({ ...goodRun, label: 'mine' })).toEqual({ ...goodRun, label: 'mine' });
    expect(checkRun({ ...goodRun, label: 3 })).toBe('stored run "r1": label is not a string');
  });

  it('a checkpoint is due after everySteps AND minMs, whichever comes later', () => {
    const p = DEFAULT_POLICY; // 10 steps, 60 s
    expect(checkpointDue(p, 10, 60_000, 0, 0)).toBe(true);
    expect(checkpointDue(p, 9, 600_000, 0, 0)).toBe(false); // time passed, not the steps
    expect(checkpointDue(p, 30, 59_999, 0, 0)).toBe(false); // steps passed, not the time
    expect(checkpointDue(p, 20, 70_000, 10, 10_000)).toBe(true);
    const every1 = policyFromSearch('?config=quick&checkpointEvery=1');
    expect(every1).toEqual({ everySteps: 1, minMs: 0, keep: 2 });
    expect(checkpointDue(every1, 1, 0, 0, 0)).toBe(true);
    expect(checkpointDue(every1, 1, 0, 1, 0)).toBe(false);
    expect(policyFromSearch('?checkpointEvery=0')).toBe(DEFAULT_POLICY);
    expect(policyFromSearch('?checkpointEvery=abc')).toBe(DEFAULT_POLICY);
  });

  it('stepsToPrune keeps the newest, and configSummary says what the run is', () => {
    expect(stepsToPrune([10, 30, 20], 2)).toEqual([10]);
    expect(stepsToPrune([5], 2)).toEqual([]);
    expect(configSummary(QUICK_CONFIG)).toBe('add d1 · 1L·4E·d32 · G8 · seed 7');
    expect(configSummary({ ...QUICK_CONFIG, pipeline: { ...QUICK_CONFIG.pipeline, coldStartSteps: 4, rl1Steps: 10 } })).toBe('add d1 · 1L·4E·d32 · G8 · cold start + rejection after 10 · seed 7');
    expect(configSummary({ ...QUICK_CONFIG, pipeline: { ...QUICK_CONFIG.pipeline, rl1Steps: 10 } })).toBe('add d1 · 1L·4E·d32 · G8 · rejection after 10 · seed 7');
    expect(configSummary(preset('Distilled student (Countdown)'))).toBe('countdown d1 · 2L·1E·d32 · G8 · distilled · seed 1234');
  });

  it('checkCheckpoint refuses wrong sizes, wrong types and NaN weights', () => {
    const f = (n: number, x = 0) => new Float32Array(n).fill(x);
    const ck = { runId: 'r', step: 4, adamStep: 4, params: f(6), routerBias: f(2), m: f(6), v: f(6), baseParams: f(6), baseRouterBias: f(2) };
    expect(checkCheckpoint(ck, 6, 2)).toBe(ck);
    expect(checkCheckpoint({ ...ck, m: f(5) }, 6, 2)).toBe('checkpoint at step 4: m has 5 entries, the config needs 6');
    expect(checkCheckpoint({ ...ck, routerBias: [0, 0] }, 6, 2)).toBe('checkpoint at step 4: routerBias is not a Float32Array');
    expect(checkCheckpoint({ ...ck, params: f(6, Number.NaN) }, 6, 2)).toBe('checkpoint at step 4: params holds NaN or Inf');
    expect(checkCheckpoint({ ...ck, step: undefined }, 6, 2)).toBe('the checkpoint has no step');
  });
});

// --- the persister against the in-memory database

const metricsAt = (step: number, reward: number) => ({ step, reward } as unknown as GrpoMetrics);
const mEv = (step: number, reward = step / 10): TrainerEvent => ({ type: 'metrics', v, metrics: metricsAt(step, reward) });
const sEv = (step: number): TrainerEvent => ({ type: 'samples', v, step, samples: [] });
const buf = (n: number, x: number) => new Float32Array(n).fill(x).buffer;
const ckEv = (step: number, tag: string | undefined = PERSIST_TAG): CheckpointEvent => ({
  type: 'checkpoint', v, step, configJson: '{}', tensors: [], params: buf(6, step), routerBias: buf(2, 1), adamM: buf(6, 0.1), adamV: buf(6, 0.2),
  adamStep: step, baseParams: buf(6, -1), baseRouterBias: buf(2, 0), ...(tag ? { tag } : {}),
});

function setup(db: RunDb = createMemoryDb(), policy = DEFAULT_POLICY) {
  let t = 1000;
  const asked: number[] = [], errors: string[] = [];
  const tasks: (() => void)[] = [];
  const p = createPersister(db, {
    policy, now: () => t, requestCheckpoint: () => asked.push(p.run!.lastStep), onError: (m) => errors.push(m),
    schedule: (fn) => tasks.push(fn),
  });
  const tick = (ms: number) => (t += ms);
  const runTasks = () => tasks.splice(0).forEach((f) => f());
  return { db, p, asked, errors, tick, tasks, runTasks };
}

describe('persister', () => {
  it('writes nothing on the event itself, then the batch in one later flush; metrics and the run record come back', async () => {
    const h = setup();
    const run = h.p.begin(QUICK_CONFIG, 'quick');
    for (let s = 0; s < 3; s++) h.p.onEvent(mEv(s));
    expect(await h.db.getAll('metrics')).toEqual([]); // off the event's path
    expect(h.tasks.length).toBe(1); // one flush for the batch
    h.runTasks();
    await h.p.flush();
    const { runs, skipped } = await loadRuns(h.db);
    expect(skipped).toEqual([]);
    expect(runs).toEqual([{ ...run, lastStep: 3, lastReward: 0.2 }]);
    const loaded = await loadRun(h.db, runs[0]!, 6, 2);
    expect(loaded.metrics.map((m) => [m.step, m.metrics.reward])).toEqual([[0, 0], [1, 0.1], [2, 0.2]]);
    expect(loaded.checkpoint).toBeNull();
  });

  it('relabel renames the live run: written at once when it is stored, kept by its later writes', async () => {
    const h = setup();
    h.p.begin(QUICK_CONFIG, 'quick');
    h.p.relabel('before any step'); // not stored yet: no write of a step-0 run
    h.runTasks();
    await h.p.flush();
    expect(await h.db.getAll('runs')).toEqual([]);
    h.p.onEvent(mEv(0));
    h.p.relabel('dr_grpo try');
    h.runTasks();
    await h.p.flush();
    expect((await loadRuns(h.db)).runs.map((r) => r.label)).toEqual(['dr_grpo try']);
    h.p.onEvent(mEv(1));
    h.runTasks();
    await h.p.flush();
    expect((await loadRuns(h.db)).runs.map((r) => [r.label, r.lastStep])).toEqual([['dr_grpo try', 2]]);
  });

  it('asks for a checkpoint every 10 steps once 60 s passed, saves only persist-tagged ones, keeps the newest 2', async () => {
    const h = setup();
    h.p.begin(QUICK_CONFIG);
    for (let s = 0; s < 12; s++) h.p.onEvent(mEv(s));
    expect(h.asked).toEqual([]); // 12 steps, but no time has passed
    h.tick(60_000);
    h.p.onEvent(mEv(12));
    h.p.onEvent(mEv(13)); // asked already: not again until it arrives
    expect(h.asked).toEqual([13]);
    h.p.onEvent(ckEv(13, 'export')); // somebody else's checkpoint
    h.p.onEvent(ckEv(13));
    for (let s = 14; s < 23; s++) h.p.onEvent(mEv(s));
    h.tick(60_000);
    h.p.onEvent(mEv(23));
    expect(h.asked).toEqual([13, 24]);
    h.p.onEvent(ckEv(24));
    h.tick(60_000);
    for (let s = 24; s < 34; s++) h.p.onEvent(mEv(s));
    h.p.onEvent(ckEv(34));
    h.runTasks();
    await h.p.flush();
    const cks = (await h.db.getAll('checkpoints')) as CheckpointRecord[];
    expect(cks.map((c) => c.step).sort((a, b) => a - b)).toEqual([24, 34]);
    const run = (await loadRuns(h.db)).runs[0]!;
    expect(run.checkpointStep).toBe(34);
    const loaded = await loadRun(h.db, run, 6, 2);
    expect(loaded.checkpoint!.step).toBe(34);
    expect(Array.from(loaded.checkpoint!.params)).toEqual([34, 34, 34, 34, 34, 34]);
    expect(Array.from(loaded.checkpoint!.baseParams)).toEqual([-1, -1, -1, -1, -1, -1]);
  });

  it('keeps the inspector ring of samples, the newest HISTORY_STEPS steps', async () => {
    const h = setup();
    h.p.begin(QUICK_CONFIG);
    for (let s = 0; s < HISTORY_STEPS + 3; s++) h.p.onEvent(sEv(s));
    h.runTasks();
    await h.p.flush();
    const steps = ((await h.db.getAll('samples')) as { step: number }[]).map((x) => x.step).sort((a, b) => a - b);
    expect(steps.length).toBe(HISTORY_STEPS);
    expect(steps[0]).toBe(3);
  });

  it('a failed write is reported once, persistence stops, and nothing throws', async () => {
    const mem = createMemoryDb();
    let puts = 0;
    const full: RunDb = { ...mem, put: async (s, r) => (++puts > 2 ? Promise.reject(new Error('QuotaExceededError')) : mem.put(s, r)) };
    const h = setup(full);
    h.p.begin(QUICK_CONFIG);
    for (let s = 0; s < 5; s++) h.p.onEvent(mEv(s));
    h.runTasks();
    await h.p.flush();
    expect(h.errors).toEqual(['saving the run failed (QuotaExceededError); it goes on in memory and will not survive a reload']);
    // a browser's own failure is a DOMException whose name says what happened
    expect(describeFailure(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))).toBe('QuotaExceededError: The quota has been exceeded.');
    expect(h.p.failed).toBe(true);
    h.p.onEvent(mEv(5));
    expect(h.tasks).toEqual([]);
    expect(puts).toBe(3);
  });

  it('a corrupt stored run or checkpoint is skipped with a message; the good ones load', async () => {
    const db = createMemoryDb();
    await db.put('runs', [goodRun, { id: 'bad', name: 'b', created: 1, config: null, lastStep: 0, lastReward: null, checkpointStep: null }, { id: 'x', name: 7 }]);
    const f = (n: number) => new Float32Array(n);
    await db.put('checkpoints', [
      { runId: 'r1', step: 2, adamStep: 2, params: f(6), routerBias: f(2), m: f(6), v: f(6), baseParams: f(6), baseRouterBias: f(2) },
      { runId: 'r1', step: 3, adamStep: 3, params: f(5), routerBias: f(2), m: f(6), v: f(6), baseParams: f(6), baseRouterBias: f(2) },
    ]);
    await db.put('metrics', [{ runId: 'r1', step: 0, metrics: metricsAt(0, 1) }, { runId: 'r1', step: 1, metrics: 'garbage' }]);
    const { runs, skipped } = await loadRuns(db);
    expect(runs.map((r) => r.id)).toEqual(['r1']);
    expect(skipped).toEqual(['stored run "bad": config is not an object; skipped', 'stored run "x": name is not a string; skipped']);
    const loaded = await loadRun(db, runs[0]!, 6, 2);
    expect(loaded.checkpoint!.step).toBe(2); // the newer one is the wrong size
    expect(loaded.problems).toEqual(['1 unreadable metrics records of one skipped', 'one: checkpoint at step 3: params has 5 entries, the config needs 6; skipped']);
  });

  it('a reset (status ready at step 0 after steps) starts a new run record; deleteRun removes a run and its records', async () => {
    const h = setup();
    const first = h.p.begin(QUICK_CONFIG, 'a');
    h.p.onEvent(mEv(0));
    h.p.onEvent({ type: 'status', v, state: 'ready', step: 0, backend: 'cpu', backendLabel: '', message: 'reset' });
    expect(h.p.run!.id).not.toBe(first.id);
    expect(h.p.run!.name).toBe('a (reset)');
    h.runTasks();
    await h.p.flush();
    expect((await loadRuns(h.db)).runs.length).toBe(1); // not before its first step
    h.p.onEvent(mEv(0));
    h.runTasks();
    await h.p.flush();
    expect((await loadRuns(h.db)).runs.length).toBe(2);
    await h.db.deleteRun(first.id);
    expect((await loadRuns(h.db)).runs.map((r) => r.name)).toEqual(['a (reset)']);
    expect(await h.db.getAll('metrics', first.id)).toEqual([]);
  });

  it('keeps the stage reports with the run record: the cold start with the first step, the rejection stage at once, a Reset\'s record the cold start only', async () => {
    const h = setup();
    const report = (kind: StageReport['kind'], step: number): StageReport => ({
      kind, step, examples: [{ prompt: 'p', completion: 'c', tokens: 3, waits: 0, reason: null }], sft: { examples: 1, steps: 1, lr: 5e-4, rows: 1, loss: [0.5], heldOutLoss: null },
      seconds: { sampling: 0, sft: 0.1 },
      rejection: kind === 'coldStart' ? null : { k: 2, prompts: 1, sampled: 2, kept: 1, promptsCovered: 1, dropped: { format: 0, wrong: 1, waits: 0, unreadable: 0 }, readable: false, temperature: 1, keptMeanLength: 3, keptReflection: 0 },
    });
    h.p.begin(QUICK_CONFIG, 'r1');
    h.p.onEvent({ type: 'stage', v, report: report('coldStart', 0) });
    h.runTasks();
    await h.p.flush();
    expect((await loadRuns(h.db)).runs).toEqual([]); // not before the first step
    h.p.onEvent(mEv(0));
    h.p.onEvent(mEv(1));
    h.p.onEvent({ type: 'stage', v, report: report('rejection', 2) });
    h.runTasks();
    await h.p.flush();
    const [stored] = (await loadRuns(h.db)).runs;
    expect(stored!.stages!.map((x) => [x.kind, x.step])).toEqual([['coldStart', 0], ['rejection', 2]]);
    expect(stored!.stages![1]).toEqual(report('rejection', 2));
    h.p.onEvent({ type: 'status', v, state: 'ready', step: 0, backend: 'cpu', backendLabel: '', message: 'reset' });
    expect(h.p.run!.stages!.map((x) => x.kind)).toEqual(['coldStart']);
    // a malformed report is dropped on load, the run kept
    const bad = { ...stored!, stages: [report('coldStart', 0), { kind: 'rejection', step: 2, sft: { loss: 'x' } }] };
    expect((checkRun(bad) as RunRecord).stages!.map((x) => x.kind)).toEqual(['coldStart']);
    expect(checkRun({ ...goodRun, stages: 'nonsense' })).toEqual(goodRun);
  });

  it('stop() (the live run deleted): its queued writes are dropped, a write under way settles first so the delete sticks, later steps are not saved; a Reset saves again', async () => {
    const mem = createMemoryDb();
    let hold: (() => void) | null = null;
    const slow: RunDb = { ...mem, put: async (s, r) => { await new Promise<void>((go) => (hold = go)); return mem.put(s, r); } };
    const h = setup(slow);
    // lets every held put through until p settles
    const release = async (p: Promise<void>) => {
      let done = false;
      void p.then(() => (done = true));
      while (!done) { const go = hold as (() => void) | null; hold = null; go?.(); await new Promise((r) => setTimeout(r, 0)); }
    };
    const run = h.p.begin(QUICK_CONFIG, 'live');
    h.p.onEvent(mEv(0));
    h.runTasks(); // step 0's writes are under way: the first put waits on hold
    h.p.onEvent(mEv(1)); // queued behind it
    const stopped = h.p.stop();
    let settled = false;
    void stopped.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false); // waits for the write under way
    await release(stopped);
    expect(h.p.run).toBeNull();
    await mem.deleteRun(run.id); // what the Runs list does after stop()
    h.p.onEvent(mEv(2));
    h.p.onEvent(ckEv(3));
    h.runTasks();
    await release(h.p.flush()); // step 1 was dropped, 2 and 3 are not saved
    expect(h.asked).toEqual([]);
    expect(await loadRuns(mem)).toEqual({ runs: [], skipped: [] });
    expect(await mem.getAll('metrics')).toEqual([]);

    // a Reset: the fresh run is saved again under a new id, named after the deleted one
    h.p.onEvent({ type: 'status', v, state: 'ready', step: 0, backend: 'cpu', backendLabel: '', message: 'reset' });
    expect(h.p.run!.id).not.toBe(run.id);
    expect(h.p.run!.name).toBe('live (reset)');
    h.p.onEvent(mEv(0));
    h.runTasks();
    await release(h.p.flush());
    expect((await loadRuns(mem)).runs.map((r) => r.name)).toEqual(['live (reset)']);
  });

  it('loadMetrics (an overlay) reads the metrics and evaluations and never a checkpoint or a sample', async () => {
    const h = setup();
    const run = h.p.begin(QUICK_CONFIG, 'ov');
    for (let s = 0; s < 3; s++) { h.p.onEvent(mEv(s)); h.p.onEvent(sEv(s)); }
    h.p.onEvent(ckEv(3));
    h.runTasks();
    await h.p.flush();
    expect((await h.db.getAll('checkpoints', run.id)).length).toBe(1); // there is one to not read
    const reads: string[] = [];
    const counted: RunDb = { ...h.db, getAll: (store, id) => (reads.push(store), h.db.getAll(store, id)) };
    const loaded = await loadMetrics(counted, run);
    expect(loaded.metrics.map((m) => m.step)).toEqual([0, 1, 2]);
    expect(loaded.problems).toEqual([]);
    expect(reads.sort()).toEqual(['evals', 'metrics']);
    // the resume path still reads everything
    reads.length = 0;
    expect((await loadRun(counted, run, 6, 2)).checkpoint!.step).toBe(3);
    expect(reads.sort()).toEqual(['checkpoints', 'evals', 'metrics', 'samples']);
  });
});
