// WebGPU availability and the adapter's identity. The full device acquisition
// (limits requested from the RunConfig, device.lost events) grows here in the
// engine issue; for now it answers "is there WebGPU, and on what?".

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
