// The MoE transformer driver: a straight list of Ops calls per layer, and
// backward as the same list reversed (after llm.c's gpt2_forward/backward).
//
// Dimension glossary (used by every shape comment in model/ and cpu/):
//   B   batch (sequences)            T   time (positions per sequence)
//   N   rows = B*T                   C   residual width (dModel)
//   V   vocabulary (VOCAB_SIZE)      L   layers
//   NH  attention heads              HS  head size = C/NH
//   E   routed experts               S   shared experts (always on)
//   k   routed experts per token     H   hidden width of one expert
//
// One block, pre-RMSNorm:
//   x   = x + wproj @ attention(rope(wqkv @ rmsnorm(x)))
//   x   = x + moe(rmsnorm(x))           (S shared + top-k routed experts)
// then logits = rmsnorm(x) @ wte^T (tied), logp = log softmax(logits / temp)[target].
//
// Backward takes dLogp (N), so next-token pretraining (dLogp = -mask/count)
// and the GRPO surrogate drive the same code. It ACCUMULATES into model.grads
// (call zeroGrads first), which lets several micro-batches share one step.

import type { RunConfig } from '../core/config';
import { VOCAB_SIZE } from '../core/tokenizer';
import { moeCacheSize, type MoeCacheOf, type MoeDims, type Ops, type RouterDims } from '../ops/ops';
import { alignUp, buildParamTable, type ParamTable } from './params';

export interface ModelDims {
  V: number; C: number; L: number; NH: number; HS: number;
  E: number; S: number; k: number; H: number; Tmax: number;
}

export function modelDims(cfg: RunConfig): ModelDims {
  const m = cfg.model;
  return {
    V: VOCAB_SIZE, C: m.dModel, L: m.nLayers, NH: m.nHeads, HS: m.dModel / m.nHeads,
    E: m.nRouted, S: m.nShared, k: m.topK, H: m.dExpert, Tmax: m.maxSeqLen,
  };
}

export interface LayerParams<F> {
  ln1: F; // (C)
  wqkv: F; // (3C,C)
  wproj: F; // (C,C)
  ln2: F; // (C)
  wRouter: F; // (E,C)
  w1: F; // (S+E,H,C)
  w3: F | null; // (S+E,H,C), SwiGLU only
  w2: F; // (S+E,C,H)
}

export interface ParamViews<F> {
  wte: F; // (V,C)
  wpe: F | null; // (Tmax,C), learned positions only
  layers: LayerParams<F>[];
  lnf: F; // (C)
}

interface TensorSlot<F> {
  name: string;
  size: number;
  decay: boolean;
  p: F; g: F; m: F; v: F;
}

export interface Model<F> {
  cfg: RunConfig;
  dims: ModelDims;
  table: ParamTable;
  /** Flat buffers, all (table.total) with the table's layout (gaps between tensors stay zero). */
  params: F; grads: F; m: F; v: F;
  p: ParamViews<F>;
  g: ParamViews<F>;
  slots: TensorSlot<F>[];
  /** (L,E) routing bias of aux-loss-free balancing: moves selection, not gates; not trained by gradients. */
  routerBias: F;
  bias: F[]; // per layer (E) views of routerBias
  /** (1) pre-clip gradient norm of the last adamwStep. */
  gradNorm: F;
  /** AdamW steps taken (bias correction uses step + 1 next). */
  step: number;
}

function paramViews<F, I>(ops: Ops<F, I>, cfg: RunConfig, table: ParamTable, buf: F): ParamViews<F> {
  const byName = new Map(table.tensors.map((t) => [t.name, t]));
  const get = (name: string): F => {
    const t = byName.get(name);
    if (!t) throw new Error(`model: tensor ${name} missing from the parameter table`);
    return ops.view(buf, t.offset, t.size);
  };
  const has = (name: string) => byName.has(name);
  const layers: LayerParams<F>[] = [];
  for (let l = 0; l < cfg.model.nLayers; l++) {
    layers.push({
      ln1: get(`l${l}.ln1`), wqkv: get(`l${l}.wqkv`), wproj: get(`l${l}.wproj`), ln2: get(`l${l}.ln2`),
      wRouter: get(`l${l}.wRouter`), w1: get(`l${l}.w1`), w3: has(`l${l}.w3`) ? get(`l${l}.w3`) : null, w2: get(`l${l}.w2`),
    });
  }
  return { wte: get('wte'), wpe: has('wpe') ? get('wpe') : null, layers, lnf: get('lnf') };
}

