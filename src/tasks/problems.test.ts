import { describe, expect, it } from 'vitest';
import { type TaskFamily } from '../core/config';
import { MAX_PROMPT_TOKENS } from '../core/validate';
import { Rng } from '../core/rng';
import { encode } from '../core/tokenizer';
import { evaluateExpression, parseExpression } from './expr';
import { checkTask, drawProblem, FAMILIES, problemAt, spaceSize, verify } from './problems';

describe('problem spaces', () => {
  it('have the sizes of the difficulty table', () => {
    expect(spaceSize('add', 1)).toBe(100);
    expect(spaceSize('add', 2)).toBe(10_000);
    expect(spaceSize('sub', 5)).toBe(1e10);
    expect(spaceSize('mul', 1)).toBe(100); // 1x1
    expect(spaceSize('mul', 2)).toBe(1000); // 2x1
    expect(spaceSize('mul', 5)).toBe(1e6); // 3x3
    expect(spaceSize('mixed', 1)).toBe(10 ** 3 * 2 ** 2); // 3 digits, 2 ops from {+,-}
    expect(spaceSize('mixed', 2)).toBe(10 ** 3 * 3 ** 2);
    expect(spaceSize('mixed', 5)).toBe(10 ** 5 * 3 ** 4 * 9); // 9 spans of >=2 of 5 terms, not all 5
  });

  it('enumerate distinct expressions with the right answers', () => {
    for (const [family, d] of [['add', 1], ['mul', 2], ['mixed', 1]] as const) {
      const seen = new Set<string>();
      for (let k = 0; k < spaceSize(family, d); k++) seen.add(problemAt(family, d, k).expr);
      expect(seen.size).toBe(spaceSize(family, d));
    }
    expect(problemAt('add', 2, 47 + 100 * 85)).toMatchObject({ expr: '47+85', answer: 132, prompt: '<bos>47+85=', operands: [47, 85] });
    expect(problemAt('sub', 2, 47 + 100 * 85)).toMatchObject({ expr: '47-85', answer: -38 });
    expect(problemAt('mul', 3, 47 + 100 * 35)).toMatchObject({ expr: '47*35', answer: 1645 });
    // mixed d=2: terms 2,3,4 then ops '+' (0) and '*' (2): 2+3*4 = 14, not (2+3)*4 = 20.
    expect(problemAt('mixed', 2, 2 + 10 * 3 + 100 * 4 + 1000 * 0 + 3000 * 2)).toMatchObject({ expr: '2+3*4', answer: 14 });
  });

  it('draw the same problems for the same rng position, and use every component', () => {
    const a = Array.from({ length: 50 }, (_, i) => drawProblem('mixed', 5, new Rng(7, 3, i * 256)).expr);
    const b = Array.from({ length: 50 }, (_, i) => drawProblem('mixed', 5, new Rng(7, 3, i * 256)).expr);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(45);
    expect(a.every((e) => /^[\d+\-*()]+$/.test(e) && e.includes('('))).toBe(true);
  });
});

describe('prompts', () => {
  it('tokenize and fit MAX_PROMPT_TOKENS for every family and difficulty', () => {
    const rng = new Rng(1, 99);
    for (const family of FAMILIES) {
      for (let d = 1; d <= 5; d++) {
        let longest = 0;
        for (let k = 0; k < 300; k++) {
          const p = drawProblem(family, d, rng);
          const ids = encode(p.prompt);
          expect(ids[0]).toBe(1); // <bos>
          expect(p.prompt).toBe(family === 'countdown' ? `<bos>${p.expr}` : `<bos>${p.expr}=`);
          longest = Math.max(longest, ids.length);
        }
        expect(longest, `${family} d=${d}`).toBeLessThanOrEqual(MAX_PROMPT_TOKENS);
      }
    }
  });
});

describe('verifier and expressions', () => {
  it('evaluates with normal precedence and parentheses', () => {
    expect(evaluateExpression('2+3*4-5')).toBe(9);
    expect(evaluateExpression('2*3+4*5')).toBe(26);
    expect(evaluateExpression('(2+3)*4')).toBe(20);
    expect(evaluateExpression('9-4-2')).toBe(3); // left to right, not 9-(4-2)
    expect(evaluateExpression('3*(2-9)')).toBe(-21);
    expect(evaluateExpression('0*(1-2)')).toBe(0);
    expect(Object.is(evaluateExpression('0*(1-2)'), 0)).toBe(true); // never -0
    expect(() => parseExpression('2+')).toThrow(/expected a number at position 2/);
    expect(() => parseExpression('(2+3')).toThrow(/expected '\)'/);
  });

  it('accepts exactly the right answer', () => {
    const p = problemAt('add', 2, 47 + 100 * 85);
    expect(verify(p, 132)).toBe(true);
    expect(verify(p, 131)).toBe(false);
    expect(verify(p, null)).toBe(false);
  });
});

describe('impossible settings', () => {
  const task = (o: object) => ({ family: 'add' as TaskFamily, difficulty: 2, heldOutPercent: 10, ...o });
  it('name the field, the value and the allowed range', () => {
    expect(() => checkTask(task({ difficulty: 0 }))).toThrow('task.difficulty = 0: out of range, allowed [1, 5]');
    expect(() => checkTask(task({ difficulty: 7 }))).toThrow('task.difficulty = 7: out of range, allowed [1, 5]');
    expect(() => checkTask(task({ difficulty: 2.5 }))).toThrow('task.difficulty = 2.5: must be an integer in [1, 5]');
    expect(() => checkTask(task({ family: 'div' }))).toThrow('task.family = "div": must be one of "add", "sub", "mul", "mixed"');
    expect(() => checkTask(task({ heldOutPercent: 0 }))).toThrow('task.heldOutPercent = 0: out of range, allowed [1, 50]');
    expect(() => checkTask(task({ heldOutPercent: 80 }))).toThrow('task.heldOutPercent = 80');
    expect(() => checkTask(task({ heldOutPercent: NaN }))).toThrow('task.heldOutPercent = NaN');
    expect(() => spaceSize('mul', 6)).toThrow('task.difficulty = 6');
    expect(() => checkTask(task({}))).not.toThrow();
  });
});
