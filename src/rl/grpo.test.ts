import { describe, expect, it } from 'vitest';
import type { LossType } from '../core/config';
import { Rng } from '../core/rng';
import {
  dynamicSamplingFilter,
  groupAdvantages,
  grpoLoss,
  grpoTokenStats,
  rewardStats,
  sampleStd,
  type GrpoLossConfig,
} from './grpo';

const LOSS_TYPES: LossType[] = ['grpo', 'dapo', 'dr_grpo', 'bnpo'];
const close = (got: ArrayLike<number>, want: number[], digits = 12) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]!).toBeCloseTo(w, digits));
};
const cfgOf = (lossType: LossType, extra: Partial<GrpoLossConfig> = {}): GrpoLossConfig => ({
  lossType, beta: 0, epsLow: 0.2, epsHigh: 0.28, maxCompletionLength: 4, ...extra,
});

describe('groupAdvantages', () => {
  // Group [1,0,0,0]: mean 0.25, deviations [0.75,-0.25,-0.25,-0.25],
  // squares sum 0.5625 + 3*0.0625 = 0.75, sample variance 0.75/3 = 0.25, std 0.5.
  it("'group' divides by the group's sample std (n-1, as torch.std in TRL)", () => {
    close(groupAdvantages([1, 0, 0, 0], 4, 'group', 0), [1.5, -0.5, -0.5, -0.5]);
    close(groupAdvantages([1, 0, 0, 0], 4, 'group', 1e-4), [0.75 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001]);
    // G=2, [3,1]: sample std sqrt(((1)^2+(1)^2)/1) = sqrt 2; a population std (1) would give ±1.
    close(groupAdvantages([3, 1], 2, 'group', 0), [1 / Math.SQRT2, -1 / Math.SQRT2]);
  });

  it('zero-std groups give exactly 0, never NaN, even with eps = 0 and inexact means', () => {
    const a = groupAdvantages([1, 0, 0, 0, 0.1, 0.1, 0.1, 0.1], 4, 'group', 0);
    expect(Array.from(a)).toEqual([1.5, -0.5, -0.5, -0.5, 0, 0, 0, 0]);
    expect(Array.from(groupAdvantages([0.1, 0.1, 0.1], 3, 'none', 0))).toEqual([0, 0, 0]);
  });

  it("'batch' subtracts the group mean but divides by the sample std of the whole batch", () => {
    // rewards [1,0,0,0, 1,1,1,1]: batch mean 5/8, squares 5*(3/8)^2 + 3*(5/8)^2 = 15/8,
    // sample variance (15/8)/7 = 15/56.
    const s = Math.sqrt(15 / 56);
    expect(sampleStd([1, 0, 0, 0, 1, 1, 1, 1])).toBeCloseTo(s, 15);
    close(groupAdvantages([1, 0, 0, 0, 1, 1, 1, 1], 4, 'batch', 0), [0.75 / s, -0.25 / s, -0.25 / s, -0.25 / s, 0, 0, 0, 0]);
  });

  it("'none' only subtracts the group mean (Dr. GRPO)", () => {
    close(groupAdvantages([1, 0, 0, 0, 2, 0, 1, 1], 4, 'none', 1e-4), [0.75, -0.25, -0.25, -0.25, 1, -1, 0, 0]);
  });

  it('rejects a batch that does not split into groups', () => {
    expect(() => groupAdvantages([1, 2, 3], 2, 'group', 0)).toThrow(/groups of 2/);
  });
});

describe('dynamic sampling and reward stats', () => {
  it('keeps groups with reward spread and always reports fracRewardZeroStd', () => {
    // groups: [1,0] spread, [1,1] equal, [0,0] equal, [0.5,0.25] spread.
    const r = [1, 0, 1, 1, 0, 0, 0.5, 0.25];
    expect(dynamicSamplingFilter(r, 2)).toEqual({ keep: [0, 3], fracRewardZeroStd: 0.5 });
    const s = rewardStats(r, 2);
    expect(s.reward).toBeCloseTo(3.75 / 8, 15);
    // group sample stds: |1-0|/sqrt2, 0, 0, 0.25/sqrt2 -> mean 1.25/sqrt2/4
    expect(s.rewardStd).toBeCloseTo(1.25 / Math.SQRT2 / 4, 15);
    expect(s.fracRewardZeroStd).toBe(0.5);
  });
});

