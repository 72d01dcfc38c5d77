// Batched autoregressive decoding with a KV cache (DESIGN §7): the
// straight-line passes over the decode-only ops (ops/decode.ts DecodeOps).
//
// Dimension letters as in model.ts, plus:
//   nSeq  rows being decoded (B*G in a rollout), one sequence each
//   P0    the shortest prompt's length: positions every row has a prompt token for
//   pos   a position in the sequence, 0..Tmax-1
//
// Prompts of different lengths: PER-ROW LENGTHS, no left padding. Every row
// steps through the same position at the same time (so RoPE angles and the
// attention length are one scalar per pass, and a row's positions are exactly
// those a plain forward over its own tokens would give). prefill runs
// positions 0..P0-1 in one pass; each later pass (decodeStep) feeds one token
// per row. sample() then fills position pos of each row: while pos is still
// inside a row's prompt it copies the prompt token (teacher forcing), after
// that it draws, records the token and its log-prob, and stops the row at
// <eos> or its length limit. Finished rows keep computing (on <pad>), which
// costs a little work but needs no readback to know who is done.
//
// The math is model.ts's forward row for row: RoPE is fused into kvWrite (k)
// and attentionDecode (q) with angle = (pos0 + t) * 10000^(-2i/HS), the
// attention softmax runs over cache positions 0..pos0+t, and the logits come
// from the same rmsnorm / tied matmul. Greedy decoding therefore equals
// re-running the full forward (model/generate.ts), which the tests check.

import type { Model, ModelDims } from './model';
import type { DecodeOps, SampleDims } from '../ops/decode';
import { moeCacheSize, type MoeCacheOf, type MoeDims, type Ops, type RouterDims } from '../ops/ops';
import { alignUp } from './params';


/** The record's parts: offsets into the one packed float buffer (read back once). */
export function recordLayout(nSeq: number, maxNew: number): { tokens: number; logp: number; length: number; total: number } {
  const n = nSeq * maxNew;
  return { tokens: 0, logp: n, length: 2 * n, total: 2 * n + nSeq };
}

interface PassActs<F, I> {
  N: number;
  tokens: I; // (N) input ids of this pass (decode: (nSeq), written by sample)
  encoded: F; // (N,C)
  layers: {
    ln1: F; rstd1: F; // (N,C), (N)
    qkv: F; // (N,3C) before RoPE: RoPE is applied inside kvWrite / attentionDecode
    atty: F; attproj: F; res2: F; // (N,C) each
    ln2: F; rstd2: F; // (N,C), (N)
    scores: F; gates: F; topIdx: I; // (N,E), (N,k), (N,k)
    moe: MoeCacheOf<F>;
    moeOut: F; res3: F; // (N,C)
  }[];
  lnf: F; rstdf: F; // (N,C), (N)
  logits: F; // (N,V)
}

/** KV cache, prompts, per-row status, the record, and activations for the prefill (nSeq*P0 rows) and step (nSeq rows) passes. */
export interface DecodeState<F, I> {
  nSeq: number;
  maxPrompt: number; // capacity of the prefill pass, in positions
  maxNew: number;
  kCache: F[]; // per layer (nSeq,Tmax,C) views of one (L,nSeq,Tmax,C) buffer
  vCache: F[];
  prompt: I; // (nSeq,Tmax) padded prompts
  plen: I; // (nSeq)
  status: I; // (nSeq) 0 running, 1 done
  record: F; // recordLayout(nSeq, maxNew)
  prefillActs: PassActs<F, I>; // nSeq*maxPrompt rows; a prefill over P0 positions uses its first nSeq*P0
  stepActs: PassActs<F, I>; // nSeq rows; its tokens are written by sample
  aBuf: F;
  iBuf: I;
}

function layoutPass<F, I>(take: (n: number) => F, takeInt: (n: number) => I, dims: ModelDims, swiglu: boolean, N: number): PassActs<F, I> {
  const { C, V, E, k, S, H, L } = dims;
  const mc = moeCacheSize({ N, C, H, S, k });
  const layers: PassActs<F, I>['layers'] = [];
  const tokens = takeInt(N);
  for (let l = 0; l < L; l++) {
    layers.push({
      ln1: take(N * C), rstd1: take(N), qkv: take(N * 3 * C), atty: take(N * C), attproj: take(N * C), res2: take(N * C),
      ln2: take(N * C), rstd2: take(N), scores: take(N * E), gates: take(N * k), topIdx: takeInt(N * k),
      moe: { h1: take(mc.h), h3: swiglu ? take(mc.h) : null, act: take(mc.h), y: take(mc.y) },
      moeOut: take(N * C), res3: take(N * C),
    });
  }
  return { N, tokens, encoded: take(N * C), layers, lnf: take(N * C), rstdf: take(N), logits: take(N * V) };
}

