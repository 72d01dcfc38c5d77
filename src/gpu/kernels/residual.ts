// Wrappers for residual_forward.wgsl / residual_backward.wgsl (twin: cpu/residual.ts).
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './residual_forward.wgsl?raw';
import backwardCode from './residual_backward.wgsl?raw';

const WG = 256;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'residual_forward', code: forwardCode, tensors: ['out', 'inp1', 'inp2'], params: ['n'] },
  backward: { name: 'residual_backward', code: backwardCode, tensors: ['dinp1', 'dinp2', 'dout'], params: ['n'] },
} as const satisfies Record<string, KernelSpec>;

/** out (n) = inp1 (n) + inp2 (n). */
export function residualForward(rt: GpuRuntime, out: GpuTensor, inp1: GpuTensor, inp2: GpuTensor, n: number): void {
  const k = rt.kernel({ ...SPECS.forward, constants: { WG } });
  rt.dispatch(k, [out, inp1, inp2], [n], grid(Math.ceil(n / WG)));
}

/** dInp1 (n) += dOut; dInp2 (n) += dOut. */
export function residualBackward(rt: GpuRuntime, dInp1: GpuTensor, dInp2: GpuTensor, dOut: GpuTensor, n: number): void {
  const k = rt.kernel({ ...SPECS.backward, constants: { WG } });
  rt.dispatch(k, [dInp1, dInp2, dOut], [n], grid(Math.ceil(n / WG)));
}
