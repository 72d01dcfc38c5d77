// GRPO math of DESIGN §5 as pure functions over flat arrays: group-relative
// advantages, the clipped surrogate with a k3 KL penalty, the four loss
// aggregations, the gradient the model backward consumes, and DAPO's
// dynamic-sampling filter. Conventions follow TRL's GRPOTrainer where it has one.
//
// Dimensions:
//   B  prompts per step
//   G  completions per prompt (the group)
//   N  = B*G completions, flattened group by group: completion i is in group floor(i/G)
//   Tc completion positions per sequence (padded); mask is 1 on generated tokens
//      (the <eos> included), 0 on padding. A truncated completion has all Tc in.

import type { LossType, ScaleRewards } from '../core/config';

export type Vec = ArrayLike<number>;
type OutVec = Float32Array | Float64Array;

// Rewards are sums of a few weighted 0/1 terms, but the overlong term is a
// fraction, so "all equal" allows round-off rather than demanding ===.
const EQUAL_TOL = 1e-9;

function checkGroups(N: number, G: number, what: string): void {
  if (!(G >= 1) || !Number.isInteger(G) || N % G !== 0) throw new Error(`${what}: ${N} rewards do not split into groups of ${G}`);
}

/** True when rewards[start .. start+n) are all equal (such a group carries no learning signal). */
export function isConstant(rewards: Vec, start: number, n: number): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = start; j < start + n; j++) {
    lo = Math.min(lo, rewards[j]!);
    hi = Math.max(hi, rewards[j]!);
  }
  return hi - lo <= EQUAL_TOL * Math.max(1, Math.abs(hi));
}

export function mean(x: Vec, start = 0, n = x.length - start): number {
  let s = 0;
  for (let j = start; j < start + n; j++) s += x[j]!;
  return n > 0 ? s / n : 0;
}

/**
 * Sample (unbiased, n-1) standard deviation, as torch.std and hence TRL use;
 * 0 for fewer than two values (TRL's convention for groups of one).
 */
