import { describe, expect, it } from 'vitest';
import { encode } from '../../core/tokenizer';
import { classifyAha } from '../../rl/aha';
import type { GrpoSample } from '../../train/grpo';
import { attemptsLabel, checkProblem, expectedLabel, formatValue, isCountdownPrompt, groupSamples, maxAbsAdvantage, rewardColor, splitSpan, tokenColor, tokenPieces, tokenValue } from './tokens';

function sample(group: number, advantage: number, kept = true): GrpoSample {
  const tokens = Int32Array.from(encode('12<eos>'));
  return {
    group, prompt: `${group}+1=`, completion: '12<eos>', expected: 12,
    reward: { format: 0, accuracy: 1, overlong: 0, total: 1 }, advantage, kept, tokens, truncated: false,
    logpOld: new Float32Array(3), logp: null, ratio: null, kl: null, clip: null, aha: classifyAha('12<eos>', 12),
  };
}

describe('tokenPieces', () => {
  it('tiles the decoded text with each token at its character offset', () => {
    const text = '<think>5<wait>7</think>';
    const p = tokenPieces(encode(text), null);
    expect(p.map((x) => [x.text, x.start, x.end, x.wait])).toEqual([
      ['<think>', 0, 7, false],
      ['5', 7, 8, false],
      ['<wait>', 8, 14, true],
      ['7', 14, 15, false],
      ['</think>', 15, 23, false],
    ]);
  });

  it('marks the tokens overlapping the aha span, and those of a real aha detection', () => {
    // 3+4: the first segment says 6 (wrong), then <wait>, then 7 (right): an aha.
    const text = '<think>3+4=6<wait>3+4=7</think><answer>7</answer><eos>';
    const aha = classifyAha(text, 7);
    expect(aha.aha).toBe(true);
    const pieces = tokenPieces(encode(text), aha.span);
    const inside = pieces.filter((x) => x.inSpan).map((x) => x.text).join('');
    // The span covers the characters [start, end) the detector reports, rounded out to whole tokens.
    expect(inside).toContain(text.slice(aha.span!.start, aha.span!.end));
    expect(aha.waitOffsets).toEqual(pieces.filter((x) => x.wait).map((x) => x.start));
    expect(tokenPieces(encode(text), { fromSegment: 0, toSegment: 0, start: 11, end: 12 }).filter((x) => x.inSpan).map((x) => x.text)).toEqual(['6']);
  });
});

describe('splitSpan', () => {
  it('splits around the span and clamps it to the text', () => {
    expect(splitSpan('abcdef', { fromSegment: 0, toSegment: 1, start: 2, end: 4 })).toEqual(['ab', 'cd', 'ef']);
    expect(splitSpan('abc', { fromSegment: 0, toSegment: 1, start: 1, end: 99 })).toEqual(['a', 'bc', '']);
    expect(splitSpan('abc', null)).toEqual(['abc', '', '']);
  });
});

describe('tokenValue', () => {
  const arrays = {
    logpOld: Float32Array.of(-0.5, -1),
    logp: Float32Array.of(-0.25, -2),
    ratio: Float32Array.of(1.5, 0.5),
    clip: Int8Array.of(1, -1),
    kl: null,
  };
  it('reads each view, preferring the trained log-prob over the rollout one', () => {
    expect(tokenValue(arrays, 'logp', 1)).toBe(-2);
    expect(tokenValue({ ...arrays, logp: null }, 'logp', 1)).toBe(-1);
    expect(tokenValue(arrays, 'ratio', 0)).toBe(1.5);
    expect(tokenValue(arrays, 'clip', 1)).toBe(-1);
    expect(tokenValue(arrays, 'kl', 0)).toBeNull();
    expect(tokenValue(arrays, 'ratio', 5)).toBeNull();
  });
});

