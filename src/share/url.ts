// The run link: a URL hash that carries a RunConfig (and optionally a snapshot
// of its results) so whoever opens it sees the same charts and can re-run the
// identical training. DESIGN §9.
//
//   #r1.<base64url( deflate-raw( JSON ) )>
//
// "r1" is the format version. The JSON is { c: config diff, r?: snapshot }. The
// config is written as the knobs that differ from the defaults, keyed by knob
// path (after tensorflow/playground's URL state), which keeps a link short. The
// defaults are those frozen for the link's version (linkDefaults.ts), not
// today's DEFAULT_CONFIG, so a later change of a default leaves old links
// opening the run they were made from; the decoder accepts every known
// version, the encoder writes the newest, and a link of an unknown version is
// refused by name instead of misread. Decoding goes through core's
// validateConfig, so unknown keys are ignored, missing ones take the version's
// defaults and bad ones are named and replaced by them.
//
// Decoding takes untrusted text (anyone can edit a URL) and never throws: every
// problem becomes a message in `errors` and the caller still gets a runnable
// config. Pure: no DOM beyond the standard CompressionStream/atob/btoa, which
// Node 20 has too.

import { cloneConfig, DEFAULT_CONFIG, getPath, KNOBS, setPath, type RunConfig } from '../core/config';
import { checkKnob, validateConfig } from '../core/validate';
import { diffFrom } from '../core/configDiff';
import { LINK_VERSIONS, type LinkVersion } from './linkDefaults';
import { EVAL_SERIES, SERIES_KEYS, type SeriesKey } from './metrics';

/** The version the encoder writes: the newest known. */
export const LINK_VERSION = LINK_VERSIONS[LINK_VERSIONS.length - 1]!.id;
/** Longest hash we try to read: a results link is ~8 KB; anything far past that is not ours. */
export const MAX_HASH_CHARS = 64 * 1024;
/** Cap on the inflated JSON, so a small "deflate bomb" cannot take the tab's memory. */
export const MAX_JSON_BYTES = 256 * 1024;
/** Points kept per series in a snapshot. */
export const SNAPSHOT_POINTS = 200;
/** Significant digits kept of each series' largest value: 5 would take a 2,000-step link from ~6.5 to ~7.6 KB, too near the 8 KB budget. */
const DIGITS = 4;
const MAX_TEXT = 400; // characters kept of the aha example's prompt and completion

// The series a snapshot keeps (SERIES_KEYS, frozen with the link format) and
// which metric each one is: rows of the metrics table.
export { SERIES_KEYS, type SeriesKey } from './metrics';

export interface ResultsSnapshot {
  /** GRPO steps the run had taken when it was shared. */
  steps: number;
  /** The kept training steps (GrpoMetrics.step), ascending; every training series has one value per entry. */
  step: number[];
  /** The kept evaluation steps, ascending; heldOutGreedy/heldOutSampled have one value per entry. */
  evalStep: number[];
  series: Record<SeriesKey, (number | null)[]>;
  /** Kept steps that dynamic sampling skipped (nothing trained). */
  skipped: number[];
  /** The base model's step-0 aha rate (the aha chart's reference line), when measured. */
  baseAha: number | null;
  /** Problems in the held-out set (can be fewer than grpo.heldOutSize on a small task), when evaluated. */
  heldOutProblems: number | null;
  firstAha: { step: number; prompt: string; completion: string } | null;
}

export interface DecodedLink {
  config: RunConfig;
  /** One message per problem, naming the field (empty for a clean link). */
  errors: string[];
  snapshot?: ResultsSnapshot;
}

// --- config ----------------------------------------------------------------

/**
 * What links are written and read against. The app passes none; tests pass
 * one to play a later build (other defaults, more versions) against links
 * made today.
 */
export interface LinkContext {
  /** The build's DEFAULT_CONFIG: consulted only for knobs a version's table lacks. */
  defaults?: RunConfig;
  /** Known versions, oldest first; the last is written. */
  versions?: readonly LinkVersion[];
}

const newest = (versions: readonly LinkVersion[]): LinkVersion => versions[versions.length - 1]!;

