// WebGPU availability, the adapter's identity, and device acquisition: the
// limits a RunConfig needs (limits.ts) are checked against the adapter BEFORE
// anything is allocated, then requested; device loss and uncaptured errors
// reach subscribers as GpuError events.

import { checkLimits, deviceRequest, requiredLimits, type Footprint, type LimitNeed } from './limits';
import { GpuError, GpuRuntime } from './runtime';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
}

export type WebGPUProbe = { available: true; adapter: AdapterReport } | { available: false; reason: string };

// Chrome moved isFallbackAdapter from GPUAdapter onto GPUAdapterInfo; read whichever exists.
function fallbackFlag(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return Boolean(info.isFallbackAdapter ?? legacy ?? false);
}

export function describeAdapter(adapter: GPUAdapter): AdapterReport {
  const limits: Record<string, number> = {};
  // GPUSupportedLimits keeps its fields on the prototype as getters, so enumerate those.
  for (const key in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') limits[key] = v;
  }
  return {
    vendor: adapter.info.vendor,
    architecture: adapter.info.architecture,
    device: adapter.info.device,
    description: adapter.info.description,
    isFallbackAdapter: fallbackFlag(adapter),
    features: [...adapter.features].sort(),
    limits,
  };
}

/** One line for a badge: "google swiftshader (fallback)". */
export function adapterLabel(a: AdapterReport): string {
  const name = [a.vendor, a.architecture, a.device].filter((s) => s).join(' ') || a.description || 'unknown adapter';
  return a.isFallbackAdapter ? `${name} (fallback)` : name;
}

export async function requestAdapter(): Promise<{ adapter: GPUAdapter } | { reason: string }> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    return { reason: 'navigator.gpu is missing: this browser has no WebGPU (or it is disabled)' };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { reason: `requestAdapter threw: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter) return { reason: 'navigator.gpu.requestAdapter() returned null: no usable GPU adapter' };
  return { adapter };
}

export async function probeWebGPU(): Promise<WebGPUProbe> {
  const r = await requestAdapter();
  if ('reason' in r) return { available: false, reason: r.reason };
  return { available: true, adapter: describeAdapter(r.adapter) };
}

export interface AcquireOptions {
  /** An adapter already obtained (else requestAdapter()). */
  adapter?: GPUAdapter;
  /** Ask for 'timestamp-query' when the adapter has it (for profiler.ts). */
  profile?: boolean;
}

export interface AcquiredDevice {
  device: GPUDevice;
  runtime: GpuRuntime;
  adapter: AdapterReport;
  /** What the config needed, as checked. */
  needs: LimitNeed[];
  /** Whether the device has 'timestamp-query' (only when asked for and offered). */
  timestamps: boolean;
  /** Calls fn for every later uncaptured error and for device loss; returns the unsubscribe function. */
  subscribe(fn: (e: GpuError) => void): () => void;
}

/**
 * A device with the limits a run of this footprint (model/footprint.ts
 * runFootprint(cfg)) needs. Throws a GpuError of kind 'limits'
 * naming every limit the adapter falls short of (needed and allowed values)
 * before requesting the device, so nothing is allocated on failure.
 */
export async function acquireDevice(footprint: Footprint, opts: AcquireOptions = {}): Promise<AcquiredDevice> {
  let adapter = opts.adapter;
  if (!adapter) {
    const r = await requestAdapter();
    if ('reason' in r) throw new Error(`WebGPU unavailable: ${r.reason}`);
    adapter = r.adapter;
  }
  const report = describeAdapter(adapter);
  const needs = requiredLimits(footprint);
  const short = checkLimits(needs, report.limits);
  if (short.length > 0) {
    throw new GpuError(`this GPU (${adapterLabel(report)}) cannot run this config:\n  ${short.join('\n  ')}`, 'limits');
  }
  const timestamps = Boolean(opts.profile) && adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    label: 'grpo-playground',
    requiredLimits: deviceRequest(needs),
    requiredFeatures: timestamps ? ['timestamp-query'] : [],
  });
  const runtime = new GpuRuntime(device);
  const listeners = new Set<(e: GpuError) => void>();
  runtime.onError = (e) => {
    for (const fn of listeners) fn(e);
  };
  return {
    device, runtime, adapter: report, needs, timestamps,
    subscribe(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

/**
 * Test-only: makes the device raise an uncaptured error of this kind, as a
 * failed allocation or a bad command would, by dispatching the event WebGPU
 * itself dispatches; the runtime classifies and reports it like a real one.
 */
export function simulateUncapturedError(device: GPUDevice, kind: 'out-of-memory' | 'validation' | 'internal', message: string): void {
  const error = kind === 'out-of-memory' ? new GPUOutOfMemoryError(message) : kind === 'validation' ? new GPUValidationError(message) : new GPUInternalError(message);
  device.dispatchEvent(new GPUUncapturedErrorEvent('uncapturederror', { error }));
}