/** Allocates everything a rollout of nSeq rows, prompts up to maxPrompt tokens and maxNew new tokens needs. */
export function createDecodeState<F, I>(ops: Ops<F, I>, model: Model<F>, nSeq: number, maxPrompt: number, maxNew: number): DecodeState<F, I> {
  const { L, C, Tmax } = model.dims;
  if (!(nSeq >= 1 && maxPrompt >= 1 && maxNew >= 1)) throw new RangeError(`createDecodeState: need nSeq, maxPrompt, maxNew >= 1, got ${nSeq}, ${maxPrompt}, ${maxNew}`);
  if (maxPrompt >= Tmax) throw new RangeError(`createDecodeState: prompts of ${maxPrompt} tokens leave no room in maxSeqLen = ${Tmax}`);
  const swiglu = model.cfg.model.ffn === 'swiglu';
  // Two sweeps over the same layout: the first counts, the second carves aligned views.
  let f = 0, i = 0;
  const count = (n: number) => ((f = alignUp(f + n)), 0);
  const countInt = (n: number) => ((i = alignUp(i + n)), 0);
  layoutPass(count, countInt, model.dims, swiglu, nSeq * maxPrompt);
  layoutPass(count, countInt, model.dims, swiglu, nSeq);
  const aBuf = ops.alloc(f);
  const iBuf = ops.allocInt(alignUp(i + alignUp(nSeq * Tmax) + 2 * alignUp(nSeq)));
  let fo = 0, io = 0;
  const take = (n: number) => { const v = ops.view(aBuf, fo, n); fo = alignUp(fo + n); return v; };
  const takeInt = (n: number) => { const v = ops.viewInt(iBuf, io, n); io = alignUp(io + n); return v; };
  const prefillActs = layoutPass(take, takeInt, model.dims, swiglu, nSeq * maxPrompt);
  const stepActs = layoutPass(take, takeInt, model.dims, swiglu, nSeq);
  const prompt = takeInt(nSeq * Tmax);
  const plen = takeInt(nSeq);
  const status = takeInt(nSeq);
  const layerSize = nSeq * Tmax * C;
  const kBuf = ops.alloc(L * layerSize);
  const vBuf = ops.alloc(L * layerSize);
  const kCache: F[] = [], vCache: F[] = [];
  for (let l = 0; l < L; l++) {
    kCache.push(ops.view(kBuf, l * layerSize, layerSize));
    vCache.push(ops.view(vBuf, l * layerSize, layerSize));
  }
  const record = ops.alloc(recordLayout(nSeq, maxNew).total);
  return { nSeq, maxPrompt, maxNew, kCache, vCache, prompt, plen, status, record, prefillActs, stepActs, aBuf, iBuf };
}

/** Views of the first n rows of a pass laid out for more (the prefill over P0 < maxPrompt positions). */
function firstRows<F, I>(ops: Ops<F, I>, model: Model<F>, a: PassActs<F, I>, N: number): PassActs<F, I> {
  if (N === a.N) return a;
  const { C, V, E, k, S, H } = model.dims;
  const f = (x: F, per: number) => ops.view(x, 0, N * per);
  const slots = S + k;
  return {
    N, tokens: ops.viewInt(a.tokens, 0, N), encoded: f(a.encoded, C),
    layers: a.layers.map((la) => ({
      ln1: f(la.ln1, C), rstd1: f(la.rstd1, 1), qkv: f(la.qkv, 3 * C), atty: f(la.atty, C), attproj: f(la.attproj, C),
      res2: f(la.res2, C), ln2: f(la.ln2, C), rstd2: f(la.rstd2, 1), scores: f(la.scores, E), gates: f(la.gates, k),
      topIdx: ops.viewInt(la.topIdx, 0, N * k),
      moe: { h1: f(la.moe.h1, slots * H), h3: la.moe.h3 ? f(la.moe.h3, slots * H) : null, act: f(la.moe.act, slots * H), y: f(la.moe.y, slots * C) },
      moeOut: f(la.moeOut, C), res3: f(la.res3, C),
    })),
    lnf: f(a.lnf, C), rstdf: f(a.rstdf, 1), logits: f(a.logits, V),
  };
}

/**
 * One pass over T positions pos0..pos0+T-1 of every row (a.tokens holds
 * their ids, (nSeq,T)): writes the KV cache at those positions and a.logits
 * (nSeq*T,V). model.ts's forward with attention read from the cache.
 */
