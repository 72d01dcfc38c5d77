// Choosing where the model runs: WebGPU when the browser has it and the
// device can hold this config, otherwise the CPU reference, with the reason.
// The trainer receives a Backend and never asks again; both kinds implement
// the same Ops and DecodeOps, so the same model and trainer code runs on either.
//
// DESIGN §2: model -> (cpu | gpu). This is the one place model/ imports gpu/.

import type { RunConfig } from '../core/config';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import type { FloatArray } from '../cpu/types';
import { createGpuOps } from '../gpu/backend';
import { createGpuDecodeOps } from '../gpu/decode';
import { acquireDevice, adapterLabel, simulateUncapturedError, type AcquiredDevice, type AcquireOptions } from '../gpu/device';
import { GpuError, type GpuTensor } from '../gpu/runtime';
import type { DecodeOps } from '../ops/decode';
import { runFootprint } from './footprint';
import type { Ops } from '../ops/ops';

export type Backend =
  | {
      kind: 'webgpu';
      ops: Ops<GpuTensor, GpuTensor>;
      decode: DecodeOps<GpuTensor, GpuTensor>;
      gpu: AcquiredDevice;
      /** For the header badge: the GPU's name. */
      label: string;
    }
  | {
      kind: 'cpu';
      ops: Ops<FloatArray, Int32Array>;
      decode: DecodeOps<FloatArray, Int32Array>;
      /** Why the CPU reference runs (no WebGPU, device too small, forced). */
      reason: string;
      label: string;
    };

export interface BackendOptions extends AcquireOptions {
  /** 'cpu' forces the CPU reference (tests, the experiment CLI's --backend cpu). */
  prefer?: 'webgpu' | 'cpu';
  /**
   * A GPU is there but the config exceeds its limits: false throws the
   * GpuError (kind 'limits', naming each limit) instead of falling back, so
   * nothing is allocated at all (a config too big for a GPU would not train
   * on the CPU either). Default true.
   */
  fallbackOnLimits?: boolean;
}

export function cpuBackend(reason: string): Backend {
  return { kind: 'cpu', ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason, label: `CPU fallback: ${reason}` };
}

/**
 * WebGPU with the limits cfg needs, or the CPU backend with the reason:
 * navigator.gpu missing, no adapter, or a config the device cannot hold (the
 * message names the limit, the needed and the allowed value). Never throws.
 */
export async function createBackend(cfg: RunConfig, opts: BackendOptions = {}): Promise<Backend> {
  if (opts.prefer === 'cpu') return cpuBackend('the CPU backend was chosen');
  let gpu: AcquiredDevice;
  try {
    gpu = await acquireDevice(runFootprint(cfg), opts);
  } catch (e) {
    if (e instanceof GpuError && e.kind === 'limits' && opts.fallbackOnLimits === false) throw e;
    return cpuBackend(e instanceof Error ? e.message : String(e));
  }
  return {
    kind: 'webgpu',
    ops: createGpuOps(gpu.runtime),
    decode: createGpuDecodeOps(gpu.runtime),
    gpu,
    label: adapterLabel(gpu.adapter),
  };
}

/**
 * Test-only fault injection (train/session.ts, `fault` command): destroys the
 * device (it is lost as a real loss is: device.lost resolves and the
 * runtime's subscribers hear it), or makes it report an uncaptured
 * out-of-memory error through the runtime's real listener. Returns why it
 * cannot (no GPU), or null.
 */
export function injectGpuFault(b: Backend, kind: 'lose-device' | 'gpu-oom'): string | null {
  if (b.kind !== 'webgpu') return 'the run is on the CPU backend: there is no GPU device to fault';
  if (kind === 'lose-device') b.gpu.device.destroy();
  else simulateUncapturedError(b.gpu.device, 'out-of-memory', 'injected by the fault hook (?faults=1)');
  return null;
}
