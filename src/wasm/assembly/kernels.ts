// AssemblyScript (not TypeScript: tsc skips this folder, `npm run build:wasm`
// compiles it to src/wasm/kernels.wasm.ts). The fast CPU engine's kernels:
// f32 with 128-bit SIMD (f32x4), on raw pointers into this module's memory,
// which the host (src/wasm/backend.ts) carves per call. Every kernel is the
// twin of a src/cpu/ reference op and is parity-tested against it
// (src/wasm/backend.test.ts); the references sum in f64 in a fixed order,
// these in f32 in blocks, so results agree to float rounding, not bits.
//
// Dimension letters as in src/cpu/: N rows, C channels, OC output channels,
// H expert hidden width, E routed experts, S shared, k top-k, T positions,
// NH heads, HS = C/NH head size. Pointers are byte addresses of f32 (or i32)
// arrays; every array is row-major.

// ---------------------------------------------------------------------------
// gemm: c (M,N) (+)= a (M,K) @ b (K,N). The one matrix product every matmul
// and expert is built from (the host transposes operands into this form).
// Register blocks of 4 rows x 8 columns: 8 f32x4 accumulators live across the
// whole K loop, each b load feeds 4 rows, each broadcast a feeds 8 columns.

@inline function ld(p: usize): v128 {
  return v128.load(p);
}

function gemmRows4(c: usize, a: usize, b: usize, K: i32, N: i32, acc: bool): void {
  const sa = <usize>K << 2;
  const sb = <usize>N << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
    let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
    let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let pb = b + (<usize>j << 2);
    let pa = a;
    for (let k = 0; k < K; k++) {
      const b0 = ld(pb), b1 = ld(pb + 16);
      const a0 = f32x4.splat(load<f32>(pa));
      const a1 = f32x4.splat(load<f32>(pa + sa));
      const a2 = f32x4.splat(load<f32>(pa + 2 * sa));
      const a3 = f32x4.splat(load<f32>(pa + 3 * sa));
      c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
      pb += sb;
      pa += 4;
    }
    const pc = c + (<usize>j << 2);
    if (acc) {
      c00 = f32x4.add(c00, ld(pc)); c01 = f32x4.add(c01, ld(pc + 16));
      c10 = f32x4.add(c10, ld(pc + sb)); c11 = f32x4.add(c11, ld(pc + sb + 16));
      c20 = f32x4.add(c20, ld(pc + 2 * sb)); c21 = f32x4.add(c21, ld(pc + 2 * sb + 16));
      c30 = f32x4.add(c30, ld(pc + 3 * sb)); c31 = f32x4.add(c31, ld(pc + 3 * sb + 16));
    }
    v128.store(pc, c00); v128.store(pc + 16, c01);
    v128.store(pc + sb, c10); v128.store(pc + sb + 16, c11);
    v128.store(pc + 2 * sb, c20); v128.store(pc + 2 * sb + 16, c21);
    v128.store(pc + 3 * sb, c30); v128.store(pc + 3 * sb + 16, c31);
  }
  for (; j + 4 <= N; j += 4) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    let pb = b + (<usize>j << 2);
    let pa = a;
    for (let k = 0; k < K; k++) {
      const b0 = ld(pb);
      c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(pa)), b0));
      c1 = f32x4.add(c1, f32x4.mul(f32x4.splat(load<f32>(pa + sa)), b0));
      c2 = f32x4.add(c2, f32x4.mul(f32x4.splat(load<f32>(pa + 2 * sa)), b0));
      c3 = f32x4.add(c3, f32x4.mul(f32x4.splat(load<f32>(pa + 3 * sa)), b0));
      pb += sb;
      pa += 4;
    }
    const pc = c + (<usize>j << 2);
    if (acc) {
      c0 = f32x4.add(c0, ld(pc)); c1 = f32x4.add(c1, ld(pc + sb));
      c2 = f32x4.add(c2, ld(pc + 2 * sb)); c3 = f32x4.add(c3, ld(pc + 3 * sb));
    }
    v128.store(pc, c0); v128.store(pc + sb, c1); v128.store(pc + 2 * sb, c2); v128.store(pc + 3 * sb, c3);
  }
  for (; j < N; j++) {
    for (let r = 0; r < 4; r++) {
      let s: f32 = 0;
      const pa = a + <usize>r * sa;
      for (let k = 0; k < K; k++) s += load<f32>(pa + (<usize>k << 2)) * load<f32>(b + ((<usize>k * N + j) << 2));
      const pc = c + <usize>r * sb + (<usize>j << 2);
      store<f32>(pc, acc ? load<f32>(pc) + s : s);
    }
  }
}