function pass<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, model: Model<F>, st: DecodeState<F, I>, a: PassActs<F, I>, T: number, pos0: number): void {
  const { C, V, NH, E, k, Tmax } = model.dims;
  const m = model.cfg.model;
  const p = model.p;
  const nSeq = st.nSeq;
  const N = nSeq * T;
  const rope = m.positions === 'rope';
  const md: MoeDims = { N, C, H: model.dims.H, E, S: model.dims.S, k, ffn: m.ffn };
  const rd: RouterDims = { N, C, E, k, kind: m.router };
  // learned positions: a view of wpe starting at pos0, so the encoder's t indexes pos0 + t
  ops.encoderForward(a.encoded, a.tokens, p.wte, p.wpe ? ops.view(p.wpe, pos0 * C, T * C) : null, nSeq, T, C);
  let res = a.encoded;
  for (let l = 0; l < model.dims.L; l++) {
    const w = p.layers[l]!;
    const la = a.layers[l]!;
    ops.rmsnormForward(la.ln1, la.rstd1, res, w.ln1, N, C);
    ops.matmulForward({ out: la.qkv, inp: la.ln1, weight: w.wqkv, bias: null }, { N, C, OC: 3 * C });
    dec.kvWrite(st.kCache[l]!, st.vCache[l]!, la.qkv, nSeq, T, pos0, C, NH, Tmax, rope);
    dec.attentionDecode(la.atty, la.qkv, st.kCache[l]!, st.vCache[l]!, nSeq, T, pos0, C, NH, Tmax, rope);
    ops.matmulForward({ out: la.attproj, inp: la.atty, weight: w.wproj, bias: null }, { N, C, OC: C });
    ops.residualForward(la.res2, res, la.attproj, N * C);
    ops.rmsnormForward(la.ln2, la.rstd2, la.res2, w.ln2, N, C);
    ops.routerForward({ scores: la.scores, topIdx: la.topIdx, gates: la.gates, inp: la.ln2, wRouter: w.wRouter, bias: model.bias[l]! }, rd);
    ops.moeForward({ out: la.moeOut, cache: la.moe, inp: la.ln2, topIdx: la.topIdx, gates: la.gates, w1: w.w1, w3: w.w3, w2: w.w2 }, md);
    ops.residualForward(la.res3, la.res2, la.moeOut, N * C);
    res = la.res3;
  }
  ops.rmsnormForward(a.lnf, a.rstdf, res, p.lnf, N, C);
  ops.matmulForward({ out: a.logits, inp: a.lnf, weight: p.wte, bias: null }, { N, C, OC: V });
}

/** What a rollout fixes for all its sample() calls. */
export type SampleConfig = Pick<SampleDims, 'temperature' | 'topK' | 'topP' | 'seed' | 'stream' | 'Tlimit' | 'eos' | 'pad'>;

/**
 * Uploads the prompts (nSeq of them, each 1..maxPrompt tokens), resets the
 * status and record, runs positions 0..P0-1 in one pass and fills position P0.
 * Returns P0. Host writes only: nothing is read back.
 */
export function prefill<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, model: Model<F>, st: DecodeState<F, I>, prompts: readonly (readonly number[])[], sc: SampleConfig): number {
  const { Tmax, V } = model.dims;
  const nSeq = st.nSeq;
  if (prompts.length !== nSeq) throw new RangeError(`prefill: ${prompts.length} prompts for a state of ${nSeq} rows`);
  const lens = prompts.map((q) => q.length);
  const P0 = Math.min(...lens);
  const Pmax = Math.max(...lens);
  if (P0 < 1) throw new RangeError('prefill: every prompt needs at least one token');
  if (Pmax > st.maxPrompt) throw new RangeError(`prefill: a prompt of ${Pmax} tokens exceeds the state's maxPrompt ${st.maxPrompt}`);
  if (!(sc.Tlimit > Pmax && sc.Tlimit <= Tmax)) throw new RangeError(`prefill: Tlimit ${sc.Tlimit} must be in (${Pmax}, ${Tmax}]`);
  const padded = new Int32Array(nSeq * Tmax).fill(sc.pad);
  const first = new Int32Array(nSeq * P0);
  prompts.forEach((q, b) => {
    padded.set(q, b * Tmax);
    first.set(q.slice(0, P0), b * P0);
  });
  const a = firstRows(ops, model, st.prefillActs, nSeq * P0);
  // host writes before any dispatch: on the GPU they then need no submit of their own
  ops.writeInt(st.prompt, padded);
  ops.writeInt(st.plen, lens);
  ops.writeInt(st.status, new Int32Array(nSeq));
  ops.writeInt(a.tokens, first);
  ops.zero(st.record);
  pass(ops, dec, model, st, a, P0, 0);
  dec.sample(st.stepActs.tokens, st.record, st.status, a.logits, st.prompt, st.plen, {
    ...sc, nSeq, V, rowStride: P0, rowOff: P0 - 1, pos: P0, Tmax, maxNew: st.maxNew,
  });
  return P0;
}

/** Feeds each row's token at position pos (written by the last sample) and fills position pos+1. */
export function decodeStep<F, I>(ops: Ops<F, I>, dec: DecodeOps<F, I>, model: Model<F>, st: DecodeState<F, I>, pos: number, sc: SampleConfig): void {
  const a = st.stepActs;
  pass(ops, dec, model, st, a, 1, pos);
  dec.sample(a.tokens, st.record, st.status, a.logits, st.prompt, st.plen, {
    ...sc, nSeq: st.nSeq, V: model.dims.V, rowStride: 1, rowOff: 0, pos: pos + 1, Tmax: model.dims.Tmax, maxNew: st.maxNew,
  });
}
