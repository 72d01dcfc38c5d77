import { describe, expect, it } from 'vitest';
import { mergeConfig, preset, type DeepPartial, type RunConfig } from '../core/config';

// the arithmetic corpus (2-digit addition, the default until issue 13); countdown's is tested in countdown.test.ts
const ARITH = preset('R1-Zero (Arithmetic)');
import { encode, TOK } from '../core/tokenizer';
import { corpusExample, makePretrainBatch } from './corpus';
import { parseCompletion } from './format';
import { isHeldOut } from './split';
import { TRACE_STYLES } from './traces';

const cfg = (o: DeepPartial<RunConfig>) => mergeConfig(ARITH, o);

describe('corpusExample', () => {
  it('follows the style weights', () => {
    // N = 4000: the binomial sd of a share p is sqrt(p(1-p)/N) <= 0.0079; allow 4 sd = 0.032.
    const c = cfg({ corpus: { direct: 0.1, stepwise: 0.2, slip: 0.3, corrected: 0.4 } });
    const n = 4000;
    const count = { direct: 0, stepwise: 0, slip: 0, corrected: 0 } as Record<string, number> & { direct: number; stepwise: number; slip: number; corrected: number };
    for (let i = 0; i < n; i++) count[corpusExample(c, i).style]! += 1;
    for (const s of TRACE_STYLES) expect(Math.abs(count[s] / n - c.corpus[s]), s).toBeLessThan(0.032);
  });

  it('never yields a style of weight 0, and weights need not sum to 1', () => {
    const c = cfg({ corpus: { direct: 2, stepwise: 0, slip: 1, corrected: 0 } });
    const count = { direct: 0, stepwise: 0, slip: 0, corrected: 0 } as Record<string, number> & { direct: number; stepwise: number; slip: number; corrected: number };
    for (let i = 0; i < 1500; i++) count[corpusExample(c, i).style]! += 1;
    expect(count.stepwise).toBe(0);
    expect(count.corrected).toBe(0);
    expect(Math.abs(count.direct / 1500 - 2 / 3)).toBeLessThan(0.05);
    expect(() => corpusExample(cfg({ corpus: { direct: 0, stepwise: 0, slip: 0, corrected: 0 } }), 0)).toThrow(/must not all be 0/);
  });

  it('is a pure function of the seed: same seed same corpus, other seed other corpus', () => {
    const a = Array.from({ length: 200 }, (_, i) => corpusExample(ARITH, i).text);
    expect(Array.from({ length: 200 }, (_, i) => corpusExample(ARITH, i).text)).toEqual(a);
    const b = Array.from({ length: 200 }, (_, i) => corpusExample(cfg({ seed: 1235 }), i).text);
    expect(b.filter((t, i) => t === a[i]).length).toBeLessThan(20); // a few collide by chance (add d=2, 4 styles)
  });

  it('uses train problems only, with consistent fields', () => {
    for (const c of [ARITH, cfg({ task: { family: 'mixed', difficulty: 3, heldOutPercent: 30 } })]) {
      for (let i = 0; i < 2000; i++) {
        const ex = corpusExample(c, i);
        expect(isHeldOut(ex.problem.expr, c.task.heldOutPercent)).toBe(false);
        expect(ex.text).toBe(ex.prompt + ex.completion);
        expect(ex.prompt).toBe(`<bos>${ex.problem.expr}=`);
        const parsed = parseCompletion(ex.completion);
        expect(parsed.wellFormed).toBe(true);
        expect(parsed.answer === ex.problem.answer).toBe(ex.style !== 'slip');
      }
    }
  });
});

describe('makePretrainBatch', () => {
  it('packs one example per row: shifted targets, pad, mask only on completion targets', () => {
    const T = 96;
    const B = 3;
    const { inputs, targets, mask } = makePretrainBatch(ARITH, 5, B, T);
    expect(inputs.length).toBe(B * T);
    for (let b = 0; b < B; b++) {
      const ex = corpusExample(ARITH, 5 * B + b);
      const tok = encode(ex.text);
      const P = encode(ex.prompt).length;
      const row = (a: ArrayLike<number>) => Array.from(a).slice(b * T, (b + 1) * T);
      const pad = (xs: number[]) => [...xs, ...new Array<number>(T - xs.length).fill(TOK.pad)];
      expect(row(inputs)).toEqual(pad(tok));
      expect(row(targets)).toEqual(pad(tok.slice(1)));
      // target t is tok[t+1]: a completion token iff t+1 >= P, and t+1 < length.
      const m = row(mask);
      expect(m.slice(0, P - 1).every((x) => x === 0)).toBe(true);
      expect(m.slice(P - 1, tok.length - 1).every((x) => x === 1)).toBe(true);
      expect(m.slice(tok.length - 1).every((x) => x === 0)).toBe(true);
      expect(targets[b * T + P - 1]).toBe(TOK.think); // the first counted target opens the completion
      expect(targets[b * T + tok.length - 2]).toBe(TOK.eos);
    }
  });

  it('an example of exactly T+1 tokens fills the row; one token more throws', () => {
    const ex = corpusExample(ARITH, 0);
    const n = encode(ex.text).length;
    const { inputs, targets, mask } = makePretrainBatch(ARITH, 0, 1, n - 1);
    expect(Array.from(inputs)).toEqual(encode(ex.text).slice(0, n - 1));
    expect(targets[n - 2]).toBe(TOK.eos);
    expect(mask[n - 2]).toBe(1);
    expect(() => makePretrainBatch(ARITH, 0, 1, n - 2)).toThrow(`has ${n} tokens, more than T+1 = ${n - 1}`);
  });

  it('every example of the default config fits model.maxSeqLen', () => {
    const T = ARITH.model.maxSeqLen;
    for (let step = 0; step < 100; step++) expect(() => makePretrainBatch(ARITH, step, 32, T)).not.toThrow();
  });
});
