// Rotary position embedding (Su et al. 2021), "rotate-half" layout as in
// GPT-NeoX / Llama (Hugging Face): within each head of size HS, channel i
// pairs with channel i + HS/2 (not with its neighbour, as in the interleaved
// layout of the paper and of Meta's Llama code). The GPU kernel must match.
//
//   freq_i  = 10000^(-2i/HS),  angle = t * freq_i,  i in [0, HS/2)
//   out[i]        = x[i] cos - x[i+HS/2] sin
//   out[i+HS/2]   = x[i+HS/2] cos + x[i] sin
//
// t is the position inside the sequence (0..T-1). Applied to q and k of the
// fused qkv buffer; v passes through unchanged.
// Dimensions: B batch, T time, C channels, NH heads, HS = C/NH head size.

import type { FloatArray } from './types';

export const ROPE_BASE = 10000;

function checkDims(C: number, NH: number): number {
  const HS = C / NH;
  if (!Number.isInteger(HS) || HS % 2 !== 0) throw new RangeError(`rope: head size C/NH = ${C}/${NH} must be an even integer`);
  return HS;
}

/** out and inp are (B,T,3C) fused [q | k | v]; q and k are rotated, v copied. */
export function ropeForward(out: FloatArray, inp: FloatArray, B: number, T: number, C: number, NH: number): void {
  const HS = checkDims(C, NH);
  const half = HS / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * 3 * C;
      for (let c = 2 * C; c < 3 * C; c++) out[row + c] = inp[row + c]!;
      for (let i = 0; i < half; i++) {
        const angle = t * Math.pow(ROPE_BASE, -i / half);
        const cos = Math.cos(angle);
        const sin = Math.sin(angle);
        // the q heads, then the k heads: 2*NH heads of HS channels each
        for (let h = 0; h < 2 * NH; h++) {
          const a = row + h * HS + i;
          const x1 = inp[a]!;
          const x2 = inp[a + half]!;
          out[a] = x1 * cos - x2 * sin;
          out[a + half] = x2 * cos + x1 * sin;
        }
      }
    }
  }
}

/** Accumulates dInp (B,T,3C) from dOut (B,T,3C): the transpose rotation. */
export function ropeBackward(dInp: FloatArray, dOut: FloatArray, B: number, T: number, C: number, NH: number): void {
  // forward: out1 = x1 cos - x2 sin; out2 = x2 cos + x1 sin
  const HS = checkDims(C, NH);
  const half = HS / 2;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = (b * T + t) * 3 * C;
      for (let c = 2 * C; c < 3 * C; c++) dInp[row + c] = dInp[row + c]! + dOut[row + c]!;
      for (let i = 0; i < half; i++) {
        const angle = t * Math.pow(ROPE_BASE, -i / half);
        const cos = Math.cos(angle);
        const sin = Math.sin(angle);
        for (let h = 0; h < 2 * NH; h++) {
          const a = row + h * HS + i;
          const d1 = dOut[a]!;
          const d2 = dOut[a + half]!;
          dInp[a] = dInp[a]! + d1 * cos + d2 * sin;
          dInp[a + half] = dInp[a + half]! - d1 * sin + d2 * cos;
        }
      }
    }
  }
}