function gemmRow1(c: usize, a: usize, b: usize, K: i32, N: i32, acc: bool): void {
  const sb = <usize>N << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
    let pb = b + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      const a0 = f32x4.splat(load<f32>(a + (<usize>k << 2)));
      c0 = f32x4.add(c0, f32x4.mul(a0, ld(pb)));
      c1 = f32x4.add(c1, f32x4.mul(a0, ld(pb + 16)));
      pb += sb;
    }
    const pc = c + (<usize>j << 2);
    if (acc) {
      c0 = f32x4.add(c0, ld(pc));
      c1 = f32x4.add(c1, ld(pc + 16));
    }
    v128.store(pc, c0);
    v128.store(pc + 16, c1);
  }
  for (; j < N; j++) {
    let s: f32 = 0;
    for (let k = 0; k < K; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(b + ((<usize>k * N + j) << 2));
    const pc = c + (<usize>j << 2);
    store<f32>(pc, acc ? load<f32>(pc) + s : s);
  }
}

/** c (M,N) = a (M,K) @ b (K,N), or += when acc != 0. */
export function gemm(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, acc: i32): void {
  const sa = <usize>K << 2;
  const sc = <usize>N << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) gemmRows4(c + <usize>i * sc, a + <usize>i * sa, b, K, N, acc != 0);
  for (; i < M; i++) gemmRow1(c + <usize>i * sc, a + <usize>i * sa, b, K, N, acc != 0);
}

/** dst (cols,rows) = src (rows,cols)^T. */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  // 8-row strips keep the writes to dst within a few cache lines
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min(rows, r0 + 8);
    for (let c = 0; c < cols; c++) {
      for (let r = r0; r < r1; r++) {
        store<f32>(dst + ((<usize>c * rows + r) << 2), load<f32>(src + ((<usize>r * cols + c) << 2)));
      }
    }
  }
}

/** out (N,OC) rows all set to bias (OC). */
export function fillRows(out: usize, bias: usize, N: i32, OC: i32): void {
  const bytes = <usize>OC << 2;
  for (let n = 0; n < N; n++) memory.copy(out + <usize>n * bytes, bias, bytes);
}

/** dBias (OC) += column sums of dOut (N,OC), summed over n in order. */
export function colSumAcc(dBias: usize, dOut: usize, N: i32, OC: i32): void {
  for (let o = 0; o < OC; o++) {
    let s: f32 = 0;
    for (let n = 0; n < N; n++) s += load<f32>(dOut + ((<usize>n * OC + o) << 2));
    store<f32>(dBias + (<usize>o << 2), load<f32>(dBias + (<usize>o << 2)) + s);
  }
}

// ---------------------------------------------------------------------------
// dot products over head channels (attention), 4 lanes at a time.

@inline function dot(p: usize, q: usize, n: i32): f32 {
  let v = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v = f32x4.add(v, f32x4.mul(ld(p + (<usize>i << 2)), ld(q + (<usize>i << 2))));
  let s = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
  for (; i < n; i++) s += load<f32>(p + (<usize>i << 2)) * load<f32>(q + (<usize>i << 2));
  return s;
}

