import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { encode } from '../core/tokenizer';
import { parseCompletion } from './format';
import { ARITHMETIC_FAMILIES, drawProblem, problemAt, type Problem } from './problems';
import { solve, traceFor, traceWithSlip, wrongSlips } from './traces';

const byExpr = (family: Problem['family'], expr: string): Problem => {
  const [a, b] = expr.split(/[+\-*]/).map(Number);
  const d = family === 'mul' ? 3 : 2;
  return problemAt(family, d, a! + 100 * b!);
};

// An evaluator independent of expr.ts: JavaScript's own, on our digits-and-operators strings.
const js = (lhs: string): number => {
  if (!/^[\d+\-*()]+$/.test(lhs)) throw new Error(`not arithmetic: ${lhs}`);
  return Number(new Function(`return ${lhs};`)());
};
/** Steps whose "lhs=rhs" is false. */
const falseSteps = (segment: string) =>
  segment.split(';').filter((s) => {
    const [lhs, rhs] = s.split('=');
    return js(lhs!) !== Number(rhs);
  });

describe('hand-computed traces', () => {
  it('add', () => {
    const p = byExpr('add', '47+85');
    expect(traceWithSlip(p, 'direct', null)).toBe('<think>47+85=132</think><answer>132</answer><eos>');
    expect(traceWithSlip(p, 'stepwise', null)).toBe('<think>7+5=12;4+8+1=13;47+85=132</think><answer>132</answer><eos>');
    const slip = { at: 1, delta: 1, drop: false };
    expect(traceWithSlip(p, 'slip', slip)).toBe('<think>7+5=12;4+8+1=14;47+85=142</think><answer>142</answer><eos>');
    expect(traceWithSlip(p, 'corrected', slip)).toBe(
      '<think>7+5=12;4+8+1=14;47+85=142<wait>4+8+1=13;47+85=132</think><answer>132</answer><eos>',
    );
    // A dropped carry: the tens column forgets the +1, 10 less.
    expect(traceWithSlip(p, 'slip', { at: 1, delta: 0, drop: true })).toBe('<think>7+5=12;4+8=12;47+85=122</think><answer>122</answer><eos>');
    // A lone digit with no carry is copied, not a step; a final carry becomes the leading digit.
    expect(solve(byExpr('add', '95+5')).steps).toEqual(['5+5=10', '9+1=10', '95+5=100']);
    expect(solve(byExpr('add', '90+5')).steps).toEqual(['0+5=5', '90+5=95']);
    expect(solve(problemAt('add', 1, 3 + 10 * 4)).steps).toEqual(['3+4=7']); // no repeated restatement
  });

  it('sub, with borrows and a negative result', () => {
    expect(solve(byExpr('sub', '85-47')).steps).toEqual(['15-7=8', '8-1-4=3', '85-47=38']);
    expect(solve(byExpr('sub', '47-85'))).toMatchObject({ steps: ['15-7=8', '8-1-4=3', '85-47=38', '47-85=-38'], value: -38 });
    expect(solve(problemAt('sub', 3, 100 + 1000 * 99)).steps).toEqual(['10-9=1', '10-1-9=0', '1-1=0', '100-99=1']);
    expect(traceWithSlip(byExpr('sub', '85-47'), 'slip', { at: 1, delta: 0, drop: true })).toBe(
      '<think>15-7=8;8-4=4;85-47=48</think><answer>48</answer><eos>',
    );
  });

  it('mul, digit by digit and by partial products', () => {
    expect(solve(problemAt('mul', 2, 47 + 100 * 5)).steps).toEqual(['7*5=35', '4*5+3=23', '47*5=235']);
    expect(solve(byExpr('mul', '47*35')).steps).toEqual(['47*5=235', '47*30=1410', '235+1410=1645', '47*35=1645']);
    expect(solve(byExpr('mul', '47*30')).steps).toEqual(['47*30=1410']);
    expect(traceWithSlip(byExpr('mul', '47*35'), 'slip', { at: 1, delta: 10, drop: false })).toBe(
      '<think>47*5=235;47*30=1420;235+1420=1655;47*35=1655</think><answer>1655</answer><eos>',
    );
  });

  it('mixed, in precedence order, negative right operands in parentheses', () => {
    const mixed = (expr: string, d: number) => {
      const p = problemAt('mixed', d, 0);
      return { ...p, expr, answer: js(expr), operands: [] };
    };
    expect(solve(mixed('2+3*4-5', 3)).steps).toEqual(['3*4=12', '2+12=14', '14-5=9', '2+3*4-5=9']);
    expect(solve(mixed('9-4-2', 1)).steps).toEqual(['9-4=5', '5-2=3', '9-4-2=3']);
    expect(solve(mixed('3*(2-9)+1', 5)).steps).toEqual(['2-9=-7', '3*(-7)=-21', '-21+1=-20', '3*(2-9)+1=-20']);
    // A slip multiplied by 0 would leave the answer right: it is never offered.
    const z = mixed('2*3*0', 2);
    expect(solve(z).sites.length).toBe(4);
    expect(wrongSlips(z)).toEqual([{ at: 1, delta: 1, drop: false }, { at: 1, delta: -1, drop: false }]);
  });
});

