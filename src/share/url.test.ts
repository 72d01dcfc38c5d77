import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneConfig, DEFAULT_CONFIG, getPath, KNOBS, preset, setPath, type RunConfig } from '../core/config';
import { validateConfig } from '../core/validate';
import { Rng } from '../core/rng';
import { R1_DEFAULTS } from './linkDefaults';
import {
  decodeRunLink, downsampleIndices, encodeRunLink, fromBase64Url, MAX_HASH_CHARS, packSeries, SERIES_KEYS, toBase64Url, unpackSeries,
  type ResultsSnapshot,
} from './url';

/** Writes a hash from any JSON, bypassing the encoder, to feed the decoder documents the encoder never makes. */
async function rawLink(doc: unknown, version = 'r1'): Promise<string> {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  const bytes = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  return `#${version}.${toBase64Url(bytes)}`;
}

/** What an r1 link that sets nothing opens: the defaults frozen for r1 (linkDefaults.ts), today's for knobs added since. */
function r1Defaults(): RunConfig {
  const c = cloneConfig(DEFAULT_CONFIG);
  for (const k of KNOBS) {
    const v = getPath(R1_DEFAULTS, k.path);
    if (v !== undefined) setPath(c, k.path, v);
  }
  return c;
}

/** A random config: each knob random within its range (or default), kept when validateConfig accepts it. */
const knobValue = (k: (typeof KNOBS)[number]): fc.Arbitrary<unknown> => {
  switch (k.kind) {
    case 'int': return fc.integer({ min: k.min, max: k.max });
    case 'float': return fc.oneof(fc.double({ min: k.min, max: k.max, noNaN: true }), fc.constantFrom(k.min, k.max));
    case 'enum': return fc.constantFrom(...k.options);
    case 'bool': return fc.boolean();
  }
};
const validConfig: fc.Arbitrary<RunConfig> = fc
  .tuple(...KNOBS.map((k) => fc.option(knobValue(k), { freq: 2 })))
  .map((vals) => {
    const c = cloneConfig(DEFAULT_CONFIG);
    vals.forEach((v, i) => { if (v !== null) setPath(c, KNOBS[i]!.path, v); });
    return c;
  })
  .filter((c) => validateConfig(c).errors.length === 0);

/** A 2,000-step run's metrics, made up but shaped like real ones (noisy curves, fractions in 1/32). */
function syntheticSnapshot(n: number): ResultsSnapshot {
  const rng = new Rng(5, 0);
  const idx = downsampleIndices(n);
  const frac = (v: number) => Math.round(32 * Math.min(1, Math.max(0, v))) / 32;
  const gen: Record<string, (t: number) => number> = {
    reward: (t) => 0.2 + 0.8 * (1 - Math.exp(-t / 500)) + 0.2 * (rng.float() - 0.5),
    accuracy: (t) => frac(0.1 + 0.8 * (1 - Math.exp(-t / 600)) + 0.2 * (rng.float() - 0.5)),
    format: (t) => frac(0.1 + t / 300 + 0.1 * rng.float()),
    lenMean: (t) => 20 + t / 50 + 3 * rng.float(), lenMin: () => Math.floor(5 + 5 * rng.float()), lenMax: () => 40 + Math.floor(24 * rng.float()),
    reflection: () => frac(rng.float() * 0.3), aha: () => frac(rng.float() * 0.1),
    verification: () => frac(rng.float() * 0.2), overthinking: () => frac(rng.float() * 0.05),
    kl: (t) => 1e-5 + t * 1e-5 * rng.float(), entropy: (t) => 1.5 - t / 4000 + 0.1 * rng.float(), clip: () => 0.01 * rng.float(),
    policyLoss: () => 0.05 * (rng.float() - 0.5), gradNorm: () => 0.5 + rng.float(),
  };
  const evalStep = downsampleIndices(Math.floor(n / 20) + 1).map((i) => i * 20);
  const series = {} as ResultsSnapshot['series'];
  for (const k of SERIES_KEYS) {
    series[k] = k.startsWith('heldOut') ? evalStep.map((t) => frac(t / 2000 + 0.2 * rng.float())) : idx.map((i) => gen[k]!(i));
  }
  return {
    steps: n, step: idx, evalStep, series, skipped: [idx[3]!], baseAha: 0.03125, heldOutProblems: 64,
    firstAha: { step: 812, prompt: '<bos>47+85=', completion: '<think>4+8=12 7+5=11 so 122<wait>7+5=12 carry so 132</think><answer>132</answer><eos>' },
  };
}

