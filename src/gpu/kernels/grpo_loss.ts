// Wrapper for grpo_loss.wgsl (twin: cpu/grpo_loss.ts grpoLossForward).
import { GRPO_SUM, GRPO_SUMS, type GrpoLossHyper } from '../../ops/ops';
import { f32, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import kernelCode from './grpo_loss.wgsl?raw';

/** GRPO_SUM as WGSL constants (clipLow -> SUM_CLIP_LOW), so the kernel names the slots the CPU twin and the trainer name. */
export const grpoSumConstants = (): string =>
  [...Object.entries(GRPO_SUM).map(([name, i]) => `const SUM_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}: u32 = ${i}u;`), `const SUM_COUNT: u32 = ${GRPO_SUMS}u;`].join('\n');

const code = `${grpoSumConstants()}\n${kernelCode}`;

const WG = 256;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  loss: { name: 'grpo_loss', code, tensors: ['dlogp', 'sums', 'logp', 'logp_old', 'logp_ref', 'adv', 'denom'], params: ['n', 'has_ref', 'beta', 'lo', 'hi'] },
} as const satisfies Record<string, KernelSpec>;

/** dLogp (N), sums (GRPO_SUMS) written from logp, logpOld, logpRef (or null when beta = 0), adv, denom (N). One workgroup. */
export function grpoLossForward(
  rt: GpuRuntime, dLogp: GpuTensor, sums: GpuTensor, logp: GpuTensor, logpOld: GpuTensor, logpRef: GpuTensor | null,
  adv: GpuTensor, denom: GpuTensor, N: number, h: GrpoLossHyper,
): void {
  if (h.beta !== 0 && logpRef === null) throw new Error('grpoLossForward: beta > 0 needs logpRef');
  if (sums.length < GRPO_SUMS) throw new RangeError(`grpoLossForward: sums holds ${sums.length} floats, needs ${GRPO_SUMS}`);
  const k = rt.kernel({ ...SPECS.loss, constants: { WG } });
  rt.dispatch(k, [dLogp, sums, logp, logpOld, logpRef, adv, denom], [N, logpRef ? 1 : 0, f32(h.beta), f32(1 - h.epsLow), f32(1 + h.epsHigh)], [1]);
}
