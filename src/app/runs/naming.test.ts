import { describe, expect, it } from 'vitest';
import { mergeConfig, preset } from '../../core/config';
import { QUICK_CONFIG } from '../../train/quick';
import { overlayNames, runNames } from './naming';

// issue 18's two runs: quick, and quick with lossType dr_grpo and β 0.04
const A = { id: 'a', config: QUICK_CONFIG, created: Date.UTC(2026, 11, 2, 12, 51, 38) };
const B = { id: 'b', config: mergeConfig(QUICK_CONFIG, { grpo: { lossType: 'dr_grpo', beta: 0.04 } }), created: Date.UTC(2026, 11, 2, 12, 55, 0) };

describe('run names', () => {
  it('beside the live run, a run is named by what differs from it; the live run by its starting point', () => {
    const [a, b] = runNames([A, B], B.config, 'b');
    expect(a).toEqual({ name: 'β=0, lossType=grpo', detail: 'β=0 (was 0.04)\nlossType=grpo (was dr_grpo)' });
    expect(b!.name).toBe('quick · β=0.04, lossType=dr_grpo');
    // the other way round
    expect(runNames([A, B], A.config, 'a').map((n) => n.name)).toEqual(['quick', 'β=0.04, lossType=dr_grpo']);
  });

  it('with no live run, every run is named from its closest preset or the quick config', () => {
    const dapo = { id: 'c', config: mergeConfig(preset('DAPO'), { seed: 3 }), created: 0 };
    expect(runNames([A, B, dapo], null, null).map((n) => n.name)).toEqual(['quick', 'quick · β=0.04, lossType=dr_grpo', 'DAPO · seed=3']);
  });

  it('a renamed run keeps its name everywhere', () => {
    expect(runNames([{ ...B, label: 'my dr_grpo' }], QUICK_CONFIG, null)[0]).toEqual({ name: 'my dr_grpo', detail: '' });
    expect(overlayNames([{ ...B, label: 'my dr_grpo' }], QUICK_CONFIG)).toEqual(['my dr_grpo']);
  });

  it('legend names are unique: equal configs are told apart by their start time', () => {
    const again = { ...A, id: 'a2', created: A.created + 60_000 };
    const names = overlayNames([A, again, B], QUICK_CONFIG);
    expect(names[0]).toMatch(/^same config \(\d\d:\d\d:38\)$/);
    expect(names[1]).toMatch(/^same config \(\d\d:\d\d:38\)$/);
    expect(names[0]).not.toBe(names[1]);
    expect(names[2]).toBe('β=0.04, lossType=dr_grpo');
  });
});