describe('config links', () => {
  it('round-trips the default and each preset, and stays short (config-only <= 600 characters)', async () => {
    for (const c of [DEFAULT_CONFIG, preset('R1-Zero'), preset('Dr. GRPO'), preset('DAPO'), preset('R1-Zero (Arithmetic)')]) {
      const hash = await encodeRunLink(c);
      expect(hash).toMatch(/^#r3\.[A-Za-z0-9_-]+$/);
      expect(hash.length).toBeLessThanOrEqual(600);
      const d = await decodeRunLink(hash);
      expect(d.errors).toEqual([]);
      expect(d.config).toEqual(c);
      expect(d.snapshot).toBeUndefined();
    }
  });

  it('encode then decode gives the same config for random valid configs', async () => {
    await fc.assert(
      fc.asyncProperty(validConfig, async (c) => {
        const d = await decodeRunLink(await encodeRunLink(c));
        expect(d.errors).toEqual([]);
        expect(d.config).toEqual(c);
      }),
      { numRuns: 150 },
    );
  });

  it('ignores unknown fields, defaults missing ones, names and replaces bad ones', async () => {
    const d = await decodeRunLink(await rawLink({ c: { seed: 99, 'grpo.beta': 'lots', 'model.dModel': 48, 'grpo.nonsense': 3, extra: 1 }, zzz: [] }));
    expect(d.config.seed).toBe(99);
    expect(d.config.model.dModel).toBe(48);
    expect(d.config.grpo.beta).toBe(r1Defaults().grpo.beta);
    expect(d.config.grpo.lr).toBe(r1Defaults().grpo.lr);
    expect(d.errors).toHaveLength(1);
    expect(d.errors[0]).toContain('grpo.beta');
  });

  it('repairs a cross-field violation by defaulting the named field, and reports it', async () => {
    // 48 / 5 heads does not divide: nHeads is named and goes back to 4 (48 / 4 = 12, even for RoPE)
    const d = await decodeRunLink(await rawLink({ c: { 'model.dModel': 48, 'model.nHeads': 5 } }));
    expect(d.config.model.nHeads).toBe(4);
    expect(d.config.model.dModel).toBe(48);
    expect(d.errors.join('\n')).toContain('model.nHeads');
    expect(validateConfig(d.config).errors).toEqual([]);
  });

  it('falls back to the defaults, naming the problem, for wrong version, bad base64, bad deflate, bad JSON, over-long', async () => {
    const good = await encodeRunLink(preset('DAPO'));
    const cases: [string, RegExp][] = [
      ['', /version r1 or r2 or r3/],
      ['#r4.' + good.slice(4), /version r1 or r2 or r3.*"r4"/],
      ['#r1.ab$cd', /base64url/],
      ['#r1.a', /truncated/],
      ['#r1.' + toBase64Url(new Uint8Array([0xff, 0xff, 0xff, 0xff])), /corrupted/],
      [await rawLink('{"c": {'), /not JSON/],
      [await rawLink('[1,2]'), /not an object/],
      ['#r1.' + 'A'.repeat(MAX_HASH_CHARS + 1), /too long/],
      [good.slice(0, good.length - 12), /corrupted|truncated/],
    ];
    for (const [hash, msg] of cases) {
      const d = await decodeRunLink(hash);
      expect(d.config, hash.slice(0, 30)).toEqual(DEFAULT_CONFIG);
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toMatch(msg);
    }
  });

  it('an unreadable link gives the page\'s own default; a readable one stays relative to its version\'s frozen defaults', async () => {
    const pageDefault = preset('DAPO');
    expect((await decodeRunLink('#r1.%%', pageDefault)).config).toEqual(pageDefault);
    expect((await decodeRunLink(await rawLink({ c: { seed: 3 } }), pageDefault)).config).toEqual({ ...r1Defaults(), seed: 3 });
  });

  it('refuses a deflate bomb past 256 KiB without inflating it all', async () => {
    const d = await decodeRunLink(await rawLink(' '.repeat(300 * 1024) + '{}'));
    expect(d.errors[0]).toMatch(/inflates past 262144 bytes/);
  });
});

describe('results snapshots', () => {
  it('a 2,000-step run fits in 8 KB and reads back within the quantisation', async () => {
    const s = syntheticSnapshot(2000);
    expect(s.step).toHaveLength(200);
    const hash = await encodeRunLink(DEFAULT_CONFIG, s);
    expect(hash.length).toBeLessThanOrEqual(8192);
    console.log(`link lengths: config-only default ${(await encodeRunLink(DEFAULT_CONFIG)).length}, with a 2,000-step snapshot ${hash.length} characters`);
    const d = await decodeRunLink(hash);
    expect(d.errors).toEqual([]);
    const r = d.snapshot!;
    expect(r.steps).toBe(2000);
    expect(r.step).toEqual(s.step);
    expect(r.evalStep).toEqual(s.evalStep);
    expect(r.skipped).toEqual(s.skipped);
    expect(r.firstAha).toEqual(s.firstAha);
    expect(r.baseAha).toBe(0.03125);
    expect(r.heldOutProblems).toBe(64);
    for (const k of SERIES_KEYS) {
      const max = Math.max(...s.series[k].map((v) => Math.abs(v!)));
      // 4 significant digits of the series' largest value: error at most half a unit of the 4th digit
      const unit = 10 ** (Math.floor(Math.log10(max)) - 3);
      s.series[k].forEach((v, i) => expect(Math.abs(r.series[k][i]! - v!), `${k}[${i}]`).toBeLessThanOrEqual(unit / 2 + 1e-12));
    }
  });

  it('packs a series as exponent then integer deltas, nulls kept', () => {
    // largest 0.4219 -> e = -4; 0.4219 -> 4219, 0.03125 -> 313 (rounded), 0.5 -> 5000
    expect(packSeries([0.4219, null, 0.03125, 0.5])).toEqual([-4, 4219, null, 313 - 4219, 5000 - 313]);
    expect(unpackSeries([-4, 4219, null, 313 - 4219, 5000 - 313])).toEqual([0.4219, null, 0.0313, 0.5]);
    expect(packSeries([1234.5, 20])).toEqual([0, 1235, 20 - 1235]);
    expect(packSeries([0, 0])).toEqual([0, 0, 0]);
  });

  it('downsamples evenly with both ends kept', () => {
    expect(downsampleIndices(3, 200)).toEqual([0, 1, 2]);
    expect(downsampleIndices(11, 3)).toEqual([0, 5, 10]);
    const idx = downsampleIndices(2000);
    expect(idx).toHaveLength(200);
    expect(idx[0]).toBe(0);
    expect(idx[199]).toBe(1999);
  });

  it('drops a malformed snapshot with a message but keeps the config', async () => {
    const c = { seed: 5, 'task.difficulty': 3 };
    const bad = [
      { n: 2, t: [0, 1], te: [], s: {}, k: [], b: null, a: null },
      { n: 2, t: [1, 0], te: [], s: {}, k: [], b: null, a: null },
      'x',
    ];
    for (const r of bad) {
      const d = await decodeRunLink(await rawLink({ c, r }));
      expect(d.config.seed).toBe(5);
      expect(d.config.task.difficulty).toBe(3);
      expect(d.snapshot).toBeUndefined();
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toMatch(/^results snapshot: /);
    }
  });
});

describe('base64url', () => {
  it('round-trips every length without padding', () => {
    for (let n = 0; n < 10; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 250) & 255);
      const s = toBase64Url(b);
      expect(s).not.toMatch(/[=+/]/);
      expect(fromBase64Url(s)).toEqual(b);
    }
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });
});

