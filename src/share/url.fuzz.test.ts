// Fuzz: decodeRunLink takes a location.hash, which anyone can edit, so it must
// turn every string into a runnable config plus messages and never throw.
// Four kinds of input: any string, "r1." + any base64url, a real link with
// characters flipped, and well-formed deflate of any JSON (which is what
// reaches configFromDiff and unpackSnapshot, the parts with most logic).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { validateConfig } from '../core/validate';
import { QUICK_CONFIG } from '../train/quick';
import { decodeRunLink, encodeRunLink, LINK_VERSION, MAX_HASH_CHARS, MAX_JSON_BYTES, toBase64Url, type DecodedLink } from './url';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** What every decode must give: a config that validates cleanly, and string messages. */
function checkDecoded(d: DecodedLink): void {
  expect(validateConfig(d.config).errors).toEqual([]);
  expect(Array.isArray(d.errors)).toBe(true);
  for (const e of d.errors) expect(typeof e).toBe('string');
  if (d.snapshot) {
    expect(Number.isInteger(d.snapshot.steps)).toBe(true);
    for (const v of Object.values(d.snapshot.series)) expect(v.length).toBeLessThanOrEqual(MAX_JSON_BYTES);
  }
}

describe('decodeRunLink under fuzz (never throws, always a valid config)', () => {
  it('any string (2,500 cases)', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), async (s) => {
      checkDecoded(await decodeRunLink(s));
    }), { numRuns: 2500 });
  });

  it('"r1." + any base64url text (2,500 cases)', async () => {
    const b64 = fc.string({ unit: fc.constantFrom(...B64URL.split('')), maxLength: 300 });
    await fc.assert(fc.asyncProperty(b64, async (s) => {
      const d = await decodeRunLink(`#${LINK_VERSION}.${s}`);
      checkDecoded(d);
    }), { numRuns: 2500 });
  });

  it('a real link with up to 4 characters replaced, inserted or cut (2,500 cases)', async () => {
    const real = (await encodeRunLink(QUICK_CONFIG)).replace(/^#/, '');
    const edit = fc.record({ at: fc.nat({ max: real.length - 1 }), kind: fc.constantFrom('set', 'insert', 'cut'), ch: fc.constantFrom(...B64URL.split(''), '.', '#', '=', '%') });
    await fc.assert(fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
      let s = real;
      for (const e of edits) {
        const at = Math.min(e.at, s.length);
        s = e.kind === 'set' ? s.slice(0, at) + e.ch + s.slice(at + 1) : e.kind === 'insert' ? s.slice(0, at) + e.ch + s.slice(at) : s.slice(0, at) + s.slice(at + 1);
      }
      checkDecoded(await decodeRunLink(s));
    }), { numRuns: 2500 });
  });

  it('well-formed deflate of any JSON, shaped like a link or not (2,500 cases)', async () => {
    const knobish = fc.dictionary(fc.constantFrom('seed', 'model.dModel', 'model.nHeads', 'task.family', 'grpo.lr', 'grpo.groupSize', 'sampling.temperature', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 }));
    const snapshotish = fc.record({ n: fc.jsonValue({ maxDepth: 1 }), s: fc.jsonValue({ maxDepth: 1 }), e: fc.jsonValue({ maxDepth: 1 }), d: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] });
    const doc = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ c: fc.oneof(knobish, fc.jsonValue({ maxDepth: 2 })), r: fc.oneof(snapshotish, fc.jsonValue({ maxDepth: 3 })) }, { requiredKeys: ['c'] }));
    await fc.assert(fc.asyncProperty(doc, async (d) => {
      const bytes = await deflateRaw(new TextEncoder().encode(JSON.stringify(d) ?? 'null'));
      checkDecoded(await decodeRunLink(`#${LINK_VERSION}.${toBase64Url(bytes)}`));
    }), { numRuns: 2500 });
  });
});

describe('decodeRunLink allocates within its limits', () => {
  it('refuses an over-long hash by its length, before decoding', async () => {
    const d = await decodeRunLink(`#${LINK_VERSION}.${'A'.repeat(MAX_HASH_CHARS + 10)}`);
    expect(d.config).toEqual(DEFAULT_CONFIG);
    expect(d.errors[0]).toMatch(/too long/);
  });

  it('refuses a 40 MiB deflate bomb by the inflate cap; the heap does not grow by the bomb', async () => {
    // 40 MiB of spaces deflate to ~40 KB (deflate tops out near 1000:1); the cap stops inflation at 256 KiB
    const bomb = await deflateRaw(new Uint8Array(40 * 1024 * 1024).fill(0x20));
    const hash = `#${LINK_VERSION}.${toBase64Url(bomb)}`;
    expect(hash.length).toBeLessThan(MAX_HASH_CHARS); // so it is the inflate cap that must refuse it
    global.gc?.();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const d = await decodeRunLink(hash);
    const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    expect(d.errors[0]).toMatch(/inflates past/);
    expect(after - before).toBeLessThan(32 * 1024 * 1024);
  });
});