/** y (n) += w * x (n). */
@inline function axpy(y: usize, w: f32, x: usize, n: i32): void {
  const wv = f32x4.splat(w);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const py = y + (<usize>i << 2);
    v128.store(py, f32x4.add(ld(py), f32x4.mul(wv, ld(x + (<usize>i << 2)))));
  }
  for (; i < n; i++) {
    const py = y + (<usize>i << 2);
    store<f32>(py, load<f32>(py) + w * load<f32>(x + (<usize>i << 2)));
  }
}

/**
 * e^x for 4 lanes (Cephes expf: x = n ln2 + r, |r| <= ln2/2, a degree-7
 * polynomial for e^r, 2^n built in the exponent bits): about 1 ulp of f32,
 * many times faster than the scalar f64 Math.exp. x is clamped to [-87, 88]
 * (e^-87 ~ 1.6e-38 stands in for 0).
 */
@inline function expv(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23));
}

@inline function exps(x: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(x)), 0);
}

/** p[i] = e^(p[i] - max) for i < n; returns their sum (f32, in blocks of 4). */
function expShift(p: usize, n: i32, max: f32): f32 {
  const mv = f32x4.splat(max);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = p + (<usize>i << 2);
    const e = expv(f32x4.sub(ld(q), mv));
    v128.store(q, e);
    acc = f32x4.add(acc, e);
  }
  let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const q = p + (<usize>i << 2);
    const e = exps(load<f32>(q) - max);
    store<f32>(q, e);
    sum += e;
  }
  return sum;
}

/**
 * cpu/attention.ts attentionForward: out (B,T,C), att (B,NH,T,T) softmax
 * cache (zeros above the diagonal), inp (B,T,3C) rows [q | k | v].
 */
export function attentionForward(out: usize, att: usize, inp: usize, B: i32, T: i32, C: i32, NH: i32): void {
  const HS = C / NH;
  const scale = <f32>(1 / Math.sqrt(<f64>HS));
  const C3 = 3 * C;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const q = inp + ((<usize>(b * T + t) * C3 + h * HS) << 2);
        const a = att + (<usize>((b * NH + h) * T + t) * T << 2);
        let max: f32 = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = inp + ((<usize>(b * T + t2) * C3 + C + h * HS) << 2);
          const s = dot(q, k, HS) * scale;
          store<f32>(a + (<usize>t2 << 2), s);
          if (s > max) max = s;
        }
        const inv = <f32>1 / expShift(a, t + 1, max);
        for (let t2 = 0; t2 < T; t2++) {
          const pa = a + (<usize>t2 << 2);
          store<f32>(pa, t2 <= t ? load<f32>(pa) * inv : 0);
        }
        const o = out + ((<usize>(b * T + t) * C + h * HS) << 2);
        memory.fill(o, 0, <usize>HS << 2);
        for (let t2 = 0; t2 <= t; t2++) {
          const v = inp + ((<usize>(b * T + t2) * C3 + 2 * C + h * HS) << 2);
          axpy(o, load<f32>(a + (<usize>t2 << 2)), v, HS);
        }
      }
    }
  }
}

