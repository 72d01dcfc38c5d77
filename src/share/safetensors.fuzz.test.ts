// Fuzz: Import weights reads a file the user picked, which may be anything, so
// readSafetensors + decodeCheckpoint must refuse every bad file with a named
// SafetensorsError or CheckpointError (never a TypeError, RangeError or an
// allocation the file does not pay for). Inputs are mutations of the real
// shipped checkpoint: flipped bytes (header and data), truncations, and
// structured edits of the JSON header (shapes, offsets, dtypes, metadata).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../core/validate';
import { CheckpointError, decodeCheckpoint } from './checkpoint';
import { MAX_HEADER_BYTES, readSafetensors, SafetensorsError } from './safetensors';

const REAL = new Uint8Array(readFileSync(new URL('../../public/base-quick.safetensors', import.meta.url)));
const HEADER_LEN = Number(new DataView(REAL.buffer, REAL.byteOffset).getBigUint64(0, true));
const HEADER = JSON.parse(new TextDecoder().decode(REAL.subarray(8, 8 + HEADER_LEN))) as Record<string, unknown>;
const DATA = REAL.subarray(8 + HEADER_LEN);

/** A file from a header object and a data region (header space-padded to 8 bytes, as the writer does). */
function build(header: unknown, data: Uint8Array): Uint8Array {
  let json = JSON.stringify(header) ?? 'null';
  while ((json.length & 7) !== 0) json += ' ';
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Decodes; a refusal must be one of the two named errors. Returns 'ok' or the error's class name. */
function tryDecode(bytes: Uint8Array): string {
  try {
    const ck = decodeCheckpoint(bytes);
    // whatever decodes is a checkpoint the app can run: a valid config and finite weights
    expect(validateConfig(ck.config).errors).toEqual([]);
    for (let i = 0; i < ck.params.length; i++) if (!Number.isFinite(ck.params[i]!)) throw new Error(`param ${i} is not finite`);
    return 'ok';
  } catch (e) {
    if (e instanceof SafetensorsError || e instanceof CheckpointError) return e.name;
    throw e;
  }
}

describe('the shipped checkpoint decodes (the fuzz base is valid)', () => {
  it('decodes cleanly', () => {
    expect(tryDecode(REAL)).toBe('ok');
    expect(Object.keys(HEADER)).toContain('__metadata__');
  });
});

describe('readSafetensors + decodeCheckpoint under fuzz (refuse by name, never crash)', () => {
  it('1 to 8 random bytes overwritten, mostly in the header (4,000 cases)', () => {
    const pos = fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 8 + HEADER_LEN - 1 }) }, { weight: 1, arbitrary: fc.nat({ max: REAL.length - 1 }) });
    fc.assert(fc.property(fc.array(fc.tuple(pos, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
      const b = REAL.slice();
      for (const [at, v] of edits) b[at] = v;
      tryDecode(b);
    }), { numRuns: 4000 });
  });

  it('truncated or extended at any length (2,000 cases)', () => {
    fc.assert(fc.property(fc.nat({ max: REAL.length + 64 }), fc.integer({ min: 0, max: 255 }), (n, fill) => {
      const b = new Uint8Array(n).fill(fill);
      b.set(REAL.subarray(0, Math.min(n, REAL.length)));
      const r = tryDecode(b);
      if (n !== REAL.length) expect(r).not.toBe('ok');
    }), { numRuns: 2000 });
  });

  it('structured header edits: shapes, offsets, dtypes, names, metadata (4,000 cases)', () => {
    const names = Object.keys(HEADER);
    const dim = fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -1, 1.5, 1e308), fc.jsonValue({ maxDepth: 0 }));
    const edit = fc.oneof(
      fc.record({ k: fc.constant('shape' as const), name: fc.constantFrom(...names), v: fc.array(dim, { maxLength: 5 }) }),
      fc.record({ k: fc.constant('data_offsets' as const), name: fc.constantFrom(...names), v: fc.array(dim, { maxLength: 3 }) }),
      fc.record({ k: fc.constant('dtype' as const), name: fc.constantFrom(...names), v: fc.constantFrom('F32', 'I32', 'F16', 'BF16', 'U8', 'F64', 'X', 7, null) }),
      fc.record({ k: fc.constant('rename' as const), name: fc.constantFrom(...names), v: fc.constantFrom('__proto__', 'constructor', 'x', '', 'routerBias') }),
      fc.record({ k: fc.constant('meta' as const), name: fc.constantFrom('format', 'formatVersion', 'runConfig', 'corpusMix', 'step', 'stats', '__proto__'), v: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }).map((j) => JSON.stringify(j) ?? 'null'), fc.jsonValue({ maxDepth: 1 })) }),
      fc.record({ k: fc.constant('config' as const), name: fc.constantFrom('model.dModel', 'model.nLayers', 'model.nRouted', 'model.maxSeqLen', 'model.dExpert', 'seed', 'corpus.direct'), v: fc.oneof(fc.integer({ min: -2, max: 100_000 }), fc.jsonValue({ maxDepth: 0 })) }),
    );
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const h = structuredClone(HEADER) as Record<string, Record<string, unknown>>;
      for (const e of edits) {
        const entry = h[e.name];
        if (e.k === 'rename') {
          if (entry === undefined) continue;
          delete h[e.name];
          Object.defineProperty(h, e.v, { value: entry, enumerable: true, configurable: true, writable: true });
        } else if (e.k === 'meta') {
          if (h.__metadata__ !== undefined) h.__metadata__[e.name] = e.v;
        } else if (e.k === 'config') {
          // edit the config only while it is still an object of objects (an earlier 'meta' edit may have replaced it)
          let cfg: unknown;
          if (h.__metadata__ === undefined) continue;
          try { cfg = JSON.parse(String(h.__metadata__!.runConfig)); } catch { continue; }
          const [a, b] = e.name.split('.') as [string, string | undefined];
          if (cfg === null || typeof cfg !== 'object') continue;
          const c = cfg as Record<string, unknown>;
          if (b === undefined) c[a] = e.v;
          else if (c[a] !== null && typeof c[a] === 'object') (c[a] as Record<string, unknown>)[b] = e.v;
          h.__metadata__!.runConfig = JSON.stringify(cfg);
        } else if (entry !== undefined && e.name !== '__metadata__') {
          entry[e.k] = e.v;
        }
      }
      tryDecode(build(h, DATA));
    }), { numRuns: 4000 });
  });
});

