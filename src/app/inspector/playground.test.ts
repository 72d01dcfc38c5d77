import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { accuracyReward } from '../../rl/rewards';
import { COUNTDOWN_STYLES, countdownCompletion, countdownShape } from '../../tasks/countdown';
import { parseCompletion } from '../../tasks/format';
import { problemAt, spaceSize } from '../../tasks/problems';
import { agreement, COUNTDOWN_EXAMPLES, countdownSolvable, defaultProblem, expertsText, judgeCompletion, readQuestion, tokenExperts } from './playground';

describe('playground expert helpers', () => {
  // 2 tokens, L = 2, k = 2: token 0 -> L1 {1,3}, L2 {0,2}; token 1 -> L1 {2,0}, L2 {3,1}
  const x = { L: 2, k: 2, E: 4, idx: Uint8Array.of(1, 3, 0, 2, 2, 0, 3, 1) };
  it('picks token j\'s k experts of each layer', () => {
    expect(tokenExperts(x, 0)).toEqual([[1, 3], [0, 2]]);
    expect(tokenExperts(x, 1)).toEqual([[2, 0], [3, 1]]);
    expect(tokenExperts(x, 2)).toEqual([]);
    expect(tokenExperts(null, 0)).toEqual([]);
  });
  it('formats them per layer', () => {
    expect(expertsText([[2, 0], [3, 1]])).toBe('L1: e2 e0 · L2: e3 e1');
    expect(expertsText([])).toBe('');
  });
});

describe('playground questions and verdicts', () => {
  it('reads a countdown problem for a countdown run, with numbers and target', () => {
    expect(readQuestion('3;5;7=5', 'countdown', 1)).toEqual({
      ok: true, prompt: '3;5;7=5', expected: { family: 'countdown', difficulty: 1, operands: [3, 5, 7], answer: 5 }, note: null,
    });
    expect(readQuestion('<bos>3;5;7=-9', 'countdown', 1)).toMatchObject({ ok: true, prompt: '3;5;7=-9', expected: { answer: -9 } });
  });

  it('refuses malformed countdown input with a message that says what to type', () => {
    const err = (text: string) => {
      const q = readQuestion(text, 'countdown', 1);
      if (q.ok) throw new Error(`${text} was accepted`);
      return q.error;
    };
    expect(err('3-5+7=5')).toMatch(/^A countdown problem looks like 3;5;7=5: type the numbers and the target, not an expression/);
    expect(err('3;5;7')).toContain('the target is missing');
    expect(err('3;5;;7=5')).toContain('separated by ";"');
    expect(err('3=5')).toContain('separated by ";"');
    expect(err('47+85=')).toContain('not an expression');
    expect(err('3;05;7=5')).toContain('leading zeros');
    expect(err('1;2;3;4;5;6;7=5')).toContain('At most 6 numbers');
  });

  it('warns, without refusing, about an unseen shape or an unreachable target', () => {
    expect(readQuestion('3;5;7;2=7', 'countdown', 1)).toMatchObject({ ok: true, note: expect.stringContaining('have 3 numbers from 1 to 9') });
    expect(readQuestion('3;5;17=9', 'countdown', 1)).toMatchObject({ ok: true, note: expect.stringContaining('has not seen this shape') });
    expect(readQuestion('1;1;1=100', 'countdown', 1)).toMatchObject({ ok: true, note: 'No expression of 1, 1, 1 with + - reaches 100: no answer can be right.' });
    // 2*3+1 = 7 needs '*': not at d=1, fine at d=3
    expect(readQuestion('2;3;1=7', 'countdown', 1).ok && readQuestion('2;3;1=7', 'countdown', 1)).toMatchObject({ note: expect.stringContaining('no answer can be right') });
    expect(readQuestion('2;3;1=7', 'countdown', 3)).toMatchObject({ ok: true, note: null });
  });

  it('keeps arithmetic as it was, judged when it is an expression, and sends countdown input back', () => {
    expect(readQuestion('47+85=', 'add', 2)).toEqual({ ok: true, prompt: '47+85=', expected: { family: 'add', difficulty: 2, operands: [], answer: 132 }, note: null });
    expect(readQuestion('47+85', 'add', 2)).toMatchObject({ ok: true, prompt: '47+85', expected: null });
    expect(readQuestion('3;5;7=5', 'mixed', 2)).toMatchObject({ ok: false, error: expect.stringContaining('needs a countdown run') });
  });

  it('starts from an example of the run\'s task: each countdown one solvable and of its difficulty\'s shape', () => {
    expect(defaultProblem('add', 2)).toBe('47+85=');
    COUNTDOWN_EXAMPLES.forEach((text, i) => {
      expect(defaultProblem('countdown', i + 1)).toBe(text);
      expect(readQuestion(text, 'countdown', i + 1), text).toMatchObject({ ok: true, note: null });
    });
  });

  it('finds a solution exactly when one exists (every generated problem; a brute-force check on small cases)', () => {
    for (let d = 1; d <= 5; d++) {
      const n = spaceSize('countdown', d);
      for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 200))) {
        const p = problemAt('countdown', d, i);
        expect(countdownSolvable(p.operands, p.answer, countdownShape(d).ops), p.expr).toBe(true);
      }
    }
    expect(countdownSolvable([1, 1, 1], 100, ['+', '-', '*'])).toBe(false);
    expect(countdownSolvable([3, 5, 7], 3 - (5 - 7), ['+', '-'])).toBe(true); // 3-(5-7) = 5 also reads 3-5+7... and 3+7-5
    expect(countdownSolvable([2, 3, 4], (2 + 3) * 4, ['+', '*'])).toBe(true); // needs parentheses
    expect(countdownSolvable([2, 3, 4], (2 + 3) * 4, ['+', '-'])).toBe(false);
  });

  it('judges an answer as the accuracy reward does, with the reason and the attempts', () => {
    const e = { family: 'countdown' as const, difficulty: 1, operands: [3, 5, 7], answer: 5 };
    const search = '<think>3+5+7=15<wait>3+5-7=1<wait>3-5+7=5</think><answer>3-5+7</answer><eos>';
    expect(judgeCompletion(e, search)).toEqual({ right: true, answer: '3-5+7', attempts: 3, text: '3-5+7: right (reaches 5 using each number once); 3 attempts' });
    expect(judgeCompletion(e, '<think>3+5+7=15</think><answer>3+5+7</answer><eos>')).toMatchObject({ right: false, attempts: 1, text: '3+5+7: wrong (makes 15, not 5); 1 attempt' });
    expect(judgeCompletion(e, '<think>7-5+3=5</think><answer>7-5+3</answer>').right).toBe(true); // any order; no <eos> needed, as for the reward
    expect(judgeCompletion(e, '<think></think><answer>5</answer><eos>')).toMatchObject({ right: false, text: expect.stringContaining('does not use 3, 5, 7 each exactly once') });
    expect(judgeCompletion(e, '<think></think><answer>3*5-7-3</answer><eos>')).toMatchObject({ right: false, text: expect.stringContaining('operator') });
    expect(judgeCompletion(e, '<think>3+5+7=15')).toMatchObject({ right: false, answer: null, text: 'no <answer>: wrong; 1 attempt' });
    expect(judgeCompletion({ family: 'add', difficulty: 2, operands: [], answer: 132 }, '<think>x</think><answer>132</answer><eos>')).toMatchObject({ right: true, text: '132: right' });
    expect(judgeCompletion({ family: 'add', difficulty: 2, operands: [], answer: 132 }, '<think>x</think><answer>142</answer><eos>').text).toBe('142: wrong (the answer is 132)');
  });

  it('agrees with the trainer\'s accuracy reward on the corpus\'s countdown traces', () => {
    for (let i = 0; i < 60; i++) {
      const p = problemAt('countdown', 1 + (i % 5), i * 7);
      for (const style of COUNTDOWN_STYLES) {
        const text = countdownCompletion(p.operands, p.answer, p.difficulty, style, new Rng(1, 0, i));
        const q = readQuestion(p.expr, 'countdown', p.difficulty);
        if (!q.ok || !q.expected) throw new Error(`${p.expr} not read`);
        expect(judgeCompletion(q.expected, text).right, `${p.expr} ${style}`).toBe(accuracyReward(parseCompletion(text), p) === 1);
        if (style === 'search') expect(judgeCompletion(q.expected, text).right).toBe(true);
      }
    }
  });
});

