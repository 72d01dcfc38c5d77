// Validating a RunConfig against config.ts's knob table: each value against
// its knob (checkKnob), the rules that involve several knobs, the parameter
// cap, and validateConfig / parseConfig, which name every problem at once.

import { DEFAULT_CONFIG, KNOBS, cloneConfig, getPath, setPath, type Knob, type RunConfig } from './config';
import { VOCAB_SIZE } from './tokenizer';

export interface ConfigError {
  /** Dotted path of the offending field (the first one named, for cross-field rules). */
  path: string;
  value: unknown;
  message: string;
}

export class ConfigValidationError extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(`invalid RunConfig:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Checks one value against its knob; returns the error message or null. */
export function checkKnob(knob: Knob, value: unknown): string | null {
  const where = `${knob.path} = ${show(value)}`;
  switch (knob.kind) {
    case 'int':
    case 'float': {
      const range = `[${knob.min}, ${knob.max}]`;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return `${where}: must be ${knob.kind === 'int' ? 'an integer' : 'a finite number'} in ${range}`;
      }
      if (knob.kind === 'int' && !Number.isInteger(value)) return `${where}: must be an integer in ${range}`;
      if (value < knob.min || value > knob.max) return `${where}: out of range, allowed ${range}`;
      return null;
    }
    case 'enum':
      return typeof value === 'string' && knob.options.includes(value)
        ? null
        : `${where}: must be one of ${knob.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `${where}: must be true or false`;
  }
}

/** Rules that involve more than one knob. Each names every field involved. */
function crossFieldErrors(c: RunConfig): ConfigError[] {
  const errs: ConfigError[] = [];
  const m = c.model;
  const g = c.grpo;
  const err = (path: string, value: unknown, message: string) => errs.push({ path, value, message: `${path} = ${show(value)}: ${message}` });
  if (m.dModel % m.nHeads !== 0) err('model.nHeads', m.nHeads, `must divide model.dModel (${m.dModel})`);
  else if (m.positions === 'rope' && (m.dModel / m.nHeads) % 2 !== 0) {
    err('model.nHeads', m.nHeads, `RoPE needs an even head size, but model.dModel / model.nHeads = ${m.dModel / m.nHeads}`);
  }
  if (m.topK > m.nRouted) err('model.topK', m.topK, `must be at most model.nRouted (${m.nRouted})`);
  if (g.maxCompletionLength + MAX_PROMPT_TOKENS > m.maxSeqLen) {
    err('grpo.maxCompletionLength', g.maxCompletionLength,
      `prompt (up to ${MAX_PROMPT_TOKENS} tokens) + completion must fit model.maxSeqLen (${m.maxSeqLen}); allowed at most ${m.maxSeqLen - MAX_PROMPT_TOKENS}`);
  }
  if (g.overlongShaping && g.overlongBuffer > g.maxCompletionLength) {
    err('grpo.overlongBuffer', g.overlongBuffer, `must be at most grpo.maxCompletionLength (${g.maxCompletionLength})`);
  }
  if (g.warmupSteps > g.totalSteps) err('grpo.warmupSteps', g.warmupSteps, `must be at most grpo.totalSteps (${g.totalSteps})`);
  if (g.formatWeight + g.accuracyWeight <= 0) err('grpo.accuracyWeight', g.accuracyWeight, 'grpo.formatWeight + grpo.accuracyWeight must be > 0');
  if (c.task.family === 'countdown') {
    if (!(c.corpus.guess + c.corpus.search + c.corpus.searchWrong > 0)) err('corpus.guess', c.corpus.guess, 'the countdown corpus style weights (guess, search, searchWrong) must not all be 0');
  } else {
    const mix = c.corpus.direct + c.corpus.stepwise + c.corpus.slip + c.corpus.corrected;
    if (!(mix > 0)) err('corpus.direct', c.corpus.direct, 'the corpus style weights (direct, stepwise, slip, corrected) must not all be 0');
  }
  const paramCount = estimateParamCount(c);
  if (paramCount > MAX_PARAMS) {
    err('model.dModel', m.dModel, `the model would have ${paramCount} parameters; at most ${MAX_PARAMS} are allowed (reduce dModel, nLayers, nRouted or dExpert)`);
  }
  return errs;
}

/** Longest prompt any task can produce, '<bos>' included; tasks/ asserts its prompts fit. */
export const MAX_PROMPT_TOKENS = 24;
/** Cap on parameters so that weights, grads and two Adam moments stay far below 128 MiB per binding. */
export const MAX_PARAMS = 8_000_000;

/** Parameter count, mirroring model/'s tensor table (a test keeps the two equal). */
export function estimateParamCount(c: RunConfig): number {
  const m = c.model;
  const V = VOCAB_SIZE;
  const C = m.dModel;
  const H = m.dExpert;
  const expert = m.ffn === 'swiglu' ? 3 * C * H : 2 * C * H;
  const perLayer = C /* attn norm */ + 4 * C * C /* qkv + proj */ + C /* ffn norm */ + C * m.nRouted /* router */ + (m.nShared + m.nRouted) * expert;
  const pos = m.positions === 'learned' ? m.maxSeqLen * C : 0;
  return V * C + pos + m.nLayers * perLayer + C /* final norm */;
}


export interface ValidationResult {
  config: RunConfig;
  errors: ConfigError[];
}

/**
 * Reads any JSON-ish value as a RunConfig: unknown fields are ignored, missing
 * ones take their defaults, and every bad value is reported (and replaced by
 * its default in `config`, so callers can show the errors and still run).
 */
export function validateConfig(input: unknown, base: RunConfig = DEFAULT_CONFIG): ValidationResult {
  const config = cloneConfig(base);
  const errors: ConfigError[] = [];
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    errors.push({ path: '', value: input, message: `RunConfig must be an object, got ${show(input)}` });
    return { config, errors };
  }
  for (const knob of KNOBS) {
    const v = getPath(input, knob.path);
    if (v === undefined) continue;
    const msg = checkKnob(knob, v);
    if (msg) errors.push({ path: knob.path, value: v, message: msg });
    else setPath(config, knob.path, v);
  }
  if (errors.length === 0) errors.push(...crossFieldErrors(config));
  return { config, errors };
}

/** Like validateConfig, but throws ConfigValidationError listing every problem. */
export function parseConfig(input: unknown, base: RunConfig = DEFAULT_CONFIG): RunConfig {
  const { config, errors } = validateConfig(input, base);
  if (errors.length > 0) throw new ConfigValidationError(errors);
  return config;
}
