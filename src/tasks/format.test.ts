import { describe, expect, it } from 'vitest';
import { encode } from '../core/tokenizer';
import { formatCompletion, parseCompletion, parseCompletionIds, parseInteger, segmentCandidate } from './format';

describe('completion format', () => {
  it('parses a self-correction into segments with candidates', () => {
    const text = '<think>7+5=12;4+8+1=14;47+85=142<wait>4+8+1=13;47+85=132</think><answer>132</answer><eos>';
    const c = parseCompletion(text);
    expect(c).toMatchObject({ wellFormed: true, answer: 132, waits: 1, terminated: true });
    expect(c.segments.map((s) => s.candidate)).toEqual([142, 132]);
    expect(formatCompletion(['7+5=12;4+8+1=14;47+85=142', '4+8+1=13;47+85=132'], 132)).toBe(text);
  });

  it('reads signed candidates after the last =', () => {
    expect(segmentCandidate('2-9=-7;3*(-7)=-21')).toBe(-21);
    expect(segmentCandidate('7+5')).toBeNull();
    expect(segmentCandidate('7+5=')).toBeNull();
    expect(parseInteger('-38')).toBe(-38);
    expect(parseInteger('0')).toBe(0);
    // Non-canonical forms are not answers: no leading zeros, no negative zero, no sign alone.
    for (const bad of ['0132', '-0', '00', '-', '+5', '', '1-2']) expect(parseInteger(bad), bad).toBeNull();
    expect(parseCompletion('<think>47+85=132</think><answer>0132</answer><eos>').answer).toBeNull();
    expect(parseInteger('1234567890123456')).toBeNull(); // 16 digits: not exact in f64 everywhere
  });

  it('flags malformed and truncated completions', () => {
    expect(parseCompletion('<think>1+1=2</think><answer>2</answer>')).toMatchObject({ wellFormed: true, terminated: false });
    expect(parseCompletion('<think>1+1=2</think>2<eos>')).toMatchObject({ wellFormed: false, answer: null });
    expect(parseCompletion('<think>1+1=2<answer>2</answer><eos>')).toMatchObject({ wellFormed: false, think: '1+1=2', answer: 2 });
    expect(parseCompletion('<answer>2</answer><eos>')).toMatchObject({ wellFormed: false, think: null, segments: [] });
  });

  it('ignores token ids after the first <eos>', () => {
    const ids = [...encode('<think>3+4=7</think><answer>7</answer><eos>'), ...encode('99<wait>')];
    expect(parseCompletionIds(ids)).toMatchObject({ wellFormed: true, answer: 7, waits: 0, terminated: true });
  });
});
