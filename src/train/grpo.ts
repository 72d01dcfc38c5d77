// Stage 1: one GRPO step (DESIGN §5), backend-agnostic: everything goes
// through Ops / DecodeOps, so the same code runs on cpu/ in Node and gpu/ in
// a worker. Order of operations of step s:
//
//   1. prompts: train problems s*B .. s*B+B-1 (sampleTrainProblem: a pure
//      function of (seed, index), so a step replays exactly)
//   2. rollout: G completions each, sampling stream of step s    [readback 1]
//   3. rewards (format, accuracy, overlong, consistency), group advantages, dynamic sampling
//   4. reference log-probs: one forward with the frozen initial weights, only
//      when beta > 0 (they do not change across the mu iterations); they stay
//      on the device
//   5. mu times: forward (policy, sampling temperature) -> grpoLossForward on
//      the device (dLogp and the loss sums, cpu/grpo_loss.ts) -> checkFinite
//      (loss) -> backward -> grad norm -> checkFinite (norm) -> AdamW and the
//      aux-free router-bias update, both gated by that sticky device flag, so
//      a NaN/Inf iteration leaves the weights bit-identical without a host
//      round trip
//   6. one readback of the packed metrics (packLayout)                [readback 2]
//      -> throw naming the step, iteration and cause when the flag is set
//   7. metrics and the inspector's samples.
// Two readbacks per step for any mu and beta. The afterLoss test hook adds
// one (it needs the loss on the host); production runs have no hooks.
//
// Dimension letters: B prompts, G completions per prompt, nSeq = B*G rows
// (row r = b*G + g), Tc = maxCompletionLength, T positions of the training
// forward = longest prompt + Tc - 1 (the last completion token is only a
// target). Completion token j of row r is predicted at position P_r - 1 + j.
//
// Trade-offs, stated:
// - Dropped groups (dynamic sampling) are still forwarded with everyone else
//   (one activation set for a fixed B*G); their dLogp is 0 and they take no
//   part in the loss's normalisation. The rollout does not resample to refill.
// - Expert load and the aux-free bias count every position of the forward
//   (prompts and padding too), as pretraining does.
// - The reference is a full second Model (its unused grads and moments are
//   the price of reusing createModel), snapshotted at creation so that beta,
//   a live knob, can be turned on mid-run against the INITIAL weights.

import type { RunConfig } from '../core/config';
import { decode, encode, TOK } from '../core/tokenizer';
import type { DecodeState } from '../model/decode';
import type { DecodeOps } from '../ops/decode';
import { createDecodeState } from '../model/decode';
import { adamwStep, backward, createActivations, createModel, forward, updateRouterBias, zeroGrads, type Activations, type Model } from '../model/model';
import { GRPO_SUM, GRPO_SUMS, type GrpoSumName, type Ops } from '../ops/ops';
import { ahaRates, classifyAha, type AhaRates, type AhaResult } from '../rl/aha';
import { dynamicSamplingFilter, groupAdvantages, grpoTokenStats, rewardStats, sequenceDenominators, type GrpoLossConfig } from '../rl/grpo';
import { rewardBatch } from '../rl/rewards';
import { rollout, type RolloutResult } from '../rl/rollout';
import { longestPromptTokens } from '../tasks/lengths';
import { sampleTrainProblem } from '../tasks/split';
import type { Problem } from '../tasks/problems';
import { checkTrainConfig } from './checks';
import { buildSequences, gatherCompletion, gatherExperts, keptRows, packLayout, selectRows, type Sequences } from './grpo_layout';
import { grpoSchedule, learningRate } from './schedule';

/** TRL's epsilon in (r - mean) / (std + eps). */
export const ADVANTAGE_EPS = 1e-4;

/** Test hooks: let a test corrupt state at a precise point of the step. */
export interface GrpoHooks<F> {
  /** Called after backward has filled model.grads, before the grad-norm check. */
  afterBackward?(model: Model<F>, innerIteration: number): void;
  /**
   * Called with the policy loss before its finiteness check (after dLogp
   * exists, before backward); returns the loss to use (a fault test returns
   * NaN). Costs one extra readback per inner iteration.
   */
  afterLoss?(loss: number, innerIteration: number): number;
}

