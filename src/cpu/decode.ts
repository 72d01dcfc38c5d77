// The CPU twin of the decode ops (model/decode.ts's DecodeOps): KV-cache
// write, single-pass causal attention against the cache, and sampling with the
// counter-based RNG. The oracle of gpu/kernels/{kv_write,attention_decode,sample}.
//
// Dimensions: nSeq rows, T positions in this pass starting at pos0, C
// channels, NH heads, HS = C/NH, Tmax cache length, V vocabulary.
// Caches are one layer's (nSeq,Tmax,C); qkv rows are [q | k | v] (nSeq,T,3C).
//
// Rounding follows rope.ts + attention.ts step for step (rotated values and
// attention weights are stored in arrays of the caller's precision before use),
// so a decode on Float32Array gives the same bits as model.ts's full forward.

import { rngFloat } from '../core/rng';
import { logprobForward } from './logprob';
import { ROPE_BASE } from './rope';
import type { DecodeOps, SampleDims } from '../ops/decode';
import type { FloatArray } from './types';

function like(x: FloatArray, n: number): FloatArray {
  return x instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

function headSize(C: number, NH: number, rope: boolean): number {
  const HS = C / NH;
  if (!Number.isInteger(HS) || (rope && HS % 2 !== 0)) throw new RangeError(`decode: head size C/NH = ${C}/${NH} must be an integer (even for RoPE)`);
  return HS;
}

function checkPositions(who: string, T: number, pos0: number, Tmax: number): void {
  if (!(T >= 1 && pos0 >= 0 && pos0 + T <= Tmax)) throw new RangeError(`${who}: positions [${pos0}, ${pos0 + T}) outside the cache of ${Tmax}`);
}

/** out (NH*HS) = rotate-half RoPE of the NH heads of x (C values starting at src) at position t (rope.ts's formula). */
function rotate(out: FloatArray, o: number, x: FloatArray, src: number, t: number, NH: number, HS: number): void {
  const half = HS / 2;
  for (let i = 0; i < half; i++) {
    const angle = t * Math.pow(ROPE_BASE, -i / half);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (let h = 0; h < NH; h++) {
      const a = h * HS + i;
      const x1 = x[src + a]!;
      const x2 = x[src + a + half]!;
      out[o + a] = x1 * cos - x2 * sin;
      out[o + a + half] = x2 * cos + x1 * sin;
    }
  }
}

/** kCache, vCache (nSeq,Tmax,C) at positions pos0..pos0+T-1 from qkv (nSeq,T,3C); k rotated when rope. */
export function kvWrite(kCache: FloatArray, vCache: FloatArray, qkv: FloatArray, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void {
  const HS = headSize(C, NH, rope);
  checkPositions('kvWrite', T, pos0, Tmax);
  for (let b = 0; b < nSeq; b++) {
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * 3 * C;
      const dst = (b * Tmax + pos0 + t) * C;
      if (rope) rotate(kCache, dst, qkv, row + C, pos0 + t, NH, HS);
      else for (let c = 0; c < C; c++) kCache[dst + c] = qkv[row + C + c]!;
      for (let c = 0; c < C; c++) vCache[dst + c] = qkv[row + 2 * C + c]!;
    }
  }
}

/**
 * out (nSeq,T,C): query (b,t), rotated to position pos0+t when rope, attends to
 * cache positions 0..pos0+t of row b. attentionForward's three passes.
 */
export function attentionDecode(out: FloatArray, qkv: FloatArray, kCache: FloatArray, vCache: FloatArray, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void {
  const HS = headSize(C, NH, rope);
  checkPositions('attentionDecode', T, pos0, Tmax);
  const scale = 1 / Math.sqrt(HS);
  const q = like(out, C); // (C) this row's query, rotated, in the caller's precision
  const att = like(out, Tmax); // (Tmax) one head's scores, then weights
  const acc = new Float64Array(HS);
  for (let b = 0; b < nSeq; b++) {
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * 3 * C;
      const pos = pos0 + t;
      if (rope) rotate(q, 0, qkv, row, pos, NH, HS);
      else for (let c = 0; c < C; c++) q[c] = qkv[row + c]!;
      for (let h = 0; h < NH; h++) {
        let max = -Infinity;
        for (let t2 = 0; t2 <= pos; t2++) {
          const k = (b * Tmax + t2) * C + h * HS;
          let s = 0;
          for (let i = 0; i < HS; i++) s += q[h * HS + i]! * kCache[k + i]!;
          s *= scale;
          att[t2] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let t2 = 0; t2 <= pos; t2++) {
          const e = Math.exp(att[t2]! - max);
          att[t2] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let t2 = 0; t2 <= pos; t2++) att[t2] = att[t2]! * inv;
        acc.fill(0);
        for (let t2 = 0; t2 <= pos; t2++) {
          const v = (b * Tmax + t2) * C + h * HS;
          const w = att[t2]!;
          for (let i = 0; i < HS; i++) acc[i] = acc[i]! + w * vCache[v + i]!;
        }
        const o = (b * T + t) * C + h * HS;
        for (let i = 0; i < HS; i++) out[o + i] = acc[i]!;
      }
    }
  }
}

/**
 * One token from one row of logits (V) with the uniform draw u in [0, 1):
 * temperature 0 = argmax (lowest id on ties); else the first token, in
 * vocabulary order, whose cumulative weight exp((logit - max) / temperature)
 * exceeds u * total, over the topK largest logits (ties at the threshold
 * stay; 0 = all), then over the nucleus of those (topP < 1, HF's order:
 * temperature, top-k, top-p): a token stays iff the weight of the tokens
 * with a strictly larger logit is below topP * their total, so the most
 * likely token always stays and ties at the edge stay together.
 * model/generate.ts samples with this same function, and
 * gpu/kernels/sample.wgsl ports it.
 */
export function sampleToken(logits: ArrayLike<number>, u: number, temperature: number, topK: number, topP = 1): number {
  const V = logits.length;
  let best = 0;
  for (let v = 1; v < V; v++) if (logits[v]! > logits[best]!) best = v;
  if (temperature === 0) return best;
  const max = logits[best]!;
  const w = new Float64Array(V);
  let total = 0;
  for (let v = 0; v < V; v++) {
    // in the top k iff fewer than k logits are strictly larger (the GPU kernel's rule)
    if (topK > 0 && topK < V) {
      let larger = 0;
      for (let j = 0; j < V; j++) if (logits[j]! > logits[v]!) larger++;
      if (larger >= topK) continue;
    }
    w[v] = Math.exp((logits[v]! - max) / temperature);
    total += w[v]!;
  }
  if (topP < 1) total = nucleus(w, logits, topP * total, max);
  const target = u * total;
  let acc = 0;
  for (let v = 0; v < V; v++) {
    acc += w[v]!;
    if (acc > target && w[v]! > 0) return v;
  }
  return best; // only through rounding when u is within an ulp of 1
}

/**
 * Zeroes the weights w (V) outside the nucleus and returns the total left.
 * floor = the lowest logit whose strictly-larger kept weight (summed in
 * vocabulary order) is below mass; tokens below it leave. The WGSL kernel
 * computes the same floor the same way.
 */
function nucleus(w: Float64Array, logits: ArrayLike<number>, mass: number, max: number): number {
  const V = w.length;
  let floor = max;
  for (let v = 0; v < V; v++) {
    if (!(w[v]! > 0) || logits[v]! >= floor) continue;
    let above = 0;
    for (let j = 0; j < V; j++) if (w[j]! > 0 && logits[j]! > logits[v]!) above += w[j]!;
    if (above < mass) floor = logits[v]!;
  }
  let total = 0;
  for (let v = 0; v < V; v++) {
    if (logits[v]! < floor) w[v] = 0;
    total += w[v]!;
  }
  return total;
}

/**
 * Fills position d.pos of every row (see DecodeOps.sample): prompt token while
 * pos < plen[b]; pad once done; else draws with u = rngFloat(seed, stream,
 * b*Tmax + pos), records the token, its logp (logprobForward at the
 * temperature, 1 when greedy) and the length, and stops the row at <eos>,
 * maxNew tokens or position Tlimit-1.
 * next (nSeq), record (2*nSeq*maxNew + nSeq), status (nSeq), logits (rows,V),
 * prompt (nSeq,Tmax), plen (nSeq).
 */
export function sample(next: Int32Array, record: FloatArray, status: Int32Array, logits: FloatArray, prompt: Int32Array, plen: Int32Array, d: SampleDims): void {
  const { nSeq, V, maxNew } = d;
  const logpT = d.temperature > 0 ? d.temperature : 1;
  const probs = new Float64Array(V);
  const lp = new Float64Array(1);
  const target = new Int32Array(1);
  for (let b = 0; b < nSeq; b++) {
    const P = plen[b]!;
    if (d.pos < P) {
      next[b] = prompt[b * d.Tmax + d.pos]!;
      continue;
    }
    if (status[b] !== 0) {
      next[b] = d.pad;
      continue;
    }
    const j = d.pos - P; // column of the record
    const row = logits.subarray((b * d.rowStride + d.rowOff) * V, (b * d.rowStride + d.rowOff + 1) * V);
    const tok = sampleToken(row, rngFloat(d.seed, d.stream, b * d.Tmax + d.pos), d.temperature, d.topK, d.topP);
    target[0] = tok;
    logprobForward(lp, probs, row, target, 1, V, logpT);
    record[b * maxNew + j] = tok;
    record[nSeq * maxNew + b * maxNew + j] = lp[0]!;
    record[2 * nSeq * maxNew + b] = j + 1;
    if (tok === d.eos || j + 1 >= maxNew || d.pos + 1 >= d.Tlimit) status[b] = 1;
    next[b] = tok;
  }
}

/** The CPU DecodeOps (ops/decode.ts), over the same arrays as createCpuOps. */
export function createCpuDecodeOps() {
  const dec = { name: 'cpu-decode', kvWrite, attentionDecode, sample };
  return dec satisfies DecodeOps<FloatArray, Int32Array>;
}
