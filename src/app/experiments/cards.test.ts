import { describe, expect, it } from 'vitest';
import { preset, STUDENT_MODEL } from '../../core/config';
import { validateConfig } from '../../core/validate';
import { QUICK_CONFIG } from '../../train/quick';
import { stageMarkers } from '../../train/stages';
import { basesToTry } from '../trainer';
import { CARDS, cardById, durationWords, estimateSeconds, hasStages, planRuns } from './cards';
import { experimentFromSearch, experimentLink } from './link';
import { COUNTDOWN_ARMS, DISTILL, PIPELINE } from './measured';

describe('experiment cards', () => {
  it('the issue\'s cards exist, each with a question, what to watch, and a measured line or an honest "not measured"', () => {
    expect(CARDS.map((c) => c.id)).toEqual(['r1-countdown', 'ablation-guess', 'search-wrong', 'dr-grpo', 'temperature', 'kl-beta', 'format-reward', 'distill-student', 'r1-pipeline']);
    for (const c of CARDS) {
      expect(c.question, c.id).toMatch(/\?$/);
      expect(c.watch.length, c.id).toBeGreaterThan(20);
      expect(`${c.measured} ${c.question} ${c.watch}`, c.id).not.toMatch(/undefined|NaN/);
      if (c.status === 'measured') expect(c.source, c.id).toMatch(/^README/);
      else expect(c.measured, c.id).toMatch(/not measured|being measured|was not|Not measured/i);
    }
    expect(cardById('search-wrong')!.status).toBe('measured'); // README's arm (c)
  });

  it('measured cards quote the numbers measured.ts holds (which measured.test.ts reads back from README)', () => {
    const { a, b, d } = COUNTDOWN_ARMS;
    expect(cardById('r1-countdown')!.measured).toContain(`greedy accuracy ${a.from.greedy}% → ${a.to.greedy}%`);
    expect(cardById('r1-countdown')!.measured).toContain('3 seeds (1, 2, 3) × 150 steps');
    expect(cardById('ablation-guess')!.measured).toContain(`greedy ${b.from.greedy}% → ${b.to.greedy}%`);
    expect(cardById('search-wrong')!.measured).toContain(`greedy ${COUNTDOWN_ARMS.c.from.greedy}% → ${COUNTDOWN_ARMS.c.to.greedy}%`);
    expect(cardById('dr-grpo')!.measured).toContain(`wrong answers ${a.to.lengthWrong} (1/|o|) against ${d.to.lengthWrong} tokens`);
    expect(cardById('temperature')!.measured).toMatch(/^Not measured on countdown/);
    expect(cardById('temperature')!.measured).toContain('31.3% → 46.9%');
  });

  it('paired cards differ only in their knob; every planned config is valid', () => {
    const plan = planRuns(cardById('temperature')!, 'quick');
    expect(plan.map((p) => [p.arm, p.config.sampling.temperature, p.steps])).toEqual([['T = 1', 1, 2], ['T = 0.7', 0.7, 2]]);
    expect({ ...plan[0]!.config, sampling: null }).toEqual({ ...plan[1]!.config, sampling: null });
    expect(plan[0]!.config.model).toEqual(QUICK_CONFIG.model);
    expect(plan[0]!.config.grpo.evalEvery).toBe(2); // the quick variant is evaluated after its last step
    for (const c of CARDS) {
      for (const v of ['full', 'quick'] as const) {
        for (const p of planRuns(c, v, [1, 2, 3])) expect(validateConfig(p.config).errors, `${c.id} ${v} ${p.arm}`).toEqual([]);
      }
    }
  });

  it('Run 3 seeds plans every arm at each seed, arm by arm', () => {
    const plan = planRuns(cardById('dr-grpo')!, 'full', [1, 2, 3]);
    expect(plan.map((p) => [p.arm, p.config.seed, p.config.grpo.lossType, p.steps])).toEqual([
      ['grpo (1/|o|)', 1, 'grpo', 150], ['grpo (1/|o|)', 2, 'grpo', 150], ['grpo (1/|o|)', 3, 'grpo', 150],
      ['dr_grpo', 1, 'dr_grpo', 150], ['dr_grpo', 2, 'dr_grpo', 150], ['dr_grpo', 3, 'dr_grpo', 150],
    ]);
  });

  it('the countdown cards load README\'s bases: the preset\'s for arm (a), the guess-only one for the ablation', () => {
    const [searching, guess] = planRuns(cardById('ablation-guess')!, 'full');
    expect(searching!.config.corpus).toEqual(preset('R1-Zero (Countdown)').corpus);
    expect(basesToTry(searching!.config)[0]).toBe(COUNTDOWN_ARMS.a.base);
    expect(basesToTry(guess!.config)[0]).toBe(COUNTDOWN_ARMS.b.base);
    expect(basesToTry(planRuns(cardById('search-wrong')!, 'full')[0]!.config)[0]).toBe(COUNTDOWN_ARMS.c.base);
    // the quick variant changes no knob a base depends on
    expect(basesToTry(planRuns(cardById('ablation-guess')!, 'quick')[1]!.config)[0]).toBe(COUNTDOWN_ARMS.b.base);
  });

  it('the distillation card quotes README\'s distilled and GRPO\'d students and runs both arms from the student\'s base at equal samples', () => {
    const card = cardById('distill-student')!;
    const { distilled, grpoEqual, grpoLong } = DISTILL.rows;
    expect(card.measured).toContain(`reaches ${distilled.greedy[0].toFixed(1)}% [${distilled.greedy[1].toFixed(1)}, ${distilled.greedy[2].toFixed(1)}]`);
    expect(card.measured).toContain(`${grpoEqual.greedy[0].toFixed(1)}% [${grpoEqual.greedy[1].toFixed(1)}, ${grpoEqual.greedy[2].toFixed(1)}] at equal samples (64 steps)`);
    expect(card.measured).toContain(`${grpoLong.greedy[0].toFixed(1)}% [`);
    // README's distilled result (3 seeds) is drawn beside the runs, on held-out accuracy
    expect(card.references).toEqual([{ chart: 'heldout', y: distilled.greedy[0] / 100, label: `distilled student (README): ${distilled.greedy[0].toFixed(1)}%` }]);
    for (const c of CARDS) if (c.id !== 'distill-student') expect(c.references, c.id).toBeUndefined();
    for (const v of ['full', 'quick'] as const) {
      const [dist, grpo] = planRuns(card, v);
      for (const p of [dist!, grpo!]) {
        expect(p.config.model).toEqual({ ...preset('R1-Zero (Countdown)').model, ...STUDENT_MODEL });
        expect(basesToTry(p.config)[0]).toBe('student-countdown-dense.safetensors');
      }
      expect(dist!.steps).toBe(0); // evaluated as distilled, at step 0
      expect(stageMarkers(dist!.config).map((m) => m.kind)).toEqual(['distill']);
      expect(stageMarkers(grpo!.config)).toEqual([]);
      // equal samples: the teacher's prompts × samples against GRPO's steps × B × G
      const teacherSamples = dist!.config.pipeline.rejectionPrompts * dist!.config.pipeline.rejectionSamples;
      expect(teacherSamples).toBe(grpo!.steps * grpo!.config.grpo.batchPrompts * grpo!.config.grpo.groupSize);
    }
    const [fullDistilled, fullGrpo] = planRuns(card, 'full');
    expect(fullDistilled!.config.pipeline).toEqual(preset('Distilled student (Countdown)').pipeline);
    expect(fullDistilled!.config.pipeline.rejectionPrompts * fullDistilled!.config.pipeline.rejectionSamples).toBe(DISTILL.teacherSamples);
    expect(fullGrpo!.steps).toBe(DISTILL.equalSteps);
    // 64 GRPO steps × README's 0.6 s per student step (the distillation is a stage: not in the estimate)
    expect(estimateSeconds(card, 'full')).toBeCloseTo(64 * 0.6, 6);
    expect(hasStages(card, 'full')).toBe(true);
  });

  it('R1-Zero against the four stages: the same base and task, the second arm with the preset\'s stages; the quick one with every stage a few steps', () => {
    const card = cardById('r1-pipeline')!;
    expect(card.status).toBe('measured');
    const rows = PIPELINE.rows;
    expect(card.measured).toContain('greedy 56.1% [51.2, 61.0] (R1-Zero) against 57.4% [48.2, 66.7] (four stages)');
    expect(card.measured).toContain(`the four stages end at ${rows.four.readable[0].toFixed(1)}% [${rows.four.readable[1].toFixed(1)}, ${rows.four.readable[2].toFixed(1)}]`);
    expect(card.measured).toContain(`to ${rows.zero.readable[0].toFixed(1)}% [`);
    expect(card.source).toBe('README, "The four-stage recipe, measured"');
    const [zero, four] = planRuns(card, 'full');
    expect(stageMarkers(zero!.config)).toEqual([]);
    expect(four!.config.pipeline).toEqual(preset('R1 (four stages, Countdown)').pipeline);
    expect(stageMarkers(four!.config).map((m) => [m.kind, m.step])).toEqual([['coldStart', 0], ['rejection', 75]]);
    expect(four!.steps).toBe(150);
    // the arms differ in the stages and the consistency reward only; both load the preset's base
    expect({ ...four!.config, pipeline: null, grpo: { ...four!.config.grpo, consistencyWeight: 0 } }).toEqual({ ...zero!.config, pipeline: null });
    expect(basesToTry(four!.config)[0]).toBe(COUNTDOWN_ARMS.a.base);
    const [qz, qf] = planRuns(card, 'quick');
    expect(stageMarkers(qz!.config)).toEqual([]);
    expect(stageMarkers(qf!.config).map((m) => [m.kind, m.step])).toEqual([['coldStart', 0], ['rejection', 2]]);
    expect(qf!.config.pipeline).toMatchObject({ coldStartSteps: 2, coldStartTraces: 8, rejectionPrompts: 4, rejectionSamples: 4, rejectionSftEpochs: 1 });
    expect(qf!.steps).toBeGreaterThan(qf!.config.pipeline.rl1Steps); // GRPO goes on after the rejection stage
    expect(qf!.config.grpo.evalEvery).toBe(qf!.steps); // evaluated after the last step
    expect(basesToTry(qf!.config)[0]).toBe(COUNTDOWN_ARMS.a.base);
    // the panel says the stages' time is not in the estimate, on this card only
    expect(CARDS.filter((c) => hasStages(c, 'quick') || hasStages(c, 'full')).map((c) => c.id)).toEqual(['distill-student', 'r1-pipeline']);
  });

  it('an arm may take its own number of GRPO steps (0: its stages and the step-0 evaluation only); the estimate sums them', () => {
    const base = cardById('dr-grpo')!;
    const card = { ...base, arms: [{ ...base.arms[0]!, steps: 0 }, base.arms[1]!] };
    expect(planRuns(card, 'full').map((p) => p.steps)).toEqual([0, 150]);
    expect(estimateSeconds(card, 'full')).toBeCloseTo(150 * 4.5, 6);
    expect(estimateSeconds(card, 'full', 3)).toBeCloseTo(3 * 150 * 4.5, 6);
  });

  it('estimates run times from README\'s seconds per step', () => {
    // 2 arms × 150 steps × 4.5 s = 1350 s
    expect(estimateSeconds(cardById('dr-grpo')!, 'full')).toBeCloseTo(1350, 6);
    expect(durationWords(1350)).toBe('about 23 min');
    // 2 arms × 2 steps × 0.43 s
    expect(estimateSeconds(cardById('temperature')!, 'quick')).toBeCloseTo(1.72, 6);
    expect(estimateSeconds(cardById('r1-countdown')!, 'full', 3)).toBeCloseTo(3 * 150 * 4.5, 6);
    expect(durationWords(40)).toBe('about 40 s');
  });
});

describe('experiment links', () => {
  const ids = CARDS.map((c) => c.id);
  it('round-trip: a card\'s link names it, other query parameters kept, the run link in the hash dropped', () => {
    const link = experimentLink('http://x.test/app/?config=quick#r1.abc', 'dr-grpo');
    expect(link).toBe('http://x.test/app/?config=quick&experiment=dr-grpo');
    expect(experimentFromSearch(new URL(link).search, ids).card!.id).toBe('dr-grpo');
  });

  it('no parameter: nothing; an unknown id: a message naming the known ones', () => {
    expect(experimentFromSearch('?config=quick', ids)).toEqual({ card: null, error: null });
    const bad = experimentFromSearch('?experiment=nope', ids);
    expect(bad.card).toBeNull();
    expect(bad.error).toMatch(/"nope" is not an experiment; known: r1-countdown, ablation-guess/);
  });
});
