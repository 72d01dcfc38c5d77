// Choosing where the model runs: WebGPU when the browser has a hardware GPU
// that can hold this config, otherwise the CPU, with the reason. The CPU
// engine is the WebAssembly SIMD one (wasm/backend.ts) wherever the runtime
// has WebAssembly SIMD, else the JavaScript reference (cpu/backend.ts).
// A software adapter (SwiftShader, llvmpipe: isFallbackAdapter or its name)
// runs the WebGPU engine many times slower than the CPU engine (README,
// Performance), so 'auto' takes the CPU there; 'webgpu' insists.
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
import { acquireDevice, adapterLabel, describeAdapter, requestAdapter, simulateUncapturedError, type AcquiredDevice, type AcquireOptions, type AdapterReport } from '../gpu/device';
import { createWasmDecodeOps, createWasmOps, wasmSupport } from '../wasm/backend';
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
      /** Why the CPU runs (no WebGPU, device too small, software GPU, chosen). */
      reason: string;
      label: string;
      /** Which CPU engine: WebAssembly SIMD kernels, or the JavaScript reference where the runtime lacks SIMD (or when asked). */
      engine: CpuEngine;
    };

export type CpuEngine = 'wasm' | 'js';

/** 'auto': WebGPU on a hardware adapter, else the CPU; 'webgpu': WebGPU whenever there is an adapter; 'cpu': the CPU. */
export type EnginePreference = 'auto' | 'webgpu' | 'cpu';

export interface BackendOptions extends AcquireOptions {
  /** Default 'auto'. 'cpu' forces the CPU (tests, the experiment CLI's --backend cpu). */
  prefer?: EnginePreference;
  /** The CPU engine when the CPU runs; default 'wasm' where supported. */
  cpuEngine?: CpuEngine;
  /**
   * A GPU is there but the config exceeds its limits: false throws the
   * GpuError (kind 'limits', naming each limit) instead of falling back, so
   * nothing is allocated at all (a config too big for a GPU would not train
   * on the CPU either). Default true.
   */
  fallbackOnLimits?: boolean;
}

/** How the badge names the fast CPU engine (the JavaScript reference stays 'CPU fallback'). */
export const WASM_LABEL = 'CPU (WebAssembly SIMD)';

/** The badge's reason when a software adapter was passed over. */
export const SOFTWARE_GPU_REASON = 'software GPU: the CPU engine is faster here';

/** A software rasteriser posing as a GPU: the adapter says it is a fallback, or its name is a known CPU implementation. */
export function isSoftwareAdapter(a: AdapterReport): boolean {
  return a.isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|softpipe|warp|software/i.test([a.vendor, a.architecture, a.device, a.description].join(' '));
}

/** The CPU backend: the WebAssembly SIMD engine where the runtime has it (unless engine is 'js'), else the reference. */
export function cpuBackend(reason: string, engine: CpuEngine = 'wasm'): Backend {
  const support = engine === 'wasm' ? wasmSupport() : null;
  if (support?.ok) return { kind: 'cpu', engine: 'wasm', ops: createWasmOps(), decode: createWasmDecodeOps(), reason, label: `${WASM_LABEL}: ${reason}` };
  const why = support && !support.ok ? `${reason}; JavaScript reference engine: ${support.reason}` : reason;
  return { kind: 'cpu', engine: 'js', ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason: why, label: `CPU fallback: ${why}` };
}

/**
 * WebGPU with the limits cfg needs, or the CPU backend with the reason:
 * navigator.gpu missing, no adapter, or a config the device cannot hold (the
 * message names the limit, the needed and the allowed value). Never throws.
 */
export async function createBackend(cfg: RunConfig, opts: BackendOptions = {}): Promise<Backend> {
  const prefer = opts.prefer ?? 'auto';
  if (prefer === 'cpu') return cpuBackend('the CPU backend was chosen', opts.cpuEngine);
  let acquire = opts;
  if (prefer === 'auto' && !opts.adapter && (opts.cpuEngine ?? 'wasm') === 'wasm' && wasmSupport().ok) {
    const r = await requestAdapter();
    if ('adapter' in r) {
      if (isSoftwareAdapter(describeAdapter(r.adapter))) return cpuBackend(SOFTWARE_GPU_REASON);
      acquire = { ...opts, adapter: r.adapter };
    }
  }
  let gpu: AcquiredDevice;
  try {
    gpu = await acquireDevice(runFootprint(cfg), acquire);
  } catch (e) {
    if (e instanceof GpuError && e.kind === 'limits' && opts.fallbackOnLimits === false) throw e;
    return cpuBackend(e instanceof Error ? e.message : String(e), opts.cpuEngine);
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
