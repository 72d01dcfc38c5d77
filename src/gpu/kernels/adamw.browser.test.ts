import { describe, expect, it } from 'vitest';
import { adamwUpdate as cpuAdamwUpdate, clipScale, gradNorm as cpuGradNorm, type AdamwHyper } from '../../cpu/adamw';
import { randn } from '../../cpu/gradcheck';
import { assertClose, testRuntime } from '../testing';
import { adamwUpdate, gradNorm } from './adamw';

describe('adamw kernels vs cpu/adamw.ts', () => {
  it('gradNorm is within 1e-5 relative of the f64 CPU norm and bit-identical on a rerun', async () => {
    const rt = await testRuntime();
    for (const n of [1, 1000, 2049, 100_003]) {
      const g = Float32Array.from(randn(n, n, 0.1));
      const grads = rt.alloc(n);
      const norm = rt.alloc(1);
      rt.write(grads, g);
      gradNorm(rt, norm, grads, n);
      const got = (await rt.read(norm))[0]!;
      gradNorm(rt, norm, grads, n);
      const again = (await rt.read(norm))[0]!;
      const ref = cpuGradNorm(g, n); // f64 sum in index order
      assertClose(`gradNorm n=${n}`, [got], [ref], 0, 1e-5);
      expect(again).toBe(got); // fixed-order reduction: same bits
    }
    // two norms enqueued before one submit share the partials scratch; each must keep its own value
    const ga = rt.alloc(5000);
    const gb = rt.alloc(3);
    const na = rt.alloc(1);
    const nb = rt.alloc(1);
    const ha = Float32Array.from(randn(5000, 77));
    rt.write(ga, ha);
    rt.write(gb, [1, 2, 2]);
    const before = rt.counters.submits;
    gradNorm(rt, na, ga, 5000);
    gradNorm(rt, nb, gb, 3);
    const ra = await rt.read(na);
    expect(rt.counters.submits - before).toBe(1);
    assertClose('gradNorm a (shared scratch)', ra, [cpuGradNorm(ha, 5000)], 0, 1e-5);
    expect((await rt.read(nb))[0]).toBe(3);
    // a known value: 3-4-5 (catches a missing sqrt or a half-summed tail)
    const t = rt.alloc(2);
    const nrm = rt.alloc(1);
    rt.write(t, [3, -4]);
    gradNorm(rt, nrm, t, 2);
    expect((await rt.read(nrm))[0]).toBe(5);
    expect(rt.errors).toEqual([]);
  });

  it('several adamw steps match the CPU: bias correction at steps 1-3, clip on/off, decay on/off', async () => {
    const rt = await testRuntime();
    const base: AdamwHyper = { step: 1, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClip: 0 };
    const cases: { label: string; h: Partial<AdamwHyper>; n: number }[] = [
      { label: 'plain', h: {}, n: 7 },
      { label: 'decay', h: { weightDecay: 0.1 }, n: 300 },
      { label: 'clip active', h: { gradClip: 0.5, weightDecay: 0.1 }, n: 1000 }, // norm ~ sqrt(1000) >> 0.5
      { label: 'clip inactive', h: { gradClip: 1e6 }, n: 257 },
    ];
    for (const [ci, c] of cases.entries()) {
      const n = c.n;
      const p = Float32Array.from(randn(n, 10 + ci));
      const m = new Float32Array(n);
      const v = new Float32Array(n);
      const gp = rt.alloc(n);
      const gg = rt.alloc(n);
      const gm = rt.alloc(n);
      const gv = rt.alloc(n);
      const gn = rt.alloc(1);
      rt.write(gp, p);
      for (let step = 1; step <= 3; step++) {
        const h = { ...base, ...c.h, step };
        const g = Float32Array.from(randn(n, 100 * ci + step));
        rt.write(gg, g);
        gradNorm(rt, gn, gg, n);
        adamwUpdate(rt, gp, gg, gm, gv, gn, n, h);
        const scale = clipScale(cpuGradNorm(g, n), h.gradClip);
        if (c.label === 'clip active') expect(scale).toBeLessThan(0.1);
        if (c.label === 'clip inactive') expect(scale).toBe(1);
        cpuAdamwUpdate(p, g, m, v, n, h, scale);
        // f32 kernel vs f64 arithmetic stored to f32: a few ulps; the norm's
        // 1e-6 relative error enters m and v linearly through the clip scale
        assertClose(`${c.label} step ${step} params`, await rt.read(gp), p, 1e-6, 1e-5);
        assertClose(`${c.label} step ${step} m`, await rt.read(gm), m, 1e-7, 1e-5);
        assertClose(`${c.label} step ${step} v`, await rt.read(gv), v, 1e-9, 1e-5);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('a non-zero skip flag leaves params, m and v bit-identical; a zero flag updates like no flag', async () => {
    const rt = await testRuntime();
    const n = 301;
    const h: AdamwHyper = { step: 2, lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
    const t = (a: Float32Array) => { const g = rt.alloc(a.length); rt.write(g, a); return g; };
    const p0 = Float32Array.from(randn(n, 1)), m0 = Float32Array.from(randn(n, 2, 0.1)), v0 = Float32Array.from(randn(n, 3, 0.1)).map(Math.abs);
    const g = t(Float32Array.from(randn(n, 4)));
    const norm = rt.alloc(1);
    gradNorm(rt, norm, g, n);
    const run = async (skip: number | null) => {
      const p = t(p0), m = t(m0), v = t(v0);
      adamwUpdate(rt, p, g, m, v, norm, n, h, skip === null ? null : t(Float32Array.of(skip)));
      return [await rt.read(p), await rt.read(m), await rt.read(v)].map((x) => Array.from(x));
    };
    expect(await run(1)).toEqual([p0, m0, v0].map((x) => Array.from(x)));
    const plain = await run(null);
    expect(plain[0]).not.toEqual(Array.from(p0));
    expect(await run(0)).toEqual(plain);
    expect(rt.errors).toEqual([]);
  });
});
