// RoPE and RMSNorm, row by row. AssemblyScript: see kernels.ts.

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