describe('no file allocates beyond what it carries', () => {
  const heap = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

  it('a header length of 2^40 is refused by the cap before anything is read', () => {
    const b = REAL.slice();
    new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true);
    expect(() => readSafetensors(b)).toThrow(new RegExp(`above the ${MAX_HEADER_BYTES}-byte cap`));
  });

  it('shapes claiming 2^48 floats with an 8-byte data span are refused by the size check, heap flat', () => {
    const before = heap();
    for (const shape of [[65536, 65536, 65536], [2 ** 53 - 1, 2 ** 53 - 1], [2 ** 26, 2 ** 26, 0, 2 ** 26]]) {
      const bytes = build({ w: { dtype: 'F32', shape, data_offsets: [0, 8] } }, new Uint8Array(8));
      expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
      expect(() => readSafetensors(bytes)).toThrow(/needs .* bytes, data_offsets span 8/);
    }
    expect(heap() - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('data_offsets past the file are refused, not read', () => {
    const bytes = build({ w: { dtype: 'F32', shape: [2 ** 30], data_offsets: [0, 2 ** 32] } }, new Uint8Array(8));
    expect(() => readSafetensors(bytes)).toThrow(/run past the data region \(8 bytes\)/);
  });

  it('a runConfig claiming a model past MAX_PARAMS is refused by the config check, before the params buffer', () => {
    const h = structuredClone(HEADER) as Record<string, Record<string, string>>;
    const cfg = JSON.parse(h.__metadata__!.runConfig!) as { model: Record<string, number> };
    cfg.model.dModel = 1024;
    cfg.model.nLayers = 8;
    h.__metadata__!.runConfig = JSON.stringify(cfg);
    const before = heap();
    expect(() => decodeCheckpoint(build(h, DATA))).toThrow(CheckpointError);
    expect(heap() - before).toBeLessThan(16 * 1024 * 1024);
  });
});
