import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, preset } from '../core/config';
import { MAX_PROMPT_TOKENS } from '../core/validate';

// 2-digit addition, the default until issue 13: the numbers below are its
const ARITH = preset('R1-Zero (Arithmetic)');
import { Rng } from '../core/rng';
import { encode } from '../core/tokenizer';
import { completionLengths, LONGEST_COMPLETION_TOKENS, longestCompletionTokens, longestPromptTokens, measureLongest } from './lengths';
import { ARITHMETIC_FAMILIES, drawProblem, FAMILIES, problemAt } from './problems';
import { TRACE_STYLES } from './traces';

describe('longest lengths', () => {
  it('prompts: exact, and within MAX_PROMPT_TOKENS', () => {
    expect(longestPromptTokens('add', 2)).toBe(encode('<bos>99+99=').length);
    expect(longestPromptTokens('mul', 4)).toBe(encode('<bos>999*99=').length);
    expect(longestPromptTokens('mixed', 5)).toBe(encode('<bos>(9+9)*9-9+9=').length);
    const rng = new Rng(2, 2);
    for (const f of FAMILIES) {
      for (let d = 1; d <= 5; d++) {
        expect(longestPromptTokens(f, d)).toBeLessThanOrEqual(MAX_PROMPT_TOKENS);
        for (let k = 0; k < 200; k++) expect(encode(drawProblem(f, d, rng).prompt).length).toBeLessThanOrEqual(longestPromptTokens(f, d));
      }
    }
  });

  it('completions of one problem, counted by hand', () => {
    // <think> 7+5=12 ; 4+8+1=13 ; 47+85=132 </think> <answer> 132 </answer> <eos>: 1+6+1+8+1+9+1+1+3+1+1
    expect(completionLengths(problemAt('add', 2, 47 + 100 * 85))).toMatchObject({ direct: 17, stepwise: 33 });
  });

  it('the table for add d=2 is the exact maximum over the whole space', () => {
    expect(measureLongest('add', 2)).toEqual(LONGEST_COMPLETION_TOKENS.add[1]);
  });

  it('no sampled problem exceeds the table', () => {
    const rng = new Rng(77, 1);
    for (const f of ARITHMETIC_FAMILIES) {
      for (let d = 1; d <= 5; d++) {
        for (let k = 0; k < 60; k++) {
          const l = completionLengths(drawProblem(f, d, rng));
          for (const s of TRACE_STYLES) expect(l[s], `${f} d=${d} ${s}`).toBeLessThanOrEqual(longestCompletionTokens(f, d, s));
        }
      }
    }
  });

  it('the arithmetic preset fits grpo.maxCompletionLength and model.maxSeqLen in every style', () => {
    const { family, difficulty } = ARITH.task;
    for (const s of TRACE_STYLES) expect(longestCompletionTokens(family, difficulty, s)).toBeLessThanOrEqual(ARITH.grpo.maxCompletionLength);
    expect(longestCompletionTokens(family, difficulty)).toBe(59);
    expect(longestPromptTokens(family, difficulty) + longestCompletionTokens(family, difficulty)).toBeLessThanOrEqual(ARITH.model.maxSeqLen);
    expect(() => longestCompletionTokens('add', 6)).toThrow('task.difficulty = 6');
  });
});

describe('taskLengthErrors', () => {
  it('accepts the default config and names maxSeqLen when the corpus cannot fit', async () => {
    const { mergeConfig } = await import('../core/config');
    const { taskLengthErrors } = await import('./lengths');
    expect(taskLengthErrors(DEFAULT_CONFIG)).toEqual([]);
    expect(taskLengthErrors(ARITH)).toEqual([]);
    // add at difficulty 5: corrected traces reach 134 completion tokens after a 13-token prompt "<bos>99999+99999=".
    const big = mergeConfig(ARITH, { task: { difficulty: 5 } });
    const errs = taskLengthErrors(big);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('model.maxSeqLen');
    expect(errs[0]!.message).toBe(
      'model.maxSeqLen = 96: task add at difficulty 5 has base-corpus examples of up to 13 prompt + 134 completion tokens; ' +
        'allowed at least 147 (or lower task.difficulty)',
    );
    // Without the long corrected style the stepwise traces (72) fit: 13 + 72 = 85 <= 96.
    expect(taskLengthErrors(mergeConfig(big, { corpus: { corrected: 0 } }))).toEqual([]);
    expect(taskLengthErrors(mergeConfig(big, { model: { maxSeqLen: 147 } }))).toEqual([]);
  });
});
