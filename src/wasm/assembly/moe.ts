// The MoE layer (cpu/moe.ts), forward and backward. AssemblyScript: see kernels.ts.

import { transpose, gemm } from './matmul';
import { axpy, dot, expv, ld, put } from './simd';

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

/** silu(h1) * h3 = h1 / (1 + e^-h1) * h3, 4 lanes. */
@inline function swigluAct(h1: usize, h3: usize): v128 {
  const a1 = ld(h1);
  return f32x4.mul(f32x4.div(a1, f32x4.add(f32x4.splat(1), expv(f32x4.neg(a1)))), ld(h3));
}

/** act = silu(h1) h3, 4 lanes: dh1 = dAct h3 sg (1 + h1 (1 - sg)), dh3 = dAct h1 sg, sg = sigmoid(h1); `left` as put's. */
@inline function swigluGrad(dh1: usize, dh3: usize, h1: usize, dAct: usize, h3: usize, left: i32): void {
  const one = f32x4.splat(1);
  const a1 = ld(h1);
  const sg = f32x4.div(one, f32x4.add(one, expv(f32x4.neg(a1))));
  const dsg = f32x4.mul(ld(dAct), sg);
  put(dh1, f32x4.mul(f32x4.mul(dsg, ld(h3)), f32x4.add(one, f32x4.mul(a1, f32x4.sub(one, sg)))), left);
  put(dh3, f32x4.mul(dsg, a1), left);
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
      // act = silu(h1) * h3, 4 at a time (m*H floats)
      for (let i = 0; i < m * H; i += 4) put(ae + (<usize>i << 2), swigluAct(h1e + (<usize>i << 2), h3e + (<usize>i << 2)), m * H - i);
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
      // 4 at a time (m*H floats): ae holds h1's rows, dxe h3's
      for (let i = 0; i < m * H; i += 4) {
        const p = <usize>i << 2;
        swigluGrad(dh1 + p, dh3 + p, ae + p, dae + p, dxe + p, m * H - i);
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
      axpy(dInp + (<usize>n * C << 2), 1, dxe + (<usize>i * C << 2), C); // 1 * x is exact: a plain +=
    }
  }
}
