// The MoE router: which k of the E routed experts each token goes to, and with
// what gate weight (DESIGN §3).
//
// Dimension letters: N tokens (B*T), C model width, E routed experts, k top-k.
//
//   logits = inp @ wRouter^T                      (N,E)
//   scores = softmax(logits)   ('softmax', Mixtral/Switch)
//          | sigmoid(logits)   ('sigmoid', DeepSeek-V3)
//   topIdx = the k experts with the largest scores + bias, best first,
//            ties broken by the lower expert index
//   gates  = scores[topIdx] / sum(scores[topIdx])   (renormalised over the k)
//
// The bias (aux-loss-free balancing) only moves the selection: gates are built
// from the unbiased scores, and the bias gets no gradient.
// Note: with softmax and k = 1 the renormalised gate is exactly 1, so the
// router then learns only through the aux loss (dScoresExtra), as in Mixtral.

import type { RouterKind } from '../core/config';
import type { FloatArray } from './types';

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Writes the k best experts of scores[n] + bias into topIdx[n], best first, ties to the lower index. */
function selectTopK(topIdx: Int32Array, scores: FloatArray, bias: FloatArray, n: number, E: number, k: number): void {
  for (let j = 0; j < k; j++) {
    let best = -1;
    let bestVal = -Infinity;
    for (let e = 0; e < E; e++) {
      let taken = false;
      for (let i = 0; i < j; i++) if (topIdx[n * k + i] === e) taken = true;
      if (taken) continue;
      const v = scores[n * E + e]! + bias[e]!;
      // strict > keeps the lower index on ties; best < 0 makes even a NaN row pick something
      if (best < 0 || v > bestVal) {
        best = e;
        bestVal = v;
      }
    }
    topIdx[n * k + j] = best;
  }
}

export function routerForward(
  scores: FloatArray, // (N,E) softmax or sigmoid of the logits, unbiased
  topIdx: Int32Array, // (N,k) selected routed experts, best first
  gates: FloatArray, // (N,k) renormalised scores of the selected
  inp: FloatArray, // (N,C)
  wRouter: FloatArray, // (E,C)
  bias: FloatArray, // (E) selection only
  N: number, C: number, E: number, k: number, kind: RouterKind,
): void {
  if (!(k >= 1 && k <= E)) throw new RangeError(`routerForward: need 1 <= k <= E, got k=${k}, E=${E}`);
  const logits = new Float64Array(E); // (E) one token's logits
  for (let n = 0; n < N; n++) {
    let maxLogit = -Infinity;
    for (let e = 0; e < E; e++) {
      let acc = 0;
      for (let c = 0; c < C; c++) acc += inp[n * C + c]! * wRouter[e * C + c]!;
      logits[e] = acc;
      if (acc > maxLogit) maxLogit = acc;
    }
    if (kind === 'softmax') {
      // subtract the max so exp never overflows
      let sum = 0;
      for (let e = 0; e < E; e++) sum += (logits[e] = Math.exp(logits[e]! - maxLogit));
      for (let e = 0; e < E; e++) scores[n * E + e] = logits[e]! / sum;
    } else {
      for (let e = 0; e < E; e++) scores[n * E + e] = sigmoid(logits[e]!);
    }
    selectTopK(topIdx, scores, bias, n, E, k);
    let z = 0;
    for (let j = 0; j < k; j++) z += scores[n * E + topIdx[n * k + j]!]!;
    for (let j = 0; j < k; j++) gates[n * k + j] = scores[n * E + topIdx[n * k + j]!]! / z;
  }
}

export function routerBackward(
  dInp: FloatArray, // (N,C) +=
  dWRouter: FloatArray, // (E,C) +=
  dGates: FloatArray, // (N,k) gradient into the gates
  dScoresExtra: FloatArray | null, // (N,E) extra gradient on the scores (aux loss), or null
  scores: FloatArray, // (N,E) from forward
  topIdx: Int32Array, // (N,k)
  gates: FloatArray, // (N,k)
  inp: FloatArray, // (N,C)
  wRouter: FloatArray, // (E,C)
  N: number, C: number, E: number, k: number, kind: RouterKind,
): void {
  const dScores = new Float64Array(E); // (E) one token's gradient on its scores
  const dLogits = new Float64Array(E); // (E)
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < E; e++) dScores[e] = dScoresExtra ? dScoresExtra[n * E + e]! : 0;

    // gates[j] = scores[topIdx[j]] / z,  z = sum_j scores[topIdx[j]]
    // => dScores[topIdx[m]] += (dGates[m] - sum_j dGates[j] * gates[j]) / z
    let z = 0;
    let dot = 0;
    for (let j = 0; j < k; j++) {
      z += scores[n * E + topIdx[n * k + j]!]!;
      dot += dGates[n * k + j]! * gates[n * k + j]!;
    }
    for (let j = 0; j < k; j++) {
      const e = topIdx[n * k + j]!;
      dScores[e] = dScores[e]! + (dGates[n * k + j]! - dot) / z;
    }

    if (kind === 'softmax') {
      // scores = softmax(logits) => dLogits[e] = s[e] * (dScores[e] - sum_e' dScores[e'] s[e'])
      let sd = 0;
      for (let e = 0; e < E; e++) sd += dScores[e]! * scores[n * E + e]!;
      for (let e = 0; e < E; e++) dLogits[e] = scores[n * E + e]! * (dScores[e]! - sd);
    } else {
      // scores = sigmoid(logits) => dLogits = dScores * s * (1 - s)
      for (let e = 0; e < E; e++) {
        const s = scores[n * E + e]!;
        dLogits[e] = dScores[e]! * s * (1 - s);
      }
    }

    // logits[e] = sum_c inp[n,c] * wRouter[e,c]
    for (let e = 0; e < E; e++) {
      const dl = dLogits[e]!;
      for (let c = 0; c < C; c++) {
        dInp[n * C + c] = dInp[n * C + c]! + dl * wRouter[e * C + c]!;
        dWRouter[e * C + c] = dWRouter[e * C + c]! + dl * inp[n * C + c]!;
      }
    }
  }
}
