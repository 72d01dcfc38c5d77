import { describe, expect, it } from 'vitest';
import { errorSentence, formatRate, pretrainText } from './format';

describe('header formatting', () => {
  it('rates: a dash before the first, 3 significant digits, whole numbers from 100', () => {
    expect(formatRate(0)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
    expect(formatRate(0.31234)).toBe('0.312');
    expect(formatRate(12.345)).toBe('12.3');
    expect(formatRate(1234.6)).toBe('1,235');
  });

  it('error sentences say the step and whether the run can continue', () => {
    expect(errorSentence({ message: 'GRPO step 3: NaN', step: 3, recoverable: true })).toBe(
      'Error at step 3: GRPO step 3: NaN. The run is paused with its last good weights and can continue.',
    );
    expect(errorSentence({ message: 'the GPU device was lost', step: 9, recoverable: false })).toBe(
      'Error at step 9: the GPU device was lost. The run cannot continue: press Reset to start it again.',
    );
  });

  it('pretraining progress counts steps done (the event carries the 0-based step)', () => {
    expect(pretrainText({ step: 119, total: 2000 })).toBe('120 / 2000 steps (6%)');
    expect(pretrainText({ step: 99, total: 100 })).toBe('100 / 100 steps (100%)');
  });
});