describe('agreement of the two engines', () => {
  it('the same tokens agree; otherwise the first token where they part is named', () => {
    expect(agreement([1, 2, 3], [1, 2, 3])).toEqual({ agree: true, text: '✓ The engines agree: the same 3 tokens.' });
    expect(agreement([1, 2, 3], [1, 5, 3])).toEqual({ agree: false, text: '✗ The engines differ from token 2 on (3 and 3 tokens).' });
    expect(agreement([1, 2], [1, 2, 3]).text).toBe('✗ The engines differ from token 3 on (2 and 3 tokens).');
    expect(agreement([], []).agree).toBe(true);
  });
});

describe('the verdict for every arithmetic family', () => {
  it('a typed problem is judged against its true answer: right when the <answer> is it, wrong (naming it) otherwise', () => {
    for (const family of ['add', 'sub', 'mul', 'mixed'] as const) {
      for (let i = 0; i < 20; i++) {
        const p = problemAt(family, 2, i * 37);
        const q = readQuestion(p.prompt.slice('<bos>'.length), family, 2);
        expect(q.ok && q.expected?.answer, `${family} ${p.expr}`).toBe(p.answer);
        if (!q.ok || !q.expected) throw new Error('unjudged');
        const right = judgeCompletion(q.expected, `<think>x</think><answer>${p.answer}</answer><eos>`);
        expect(right.right, `${family} ${p.expr}`).toBe(true);
        const wrong = judgeCompletion(q.expected, `<think>x</think><answer>${p.answer + 1}</answer><eos>`);
        expect(wrong).toMatchObject({ right: false, text: `${p.answer + 1}: wrong (the answer is ${p.answer})` });
      }
    }
  });
});
