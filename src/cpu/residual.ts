// The residual connection. n is the element count (B*T*C).

import type { FloatArray } from './types';

/** out, inp1, inp2 are (n); out may alias neither input's storage. */
export function residualForward(out: FloatArray, inp1: FloatArray, inp2: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = inp1[i]! + inp2[i]!;
}

/** Accumulates dInp1 and dInp2 (n) from dOut (n). */
export function residualBackward(dInp1: FloatArray, dInp2: FloatArray, dOut: FloatArray, n: number): void {
  // forward: out = inp1 + inp2
  for (let i = 0; i < n; i++) {
    dInp1[i] = dInp1[i]! + dOut[i]!;
    dInp2[i] = dInp2[i]! + dOut[i]!;
  }
}