/** cpu/attention.ts attentionBackward: dInp (B,T,3C) +=; scratch holds T floats. */
export function attentionBackward(dInp: usize, dOut: usize, inp: usize, att: usize, B: i32, T: i32, C: i32, NH: i32, scratch: usize): void {
  const HS = C / NH;
  const scale = <f32>(1 / Math.sqrt(<f64>HS));
  const C3 = 3 * C;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const qo = (<usize>(b * T + t) * C3 + h * HS) << 2;
        const a = att + (<usize>((b * NH + h) * T + t) * T << 2);
        const o = dOut + ((<usize>(b * T + t) * C + h * HS) << 2);
        // forward: out[i] = sum_t2 att[t2] * v[t2][i]
        for (let t2 = 0; t2 <= t; t2++) {
          const vo = (<usize>(b * T + t2) * C3 + 2 * C + h * HS) << 2;
          const w = load<f32>(a + (<usize>t2 << 2));
          store<f32>(scratch + (<usize>t2 << 2), dot(o, inp + vo, HS));
          axpy(dInp + vo, w, o, HS);
        }
        // dpreatt = att * (datt - sum_j att[j] datt[j])
        let dotAD: f32 = 0;
        for (let t2 = 0; t2 <= t; t2++) dotAD += load<f32>(a + (<usize>t2 << 2)) * load<f32>(scratch + (<usize>t2 << 2));
        // preatt[t2] = scale * q . k[t2]
        for (let t2 = 0; t2 <= t; t2++) {
          const ko = (<usize>(b * T + t2) * C3 + C + h * HS) << 2;
          const dPre = load<f32>(a + (<usize>t2 << 2)) * (load<f32>(scratch + (<usize>t2 << 2)) - dotAD) * scale;
          axpy(dInp + qo, dPre, inp + ko, HS);
          axpy(dInp + ko, dPre, inp + qo, HS);
        }
      }
    }
  }
}

/**
 * cpu/decode.ts attentionDecode after the query rotation: out (nSeq,T,C);
 * q (nSeq,T,C) queries already rotated; caches (nSeq,Tmax,C); query (b,t)
 * attends to cache positions 0..pos0+t. scratch holds Tmax floats.
 */
