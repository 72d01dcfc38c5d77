// The worker protocol's validation (protocol.ts has the messages): parseCommand
// and parseEvent check anything postMessage delivered against the message
// types, naming the first bad field (ProtocolError), so a malformed message
// becomes an error event and never a half-applied command.

import { KNOB_BY_PATH } from '../core/config';
import { checkKnob, validateConfig } from '../core/validate';
import { trainConfigErrors } from './checks';
import { STAGE_KINDS, type StageKind } from './stages';
import { COMMAND_TYPES, ENGINE_PREFERENCES, EVENT_TYPES, FAULT_KINDS, PROTOCOL_VERSION, SESSION_STATES, STEP_PHASES, type Command, type EnginePreference, type EventType, type FaultKind, type InitCommand, type SampleCommand, type SessionState, type SetLiveCommand, type StepPhase, type TrainerEvent } from './protocol';

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Largest step(n): a typo of 1e9 should not lock a tab for a week. */
export const MAX_STEPS_PER_COMMAND = 100_000;

type Obj = Record<string, unknown>;

function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (x === null || typeof x !== 'object') return String(x);
  return Array.isArray(x) ? 'an array' : 'an object';
}

function fail(where: string, field: string, want: string, got: unknown): never {
  throw new ProtocolError(`${where}: field "${field}" must be ${want}, got ${show(got)}`);
}

