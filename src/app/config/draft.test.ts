import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, KNOB_BY_PATH, KNOBS, matchingPreset, matchingPresets, mergeConfig, PRESET_NAMES, preset } from '../../core/config';
import { validateConfig } from '../../core/validate';
import { trainConfigErrors } from '../../train/checks';
import { QUICK_CONFIG } from '../../train/quick';
import {
  applyPlan, changedPaths, choosePreset, corpusNote, difficultyNote, GROUP_ORDER, inactiveReason, knobLabel, knobsByGroup, parseNumberText, pipelineNote, presetScope,
} from './draft';

const plan = (draft = QUICK_CONFIG) => applyPlan(QUICK_CONFIG, draft, validateConfig(draft).errors);

describe('config panel helpers', () => {
  it('groups every knob exactly once, in the panel order', () => {
    const groups = knobsByGroup();
    expect(groups.map((g) => g.group)).toEqual(['Task', 'Model', 'GRPO', 'Sampling', 'Pipeline', 'Base corpus', 'Seed']);
    expect(GROUP_ORDER.length).toBe(7);
    expect(groups.flatMap((g) => g.knobs.map((k) => k.path)).sort()).toEqual(KNOBS.map((k) => k.path).sort());
    expect(groups[0]!.knobs.map(knobLabel)).toEqual(['family', 'difficulty', 'heldOutPercent']);
    expect(groups[6]!.knobs.map(knobLabel)).toEqual(['seed']);
    expect(groups[4]!.knobs.map(knobLabel)).toEqual(['coldStartSteps', 'coldStartTraces', 'rl1Steps', 'rejectionSamples', 'rejectionPrompts', 'rejectionReadable', 'rejectionSftEpochs', 'sftLr', 'teacher', 'distillSteps']);
  });

  it('reads number text, leaving non-numbers NaN for the validator to name', () => {
    expect(parseNumberText(' 8 ')).toBe(8);
    expect(parseNumberText('1e-3')).toBe(0.001);
    expect(parseNumberText('')).toBeNaN();
    expect(parseNumberText('abc')).toBeNaN();
    expect(parseNumberText('2.5')).toBe(2.5);
  });

  it('lists changed knob paths; a NaN counts as changed', () => {
    expect(changedPaths(QUICK_CONFIG, QUICK_CONFIG)).toEqual([]);
    expect(changedPaths(QUICK_CONFIG, mergeConfig(QUICK_CONFIG, { seed: 8, grpo: { beta: 0.1 } }))).toEqual(['seed', 'grpo.beta']);
    expect(changedPaths(QUICK_CONFIG, mergeConfig(QUICK_CONFIG, { grpo: { lr: Number.NaN } }))).toEqual(['grpo.lr']);
  });

  it('plans nothing, live values, a reset, or a refusal with the validator messages', () => {
    expect(plan()).toEqual({ kind: 'none' });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { lr: 1e-3, epsHigh: 0.28 }, sampling: { temperature: 0.7 } }))).toEqual({
      kind: 'live', values: { 'grpo.epsHigh': 0.28, 'grpo.lr': 1e-3, 'sampling.temperature': 0.7 },
    });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { lr: 1e-3, groupSize: 4 } }))).toEqual({ kind: 'reset', nonLive: ['grpo.groupSize'] });
    // DAPO changes the loss type, dynamic sampling and overlong shaping: not live
    expect(plan(preset('DAPO', QUICK_CONFIG))).toEqual({ kind: 'reset', nonLive: ['grpo.lossType', 'grpo.dynamicSampling', 'grpo.overlongShaping'] });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { groupSize: 1 } }))).toEqual({
      kind: 'invalid', reasons: ['grpo.groupSize = 1: out of range, allowed [2, 64]'],
    });
    expect(plan(mergeConfig(QUICK_CONFIG, { grpo: { lr: Number.NaN } }))).toEqual({
      kind: 'invalid', reasons: ['grpo.lr = NaN: must be a finite number in [1e-7, 0.1]'],
    });
  });
});