/** Allocates parameters (zero: write initParams' values with ops.write), gradients, Adam moments, router bias. */
export function createModel<F, I>(ops: Ops<F, I>, cfg: RunConfig): Model<F> {
  const table = buildParamTable(cfg);
  const dims = modelDims(cfg);
  const params = ops.alloc(table.total);
  const grads = ops.alloc(table.total);
  const m = ops.alloc(table.total);
  const v = ops.alloc(table.total);
  const slots = table.tensors.map((t) => ({
    name: t.name, size: t.size, decay: t.decay,
    p: ops.view(params, t.offset, t.size), g: ops.view(grads, t.offset, t.size),
    m: ops.view(m, t.offset, t.size), v: ops.view(v, t.offset, t.size),
  }));
  const routerBias = ops.alloc(dims.L * dims.E);
  const bias: F[] = [];
  for (let l = 0; l < dims.L; l++) bias.push(ops.view(routerBias, l * dims.E, dims.E));
  return {
    cfg, dims, table, params, grads, m, v,
    p: paramViews(ops, cfg, table, params), g: paramViews(ops, cfg, table, grads),
    slots, routerBias, bias, gradNorm: ops.alloc(1), step: 0,
  };
}

// ---------------------------------------------------------------------------
// Activations: every buffer forward writes and backward reads, carved once per
// (B,T) from one flat float buffer (plus one int buffer for tokens, targets
// and topIdx). The gradient activations reuse the same layout in a second
// buffer. Every view starts on a PARAM_ALIGN boundary, for WebGPU's rule that
// writable bindings of one buffer in one dispatch must not overlap (params.ts).

export interface LayerActs<F> {
  ln1: F; // (N,C)
  rstd1: F; // (N)
  qkv: F; // (N,3C)
  qkvr: F; // (N,3C) after RoPE; the same view as qkv for learned positions
  atty: F; // (N,C) attention output before wproj
  att: F; // (B,NH,T,T) softmax weights
  attproj: F; // (N,C)
  res2: F; // (N,C) residual after attention
  ln2: F; // (N,C)
  rstd2: F; // (N)
  scores: F; // (N,E) router scores
  gates: F; // (N,k)
  moe: MoeCacheOf<F>;
  moeOut: F; // (N,C)
  res3: F; // (N,C) residual after the MoE block: the layer's output
  auxLoss: F; // (1) Switch aux loss (0 unless balance is 'aux')
  load: F; // (E) tokens routed to each expert
}

export interface ActsOf<F> {
  encoded: F; // (N,C)
  layers: LayerActs<F>[];
  lnf: F; // (N,C)
  rstdf: F; // (N)
  logits: F; // (N,V)
  probs: F; // (N,V) softmax(logits / temperature)
  logp: F; // (N)
  entropy: F; // (N)
}

export interface Activations<F, I> {
  B: number;
  T: number;
  N: number;
  tokens: I; // (B,T) input ids, written by the caller
  targets: I; // (B,T) next-token ids (< 0: none), written by the caller
  topIdx: I[]; // per layer (N,k)
  a: ActsOf<F>; // forward's outputs and caches
  d: ActsOf<F>; // their gradients, same layout
  aBuf: F;
  dBuf: F;
  /** The temperature of the last forward (backward needs it). */
  temperature: number;
}

