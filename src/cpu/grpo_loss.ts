// The GRPO surrogate per token, on the device (DESIGN §5, §7): rl/grpo.ts
// grpoLoss computed over the training forward's positions instead of a
// host-side (rows,Tc) copy, so logp, the old and reference log-probs and the
// loss never leave the device during a step. Twin of gpu/kernels/grpo_loss.
//
// Every array is over the N = nSeq*T positions of the training forward.
// Position n takes part iff denom[n] > 0: it predicts a completion token of a
// row the loss keeps. The host writes, once per step:
//   adv   (N) the row's group-relative advantage A_i
//   denom (N) 1 / w_i of sequenceWeights (an integer: N*max(1,n_i) for grpo,
//             the token total for bnpo/dapo, N*Tc for dr_grpo), 0 elsewhere.
// Passing the integer and dividing here keeps w_i the same double that
// rl/grpo.ts computes (an f32 buffer of w_i would round it).
//
// Per position, exactly rl/grpo.ts grpoLoss:
//   rho  = exp(logp - logpOld)
//   surr = min(rho*A, clip(rho, 1-epsLow, 1+epsHigh)*A)
//   kl   = exp(ref - logp) - (ref - logp) - 1                 (k3; only with logpRef)
//   dLogp = w * (-(clipped ? 0 : rho*A) + beta*(1 - exp(ref - logp)))   (written; 0 off the loss)
// and sums (ops/ops.ts GRPO_SUM names their slots) in position order:
//   loss = policyLoss + beta*klLoss     policyLoss = sum w*-surr
//   klLoss = sum w*kl                   klSum = sum kl
//   ratioSum = sum rho                  clipLow, clipHigh (clipped counts)
//   tokens (positions in the loss)
// The sums' order (row by row, position by position) is rl/grpo.ts's order
// over the kept rows, so on the CPU the loss is the same double.

import { GRPO_SUM, type GrpoLossHyper } from '../ops/ops';
import type { FloatArray } from './types';



export function grpoLossForward(
  dLogp: FloatArray, // (N) written
  sums: FloatArray, // (GRPO_SUMS) written
  logp: FloatArray, // (N) the policy forward's
  logpOld: FloatArray, // (N) the rollout's
  logpRef: FloatArray | null, // (N) the reference forward's; null when beta = 0
  adv: FloatArray, // (N)
  denom: FloatArray, // (N)
  N: number,
  h: GrpoLossHyper,
): void {
  if (h.beta !== 0 && logpRef === null) throw new Error('grpoLossForward: beta > 0 needs logpRef');
  let policyLoss = 0, klLoss = 0, klSum = 0, ratioSum = 0, low = 0, high = 0, tokens = 0;
  const lo = 1 - h.epsLow, hi = 1 + h.epsHigh;
  for (let n = 0; n < N; n++) {
    const D = denom[n]!;
    if (!(D > 0)) {
      dLogp[n] = 0;
      continue;
    }
    const w = 1 / D;
    const A = adv[n]!;
    const lp = logp[n]!;
    const rho = Math.exp(lp - logpOld[n]!);
    // clipSide of rl/grpo.ts
    const side = A < 0 && rho < lo ? -1 : A > 0 && rho > hi ? 1 : 0;
    const surr = Math.min(rho * A, Math.min(Math.max(rho, lo), hi) * A);
    let dl = side === 0 ? -rho * A : 0;
    if (logpRef !== null) {
      const d = logpRef[n]! - lp;
      const e = Math.exp(d);
      const kl = e - d - 1;
      klSum += kl;
      klLoss += w * kl;
      dl += h.beta * (1 - e);
    }
    policyLoss += w * -surr;
    dLogp[n] = w * dl;
    tokens += 1;
    ratioSum += rho;
    if (side < 0) low += 1;
    if (side > 0) high += 1;
  }
  sums[GRPO_SUM.loss] = policyLoss + h.beta * klLoss;
  sums[GRPO_SUM.policyLoss] = policyLoss;
  sums[GRPO_SUM.klLoss] = klLoss;
  sums[GRPO_SUM.klSum] = klSum;
  sums[GRPO_SUM.ratioSum] = ratioSum;
  sums[GRPO_SUM.clipLow] = low;
  sums[GRPO_SUM.clipHigh] = high;
  sums[GRPO_SUM.tokens] = tokens;
}
