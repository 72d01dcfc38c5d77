import { describe, expect, it } from 'vitest';
import { preset } from '../core/config';
import { MAX_PROMPT_TOKENS } from '../core/validate';
import { Rng } from '../core/rng';
import { encode } from '../core/tokenizer';
import { classifyAha } from '../rl/aha';
import { accuracyReward } from '../rl/rewards';
import {
  checkCountdown, COUNTDOWN_SHAPES, countdownCandidate, countdownCompletion, countdownCompletionTokens, countdownPromptTokens,
  countdownTrace, searchOrder, SEARCH_WRONG_CAP,
} from './countdown';
import { corpusExample, styleWeights } from './corpus';
import { parseCompletion } from './format';
import { answerIsRight } from './judge';
import { longestCompletionTokens, longestPromptTokens, taskLengthErrors } from './lengths';
import { drawProblem, problemAt, spaceSize } from './problems';
import { heldOutSet, isHeldOut, sampleTrainProblem } from './split';

const P = { family: 'countdown' as const, difficulty: 1, operands: [3, 5, 7], answer: 5 };

describe('countdown problems', () => {
  it('have the sizes of the difficulty table and prompts "<bos>a;b;c=target"', () => {
    expect(spaceSize('countdown', 1)).toBe(9 ** 3 * 4);
    expect(spaceSize('countdown', 2)).toBe(9 ** 4 * 8);
    expect(spaceSize('countdown', 5)).toBe(9 ** 4 * 27);
    // components: numbers-1 = (2,4,6) -> 3;5;7, pattern 2 of [+,-] over two gaps = "-+" -> 3-5+7 = 5
    expect(problemAt('countdown', 1, 2 + 9 * 4 + 81 * 6 + 729 * 2)).toMatchObject({ operands: [3, 5, 7], answer: 5, expr: '3;5;7=5', prompt: '<bos>3;5;7=5' });
  });

  it('always have a solution in the search space, and prompts fit MAX_PROMPT_TOKENS', () => {
    for (let d = 1; d <= 5; d++) {
      for (let i = 0; i < 300; i++) {
        const p = drawProblem('countdown', d, new Rng(9, 3, i * 256));
        expect(searchOrder(p.operands, d).some((c) => c.value === p.answer), p.expr).toBe(true);
        expect(encode(p.prompt).length).toBeLessThanOrEqual(countdownPromptTokens(d));
      }
      expect(countdownPromptTokens(d)).toBeLessThanOrEqual(MAX_PROMPT_TOKENS);
    }
  });

  it('search in lexicographic operator order', () => {
    expect(searchOrder([3, 5, 7], 1).map((c) => `${c.expr}=${c.value}`)).toEqual(['3+5+7=15', '3+5-7=1', '3-5+7=5', '3-5-7=-9']);
    expect(searchOrder([2, 3, 4], 3).slice(0, 3).map((c) => c.expr)).toEqual(['2+3+4', '2+3-4', '2+3*4']);
    expect(searchOrder([2, 3, 4], 3)[2]!.value).toBe(14); // precedence: 2+3*4, not (2+3)*4
  });

  it('split train and held-out by hash, with a held-out set that is the whole population at d=1', () => {
    const cfg = preset('R1-Zero (Countdown)');
    const set = heldOutSet(cfg, 10_000);
    expect(new Set(set.map((p) => p.expr)).size).toBe(set.length); // distinct: two patterns may give one problem
    expect(set.length).toBeGreaterThan(256);
    expect(set.every((p) => isHeldOut(p.expr, 10))).toBe(true);
    for (let i = 0; i < 200; i++) expect(isHeldOut(sampleTrainProblem(cfg, i).expr, 10)).toBe(false);
    // the evaluation set has its own seed: the run's seed does not change it
    expect(heldOutSet({ ...cfg, seed: 1 }, 256)).toEqual(heldOutSet({ ...cfg, seed: 2 }, 256));
  });
});

