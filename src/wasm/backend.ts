// The fast CPU engine: model/ops.ts's Ops and model/decode.ts's DecodeOps
// over the same Float32Array tensors as the CPU reference (cpu/backend.ts),
// with the ops that take the time in a GRPO step (profiled at the default
// preset: MoE ~50%, matmuls ~30%, attention and decode attention ~15%) run
// as WebAssembly SIMD kernels (assembly/kernels.ts). Every other op is the
// reference's own function, so the engine differs from the oracle only
// where a kernel is parity-tested against it (backend.test.ts).
//
// Memory: tensors stay ordinary JS typed arrays (so views, checkpoints,
// readbacks and every caller work unchanged); each accelerated op copies its
// inputs into the module's memory, runs, and copies its outputs back. The
// copies are O(size) against the kernels' O(size x width) arithmetic (a few
// percent of a step). The module's memory only grows; no view of it is kept
// across a call, since growing detaches the old buffer.
//
// f32 only: a Float64Array tensor (the gradient checks) takes the reference.
// Imports: core, ops (the contract, checked with `satisfies`), cpu.

import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import { ROPE_BASE } from '../cpu/rope';
import type { FloatArray } from '../cpu/types';
import type { DecodeOps } from '../ops/decode';
import type { MatmulBackwardArgs, MatmulDims, MatmulForwardArgs, MoeBackwardArgs, MoeDims, MoeForwardArgs, Ops } from '../ops/ops';
import { KERNELS_WASM_BASE64 } from './kernels.wasm';

type Ptr = number;

interface Kernels {
  memory: WebAssembly.Memory;
  gemm(c: Ptr, a: Ptr, b: Ptr, M: number, K: number, N: number, acc: number): void;
  transpose(dst: Ptr, src: Ptr, rows: number, cols: number): void;
  fillRows(out: Ptr, bias: Ptr, N: number, OC: number): void;
  colSumAcc(dBias: Ptr, dOut: Ptr, N: number, OC: number): void;
  attentionForward(out: Ptr, att: Ptr, inp: Ptr, B: number, T: number, C: number, NH: number): void;
  attentionBackward(dInp: Ptr, dOut: Ptr, inp: Ptr, att: Ptr, B: number, T: number, C: number, NH: number, scratch: Ptr): void;
  attentionDecode(out: Ptr, q: Ptr, kCache: Ptr, vCache: Ptr, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, scratch: Ptr): void;
  moeForward(out: Ptr, h1: Ptr, h3: Ptr, act: Ptr, y: Ptr, inp: Ptr, topIdx: Ptr, gates: Ptr, w1: Ptr, w3: Ptr, w2: Ptr,
    N: number, C: number, H: number, E: number, S: number, k: number, swiglu: number, scratch: Ptr): void;
  ropeRows(dst: Ptr, dstB: number, src: Ptr, nSeq: number, T: number, pos0: number, C: number, NH: number, table: Ptr, rope: number): void;
  rmsnormForward(out: Ptr, rstd: Ptr, inp: Ptr, weight: Ptr, N: number, C: number): void;
  ropeForward(out: Ptr, inp: Ptr, B: number, T: number, C: number, NH: number, table: Ptr): void;
  ropeBackward(dInp: Ptr, dOut: Ptr, B: number, T: number, C: number, NH: number, table: Ptr): void;
  moeBackward(dInp: Ptr, dW1: Ptr, dW3: Ptr, dW2: Ptr, dGates: Ptr, dOut: Ptr, h1: Ptr, h3: Ptr, act: Ptr, y: Ptr,
    inp: Ptr, topIdx: Ptr, gates: Ptr, w1: Ptr, w3: Ptr, w2: Ptr,
    N: number, C: number, H: number, E: number, S: number, k: number, swiglu: number, scratch: Ptr): void;
}

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const s = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

let compiled: WebAssembly.Module | null = null;

/**
 * Instantiates the kernels (synchronously: 11 KB, fine in Node and in a
 * worker). Throws when the runtime lacks WebAssembly SIMD (model/backend.ts
 * then keeps the reference, with the reason).
 */
export function loadKernels(): Kernels {
  compiled ??= new WebAssembly.Module(wasmBytes());
  return new WebAssembly.Instance(compiled, {}).exports as unknown as Kernels;
}