function layoutActs<X>(take: (n: number) => X, d: ModelDims, cfg: RunConfig, B: number, T: number): ActsOf<X> {
  const N = B * T, { C, V, E, k, NH, S, H } = d;
  const mc = moeCacheSize({ N, C, H, S, k });
  const layers: LayerActs<X>[] = [];
  for (let l = 0; l < d.L; l++) {
    const qkv = take(N * 3 * C);
    layers.push({
      ln1: take(N * C), rstd1: take(N), qkv,
      qkvr: cfg.model.positions === 'rope' ? take(N * 3 * C) : qkv,
      atty: take(N * C), att: take(B * NH * T * T), attproj: take(N * C), res2: take(N * C),
      ln2: take(N * C), rstd2: take(N), scores: take(N * E), gates: take(N * k),
      moe: { h1: take(mc.h), h3: cfg.model.ffn === 'swiglu' ? take(mc.h) : null, act: take(mc.h), y: take(mc.y) },
      moeOut: take(N * C), res3: take(N * C), auxLoss: take(1), load: take(E),
    });
  }
  return {
    encoded: take(N * C), layers, lnf: take(N * C), rstdf: take(N),
    logits: take(N * V), probs: take(N * V), logp: take(N), entropy: take(N),
  };
}

/** Elements of the float activation buffer (each of aBuf, dBuf) for (B,T), alignment gaps included. */
export function activationsSize(d: ModelDims, cfg: RunConfig, B: number, T: number): number {
  let total = 0;
  layoutActs((n) => (total = alignUp(total + n), n), d, cfg, B, T);
  return total;
}

/** Elements of the int activation buffer: tokens (N), targets (N), topIdx (L,N,k), each view aligned. */
export function activationsIntSize(d: ModelDims, B: number, T: number): number {
  const N = B * T;
  return 2 * alignUp(N) + d.L * alignUp(N * d.k);
}

export function createActivations<F, I>(ops: Ops<F, I>, model: Model<F>, B: number, T: number): Activations<F, I> {
  const d = model.dims;
  if (!(T >= 1 && T <= d.Tmax)) throw new RangeError(`createActivations: T = ${T} must be in [1, maxSeqLen = ${d.Tmax}]`);
  if (!(B >= 1)) throw new RangeError(`createActivations: B = ${B} must be >= 1`);
  const total = activationsSize(model.dims, model.cfg, B, T);
  const carve = (buf: F) => {
    let off = 0;
    const take = (n: number) => {
      const v = ops.view(buf, off, n);
      off = alignUp(off + n);
      return v;
    };
    return layoutActs(take, d, model.cfg, B, T);
  };
  const N = B * T;
  const aBuf = ops.alloc(total);
  const dBuf = ops.alloc(total);
  const nN = alignUp(N);
  const nTop = alignUp(N * d.k);
  const ints = ops.allocInt(activationsIntSize(model.dims, B, T));
  const topIdx: I[] = [];
  for (let l = 0; l < d.L; l++) topIdx.push(ops.viewInt(ints, 2 * nN + l * nTop, N * d.k));
  return {
    B, T, N, tokens: ops.viewInt(ints, 0, N), targets: ops.viewInt(ints, nN, N), topIdx,
    a: carve(aBuf), d: carve(dBuf), aBuf, dBuf, temperature: 1,
  };
}

function moeDims(model: Model<unknown>, N: number): MoeDims {
  const d = model.dims;
  return { N, C: d.C, H: d.H, E: d.E, S: d.S, k: d.k, ffn: model.cfg.model.ffn };
}

// ---------------------------------------------------------------------------