describe('task families in the panel', () => {
  const COUNTDOWN = preset('R1-Zero (Countdown)');
  const ARITHMETIC = preset('R1-Zero (Arithmetic)');
  const inactive = (cfg = DEFAULT_CONFIG) => KNOBS.filter((k) => inactiveReason(k, cfg) !== null).map((k) => k.path);

  it('greys out the other kind of task\'s corpus styles, and nothing else outside the Pipeline group (next test)', () => {
    const inactive = (cfg = DEFAULT_CONFIG) => KNOBS.filter((k) => k.group !== 'Pipeline' && inactiveReason(k, cfg) !== null).map((k) => k.path);
    expect(inactive(ARITHMETIC)).toEqual(['corpus.guess', 'corpus.search', 'corpus.searchWrong']);
    expect(inactive(mergeConfig(ARITHMETIC, { task: { family: 'mixed' } }))).toEqual(['corpus.guess', 'corpus.search', 'corpus.searchWrong']);
    expect(inactive(DEFAULT_CONFIG)).toEqual(['corpus.direct', 'corpus.stepwise', 'corpus.slip', 'corpus.corrected']);
    expect(inactive(COUNTDOWN)).toEqual(['corpus.direct', 'corpus.stepwise', 'corpus.slip', 'corpus.corrected']);
    expect(inactiveReason(KNOB_BY_PATH.get('corpus.direct')!, COUNTDOWN)).toBe('not used by countdown tasks: their base corpus mixes guess, search, searchWrong');
    expect(corpusNote(COUNTDOWN)).toContain('guess, search, searchWrong');
    expect(corpusNote(ARITHMETIC)).toContain('direct, stepwise, slip, corrected');
  });

  it('greys out the knobs of a pipeline stage that is off, and says which stages run', () => {
    const R1 = preset('R1 (four stages, Countdown)');
    const pipelineOff = inactive(COUNTDOWN).filter((p) => p.startsWith('pipeline.'));
    expect(pipelineOff).toEqual(['pipeline.coldStartTraces', 'pipeline.rejectionSamples', 'pipeline.rejectionPrompts', 'pipeline.rejectionReadable', 'pipeline.rejectionSftEpochs', 'pipeline.sftLr', 'pipeline.distillSteps']);
    expect(inactive(R1).filter((p) => p.startsWith('pipeline.'))).toEqual(['pipeline.distillSteps']);
    // distillation samples with the rejection knobs, trains with sftLr, but takes no rejection epochs
    const distilled = preset('Distilled student (Countdown)');
    expect(inactive(distilled).filter((p) => p.startsWith('pipeline.'))).toEqual(['pipeline.coldStartTraces', 'pipeline.rejectionSftEpochs']);
    expect(pipelineNote(distilled)).toBe('Stages: distillation from teacher-countdown-grpo60 (300 SFT steps on its right answers to 512 prompts × 8) → GRPO. The charts mark each stage at its GRPO step.');
    const coldOnly = mergeConfig(COUNTDOWN, { pipeline: { coldStartSteps: 4 } });
    expect(inactive(coldOnly).filter((p) => p.startsWith('pipeline.'))).toEqual(['pipeline.rejectionSamples', 'pipeline.rejectionPrompts', 'pipeline.rejectionReadable', 'pipeline.rejectionSftEpochs', 'pipeline.distillSteps']);
    expect(inactiveReason(KNOB_BY_PATH.get('pipeline.rejectionPrompts')!, COUNTDOWN)).toBe('the rejection stage and distillation are off: rl1Steps is 0, teacher none');
    expect(inactiveReason(KNOB_BY_PATH.get('pipeline.rejectionSftEpochs')!, COUNTDOWN)).toBe('the rejection stage is off: rl1Steps is 0');
    expect(pipelineNote(COUNTDOWN)).toMatch(/^Every stage is off: GRPO alone from the base \(R1-Zero\)/);
    expect(pipelineNote(R1)).toBe('Stages: cold start (16 SFT steps on 256 search traces) → GRPO steps 0–74 → rejection sampling (512 prompts × 8, readable only) and 2 epochs of SFT '
      + '→ GRPO from step 75. The charts mark each stage at its GRPO step.');
    expect(pipelineNote(coldOnly)).toBe('Stages: cold start (4 SFT steps on 256 search traces) → GRPO. The charts mark each stage at its GRPO step.');
    expect(presetScope('R1 (four stages, Countdown)')).toBe('task, GRPO, sampling, corpus and pipeline');
  });

  it('says what a countdown difficulty means', () => {
    expect(difficultyNote(COUNTDOWN)).toBe('countdown d=1: 3 numbers from 1 to 9, + -');
    expect(difficultyNote(mergeConfig(COUNTDOWN, { task: { difficulty: 5 } }))).toBe('countdown d=5: 4 numbers from 1 to 9, + - *');
    expect(difficultyNote(ARITHMETIC)).toBeNull();
    expect(difficultyNote(mergeConfig(COUNTDOWN, { task: { difficulty: 9 } }))).toBeNull();
  });

  it('the countdown preset sets its task, corpus, GRPO and sampling knobs, and the panel accepts it', () => {
    const d = choosePreset('R1-Zero (Countdown)', ARITHMETIC);
    expect(d).toEqual(COUNTDOWN);
    expect(d.task).toMatchObject({ family: 'countdown', difficulty: 1 });
    expect(d.corpus).toMatchObject({ guess: 0.85, search: 0.15, searchWrong: 0 });
    expect(d.sampling.temperature).toBe(1);
    expect(d.grpo.heldOutSize).toBe(256);
    expect(matchingPreset(d)).toBe('R1-Zero (Countdown)');
    expect(trainConfigErrors(d)).toEqual([]);
    // it also turns R1's stages off (pipeline)
    expect(presetScope('R1-Zero (Countdown)')).toBe('task, GRPO, sampling, corpus and pipeline');
    expect(presetScope('DAPO')).toBe('GRPO');
  });

  it('every preset button leaves its own preset chosen (pressed), from any other preset', () => {
    for (const from of PRESET_NAMES) {
      for (const to of PRESET_NAMES) {
        const d = choosePreset(to, preset(from));
        expect(matchingPresets(d), `${from} -> ${to}`).toContain(to);
        expect(trainConfigErrors(d), `${from} -> ${to}`).toEqual([]);
      }
    }
    // the default is countdown with R1-Zero's objective: both buttons are pressed, the task preset named first
    expect(matchingPresets(DEFAULT_CONFIG)).toEqual(['R1-Zero (Countdown)', 'R1-Zero']);
    expect(matchingPreset(DEFAULT_CONFIG)).toBe('R1-Zero (Countdown)');
    expect(matchingPresets(ARITHMETIC)).toEqual(['R1-Zero (Arithmetic)', 'R1-Zero']);
  });

  it('an objective preset applies to the task at hand; a task preset switches the task', () => {
    const dapo = choosePreset('DAPO', ARITHMETIC);
    expect(dapo).toEqual(mergeConfig(ARITHMETIC, { grpo: { lossType: 'dapo', beta: 0, epsHigh: 0.28, dynamicSampling: true, overlongShaping: true } }));
    expect(matchingPresets(dapo)).toEqual(['DAPO']);
    expect(choosePreset('DAPO', COUNTDOWN)).toEqual(preset('DAPO'));
    // back to R1-Zero's objective: the task preset is whole again
    expect(matchingPresets(choosePreset('R1-Zero', dapo))).toEqual(['R1-Zero (Arithmetic)', 'R1-Zero']);
    // pressing a button that is already pressed changes nothing
    expect(choosePreset('R1-Zero', ARITHMETIC)).toEqual(ARITHMETIC);
    expect(choosePreset('R1-Zero (Arithmetic)', dapo).grpo.lossType).toBe('grpo');
    expect(choosePreset('R1-Zero (Countdown)', dapo)).toEqual(COUNTDOWN);
  });

  it('keeps what a preset does not set: the model, the seed, and a hand-made draft\'s task', () => {
    const mine = mergeConfig(QUICK_CONFIG, { seed: 5 });
    expect(choosePreset('R1-Zero (Countdown)', mine).model).toEqual(QUICK_CONFIG.model);
    expect(choosePreset('R1-Zero (Countdown)', mine).seed).toBe(5);
    // countdown with a held-out size of its own is no longer the countdown preset (only R1-Zero's GRPO knobs match): DAPO keeps it a countdown run
    const handMade = mergeConfig(preset('R1-Zero (Countdown)'), { grpo: { heldOutSize: 32 } });
    expect(matchingPreset(handMade)).toBe('R1-Zero');
    expect(choosePreset('DAPO', handMade).task.family).toBe('countdown');
  });
});
