// The MoE feed-forward block: S always-on shared experts plus the k routed
// experts the router picked for each token (DeepSeekMoE, DESIGN §3).
//
// Dimension letters: N tokens (B*T), C model width, H expert hidden width,
// E routed experts, S shared experts, k top-k.
//
// Expert weights are stacked over all S+E experts, shared ones first (expert
// index s for shared s, S+e for routed e):
//   w1 (S+E,H,C) gate proj (SwiGLU) or the only input proj (GELU)
//   w3 (S+E,H,C) up proj, SwiGLU only (null for GELU)
//   w2 (S+E,C,H) down proj
//
// Each token has S+k "slots": slot s < S is shared expert s, slot S+j is the
// routed expert topIdx[n,j]. Per slot, with ex its expert:
//   h1 = w1[ex] x,  h3 = w3[ex] x
//   act = silu(h1) * h3          (swiglu)
//       | gelu(h1)               (gelu, tanh approximation as in GPT-2)
//   y = w2[ex] act
//   out[n] = sum_s y[n,s] + sum_j gates[n,j] * y[n,S+j]
//
// Every slot is computed (no permute/grouping): simple and deterministic; the
// GPU twin decides how to dispatch.

import type { MoeCacheOf, MoeDims } from '../ops/ops';
import type { FloatArray } from './types';

/** The cache a forward leaves for backward: h1, h3 (swiglu only), act (N,S+k,H), y (N,S+k,C). */
export type MoeCache = MoeCacheOf<FloatArray>;
export type { MoeDims };

export { moeCacheSize } from '../ops/ops';

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBE = 0.044715;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x)));
}

function geluGrad(x: number): number {
  const t = Math.tanh(GELU_SCALE * (x + GELU_CUBE * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_SCALE * (1 + 3 * GELU_CUBE * x * x);
}

/** The stacked expert index of slot `slot` of token n. */
function slotExpert(topIdx: Int32Array, n: number, slot: number, S: number, k: number): number {
  return slot < S ? slot : S + topIdx[n * k + slot - S]!;
}

function checkDims(w3: FloatArray | null, topIdx: Int32Array, d: MoeDims, who: string): void {
  if ((d.ffn === 'swiglu') !== (w3 !== null)) throw new Error(`${who}: w3 must be given for swiglu and null for gelu (ffn=${d.ffn})`);
  for (let i = 0; i < d.N * d.k; i++) {
    const e = topIdx[i]!;
    if (!(e >= 0 && e < d.E)) throw new RangeError(`${who}: topIdx[${i}] = ${e} is not a routed expert in [0, ${d.E})`);
  }
}

export function moeForward(
  out: FloatArray, // (N,C)
  cache: MoeCache,
  inp: FloatArray, // (N,C)
  topIdx: Int32Array, // (N,k)
  gates: FloatArray, // (N,k)
  w1: FloatArray, // (S+E,H,C)
  w3: FloatArray | null, // (S+E,H,C) swiglu only
  w2: FloatArray, // (S+E,C,H)
  d: MoeDims,
): void {
  const { N, C, H, S, k } = d;
  checkDims(w3, topIdx, d, 'moeForward');
  const K = S + k; // slots per token
  const { h1, h3, act, y } = cache;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) out[n * C + c] = 0;
    for (let slot = 0; slot < K; slot++) {
      const ex = slotExpert(topIdx, n, slot, S, k);
      const hb = (n * K + slot) * H; // this slot's row in h1/h3/act
      for (let h = 0; h < H; h++) {
        let a1 = 0;
        let a3 = 0;
        for (let c = 0; c < C; c++) {
          const x = inp[n * C + c]!;
          a1 += w1[(ex * H + h) * C + c]! * x;
          if (w3) a3 += w3[(ex * H + h) * C + c]! * x;
        }
        h1[hb + h] = a1;
        if (h3) h3[hb + h] = a3;
        act[hb + h] = w3 ? a1 * sigmoid(a1) * a3 : gelu(a1);
      }
      const g = slot < S ? 1 : gates[n * k + slot - S]!;
      const yb = (n * K + slot) * C;
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let h = 0; h < H; h++) acc += w2[(ex * C + c) * H + h]! * act[hb + h]!;
        y[yb + c] = acc;
        out[n * C + c] = out[n * C + c]! + g * acc;
      }
    }
  }
}