/** Runs the model on acts.tokens: logits, logp of acts.targets at temperature, entropy, expert load, aux loss. */
export function forward<F, I>(ops: Ops<F, I>, model: Model<F>, acts: Activations<F, I>, temperature = 1): void {
  const { B, T, N } = acts;
  const { C, V, NH, E, k } = model.dims;
  const m = model.cfg.model;
  const p = model.p;
  const a = acts.a;
  const md = moeDims(model, N);
  const rd: RouterDims = { N, C, E, k, kind: m.router };
  acts.temperature = temperature;

  ops.encoderForward(a.encoded, acts.tokens, p.wte, p.wpe, B, T, C);
  let res = a.encoded; // (N,C) the residual stream entering the layer
  for (let l = 0; l < model.dims.L; l++) {
    const w = p.layers[l]!;
    const la = a.layers[l]!;
    const top = acts.topIdx[l]!;
    ops.rmsnormForward(la.ln1, la.rstd1, res, w.ln1, N, C);
    ops.matmulForward({ out: la.qkv, inp: la.ln1, weight: w.wqkv, bias: null }, { N, C, OC: 3 * C });
    if (m.positions === 'rope') ops.ropeForward(la.qkvr, la.qkv, B, T, C, NH);
    ops.attentionForward(la.atty, la.att, la.qkvr, B, T, C, NH);
    ops.matmulForward({ out: la.attproj, inp: la.atty, weight: w.wproj, bias: null }, { N, C, OC: C });
    ops.residualForward(la.res2, res, la.attproj, N * C);
    ops.rmsnormForward(la.ln2, la.rstd2, la.res2, w.ln2, N, C);
    ops.routerForward({ scores: la.scores, topIdx: top, gates: la.gates, inp: la.ln2, wRouter: w.wRouter, bias: model.bias[l]! }, rd);
    ops.moeForward({ out: la.moeOut, cache: la.moe, inp: la.ln2, topIdx: top, gates: la.gates, w1: w.w1, w3: w.w3, w2: w.w2 }, md);
    ops.residualForward(la.res3, la.res2, la.moeOut, N * C);
    ops.expertLoad(la.load, top, N, E, k);
    if (m.balance === 'aux') ops.switchAuxLossForward(la.auxLoss, la.scores, top, N, E, k, m.auxAlpha);
    res = la.res3;
  }
  ops.rmsnormForward(a.lnf, a.rstdf, res, p.lnf, N, C);
  ops.matmulForward({ out: a.logits, inp: a.lnf, weight: p.wte, bias: null }, { N, C, OC: V });
  ops.logprobForward(a.logp, a.probs, a.logits, acts.targets, N, V, temperature);
  ops.entropyForward(a.entropy, a.probs, N, V);
}

/**
 * Accumulates into model.grads the gradient of sum_n dLogp[n] * logp[n]
 * + auxWeight * (sum of the layers' aux losses). dLogp is (N). Reads the
 * caches of the last forward on these activations.
 */
