// The linear layer, PyTorch layout: out = inp @ weight^T + bias.
// Dimensions: N rows (= B*T), C input channels, OC output channels.

import type { FloatArray } from './types';

/** out is (N,OC), inp is (N,C), weight is (OC,C), bias is (OC) or null. */
export function matmulForward(
  out: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  bias: FloatArray | null,
  N: number,
  C: number,
  OC: number,
): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    for (let o = 0; o < OC; o++) {
      const w = o * C;
      let s = bias ? bias[o]! : 0;
      for (let c = 0; c < C; c++) s += inp[x + c]! * weight[w + c]!;
      out[n * OC + o] = s;
    }
  }
}

/** Accumulates dInp (N,C), dWeight (OC,C), dBias (OC) or null; dOut is (N,OC). */
export function matmulBackward(
  dInp: FloatArray,
  dWeight: FloatArray,
  dBias: FloatArray | null,
  dOut: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  N: number,
  C: number,
  OC: number,
): void {
  // forward: out[n,o] = bias[o] + sum_c inp[n,c] * weight[o,c]
  for (let n = 0; n < N; n++) {
    const x = n * C;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let o = 0; o < OC; o++) s += dOut[n * OC + o]! * weight[o * C + c]!;
      dInp[x + c] = dInp[x + c]! + s;
    }
  }
  // Sum over n innermost so every dWeight entry is one fixed-order sum (the GPU does the same).
  for (let o = 0; o < OC; o++) {
    const w = o * C;
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let n = 0; n < N; n++) s += dOut[n * OC + o]! * inp[n * C + c]!;
      dWeight[w + c] = dWeight[w + c]! + s;
    }
    if (dBias) {
      let s = 0;
      for (let n = 0; n < N; n++) s += dOut[n * OC + o]!;
      dBias[o] = dBias[o]! + s;
    }
  }
}
