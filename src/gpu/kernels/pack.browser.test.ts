import { describe, expect, it } from 'vitest';
import { checkFinite as cpuCheckFinite, intToFloat as cpuIntToFloat } from '../../cpu/pack';
import { testRuntime } from '../testing';
import { checkFinite, intToFloat } from './pack';

describe('pack kernels vs cpu/pack.ts', () => {
  it('checkFinite sets the code on NaN, +Inf, -Inf anywhere (odd n), leaves finite inputs alone, and keeps the first code', async () => {
    const rt = await testRuntime();
    const cases: { x: number[]; at?: number }[] = [];
    for (const bad of [NaN, Infinity, -Infinity]) for (const at of [0, 300, 612]) cases.push({ x: Array.from({ length: 613 }, (_, i) => (i === at ? bad : i - 300.5)), at });
    cases.push({ x: [3.4e38, -3.4e38, 0, -0, 1e-45] }); // extremes that are finite
    for (const c of cases) {
      for (const start of [0, 5]) {
        const flag = rt.alloc(1), x = rt.alloc(c.x.length);
        rt.write(flag, [start]);
        rt.write(x, c.x);
        checkFinite(rt, flag, x, c.x.length, 9);
        const cf = Float32Array.of(start);
        cpuCheckFinite(cf, Float32Array.from(c.x), c.x.length, 9);
        const got = (await rt.read(flag))[0];
        expect(got).toBe(cf[0]);
        expect(got).toBe(start !== 0 ? start : c.at !== undefined ? 9 : 0);
      }
    }
    // only the first n count: a NaN past n is not seen
    const flag = rt.alloc(1), x = rt.alloc(4);
    rt.write(x, [1, 2, 3, NaN]);
    checkFinite(rt, flag, rt.view(x, 0, 3), 3, 1);
    expect((await rt.read(flag))[0]).toBe(0);
    expect(rt.errors).toEqual([]);
  });

  it('intToFloat copies ints by value at an odd length and an unaligned offset', async () => {
    const rt = await testRuntime();
    const n = 1001;
    const src = Int32Array.from({ length: n }, (_, i) => ((i * 7919) % 23) - 3);
    const ints = rt.alloc(n + 5, 'i32');
    rt.write(ints, [0, 0, 0, 0, 0, ...src]);
    const out = rt.alloc(n + 3);
    intToFloat(rt, rt.view(out, 3, n), rt.view(ints, 5, n), n);
    const want = new Float32Array(n);
    cpuIntToFloat(want, src, n);
    const got = await rt.read(out);
    expect(Array.from(got.subarray(3))).toEqual(Array.from(want));
    expect(Array.from(got.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(rt.errors).toEqual([]);
  });
});
