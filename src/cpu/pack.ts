// Two small ops that let a training step keep its decisions on the device
// and read its results back once (train/grpo.ts). Twin of gpu/kernels/pack.
//
// checkFinite: a sticky fault flag. AdamW and the router-bias update take the
// flag and do nothing while it is non-zero, so a NaN/Inf step leaves every
// weight bit-identical without the host waiting for the verdict; the host
// reads the flag with the step's metrics and names the first fault by its code.
//
// intToFloat: routing indices (int tensors) into the float buffer that holds
// the step's metrics, by value (exact below 2^24), so one readback carries both.

import type { FloatArray } from './types';

/** flag (1): set to code (> 0) when it is 0 and some x (n) is NaN or +-Inf; a set flag is never overwritten. */
export function checkFinite(flag: FloatArray, x: FloatArray, n: number, code: number): void {
  if (!(code > 0)) throw new RangeError(`checkFinite: code ${code} must be > 0`);
  if (flag[0] !== 0) return;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!)) {
      flag[0] = code;
      return;
    }
  }
}

/** out (n) = src (n) as floats. */
export function intToFloat(out: FloatArray, src: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = src[i]!;
}
