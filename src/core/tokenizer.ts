// The fixed vocabulary of DESIGN §4: special tokens, digits, operators, '=',
// parentheses for mixed expressions and ';' as the separator between steps.
// A token is either a special token written as `<name>` or one character.
// Ids are positions in VOCAB and never change: checkpoints and ONNX files
// store this list, so append only.

export const SPECIAL_TOKENS = [
  '<pad>',
  '<bos>',
  '<eos>',
  '<think>',
  '</think>',
  '<answer>',
  '</answer>',
  '<wait>',
] as const;

const CHAR_TOKENS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', '-', '*', '=', '(', ')', ';'] as const;

export const VOCAB: readonly string[] = [...SPECIAL_TOKENS, ...CHAR_TOKENS];
export const VOCAB_SIZE = VOCAB.length;

export const TOK = {
  pad: 0,
  bos: 1,
  eos: 2,
  think: 3,
  thinkEnd: 4,
  answer: 5,
  answerEnd: 6,
  wait: 7,
  digit0: 8,
  plus: 18,
  minus: 19,
  times: 20,
  equals: 21,
  lparen: 22,
  rparen: 23,
  sep: 24,
} as const;

const ID_OF = new Map<string, number>(VOCAB.map((t, i) => [t, i]));

export class TokenizerError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'TokenizerError';
  }
}

/** Splits text into token strings. Unknown characters throw with their position. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '<') {
      const close = text.indexOf('>', i);
      const name = close < 0 ? text.slice(i) : text.slice(i, close + 1);
      if (close < 0 || !ID_OF.has(name)) {
        throw new TokenizerError(
          `unknown special token ${JSON.stringify(name)} at position ${i} in ${JSON.stringify(text)}; ` +
            `known: ${SPECIAL_TOKENS.join(' ')}`,
          i,
        );
      }
      out.push(name);
      i = close + 1;
    } else if (ID_OF.has(ch)) {
      out.push(ch);
      i++;
    } else {
      throw new TokenizerError(
        `unknown character ${JSON.stringify(ch)} at position ${i} in ${JSON.stringify(text)}; ` +
          `allowed: digits, + - * = ( ) ; and the special tokens`,
        i,
      );
    }
  }
  return out;
}

export function encode(text: string): number[] {
  return tokenize(text).map((t) => ID_OF.get(t)!);
}

/** Decodes ids back to text. Out-of-range ids throw with their index. */
export function decode(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const t = VOCAB[id];
    if (t === undefined) throw new TokenizerError(`token id ${id} at index ${i} is outside the vocabulary [0, ${VOCAB_SIZE})`, i);
    s += t;
  }
  return s;
}
