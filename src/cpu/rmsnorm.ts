// RMSNorm (Zhang & Sennrich 2019): y = x / rms(x) * weight, no mean, no bias.
// Dimensions: N rows (= B*T), C channels.

import type { FloatArray } from './types';

export const RMSNORM_EPS = 1e-5;

/** out is (N,C), rstd is (N) cache of 1/rms, inp is (N,C), weight is (C). */
export function rmsnormForward(
  out: FloatArray,
  rstd: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const x = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += inp[x + c]! * inp[x + c]!;
    const r = 1 / Math.sqrt(ss / C + RMSNORM_EPS);
    rstd[n] = r;
    for (let c = 0; c < C; c++) out[x + c] = inp[x + c]! * r * weight[c]!;
  }
}

/** Accumulates dInp (N,C) and dWeight (C); dOut is (N,C). */
export function rmsnormBackward(
  dInp: FloatArray,
  dWeight: FloatArray,
  dOut: FloatArray,
  inp: FloatArray,
  weight: FloatArray,
  rstd: FloatArray,
  N: number,
  C: number,
): void {
  // forward: out[c] = inp[c] * r * weight[c], r = (mean(inp^2) + eps)^-1/2
  // so dr/dinp[i] = -r^3 inp[i] / C, and
  // dInp[i] = r * (weight[i] dOut[i] - inp[i] r^2 mean_j(weight[j] dOut[j] inp[j]))
  for (let n = 0; n < N; n++) {
    const x = n * C;
    const r = rstd[n]!;
    let dot = 0;
    for (let c = 0; c < C; c++) dot += weight[c]! * dOut[x + c]! * inp[x + c]!;
    const k = (r * r * dot) / C;
    for (let c = 0; c < C; c++) {
      const d = dOut[x + c]!;
      dInp[x + c] = dInp[x + c]! + r * (weight[c]! * d - inp[x + c]! * k);
      dWeight[c] = dWeight[c]! + d * inp[x + c]! * r;
    }
  }
}
