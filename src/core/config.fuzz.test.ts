// Fuzz: validateConfig reads configs from links, stored runs, imported files
// and worker messages, so it must take ANY value without throwing, give back a
// config whose every knob is in range, and report exactly the knobs that were
// bad. The cross-field rules are re-derived here independently (the oracle
// below) rather than trusted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, getPath, KNOB_BY_PATH, KNOBS, setPath, cloneConfig, type Knob, type RunConfig } from './config';
import { checkKnob, estimateParamCount, MAX_PARAMS, MAX_PROMPT_TOKENS, validateConfig } from './validate';

/** The cross-field rules, written out from DESIGN and the knob help texts. */
function crossFieldOk(c: RunConfig): boolean {
  const m = c.model;
  const g = c.grpo;
  const headEven = m.positions !== 'rope' || (m.dModel / m.nHeads) % 2 === 0;
  return m.dModel % m.nHeads === 0 && headEven && m.topK <= m.nRouted
    && g.maxCompletionLength + MAX_PROMPT_TOKENS <= m.maxSeqLen
    && (!g.overlongShaping || g.overlongBuffer <= g.maxCompletionLength)
    && g.warmupSteps <= g.totalSteps && g.formatWeight + g.accuracyWeight > 0
    && c.corpus.direct + c.corpus.stepwise + c.corpus.slip + c.corpus.corrected > 0
    && estimateParamCount(c) <= MAX_PARAMS;
}

/** Invariants of every result, whatever the input; plain loops, one expect (300k expects would dominate the run). */
function checkResult(input: unknown, r: ReturnType<typeof validateConfig>): void {
  const problems: string[] = [];
  for (const k of KNOBS) if (checkKnob(k, getPath(r.config, k.path)) !== null) problems.push(`result ${k.path} is out of range`);
  for (const e of r.errors) {
    if (typeof e.message !== 'string') problems.push('an error without a message');
    if (e.path !== '' && !KNOB_BY_PATH.has(e.path)) problems.push(`error path ${e.path} is not a knob`);
  }
  if (r.errors.length === 0 && !crossFieldOk(r.config)) problems.push('no errors, but a cross-field rule breaks');
  // the output never aliases the input: editing it cannot change the caller's object
  if (input !== null && typeof input === 'object' && (r.config as unknown) === input) problems.push('result aliases the input');
  expect(problems).toEqual([]);
}

/** A value for a knob: valid, out of range, or the wrong type. */
function knobValue(k: Knob): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.constantFrom(null, NaN, Infinity, -Infinity, '', '1', true, [], {}, -0), fc.anything({ maxDepth: 1 }));
  switch (k.kind) {
    case 'int': return fc.oneof(fc.integer({ min: k.min, max: k.max }), fc.integer({ min: k.min - 10, max: k.max + 10 }), fc.double({ min: k.min, max: k.max }), wrong);
    case 'float': return fc.oneof(fc.double({ min: k.min, max: k.max, noNaN: true }), fc.double(), wrong);
    case 'enum': return fc.oneof(fc.constantFrom(...k.options), fc.string({ maxLength: 8 }), wrong);
    case 'bool': return fc.oneof(fc.boolean(), wrong);
  }
}

const mutation = fc.array(fc.constantFrom(...KNOBS).chain((k) => knobValue(k).map((v) => [k.path, v] as const)), { minLength: 1, maxLength: 6 });

describe('validateConfig under fuzz (never throws, always a runnable config)', () => {
  it('fc.anything (4,000 cases), including __proto__ keys that must not pollute Object.prototype', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 2, maxKeys: 6, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withSparseArray: true, withTypedArray: true, withBigInt: true, withDate: true, withMap: true, withSet: true }), (x) => {
      checkResult(x, validateConfig(x));
    }), { numRuns: 3000 });
    // JSON.parse makes "__proto__" an own key (as a link or a stored run would carry it)
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
      const x = JSON.parse(`{"__proto__":{"polluted":1},"model":{"__proto__":{"polluted":2},"dModel":${JSON.stringify(v) ?? 'null'}},"grpo":${JSON.stringify(v) ?? 'null'}}`) as unknown;
      checkResult(x, validateConfig(x));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }), { numRuns: 1000 });
  });

  it('a valid config with 1 to 6 knobs set to valid, out-of-range or wrong-typed values (6,000 cases)', () => {
    fc.assert(fc.property(fc.constantFrom(0, 1), mutation, (nested, edits) => {
      const input = cloneConfig(DEFAULT_CONFIG) as unknown as Record<string, unknown>;
      for (const [path, v] of edits) setPath(input, path, v);
      const snapshot = JSON.stringify(input);
      const r = validateConfig(nested ? input : JSON.parse(snapshot));
      checkResult(input, r);
      expect(JSON.stringify(input), 'validateConfig must not edit its input').toBe(snapshot);
      // field errors are exactly the knobs whose final value fails its own check
      // (undefined reads as "missing", which takes the default)
      const bad = new Set(KNOBS.filter((k) => getPath(input, k.path) !== undefined && checkKnob(k, getPath(input, k.path)) !== null).map((k) => k.path));
      const named = new Set(r.errors.map((e) => e.path));
      if (bad.size > 0) expect(named).toEqual(bad);
      else {
        // all single values fine: the result IS the input, and errors appear iff the oracle says a rule breaks
        // (=== so that -0, which a JSON round trip turns into 0, counts as itself)
        expect(KNOBS.filter((k) => getPath(r.config, k.path) !== (getPath(input, k.path) ?? getPath(DEFAULT_CONFIG, k.path))).map((k) => k.path)).toEqual([]);
        expect(r.errors.length === 0).toBe(crossFieldOk(r.config));
      }
    }), { numRuns: 6000 });
  });
});
