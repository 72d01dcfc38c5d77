// Wrappers for the optimizer kernels (twin: cpu/adamw.ts): gradNorm as a
// two-pass fixed-order reduction and the elementwise AdamW update. The norm
// stays on the GPU in a (1) tensor; adamwUpdate derives the clip scale from it.
import type { AdamwHyper } from '../../ops/ops';
import { f32, grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import partialCode from './adamw_grad_norm_partial.wgsl?raw';
import finalCode from './adamw_grad_norm_final.wgsl?raw';
import updateCode from './adamw_update.wgsl?raw';

const WG = 256;
const ITEMS = 8; // elements per thread in pass 1: CHUNK = 2048 per workgroup
const CHUNK = WG * ITEMS;


/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  gradNormPartial: { name: 'adamw_grad_norm_partial', code: partialCode, tensors: ['partial', 'grads'], params: ['n'] },
  gradNormFinal: { name: 'adamw_grad_norm_final', code: finalCode, tensors: ['norm', 'partial'], params: ['count'] },
  update: { name: 'adamw_update', code: updateCode, tensors: ['params', 'grads', 'm', 'v', 'norm', 'skip'], params: ['n', 'use_skip', 'lr', 'beta1', 'beta2', 'eps', 'weight_decay', 'grad_clip', 'one_minus_beta1', 'one_minus_beta2', 'c1', 'c2'] },
} as const satisfies Record<string, KernelSpec>;

/** norm (1) = sqrt(sum grads (n)^2); two dispatches, deterministic. */
export function gradNorm(rt: GpuRuntime, norm: GpuTensor, grads: GpuTensor, n: number): void {
  const count = Math.max(1, Math.ceil(n / CHUNK)); // P partial sums
  const partial = rt.scratch('gradNorm partials', count); // (P)
  const k1 = rt.kernel({ ...SPECS.gradNormPartial, constants: { WG, ITEMS } });
  const k2 = rt.kernel({ ...SPECS.gradNormFinal, constants: { WG } });
  rt.dispatch(k1, [partial, grads], [n], grid(count));
  rt.dispatch(k2, [norm, partial], [count], [1]);
}

/**
 * params, grads, m, v (n); norm (1) from gradNorm. g = grads * min(1, gradClip / norm)
 * (1 when gradClip is 0), then AdamW exactly as cpu/adamw.ts adamwUpdate;
 * skip (1), when given and non-zero, makes it a no-op.
 */
export function adamwUpdate(
  rt: GpuRuntime, params: GpuTensor, grads: GpuTensor, m: GpuTensor, v: GpuTensor, norm: GpuTensor, n: number, h: AdamwHyper,
  skip: GpuTensor | null = null, // (1) nothing is written while skip[0] != 0
): void {
  if (!(h.step >= 1)) throw new RangeError(`adamwUpdate: step is 1-based, got ${h.step}`);
  const c1 = 1 - Math.pow(h.beta1, h.step);
  const c2 = 1 - Math.pow(h.beta2, h.step);
  const k = rt.kernel({ ...SPECS.update, constants: { WG } });
  const scalars = [h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.gradClip, 1 - h.beta1, 1 - h.beta2, c1, c2].map(f32);
  rt.dispatch(k, [params, grads, m, v, norm, skip], [n, skip ? 1 : 0, ...scalars], grid(Math.ceil(n / WG)));
}
