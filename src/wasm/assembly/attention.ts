// Causal self-attention (cpu/attention.ts) and KV-cache decode attention
// (cpu/decode.ts), per head, over head channels with the f32x4 dot and axpy.
// AssemblyScript: see kernels.ts.

import { axpy, dot, expv, hsum, keep, ld, storeTail } from './simd';

/** p[i] = e^(p[i] - max) for i < n; returns their sum (f32, in 4 lanes then their sum). */
function expShift(p: usize, n: i32, max: f32): f32 {
  const mv = f32x4.splat(max);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = expv(f32x4.sub(ld(p + (<usize>i << 2)), mv));
    v128.store(p + (<usize>i << 2), e);
    acc = f32x4.add(acc, e);
  }
  if (i < n) {
    const e = expv(f32x4.sub(ld(p + (<usize>i << 2)), mv));
    storeTail(p + (<usize>i << 2), e, n - i);
    acc = f32x4.add(acc, keep(e, n - i));
  }
  return hsum(acc);
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
