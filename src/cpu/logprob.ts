// Per-token log-probabilities at a sampling temperature, and entropy.
// Dimensions: N rows (= B*T), V vocabulary.
//
// The RL objective needs log pi(target) at the temperature the rollout
// sampled with, so logits are divided by the temperature first. The
// pretraining loss is -mean over masked tokens of logp, i.e. the caller sets
// dLogp = -mask / count; GRPO sets dLogp from its surrogate. A target < 0
// means "no target": logp is 0 there and no gradient flows.

import type { FloatArray } from './types';

/**
 * logp is (N); probs is (N,V) cache of softmax(logits / temperature);
 * logits is (N,V); targets is (N).
 */
export function logprobForward(
  logp: FloatArray,
  probs: FloatArray,
  logits: FloatArray,
  targets: Int32Array,
  N: number,
  V: number,
  temperature: number,
): void {
  if (!(temperature > 0)) throw new RangeError(`logprobForward: temperature must be > 0, got ${temperature}`);
  const invT = 1 / temperature;
  for (let n = 0; n < N; n++) {
    const row = n * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[row + v]! * invT);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[row + v]! * invT - max);
    const logSum = Math.log(sum);
    for (let v = 0; v < V; v++) probs[row + v] = Math.exp(logits[row + v]! * invT - max - logSum);
    const t = targets[n]!;
    if (t >= V) throw new RangeError(`logprobForward: target ${t} at row ${n} outside [0, ${V})`);
    logp[n] = t < 0 ? 0 : logits[row + t]! * invT - max - logSum;
  }
}

/** Accumulates dLogits (N,V); dLogp is (N); probs and targets are forward's. */
export function logprobBackward(
  dLogits: FloatArray,
  dLogp: FloatArray,
  probs: FloatArray,
  targets: Int32Array,
  N: number,
  V: number,
  temperature: number,
): void {
  // forward: logp = z[t] - logsumexp(z), z = logits / temperature
  // so dlogits[v] = dlogp * (1[v == t] - probs[v]) / temperature
  const invT = 1 / temperature;
  for (let n = 0; n < N; n++) {
    const t = targets[n]!;
    const d = dLogp[n]!;
    if (t < 0 || d === 0) continue;
    const row = n * V;
    for (let v = 0; v < V; v++) {
      const ind = v === t ? 1 : 0;
      dLogits[row + v] = dLogits[row + v]! + d * (ind - probs[row + v]!) * invT;
    }
  }
}

/** ent is (N) = -sum_v p log p of each row of probs (N,V); a metric, no backward. */
export function entropyForward(ent: FloatArray, probs: FloatArray, N: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const row = n * V;
    let h = 0;
    for (let v = 0; v < V; v++) {
      const p = probs[row + v]!;
      if (p > 0) h -= p * Math.log(p);
    }
    ent[n] = h;
  }
}
