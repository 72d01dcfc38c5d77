// Load balancing for the MoE router (DESIGN §3): the Switch auxiliary loss,
// the per-expert load, and DeepSeek-V3's auxiliary-loss-free bias update.
//
// Dimension letters: N tokens, E routed experts, k top-k.
//
// Switch aux loss:  L = alpha * E * sum_i f_i * P_i
//   f_i = count_i / (N k): share of the N*k routing choices that picked i (a
//         count, so no gradient flows through it)
//   P_i = (1/N) sum_n p[n,i],  p[n,i] = scores[n,i] / sum_e scores[n,e]
// p is each token's scores normalised to sum to 1. For the softmax router the
// scores already sum to 1, so p = scores; for the sigmoid router this is the
// DeepSeek-V3 choice of normalising the affinities per token. Both f and P
// sum to 1, so perfectly uniform routing gives L = alpha, and every token
// putting all its mass on one expert (k = 1) gives L = alpha * E.

import type { FloatArray } from './types';

/** Fills count (E) with how many of the N*k routing choices picked each expert. */
function countChoices(count: Float64Array, topIdx: Int32Array, N: number, E: number, k: number): void {
  count.fill(0);
  for (let i = 0; i < N * k; i++) {
    const e = topIdx[i]!;
    if (!(e >= 0 && e < E)) throw new RangeError(`topIdx[${i}] = ${e} is not an expert in [0, ${E})`);
    count[e] = count[e]! + 1;
  }
}

export function switchAuxLossForward(
  scores: FloatArray, // (N,E)
  topIdx: Int32Array, // (N,k)
  N: number, E: number, k: number, alpha: number,
): number {
  const count = new Float64Array(E); // (E)
  countChoices(count, topIdx, N, E, k);
  const P = new Float64Array(E); // (E) summed over tokens, divided by N below
  for (let n = 0; n < N; n++) {
    let z = 0;
    for (let e = 0; e < E; e++) z += scores[n * E + e]!;
    for (let e = 0; e < E; e++) P[e] = P[e]! + scores[n * E + e]! / z;
  }
  let loss = 0;
  for (let e = 0; e < E; e++) loss += (count[e]! / (N * k)) * (P[e]! / N);
  return alpha * E * loss;
}

export function switchAuxLossBackward(
  dScores: FloatArray, // (N,E) +=
  scores: FloatArray, // (N,E)
  topIdx: Int32Array, // (N,k)
  N: number, E: number, k: number, alpha: number, dLoss: number,
): void {
  const f = new Float64Array(E); // (E) counts, then shares
  countChoices(f, topIdx, N, E, k);
  for (let e = 0; e < E; e++) f[e] = f[e]! / (N * k);
  const scale = (dLoss * alpha * E) / N;
  for (let n = 0; n < N; n++) {
    // L = scale/dLoss * sum_i f_i s[n,i] / z  (plus other tokens),  z = sum_e s[n,e]
    // => dL/ds[n,j] = scale * (f_j - sum_i f_i p[n,i]) / z
    let z = 0;
    let fs = 0;
    for (let e = 0; e < E; e++) {
      z += scores[n * E + e]!;
      fs += f[e]! * scores[n * E + e]!;
    }
    const fp = fs / z; // sum_i f_i p[n,i]
    for (let e = 0; e < E; e++) dScores[n * E + e] = dScores[n * E + e]! + (scale * (f[e]! - fp)) / z;
  }
}

/** Tokens routed to each expert (counts of the N*k choices), for metrics and the bias update. */
export function expertLoad(
  load: Float64Array, // (E) written
  topIdx: Int32Array, // (N,k)
  N: number, E: number, k: number,
): void {
  countChoices(load, topIdx, N, E, k);
}

/**
 * DeepSeek-V3 aux-loss-free balancing: bias_i += gamma * sign(meanLoad - load_i),
 * so under-loaded experts get picked more often. The sign is taken of
 * (sum - E * load_i), which equals E * (meanLoad - load_i) but is exact for
 * integer counts, so a balanced load gives exactly zero change.
 */
export function auxFreeBiasUpdate(
  bias: FloatArray, // (E) updated in place
  load: Float64Array, // (E)
  E: number, gamma: number,
): void {
  let sum = 0;
  for (let e = 0; e < E; e++) sum += load[e]!;
  for (let e = 0; e < E; e++) bias[e] = bias[e]! + gamma * Math.sign(sum - E * load[e]!);
}
