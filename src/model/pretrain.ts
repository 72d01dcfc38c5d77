// Next-token pretraining's loss in terms of the model's per-token logp:
//   loss = -(1/count) sum_n mask[n] logp[n],  count = sum_n mask[n]
// so dLogp = -mask / count, known before the forward (no readback needed).

/** dLogp (N) for the masked mean negative log-likelihood. */
export function pretrainDLogp(mask: ArrayLike<number>): Float32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  if (!(count > 0)) throw new RangeError('pretrainDLogp: the mask selects no tokens');
  const d = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) d[i] = -mask[i]! / count;
  return d;
}

/** The masked mean negative log-likelihood of logp (N). */
export function pretrainLoss(logp: ArrayLike<number>, mask: ArrayLike<number>): number {
  let s = 0;
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    s -= mask[i]! * logp[i]!;
    count += mask[i]!;
  }
  return s / count;
}