/**
 * Knobs that differ from the version's frozen defaults, by path, plus every
 * knob the table lacks (one added since it was frozen: its default is today's
 * DEFAULT_CONFIG, which may change, so it is written whatever its value). The
 * seed is written even when it is the default: it is what a re-run most
 * depends on.
 */
export function configDiff(config: RunConfig, version: LinkVersion = newest(LINK_VERSIONS)): Record<string, unknown> {
  return diffFrom(config, version.defaults, ['seed']);
}

/**
 * The config a link of this version starts from: its frozen table, and the
 * current defaults for knobs the table lacks. A frozen value that the build
 * no longer accepts (an option removed, a range narrowed) takes the current
 * default, and is named in `errors` unless the link sets that knob itself.
 */
function versionBase(version: LinkVersion, current: RunConfig = DEFAULT_CONFIG, setByLink: (path: string) => boolean = () => false): { config: RunConfig; errors: string[] } {
  const config = cloneConfig(current);
  const errors: string[] = [];
  for (const k of KNOBS) {
    const v = getPath(version.defaults, k.path);
    if (v === undefined) continue; // a knob added after the table was frozen: today's default
    const msg = checkKnob(k, v);
    if (msg === null) setPath(config, k.path, v);
    else if (!setByLink(k.path)) errors.push(`${msg} (the ${version.id} default, no longer allowed); using today's default`);
  }
  return { config, errors };
}

/**
 * diff (by path) -> a validated RunConfig, relative to the version's frozen
 * defaults; field errors are replaced by those defaults, cross-field ones too.
 */
export function configFromDiff(diff: unknown, version: LinkVersion = newest(LINK_VERSIONS), current: RunConfig = DEFAULT_CONFIG): { config: RunConfig; errors: string[] } {
  const isObject = diff !== null && typeof diff === 'object' && !Array.isArray(diff);
  const has = (path: string) => isObject && Object.prototype.hasOwnProperty.call(diff, path);
  const base = versionBase(version, current, has);
  const nested = {};
  for (const k of KNOBS) {
    if (has(k.path)) setPath(ensureParents(nested, k.path), k.path, (diff as Record<string, unknown>)[k.path]);
  }
  const { config, errors } = repairConfig(nested, base.config, current); // also when the base alone does not fit together
  const notObject = isObject ? [] : ['config: missing or not an object; using the defaults'];
  return { config, errors: [...base.errors, ...notObject, ...errors] };
}

function ensureParents(obj: Record<string, unknown>, path: string): Record<string, unknown> {
  const keys = path.split('.');
  let cur = obj;
  for (const key of keys.slice(0, -1)) cur = (cur[key] ??= {}) as Record<string, unknown>;
  return obj;
}

/**
 * validateConfig replaces bad single values by defaults but leaves a config
 * that breaks a cross-field rule (nHeads not dividing dModel) as it is, and
 * checks cross-field rules only once the single values pass. So: validate
 * against `base` (a link's version defaults), reset each named field to its
 * base value, and repeat; if that does not settle it, fall back to the base
 * wholesale (keeping the seed), and should even that not fit together (a
 * frozen table against a later build's rules), to `last`, the build's own
 * defaults.
 */
export function repairConfig(input: unknown, base: RunConfig = DEFAULT_CONFIG, last: RunConfig = DEFAULT_CONFIG): { config: RunConfig; errors: string[] } {
  const errors: string[] = [];
  let { config, errors: errs } = validateConfig(input, base);
  for (let round = 0; errs.length > 0 && round < 4; round++) {
    for (const e of errs) {
      if (!errors.includes(e.message)) errors.push(e.message); // a reset that does not help is named once
      if (e.path) setPath(config, e.path, getPath(base, e.path));
    }
    ({ config, errors: errs } = validateConfig(config, base));
  }
  if (errs.length > 0) {
    errors.push('config: the link\'s values do not fit together; using the defaults');
    config = { ...cloneConfig(base), seed: config.seed };
    if (validateConfig(config, base).errors.length > 0) config = { ...cloneConfig(last), seed: config.seed };
  }
  return { config, errors };
}

// --- bytes -----------------------------------------------------------------

