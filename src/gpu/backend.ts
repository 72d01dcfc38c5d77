// The WebGPU backend: model/ops.ts's Ops over GpuRuntime tensors. Like
// cpu/backend.ts it only adapts signatures: memory maps onto the runtime,
// every op onto its kernel wrapper in kernels/ (same name and argument order
// as the CPU twin, with the runtime first). Every op only enqueues;
// read / readInt are the only points that wait for the GPU.

import type { Ops } from '../model/ops';
import { adamwUpdate, gradNorm } from './kernels/adamw';
import { attentionBackward, attentionForward } from './kernels/attention';
import { auxFreeBiasUpdate, expertLoad, switchAuxLossBackward, switchAuxLossForward } from './kernels/balance';
import { encoderBackward, encoderForward } from './kernels/encoder';
import { entropyForward, logprobBackward, logprobForward } from './kernels/logprob';
import { matmulBackward, matmulForward } from './kernels/matmul';
import { moeBackward, moeForward } from './kernels/moe';
import { residualBackward, residualForward } from './kernels/residual';
import { rmsnormBackward, rmsnormForward } from './kernels/rmsnorm';
import { ropeBackward, ropeForward } from './kernels/rope';
import { routerBackward, routerForward } from './kernels/router';
import type { GpuRuntime, GpuTensor } from './runtime';

export type GpuOps = Ops<GpuTensor, GpuTensor>;

function expectDtype(t: GpuTensor, dtype: GpuTensor['dtype'], what: string): void {
  if (t.dtype !== dtype) throw new TypeError(`${what}: tensor is ${t.dtype}, expected ${dtype}`);
}

export function createGpuOps(rt: GpuRuntime): GpuOps {
  let scratch: GpuTensor | null = null; // bounce buffer for copies within one buffer, grown on demand
  const copy = (dst: GpuTensor, src: GpuTensor, n: number) => {
    if (n === 0 || dst.buffer !== src.buffer) return rt.copy(dst, src, n);
    // WebGPU's copyBufferToBuffer refuses a buffer as its own source and destination.
    if (!scratch || scratch.length < n) scratch = rt.alloc(Math.max(n, 2 * (scratch?.length ?? 0)), 'f32', 'copy scratch');
    rt.copy(scratch, src, n);
    rt.copy(dst, scratch, n);
  };
  return {
    name: 'webgpu',

    // Fresh WebGPU buffers are zero-filled, as Ops.alloc promises.
    alloc: (n) => rt.alloc(n, 'f32'),
    allocInt: (n) => rt.alloc(n, 'i32'),
    view: (buf, offset, length) => rt.view(buf, offset, length),
    viewInt: (buf, offset, length) => rt.view(buf, offset, length),
    zero: (buf) => rt.zero(buf),
    copy,
    write: (dst, src) => {
      expectDtype(dst, 'f32', 'write');
      rt.write(dst, src);
    },
    writeInt: (dst, src) => {
      expectDtype(dst, 'i32', 'writeInt');
      rt.write(dst, src);
    },
    // The dtype check throws at the call, not inside the promise.
    read: (buf) => {
      expectDtype(buf, 'f32', 'read');
      return rt.read(buf) as Promise<Float32Array>;
    },
    readInt: (buf) => {
      expectDtype(buf, 'i32', 'readInt');
      return rt.read(buf) as Promise<Int32Array>;
    },

    encoderForward: (...a) => encoderForward(rt, ...a),
    encoderBackward: (...a) => encoderBackward(rt, ...a),
    rmsnormForward: (...a) => rmsnormForward(rt, ...a),
    rmsnormBackward: (...a) => rmsnormBackward(rt, ...a),
    matmulForward: (...a) => matmulForward(rt, ...a),
    matmulBackward: (...a) => matmulBackward(rt, ...a),
    ropeForward: (...a) => ropeForward(rt, ...a),
    ropeBackward: (...a) => ropeBackward(rt, ...a),
    attentionForward: (...a) => attentionForward(rt, ...a),
    attentionBackward: (...a) => attentionBackward(rt, ...a),
    residualForward: (...a) => residualForward(rt, ...a),
    residualBackward: (...a) => residualBackward(rt, ...a),
    logprobForward: (...a) => logprobForward(rt, ...a),
    logprobBackward: (...a) => logprobBackward(rt, ...a),
    entropyForward: (...a) => entropyForward(rt, ...a),

    routerForward: (...a) => routerForward(rt, ...a),
    routerBackward: (...a) => routerBackward(rt, ...a),
    moeForward: (...a) => moeForward(rt, ...a),
    moeBackward: (...a) => moeBackward(rt, ...a),
    switchAuxLossForward: (...a) => switchAuxLossForward(rt, ...a),
    switchAuxLossBackward: (...a) => switchAuxLossBackward(rt, ...a),
    expertLoad: (...a) => expertLoad(rt, ...a),
    auxFreeBiasUpdate: (...a) => auxFreeBiasUpdate(rt, ...a),

    gradNorm: (...a) => gradNorm(rt, ...a),
    adamwUpdate: (...a) => adamwUpdate(rt, ...a),
  };
}