export function moeBackward(
  dInp: FloatArray, // (N,C) +=
  dW1: FloatArray, // (S+E,H,C) +=
  dW3: FloatArray | null, // (S+E,H,C) +=, swiglu only
  dW2: FloatArray, // (S+E,C,H) +=
  dGates: FloatArray, // (N,k) written (not accumulated): the gradient into the router
  dOut: FloatArray, // (N,C)
  cache: MoeCache,
  inp: FloatArray, // (N,C)
  topIdx: Int32Array, // (N,k)
  gates: FloatArray, // (N,k)
  w1: FloatArray, // (S+E,H,C)
  w3: FloatArray | null, // (S+E,H,C)
  w2: FloatArray, // (S+E,C,H)
  d: MoeDims,
): void {
  const { N, C, H, S, k } = d;
  checkDims(w3, topIdx, d, 'moeBackward');
  if ((dW3 === null) !== (w3 === null)) throw new Error('moeBackward: dW3 must be given exactly when w3 is');
  const K = S + k;
  const { h1, h3, act, y } = cache;
  const dAct = new Float64Array(H); // (H) one slot's gradient on act
  for (let n = 0; n < N; n++) {
    for (let slot = 0; slot < K; slot++) {
      const ex = slotExpert(topIdx, n, slot, S, k);
      const hb = (n * K + slot) * H;
      const yb = (n * K + slot) * C;
      // out[n] += g * y[slot]  =>  dGates = dOut . y,  dy = g * dOut
      const g = slot < S ? 1 : gates[n * k + slot - S]!;
      if (slot >= S) {
        let acc = 0;
        for (let c = 0; c < C; c++) acc += dOut[n * C + c]! * y[yb + c]!;
        dGates[n * k + slot - S] = acc;
      }
      // y[c] = sum_h w2[ex,c,h] * act[h]
      dAct.fill(0);
      for (let c = 0; c < C; c++) {
        const dy = g * dOut[n * C + c]!;
        for (let h = 0; h < H; h++) {
          const wi = (ex * C + c) * H + h;
          dW2[wi] = dW2[wi]! + dy * act[hb + h]!;
          dAct[h] = dAct[h]! + dy * w2[wi]!;
        }
      }
      for (let h = 0; h < H; h++) {
        const a1 = h1[hb + h]!;
        let dh1: number;
        let dh3 = 0;
        if (h3) {
          // act = silu(h1) * h3,  silu(x) = x sigmoid(x),  silu'(x) = sig(x) (1 + x (1 - sig(x)))
          const sg = sigmoid(a1);
          dh1 = dAct[h]! * h3[hb + h]! * sg * (1 + a1 * (1 - sg));
          dh3 = dAct[h]! * a1 * sg;
        } else {
          // act = gelu(h1)
          dh1 = dAct[h]! * geluGrad(a1);
        }
        // h1[h] = sum_c w1[ex,h,c] x[c],  h3[h] = sum_c w3[ex,h,c] x[c]
        for (let c = 0; c < C; c++) {
          const wi = (ex * H + h) * C + c;
          const x = inp[n * C + c]!;
          dW1[wi] = dW1[wi]! + dh1 * x;
          let dx = dh1 * w1[wi]!;
          if (w3 && dW3) {
            dW3[wi] = dW3[wi]! + dh3 * x;
            dx += dh3 * w3[wi]!;
          }
          dInp[n * C + c] = dInp[n * C + c]! + dx;
        }
      }
    }
  }
}