async function pump(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      reader.cancel().catch(() => {});
      throw new LinkError(`the link inflates past ${cap} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) (out.set(c, o), (o += c.length));
  return out;
}

const deflate = (bytes: Uint8Array) => pump(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw')), Infinity);
const inflate = (bytes: Uint8Array) => pump(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')), MAX_JSON_BYTES);

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url without padding -> bytes; throws LinkError on any other character or an impossible length. */
export function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new LinkError('the link holds characters that are not base64url');
  if (s.length % 4 === 1) throw new LinkError('the link is truncated (impossible base64 length)');
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

class LinkError extends Error {}

// --- encode / decode ---------------------------------------------------------

/** config (+ snapshot) -> the hash, '#' included, in the newest version. */
export async function encodeRunLink(config: RunConfig, snapshot?: ResultsSnapshot, ctx: LinkContext = {}): Promise<string> {
  const version = newest(ctx.versions ?? LINK_VERSIONS);
  const doc: Record<string, unknown> = { c: configDiff(config, version) };
  if (snapshot) doc.r = packSnapshot(snapshot);
  const bytes = await deflate(new TextEncoder().encode(JSON.stringify(doc)));
  return `#${version.id}.${toBase64Url(bytes)}`;
}

/**
 * Any string (a location.hash) -> a runnable config, the problems found, and
 * the snapshot when one was readable. Never throws. A link that cannot be
 * read at all gives `unreadable` (the page's own default); a readable one is
 * always relative to the defaults frozen for its version, as it was written.
 */
export async function decodeRunLink(hash: string, unreadable: RunConfig = DEFAULT_CONFIG, ctx: LinkContext = {}): Promise<DecodedLink> {
  const fallback = (msg: string): DecodedLink => ({ config: cloneConfig(unreadable), errors: [`${msg}; using the default config`] });
  try {
    const versions = ctx.versions ?? LINK_VERSIONS;
    const h = String(hash).replace(/^#/, '');
    if (h.length > MAX_HASH_CHARS) return fallback(`the link is too long (${h.length} characters, at most ${MAX_HASH_CHARS})`);
    const dot = h.indexOf('.');
    const id = dot < 0 ? h.slice(0, 16) : h.slice(0, dot);
    const version = dot < 0 ? undefined : versions.find((v) => v.id === id);
    if (!version) return fallback(`not a run link of version ${versions.map((v) => v.id).join(' or ')} (got ${JSON.stringify(id)})`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await inflate(fromBase64Url(h.slice(dot + 1))));
    } catch (e) {
      return fallback(e instanceof LinkError ? e.message : 'the link is corrupted (it does not inflate)');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return fallback('the link is corrupted (its content is not JSON)');
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return fallback('the link is corrupted (its content is not an object)');
    const { config, errors } = configFromDiff((doc as Record<string, unknown>).c, version, ctx.defaults ?? DEFAULT_CONFIG);
    const out: DecodedLink = { config, errors };
    const r = (doc as Record<string, unknown>).r;
    if (r !== undefined) {
      const s = unpackSnapshot(r);
      if (typeof s === 'string') errors.push(`results snapshot: ${s}; showing the config only`);
      else out.snapshot = s;
    }
    return out;
  } catch (e) {
    // nothing above should throw; this is the promise that decoding never does
    return fallback(`the link could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
}

// --- snapshot ----------------------------------------------------------------

/** k indices into n items, evenly spread, first and last included. */
export function downsampleIndices(n: number, k: number = SNAPSHOT_POINTS): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}

/**
 * A series packed as integers: values are v = q * 10^e with e chosen so the
 * largest |v| keeps 4 significant digits (the readouts show at most 4), then
 * delta-coded, since curves move slowly and small deltas deflate well.
 * null (not measured) stays null and does not break the deltas.
 */
export function packSeries(values: readonly (number | null)[]): [number, ...(number | null)[]] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const maxAbs = finite.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  const e = maxAbs > 0 ? Math.floor(Math.log10(maxAbs)) - DIGITS + 1 : 0;
  const out: [number, ...(number | null)[]] = [e];
  let prev = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) { out.push(null); continue; }
    const q = Math.round(e >= 0 ? v / 10 ** e : v * 10 ** -e);
    out.push(q - prev);
    prev = q;
  }
  return out;
}

export function unpackSeries(packed: readonly (number | null)[]): (number | null)[] {
  const e = packed[0] as number;
  let q = 0;
  // dividing by 10^-e (not multiplying by 10^e) keeps 0.1234 exact where it can be
  return packed.slice(1).map((d) => (d === null ? null : ((q += d), e >= 0 ? q * 10 ** e : q / 10 ** -e)));
}

/** Steps as deltas: evenly spread steps become a run of equal small numbers. */
const packSteps = (steps: readonly number[]) => steps.map((s, i) => s - (i > 0 ? steps[i - 1]! : 0));
const unpackSteps = (d: readonly number[]) => { let s = 0; return d.map((x) => (s += x)); };

function packSnapshot(s: ResultsSnapshot): Record<string, unknown> {
  const series: Record<string, unknown> = {};
  for (const k of SERIES_KEYS) series[k] = packSeries(s.series[k]);
  return { n: s.steps, t: packSteps(s.step), te: packSteps(s.evalStep), s: series, k: s.skipped, b: s.baseAha, p: s.heldOutProblems, a: s.firstAha };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e7;
const isIntList = (v: unknown, max: number): v is number[] => Array.isArray(v) && v.length <= max && v.every(isInt);

/** Untrusted JSON -> a snapshot, or a message saying what is wrong with it. */
function unpackSnapshot(r: unknown): ResultsSnapshot | string {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  const o = r as Record<string, unknown>;
  if (!isInt(o.n)) return 'the step count is missing or not an integer';
  if (!isIntList(o.t, SNAPSHOT_POINTS)) return `the steps must be at most ${SNAPSHOT_POINTS} integers`;
  if (!isIntList(o.te, SNAPSHOT_POINTS)) return `the evaluation steps must be at most ${SNAPSHOT_POINTS} integers`;
  const step = unpackSteps(o.t), evalStep = unpackSteps(o.te);
  if (step.some((x, i) => i > 0 && x <= step[i - 1]!) || evalStep.some((x, i) => i > 0 && x <= evalStep[i - 1]!)) return 'the steps are not ascending';
  if (o.s === null || typeof o.s !== 'object') return 'the series are missing';
  const series = {} as Record<SeriesKey, (number | null)[]>;
  for (const k of SERIES_KEYS) {
    const p = (o.s as Record<string, unknown>)[k];
    const n = EVAL_SERIES.includes(k) ? evalStep.length : step.length; // held-out accuracy: at the evaluations' own steps
    if (!Array.isArray(p) || p.length !== n + 1 || !Number.isInteger(p[0]) || Math.abs(p[0] as number) > 300) return `series ${k} is malformed`;
    if (!p.slice(1).every((d) => d === null || (typeof d === 'number' && Number.isFinite(d)))) return `series ${k} holds a value that is not a number`;
    series[k] = unpackSeries(p as (number | null)[]);
    if (series[k].some((v) => v !== null && !Number.isFinite(v))) return `series ${k} overflows`;
  }
  if (!isIntList(o.k, SNAPSHOT_POINTS)) return 'the skipped steps are malformed';
  const baseAha = o.b === null || o.b === undefined ? null : o.b;
  if (baseAha !== null && !(typeof baseAha === 'number' && baseAha >= 0 && baseAha <= 1)) return 'the base aha rate is not a fraction';
  const heldOutProblems = o.p === null || o.p === undefined ? null : o.p;
  if (heldOutProblems !== null && !isInt(heldOutProblems)) return 'the held-out problem count is not an integer';
  let firstAha: ResultsSnapshot['firstAha'] = null;
  if (o.a !== null && o.a !== undefined) {
    const a = o.a as Record<string, unknown>;
    if (typeof a !== 'object' || !isInt(a.step) || typeof a.prompt !== 'string' || typeof a.completion !== 'string') return 'the aha example is malformed';
    firstAha = { step: a.step, prompt: a.prompt.slice(0, MAX_TEXT), completion: a.completion.slice(0, MAX_TEXT) };
  }
  return { steps: o.n, step, evalStep, series, skipped: o.k, baseAha, heldOutProblems, firstAha };
}

/** Snapshot values as they will read back: what the sharer should show, so both sides agree. */
export function clampText(s: string): string {
  return s.slice(0, MAX_TEXT);
}
