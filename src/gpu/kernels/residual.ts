// Wrappers for residual_forward.wgsl / residual_backward.wgsl (twin: cpu/residual.ts).
import { grid, type GpuRuntime, type GpuTensor } from '../runtime';
import forwardCode from './residual_forward.wgsl?raw';
import backwardCode from './residual_backward.wgsl?raw';

const WG = 256;

/** out (n) = inp1 (n) + inp2 (n). */
export function residualForward(rt: GpuRuntime, out: GpuTensor, inp1: GpuTensor, inp2: GpuTensor, n: number): void {
  const k = rt.kernel({ name: 'residual_forward', code: forwardCode, tensors: 3, constants: { WG } });
  rt.dispatch(k, [out, inp1, inp2], [n], grid(Math.ceil(n / WG)));
}

/** dInp1 (n) += dOut; dInp2 (n) += dOut. */
export function residualBackward(rt: GpuRuntime, dInp1: GpuTensor, dInp2: GpuTensor, dOut: GpuTensor, n: number): void {
  const k = rt.kernel({ name: 'residual_backward', code: backwardCode, tensors: 3, constants: { WG } });
  rt.dispatch(k, [dInp1, dInp2, dOut], [n], grid(Math.ceil(n / WG)));
}
