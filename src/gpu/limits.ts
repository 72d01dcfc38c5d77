// What a run needs from a WebGPU device, and the comparison with an
// adapter's limits. Pure: no GPU here, so Node tests cover it
// (limits.test.ts); device.ts acts on it. The sizes come from the model
// (model/footprint.ts runFootprint), passed in as plain numbers so gpu/ does
// not reach up into model/.

import { TENSOR_ALIGN } from './runtime';

/** Element counts of a run's allocations (model/footprint.ts RunFootprint has this shape). */
export interface Footprint {
  sequences: number;
  tokensPerSequence: number;
  largestBuffer: number;
  largestBinding: number;
  buffers: readonly number[];
}

/** A limit the config needs: `max` limits must be >= value on the device, `align` limits <= value. */
export interface LimitNeed {
  name: keyof GPUSupportedLimits & string;
  value: number;
  kind: 'max' | 'align';
  why: string;
}

/** WebGPU's default limits (the spec's table) for the limits we check; any adapter offers at least these. */
export const DEFAULT_LIMITS = {
  maxBufferSize: 268_435_456,
  maxStorageBufferBindingSize: 134_217_728,
  maxStorageBuffersPerShaderStage: 8,
  maxComputeWorkgroupStorageSize: 16_384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupsPerDimension: 65_535,
  minStorageBufferOffsetAlignment: 256,
} as const;

/** Tensor bindings one kernel may use (binding 0 is the Params uniform, which is not a storage buffer). */
export const KERNEL_MAX_TENSORS = 8;

/** Bytes runtime.alloc reserves for n elements (rounded up to 16, at least 16). */
export function allocBytes(n: number): number {
  return Math.max(16, Math.ceil((n * 4) / 16) * 16);
}

/** Everything a run with this footprint needs from the device, each with the reason. */
export function requiredLimits(f: Footprint): LimitNeed[] {
  return [
    { name: 'maxBufferSize', value: allocBytes(f.largestBuffer), kind: 'max', why: `the largest buffer (activations of ${f.sequences} x ${f.tokensPerSequence} tokens, or the parameters)` },
    { name: 'maxStorageBufferBindingSize', value: allocBytes(f.largestBinding), kind: 'max', why: 'the largest tensor one kernel binds' },
    { name: 'maxStorageBuffersPerShaderStage', value: KERNEL_MAX_TENSORS, kind: 'max', why: 'tensor bindings of the widest kernel' },
    { name: 'maxComputeWorkgroupStorageSize', value: DEFAULT_LIMITS.maxComputeWorkgroupStorageSize, kind: 'max', why: 'workgroup memory of the tiled kernels' },
    { name: 'maxComputeInvocationsPerWorkgroup', value: DEFAULT_LIMITS.maxComputeInvocationsPerWorkgroup, kind: 'max', why: 'the largest workgroup' },
    { name: 'maxComputeWorkgroupSizeX', value: DEFAULT_LIMITS.maxComputeWorkgroupSizeX, kind: 'max', why: 'the largest workgroup' },
    { name: 'maxComputeWorkgroupsPerDimension', value: DEFAULT_LIMITS.maxComputeWorkgroupsPerDimension, kind: 'max', why: 'grid() splits larger dispatches over y' },
    { name: 'minStorageBufferOffsetAlignment', value: TENSOR_ALIGN * 4, kind: 'align', why: `tensor views start on ${TENSOR_ALIGN}-element (${TENSOR_ALIGN * 4}-byte) boundaries` },
  ];
}

/** One message per unmet need, naming the limit, the needed value and the adapter's; empty when all fit. */
export function checkLimits(needs: readonly LimitNeed[], adapter: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  for (const n of needs) {
    const have = adapter[n.name];
    if (have === undefined) {
      out.push(`${n.name}: the adapter does not report this limit (needed ${n.kind === 'max' ? '>=' : '<='} ${n.value} for ${n.why})`);
    } else if (n.kind === 'max' ? have < n.value : have > n.value) {
      out.push(`${n.name}: this config needs ${n.kind === 'max' ? '' : 'at most '}${n.value} (${n.why}), the device allows ${have}`);
    }
  }
  return out;
}

/**
 * The requiredLimits for requestDevice: each need, but never a value worse
 * than WebGPU's default (the device gets the default anyway, and some
 * implementations reject a request below it).
 */
export function deviceRequest(needs: readonly LimitNeed[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of needs) {
    const def = (DEFAULT_LIMITS as Record<string, number>)[n.name];
    out[n.name] = def === undefined ? n.value : n.kind === 'max' ? Math.max(def, n.value) : Math.min(def, n.value);
  }
  return out;
}
