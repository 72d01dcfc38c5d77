// Wrappers for encoder_forward.wgsl and encoder_backward_{wte,wpe}.wgsl
// (twin: cpu/encoder.ts). Dimensions: B batch, T time, C channels, V
// vocabulary (the rows of wte); N = B*T.
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './encoder_forward.wgsl?raw';
import wteCode from './encoder_backward_wte.wgsl?raw';
import wpeCode from './encoder_backward_wpe.wgsl?raw';

const WG = 256;
const BACKWARD_WG = 64; // few threads (V*C, T*C), each a long loop: smaller groups spread them wider

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'encoder_forward', code: forwardCode, tensors: ['out', 'inp', 'wte', 'wpe'], params: ['N', 'T', 'C', 'V', 'has_wpe'] },
  backwardWte: { name: 'encoder_backward_wte', code: wteCode, tensors: ['dwte', 'dout', 'inp'], params: ['N', 'C', 'V'] },
  backwardWpe: { name: 'encoder_backward_wpe', code: wpeCode, tensors: ['dwpe', 'dout'], params: ['B', 'T', 'C'] },
} as const satisfies Record<string, KernelSpec>;

function need(fn: string, what: string, t: GpuTensor | null, n: number): void {
  if (t && t.length < n) throw new RangeError(`${fn}: ${what} holds ${t.length} elements, needs ${n}`);
}

function vocab(fn: string, wte: GpuTensor, C: number): number {
  const V = wte.length / C;
  if (!Number.isInteger(V)) throw new RangeError(`${fn}: wte holds ${wte.length} elements, not a multiple of C=${C}`);
  return V;
}

/**
 * out is (B,T,C), inp is (B,T) i32 token ids, wte is (V,C), wpe is (T_max,C)
 * or null (RoPE). A token outside [0, V) gives a row of NaN.
 */
export function encoderForward(rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, wte: GpuTensor, wpe: GpuTensor | null, B: number, T: number, C: number): void {
  const N = B * T;
  if (inp.dtype !== 'i32') throw new TypeError(`encoderForward: inp must be i32, got ${inp.dtype}`);
  need('encoderForward', 'out', out, N * C);
  need('encoderForward', 'inp', inp, N);
  need('encoderForward', 'wpe', wpe, T * C);
  const V = vocab('encoderForward', wte, C);
  const k = rt.kernel({ ...SPECS.forward, constants: { WG } });
  rt.dispatch(k, [out, inp, wte, wpe], [N, T, C, V, wpe ? 1 : 0], grid(Math.ceil((N * C) / WG)));
}

/** Accumulates into dWte (V,C) and dWpe (T_max,C) or null; dOut is (B,T,C), inp (B,T) i32. */
export function encoderBackward(rt: GpuRuntime, dWte: GpuTensor, dWpe: GpuTensor | null, dOut: GpuTensor, inp: GpuTensor, B: number, T: number, C: number): void {
  const N = B * T;
  if (inp.dtype !== 'i32') throw new TypeError(`encoderBackward: inp must be i32, got ${inp.dtype}`);
  need('encoderBackward', 'dOut', dOut, N * C);
  need('encoderBackward', 'inp', inp, N);
  need('encoderBackward', 'dWpe', dWpe, T * C);
  const V = vocab('encoderBackward', dWte, C);
  // forward: out[b,t,:] = wte[inp[b,t],:] + wpe[t,:]
  const kw = rt.kernel({ ...SPECS.backwardWte, constants: { WG: BACKWARD_WG } });
  rt.dispatch(kw, [dWte, dOut, inp], [N, C, V], [Math.ceil((V * C) / BACKWARD_WG)]);
  if (dWpe) {
    const kp = rt.kernel({ ...SPECS.backwardWpe, constants: { WG: BACKWARD_WG } });
    rt.dispatch(kp, [dWpe, dOut], [B, T, C], grid(Math.ceil((T * C) / BACKWARD_WG)));
  }
}
