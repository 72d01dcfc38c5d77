// Helpers for browser tests (x.browser.test.ts): a real device or a loud
// failure, and the parity check of DESIGN §8 that prints its largest difference.
import { describeAdapter, requestAdapter } from './device';
import { GpuRuntime } from './runtime';

let shared: Promise<GpuRuntime> | null = null;

/** One runtime per test file. Throws (never skips) when WebGPU is missing. */
export function testRuntime(): Promise<GpuRuntime> {
  shared ??= (async () => {
    const r = await requestAdapter();
    if ('reason' in r) throw new Error(`WebGPU is required for browser tests: ${r.reason}`);
    const a = describeAdapter(r.adapter);
    console.log(`adapter: ${a.vendor} ${a.architecture} ${a.description}${a.isFallbackAdapter ? ' (fallback)' : ''}`);
    const device = await r.adapter.requestDevice({
      requiredLimits: {
        maxStorageBuffersPerShaderStage: Math.min(10, r.adapter.limits.maxStorageBuffersPerShaderStage),
      },
    });
    return new GpuRuntime(device);
  })();
  return shared;
}

export interface CloseReport {
  maxAbs: number;
  worstIndex: number;
  violations: number;
}

/**
 * |gpu - cpu| <= atol + rtol * |cpu| for every element; logs the largest
 * difference and throws on the first violation with its index and values.
 */
export function assertClose(label: string, gpu: ArrayLike<number>, cpu: ArrayLike<number>, atol: number, rtol: number): CloseReport {
  if (gpu.length !== cpu.length) throw new Error(`${label}: length ${gpu.length} (gpu) vs ${cpu.length} (cpu)`);
  let maxAbs = 0;
  let worstIndex = -1;
  let violations = 0;
  let firstBad = -1;
  for (let i = 0; i < cpu.length; i++) {
    const d = Math.abs(gpu[i]! - cpu[i]!);
    if (!(d <= atol + rtol * Math.abs(cpu[i]!))) {
      violations++;
      if (firstBad < 0) firstBad = i;
    }
    if (d > maxAbs || Number.isNaN(d)) {
      maxAbs = Number.isNaN(d) ? Infinity : d;
      worstIndex = i;
    }
  }
  console.log(`${label}: n=${cpu.length} max|gpu-cpu|=${maxAbs.toExponential(3)} at ${worstIndex}`);
  if (violations > 0) {
    throw new Error(
      `${label}: ${violations} of ${cpu.length} elements differ by more than ${atol} + ${rtol}*|cpu|; ` +
        `first at ${firstBad}: gpu ${gpu[firstBad]} vs cpu ${cpu[firstBad]}`,
    );
  }
  return { maxAbs, worstIndex, violations };
}
