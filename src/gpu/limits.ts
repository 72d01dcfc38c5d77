// What a RunConfig needs from a WebGPU device, computed from the model's own
// size functions, and the comparison with an adapter's limits. Pure: no GPU
// here, so Node tests cover it (limits.test.ts); device.ts acts on it.
//
// The buffers a run allocates (see model/model.ts): params, grads and two Adam
// moments (table.total each), the float activations twice (forward aBuf and
// gradient dBuf) and one int buffer, sized for the largest batch of rows the
// trainer runs at once at T = maxSeqLen: the GRPO rollout (batchPrompts x
// groupSize sequences) or a pretraining batch, whichever is larger.

import type { RunConfig } from '../core/config';
import { createActivations, createModel } from '../model/model';
import type { Ops } from '../model/ops';
import { TENSOR_ALIGN } from './runtime';

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

interface Shape {
  length: number;
}

/**
 * A stand-in backend that only records sizes: running the real createModel /
 * createActivations through it measures exactly what the GPU backend will
 * allocate (whole buffers) and bind (views), with the same alignment gaps.
 */
function sizingOps(): { ops: Ops<Shape, Shape>; buffers: number[]; views: number[] } {
  const buffers: number[] = [];
  const views: number[] = [];
  const alloc = (n: number): Shape => (buffers.push(n), { length: n });
  const view = (_b: Shape, _o: number, n: number): Shape => (views.push(n), { length: n });
  const ops = { name: 'sizing', alloc, allocInt: alloc, view, viewInt: view } as unknown as Ops<Shape, Shape>;
  return { ops, buffers, views };
}

/** Sequences the trainer runs through one forward/backward at T = maxSeqLen. */
export function largestBatch(cfg: RunConfig): number {
  return Math.max(cfg.grpo.batchPrompts * cfg.grpo.groupSize, cfg.corpus.pretrainBatch);
}

/** Bytes of the largest buffer and the largest single binding of a run with this config. */
export function runFootprint(cfg: RunConfig, sequences = largestBatch(cfg)): { largestBuffer: number; largestBinding: number; totalBytes: number } {
  const s = sizingOps();
  const model = createModel(s.ops, cfg);
  createActivations(s.ops, model, sequences, cfg.model.maxSeqLen);
  // gradNorm binds the whole grads buffer; every other kernel binds views.
  const maxView = Math.max(model.table.total, ...s.views);
  const maxBuf = Math.max(...s.buffers);
  const bytes = (n: number) => Math.max(16, Math.ceil((n * 4) / 16) * 16); // runtime.alloc's rounding
  return { largestBuffer: bytes(maxBuf), largestBinding: bytes(maxView), totalBytes: s.buffers.reduce((a, n) => a + bytes(n), 0) };
}

/** Everything the config needs from the device, each with the reason. */
export function requiredLimits(cfg: RunConfig): LimitNeed[] {
  const f = runFootprint(cfg);
  return [
    { name: 'maxBufferSize', value: f.largestBuffer, kind: 'max', why: `the largest buffer (activations of ${largestBatch(cfg)} x ${cfg.model.maxSeqLen} tokens, or the parameters)` },
    { name: 'maxStorageBufferBindingSize', value: f.largestBinding, kind: 'max', why: 'the largest tensor one kernel binds' },
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
