import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, encode, SPECIAL_TOKENS, TOK, tokenize, TokenizerError, VOCAB, VOCAB_SIZE } from './tokenizer';

describe('tokenizer', () => {
  it('has the vocabulary of DESIGN §4 with fixed ids', () => {
    expect(VOCAB.slice(0, 8)).toEqual(['<pad>', '<bos>', '<eos>', '<think>', '</think>', '<answer>', '</answer>', '<wait>']);
    expect(VOCAB.slice(8, 18)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(new Set(VOCAB).size).toBe(VOCAB_SIZE);
    for (const [name, id] of Object.entries(TOK)) expect(VOCAB[id], name).toBeDefined();
    expect(VOCAB[TOK.wait]).toBe('<wait>');
    expect(VOCAB[TOK.sep]).toBe(';');
    expect(VOCAB[TOK.times]).toBe('*');
  });

  it('encodes a prompt and a completion', () => {
    expect(encode('<bos>47+85=')).toEqual([1, 12, 15, 18, 16, 13, 21]);
    const completion = '<think>7+5=12;4+8+1=13</think><answer>132</answer><eos>';
    expect(decode(encode(completion))).toBe(completion);
    expect(tokenize('<think>12<wait>13</think>')).toEqual(['<think>', '1', '2', '<wait>', '1', '3', '</think>']);
  });

  it('round-trips every sequence of tokens (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: VOCAB_SIZE - 1 }), { maxLength: 200 }), (ids) => {
        expect(encode(decode(ids))).toEqual(ids);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects unknown characters and says where', () => {
    expect(() => encode('12 + 3')).toThrow(TokenizerError);
    expect(() => encode('12 + 3')).toThrow(/unknown character " " at position 2/);
    expect(() => encode('4/2')).toThrow(/unknown character "\/" at position 1/);
    try {
      encode('1<foo>');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TokenizerError);
      expect((e as TokenizerError).position).toBe(1);
      expect((e as Error).message).toMatch(/unknown special token "<foo>" at position 1/);
    }
    expect(() => encode('<think')).toThrow(/unknown special token "<think" at position 0/);
    expect(() => decode([3, 99])).toThrow(/token id 99 at index 1 is outside the vocabulary/);
    expect(() => decode([-1])).toThrow(/outside the vocabulary/);
  });

  it('lists every special token once', () => {
    for (const t of SPECIAL_TOKENS) expect(encode(t)).toHaveLength(1);
  });
});