export interface GrpoTrainer<F, I> {
  ops: Ops<F, I>;
  dec: DecodeOps<F, I>;
  model: Model<F>;
  /** Frozen copy of the weights (and routing bias) at creation: the KL reference. */
  ref: Model<F>;
  /** Live knobs (beta, eps, lr, weights, sampling...) may be changed between steps; shapes may not. */
  cfg: RunConfig;
  /** The next GRPO step's index. */
  step: number;
  T: number;
  acts: Activations<F, I>; // (nSeq, T)
  dLogp: F; // (nSeq*T) written by grpoLossForward
  // Per position of the training forward, written by the host once per step (cpu/grpo_loss.ts):
  logpOld: F; // (nSeq*T) the rollout's log-probs
  adv: F; // (nSeq*T) the row's advantage
  denom: F; // (nSeq*T) 1 / the token's loss weight; 0 off the loss
  logpRef: F; // (nSeq*T) the reference forward's logp (beta > 0)
  sums: F; // (GRPO_SUMS) grpoLossForward's
  flag: F; // (1) checkFinite's sticky fault code: 0 ok, 2*it+1 loss, 2*it+2 gradient norm
  packed: F; // packLayout: everything the step reads back, in one readback
  packedLength: number;
  decodeState: DecodeState<F, I>;
  hooks: GrpoHooks<F>;
  /** Forwards run with the reference weights (tests check beta = 0 runs none). */
  refForwards: number;
}

/** Sets up GRPO on model (pretrained); resets its Adam moments and step count, snapshots the reference. */
export function createGrpoTrainer<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, model: Model<F>, hooks: GrpoHooks<F> = {}): GrpoTrainer<F, I> {
  const cfg = model.cfg;
  checkTrainConfig(cfg);
  const g = cfg.grpo;
  const nSeq = g.batchPrompts * g.groupSize;
  const { L, E, Tmax } = model.dims;
  const Pmax = longestPromptTokens(cfg.task.family, cfg.task.difficulty);
  const T = Math.min(Tmax, Pmax + g.maxCompletionLength - 1);
  const ref = createModel(ops, cfg);
  ops.copy(ref.params, model.params, model.table.total);
  ops.copy(ref.routerBias, model.routerBias, L * E);
  // GRPO starts its own optimizer: pretraining's moments were for another loss and lr.
  ops.zero(model.m);
  ops.zero(model.v);
  model.step = 0;
  return {
    ops, dec, model, ref, cfg, step: 0, T,
    acts: createActivations(ops, model, nSeq, T),
    dLogp: ops.alloc(nSeq * T),
    logpOld: ops.alloc(nSeq * T), adv: ops.alloc(nSeq * T), denom: ops.alloc(nSeq * T), logpRef: ops.alloc(nSeq * T),
    sums: ops.alloc(GRPO_SUMS), flag: ops.alloc(1),
    packed: ops.alloc(packLayout(nSeq * T, L, E, model.dims.k, g.mu).total),
    packedLength: packLayout(nSeq * T, L, E, model.dims.k, g.mu).total,
    decodeState: createDecodeState(ops, model, nSeq, Pmax, g.maxCompletionLength),
    hooks, refForwards: 0,
  };
}

export interface GrpoSample {
  group: number;
  prompt: string;
  completion: string;
  expected: number;
  /** consistency: absent from samples saved before issue 17. */
  reward: { format: number; accuracy: number; overlong: number; consistency?: number; total: number };
  advantage: number;
  /** False when dynamic sampling dropped its group. */
  kept: boolean;
  /** Completion tokens, <eos> included when sampled. */
  tokens: Int32Array; // (length)
  truncated: boolean;
  logpOld: Float32Array; // (length) at the rollout
  /** Per token, from the last inner iteration's forward; null when the step trained nothing. */
  logp: Float32Array | null; // (length)
  ratio: Float32Array | null; // (length)
  /** k3 KL to the reference; null when beta = 0 (no reference forward). */
  kl: Float32Array | null; // (length)
  /** -1 clipped low, +1 clipped high, 0 not clipped. */
  clip: Int8Array | null; // (length)
  /**
   * Routed experts (top-k indices) of each layer at the position that predicts
   * each completion token, from the first inner iteration's forward; null when
   * the step trained nothing.
   */
  experts?: Uint8Array | null; // (length,L,k)
  aha: AhaResult;
}

