import { describe, expect, it } from 'vitest';
import { overlayLines, withOverlays } from './overlay';

describe('overlay of stored runs', () => {
  const rows = [{ step: 0, total: 0.1 }, { step: 1, total: 0.2 }];
  const a = { id: 'a', name: 'A', color: '#f00', points: [{ step: 1, reward: 0.5, accuracy: 0.25 }, { step: 2, reward: 0.7, accuracy: 0.5 }] };
  it('joins each run by step, with rows for steps only an overlay has', () => {
    expect(withOverlays(rows, [a], 'reward')).toEqual([
      { step: 0, total: 0.1 }, { step: 1, total: 0.2, 'run:a': 0.5 }, { step: 2, 'run:a': 0.7 },
    ]);
    expect(withOverlays(rows, [a], 'accuracy')[2]).toEqual({ step: 2, 'run:a': 0.5 });
    expect(withOverlays(rows, [], 'reward')).toBe(rows);
    expect(rows[1]).toEqual({ step: 1, total: 0.2 }); // not mutated
  });
  it('draws each as a dashed line named after its run', () => {
    expect(overlayLines([a])).toEqual([{ key: 'run:a', label: 'A', color: '#f00', dashed: true }]);
  });
});
