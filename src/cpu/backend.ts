// The CPU reference backend: implements ops/ops.ts's Ops over typed-array
// subarray views. Float32Array matches the GPU; Float64Array makes the whole
// model finite-difference checkable. This file only adapts signatures: the
// math lives in the op files beside it (llm.c style, positional arguments;
// ops/named.ts adapts the ops Ops takes by name).
//
// The contract is ops/ops.ts (below cpu/ and gpu/); `satisfies` checks the
// fit here while keeping the concrete FloatArray types for callers.

import { adamwUpdate, clipScale, gradNorm } from './adamw';
import { attentionBackward, attentionForward } from './attention';
import { auxFreeBiasUpdate, expertLoad, switchAuxLossBackward, switchAuxLossForward } from './balance';
import { encoderBackward, encoderForward } from './encoder';
import { grpoLossForward } from './grpo_loss';
import { entropyForward, logprobBackward, logprobForward } from './logprob';
import { matmulBackward, matmulForward } from './matmul';
import { moeBackward, moeForward } from './moe';
import { checkFinite, intToFloat } from './pack';
import { residualBackward, residualForward } from './residual';
import { rmsnormBackward, rmsnormForward } from './rmsnorm';
import { ropeBackward, ropeForward } from './rope';
import { routerBackward, routerForward } from './router';
import { named } from '../ops/named';
import type { AdamwHyper, Ops } from '../ops/ops';
import type { FloatArray } from './types';

export type CpuPrecision = 'f32' | 'f64';

export function createCpuOps(precision: CpuPrecision = 'f32') {
  const alloc = (n: number): FloatArray => (precision === 'f64' ? new Float64Array(n) : new Float32Array(n));
  const checkView = (len: number, offset: number, length: number) => {
    if (!(offset >= 0 && length >= 0 && offset + length <= len)) {
      throw new RangeError(`view [${offset}, ${offset + length}) outside a buffer of ${len}`);
    }
  };
  const ops = {
    name: `cpu-${precision}`,
    precision,
    alloc,
    allocInt: (n: number) => new Int32Array(n),
    view: (buf: FloatArray, offset: number, length: number): FloatArray => {
      checkView(buf.length, offset, length);
      return buf.subarray(offset, offset + length);
    },
    viewInt: (buf: Int32Array, offset: number, length: number) => {
      checkView(buf.length, offset, length);
      return buf.subarray(offset, offset + length);
    },
    zero: (buf: FloatArray) => void buf.fill(0),
    copy: (dst: FloatArray, src: FloatArray, n: number) => void dst.set(src.subarray(0, n)),
    write: (dst: FloatArray, src: ArrayLike<number>) => void dst.set(src),
    writeInt: (dst: Int32Array, src: ArrayLike<number>) => void dst.set(src),
    read: (buf: FloatArray) => Promise.resolve(buf.slice()),
    readInt: (buf: Int32Array) => Promise.resolve(buf.slice()),

    encoderForward,
    encoderBackward,
    rmsnormForward,
    rmsnormBackward,
    ropeForward,
    ropeBackward,
    attentionForward,
    attentionBackward,
    residualForward,
    residualBackward,
    logprobForward,
    logprobBackward,
    entropyForward,

    ...named<FloatArray, Int32Array>({ matmulForward, matmulBackward, routerForward, routerBackward, moeForward, moeBackward }),
    switchAuxLossForward(loss: FloatArray, scores: FloatArray, topIdx: Int32Array, N: number, E: number, k: number, alpha: number) {
      loss[0] = switchAuxLossForward(scores, topIdx, N, E, k, alpha);
    },
    switchAuxLossBackward,
    expertLoad(load: FloatArray, topIdx: Int32Array, N: number, E: number, k: number) {
      const counts = new Float64Array(E); // balance.ts counts in f64
      expertLoad(counts, topIdx, N, E, k);
      load.set(counts);
    },
    auxFreeBiasUpdate(bias: FloatArray, load: FloatArray, E: number, gamma: number, skip?: FloatArray | null) {
      if (skip && skip[0] !== 0) return;
      auxFreeBiasUpdate(bias, Float64Array.from(load), E, gamma);
    },

    gradNorm(norm: FloatArray, grads: FloatArray, n: number) {
      norm[0] = gradNorm(grads, n);
    },
    adamwUpdate(params: FloatArray, grads: FloatArray, m: FloatArray, v: FloatArray, norm: FloatArray, n: number, h: AdamwHyper, skip?: FloatArray | null) {
      if (skip && skip[0] !== 0) return;
      adamwUpdate(params, grads, m, v, n, h, clipScale(norm[0]!, h.gradClip));
    },

    grpoLossForward,
    checkFinite,
    intToFloat,
  };
  return ops satisfies Ops<FloatArray, Int32Array>;
}

export type CpuOps = ReturnType<typeof createCpuOps>;