describe('grpoLoss aggregations, on-policy (rho = 1), beta = 0', () => {
  // N=2, Tc=3; seq0 has 2 tokens with A=2, seq1 has 1 token with A=-1.
  // Per-token loss is -rho*A = -A: seq0 tokens -2, seq1 token +1; sum -3, 3 tokens.
  const logp = [-1, -2, 0, -0.5, 0, 0];
  const mask = [1, 1, 0, 1, 0, 0];
  const adv = [2, -1];
  const cases: [LossType, number, number[]][] = [
    // grpo: mean(-2,-2) = -2, mean(1) = 1, over 2 sequences: -0.5. dLogp = w*(-A), w = 1/(2*n_i).
    ['grpo', -0.5, [-0.5, -0.5, 0, 0.5, 0, 0]],
    // dapo/bnpo: -3/3 = -1, w = 1/3.
    ['dapo', -1, [-2 / 3, -2 / 3, 0, 1 / 3, 0, 0]],
    ['bnpo', -1, [-2 / 3, -2 / 3, 0, 1 / 3, 0, 0]],
    // dr_grpo: -3/(N * Lmax) = -3/8, w = 1/8.
    ['dr_grpo', -0.375, [-0.25, -0.25, 0, 0.125, 0, 0]],
  ];
  for (const [lossType, want, dWant] of cases) {
    it(`${lossType}: loss ${want}`, () => {
      const d = new Float64Array(6).fill(99); // padding must be overwritten with 0
      const r = grpoLoss(d, logp, logp, null, adv, mask, 2, 3, cfgOf(lossType));
      expect(r.loss).toBeCloseTo(want, 14);
      expect(r.policyLoss).toBeCloseTo(want, 14);
      close(d, dWant, 14);
      expect(r).toMatchObject({ meanRatio: 1, clipRatioLow: 0, clipRatioHigh: 0, clipRatioRegion: 0, kl: 0, tokens: 3 });
    });
  }

  it('dapo with a larger tokenNormalizer (the whole batch has 6 tokens): -3/6', () => {
    expect(grpoLoss(null, logp, logp, null, adv, mask, 2, 3, cfgOf('dapo', { tokenNormalizer: 6 })).loss).toBeCloseTo(-0.5, 14);
  });
});

describe('grpoLoss length handling: truncated (all-masked-in) vs short (mostly padded)', () => {
  // Tc=4: seq0 truncated (4 tokens), seq1 one token then padding; A = 1 on both, per-token loss -1.
  const logp = [-1, -1, -1, -1, -1, 0, 0, 0];
  const mask = [1, 1, 1, 1, 1, 0, 0, 0];
  it('grpo weights each sequence equally, so the short one\'s token weighs 4x', () => {
    const d = new Float64Array(8);
    const r = grpoLoss(d, logp, logp, null, [1, 1], mask, 2, 4, cfgOf('grpo'));
    expect(r.loss).toBeCloseTo(-1, 14); // (-4/4 + -1/1)/2
    close(d, [-0.125, -0.125, -0.125, -0.125, -0.5, 0, 0, 0], 14); // 1/(2*4), 1/(2*1)
  });
  it('dapo weighs every token 1/5; dr_grpo every token 1/(2*4)', () => {
    const d = new Float64Array(8);
    expect(grpoLoss(d, logp, logp, null, [1, 1], mask, 2, 4, cfgOf('dapo')).loss).toBeCloseTo(-1, 14);
    close(d, [-0.2, -0.2, -0.2, -0.2, -0.2, 0, 0, 0], 14);
    expect(grpoLoss(d, logp, logp, null, [1, 1], mask, 2, 4, cfgOf('dr_grpo')).loss).toBeCloseTo(-0.625, 14); // -5/8
    close(d, [-0.125, -0.125, -0.125, -0.125, -0.125, 0, 0, 0], 14);
  });
  it('an all-padding sequence adds 0 but still counts in grpo\'s mean over sequences', () => {
    const r = grpoLoss(null, logp, logp, null, [1, 1], [1, 1, 0, 0, 0, 0, 0, 0], 2, 4, cfgOf('grpo'));
    expect(r.loss).toBeCloseTo(-0.5, 14); // (mean(-1,-1) + 0) / 2
    expect(r.tokens).toBe(2);
  });
});