/** Whether this runtime can run the fast engine; the error text when not. */
export function wasmSupport(): { ok: true } | { ok: false; reason: string } {
  try {
    loadKernels();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `WebAssembly SIMD is unavailable here (${e instanceof Error ? e.message : String(e)})` };
  }
}

/**
 * A bump allocator over the module's memory, reset by every op. put copies a
 * host array in; get copies a result out. Pointers are byte addresses,
 * 16-byte aligned (v128 loads do not need it, but it is free).
 */
class Arena {
  private readonly floor: number;
  private base: number;
  private top: number;
  /** Bumped by dropPersistent: what persist() handed out before is gone. */
  generation = 0;
  constructor(private readonly k: Kernels) {
    // everything the module itself placed in memory lies below its initial size
    this.floor = k.memory.buffer.byteLength;
    this.base = this.floor;
    this.top = this.base;
  }
  private ensure(bytes: number): void {
    const have = this.k.memory.buffer.byteLength;
    if (bytes > have) this.k.memory.grow(Math.ceil((bytes - have) / 65536));
  }
  /** Starts a call that will need at most `floats` 4-byte elements in all. */
  begin(floats: number): void {
    this.top = this.base;
    // slack for the alignment of up to 64 arrays, and for a loop tail's vector that reads up to 12 bytes past the last (assembly/simd.ts)
    this.ensure(this.base + floats * 4 + 16 * 64);
  }
  /** Bytes held by persist(). */
  get persistent(): number {
    return this.base - this.floor;
  }
  /** n floats that outlive calls (below every call's region), until dropPersistent. */
  persist(n: number): Ptr {
    const p = this.base;
    this.base = (p + n * 4 + 15) & ~15;
    this.ensure(this.base);
    this.top = this.base;
    return p;
  }
  dropPersistent(): void {
    this.base = this.floor;
    this.top = this.base;
    this.generation++;
  }
  alloc(n: number): Ptr {
    const p = this.top;
    this.top = (p + n * 4 + 15) & ~15;
    return p;
  }
  put(src: FloatArray | Int32Array, n = src.length): Ptr {
    const p = this.alloc(n);
    if (src instanceof Int32Array) new Int32Array(this.k.memory.buffer, p, n).set(src.subarray(0, n));
    else new Float32Array(this.k.memory.buffer, p, n).set(src.subarray(0, n));
    return p;
  }
  get(dst: FloatArray, p: Ptr, n = dst.length): void {
    dst.set(new Float32Array(this.k.memory.buffer, p, n));
  }
}

/** cos, sin of rope.ts's angle(pos, i) = pos * 10000^(-i/half) for pos < P, as f64 pairs at (pos*half + i)*2: the reference's values exactly. */
function ropeAngles(dst: Float64Array, P: number, half: number): void {
  for (let pos = 0; pos < P; pos++) {
    for (let i = 0; i < half; i++) {
      const angle = pos * Math.pow(ROPE_BASE, -i / half);
      dst[(pos * half + i) * 2] = Math.cos(angle);
      dst[(pos * half + i) * 2 + 1] = Math.sin(angle);
    }
  }
}

const f32 = (...xs: (FloatArray | null)[]): boolean => xs.every((x) => x === null || x instanceof Float32Array);

function checkMoe(w3: FloatArray | null, topIdx: Int32Array, d: MoeDims, who: string): void {
  if ((d.ffn === 'swiglu') !== (w3 !== null)) throw new Error(`${who}: w3 must be given for swiglu and null for gelu (ffn=${d.ffn})`);
  for (let i = 0; i < d.N * d.k; i++) {
    const e = topIdx[i]!;
    if (!(e >= 0 && e < d.E)) throw new RangeError(`${who}: topIdx[${i}] = ${e} is not a routed expert in [0, ${d.E})`);
  }
}

