import { describe, expect, it } from 'vitest';
import { mergeConfig, preset } from '../../core/config';
import { STAGE_KINDS } from '../../train/stages';
import { chartMarkers, LIVE_STAGE_COLOR, markerLines, reachedStep, STAGE_WORDS } from './stages';
import { overlayColors } from './overlay';
import { armKey } from './bands';

const R1 = preset('R1 (four stages, Countdown)'); // cold start, then the rejection stage after 75 GRPO steps
const ZERO = preset('R1-Zero (Countdown)');
const QUICK_R1 = mergeConfig(R1, { pipeline: { coldStartSteps: 2, rl1Steps: 3 } });
const steps = (n: number) => Array.from({ length: n }, (_, step) => ({ step }));

describe('stage markers on the charts', () => {
  it('every stage kind has its words', () => {
    for (const k of STAGE_KINDS) expect(STAGE_WORDS[k], k).toBeTruthy();
  });

  it('the live run\'s stages, once reached, between the points before and after them', () => {
    expect(chartMarkers({ config: ZERO, reached: 500 })).toEqual([]);
    expect(chartMarkers({ config: R1, reached: -1 })).toEqual([]); // nothing yet: not even the cold start
    const early = chartMarkers({ config: R1, reached: 0 });
    expect(early.map((m) => [m.kind, m.step, m.x, m.label, m.color, m.dashed])).toEqual([['coldStart', 0, -0.5, 'cold start', LIVE_STAGE_COLOR, false]]);
    expect(early[0]!.title).toBe('cold start: 16 SFT steps on 256 search traces');
    expect(chartMarkers({ config: R1, reached: 74 }).map((m) => m.kind)).toEqual(['coldStart']);
    const both = chartMarkers({ config: R1, reached: 75 });
    expect(both.map((m) => [m.kind, m.x, m.label])).toEqual([['coldStart', -0.5, 'cold start'], ['rejection', 74.5, 'rejection SFT']]);
    expect(both[1]!.title).toBe('rejection sampling (512 prompts x 8, readable only) + 2 epochs of SFT');
  });

  it('a cold start and a distillation before step 0 share one line, labelled with both', () => {
    const both = mergeConfig(QUICK_R1, { pipeline: { teacher: 'teacher-countdown-grpo60' } });
    const ms = chartMarkers({ config: both, reached: 3 });
    expect(ms.map((m) => [m.kind, m.x])).toEqual([['coldStart', -0.5], ['distill', -0.5], ['rejection', 2.5]]);
    expect(markerLines(ms).map((m) => [m.label, m.kinds, m.x])).toEqual([['cold start + distilled', ['coldStart', 'distill'], -0.5], ['rejection SFT', ['rejection'], 2.5]]);
    const other = { id: 'run-x', name: 'x', config: both, metrics: steps(4) };
    expect(markerLines(chartMarkers({ config: ZERO, reached: 4 }, [other])).map((m) => m.label)).toEqual(['cold start + distilled (x)', 'rejection SFT (x)']);
  });

  it('reachedStep: the furthest of the metrics, evaluations and stage reports', () => {
    expect(reachedStep()).toBe(-1);
    expect(reachedStep([], [{ step: 0 }])).toBe(0);
    expect(reachedStep(steps(3), [{ step: 0 }, { step: 2 }])).toBe(2);
    expect(reachedStep(steps(2), [{ step: 0 }], [3])).toBe(3); // the rejection stage reported before step 3's rollouts
  });

  it('an overlaid run draws its own stages dashed in its colour, not those the live run already marks', () => {
    const other = { id: 'run-b', name: 'rl1Steps 2', config: mergeConfig(QUICK_R1, { pipeline: { rl1Steps: 2 } }), metrics: steps(4) };
    const same = { id: 'run-c', name: 'seed 2', config: mergeConfig(QUICK_R1, { seed: 2 }), metrics: steps(4) };
    const plain = { id: 'run-d', name: 'R1-Zero', config: ZERO, metrics: steps(4) };
    const noConfig = { id: 'run-e', name: 'arm', metrics: steps(4) };
    const overlays = [plain, other, same, noConfig];
    const ms = chartMarkers({ config: QUICK_R1, reached: 4 }, overlays);
    const colors = overlayColors(overlays.map((o) => o.id));
    expect(ms.map((m) => [m.key, m.x, m.label, m.color, m.dashed])).toEqual([
      ['live:coldStart:0', -0.5, 'cold start', LIVE_STAGE_COLOR, false],
      ['run-b:rejection:2', 1.5, 'rejection SFT (rl1Steps 2)', colors[1], true],
      ['live:rejection:3', 2.5, 'rejection SFT', LIVE_STAGE_COLOR, false],
    ]);
    // an overlaid run that has not reached its stage yet draws none
    expect(chartMarkers({ config: ZERO, reached: 4 }, [{ ...other, metrics: steps(1) }]).map((m) => m.key)).toEqual(['run-b:coldStart:0']);
  });

  it('an experiment arm of several seeds draws its stages once, in its band\'s colour', () => {
    const run = (id: string, seed: number, n: number) => ({ id, name: id, config: mergeConfig(QUICK_R1, { seed }), metrics: steps(n) });
    const arms = [{ label: 'R1-Zero', runs: [run('z1', 1, 5), run('z2', 2, 5)].map((r) => ({ ...r, config: ZERO })) }, { label: 'four stages', runs: [run('a', 1, 2), run('b', 2, 5)] }];
    const ms = chartMarkers({ config: ZERO, reached: 5 }, [], arms);
    const color = overlayColors(arms.map((a) => armKey(a.label)))[1];
    expect(ms.map((m) => [m.key, m.label, m.color])).toEqual([
      ['arm:four stages:coldStart:0', 'cold start (four stages)', color],
      ['arm:four stages:rejection:3', 'rejection SFT (four stages)', color],
    ]);
  });
});
