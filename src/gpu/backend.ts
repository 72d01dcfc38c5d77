// The WebGPU backend: ops/ops.ts's Ops over GpuRuntime tensors. Like
// cpu/backend.ts it only adapts signatures: memory maps onto the runtime,
// every op onto its kernel wrapper in kernels/ (same name and argument order
// as the CPU twin, with the runtime first; ops/named.ts turns the ops Ops
// takes by name into that order). Every op only enqueues;
// read / readInt are the only points that wait for the GPU.
// `satisfies Ops<GpuTensor, GpuTensor>` checks the fit against the contract
// (ops/ sits below gpu/, cpu/ and model/).

import { adamwUpdate, gradNorm } from './kernels/adamw';
import { attentionBackward, attentionForward } from './kernels/attention';
import { auxFreeBiasUpdate, expertLoad, switchAuxLossBackward, switchAuxLossForward } from './kernels/balance';
import { encoderBackward, encoderForward } from './kernels/encoder';
import { grpoLossForward } from './kernels/grpo_loss';
import { entropyForward, logprobBackward, logprobForward } from './kernels/logprob';
import { matmulBackward, matmulForward } from './kernels/matmul';
import { moeBackward, moeForward } from './kernels/moe';
import { checkFinite, intToFloat } from './kernels/pack';
import { residualBackward, residualForward } from './kernels/residual';
import { rmsnormBackward, rmsnormForward } from './kernels/rmsnorm';
import { ropeBackward, ropeForward } from './kernels/rope';
import { routerBackward, routerForward } from './kernels/router';
import { named } from '../ops/named';
import type { Ops } from '../ops/ops';
import type { GpuRuntime, GpuTensor } from './runtime';

/** Binds the runtime as a kernel wrapper's first argument. */
export function withRuntime<A extends unknown[], R>(rt: GpuRuntime, fn: (rt: GpuRuntime, ...a: A) => R): (...a: A) => R {
  return (...a: A) => fn(rt, ...a);
}

function expectDtype(t: GpuTensor, dtype: GpuTensor['dtype'], what: string): void {
  if (t.dtype !== dtype) throw new TypeError(`${what}: tensor is ${t.dtype}, expected ${dtype}`);
}

export function createGpuOps(rt: GpuRuntime) {
  const ops = {
    name: 'webgpu' as const,

    // Fresh WebGPU buffers are zero-filled, as Ops.alloc promises.
    alloc: (n: number) => rt.alloc(n, 'f32'),
    allocInt: (n: number) => rt.alloc(n, 'i32'),
    view: (buf: GpuTensor, offset: number, length: number) => rt.view(buf, offset, length),
    viewInt: (buf: GpuTensor, offset: number, length: number) => rt.view(buf, offset, length),
    zero: (buf: GpuTensor) => rt.zero(buf),
    copy: (dst: GpuTensor, src: GpuTensor, n: number) => rt.copy(dst, src, n),
    write: (dst: GpuTensor, src: ArrayLike<number>) => {
      expectDtype(dst, 'f32', 'write');
      rt.write(dst, src);
    },
    writeInt: (dst: GpuTensor, src: ArrayLike<number>) => {
      expectDtype(dst, 'i32', 'writeInt');
      rt.write(dst, src);
    },
    // The dtype check throws at the call, not inside the promise.
    read: (buf: GpuTensor) => {
      expectDtype(buf, 'f32', 'read');
      return rt.read(buf) as Promise<Float32Array>;
    },
    readInt: (buf: GpuTensor) => {
      expectDtype(buf, 'i32', 'readInt');
      return rt.read(buf) as Promise<Int32Array>;
    },

    encoderForward: withRuntime(rt, encoderForward),
    encoderBackward: withRuntime(rt, encoderBackward),
    rmsnormForward: withRuntime(rt, rmsnormForward),
    rmsnormBackward: withRuntime(rt, rmsnormBackward),
    ropeForward: withRuntime(rt, ropeForward),
    ropeBackward: withRuntime(rt, ropeBackward),
    attentionForward: withRuntime(rt, attentionForward),
    attentionBackward: withRuntime(rt, attentionBackward),
    residualForward: withRuntime(rt, residualForward),
    residualBackward: withRuntime(rt, residualBackward),
    logprobForward: withRuntime(rt, logprobForward),
    logprobBackward: withRuntime(rt, logprobBackward),
    entropyForward: withRuntime(rt, entropyForward),

    ...named<GpuTensor, GpuTensor>({
      matmulForward: withRuntime(rt, matmulForward),
      matmulBackward: withRuntime(rt, matmulBackward),
      routerForward: withRuntime(rt, routerForward),
      routerBackward: withRuntime(rt, routerBackward),
      moeForward: withRuntime(rt, moeForward),
      moeBackward: withRuntime(rt, moeBackward),
    }),
    switchAuxLossForward: withRuntime(rt, switchAuxLossForward),
    switchAuxLossBackward: withRuntime(rt, switchAuxLossBackward),
    expertLoad: withRuntime(rt, expertLoad),
    auxFreeBiasUpdate: withRuntime(rt, auxFreeBiasUpdate),

    gradNorm: withRuntime(rt, gradNorm),
    adamwUpdate: withRuntime(rt, adamwUpdate),

    grpoLossForward: withRuntime(rt, grpoLossForward),
    checkFinite: withRuntime(rt, checkFinite),
    intToFloat: withRuntime(rt, intToFloat),
  };
  return ops satisfies Ops<GpuTensor, GpuTensor>;
}