export interface GrpoMetrics {
  step: number;
  reward: number;
  /** Mean per component; overlong and consistency as added to the reward (weighted), format and accuracy unweighted. consistency is absent from metrics saved before issue 17. */
  rewards: { format: number; accuracy: number; overlong: number; consistency?: number };
  rewardStd: number;
  fracRewardZeroStd: number;
  /** Groups that entered the loss (all B unless dynamic sampling dropped some). */
  keptGroups: number;
  completionLength: { mean: number; min: number; max: number };
  /**
   * Mean length of the right and of the wrong completions (accuracy reward 1 or 0; null when the step has none):
   * Dr. GRPO's length-bias diagnostic, per step. Absent in runs stored before it existed.
   */
  lengthRight?: number | null;
  lengthWrong?: number | null;
  /** Mean attempts (think segments stating a candidate: rl/aha.ts) per completion; absent in older stored runs. */
  attempts?: number;
  /** Fraction of completions cut at maxCompletionLength (no <eos>): TRL's completions/clipped_ratio. */
  clippedRatio: number;
  /** Averaged over the mu iterations, like everything from the training forward. */
  loss: number;
  policyLoss: number;
  kl: number;
  /** Mean entropy (at the sampling temperature) over every completion token of the step. */
  entropy: number;
  clipRatio: { low: number; high: number; region: number };
  meanRatio: number;
  gradNorm: number;
  lr: number;
  /** (L,E): share of the routed choices each expert got, per layer (first forward). */
  expertLoad: number[][];
  /** Sum over layers of the Switch aux loss (0 unless balance = 'aux'). */
  auxLoss: number;
  /** Wall-clock ms of the whole step. */
  stepTime: number;
  /** Completion tokens sampled per second of stepTime. */
  tokensPerSec: number;
  aha: AhaRates;
  /** True when no group had a reward spread (dynamic sampling on): nothing was trained; training metrics are 0. */
  skipped: boolean;
}

export interface GrpoStepResult {
  metrics: GrpoMetrics;
  samples: GrpoSample[];
}

/** The device loss's per-position inputs (cpu/grpo_loss.ts): logp_old, advantage, weight denominator (0 off the kept rows' completion tokens). */
function writeLossInputs<F, I>(tr: GrpoTrainer<F, I>, seq: Sequences, ro: RolloutResult, rows: readonly number[], adv: Float64Array, lossCfg: GrpoLossConfig): void {
  const { T } = tr, Tc = ro.maxNew, N = ro.nSeq * T;
  const denomK = sequenceDenominators(selectRows(Float32Array.from(ro.mask), rows, Tc), rows.length, Tc, lossCfg);
  const logpOld = new Float32Array(N), a = new Float32Array(N), denom = new Float32Array(N);
  rows.forEach((r, i) => {
    for (let j = 0; j < ro.lengths[r]!; j++) {
      const n = r * T + seq.start[r]! + j;
      logpOld[n] = ro.logp[r * Tc + j]!;
      a[n] = adv[r]!;
      denom[n] = denomK[i]!;
    }
  });
  tr.ops.write(tr.logpOld, logpOld);
  tr.ops.write(tr.adv, a);
  tr.ops.write(tr.denom, denom);
}

function stepError(step: number, it: number, cause: string): Error {
  return new Error(`GRPO step ${step} (inner iteration ${it}): ${cause}; the update was not applied and the weights are as before it`);
}

