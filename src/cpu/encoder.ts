// Token embedding plus (for learned positions) the position embedding.
// Dimensions: B batch, T time, C channels, V vocabulary; N = B*T.

import type { FloatArray } from './types';

/**
 * out is (B,T,C), inp is (B,T) token ids, wte is (V,C), wpe is (T_max,C) or
 * null (RoPE models add positions inside attention instead).
 */
export function encoderForward(
  out: FloatArray,
  inp: Int32Array,
  wte: FloatArray,
  wpe: FloatArray | null,
  B: number,
  T: number,
  C: number,
): void {
  const V = wte.length / C;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const n = b * T + t;
      const tok = inp[n]!;
      if (!(tok >= 0 && tok < V)) throw new RangeError(`encoderForward: token ${tok} at (${b},${t}) outside [0, ${V})`);
      const o = n * C;
      const e = tok * C;
      const p = t * C;
      for (let c = 0; c < C; c++) out[o + c] = wte[e + c]! + (wpe ? wpe[p + c]! : 0);
    }
  }
}

/** Accumulates into dWte (V,C) and dWpe (T_max,C); dOut is (B,T,C). */
export function encoderBackward(
  dWte: FloatArray,
  dWpe: FloatArray | null,
  dOut: FloatArray,
  inp: Int32Array,
  B: number,
  T: number,
  C: number,
): void {
  // forward: out[b,t,:] = wte[inp[b,t],:] + wpe[t,:]
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const n = b * T + t;
      const o = n * C;
      const e = inp[n]! * C;
      const p = t * C;
      for (let c = 0; c < C; c++) {
        const d = dOut[o + c]!;
        dWte[e + c] = dWte[e + c]! + d;
        if (dWpe) dWpe[p + c] = dWpe[p + c]! + d;
      }
    }
  }
}
