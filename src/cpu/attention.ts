// Causal multi-head self-attention over a fused qkv buffer, after llm.c's
// attention_forward / attention_backward.
// Dimensions: B batch, T time, C channels, NH heads, HS = C/NH head size.
// qkv rows are [q (C) | k (C) | v (C)], head h at channels h*HS..(h+1)*HS-1 of each.

import type { FloatArray } from './types';

/**
 * out is (B,T,C); att is (B,NH,T,T) cache of the softmax weights (entries
 * t2 > t stay 0); inp is (B,T,3C). Scores are scaled by 1/sqrt(HS).
 */
export function attentionForward(
  out: FloatArray,
  att: FloatArray,
  inp: FloatArray,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  const C3 = 3 * C;
  const acc = new Float64Array(HS); // the output row summed in f64, then stored once
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const q = (b * T + t) * C3 + h * HS;
        const a = ((b * NH + h) * T + t) * T;
        // pass 1: scores and their max, for a stable softmax
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * C3 + C + h * HS;
          let s = 0;
          for (let i = 0; i < HS; i++) s += inp[q + i]! * inp[k + i]!;
          s *= scale;
          att[a + t2] = s;
          if (s > max) max = s;
        }
        // pass 2: exponentiate and normalise; the masked future stays exactly 0
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp(att[a + t2]! - max);
          att[a + t2] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let t2 = 0; t2 < T; t2++) att[a + t2] = t2 <= t ? att[a + t2]! * inv : 0;
        // pass 3: weighted sum of the values
        const o = (b * T + t) * C + h * HS;
        acc.fill(0);
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * HS;
          const w = att[a + t2]!;
          for (let i = 0; i < HS; i++) acc[i] = acc[i]! + w * inp[v + i]!;
        }
        for (let i = 0; i < HS; i++) out[o + i] = acc[i]!;
      }
    }
  }
}

/** Accumulates dInp (B,T,3C); dOut is (B,T,C); inp and att are forward's. */
export function attentionBackward(
  dInp: FloatArray,
  dOut: FloatArray,
  inp: FloatArray,
  att: FloatArray,
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  const C3 = 3 * C;
  const dAtt = new Float64Array(T); // one row of d(att), then d(preatt)
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const q = (b * T + t) * C3 + h * HS;
        const a = ((b * NH + h) * T + t) * T;
        const o = (b * T + t) * C + h * HS;
        // forward: out[i] = sum_t2 att[t2] * v[t2][i]
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * HS;
          const w = att[a + t2]!;
          let s = 0;
          for (let i = 0; i < HS; i++) {
            s += dOut[o + i]! * inp[v + i]!;
            dInp[v + i] = dInp[v + i]! + w * dOut[o + i]!;
          }
          dAtt[t2] = s;
        }
        // forward: att = softmax(preatt), so dpreatt[t2] = att[t2] * (datt[t2] - sum_j att[j] datt[j])
        let dotAD = 0;
        for (let t2 = 0; t2 <= t; t2++) dotAD += att[a + t2]! * dAtt[t2]!;
        // forward: preatt[t2] = scale * q . k[t2]
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * C3 + C + h * HS;
          const dPre = att[a + t2]! * (dAtt[t2]! - dotAD) * scale;
          for (let i = 0; i < HS; i++) {
            dInp[q + i] = dInp[q + i]! + dPre * inp[k + i]!;
            dInp[k + i] = dInp[k + i]! + dPre * inp[q + i]!;
          }
        }
      }
    }
  }
}