/** Runs GRPO step trainer.step and advances it. Throws (weights untouched by that update) on a NaN/Inf loss or gradient. */
export async function grpoStep<F, I>(tr: GrpoTrainer<F, I>): Promise<GrpoStepResult> {
  const t0 = performance.now();
  const { ops, model, cfg, T } = tr;
  const g = cfg.grpo;
  const step = tr.step;
  const B = g.batchPrompts, G = g.groupSize, nSeq = B * G, Tc = g.maxCompletionLength;
  const temperature = cfg.sampling.temperature;
  const { L, E, k } = model.dims;

  // 1-2. prompts and rollout
  const problems = Array.from({ length: B }, (_, b) => sampleTrainProblem(cfg, step * B + b));
  const prompts = problems.map((p) => encode(p.prompt));
  const ro = await rollout(ops, tr.dec, model, prompts, G, { maxNew: Tc, temperature, topK: cfg.sampling.topK, topP: cfg.sampling.topP, seed: cfg.seed, step }, tr.decodeState);
  const rowTokens = Array.from({ length: nSeq }, (_, r) => ro.tokens.slice(r * Tc, r * Tc + ro.lengths[r]!));
  const texts = rowTokens.map((t) => decode(t));
  const expected = Array.from({ length: nSeq }, (_, r) => problems[Math.floor(r / G)]!);

  // 3. rewards, advantages, dynamic sampling
  const rw = rewardBatch(texts, expected, ro.lengths, g);
  const rs = rewardStats(rw.total, G);
  const adv = groupAdvantages(rw.total, G, g.scaleRewards, ADVANTAGE_EPS);
  const ds = dynamicSamplingFilter(rw.total, G);
  const keep = g.dynamicSampling ? ds.keep : Array.from({ length: B }, (_, b) => b);
  const rows = keptRows(keep, G);
  const seq = buildSequences(prompts, G, ro, T);
  const lr = learningRate(grpoSchedule(g), step);

  const train = { loss: 0, policyLoss: 0, kl: 0, low: 0, high: 0, region: 0, ratio: 0, gradNorm: 0, entropy: 0, auxLoss: 0 };
  let expertLoad: number[][] = [];
  let logpAll: Float32Array | null = null;
  let logpRefAll: Float32Array | null = null;
  let expertsAll: Uint8Array | null = null; // (nSeq,Tc,L,k)
  if (rows.length > 0) {
    const N = nSeq * T;
    const beta = g.beta;
    const aux = cfg.model.balance === 'aux';
    const lay = packLayout(N, L, E, k, g.mu);
    if (tr.packedLength < lay.total) { // mu grew (a live knob)
      tr.packed = ops.alloc(lay.total);
      tr.packedLength = lay.total;
    }
    const pk = (off: number, n: number) => ops.view(tr.packed, off, n);
    ops.writeInt(tr.acts.tokens, seq.tokens);
    ops.writeInt(tr.acts.targets, seq.targets);
    writeLossInputs(tr, seq, ro, rows, adv, { lossType: g.lossType, beta, epsLow: g.epsLow, epsHigh: g.epsHigh, maxCompletionLength: Tc });
    ops.zero(tr.flag);
    // 4. the reference, once per step; its logp stays on the device
    if (beta > 0) {
      forward(ops, tr.ref, tr.acts, temperature);
      tr.refForwards++;
      ops.copy(tr.logpRef, tr.acts.a.logp, N);
    }
    const adam = { lr, beta1: g.adamBeta1, beta2: g.adamBeta2, eps: g.adamEps, weightDecay: g.weightDecay, gradClip: g.gradClip };
    const adamSteps = model.step;
    // 5. mu inner iterations, no readback
    for (let it = 0; it < g.mu; it++) {
      forward(ops, model, tr.acts, temperature);
      const a = tr.acts.a;
      if (it === 0) {
        ops.copy(pk(lay.entropy, N), a.entropy, N);
        for (let l = 0; l < L; l++) {
          ops.copy(pk(lay.load + l * E, E), a.layers[l]!.load, E);
          ops.intToFloat(pk(lay.topIdx + l * N * k, N * k), tr.acts.topIdx[l]!, N * k);
        }
      }
      ops.grpoLossForward(tr.dLogp, tr.sums, a.logp, tr.logpOld, beta > 0 ? tr.logpRef : null, tr.adv, tr.denom, N, { beta, epsLow: g.epsLow, epsHigh: g.epsHigh });
      const r = lay.iter(it);
      ops.copy(pk(r.loss, 1), ops.view(tr.sums, GRPO_SUM.loss, 1), 1);
      ops.copy(pk(r.sums, GRPO_SUMS - 1), ops.view(tr.sums, 1, GRPO_SUMS - 1), GRPO_SUMS - 1);
      for (let l = 0; l < L; l++) ops.copy(pk(r.aux + l, 1), a.layers[l]!.auxLoss, 1);
      if (tr.hooks.afterLoss) {
        const loss = (await ops.read(pk(r.loss, 1)))[0]!;
        ops.write(pk(r.loss, 1), [tr.hooks.afterLoss(loss, it)]);
      }
      // the loss and (with aux balancing) the aux losses lie side by side at r.loss
      ops.checkFinite(tr.flag, pk(r.loss, aux ? 1 + L : 1), aux ? 1 + L : 1, 2 * it + 1);
      zeroGrads(ops, model);
      backward(ops, model, tr.acts, tr.dLogp);
      tr.hooks.afterBackward?.(model, it);
      adamwStep(ops, model, adam, { flag: tr.flag, code: 2 * it + 2 });
      ops.copy(pk(r.gradNorm, 1), model.gradNorm, 1);
      if (cfg.model.balance === 'auxFree') updateRouterBias(ops, model, tr.acts, cfg.model.biasGamma, tr.flag);
    }
    ops.copy(pk(lay.flag, 1), tr.flag, 1);
    ops.copy(pk(lay.logp, N), tr.acts.a.logp, N);
    if (beta > 0) ops.copy(pk(lay.logpRef, N), tr.logpRef, N);
    // 6. the one metrics readback
    const packed = await ops.read(pk(0, lay.total));
    const code = packed[lay.flag]!;
    if (code !== 0) {
      const it = Math.floor((code - 1) / 2);
      const r = lay.iter(it);
      model.step = adamSteps + it; // the refused iteration and any after it applied nothing
      let loss = packed[r.loss]!;
      for (let l = 0; l < L; l++) loss += aux ? packed[r.aux + l]! : 0;
      throw stepError(step, it, (code - 1) % 2 === 0 ? `the loss is ${loss}` : `the gradient norm is ${packed[r.gradNorm]}`);
    }
    const w = 1 / g.mu;
    for (let it = 0; it < g.mu; it++) {
      const r = lay.iter(it);
      const sum = (name: GrpoSumName) => packed[r.sums + GRPO_SUM[name] - 1]!; // sums[1..] as packed: every slot but loss
      const tokens = sum('tokens');
      const per = (x: number) => (tokens > 0 ? x / tokens : 0);
      let auxLoss = 0;
      for (let l = 0; l < L; l++) auxLoss += aux ? packed[r.aux + l]! : 0;
      train.loss += w * (packed[r.loss]! + auxLoss);
      train.policyLoss += w * sum('policyLoss');
      train.kl += w * per(sum('klSum'));
      train.low += w * per(sum('clipLow'));
      train.high += w * per(sum('clipHigh'));
      train.region += w * per(sum('clipLow') + sum('clipHigh'));
      train.ratio += w * per(sum('ratioSum'));
      train.gradNorm += w * packed[r.gradNorm]!;
      train.auxLoss += w * auxLoss;
    }
    logpAll = gatherCompletion(packed.subarray(lay.logp, lay.logp + N), seq, ro, T);
    if (beta > 0) logpRefAll = gatherCompletion(packed.subarray(lay.logpRef, lay.logpRef + N), seq, ro, T);
    const mask = ro.mask;
    const ent = gatherCompletion(packed.subarray(lay.entropy, lay.entropy + N), seq, ro, T);
    let es = 0, en = 0;
    for (let i = 0; i < ent.length; i++) { es += mask[i]! * ent[i]!; en += mask[i]!; }
    train.entropy = en > 0 ? es / en : 0;
    expertLoad = Array.from({ length: L }, (_, l) => Array.from(packed.subarray(lay.load + l * E, lay.load + (l + 1) * E), (c) => c / (N * k)));
    const topIdx = Array.from({ length: L }, (_, l) => Int32Array.from(packed.subarray(lay.topIdx + l * N * k, lay.topIdx + (l + 1) * N * k)));
    expertsAll = gatherExperts(topIdx, seq, ro, T, k);
  }
  tr.step++;

  // 6. metrics and samples
  const samples = makeSamples(problems, G, ro, rowTokens, texts, rw, adv, new Set(rows), logpAll, logpRefAll, expertsAll, L * k, g.epsLow, g.epsHigh);
  const lens = Array.from(ro.lengths);
  const totalTokens = lens.reduce((x, y) => x + y, 0);
  const stepTime = performance.now() - t0;
  const meanOf = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0) / x.length;
  const right = lens.filter((_, r) => rw.accuracy[r]! > 0), wrong = lens.filter((_, r) => !(rw.accuracy[r]! > 0));
  const metrics: GrpoMetrics = {
    step, reward: rs.reward,
    rewards: { format: meanOf(rw.format), accuracy: meanOf(rw.accuracy), overlong: meanOf(rw.overlong), consistency: meanOf(rw.consistency) },
    rewardStd: rs.rewardStd, fracRewardZeroStd: ds.fracRewardZeroStd, keptGroups: keep.length,
    completionLength: { mean: totalTokens / nSeq, min: Math.min(...lens), max: Math.max(...lens) },
    lengthRight: right.length ? meanOf(right) : null, lengthWrong: wrong.length ? meanOf(wrong) : null,
    attempts: meanOf(samples.map((s) => s.aha.attempts)),
    clippedRatio: samples.filter((s) => s.truncated).length / nSeq,
    loss: train.loss, policyLoss: train.policyLoss, kl: train.kl, entropy: train.entropy,
    clipRatio: { low: train.low, high: train.high, region: train.region }, meanRatio: train.ratio,
    gradNorm: train.gradNorm, lr, expertLoad, auxLoss: train.auxLoss,
    stepTime, tokensPerSec: stepTime > 0 ? totalTokens / (stepTime / 1000) : 0,
    aha: ahaRates(samples.map((s) => s.aha)), skipped: rows.length === 0,
  };
  return { metrics, samples };
}

