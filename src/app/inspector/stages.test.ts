import { describe, expect, it } from 'vitest';
import { mergeConfig, preset } from '../../core/config';
import { STAGE_KINDS, type StageReport, type StageTrace } from '../../train/stages';
import { countRows, examplesByOutcome, promptText, sftLossText, STAGE_TITLES, stageViews } from './stages';

const R1 = mergeConfig(preset('R1 (four stages, Countdown)'), { pipeline: { coldStartSteps: 2, rl1Steps: 3 } });
const trace = (reason: StageTrace['reason'], completion = 'x'): StageTrace => ({ prompt: '3;5;7=5', completion, tokens: 4, waits: 0, reason });
const rejection = (): StageReport => ({
  kind: 'rejection', step: 3,
  rejection: { k: 4, prompts: 5, sampled: 20, kept: 6, promptsCovered: 4, dropped: { format: 3, wrong: 8, waits: 0, unreadable: 3 }, readable: true, temperature: 1, keptMeanLength: 20, keptReflection: 0.5 },
  examples: [trace(null, 'a'), trace(null, 'b'), trace('wrong', 'c'), trace('format', 'd'), trace('wrong', 'e')],
  sft: { examples: 6, steps: 2, lr: 5e-4, rows: 6, loss: [0.61234, 0.4], heldOutLoss: null },
  seconds: { sampling: 1, sft: 0.5 },
});

describe('the stage inspector', () => {
  it('every stage kind has its title', () => {
    for (const k of STAGE_KINDS) expect(STAGE_TITLES[k], k).toBeTruthy();
  });

  it('lists the config\'s stages: reported, not reached yet, or past but without a report (a resumed run)', () => {
    const cold: StageReport = { ...rejection(), kind: 'coldStart', step: 0, rejection: null };
    expect(stageViews(preset('R1-Zero (Countdown)'), [cold], 10)).toEqual([]);
    expect(stageViews(R1, [], -1).map((v) => [v.marker.kind, v.state])).toEqual([['coldStart', 'pending'], ['rejection', 'pending']]);
    expect(stageViews(R1, [cold], 0).map((v) => [v.marker.kind, v.state])).toEqual([['coldStart', 'done'], ['rejection', 'pending']]);
    expect(stageViews(R1, [cold, rejection()], 3).map((v) => [v.marker.kind, v.state, v.report?.step])).toEqual([['coldStart', 'done', 0], ['rejection', 'done', 3]]);
    expect(stageViews(R1, [], 7).map((v) => v.state)).toEqual(['unreported', 'unreported']);
    // another config's report (a rejection stage at step 5) is not this run's
    expect(stageViews(R1, [{ ...rejection(), step: 5 }], 4).map((v) => v.state)).toEqual(['unreported', 'unreported']);
  });

  it('counts kept and dropped by reason, as shares of the samples, summing to them', () => {
    const rows = countRows(rejection().rejection!);
    expect(rows.map((r) => [r.outcome, r.n, r.share])).toEqual([['kept', 6, 0.3], ['format', 3, 0.15], ['wrong', 8, 0.4], ['waits', 0, 0], ['unreadable', 3, 0.15]]);
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(20);
    expect(rows[0]!.label).toBe('kept: right and well-formed, and readable');
  });

  it('groups the examples by outcome, kept first, reasons in the filter\'s order', () => {
    expect(examplesByOutcome(rejection().examples).map((g) => [g.outcome, g.traces.map((t) => t.completion)])).toEqual([
      ['kept', ['a', 'b']], ['format', ['d']], ['wrong', ['c', 'e']],
    ]);
  });

  it('shows a prompt without its <bos>', () => {
    expect(promptText('<bos>6;6;7=19')).toBe('6;6;7=19');
    expect(promptText('6;6;7=19')).toBe('6;6;7=19');
  });

  it('says the SFT loss from first to last step, or that none was taken', () => {
    expect(sftLossText(rejection().sft)).toBe('SFT loss 0.612 → 0.400 over 2 steps (6 examples, 6 rows, lr 0.0005)');
    expect(sftLossText({ examples: 0, steps: 0, lr: 5e-4, rows: 0, loss: [], heldOutLoss: null })).toBe('no SFT step taken (0 examples, 0 rows, lr 0.0005)');
    expect(sftLossText({ ...rejection().sft, heldOutLoss: 0.3 })).toContain('; held-out corpus loss 0.300');
  });
});