describe('grpoLoss clip branches (epsLow 0.2, epsHigh 0.28), bnpo over 4 one-token sequences', () => {
  // seq0 A=+1 rho=1.5: clipped high, surr = min(1.5, 1.28) = 1.28, gradient 0
  // seq1 A=+1 rho=0.5: unclipped, surr = min(0.5, 0.8) = 0.5, dl = -rho*A = -0.5
  // seq2 A=-1 rho=0.5: clipped low, surr = min(-0.5, -0.8) = -0.8, gradient 0
  // seq3 A=-1 rho=1.5: unclipped, surr = min(-1.5, -1.28) = -1.5, dl = +1.5
  // loss = -(1.28 + 0.5 - 0.8 - 1.5)/4 = 0.52/4 = 0.13
  const old = [0, 0, 0, 0];
  const logp = [Math.log(1.5), Math.log(0.5), Math.log(0.5), Math.log(1.5)];
  it('takes the clipped branch exactly when TRL counts a token as clipped', () => {
    const d = new Float64Array(4);
    const r = grpoLoss(d, logp, old, null, [1, 1, -1, -1], [1, 1, 1, 1], 4, 1, cfgOf('bnpo'));
    expect(r.loss).toBeCloseTo(0.13, 14);
    close(d, [0, -0.125, 0, 0.375], 14); // [0, -0.5/4, 0, 1.5/4]
    expect(r).toMatchObject({ clipRatioLow: 0.25, clipRatioHigh: 0.25, clipRatioRegion: 0.5 });
    expect(r.meanRatio).toBeCloseTo(1, 14); // (1.5+0.5+0.5+1.5)/4
  });

  it('on a clip boundary takes the unclipped gradient (eps = 0, rho = 1 exactly)', () => {
    const d = new Float64Array(2);
    const r = grpoLoss(d, [0, 0], [0, 0], null, [1, -1], [1, 1], 2, 1, cfgOf('bnpo', { epsLow: 0, epsHigh: 0 }));
    close(d, [-0.5, 0.5], 15); // -rho*A/2
    expect(r.clipRatioRegion).toBe(0);
    expect(r.loss).toBe(0); // -(1 - 1)/2
  });

  it('grpoTokenStats marks the same tokens and ratios for the inspector', () => {
    const ratio = new Float64Array(4);
    const clip = new Int8Array(4);
    grpoTokenStats(ratio, null, clip, logp, old, null, [1, 1, -1, -1], [1, 1, 1, 1], 4, 1, 0.2, 0.28);
    expect(Array.from(clip)).toEqual([1, 0, -1, 0]);
    close(ratio, [1.5, 0.5, 0.5, 1.5], 14);
  });
});

describe('grpoLoss KL term', () => {
  // One token, A = 0, logp = -1, ref = -1.5: d = ref - logp = -0.5,
  // kl = e^-0.5 - (-0.5) - 1 = 0.10653065971263342, dkl/dlogp = 1 - e^-0.5 = 0.3934693402873666.
  const kl = Math.exp(-0.5) - 0.5;
  it('beta = 0.1 adds 0.1*kl to the loss and 0.1*(1 - e^d) to the gradient', () => {
    const d = new Float64Array(1);
    const r = grpoLoss(d, [-1], [-1], [-1.5], [0], [1], 1, 1, cfgOf('grpo', { beta: 0.1 }));
    expect(r.kl).toBeCloseTo(0.10653065971263342, 15);
    expect(r.loss).toBeCloseTo(0.1 * kl, 15);
    expect(Math.abs(r.policyLoss)).toBe(0); // -min(0, 0)
    expect(d[0]!).toBeCloseTo(0.1 * (1 - Math.exp(-0.5)), 15);
  });
  it('beta = 0 still reports kl when a reference is given but leaves loss and gradient alone', () => {
    const d = new Float64Array(1);
    const r = grpoLoss(d, [-1], [-1], [-1.5], [0], [1], 1, 1, cfgOf('grpo'));
    expect(r.kl).toBeCloseTo(kl, 15);
    expect(r.loss).toBe(0);
    expect(Math.abs(d[0]!)).toBe(0);
  });
  it('beta > 0 without a reference is an error', () => {
    expect(() => grpoLoss(null, [-1], [-1], null, [0], [1], 1, 1, cfgOf('grpo', { beta: 0.1 }))).toThrow(/needs logpRef/);
  });
});