export function backward<F, I>(ops: Ops<F, I>, model: Model<F>, acts: Activations<F, I>, dLogp: F, auxWeight = 1): void {
  const { B, T, N } = acts;
  const { C, V, NH, E, k } = model.dims;
  const m = model.cfg.model;
  const p = model.p;
  const g = model.g;
  const a = acts.a;
  const d = acts.d;
  const md = moeDims(model, N);
  const rd: RouterDims = { N, C, E, k, kind: m.router };
  const aux = m.balance === 'aux' && auxWeight !== 0;
  ops.zero(acts.dBuf);

  ops.logprobBackward(d.logits, dLogp, a.probs, acts.targets, N, V, acts.temperature);
  ops.matmulBackward({ dInp: d.lnf, dWeight: g.wte, dBias: null, dOut: d.logits, inp: a.lnf, weight: p.wte }, { N, C, OC: V });
  const L = model.dims.L;
  ops.rmsnormBackward(L > 0 ? d.layers[L - 1]!.res3 : d.encoded, g.lnf, d.lnf, L > 0 ? a.layers[L - 1]!.res3 : a.encoded, p.lnf, a.rstdf, N, C);
  for (let l = L - 1; l >= 0; l--) {
    const w = p.layers[l]!;
    const gw = g.layers[l]!;
    const la = a.layers[l]!;
    const ld = d.layers[l]!;
    const top = acts.topIdx[l]!;
    const res = l === 0 ? a.encoded : a.layers[l - 1]!.res3;
    const dRes = l === 0 ? d.encoded : d.layers[l - 1]!.res3;
    ops.residualBackward(ld.res2, ld.moeOut, ld.res3, N * C);
    ops.moeBackward({
      dInp: ld.ln2, dW1: gw.w1, dW3: gw.w3, dW2: gw.w2, dGates: ld.gates, dOut: ld.moeOut,
      cache: la.moe, inp: la.ln2, topIdx: top, gates: la.gates, w1: w.w1, w3: w.w3, w2: w.w2,
    }, md);
    if (aux) ops.switchAuxLossBackward(ld.scores, la.scores, top, N, E, k, m.auxAlpha, auxWeight);
    ops.routerBackward({
      dInp: ld.ln2, dWRouter: gw.wRouter, dGates: ld.gates, dScoresExtra: aux ? ld.scores : null,
      scores: la.scores, topIdx: top, gates: la.gates, inp: la.ln2, wRouter: w.wRouter,
    }, rd);
    ops.rmsnormBackward(ld.res2, gw.ln2, ld.ln2, la.res2, w.ln2, la.rstd2, N, C);
    ops.residualBackward(dRes, ld.attproj, ld.res2, N * C);
    ops.matmulBackward({ dInp: ld.atty, dWeight: gw.wproj, dBias: null, dOut: ld.attproj, inp: la.atty, weight: w.wproj }, { N, C, OC: C });
    ops.attentionBackward(ld.qkvr, ld.atty, la.qkvr, la.att, B, T, C, NH);
    if (m.positions === 'rope') ops.ropeBackward(ld.qkv, ld.qkvr, B, T, C, NH);
    ops.matmulBackward({ dInp: ld.ln1, dWeight: gw.wqkv, dBias: null, dOut: ld.qkv, inp: la.ln1, weight: w.wqkv }, { N, C, OC: 3 * C });
    ops.rmsnormBackward(dRes, gw.ln1, ld.ln1, res, w.ln1, la.rstd1, N, C);
  }
  ops.encoderBackward(g.wte, g.wpe, d.encoded, acts.tokens, B, T, C);
}

export function zeroGrads<F, I>(ops: Ops<F, I>, model: Model<F>): void {
  ops.zero(model.grads);
}

export interface OptimHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  gradClip: number;
}

/**
 * A device-side NaN guard for adamwStep (cpu/pack.ts): checkFinite(flag,
 * gradNorm, code) runs between the norm and the updates, and the updates do
 * nothing while flag is non-zero, so a bad step needs no readback to be refused.
 */
export interface StepGuard<F> {
  flag: F; // (1)
  code: number;
}

/**
 * One AdamW step over every tensor, clipped by the global gradient norm
 * (written to model.gradNorm before clipping). Decay only where the table says.
 * With a guard, a non-finite norm (or a flag already set) leaves every weight
 * and moment as it was; model.step still counts the step (the caller that
 * reads the flag later puts it back).
 */
export function adamwStep<F, I>(ops: Ops<F, I>, model: Model<F>, h: OptimHyper, guard?: StepGuard<F>): void {
  model.step++;
  ops.gradNorm(model.gradNorm, model.grads, model.table.total);
  if (guard) ops.checkFinite(guard.flag, model.gradNorm, 1, guard.code);
  for (const s of model.slots) {
    ops.adamwUpdate(s.p, s.g, s.m, s.v, model.gradNorm, s.size, { ...h, step: model.step, weightDecay: s.decay ? h.weightDecay : 0 }, guard?.flag ?? null);
  }
}

/** DeepSeek-V3 aux-loss-free balancing: nudges each layer's bias by the load of the last forward (not while skip (1) is non-zero). */
export function updateRouterBias<F, I>(ops: Ops<F, I>, model: Model<F>, acts: Activations<F, I>, gamma: number, skip: F | null = null): void {
  for (let l = 0; l < model.dims.L; l++) ops.auxFreeBiasUpdate(model.bias[l]!, acts.a.layers[l]!.load, model.dims.E, gamma, skip);
}