/** The fast engine's Ops: createCpuOps('f32') with the heavy ops replaced by kernels. */
export function createWasmOps(kernels: Kernels = loadKernels()) {
  const ref = createCpuOps('f32');
  const k = kernels;
  const a = new Arena(k);
  const ops = {
    ...ref,
    name: 'cpu-wasm',

    rmsnormForward(out: FloatArray, rstd: FloatArray, inp: FloatArray, weight: FloatArray, N: number, C: number): void {
      if (!f32(out, rstd, inp, weight)) return ref.rmsnormForward(out, rstd, inp, weight, N, C);
      a.begin(2 * N * C + N + C);
      const pIn = a.put(inp, N * C), pW = a.put(weight, C), pOut = a.alloc(N * C), pR = a.alloc(N);
      k.rmsnormForward(pOut, pR, pIn, pW, N, C);
      a.get(out, pOut, N * C);
      a.get(rstd, pR, N);
    },

    ropeForward(out: FloatArray, inp: FloatArray, B: number, T: number, C: number, NH: number): void {
      const HS = C / NH;
      if (!f32(out, inp) || !Number.isInteger(HS) || HS % 2 !== 0) return ref.ropeForward(out, inp, B, T, C, NH); // its check names the problem
      const n = B * T * 3 * C;
      a.begin(2 * n + T * HS * 2);
      const pIn = a.put(inp, n), pOut = a.alloc(n), pTab = a.alloc(T * HS * 2);
      ropeAngles(new Float64Array(k.memory.buffer, pTab, T * HS), T, HS / 2);
      k.ropeForward(pOut, pIn, B, T, C, NH, pTab);
      a.get(out, pOut, n);
    },

    ropeBackward(dInp: FloatArray, dOut: FloatArray, B: number, T: number, C: number, NH: number): void {
      const HS = C / NH;
      if (!f32(dInp, dOut) || !Number.isInteger(HS) || HS % 2 !== 0) return ref.ropeBackward(dInp, dOut, B, T, C, NH);
      const n = B * T * 3 * C;
      a.begin(2 * n + T * HS * 2);
      const pD = a.put(dInp, n), pDOut = a.put(dOut, n), pTab = a.alloc(T * HS * 2);
      ropeAngles(new Float64Array(k.memory.buffer, pTab, T * HS), T, HS / 2);
      k.ropeBackward(pD, pDOut, B, T, C, NH, pTab);
      a.get(dInp, pD, n);
    },

    matmulForward(t: MatmulForwardArgs<FloatArray>, d: MatmulDims): void {
      const { out, inp, weight, bias } = t, { N, C, OC } = d;
      if (!f32(out, inp, weight, bias)) return ref.matmulForward(t, d);
      a.begin(N * C + 2 * OC * C + OC + N * OC);
      const pIn = a.put(inp, N * C), pW = a.put(weight, OC * C), pWt = a.alloc(OC * C), pOut = a.alloc(N * OC);
      k.transpose(pWt, pW, OC, C);
      if (bias) k.fillRows(pOut, a.put(bias, OC), N, OC);
      k.gemm(pOut, pIn, pWt, N, C, OC, bias ? 1 : 0);
      a.get(out, pOut, N * OC);
    },

    matmulBackward(t: MatmulBackwardArgs<FloatArray>, d: MatmulDims): void {
      const { dInp, dWeight, dBias, dOut, inp, weight } = t, { N, C, OC } = d;
      if (!f32(dInp, dWeight, dBias, dOut, inp, weight)) return ref.matmulBackward(t, d);
      a.begin(2 * N * OC + 2 * N * C + 2 * OC * C + OC);
      const pDOut = a.put(dOut, N * OC), pW = a.put(weight, OC * C), pDInp = a.put(dInp, N * C);
      // dInp (N,C) += dOut (N,OC) @ weight (OC,C)
      k.gemm(pDInp, pDOut, pW, N, OC, C, 1);
      a.get(dInp, pDInp, N * C);
      // dWeight (OC,C) += dOut^T (OC,N) @ inp (N,C)
      const pT = a.alloc(N * OC), pIn = a.put(inp, N * C), pDW = a.put(dWeight, OC * C);
      k.transpose(pT, pDOut, N, OC);
      k.gemm(pDW, pT, pIn, OC, N, C, 1);
      a.get(dWeight, pDW, OC * C);
      if (dBias) {
        const pDB = a.put(dBias, OC);
        k.colSumAcc(pDB, pDOut, N, OC);
        a.get(dBias, pDB, OC);
      }
    },

    attentionForward(out: FloatArray, att: FloatArray, inp: FloatArray, B: number, T: number, C: number, NH: number): void {
      if (!f32(out, att, inp) || C % NH !== 0) return ref.attentionForward(out, att, inp, B, T, C, NH);
      const nA = B * NH * T * T;
      a.begin(B * T * 4 * C + nA);
      const pIn = a.put(inp, B * T * 3 * C), pOut = a.alloc(B * T * C), pAtt = a.alloc(nA);
      k.attentionForward(pOut, pAtt, pIn, B, T, C, NH);
      a.get(out, pOut, B * T * C);
      a.get(att, pAtt, nA);
    },

    attentionBackward(dInp: FloatArray, dOut: FloatArray, inp: FloatArray, att: FloatArray, B: number, T: number, C: number, NH: number): void {
      if (!f32(dInp, dOut, inp, att) || C % NH !== 0) return ref.attentionBackward(dInp, dOut, inp, att, B, T, C, NH);
      const nA = B * NH * T * T;
      a.begin(B * T * 7 * C + nA + T);
      const pDInp = a.put(dInp, B * T * 3 * C), pDOut = a.put(dOut, B * T * C), pIn = a.put(inp, B * T * 3 * C), pAtt = a.put(att, nA);
      k.attentionBackward(pDInp, pDOut, pIn, pAtt, B, T, C, NH, a.alloc(T));
      a.get(dInp, pDInp, B * T * 3 * C);
    },

    moeForward(t: MoeForwardArgs<FloatArray, Int32Array>, d: MoeDims): void {
      const { out, inp, topIdx, gates, w1, w3, w2 } = t, { h1, h3, act, y } = t.cache;
      if (!f32(out, h1, h3, act, y, inp, gates, w1, w3, w2)) return ref.moeForward(t, d);
      checkMoe(w3, topIdx, d, 'moeForward');
      const { N, C, H, E, S } = d, kk = d.k, K = S + kk, W = (S + E) * H * C, sw = w3 ? 1 : 0;
      a.begin(N * C * 2 + N * kk * 2 + W * (2 + sw) + N * K * (3 * H + C) + N * (1 + 2 * C + 3 * H) + 2 * H * C);
      const pIn = a.put(inp, N * C), pIdx = a.put(topIdx, N * kk), pG = a.put(gates, N * kk);
      const pW1 = a.put(w1, W), pW3 = w3 ? a.put(w3, W) : 0, pW2 = a.put(w2, W);
      const pOut = a.alloc(N * C), pH1 = a.alloc(N * K * H), pH3 = w3 ? a.alloc(N * K * H) : 0, pAct = a.alloc(N * K * H), pY = a.alloc(N * K * C);
      const scratch = a.alloc(N * (1 + 2 * C + 3 * H) + 2 * H * C);
      k.moeForward(pOut, pH1, pH3, pAct, pY, pIn, pIdx, pG, pW1, pW3, pW2, N, C, H, E, S, kk, sw, scratch);
      a.get(out, pOut, N * C);
      a.get(h1, pH1, N * K * H);
      if (h3) a.get(h3, pH3, N * K * H);
      a.get(act, pAct, N * K * H);
      a.get(y, pY, N * K * C);
    },

    moeBackward(t: MoeBackwardArgs<FloatArray, Int32Array>, d: MoeDims): void {
      const { dInp, dW1, dW3, dW2, dGates, dOut, inp, topIdx, gates, w1, w3, w2 } = t, { h1, h3, act, y } = t.cache;
      if (!f32(dInp, dW1, dW3, dW2, dGates, dOut, h1, h3, act, y, inp, gates, w1, w3, w2)) return ref.moeBackward(t, d);
      checkMoe(w3, topIdx, d, 'moeBackward');
      if ((dW3 === null) !== (w3 === null)) throw new Error('moeBackward: dW3 must be given exactly when w3 is');
      const { N, C, H, E, S } = d, kk = d.k, K = S + kk, W = (S + E) * H * C, sw = w3 ? 1 : 0;
      const scratchN = N * (1 + 3 * C + 4 * H) + Math.max(C, H) * N;
      a.begin(3 * N * C + 3 * N * kk + W * 2 * (2 + sw) + N * K * (3 * H + C) + scratchN);
      const pDInp = a.put(dInp, N * C), pDOut = a.put(dOut, N * C), pIn = a.put(inp, N * C);
      const pIdx = a.put(topIdx, N * kk), pG = a.put(gates, N * kk), pDG = a.alloc(N * kk);
      const pW1 = a.put(w1, W), pW3 = w3 ? a.put(w3, W) : 0, pW2 = a.put(w2, W);
      const pDW1 = a.put(dW1, W), pDW3 = dW3 ? a.put(dW3, W) : 0, pDW2 = a.put(dW2, W);
      const pH1 = a.put(h1, N * K * H), pH3 = h3 ? a.put(h3, N * K * H) : 0, pAct = a.put(act, N * K * H), pY = a.put(y, N * K * C);
      k.moeBackward(pDInp, pDW1, pDW3, pDW2, pDG, pDOut, pH1, pH3, pAct, pY, pIn, pIdx, pG, pW1, pW3, pW2, N, C, H, E, S, kk, sw, a.alloc(scratchN));
      a.get(dInp, pDInp, N * C);
      a.get(dW1, pDW1, W);
      if (dW3) a.get(dW3, pDW3, W);
      a.get(dW2, pDW2, W);
      a.get(dGates, pDG, N * kk);
    },
  };
  return ops satisfies Ops<FloatArray, Int32Array>;
}

