import { describe, expect, it } from 'vitest';
import { QUICK_CONFIG } from '../../train/quick';
import { errorSentence, formatRate, pretrainText, progressText, shownStep, statusDetail } from './format';

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

  it('the status line says its state once (issue 18: "ready — ready: GRPO from the given weights")', () => {
    expect(statusDetail('ready', 'ready: GRPO from the given weights')).toBe('GRPO from the given weights');
    expect(statusDetail('paused', 'ready: base model pretrained')).toBe('ready: base model pretrained');
    expect(statusDetail('ready', 'already there')).toBe('already there');
  });

  it('the header shows the step the charts show last, or the shared snapshot\'s (issue 18: "step 41" beside readouts at step 40)', () => {
    const m = (step: number) => ({ step }) as never;
    expect(shownStep({ metrics: [], shared: null })).toBeNull();
    expect(shownStep({ metrics: [m(0), m(1), m(40)], shared: null })).toBe(40);
    const snapshot = { step: [0, 10, 30] } as never;
    const shared = { snapshot, config: QUICK_CONFIG, showing: true, liveEvals: [], liveBaseAha: null };
    expect(shownStep({ metrics: [], shared })).toBe(30);
    expect(shownStep({ metrics: [m(0)], shared: { ...shared, showing: false } })).toBe(0);
  });

  it('a slow step says its phase, its seconds so far and, once known, a step\'s time', () => {
    expect(progressText({ step: 0, phase: 'grpo' }, 12_400, null, true)).toBe('step 0: sampling the group, scoring, updating… 12 s (the first step also compiles the GPU kernels)');
    expect(progressText({ step: 0, phase: 'grpo' }, 12_400, null)).toBe('step 0: sampling the group, scoring, updating… 12 s'); // the CPU engines compile nothing
    expect(progressText({ step: 7, phase: 'grpo' }, 900, 2345)).toBe('step 7: sampling the group, scoring, updating… 0 s (a step takes about 2.3 s)');
    expect(progressText({ step: 9, phase: 'evaluation' }, 31_000, 2345)).toBe('step 9: held-out evaluation… 31 s');
  });
});