function makeSamples(
  problems: readonly Problem[],
  G: number,
  ro: RolloutResult,
  rowTokens: Int32Array[],
  texts: string[],
  rw: ReturnType<typeof rewardBatch>,
  adv: Float64Array,
  kept: ReadonlySet<number>,
  logp: Float32Array | null, // (nSeq,Tc)
  logpRef: Float32Array | null, // (nSeq,Tc)
  experts: Uint8Array | null, // (nSeq,Tc,Lk)
  Lk: number,
  epsLow: number,
  epsHigh: number,
): GrpoSample[] {
  const nSeq = ro.nSeq, Tc = ro.maxNew;
  let ratio: Float32Array | null = null, kl: Float32Array | null = null, clip: Int8Array | null = null;
  if (logp) {
    ratio = new Float32Array(nSeq * Tc);
    kl = logpRef ? new Float32Array(nSeq * Tc) : null;
    clip = new Int8Array(nSeq * Tc);
    grpoTokenStats(ratio, kl, clip, logp, ro.logp, logpRef, adv, ro.mask, nSeq, Tc, epsLow, epsHigh);
  }
  return rowTokens.map((tokens, r) => {
    const p = problems[Math.floor(r / G)]!;
    const len = tokens.length;
    const cut = <X extends Float32Array | Int8Array>(x: X | null) => (x ? (x.slice(r * Tc, r * Tc + len) as X) : null);
    return {
      group: Math.floor(r / G), prompt: p.prompt, completion: texts[r]!, expected: p.answer,
      reward: { format: rw.format[r]!, accuracy: rw.accuracy[r]!, overlong: rw.overlong[r]!, consistency: rw.consistency[r]!, total: rw.total[r]! },
      advantage: adv[r]!, kept: kept.has(r), tokens,
      truncated: len === 0 || tokens[len - 1] !== TOK.eos,
      logpOld: ro.logp.slice(r * Tc, r * Tc + len),
      logp: cut(logp), ratio: cut(ratio), kl: cut(kl), clip: cut(clip),
      experts: experts ? experts.slice(r * Tc * Lk, (r * Tc + len) * Lk) : null,
      aha: classifyAha(texts[r]!, p),
    };
  });
}
