import { describe, expect, it } from 'vitest';
import { expertsText, tokenExperts } from './playground';

describe('playground expert helpers', () => {
  // 2 tokens, L = 2, k = 2: token 0 -> L1 {1,3}, L2 {0,2}; token 1 -> L1 {2,0}, L2 {3,1}
  const x = { L: 2, k: 2, E: 4, idx: Uint8Array.of(1, 3, 0, 2, 2, 0, 3, 1) };
  it('picks token j\'s k experts of each layer', () => {
    expect(tokenExperts(x, 0)).toEqual([[1, 3], [0, 2]]);
    expect(tokenExperts(x, 1)).toEqual([[2, 0], [3, 1]]);
    expect(tokenExperts(x, 2)).toEqual([]);
    expect(tokenExperts(null, 0)).toEqual([]);
  });
  it('formats them per layer', () => {
    expect(expertsText([[2, 0], [3, 1]])).toBe('L1: e2 e0 · L2: e3 e1');
    expect(expertsText([])).toBe('');
  });
});
