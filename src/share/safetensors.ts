// The safetensors format (huggingface/safetensors), F32 and I32 only:
//
//   [0, 8)        u64 little-endian: N, the header's length in bytes
//   [8, 8+N)      UTF-8 JSON object, may be right-padded with spaces:
//                   { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ...,
//                     "__metadata__": { "<key>": "<string>", ... } }
//   [8+N, end)    the data region: every tensor's bytes, little-endian, row-major;
//                 data_offsets are relative to its start
//
// The reader trusts nothing: a checkpoint may come from a URL or a drop onto
// the page. Every problem throws SafetensorsError naming it, and no allocation
// exceeds the file's size (tensors must tile the data region exactly, so their
// copies together are at most the data region). NaN and Inf are refused: a
// weight file holding them is broken, and the trainer must never load one.

export type Dtype = 'F32' | 'I32';

export interface Tensor {
  dtype: Dtype;
  shape: number[];
  /** Row-major values: Float32Array for F32, Int32Array for I32. */
  data: Float32Array | Int32Array;
}

export interface SafetensorsFile {
  /** In data-region order. */
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(`safetensors: ${message}`);
    this.name = 'SafetensorsError';
  }
}

/** The reference implementation's cap; a header this large is an attack or garbage. */
export const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, I32: 4 };
/** Dtypes the spec defines that this reader does not decode, for a clearer message than "unknown". */
const OTHER_SPEC_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'U32', 'F64', 'I64', 'U64'];
const METADATA = '__metadata__';

function fail(message: string): never {
  throw new SafetensorsError(message);
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Writes tensors (in the map's order) and string metadata; the header is space-padded to 8 bytes so the data region is aligned. */
export function writeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') fail(`metadata ${JSON.stringify(k)} must be a string, got ${typeof v}`);
  }
  if (Object.keys(metadata).length > 0) header[METADATA] = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === METADATA) fail(`${METADATA} is reserved and cannot name a tensor`);
    const want = t.dtype === 'F32' ? Float32Array : t.dtype === 'I32' ? Int32Array : null;
    if (!want) fail(`tensor ${JSON.stringify(name)}: dtype ${String(t.dtype)} is not F32 or I32`);
    if (!(t.data instanceof want)) fail(`tensor ${JSON.stringify(name)}: dtype ${t.dtype} needs a ${want.name}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${JSON.stringify(name)}: shape [${t.shape.join(',')}] must hold integers >= 0`);
    if (product(t.shape) !== t.data.length) fail(`tensor ${JSON.stringify(name)}: shape [${t.shape.join(',')}] holds ${product(t.shape)} values, data has ${t.data.length}`);
    if (t.dtype === 'F32') checkFinite(name, t.data as Float32Array);
    const bytes = t.data.length * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true); // N < 2^32: the high word stays 0
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors.values()) {
    // explicit little-endian, whatever the host's byte order
    if (t.dtype === 'F32') for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
    else for (let i = 0; i < t.data.length; i++, at += 4) view.setInt32(at, t.data[i]!, true);
  }
  return out;
}

function checkFinite(name: string, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) fail(`tensor ${JSON.stringify(name)} holds ${data[i]} at index ${i}; NaN and Inf are refused`);
  }
}

interface Entry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseEntry(name: string, v: unknown, dataBytes: number): Entry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (!isObject(v)) fail(`${where}: header entry must be an object`);
  for (const k of Object.keys(v)) {
    if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') fail(`${where}: unexpected field ${JSON.stringify(k)}`);
  }
  const { dtype, shape, data_offsets: offs } = v;
  if (typeof dtype !== 'string') fail(`${where}: dtype must be a string`);
  if (dtype !== 'F32' && dtype !== 'I32') {
    if (OTHER_SPEC_DTYPES.includes(dtype)) fail(`${where}: dtype ${dtype} is not supported (this reader reads F32 and I32)`);
    fail(`${where}: unknown dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${where}: shape must be an array of integers >= 0`);
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${where}: data_offsets must be [begin, end], integers >= 0`);
  }
  const [begin, end] = offs as [number, number];
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataBytes) fail(`${where}: data_offsets [${begin}, ${end}] run past the data region (${dataBytes} bytes)`);
  // product stays <= dataBytes before it can overflow: stop as soon as it passes the byte span
  const span = end - begin;
  let n = (shape as number[]).includes(0) ? 0 : 1;
  for (const d of shape as number[]) {
    if (n * DTYPE_BYTES[dtype] > span) break;
    n *= d;
  }
  if (n * DTYPE_BYTES[dtype] !== span) {
    fail(`${where}: shape [${(shape as number[]).join(',')}] of ${dtype} needs ${product(shape as number[]) * DTYPE_BYTES[dtype]} bytes, data_offsets span ${span}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Parses and validates a whole file; throws SafetensorsError naming the first problem. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) fail(`file truncated: ${bytes.length} bytes, the header length alone needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER_BYTES) fail(`header length ${n} is above the ${MAX_HEADER_BYTES}-byte cap`);
  if (8 + n > bytes.length) fail(`file truncated: header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  if (n === 0 || bytes[8] !== 0x7b) fail('header must be a JSON object starting with "{"');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(header)) fail('header must be a JSON object');

  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === METADATA) {
      if (!isObject(v)) fail(`${METADATA} must be an object of strings`);
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') fail(`metadata ${JSON.stringify(k)} must be a string, got ${s === null ? 'null' : typeof s}`);
      }
      // fromEntries defines own properties: a "__proto__" key stays a key instead of setting the prototype
      metadata = Object.fromEntries(Object.entries(v)) as Record<string, string>;
    } else {
      entries.push(parseEntry(name, v, dataBytes));
    }
  }

  // The tensors must tile [0, dataBytes) exactly: no overlap, no hole, no trailing bytes.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of entries) {
    if (e.begin < covered) fail(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${covered})`);
    if (e.begin > covered) fail(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] leave a hole at bytes [${covered}, ${e.begin})`);
    covered = e.end;
  }
  if (covered !== dataBytes) fail(`the tensors cover ${covered} bytes of the ${dataBytes}-byte data region`);

  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const count = (e.end - e.begin) / 4;
    const at = dataStart + e.begin;
    if (e.dtype === 'F32') {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
      checkFinite(e.name, data);
      tensors.set(e.name, { dtype: 'F32', shape: e.shape, data });
    } else {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(at + 4 * i, true);
      tensors.set(e.name, { dtype: 'I32', shape: e.shape, data });
    }
  }
  return { tensors, metadata };
}
