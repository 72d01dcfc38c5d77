import { describe, expect, it } from 'vitest';
import { ahaRates, classifyAha, type AhaResult } from './aha';

// 47+85 = 132 throughout, unless a test says otherwise.
const E = 132;
type Cls = Pick<AhaResult, 'reflection' | 'aha' | 'verification' | 'overthinking'>;
const cls = (r: AhaResult): Cls => ({ reflection: r.reflection, aha: r.aha, verification: r.verification, overthinking: r.overthinking });
const NONE: Cls = { reflection: false, aha: false, verification: false, overthinking: false };
const REFL: Cls = { ...NONE, reflection: true };

describe('classifyAha on labelled completions', () => {
  it('no <wait>: none of the classes, right or wrong', () => {
    const r = classifyAha('<think>7+5=12;4+8+1=13;47+85=132</think><answer>132</answer><eos>', E);
    expect(cls(r)).toEqual(NONE);
    expect(r).toMatchObject({ finalAnswer: 132, waitOffsets: [], span: null, candidates: [132] });
    expect(cls(classifyAha('<think>47+85=142</think><answer>142</answer><eos>', E))).toEqual(NONE);
  });

  it('aha: a wrong candidate, <wait>, the right final answer; span covers wrong segment to correction', () => {
    const text = '<think>47+85=142<wait>4+8+1=13;47+85=132</think><answer>132</answer><eos>';
    const r = classifyAha(text, E);
    expect(cls(r)).toEqual({ ...REFL, aha: true });
    // '<think>' is 7 chars; "47+85=142" is [7,16); <wait> at 16; "4+8+1=13;47+85=132" is [22,40).
    expect(r.waitOffsets).toEqual([16]);
    expect(text.slice(16, 22)).toBe('<wait>');
    expect(r.span).toEqual({ fromSegment: 0, toSegment: 1, start: 7, end: 40 });
    expect(text.slice(7, 40)).toBe('47+85=142<wait>4+8+1=13;47+85=132');
  });

  it('verification: the same right answer before and after <wait>', () => {
    const r = classifyAha('<think>47+85=132<wait>47+85=132</think><answer>132</answer><eos>', E);
    expect(cls(r)).toEqual({ ...REFL, verification: true });
    expect(r.span).toBeNull();
  });

  it('overthinking: a right candidate changed into a wrong final answer', () => {
    const text = '<think>47+85=132<wait>47+85=142</think><answer>142</answer><eos>';
    const r = classifyAha(text, E);
    expect(cls(r)).toEqual({ ...REFL, overthinking: true });
    expect(r.span).toEqual({ fromSegment: 0, toSegment: 1, start: 7, end: 31 });
    expect(text.slice(7, 31)).toBe('47+85=132<wait>47+85=142');
  });

  it('reflected but wrong throughout: reflection only', () => {
    expect(cls(classifyAha('<think>47+85=142<wait>47+85=122</think><answer>122</answer><eos>', E))).toEqual(REFL);
  });

  it('multiple <wait>s: the span starts at the last wrong candidate', () => {
    const text = '<think>47+85=122<wait>47+85=142<wait>4+8+1=13;47+85=132</think><answer>132</answer><eos>';
    const r = classifyAha(text, E);
    expect(cls(r)).toEqual({ ...REFL, aha: true });
    expect(r.waitOffsets).toEqual([16, 31]);
    expect(r.span).toEqual({ fromSegment: 1, toSegment: 2, start: 22, end: 55 });
    expect(text.slice(22, 55)).toBe('47+85=142<wait>4+8+1=13;47+85=132');
  });

  it('multiple <wait>s: right, wrong, right is aha; wrong, right, wrong is overthinking', () => {
    const rwr = classifyAha('<think>47+85=132<wait>47+85=142<wait>47+85=132</think><answer>132</answer><eos>', E);
    expect(cls(rwr)).toEqual({ ...REFL, aha: true });
    expect(rwr.span).toMatchObject({ fromSegment: 1, toSegment: 2 });
    const wrw = classifyAha('<think>47+85=142<wait>47+85=132<wait>47+85=122</think><answer>122</answer><eos>', E);
    expect(cls(wrw)).toEqual({ ...REFL, overthinking: true });
    expect(wrw.span).toMatchObject({ fromSegment: 1, toSegment: 2 });
  });

  it('no answer tag: the last segment\'s candidate is the final answer', () => {
    const truncated = classifyAha('<think>47+85=142<wait>47+85=132', E);
    expect(cls(truncated)).toEqual({ ...REFL, aha: true });
    expect(truncated.finalAnswer).toBe(132);
    expect(cls(classifyAha('<think>47+85=132<wait>47+85=142</think><eos>', E))).toEqual({ ...REFL, overthinking: true });
  });

  it('an answer tag that is unclosed or not an integer is no final answer (wrong)', () => {
    const bad = classifyAha('<think>47+85=142<wait>47+85=132</think><answer>1-3</answer><eos>', E);
    expect(cls(bad)).toEqual(REFL);
    expect(bad.finalAnswer).toBeNull();
    // A right candidate before <wait>, then the answer is cut off: overthinking, not verification.
    expect(cls(classifyAha('<think>47+85=132<wait>47+85=132</think><answer>13', E))).toEqual({ ...REFL, overthinking: true });
  });

  it('candidates that do not parse are ignored', () => {
    // Nothing stated before <wait>: reflection without verification or aha.
    const r = classifyAha('<think>47+85=<wait>47+85=132</think><answer>132</answer><eos>', E);
    expect(cls(r)).toEqual(REFL);
    expect(r.candidates).toEqual([null, 132]);
    expect(cls(classifyAha('<think>4+8<wait>47+85=132</think><answer>132</answer><eos>', E))).toEqual(REFL);
    // An unparsed middle segment does not break a verification or an aha.
    expect(cls(classifyAha('<think>47+85=132<wait>4+8<wait>47+85=132</think><answer>132</answer><eos>', E))).toEqual({ ...REFL, verification: true });
    const aha = classifyAha('<think>47+85=<wait>47+85=142<wait>47+85=132</think><answer>132</answer><eos>', E);
    expect(cls(aha)).toEqual({ ...REFL, aha: true });
    expect(aha.span).toMatchObject({ fromSegment: 1, toSegment: 2 });
  });

  it('a right answer stated only in <answer> after a wrong candidate is still aha (span ends at the last segment)', () => {
    const r = classifyAha('<think>47+85=142<wait>4+8+1=13</think><answer>132</answer><eos>', E);
    expect(cls(r)).toEqual({ ...REFL, aha: true });
    expect(r.span).toMatchObject({ fromSegment: 0, toSegment: 1 });
  });

  it('negative numbers: the sign matters', () => {
    // 47-85 = -38; the slip drops the sign.
    const r = classifyAha('<think>47-85=38<wait>85-47=38;47-85=-38</think><answer>-38</answer><eos>', -38);
    expect(r.candidates).toEqual([38, -38]);
    expect(cls(r)).toEqual({ ...REFL, aha: true });
    expect(cls(classifyAha('<think>47-85=-38<wait>47-85=-38</think><answer>-38</answer><eos>', -38))).toEqual({ ...REFL, verification: true });
  });

  it('malformed completions are still read as far as they go', () => {
    // Missing </think>: the think section ends at <answer>.
    expect(cls(classifyAha('<think>47+85=142<wait>47+85=132<answer>132</answer><eos>', E))).toEqual({ ...REFL, aha: true });
    // Junk between </think> and <answer>.
    expect(cls(classifyAha('<think>47+85=142<wait>47+85=132</think>;;<answer>132</answer><eos>', E))).toEqual({ ...REFL, aha: true });
    // No <think> at all: no segments, nothing to classify.
    const r = classifyAha('<answer>132</answer><eos>', E);
    expect(cls(r)).toEqual(NONE);
    expect(r.candidates).toEqual([]);
    expect(cls(classifyAha('', E))).toEqual(NONE);
  });
});

describe('ahaRates', () => {
  it('is the fraction of completions in each class', () => {
    const list = [
      '<think>47+85=132</think><answer>132</answer><eos>', // none
      '<think>47+85=142<wait>47+85=132</think><answer>132</answer><eos>', // aha
      '<think>47+85=132<wait>47+85=132</think><answer>132</answer><eos>', // verification
      '<think>47+85=132<wait>47+85=142</think><answer>142</answer><eos>', // overthinking
      '<think>47+85=142<wait>47+85=122</think><answer>122</answer><eos>', // reflection only
    ].map((t) => classifyAha(t, E));
    expect(ahaRates(list)).toEqual({ reflection: 0.8, aha: 0.2, verification: 0.2, overthinking: 0.2 });
    expect(ahaRates([])).toEqual({ reflection: 0, aha: 0, verification: 0, overthinking: 0 });
  });
});