/** The object, its type and version checked against the known list. */
function header<T extends string>(msg: unknown, kind: string, types: readonly T[]): { o: Obj; type: T } {
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new ProtocolError(`${kind} must be an object, got ${show(msg)}`);
  const o = msg as Obj;
  if (typeof o.type !== 'string' || !(types as readonly string[]).includes(o.type)) {
    fail(kind, 'type', `one of ${types.join(', ')}`, o.type);
  }
  if (o.v !== PROTOCOL_VERSION) fail(`${kind} ${o.type}`, 'v', `the protocol version ${PROTOCOL_VERSION}`, o.v);
  return { o, type: o.type as T };
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function intIn(where: string, o: Obj, field: string, lo: number, hi: number): number {
  const x = o[field];
  if (!isInt(x) || x < lo || x > hi) fail(where, field, `an integer in [${lo}, ${hi}]`, x);
  return x;
}

function parseInit(o: Obj): InitCommand {
  const where = 'command init';
  if (o.config === undefined) fail(where, 'config', 'a RunConfig', o.config);
  // validateConfig fills missing fields with their defaults; trainConfigErrors adds what only the trainer refuses
  const { config, errors } = validateConfig(o.config);
  const errs = errors.length > 0 ? errors : trainConfigErrors(config);
  if (errs.length > 0) {
    throw new ProtocolError(`${where}: field "config" cannot run: ${errs.map((e) => e.message).join('; ')}`);
  }
  const cmd: InitCommand = { type: 'init', v: PROTOCOL_VERSION, config };
  if (o.prefer !== undefined) {
    if (!(ENGINE_PREFERENCES as readonly unknown[]).includes(o.prefer)) fail(where, 'prefer', '"auto", "webgpu" or "cpu"', o.prefer);
    cmd.prefer = o.prefer as EnginePreference;
  }
  if (o.weights !== undefined) {
    const w = o.weights as Obj;
    if (w === null || typeof w !== 'object') fail(where, 'weights', 'an object { params, routerBias }', w);
    if (!(w.params instanceof Float32Array)) fail(where, 'weights.params', 'a Float32Array', w.params);
    if (!(w.routerBias instanceof Float32Array)) fail(where, 'weights.routerBias', 'a Float32Array', w.routerBias);
    cmd.weights = { params: w.params, routerBias: w.routerBias };
  }
  if (o.resume !== undefined) {
    const r = o.resume as Obj;
    if (r === null || typeof r !== 'object') fail(where, 'resume', 'an object { step, adamStep, params, routerBias, m, v }', r);
    if (!cmd.weights) fail(where, 'weights', 'present with resume (the run\'s base weights)', o.weights);
    for (const f of ['params', 'routerBias', 'm', 'v'] as const) if (!(r[f] instanceof Float32Array)) fail(where, `resume.${f}`, 'a Float32Array', r[f]);
    const step = intIn(where, r, 'step', 0, Number.MAX_SAFE_INTEGER);
    const adamStep = intIn(where, r, 'adamStep', 0, Number.MAX_SAFE_INTEGER);
    cmd.resume = { step, adamStep, params: r.params as Float32Array, routerBias: r.routerBias as Float32Array, m: r.m as Float32Array, v: r.v as Float32Array };
  }
  if (o.teacher !== undefined) {
    const t = o.teacher as Obj;
    if (t === null || typeof t !== 'object') fail(where, 'teacher', 'an object { name, config, params, routerBias }', t);
    if (typeof t.name !== 'string' || t.name === '') fail(where, 'teacher.name', 'a teacher name', t.name);
    if (!(t.params instanceof Float32Array)) fail(where, 'teacher.params', 'a Float32Array', t.params);
    if (!(t.routerBias instanceof Float32Array)) fail(where, 'teacher.routerBias', 'a Float32Array', t.routerBias);
    // the teacher's own config: its model may be any shape the knobs allow, its task must be the run's (pipeline.ts teacherProblem)
    const tc = validateConfig(t.config);
    if (tc.errors.length > 0) throw new ProtocolError(`${where}: field "teacher.config" is not a config: ${tc.errors.map((e) => e.message).join('; ')}`);
    cmd.teacher = { name: t.name, config: tc.config, params: t.params, routerBias: t.routerBias };
  }
  return cmd;
}

function parseSample(o: Obj): SampleCommand {
  const where = 'command sample';
  const id = o.id;
  if (!isInt(id)) fail(where, 'id', 'an integer', id);
  if (typeof o.prompt !== 'string' || o.prompt.length === 0) fail(where, 'prompt', 'a non-empty string', o.prompt);
  const maxNew = intIn(where, o, 'maxNew', 1, 256);
  const t = o.temperature;
  if (!isNum(t) || t < 0 || t > 10) fail(where, 'temperature', 'a number in [0, 10]', t);
  const cmd: SampleCommand = { type: 'sample', v: PROTOCOL_VERSION, id, prompt: o.prompt, maxNew, temperature: t };
  if (o.seed !== undefined) cmd.seed = intIn(where, o, 'seed', 0, 0xffffffff);
  return cmd;
}

function parseSetLive(o: Obj): SetLiveCommand {
  const where = 'command setLive';
  const vals = o.values;
  if (vals === null || typeof vals !== 'object' || Array.isArray(vals) || Object.keys(vals).length === 0) {
    fail(where, 'values', 'a non-empty object of live knob values by path', vals);
  }
  const values: Record<string, number | string | boolean> = {};
  for (const [path, x] of Object.entries(vals as Obj)) {
    const knob = KNOB_BY_PATH.get(path);
    if (!knob) throw new ProtocolError(`${where}: field "values.${path}" is not a knob`);
    if (!knob.live) throw new ProtocolError(`${where}: field "values.${path}" is not a live knob; changing it needs a new init`);
    const bad = checkKnob(knob, x);
    if (bad) throw new ProtocolError(`${where}: field "values.${path}": ${bad}`);
    values[path] = x as number | string | boolean;
  }
  return { type: 'setLive', v: PROTOCOL_VERSION, values };
}

/** A Command from anything that arrived by postMessage; throws ProtocolError naming the bad field. */
export function parseCommand(msg: unknown): Command {
  const { o, type } = header(msg, 'command', COMMAND_TYPES);
  const v = PROTOCOL_VERSION;
  switch (type) {
    case 'init': return parseInit(o);
    case 'step': return { type, v, n: intIn('command step', o, 'n', 1, MAX_STEPS_PER_COMMAND) };
    case 'sample': return parseSample(o);
    case 'setLive': return parseSetLive(o);
    case 'exportCheckpoint': {
      if (o.tag !== undefined && typeof o.tag !== 'string') fail('command exportCheckpoint', 'tag', 'a string', o.tag);
      return o.tag === undefined ? { type, v } : { type, v, tag: o.tag as string };
    }
    case 'fault': {
      if (!(FAULT_KINDS as readonly unknown[]).includes(o.kind)) fail('command fault', 'kind', `one of ${FAULT_KINDS.join(', ')}`, o.kind);
      return { type, v, kind: o.kind as FaultKind };
    }
    case 'setEngine': {
      if (!(ENGINE_PREFERENCES as readonly unknown[]).includes(o.prefer)) fail('command setEngine', 'prefer', '"auto", "webgpu" or "cpu"', o.prefer);
      return { type, v, prefer: o.prefer as EnginePreference };
    }
    case 'play': case 'pause': case 'reset': case 'evaluate':
      return { type, v };
  }
}

/** Required top-level fields of each event and their typeof (or a class). */
const EVENT_FIELDS: Record<EventType, Record<string, string | (new (...a: never[]) => unknown)>> = {
  status: { state: 'string', step: 'number', backendLabel: 'string', message: 'string' },
  metrics: { metrics: 'object' },
  samples: { step: 'number', samples: 'object' },
  evaluation: { step: 'number', result: 'object' },
  sampleResult: { id: 'number', prompt: 'string', completion: 'string', tokens: Int32Array, logp: Float32Array, done: 'boolean', step: 'number' },
  checkpoint: {
    step: 'number', configJson: 'string', tensors: 'object', params: ArrayBuffer, routerBias: ArrayBuffer,
    adamM: ArrayBuffer, adamV: ArrayBuffer, adamStep: 'number', baseParams: ArrayBuffer, baseRouterBias: ArrayBuffer,
  },
  error: { message: 'string', step: 'number', recoverable: 'boolean' },
  recovered: { lostAt: 'number', step: 'number', redone: 'number', message: 'string' },
  progress: { step: 'number', phase: 'string' },
  stage: { report: 'object' },
};

/** A TrainerEvent from a worker message; throws ProtocolError naming the bad field (top level only). */
export function parseEvent(msg: unknown): TrainerEvent {
  const { o, type } = header(msg, 'event', EVENT_TYPES);
  for (const [field, want] of Object.entries(EVENT_FIELDS[type])) {
    const x = o[field];
    const ok = typeof want === 'string' ? typeof x === want && x !== null : x instanceof want;
    if (!ok) fail(`event ${type}`, field, typeof want === 'string' ? `of type ${want}` : `a ${want.name}`, x);
  }
  if (type === 'status' && !SESSION_STATES.includes(o.state as SessionState)) fail('event status', 'state', `one of ${SESSION_STATES.join(', ')}`, o.state);
  if (type === 'samples' && !Array.isArray(o.samples)) fail('event samples', 'samples', 'an array', o.samples);
  if (type === 'progress' && !STEP_PHASES.includes(o.phase as StepPhase)) fail('event progress', 'phase', `one of ${STEP_PHASES.join(', ')}`, o.phase);
  if (type === 'stage') {
    const r = o.report as Obj;
    if (!STAGE_KINDS.includes(r.kind as StageKind)) fail('event stage', 'report.kind', `one of ${STAGE_KINDS.join(', ')}`, r.kind);
    if (!(Number.isInteger(r.step) && (r.step as number) >= 0)) fail('event stage', 'report.step', 'an integer >= 0', r.step);
    if (r.sft === null || typeof r.sft !== 'object' || !Array.isArray((r.sft as Obj).loss)) fail('event stage', 'report.sft', 'an object with a loss array', r.sft);
  }
  if (type === 'sampleResult' && o.experts !== undefined) {
    const x = o.experts as Obj;
    if (x === null || typeof x !== 'object' || !(x.idx instanceof Uint8Array)) fail('event sampleResult', 'experts', 'an object { L, k, E, idx: Uint8Array }', x);
    const n = (o.tokens as Int32Array).length * Number(x.L) * Number(x.k);
    if (x.idx.length !== n) fail('event sampleResult', 'experts.idx', `of length tokens*L*k = ${n}`, x.idx.length);
  }
  return o as unknown as TrainerEvent;
}