describe('the countdown verifier', () => {
  it('accepts any expression using every given number once that reaches the target', () => {
    expect(checkCountdown('3-5+7', [3, 5, 7], 5, ['+', '-'])).toBeNull();
    expect(checkCountdown('7+3-5', [3, 5, 7], 5, ['+', '-'])).toBeNull(); // any order
    expect(checkCountdown('7-(5-3)', [3, 5, 7], 5, ['+', '-'])).toBeNull(); // parentheses
    expect(checkCountdown('3+3-1', [3, 1, 3], 5, ['+', '-'])).toBeNull(); // a repeated given number, used as often as given
  });

  it('refuses hostile answers, naming why', () => {
    const ok = ['+', '-'];
    expect(checkCountdown('3+5+7', [3, 5, 7], 5, ok)).toBe('value');
    expect(checkCountdown('3+2', [3, 5, 7], 5, ok)).toBe('numbers'); // a number not given, and missing ones
    expect(checkCountdown('5', [3, 5, 7], 5, ok)).toBe('numbers'); // right value, numbers unused
    expect(checkCountdown('3+3-1', [3, 5, 7], 5, ok)).toBe('numbers'); // 3 used twice
    expect(checkCountdown('3-5+7+7-7', [3, 5, 7], 5, ok)).toBe('numbers');
    expect(checkCountdown('3*5-7', [3, 5, 7], 8, ok)).toBe('operator'); // * not allowed at d=1
    expect(checkCountdown('3*5-7', [3, 5, 7], 8, ['+', '-', '*'])).toBeNull();
    expect(checkCountdown('03-5+7', [3, 5, 7], 5, ok)).toBe('unparseable'); // not canonical
    expect(checkCountdown('3-5+', [3, 5, 7], 5, ok)).toBe('unparseable');
    expect(checkCountdown('-5+3+7', [3, 5, 7], 5, ok)).toBe('unparseable'); // no unary minus
    expect(checkCountdown('3-5+7=5', [3, 5, 7], 5, ok)).toBe('unparseable');
    expect(checkCountdown('((3-5)+7', [3, 5, 7], 5, ok)).toBe('unparseable');
    expect(checkCountdown('9'.repeat(400), [3, 5, 7], 5, ok)).toBe('unparseable'); // huge
    expect(checkCountdown('99999999999999999999+1-1', [3, 5, 7], 5, ok)).toBe('numbers');
    expect(checkCountdown('', [3, 5, 7], 5, ok)).toBe('empty');
    expect(checkCountdown(null, [3, 5, 7], 5, ok)).toBe('empty');
    expect(answerIsRight(P, '<wait>')).toBe(false);
  });

  it('is what the accuracy reward uses', () => {
    const r = (answer: string) => accuracyReward(parseCompletion(`<think>x</think><answer>${answer}</answer><eos>`), P);
    expect([r('3-5+7'), r('7-5+3'), r('5'), r('3+5+7')]).toEqual([1, 1, 0, 0]);
    // the integer reading of arithmetic is unchanged
    expect(accuracyReward(parseCompletion('<think>1+1=2</think><answer>2</answer><eos>'), 2)).toBe(1);
  });
});