/** One layer's KV cache kept in the module's memory beside the caller's arrays. */
interface Mirror {
  k: Ptr; // (nSeq,Tmax,C)
  v: Ptr;
  vCache: FloatArray;
  nSeq: number;
  Tmax: number;
  C: number;
  generation: number;
  /** Positions 0..filled-1 were written by this kvWrite since the last pos0 = 0. */
  filled: number;
}

/** Mirrors and RoPE tables beyond this many bytes are dropped (and rebuilt by the next rollout): old runs' caches do not pile up. */
const PERSISTENT_LIMIT = 256 * 2 ** 20;

/**
 * The fast engine's DecodeOps: the reference's sample; kvWrite and attention
 * against the cache as kernels. kvWrite writes the caller's caches (as the
 * reference does) and a mirror of them in the module's memory, which
 * attentionDecode reads without copying the caches in: the rollout's caches
 * are written only through kvWrite (model/decode.ts), from position 0 on. A
 * cache the mirror does not cover (written elsewhere, or dropped) is copied
 * in instead, so results never depend on the mirror being there.
 */
/** persistentLimit: PERSISTENT_LIMIT; tests lower it to make the drop happen. */
export function createWasmDecodeOps(kernels: Kernels = loadKernels(), persistentLimit = PERSISTENT_LIMIT) {
  const ref = createCpuDecodeOps();
  const k = kernels;
  const a = new Arena(k);
  const mirrors = new WeakMap<FloatArray, Mirror>();
  const tables = new Map<string, { p: Ptr; generation: number }>();

  /** cos, sin of rotate()'s angles for positions 0..Tmax-1, f64 (the reference's values exactly). */
  function ropeTable(Tmax: number, HS: number): Ptr {
    const key = `${Tmax}/${HS}`;
    const t = tables.get(key);
    if (t && t.generation === a.generation) return t.p;
    const half = HS / 2;
    const p = a.persist(Tmax * half * 4); // f64 pairs: 4 floats' bytes each
    ropeAngles(new Float64Array(k.memory.buffer, p, Tmax * half * 2), Tmax, half);
    tables.set(key, { p, generation: a.generation });
    return p;
  }

  function mirrorOf(kCache: FloatArray, vCache: FloatArray, nSeq: number, Tmax: number, C: number, create: boolean): Mirror | null {
    const m = mirrors.get(kCache);
    if (m && m.generation === a.generation && m.vCache === vCache && m.nSeq === nSeq && m.Tmax === Tmax && m.C === C) return m;
    if (!create) return null;
    const n = nSeq * Tmax * C;
    if (a.persistent + 8 * n > persistentLimit) {
      a.dropPersistent();
      tables.clear();
    }
    const p = a.persist(2 * n);
    const fresh: Mirror = { k: p, v: p + 4 * n, vCache, nSeq, Tmax, C, generation: a.generation, filled: 0 };
    mirrors.set(kCache, fresh);
    return fresh;
  }

  const usable = (C: number, NH: number, rope: boolean, T: number, pos0: number, Tmax: number) => {
    const HS = C / NH;
    return Number.isInteger(HS) && !(rope && HS % 2 !== 0) && T >= 1 && pos0 >= 0 && pos0 + T <= Tmax;
  };

  const dec = {
    ...ref,
    name: 'cpu-wasm-decode',

    kvWrite(kCache: FloatArray, vCache: FloatArray, qkv: FloatArray, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void {
      if (!f32(kCache, vCache, qkv) || !usable(C, NH, rope, T, pos0, Tmax)) return ref.kvWrite(kCache, vCache, qkv, nSeq, T, pos0, C, NH, Tmax, rope); // its checks name the problem
      // the mirror first: making it may drop every persistent block, a RoPE table fetched before it included
      const m = mirrorOf(kCache, vCache, nSeq, Tmax, C, true)!;
      const table = rope ? ropeTable(Tmax, C / NH) : 0;
      a.begin(nSeq * T * 3 * C);
      const pQkv = a.put(qkv, nSeq * T * 3 * C);
      k.ropeRows(m.k + pos0 * C * 4, Tmax, pQkv + C * 4, nSeq, T, pos0, C, NH, table, rope ? 1 : 0);
      k.ropeRows(m.v + pos0 * C * 4, Tmax, pQkv + 2 * C * 4, nSeq, T, pos0, C, NH, 0, 0);
      // the caller's caches get the same rows
      const mk = new Float32Array(k.memory.buffer, m.k, nSeq * Tmax * C), mv = new Float32Array(k.memory.buffer, m.v, nSeq * Tmax * C);
      for (let b = 0; b < nSeq; b++) {
        const lo = (b * Tmax + pos0) * C, hi = lo + T * C;
        kCache.set(mk.subarray(lo, hi), lo);
        vCache.set(mv.subarray(lo, hi), lo);
      }
      m.filled = pos0 <= m.filled ? pos0 + T : -Infinity; // a gap: positions nobody wrote here
    },

    attentionDecode(out: FloatArray, qkv: FloatArray, kCache: FloatArray, vCache: FloatArray, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void {
      if (!f32(out, qkv, kCache, vCache) || !usable(C, NH, rope, T, pos0, Tmax)) {
        return ref.attentionDecode(out, qkv, kCache, vCache, nSeq, T, pos0, C, NH, Tmax, rope); // its checks name the problem
      }
      let m = mirrorOf(kCache, vCache, nSeq, Tmax, C, false);
      const P = pos0 + T;
      if (!m || m.filled < P) {
        // not (or no longer) mirrored: copy the positions anyone attends to into a fresh mirror
        m = mirrorOf(kCache, vCache, nSeq, Tmax, C, true)!;
        const mk = new Float32Array(k.memory.buffer, m.k, nSeq * Tmax * C), mv = new Float32Array(k.memory.buffer, m.v, nSeq * Tmax * C);
        for (let b = 0; b < nSeq; b++) {
          mk.set(kCache.subarray(b * Tmax * C, (b * Tmax + P) * C), b * Tmax * C);
          mv.set(vCache.subarray(b * Tmax * C, (b * Tmax + P) * C), b * Tmax * C);
        }
        m.filled = P;
      }
      // after the mirror, as in kvWrite: a table fetched before a drop would point into the new mirror
      const table = rope ? ropeTable(Tmax, C / NH) : 0;
      a.begin(nSeq * T * (3 * C + 2 * C) + Tmax);
      const pQkv = a.put(qkv, nSeq * T * 3 * C), pQ = a.alloc(nSeq * T * C), pOut = a.alloc(nSeq * T * C);
      k.ropeRows(pQ, T, pQkv, nSeq, T, pos0, C, NH, table, rope ? 1 : 0);
      k.attentionDecode(pOut, pQ, m.k, m.v, nSeq, T, pos0, C, NH, Tmax, a.alloc(Tmax));
      a.get(out, pOut, nSeq * T * C);
    },
  };
  return dec satisfies DecodeOps<FloatArray, Int32Array>;
}

export type WasmOps = ReturnType<typeof createWasmOps>;