describe('fuzz: decoding never throws', () => {
  it('10,000 random and mutated hashes all decode to a valid config', async () => {
    const rng = new Rng(11, 0);
    const good = [await encodeRunLink(preset('DAPO')), await encodeRunLink(DEFAULT_CONFIG, syntheticSnapshot(300))];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.#r1=+/%\u00e9\u0000';
    const pick = (n: number) => Math.floor(rng.float() * n);
    for (let i = 0; i < 10_000; i++) {
      let h: string;
      const base = good[i % 2]!;
      switch (i % 4) {
        case 0: h = Array.from({ length: pick(80) }, () => alphabet[pick(alphabet.length)]).join(''); break;
        case 1: h = `#r1.${Array.from({ length: pick(200) }, () => alphabet[pick(64)]).join('')}`; break;
        case 2: { // mutate a few characters of a real link
          const a = base.split('');
          for (let m = 0; m <= pick(4); m++) a[4 + pick(a.length - 4)] = alphabet[pick(64)]!;
          h = a.join('');
          break;
        }
        default: h = base.slice(0, pick(base.length)); // truncated
      }
      const d = await decodeRunLink(h);
      expect(validateConfig(d.config).errors).toEqual([]);
      expect(Array.isArray(d.errors)).toBe(true);
    }
  }, 60_000);
});