// Independent reference: the per-token loss matrix, then TRL's aggregation lines, in plain numbers.
function referenceLoss(logp: number[], old: number[], ref: number[], adv: number[], mask: number[], N: number, Tc: number, c: GrpoLossConfig): number {
  const L: number[][] = [];
  for (let i = 0; i < N; i++) {
    L.push([]);
    for (let t = 0; t < Tc; t++) {
      const k = i * Tc + t;
      const rho = Math.exp(logp[k]! - old[k]!);
      const rhoC = Math.min(Math.max(rho, 1 - c.epsLow), 1 + c.epsHigh);
      const d = ref[k]! - logp[k]!;
      L[i]!.push(-Math.min(rho * adv[i]!, rhoC * adv[i]!) + c.beta * (Math.exp(d) - d - 1));
    }
  }
  const seqSum = L.map((row, i) => row.reduce((s, l, t) => s + l * mask[i * Tc + t]!, 0));
  const seqLen = L.map((_, i) => mask.slice(i * Tc, (i + 1) * Tc).reduce((a, b) => a + b, 0));
  const total = seqSum.reduce((a, b) => a + b, 0);
  const tokens = seqLen.reduce((a, b) => a + b, 0);
  if (c.lossType === 'grpo') return seqSum.reduce((s, x, i) => s + x / Math.max(1, seqLen[i]!), 0) / N;
  if (c.lossType === 'dr_grpo') return total / (N * c.maxCompletionLength);
  return total / Math.max(1, tokens);
}

describe('grpoLoss on random inputs: reference value and finite-difference gradient', () => {
  const N = 6;
  const Tc = 7;
  const rng = new Rng(7, 99);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.float();
  const epsLow = 0.2;
  const epsHigh = 0.28;
  const logp: number[] = [], old: number[] = [], ref: number[] = [], mask: number[] = [];
  for (let i = 0; i < N; i++) {
    const len = i === 0 ? Tc : i === 1 ? 0 : 1 + rng.int(Tc); // one truncated, one empty
    for (let t = 0; t < Tc; t++) {
      const lp = u(-3, -0.05);
      let o: number;
      // Keep every rho at least 1e-3 away from 1-epsLow and 1+epsHigh: the loss has kinks there.
      do o = lp + u(-0.4, 0.4);
      while (Math.abs(Math.exp(lp - o) - (1 - epsLow)) < 1e-3 || Math.abs(Math.exp(lp - o) - (1 + epsHigh)) < 1e-3);
      logp.push(lp); old.push(o); ref.push(lp + u(-0.5, 0.5)); mask.push(t < len ? 1 : 0);
    }
  }
  const adv = Array.from({ length: N }, () => u(-2, 2));
  const h = 1e-6;
  // Central differences: truncation ~h^2 * |l'''| ~ 1e-12, round-off ~1e-16/h ~ 1e-10 on O(1) losses.
  const TOL = 1e-8;
  let worst = 0;

  for (const lossType of LOSS_TYPES) {
    for (const beta of [0, 0.04]) {
      it(`${lossType}, beta ${beta}: matches the reference loss and |dLogp - FD| < ${TOL}`, () => {
        const c = cfgOf(lossType, { beta, epsLow, epsHigh, maxCompletionLength: Tc });
        const d = new Float64Array(N * Tc);
        const r = grpoLoss(d, logp, old, ref, adv, mask, N, Tc, c);
        expect(r.loss).toBeCloseTo(referenceLoss(logp, old, ref, adv, mask, N, Tc, c), 13);
        expect(r.clipRatioRegion).toBeGreaterThan(0); // the draw exercises clipped tokens too
        expect(r.clipRatioRegion).toBeLessThan(1);
        let err = 0;
        for (let k = 0; k < N * Tc; k++) {
          const lp = logp.slice();
          lp[k] = logp[k]! + h;
          const up = grpoLoss(null, lp, old, ref, adv, mask, N, Tc, c).loss;
          lp[k] = logp[k]! - h;
          const down = grpoLoss(null, lp, old, ref, adv, mask, N, Tc, c).loss;
          err = Math.max(err, Math.abs((up - down) / (2 * h) - d[k]!));
        }
        worst = Math.max(worst, err);
        console.log(`grpoLoss FD check ${lossType} beta=${beta}: max |dLogp - FD| = ${err.toExponential(2)} (worst so far ${worst.toExponential(2)})`);
        expect(err).toBeLessThan(TOL);
      });
    }
  }

  it('a Float32Array dLogp receives the same gradient rounded to f32', () => {
    const c = cfgOf('dapo', { beta: 0.04, epsLow, epsHigh, maxCompletionLength: Tc });
    const d64 = new Float64Array(N * Tc);
    const d32 = new Float32Array(N * Tc);
    grpoLoss(d64, logp, old, ref, adv, mask, N, Tc, c);
    grpoLoss(d32, Float32Array.from(logp), Float32Array.from(old), Float32Array.from(ref), adv, mask, N, Tc, c);
    d64.forEach((v, k) => expect(Math.abs(d32[k]! - v)).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
  });
});
