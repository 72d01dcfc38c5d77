// A checkpoint: the model's weights as one safetensors file, each tensor under
// its parameter-table name with its unpadded shape (model/params.ts), plus the
// (L,E) aux-free router bias as "routerBias", and the metadata to rebuild the
// run: the whole RunConfig, the corpus mix, the format version, the step and
// free-form stats. Any safetensors tool can open it; the alignment gaps of the
// in-memory layout are not stored, and decoding rebuilds them (zero) from the
// table of the decoded config, so the file does not depend on PARAM_ALIGN.

import { type RunConfig } from '../core/config';
import { validateConfig } from '../core/validate';
import { buildParamTable, type ParamTable } from '../model/params';
import { readSafetensors, writeSafetensors, type Tensor } from './safetensors';

export const CHECKPOINT_FORMAT = 'grpo-playground-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const ROUTER_BIAS = 'routerBias';

/** The base corpus's style weights, as pretraining used them. */
export interface CorpusMix {
  direct: number;
  stepwise: number;
  slip: number;
  corrected: number;
}

export type CheckpointStats = Record<string, unknown>;

export interface CheckpointMeta {
  /** Training steps the weights have seen (pretraining steps for a base model). */
  step: number;
  /** Free-form JSON numbers: held-out accuracy, reflection and aha rates, wall time... */
  stats: CheckpointStats;
}

export interface Checkpoint {
  config: RunConfig;
  /** (table.total) in the padded table layout of config; gaps are zero. */
  params: Float32Array;
  /** (L,E) */
  routerBias: Float32Array;
  meta: CheckpointMeta;
  corpusMix: CorpusMix;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(`checkpoint: ${message}`);
    this.name = 'CheckpointError';
  }
}

function fail(message: string): never {
  throw new CheckpointError(message);
}

function corpusMixOf(cfg: RunConfig): CorpusMix {
  const { direct, stepwise, slip, corrected } = cfg.corpus;
  return { direct, stepwise, slip, corrected };
}

/** params is (table.total) in the padded layout of buildParamTable(cfg); routerBias is (L,E). */
export function encodeCheckpoint(cfg: RunConfig, params: ArrayLike<number>, routerBias: ArrayLike<number>, meta: CheckpointMeta): Uint8Array {
  const table = buildParamTable(cfg);
  const { nLayers: L, nRouted: E } = cfg.model;
  if (params.length !== table.total) fail(`params has ${params.length} entries, the table of this config needs ${table.total}`);
  if (routerBias.length !== L * E) fail(`routerBias has ${routerBias.length} entries, needs L*E = ${L * E}`);
  if (!Number.isSafeInteger(meta.step) || meta.step < 0) fail(`step ${meta.step} must be an integer >= 0`);
  const tensors = new Map<string, Tensor>();
  for (const t of table.tensors) {
    const data = new Float32Array(t.size);
    for (let i = 0; i < t.size; i++) data[i] = params[t.offset + i]!;
    tensors.set(t.name, { dtype: 'F32', shape: t.shape, data });
  }
  tensors.set(ROUTER_BIAS, { dtype: 'F32', shape: [L, E], data: Float32Array.from(routerBias) });
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    formatVersion: String(CHECKPOINT_VERSION),
    runConfig: JSON.stringify(cfg),
    corpusMix: JSON.stringify(corpusMixOf(cfg)),
    step: String(meta.step),
    stats: JSON.stringify(meta.stats),
  });
}

function parseJson(key: string, text: string | undefined): unknown {
  if (text === undefined) fail(`metadata lacks "${key}"`);
  try {
    return JSON.parse(text);
  } catch {
    fail(`metadata "${key}" is not JSON`);
  }
}

function readConfig(text: string | undefined): RunConfig {
  const input = parseJson('runConfig', text);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('metadata "runConfig" must be a JSON object');
  // Knobs the file lacks take their defaults (a checkpoint from before a knob existed still loads);
  // a wrong model knob still fails below, at the tensor shapes.
  const { config, errors } = validateConfig(input);
  if (errors.length > 0) fail(`runConfig: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`);
  return config;
}

function readCorpusMix(text: string | undefined): CorpusMix {
  const v = parseJson('corpusMix', text) as Record<string, unknown> | null;
  const keys: (keyof CorpusMix)[] = ['direct', 'stepwise', 'slip', 'corrected'];
  if (v === null || typeof v !== 'object') fail('metadata "corpusMix" must be a JSON object');
  for (const k of keys) if (typeof v[k] !== 'number' || !Number.isFinite(v[k])) fail(`corpusMix.${k} must be a finite number`);
  return { direct: v.direct as number, stepwise: v.stepwise as number, slip: v.slip as number, corrected: v.corrected as number };
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Every tensor of the table present, F32, with its shape; nothing else but routerBias. Names the first mismatch. */
function checkTensors(tensors: Map<string, Tensor>, table: ParamTable, biasShape: number[]): void {
  const want = new Map(table.tensors.map((t) => [t.name, t.shape]));
  want.set(ROUTER_BIAS, biasShape);
  for (const [name, shape] of want) {
    const t = tensors.get(name);
    if (!t) fail(`tensor "${name}" (shape [${shape.join(',')}]) is missing`);
    if (t.dtype !== 'F32') fail(`tensor "${name}" is ${t.dtype}, expected F32`);
    if (!sameShape(t.shape, shape)) fail(`tensor "${name}" has shape [${t.shape.join(',')}], the config needs [${shape.join(',')}]`);
  }
  for (const name of tensors.keys()) if (!want.has(name)) fail(`unexpected tensor "${name}" (not in the parameter table of this config)`);
}

/** Validates and unpacks a checkpoint; throws CheckpointError (or the reader's SafetensorsError) naming the problem. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = readSafetensors(bytes);
  if (metadata.format !== CHECKPOINT_FORMAT) fail(`metadata "format" is ${JSON.stringify(metadata.format)}, expected "${CHECKPOINT_FORMAT}"`);
  if (metadata.formatVersion !== String(CHECKPOINT_VERSION)) {
    fail(`format version ${JSON.stringify(metadata.formatVersion)} is not supported (this build reads ${CHECKPOINT_VERSION})`);
  }
  const config = readConfig(metadata.runConfig);
  const corpusMix = readCorpusMix(metadata.corpusMix);
  for (const [k, v] of Object.entries(corpusMixOf(config)) as [keyof CorpusMix, number][]) {
    if (corpusMix[k] !== v) fail(`corpusMix.${k} = ${corpusMix[k]} disagrees with runConfig corpus.${k} = ${v}`);
  }
  const step = Number(metadata.step);
  if (metadata.step === undefined || !/^\d+$/.test(metadata.step) || !Number.isSafeInteger(step)) fail(`metadata "step" ${JSON.stringify(metadata.step)} must be an integer >= 0`);
  const stats = parseJson('stats', metadata.stats);
  if (stats === null || typeof stats !== 'object' || Array.isArray(stats)) fail('metadata "stats" must be a JSON object');

  const table = buildParamTable(config);
  const { nLayers: L, nRouted: E } = config.model;
  checkTensors(tensors, table, [L, E]);
  const params = new Float32Array(table.total); // (table.total), gaps zero
  for (const t of table.tensors) params.set(tensors.get(t.name)!.data, t.offset);
  const routerBias = tensors.get(ROUTER_BIAS)!.data as Float32Array;
  return { config, params, routerBias, meta: { step, stats: stats as CheckpointStats }, corpusMix };
}