export function attentionDecode(out: usize, q: usize, kCache: usize, vCache: usize, nSeq: i32, T: i32, pos0: i32, C: i32, NH: i32, Tmax: i32, scratch: usize): void {
  const HS = C / NH;
  const scale = <f32>(1 / Math.sqrt(<f64>HS));
  for (let b = 0; b < nSeq; b++) {
    for (let t = 0; t < T; t++) {
      const pos = pos0 + t;
      for (let h = 0; h < NH; h++) {
        const qh = q + ((<usize>(b * T + t) * C + h * HS) << 2);
        let max: f32 = -Infinity;
        for (let t2 = 0; t2 <= pos; t2++) {
          const s = dot(qh, kCache + ((<usize>(b * Tmax + t2) * C + h * HS) << 2), HS) * scale;
          store<f32>(scratch + (<usize>t2 << 2), s);
          if (s > max) max = s;
        }
        const inv = <f32>1 / expShift(scratch, pos + 1, max);
        const o = out + ((<usize>(b * T + t) * C + h * HS) << 2);
        memory.fill(o, 0, <usize>HS << 2);
        for (let t2 = 0; t2 <= pos; t2++) {
          axpy(o, load<f32>(scratch + (<usize>t2 << 2)) * inv, vCache + ((<usize>(b * Tmax + t2) * C + h * HS) << 2), HS);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// MoE (cpu/moe.ts): grouped by expert. For each of the S+E experts, the slots
// routed to it are gathered into contiguous rows, multiplied with gemm, and
// scattered back to the per-slot caches; out sums each token's slots in slot
// order afterwards, as the reference does.

const GELU_SCALE: f64 = Math.sqrt(2 / Math.PI);
const GELU_CUBE: f64 = 0.044715;

@inline function gelu(x: f64): f64 {
  return 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
}

@inline function geluGrad(x: f64): f64 {
  const t = Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
}

/**
 * rows (i32, at most N) = the slot indices n*K+slot whose expert is ex, in
 * token order; returns their count.
 */
function slotsOf(rows: usize, topIdx: usize, N: i32, S: i32, k: i32, ex: i32): i32 {
  const K = S + k;
  let m = 0;
  if (ex < S) {
    for (let n = 0; n < N; n++) {
      store<i32>(rows + (<usize>m << 2), n * K + ex);
      m++;
    }
    return m;
  }
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < k; j++) {
      if (load<i32>(topIdx + (<usize>(n * k + j) << 2)) == ex - S) {
        store<i32>(rows + (<usize>m << 2), n * K + S + j);
        m++;
      }
    }
  }
  return m;
}

/** dst (m,W) rows = src rows (row index rows[i] / div) of width W. */
function gather(dst: usize, src: usize, rows: usize, m: i32, div: i32, W: i32): void {
  const bytes = <usize>W << 2;
  for (let i = 0; i < m; i++) memory.copy(dst + <usize>i * bytes, src + <usize>(load<i32>(rows + (<usize>i << 2)) / div) * bytes, bytes);
}

function scatter(dst: usize, src: usize, rows: usize, m: i32, W: i32): void {
  const bytes = <usize>W << 2;
  for (let i = 0; i < m; i++) memory.copy(dst + <usize>load<i32>(rows + (<usize>i << 2)) * bytes, src + <usize>i * bytes, bytes);
}

/**
 * moeForward: out (N,C); h1, h3 (h3 = 0 for gelu), act (N,S+k,H); y (N,S+k,C);
 * inp (N,C); topIdx (N,k) i32; gates (N,k); w1, w3 (S+E,H,C); w2 (S+E,C,H).
 * scratch: N i32 rows + N*(C + 3H + C) floats + 2*H*C floats.
 */
export function moeForward(out: usize, h1: usize, h3: usize, act: usize, y: usize, inp: usize, topIdx: usize, gates: usize, w1: usize, w3: usize, w2: usize,
  N: i32, C: i32, H: i32, E: i32, S: i32, k: i32, swiglu: i32, scratch: usize): void {
  const K = S + k;
  const rows = scratch;
  const xe = rows + (<usize>N << 2); // (m,C)
  const h1e = xe + (<usize>N * C << 2); // (m,H)
  const h3e = h1e + (<usize>N * H << 2);
  const ae = h3e + (<usize>N * H << 2);
  const ye = ae + (<usize>N * H << 2); // (m,C)
  const wt = ye + (<usize>N * C << 2); // (C,H) or (H,C)
  const wt3 = wt + (<usize>H * C << 2);
  const HC = <usize>H * C << 2;
  for (let ex = 0; ex < S + E; ex++) {
    const m = slotsOf(rows, topIdx, N, S, k, ex);
    if (m == 0) continue;
    gather(xe, inp, rows, m, K, C);
    transpose(wt, w1 + <usize>ex * HC, H, C); // (C,H)
    gemm(h1e, xe, wt, m, C, H, 0);
    if (swiglu) {
      transpose(wt3, w3 + <usize>ex * HC, H, C);
      gemm(h3e, xe, wt3, m, C, H, 0);
    }
    if (swiglu) {
      // act = silu(h1) * h3 = h1 / (1 + e^-h1) * h3, 4 at a time (m*H floats)
      let i = 0;
      const one = f32x4.splat(1);
      for (; i + 4 <= m * H; i += 4) {
        const p = <usize>i << 2;
        const a1 = ld(h1e + p);
        v128.store(ae + p, f32x4.mul(f32x4.div(a1, f32x4.add(one, expv(f32x4.neg(a1)))), ld(h3e + p)));
      }
      for (; i < m * H; i++) {
        const p = <usize>i << 2;
        const a1 = load<f32>(h1e + p);
        store<f32>(ae + p, a1 / (1 + exps(-a1)) * load<f32>(h3e + p));
      }
    } else {
      for (let i = 0; i < m * H; i++) {
        const p = <usize>i << 2;
        store<f32>(ae + p, <f32>gelu(<f64>load<f32>(h1e + p)));
      }
    }
    scatter(h1, h1e, rows, m, H);
    if (swiglu) scatter(h3, h3e, rows, m, H);
    scatter(act, ae, rows, m, H);
    transpose(wt, w2 + <usize>ex * HC, C, H); // (H,C)
    gemm(ye, ae, wt, m, H, C, 0);
    scatter(y, ye, rows, m, C);
  }
  // out[n] = sum_s y[n,s] + sum_j gates[n,j] y[n,S+j], slots in order
  for (let n = 0; n < N; n++) {
    const po = out + (<usize>n * C << 2);
    memory.fill(po, 0, <usize>C << 2);
    for (let slot = 0; slot < K; slot++) {
      const g: f32 = slot < S ? 1 : load<f32>(gates + (<usize>(n * k + slot - S) << 2));
      axpy(po, g, y + (<usize>(n * K + slot) * C << 2), C);
    }
  }
}

/**
 * moeBackward: dInp (N,C) +=, dW1, dW3 (S+E,H,C) +=, dW2 (S+E,C,H) +=,
 * dGates (N,k) written; the rest as moeForward. scratch: N i32 rows +
 * N*(2C + 4H + C) floats + C*N floats.
 */
export function moeBackward(dInp: usize, dW1: usize, dW3: usize, dW2: usize, dGates: usize, dOut: usize, h1: usize, h3: usize, act: usize, y: usize,
  inp: usize, topIdx: usize, gates: usize, w1: usize, w3: usize, w2: usize,
  N: i32, C: i32, H: i32, E: i32, S: i32, k: i32, swiglu: i32, scratch: usize): void {
  const K = S + k;
  // out[n] += g * y[slot]  =>  dGates = dOut . y
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < k; j++) {
      store<f32>(dGates + (<usize>(n * k + j) << 2), dot(dOut + (<usize>n * C << 2), y + (<usize>(n * K + S + j) * C << 2), C));
    }
  }
  const rows = scratch;
  const xe = rows + (<usize>N << 2); // (m,C)
  const dye = xe + (<usize>N * C << 2); // (m,C) g * dOut
  const ae = dye + (<usize>N * C << 2); // (m,H) act, then reused
  const dae = ae + (<usize>N * H << 2); // (m,H) dAct
  const dh1 = dae + (<usize>N * H << 2); // (m,H)
  const dh3 = dh1 + (<usize>N * H << 2); // (m,H)
  const dxe = dh3 + (<usize>N * H << 2); // (m,C)
  const tt = dxe + (<usize>N * C << 2); // (max(C,H), m) transposes
  const HC = <usize>H * C << 2;
  for (let ex = 0; ex < S + E; ex++) {
    const m = slotsOf(rows, topIdx, N, S, k, ex);
    if (m == 0) continue;
    gather(xe, inp, rows, m, K, C);
    gather(ae, act, rows, m, 1, H);
    for (let i = 0; i < m; i++) {
      const r = load<i32>(rows + (<usize>i << 2));
      const n = r / K, slot = r % K;
      const g: f32 = slot < S ? 1 : load<f32>(gates + (<usize>(n * k + slot - S) << 2));
      const src = dOut + (<usize>n * C << 2), dst = dye + (<usize>i * C << 2);
      for (let c = 0; c < C; c++) store<f32>(dst + (<usize>c << 2), g * load<f32>(src + (<usize>c << 2)));
    }
    // y = w2[ex] act:  dAct (m,H) = dy (m,C) @ w2[ex] (C,H);  dW2[ex] (C,H) += dy^T @ act
    gemm(dae, dye, w2 + <usize>ex * HC, m, C, H, 0);
    transpose(tt, dye, m, C);
    gemm(dW2 + <usize>ex * HC, tt, ae, C, m, H, 1);
    // the activation, elementwise (ae is reused below for h1's rows, h3 via dxe)
    gather(ae, h1, rows, m, 1, H);
    if (swiglu) gather(dxe, h3, rows, m, 1, H);
    if (swiglu) {
      // act = silu(h1) h3: dh1 = dAct h3 sg (1 + h1 (1 - sg)), dh3 = dAct h1 sg, sg = sigmoid(h1); 4 at a time
      let i = 0;
      const one = f32x4.splat(1);
      for (; i + 4 <= m * H; i += 4) {
        const p = <usize>i << 2;
        const a1 = ld(ae + p), da = ld(dae + p);
        const sg = f32x4.div(one, f32x4.add(one, expv(f32x4.neg(a1))));
        const dsg = f32x4.mul(da, sg);
        v128.store(dh1 + p, f32x4.mul(f32x4.mul(dsg, ld(dxe + p)), f32x4.add(one, f32x4.mul(a1, f32x4.sub(one, sg)))));
        v128.store(dh3 + p, f32x4.mul(dsg, a1));
      }
      for (; i < m * H; i++) {
        const p = <usize>i << 2;
        const a1 = load<f32>(ae + p), da = load<f32>(dae + p);
        const sg: f32 = 1 / (1 + exps(-a1));
        store<f32>(dh1 + p, da * sg * load<f32>(dxe + p) * (1 + a1 * (1 - sg)));
        store<f32>(dh3 + p, da * sg * a1);
      }
    } else {
      for (let i = 0; i < m * H; i++) {
        const p = <usize>i << 2;
        store<f32>(dh1 + p, <f32>(<f64>load<f32>(dae + p) * geluGrad(<f64>load<f32>(ae + p))));
      }
    }
    // h1 = w1[ex] x:  dW1[ex] (H,C) += dh1^T (H,m) @ x (m,C);  dx (m,C) = dh1 @ w1[ex] (+ dh3 @ w3[ex])
    transpose(tt, dh1, m, H);
    gemm(dW1 + <usize>ex * HC, tt, xe, H, m, C, 1);
    gemm(dxe, dh1, w1 + <usize>ex * HC, m, H, C, 0);
    if (swiglu) {
      transpose(tt, dh3, m, H);
      gemm(dW3 + <usize>ex * HC, tt, xe, H, m, C, 1);
      gemm(dxe, dh3, w3 + <usize>ex * HC, m, H, C, 1);
    }
    for (let i = 0; i < m; i++) {
      const n = load<i32>(rows + (<usize>i << 2)) / K;
      const pd = dInp + (<usize>n * C << 2), ps = dxe + (<usize>i * C << 2);
      for (let c = 0; c < C; c++) store<f32>(pd + (<usize>c << 2), load<f32>(pd + (<usize>c << 2)) + load<f32>(ps + (<usize>c << 2)));
    }
  }
}

// ---------------------------------------------------------------------------
// Decode: RoPE rows (kvWrite's k, attentionDecode's q) and RMSNorm. Both keep
// the reference's f64 arithmetic and f32 stores, so they give its bits.

/**
 * dst row (b, t) at dst + (b*dstB + t)*C floats = rotate-half RoPE of src row
 * (b, t) at src + (b*T + t)*3C floats, at position pos0 + t (cpu/decode.ts
 * rotate); a plain copy when rope is 0. table (f64) holds cos, sin of
 * angle(pos, i) = pos * 10000^(-i/half) at (pos*half + i)*2, computed by the host.
 */
export function ropeRows(dst: usize, dstB: i32, src: usize, nSeq: i32, T: i32, pos0: i32, C: i32, NH: i32, table: usize, rope: i32): void {
  const HS = C / NH;
  const half = HS / 2;
  for (let b = 0; b < nSeq; b++) {
    for (let t = 0; t < T; t++) {
      const s = src + (<usize>((b * T + t) * 3 * C) << 2);
      const d = dst + (<usize>((b * dstB + t) * C) << 2);
      if (!rope) {
        memory.copy(d, s, <usize>C << 2);
        continue;
      }
      for (let i = 0; i < half; i++) {
        const pt = table + (<usize>(((pos0 + t) * half + i) * 2) << 3);
        const cos = load<f64>(pt), sin = load<f64>(pt + 8);
        for (let h = 0; h < NH; h++) {
          const a = <usize>(h * HS + i) << 2;
          const ah = a + (<usize>half << 2);
          const x1 = <f64>load<f32>(s + a), x2 = <f64>load<f32>(s + ah);
          store<f32>(d + a, <f32>(x1 * cos - x2 * sin));
          store<f32>(d + ah, <f32>(x2 * cos + x1 * sin));
        }
      }
    }
  }
}

/** cpu/rmsnorm.ts rmsnormForward, its f64 sums in its order: out (N,C), rstd (N), inp (N,C), weight (C). */
export function rmsnormForward(out: usize, rstd: usize, inp: usize, weight: usize, N: i32, C: i32): void {
  for (let n = 0; n < N; n++) {
    const x = inp + (<usize>(n * C) << 2);
    let ss: f64 = 0;
    for (let c = 0; c < C; c++) {
      const v = <f64>load<f32>(x + (<usize>c << 2));
      ss += v * v;
    }
    const r = 1 / Math.sqrt(ss / <f64>C + 1e-5);
    store<f32>(rstd + (<usize>n << 2), <f32>r);
    const o = out + (<usize>(n * C) << 2);
    for (let c = 0; c < C; c++) store<f32>(o + (<usize>c << 2), <f32>(<f64>load<f32>(x + (<usize>c << 2)) * r * <f64>load<f32>(weight + (<usize>c << 2))));
  }
}

/**
 * cpu/rope.ts ropeForward on (B,T,3C) rows: q and k rotated at position t, v
 * copied; table as ropeRows'. Same f64 arithmetic: the reference's bits.
 */
export function ropeForward(out: usize, inp: usize, B: i32, T: i32, C: i32, NH: i32, table: usize): void {
  const HS = C / NH;
  const half = HS / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = <usize>((b * T + t) * 3 * C) << 2;
      memory.copy(out + row + (<usize>(2 * C) << 2), inp + row + (<usize>(2 * C) << 2), <usize>C << 2);
      for (let i = 0; i < half; i++) {
        const pt = table + (<usize>((t * half + i) * 2) << 3);
        const cos = load<f64>(pt), sin = load<f64>(pt + 8);
        for (let h = 0; h < 2 * NH; h++) {
          const a = row + (<usize>(h * HS + i) << 2);
          const ah = a + (<usize>half << 2);
          const x1 = <f64>load<f32>(inp + a), x2 = <f64>load<f32>(inp + ah);
          store<f32>(out + a, <f32>(x1 * cos - x2 * sin));
          store<f32>(out + ah, <f32>(x2 * cos + x1 * sin));
        }
      }
    }
  }
}

