// Wrappers for logprob_forward.wgsl, logprob_backward.wgsl and logprob_entropy.wgsl
// (twin: cpu/logprob.ts). Dimensions: N rows (= B*T), V vocabulary.
import { f32, grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './logprob_forward.wgsl?raw';
import backwardCode from './logprob_backward.wgsl?raw';
import entropyCode from './logprob_entropy.wgsl?raw';

const WG_ROW = 64; // one thread per row
const WG_EL = 256; // one thread per element

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'logprob_forward', code: forwardCode, tensors: ['logp', 'probs', 'logits', 'targets'], params: ['N', 'V', 'invT', 'nan'] },
  backward: { name: 'logprob_backward', code: backwardCode, tensors: ['dlogits', 'dlogp', 'probs', 'targets'], params: ['N', 'V', 'invT'] },
  entropy: { name: 'logprob_entropy', code: entropyCode, tensors: ['ent', 'probs'], params: ['N', 'V'] },
} as const satisfies Record<string, KernelSpec>;

function checkTemperature(fn: string, temperature: number): void {
  if (!(temperature > 0)) throw new RangeError(`${fn}: temperature must be > 0, got ${temperature}`);
}

/**
 * logp is (N); probs is (N,V) cache of softmax(logits / temperature);
 * logits is (N,V); targets is (N) i32, < 0 meaning "no target" (logp 0).
 * A target >= V gives logp NaN (the CPU twin throws; a kernel cannot).
 */
export function logprobForward(
  rt: GpuRuntime,
  logp: GpuTensor,
  probs: GpuTensor,
  logits: GpuTensor,
  targets: GpuTensor,
  N: number,
  V: number,
  temperature: number,
): void {
  checkTemperature('logprobForward', temperature);
  if (targets.dtype !== 'i32') throw new TypeError(`logprobForward: targets must be an i32 tensor, got ${targets.dtype}`);
  const k = rt.kernel({ ...SPECS.forward, constants: { WG: WG_ROW } });
  rt.dispatch(k, [logp, probs, logits, targets], [N, V, f32(1 / temperature), f32(NaN)], grid(Math.ceil(N / WG_ROW)));
}

/** Accumulates dLogits (N,V); dLogp is (N); probs and targets are forward's. */
export function logprobBackward(
  rt: GpuRuntime,
  dLogits: GpuTensor,
  dLogp: GpuTensor,
  probs: GpuTensor,
  targets: GpuTensor,
  N: number,
  V: number,
  temperature: number,
): void {
  checkTemperature('logprobBackward', temperature);
  if (targets.dtype !== 'i32') throw new TypeError(`logprobBackward: targets must be an i32 tensor, got ${targets.dtype}`);
  const k = rt.kernel({ ...SPECS.backward, constants: { WG: WG_EL } });
  rt.dispatch(k, [dLogits, dLogp, probs, targets], [N, V, f32(1 / temperature)], grid(Math.ceil((N * V) / WG_EL)));
}

/** ent is (N) = -sum_v p log p of each row of probs (N,V); a metric, no backward. */
export function entropyForward(rt: GpuRuntime, ent: GpuTensor, probs: GpuTensor, N: number, V: number): void {
  const k = rt.kernel({ ...SPECS.entropy, constants: { WG: WG_ROW } });
  rt.dispatch(k, [ent, probs], [N, V], grid(Math.ceil(N / WG_ROW)));
}