describe('seeded traces over every family', () => {
  for (const family of ARITHMETIC_FAMILIES) {
    it(`${family}: stepwise and corrected end right, slip ends wrong, candidates parse`, () => {
      const rng = new Rng(42, 1);
      for (let k = 0; k < 2500; k++) {
        const p = drawProblem(family, 1 + (k % 5), rng);
        const step = parseCompletion(traceFor(p, 'stepwise', rng));
        const slip = parseCompletion(traceFor(p, 'slip', rng));
        const corr = parseCompletion(traceFor(p, 'corrected', rng));
        const direct = parseCompletion(traceFor(p, 'direct', rng));
        for (const c of [step, slip, corr, direct]) {
          expect(c.wellFormed && c.terminated, p.expr).toBe(true);
          expect(c.answer).toBe(c.segments[c.segments.length - 1]!.candidate);
        }
        expect(direct.answer).toBe(p.answer);
        expect(step.answer).toBe(p.answer);
        expect(step.waits).toBe(0);
        expect(falseSteps(step.think!)).toEqual([]);

        expect(slip.waits).toBe(0);
        expect(slip.answer).not.toBe(p.answer);
        expect(slip.answer).not.toBeNull();
        // One wrong work step (none for a dropped carry); the restatements of the problem are wrong too.
        const restated = [p.expr, `${p.operands[1]}-${p.operands[0]}`];
        const wrongWork = falseSteps(slip.think!).filter((st) => !restated.includes(st.split('=')[0]!));
        expect(wrongWork.length).toBeLessThanOrEqual(1);

        expect(corr.waits).toBe(1);
        expect(corr.answer).toBe(p.answer);
        const before = corr.segments[0]!;
        expect(before.candidate).not.toBeNull();
        expect(before.candidate).not.toBe(p.answer);
        expect(falseSteps(corr.segments[1]!.text)).toEqual([]);
      }
    });
  }

  it('every completion tokenizes', () => {
    const rng = new Rng(5, 5);
    for (let k = 0; k < 400; k++) {
      const p = drawProblem(ARITHMETIC_FAMILIES[k % 4]!, 1 + (k % 5), rng);
      for (const style of ['direct', 'stepwise', 'slip', 'corrected'] as const) expect(() => encode(traceFor(p, style, rng))).not.toThrow();
    }
  });

  it('the slip is drawn from the rng: same position, same trace', () => {
    const p = byExpr('add', '47+85');
    const a = Array.from({ length: 20 }, (_, i) => traceFor(p, 'slip', new Rng(1, 2, i)));
    expect(a).toEqual(Array.from({ length: 20 }, (_, i) => traceFor(p, 'slip', new Rng(1, 2, i))));
    expect(new Set(a).size).toBe(wrongSlips(p).length); // 47+85 offers 5 slips: ±1 twice, one dropped carry
    expect(wrongSlips(p).length).toBe(5);
  });
});
