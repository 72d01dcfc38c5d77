// Matrix products and the row helpers around them (the host, src/wasm/backend.ts,
// builds every matmul and expert from gemm). AssemblyScript: see kernels.ts.

import { ld } from './simd';

// ---------------------------------------------------------------------------
// gemm: c (M,N) (+)= a (M,K) @ b (K,N). The one matrix product every matmul
// and expert is built from (the host transposes operands into this form).
// Register blocks of 4 rows x 8 columns: 8 f32x4 accumulators live across the
// whole K loop, each b load feeds 4 rows, each broadcast a feeds 8 columns.


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
