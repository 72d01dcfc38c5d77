// Fuzz: the worker parses every postMessage with parseCommand before acting,
// so any value must come back as a Command or a ProtocolError naming the field
// (never a TypeError from deep inside, which would kill the worker's handler).
// Also here: the whole-source check that no input can reach a code or HTML sink.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOBS } from '../core/config';
import { MAX_STEPS_PER_COMMAND, parseCommand, ProtocolError } from './parse';
import { COMMAND_TYPES, PROTOCOL_VERSION as v, type Command } from './protocol';
import { QUICK_CONFIG } from './quick';

const VALID: Command[] = [
  { type: 'init', v, config: QUICK_CONFIG },
  { type: 'init', v, config: QUICK_CONFIG, prefer: 'cpu', weights: { params: Float32Array.of(1, 2), routerBias: Float32Array.of(0) } },
  { type: 'step', v, n: 3 },
  { type: 'sample', v, id: 4, prompt: '47+85=', maxNew: 20, temperature: 0, seed: 1 },
  { type: 'exportCheckpoint', v, tag: 'x' },
  { type: 'setLive', v, values: { 'grpo.lr': 1e-3 } },
  { type: 'play', v },
  { type: 'fault', v, kind: 'lose-device' },
];

function tryParse(x: unknown): 'ok' | 'refused' {
  try {
    const c = parseCommand(x);
    if (!(COMMAND_TYPES as readonly string[]).includes(c.type) || c.v !== v) throw new Error(`parsed into a bad command ${JSON.stringify(c)}`);
    if (c.type === 'step' && !(Number.isInteger(c.n) && c.n >= 1 && c.n <= MAX_STEPS_PER_COMMAND)) throw new Error(`step n ${c.n} passed`);
    return 'ok';
  } catch (e) {
    if (e instanceof ProtocolError) return 'refused';
    throw e;
  }
}

const anyValue = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 5, withTypedArray: true, withBigInt: true, withNullPrototype: true, withMap: true }),
  fc.constantFrom(NaN, Infinity, -1, 0, 1.5, 2 ** 53, MAX_STEPS_PER_COMMAND + 1, '', 'webgpu', 'cpu', null, [], {}, Float32Array.of(NaN), new ArrayBuffer(4)),
);

describe('parseCommand under fuzz (a Command or a ProtocolError, nothing else)', () => {
  it('any value, and any object with a known type and version (4,000 cases)', () => {
    fc.assert(fc.property(anyValue, (x) => void tryParse(x)), { numRuns: 2000 });
    const shaped = fc.record({ type: fc.constantFrom(...COMMAND_TYPES), v: fc.constantFrom(v, v, 0, '1') }).chain((h) =>
      fc.dictionary(fc.constantFrom('n', 'id', 'prompt', 'maxNew', 'temperature', 'seed', 'tag', 'values', 'config', 'prefer', 'weights', 'resume', 'kind', '__proto__'), anyValue, { maxKeys: 5 }).map((rest) => ({ ...rest, ...h })));
    fc.assert(fc.property(shaped, (x) => void tryParse(x)), { numRuns: 2000 });
  });

  it('a valid command with 1 to 3 fields replaced, including nested config and live values (6,000 cases)', () => {
    const field = fc.oneof(
      fc.record({ at: fc.constantFrom('type', 'v', 'n', 'id', 'prompt', 'maxNew', 'temperature', 'seed', 'tag', 'prefer', 'weights', 'resume', 'values', 'kind'), x: anyValue }),
      fc.record({ at: fc.constantFrom(...KNOBS.map((k) => `config.${k.path}`), ...KNOBS.map((k) => `values.${k.path}`), 'weights.params', 'weights.routerBias', 'resume.step', 'resume.m'), x: anyValue }),
    );
    fc.assert(fc.property(fc.constantFrom(...VALID), fc.array(field, { minLength: 1, maxLength: 3 }), (base, edits) => {
      const msg = structuredClone(base) as unknown as Record<string, unknown>;
      for (const { at, x } of edits) {
        const keys = at.split('.');
        let o: Record<string, unknown> = msg;
        for (const k of keys.slice(0, -1)) {
          if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
          o = o[k] as Record<string, unknown>;
        }
        o[keys.at(-1)!] = x;
      }
      tryParse(msg);
    }), { numRuns: 6000 });
  });

  it('every valid command still parses (the fuzz base is right)', () => {
    for (const c of VALID) expect(tryParse(c)).toBe('ok');
  });
});

// --- no code or HTML sinks ---------------------------------------------------

/** Source files under src/, tests excluded (they may name the sinks, as this one does). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}

const SINKS: [string, RegExp][] = [
  ['eval(', /(^|[^\w$.])eval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['Function(...)', /(^|[^\w$.])Function\s*\(/],
  ['innerHTML / outerHTML', /\.(inner|outer)HTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\.write(ln)?\s*\(/],
  ['dangerouslySetInnerHTML', /dangerouslySetInnerHTML/],
  ['setTimeout/setInterval with a string', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['javascript: URL', /['"`]javascript:/i],
];

describe('no input can reach eval, Function or HTML injection', () => {
  const root = new URL('..', import.meta.url).pathname;
  const files = sources(root);

  it('finds the sources it scans', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith('protocol.ts'))).toBe(true);
  });

  it('the patterns catch what they must and spare look-alikes', () => {
    const hit = (s: string) => SINKS.filter(([, re]) => re.test(s)).map(([n]) => n);
    expect(hit('const f = eval("1")')).toEqual(['eval(']);
    expect(hit('x = new Function("a", "return a")')).toEqual(['new Function', 'Function(...)']);
    expect(hit('el.innerHTML = s')).toEqual(['innerHTML / outerHTML']);
    expect(hit('<div dangerouslySetInnerHTML={{ __html: s }} />')).toEqual(['dangerouslySetInnerHTML']);
    expect(hit('setTimeout("go()", 1)')).toEqual(['setTimeout/setInterval with a string']);
    expect(hit('await evaluate(model); overlongFunction(cfg); setTimeout(() => go(), 1); el.textContent = s')).toEqual([]);
  });

  it('no source under src/ uses a code or HTML sink', () => {
    const found: string[] = [];
    for (const f of files) {
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return; // comments may name them
        for (const [name, re] of SINKS) if (re.test(line)) found.push(`${f.slice(root.length)}:${i + 1}: ${name}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