/** cpu/rope.ts ropeBackward: dInp (B,T,3C) += the transposed rotation of dOut; the reference's bits. */
export function ropeBackward(dInp: usize, dOut: usize, B: i32, T: i32, C: i32, NH: i32, table: usize): void {
  const HS = C / NH;
  const half = HS / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = <usize>((b * T + t) * 3 * C) << 2;
      for (let c = 2 * C; c < 3 * C; c++) {
        const p = row + (<usize>c << 2);
        store<f32>(dInp + p, load<f32>(dInp + p) + load<f32>(dOut + p));
      }
      for (let i = 0; i < half; i++) {
        const pt = table + (<usize>((t * half + i) * 2) << 3);
        const cos = load<f64>(pt), sin = load<f64>(pt + 8);
        for (let h = 0; h < 2 * NH; h++) {
          const a = row + (<usize>(h * HS + i) << 2);
          const ah = a + (<usize>half << 2);
          const d1 = <f64>load<f32>(dOut + a), d2 = <f64>load<f32>(dOut + ah);
          store<f32>(dInp + a, <f32>(<f64>load<f32>(dInp + a) + d1 * cos + d2 * sin));
          store<f32>(dInp + ah, <f32>(<f64>load<f32>(dInp + ah) - d1 * sin + d2 * cos));
        }
      }
    }
  }
}