describe('countdown traces', () => {
  it('search stops at the first candidate reaching the target; guess commits to one; searchWrong ends wrong', () => {
    expect(countdownCompletion([3, 5, 7], 5, 1, 'search', null))
      .toBe('<think>3+5+7=15<wait>3+5-7=1<wait>3-5+7=5</think><answer>3-5+7</answer><eos>');
    expect(countdownCompletion([3, 5, 7], 15, 1, 'search', null)).toBe('<think>3+5+7=15</think><answer>3+5+7</answer><eos>');
    expect(countdownCompletion([3, 5, 7], 5, 1, 'searchWrong', null))
      .toBe('<think>3+5+7=15<wait>3+5-7=1<wait>3-5-7=-9</think><answer>3-5-7</answer><eos>');
    const guesses = new Set(Array.from({ length: 60 }, (_, i) => countdownTrace([3, 5, 7], 5, 1, 'guess', new Rng(1, 2, i)).answer));
    expect(guesses).toEqual(new Set(['3+5+7', '3+5-7', '3-5+7', '3-5-7']));
  });

  it('every style parses, and the detector reads it: search with a miss is an aha, searchWrong never right', () => {
    for (let i = 0; i < 300; i++) {
      const p = drawProblem('countdown', 1, new Rng(4, 3, i * 256));
      const order = searchOrder(p.operands, 1);
      const misses = order.findIndex((c) => c.value === p.answer);
      const search = countdownCompletion(p.operands, p.answer, 1, 'search', null);
      const a = classifyAha(search, p);
      expect(parseCompletion(search).wellFormed).toBe(true);
      expect(answerIsRight(p, parseCompletion(search).answerText)).toBe(true);
      expect(a.attempts).toBe(misses + 1);
      expect(a.aha).toBe(misses > 0);
      expect(a.reflection).toBe(misses > 0);
      const wrong = classifyAha(countdownCompletion(p.operands, p.answer, 1, 'searchWrong', null), p);
      expect(answerIsRight(p, wrong.finalText)).toBe(false);
      expect(wrong.attempts).toBeLessThanOrEqual(SEARCH_WRONG_CAP);
      expect(wrong.aha || wrong.verification).toBe(false);
    }
  });

  it('fit the lengths config validation assumes', () => {
    for (let d = 1; d <= 5; d++) {
      for (let i = 0; i < 200; i++) {
        const p = drawProblem('countdown', d, new Rng(5, 3, i * 256));
        for (const style of ['guess', 'search', 'searchWrong'] as const) {
          const n = encode(countdownCompletion(p.operands, p.answer, d, style, new Rng(1, 1, i))).length;
          expect(n, `${p.expr} ${style}`).toBeLessThanOrEqual(countdownCompletionTokens(d, style));
        }
      }
    }
    // d=1 bounds are exact: 1-9-9=-17 is the longest segment (9 tokens), four of them in a search
    expect(longestCompletionTokens('countdown', 1, 'search')).toBe(1 + 4 * 9 + 3 + 2 + 5 + 2);
    expect(longestPromptTokens('countdown', 1)).toBe(1 + 3 + 2 + 1 + 3);
    expect(taskLengthErrors(preset('R1-Zero (Countdown)'))).toEqual([]);
    expect(COUNTDOWN_SHAPES).toHaveLength(5);
  });

  it('the corpus mixes the countdown styles by their weights', () => {
    const cfg = preset('R1-Zero (Countdown)');
    expect(styleWeights(cfg.corpus, 'countdown')).toEqual([0.85, 0.15, 0]);
    const n = 2000;
    let search = 0;
    for (let i = 0; i < n; i++) {
      const ex = corpusExample(cfg, i);
      expect(['guess', 'search']).toContain(ex.style);
      if (ex.style === 'search') search++;
    }
    // binomial sd sqrt(0.15*0.85/2000) = 0.008; 4 sd
    expect(Math.abs(search / n - 0.15)).toBeLessThan(0.032);
    expect(() => styleWeights({ ...cfg.corpus, guess: 0, search: 0, searchWrong: 0 }, 'countdown')).toThrow(/corpus.guess, corpus.search, corpus.searchWrong/);
  });
});

describe('countdown candidates', () => {
  it('are the left side of a segment\'s last step', () => {
    expect(countdownCandidate('3+5+7=15')).toBe('3+5+7');
    expect(countdownCandidate('3+5=8;8+7=15')).toBe('8+7');
    expect(countdownCandidate('3+5+7')).toBeNull();
    expect(countdownCandidate('=15')).toBeNull();
  });

  it('are judged by their true value, not the value the segment claims', () => {
    // "3+5+7=5" claims the target, but 3+5+7 is 15: a wrong candidate, so the later right answer is an aha
    const a = classifyAha('<think>3+5+7=5<wait>3-5+7=5</think><answer>3-5+7</answer><eos>', P);
    expect(a.candidateRight).toEqual([false, true]);
    expect(a.candidates).toEqual([5, 5]);
    expect(a.aha).toBe(true);
    const v = classifyAha('<think>3-5+7=5<wait>7-5+3=5</think><answer>7-5+3</answer><eos>', P);
    expect([v.verification, v.aha, v.attempts]).toEqual([true, false, 2]);
    const o = classifyAha('<think>3-5+7=5<wait>3+5+7=15</think><answer>3+5+7</answer><eos>', P);
    expect([o.overthinking, o.span?.fromSegment, o.span?.toSegment]).toEqual([true, 0, 1]);
    const g = classifyAha('<think>3+5-7=1</think><answer>3+5-7</answer><eos>', P);
    expect([g.reflection, g.attempts, g.finalText]).toEqual([false, 1, '3+5-7']);
  });
});