export function sampleStd(x: Vec, start = 0, n = x.length - start): number {
  if (n < 2) return 0;
  const m = mean(x, start, n);
  let s = 0;
  for (let j = start; j < start + n; j++) s += (x[j]! - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

/**
 * Advantages, rewards is (N,), returns (N,):
 *   A_i = (r_i - mean(group of i)) / D
 * with D = sampleStd(group) + eps for 'group' (GRPO), sampleStd(all N) + eps
 * for 'batch', and 1 for 'none' (Dr. GRPO). The group mean is subtracted in
 * every mode, as in TRL. A group whose rewards are all equal gets A = 0 for
 * every member exactly (its mean subtraction would otherwise leave round-off).
 * TRL uses eps = 1e-4.
 */
export function groupAdvantages(rewards: Vec, G: number, scale: ScaleRewards, eps: number): Float64Array {
  const N = rewards.length;
  checkGroups(N, G, 'groupAdvantages');
  const out = new Float64Array(N);
  const batchDenom = sampleStd(rewards) + eps;
  for (let g0 = 0; g0 < N; g0 += G) {
    if (isConstant(rewards, g0, G)) continue; // out is already 0
    const m = mean(rewards, g0, G);
    const denom = scale === 'group' ? sampleStd(rewards, g0, G) + eps : scale === 'batch' ? batchDenom : 1;
    for (let j = g0; j < g0 + G; j++) out[j] = (rewards[j]! - m) / denom;
  }
  return out;
}

export interface RewardStats {
  /** Mean reward over all N completions. */
  reward: number;
  /** Mean over groups of the group's sample std (TRL's reward_std under group scaling). */
  rewardStd: number;
  /** Fraction of groups whose rewards are all equal (TRL's frac_reward_zero_std). */
  fracRewardZeroStd: number;
}

export function rewardStats(rewards: Vec, G: number): RewardStats {
  const N = rewards.length;
  checkGroups(N, G, 'rewardStats');
  const nGroups = N / G;
  let std = 0;
  let zero = 0;
  for (let g0 = 0; g0 < N; g0 += G) {
    std += sampleStd(rewards, g0, G);
    if (isConstant(rewards, g0, G)) zero++;
  }
  return { reward: mean(rewards), rewardStd: nGroups ? std / nGroups : 0, fracRewardZeroStd: nGroups ? zero / nGroups : 0 };
}

export interface DynamicSampling {
  /** Indices (0..B-1) of the groups whose rewards differ, in order. */
  keep: number[];
  /** Fraction of groups with all-equal rewards; reported whether or not filtering is on. */
  fracRewardZeroStd: number;
}

/** DAPO dynamic sampling (Yu et al. 2025): keep only groups with some reward spread. rewards is (N,). */
export function dynamicSamplingFilter(rewards: Vec, G: number): DynamicSampling {
  const N = rewards.length;
  checkGroups(N, G, 'dynamicSamplingFilter');
  const keep: number[] = [];
  for (let g = 0; g < N / G; g++) if (!isConstant(rewards, g * G, G)) keep.push(g);
  const nGroups = N / G;
  return { keep, fracRewardZeroStd: nGroups ? (nGroups - keep.length) / nGroups : 0 };
}

export interface GrpoLossConfig {
  lossType: LossType;
  beta: number;
  epsLow: number;
  epsHigh: number;
  maxCompletionLength: number;
  /**
   * dapo only: the token count of the whole generation batch, when this call
   * sees only a micro-batch of it (TRL's num_items_in_batch). Defaults to this
   * call's mask sum, which makes dapo and bnpo identical.
   */
  tokenNormalizer?: number;
}

export interface GrpoLossResult {
  /** policyLoss + beta * (the KL term aggregated the same way). */
  loss: number;
  /** The -surrogate part alone, aggregated by lossType. */
  policyLoss: number;
  /** Masked mean of the per-token k3 KL over all tokens; 0 without a reference. */
  kl: number;
  /** Fraction of masked tokens with rho < 1-epsLow and A < 0 (TRL clip_ratio/low). */
  clipRatioLow: number;
  /** Fraction of masked tokens with rho > 1+epsHigh and A > 0 (TRL clip_ratio/high). */
  clipRatioHigh: number;
  /** clipRatioLow + clipRatioHigh (TRL clip_ratio/region). */
  clipRatioRegion: number;
  /** Masked mean of rho. */
  meanRatio: number;
  /** Mask sum of this call. */
  tokens: number;
}

/**
 * Weight of each masked token of sequence i in the aggregated loss; mask is (N,Tc).
 *   grpo    1 / (N * max(1, n_i))      mean over each sequence's tokens, then over sequences
 *   bnpo    1 / max(1, sum_i n_i)      mean over this batch's tokens (TRL: per micro-batch)
 *   dapo    1 / max(1, tokenNormalizer ?? sum_i n_i)   mean over the whole generation batch's tokens
 *   dr_grpo 1 / (N * maxCompletionLength)   a constant, so no length bias (Liu et al. 2025)
 * An all-masked sequence still counts in grpo's N, as in TRL's .mean().
 */
export function sequenceWeights(mask: Vec, N: number, Tc: number, cfg: GrpoLossConfig): Float64Array {
  return sequenceDenominators(mask, N, Tc, cfg).map((d) => 1 / d);
}

/**
 * 1 / sequenceWeights: the integer each sequence's token weight divides by.
 * The device loss (cpu/grpo_loss.ts) takes these, since an integer survives
 * an f32 buffer where the weight itself would be rounded.
 */
export function sequenceDenominators(mask: Vec, N: number, Tc: number, cfg: GrpoLossConfig): Float64Array {
  const d = new Float64Array(N);
  let total = 0;
  const n = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let ni = 0;
    for (let t = 0; t < Tc; t++) ni += mask[i * Tc + t]!;
    n[i] = ni;
    total += ni;
  }
  for (let i = 0; i < N; i++) {
    switch (cfg.lossType) {
      case 'grpo': d[i] = N * Math.max(1, n[i]!); break;
      case 'bnpo': d[i] = Math.max(1, total); break;
      case 'dapo': d[i] = Math.max(1, cfg.tokenNormalizer ?? total); break;
      case 'dr_grpo': d[i] = N * cfg.maxCompletionLength; break;
      default: throw new Error(`unknown lossType ${JSON.stringify(cfg.lossType)}`);
    }
  }
  return d;
}

/**
 * Which side clipped a token: -1 when rho < 1-epsLow and A < 0, +1 when
 * rho > 1+epsHigh and A > 0, else 0. Exactly these tokens take the clipped
 * branch of min(rho*A, clip(rho)*A) with zero gradient. On a boundary
 * (rho == 1±eps) both branches are equal and we take the unclipped gradient
 * rho*A, which is also what PyTorch autograd gives TRL (clamp passes gradient
 * at its bounds, min splits a tie evenly).
 */
export function clipSide(rho: number, A: number, epsLow: number, epsHigh: number): -1 | 0 | 1 {
  if (A < 0 && rho < 1 - epsLow) return -1;
  if (A > 0 && rho > 1 + epsHigh) return 1;
  return 0;
}

/**
 * The GRPO objective and its gradient. logp, logpOld, logpRef, mask are (N,Tc),
 * advantages is (N,). Per token:
 *   rho  = exp(logp - logpOld)
 *   surr = min(rho*A, clip(rho, 1-epsLow, 1+epsHigh)*A)
 *   kl   = exp(ref - logp) - (ref - logp) - 1          (k3, Schulman 2020)
 *   l    = -surr + beta*kl
 * loss = sum_{i,t} w_i * mask_it * l_it with w from sequenceWeights.
 * dLogp (N,Tc), when given, is overwritten with d loss / d logp (0 on padding):
 *   dl/dlogp = -(clipped ? 0 : rho*A) + beta*(1 - exp(ref - logp))
 * logpRef may be null only when beta is 0.
 */
export function grpoLoss(
  dLogp: OutVec | null,
  logp: Vec,
  logpOld: Vec,
  logpRef: Vec | null,
  advantages: Vec,
  mask: Vec,
  N: number,
  Tc: number,
  cfg: GrpoLossConfig,
): GrpoLossResult {
  const NT = N * Tc;
  for (const [name, a] of [['logp', logp], ['logpOld', logpOld], ['mask', mask], ['dLogp', dLogp], ['logpRef', logpRef]] as const) {
    if (a !== null && a.length !== NT) throw new Error(`grpoLoss: ${name} has ${a.length} entries, expected N*Tc = ${N}*${Tc}`);
  }
  if (advantages.length !== N) throw new Error(`grpoLoss: ${advantages.length} advantages for N = ${N} sequences`);
  if (cfg.beta !== 0 && logpRef === null) throw new Error('grpoLoss: beta > 0 needs logpRef');

  const w = sequenceWeights(mask, N, Tc, cfg);
  let policyLoss = 0, klLoss = 0, tokens = 0, klSum = 0, ratioSum = 0, low = 0, high = 0;
  for (let i = 0; i < N; i++) {
    const A = advantages[i]!;
    for (let t = 0; t < Tc; t++) {
      const k = i * Tc + t;
      const m = mask[k]!;
      if (m === 0) {
        if (dLogp) dLogp[k] = 0;
        continue;
      }
      const lp = logp[k]!;
      const rho = Math.exp(lp - logpOld[k]!);
      const side = clipSide(rho, A, cfg.epsLow, cfg.epsHigh);
      const rhoClip = Math.min(Math.max(rho, 1 - cfg.epsLow), 1 + cfg.epsHigh);
      const surr = Math.min(rho * A, rhoClip * A);
      let dl = side === 0 ? -rho * A : 0;
      if (logpRef !== null) {
        const d = logpRef[k]! - lp;
        const e = Math.exp(d);
        const kl = e - d - 1;
        klSum += m * kl;
        klLoss += w[i]! * m * kl;
        dl += cfg.beta * (1 - e);
      }
      policyLoss += w[i]! * m * -surr;
      if (dLogp) dLogp[k] = w[i]! * m * dl;
      tokens += m;
      ratioSum += m * rho;
      if (side < 0) low += m;
      if (side > 0) high += m;
    }
  }
  const per = (x: number) => (tokens > 0 ? x / tokens : 0);
  return {
    loss: policyLoss + cfg.beta * klLoss,
    policyLoss,
    kl: per(klSum),
    clipRatioLow: per(low),
    clipRatioHigh: per(high),
    clipRatioRegion: per(low + high),
    meanRatio: per(ratioSum),
    tokens,
  };
}

/**
 * Per-token values for the step inspector, all (N,Tc), 0 on padding:
 * ratio = rho, kl = k3 KL (left untouched when logpRef is null), clip = clipSide.
 */
export function grpoTokenStats(
  ratio: OutVec,
  kl: OutVec | null,
  clip: Int8Array,
  logp: Vec,
  logpOld: Vec,
  logpRef: Vec | null,
  advantages: Vec,
  mask: Vec,
  N: number,
  Tc: number,
  epsLow: number,
  epsHigh: number,
): void {
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < Tc; t++) {
      const k = i * Tc + t;
      const on = mask[k]! !== 0;
      const rho = on ? Math.exp(logp[k]! - logpOld[k]!) : 0;
      ratio[k] = rho;
      clip[k] = on ? clipSide(rho, advantages[i]!, epsLow, epsHigh) : 0;
      if (kl && logpRef) {
        const d = logpRef[k]! - logp[k]!;
        kl[k] = on ? Math.exp(d) - d - 1 : 0;
      }
    }
  }
}