describe('colours and numbers', () => {
  it('maps a ratio of 1 and a certain token to the neutral colour, extremes to saturated ones', () => {
    expect(tokenColor('ratio', 1)).toBe('rgb(37, 55, 86)');
    expect(tokenColor('logp', 0)).toBe('rgb(37, 55, 86)');
    expect(tokenColor('logp', -5)).toBe('rgb(200, 70, 70)');
    expect(tokenColor('logp', -50)).toBe('rgb(200, 70, 70)');
    expect(tokenColor('ratio', 1.3)).toBe('rgb(46, 160, 96)');
    expect(tokenColor('clip', 0)).toBe('transparent');
    expect(tokenColor('kl', null)).toBe('transparent');
  });
  it('colours rewards by the step range', () => {
    expect(rewardColor(1, 0, 1)).toBe('rgb(46, 160, 96)');
    expect(rewardColor(0, 0, 1)).toBe('rgb(200, 70, 70)');
    expect(rewardColor(0.5, 0, 1)).toBe('rgb(37, 55, 86)');
    expect(rewardColor(0, 0, 0)).toBe('rgb(200, 70, 70)');
  });
  it('formats values compactly', () => {
    expect(formatValue(-0.123456)).toBe('-0.123');
    expect(formatValue(1)).toBe('1');
    expect(formatValue(2.5)).toBe('2.5');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(0.00012)).toBe('1.20e-4');
    expect(formatValue(NaN)).toBe('NaN');
  });
});

describe('groupSamples', () => {
  it('gathers rows by group, sums advantages and carries the dropped flag', () => {
    const s = [sample(0, 1), sample(0, -1), sample(1, 0, false), sample(1, 0, false)];
    const g = groupSamples(s);
    expect(g.map((x) => [x.group, x.rows, x.advantageSum, x.kept, x.prompt])).toEqual([
      [0, [0, 1], 0, true, '0+1='],
      [1, [2, 3], 0, false, '1+1='],
    ]);
    expect(maxAbsAdvantage(s)).toBe(1);
  });
});

describe('checkProblem', () => {
  it('accepts what the tokenizer encodes', () => {
    expect(checkProblem('47+85=')).toBeNull();
    expect(checkProblem('<bos>3*(2+1)=')).toBeNull();
  });
  it('names the bad character and its 1-based position', () => {
    const p = checkProblem('47+x5=')!;
    expect(p.char).toBe('x');
    expect(p.position).toBe(3);
    expect(p.message).toContain('"x" at position 4');
  });
  it('names an unknown tag', () => {
    const p = checkProblem('1+<foo>=')!;
    expect(p.char).toBe('<foo>');
    expect(p.message).toContain('the tag "<foo>" at position 3');
  });
});

describe('countdown labels', () => {
  it('tells countdown prompts from arithmetic ones', () => {
    for (const p of ['<bos>3;5;7=5', '3;5;7=-9', '<bos>12;5;7;2=47']) expect(isCountdownPrompt(p), p).toBe(true);
    for (const p of ['<bos>47+85=', '1+2=', '<bos>3*(4-9)+2=', '3=5', '<bos>3;5;7=']) expect(isCountdownPrompt(p), p).toBe(false);
  });

  it('shows a countdown group\'s target and an arithmetic group\'s answer', () => {
    expect(expectedLabel('<bos>3;5;7=5', 5)).toBe('target 5');
    expect(expectedLabel('<bos>47+85=', 132)).toBe('expected 132');
    expect([attemptsLabel(1), attemptsLabel(3), attemptsLabel(0)]).toEqual(['1 attempt', '3 attempts', '0 attempts']);
  });

  it('groups countdown samples with their target, and the detector counts a search\'s attempts', () => {
    const text = '<think>3+5+7=15<wait>3+5-7=1<wait>3-5+7=5</think><answer>3-5+7</answer><eos>';
    const p = { family: 'countdown' as const, difficulty: 1, operands: [3, 5, 7], answer: 5 };
    const s: GrpoSample = { ...sample(0, 1), prompt: '<bos>3;5;7=5', completion: text, expected: 5, aha: classifyAha(text, p) };
    const [g] = groupSamples([s]);
    expect(expectedLabel(g!.prompt, g!.expected)).toBe('target 5');
    expect(s.aha.attempts).toBe(3);
  });
});
