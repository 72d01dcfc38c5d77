// Wrappers for matmul_tiled.wgsl and matmul_backward_bias.wgsl (twin: cpu/matmul.ts).
// The linear layer, PyTorch layout: out = inp @ weight^T + bias, with N rows
// (= B*T), C input channels, OC output channels. All three products are the
// one tiled kernel with its operands indexed transposed where needed.
import type { GpuRuntime, GpuTensor } from '../runtime';
import tiledCode from './matmul_tiled.wgsl?raw';
import biasCode from './matmul_backward_bias.wgsl?raw';

const TILE = 64; // output rows and columns per workgroup (matmul_tiled.wgsl TM, TN)
const TILE_WG = 256;
const BIAS_WG = 64;

interface Gemm {
  name: string;
  transA: boolean;
  transB: boolean;
  accum: boolean;
}

/** out (M,Nc) (=|+=) A @ B (+ bias); see matmul_tiled.wgsl for the layouts. */
function gemm(rt: GpuRuntime, g: Gemm, out: GpuTensor, a: GpuTensor, b: GpuTensor, bias: GpuTensor | null, M: number, Nc: number, K: number): void {
  const k = rt.kernel({
    name: g.name,
    code: tiledCode,
    tensors: 4,
    constants: { WG: TILE_WG, TRANS_A: +g.transA, TRANS_B: +g.transB, ACCUM: +g.accum, BIAS: +(bias !== null) },
  });
  rt.dispatch(k, [out, a, b, bias], [M, Nc, K], [Math.ceil(Nc / TILE), Math.ceil(M / TILE)]);
}

function need(fn: string, what: string, t: GpuTensor | null, n: number): void {
  if (t && t.length < n) throw new RangeError(`${fn}: ${what} holds ${t.length} elements, needs ${n}`);
}

/** out is (N,OC), inp is (N,C), weight is (OC,C), bias is (OC) or null. out = inp @ weight^T + bias. */
export function matmulForward(rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, weight: GpuTensor, bias: GpuTensor | null, N: number, C: number, OC: number): void {
  need('matmulForward', 'out', out, N * OC);
  need('matmulForward', 'inp', inp, N * C);
  need('matmulForward', 'weight', weight, OC * C);
  need('matmulForward', 'bias', bias, OC);
  // out (N,OC) = inp (N,C) @ [weight stored (OC,C)]
  gemm(rt, { name: 'matmul_forward', transA: false, transB: true, accum: false }, out, inp, weight, bias, N, OC, C);
}

/** Accumulates dInp (N,C), dWeight (OC,C), dBias (OC) or null; dOut is (N,OC). */
export function matmulBackward(
  rt: GpuRuntime,
  dInp: GpuTensor,
  dWeight: GpuTensor,
  dBias: GpuTensor | null,
  dOut: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  N: number,
  C: number,
  OC: number,
): void {
  need('matmulBackward', 'dInp', dInp, N * C);
  need('matmulBackward', 'dWeight', dWeight, OC * C);
  need('matmulBackward', 'dBias', dBias, OC);
  need('matmulBackward', 'dOut', dOut, N * OC);
  need('matmulBackward', 'inp', inp, N * C);
  need('matmulBackward', 'weight', weight, OC * C);
  // forward: out[n,o] = bias[o] + sum_c inp[n,c] * weight[o,c]
  // dInp (N,C) += dOut (N,OC) @ weight (OC,C)
  gemm(rt, { name: 'matmul_backward_inp', transA: false, transB: false, accum: true }, dInp, dOut, weight, null, N, C, OC);
  // dWeight (OC,C) += [dOut stored (N,OC)]^T @ inp (N,C); each entry one thread's sum over n ascending
  gemm(rt, { name: 'matmul_backward_weight', transA: true, transB: false, accum: true }, dWeight, dOut, inp, null, OC, C, N);
  if (dBias) {
    const k = rt.kernel({ name: 'matmul_backward_bias', code: biasCode, tensors: 2, constants: { WG: BIAS_WG } });
    rt.dispatch(k, [dBias, dOut], [N, OC], [Math.ceil(OC / BIAS_WG)]);
  }
}
