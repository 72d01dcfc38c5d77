// Wrappers for matmul_tiled.wgsl and matmul_backward_bias.wgsl (twin: cpu/matmul.ts).
// The linear layer, PyTorch layout: out = inp @ weight^T + bias, with N rows
// (= B*T), C input channels, OC output channels. All three products are one
// GEMM with its operands indexed transposed where needed, in one of two
// variants chosen by shape (matmulVariant): the 64x64 workgroup-memory tiles
// of matmul_tiled.wgsl, or the barrier-free 4x4 register blocks of
// matmul_small.wgsl for small and thin shapes. Both sum in the same order.
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import biasCode from './matmul_backward_bias.wgsl?raw';
import smallCode from './matmul_small.wgsl?raw';
import reduceCode from './matmul_splitk_reduce.wgsl?raw';
import tiledCode from './matmul_tiled.wgsl?raw';

const TILE = 64; // output rows and columns per workgroup (matmul_tiled.wgsl TM, TN)
const TILE_K = 16; // matmul_tiled.wgsl TK
const TILE_WG = 256;
const SMALL_WG = 64; // matmul_small.wgsl: 64 threads of 4x4 outputs each
const SMALL_OUT = SMALL_WG * 16; // outputs per small workgroup
const BIAS_WG = 64;
const REDUCE_WG = 256;
// Split-K: at least this many k per workgroup (so its tile loads and partial
// write stay small beside its FMAs), and enough splits to reach about this
// many workgroups.
const SPLIT_MIN_K = 256;
const SPLIT_TARGET_GROUPS = 128;

export type MatmulVariant = 'tiled' | 'small';

/** Below this many 64x64 tiles the tiled grid cannot fill a GPU's cores: 4x more, smaller workgroups do better. */
const SMALL_MAX_TILES = 16;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  tiled: { name: 'matmul_tiled', code: tiledCode, tensors: ['out', 'a', 'b', 'bias'], params: ['M', 'N', 'K', 'kchunk'] },
  small: { name: 'matmul_small', code: smallCode, tensors: ['out', 'a', 'b', 'bias'], params: ['M', 'N', 'K', 'kchunk'] },
  splitkReduce: { name: 'matmul_splitk_reduce', code: reduceCode, tensors: ['out', 'partial'], params: ['n', 'S'] },
  backwardBias: { name: 'matmul_backward_bias', code: biasCode, tensors: ['dbias', 'dout'], params: ['N', 'OC'] },
} as const satisfies Record<string, KernelSpec>;

/**
 * Which kernel computes out (M,Nc) over K. The tiled kernel stages 64x64
 * tiles through workgroup memory 16 k at a time: it pays when the tiles are
 * full, many, and K is long enough for the staged values to be reused.
 * Otherwise (fewer than 64 rows or columns, as the rollout's one-position
 * M = B*G rows; K within two k-steps; fewer than 16 tiles, as dWeight's
 * (OC,C)) the register-blocked kernel wins: no staging, no barriers, 4x as
 * many workgroups. A pure function of the shape.
 */
export function matmulVariant(M: number, Nc: number, K: number): MatmulVariant {
  const tiles = Math.ceil(M / TILE) * Math.ceil(Nc / TILE);
  if (M < TILE || Nc < TILE || K <= 2 * TILE_K || tiles < SMALL_MAX_TILES) return 'small';
  return 'tiled';
}

/**
 * The k-chunk per workgroup for out (M,Nc) over K: K rounded up to TILE_K
 * (one chunk) unless the output has few workgroups (of the variant's size)
 * and K is long. A pure function of the shape and variant, so a
 * shape always sums in the same order.
 */
export function matmulSplitK(M: number, Nc: number, K: number, variant: MatmulVariant = 'tiled'): { splits: number; kchunk: number } {
  const tiles = variant === 'tiled' ? Math.ceil(M / TILE) * Math.ceil(Nc / TILE) : Math.ceil((M * Nc) / SMALL_OUT);
  const want = Math.min(Math.floor(K / SPLIT_MIN_K), Math.ceil(SPLIT_TARGET_GROUPS / Math.max(1, tiles)));
  const kchunk = Math.max(TILE_K, Math.ceil(K / Math.max(1, want) / TILE_K) * TILE_K);
  return { splits: Math.max(1, Math.ceil(K / kchunk)), kchunk };
}


interface Gemm {
  name: string;
  transA: boolean;
  transB: boolean;
  accum: boolean;
}

/** out (M,Nc) (=|+=) A @ B (+ bias); see matmul_tiled.wgsl for the layouts. */
function gemm(
  rt: GpuRuntime, g: Gemm, out: GpuTensor, a: GpuTensor, b: GpuTensor, bias: GpuTensor | null, M: number, Nc: number, K: number,
  variant: MatmulVariant = matmulVariant(M, Nc, K),
): void {
  const { splits, kchunk } = g.accum && !bias ? matmulSplitK(M, Nc, K, variant) : { splits: 1, kchunk: Math.ceil(K / TILE_K) * TILE_K };
  const small = variant === 'small';
  const gemmKernel = (name: string, accum: boolean) =>
    rt.kernel({
      ...(small ? SPECS.small : SPECS.tiled),
      name: small ? `${name}_small` : name,
      constants: { WG: small ? SMALL_WG : TILE_WG, TRANS_A: +g.transA, TRANS_B: +g.transB, ACCUM: +accum, BIAS: +(bias !== null) },
    });
  const groups: [number, number, number] = small
    ? [...grid(Math.ceil((Math.ceil(M / 4) * Math.ceil(Nc / 4)) / SMALL_WG)), splits]
    : [Math.ceil(Nc / TILE), Math.ceil(M / TILE), splits];
  if (splits === 1) {
    rt.dispatch(gemmKernel(g.name, g.accum), [out, a, b, bias], [M, Nc, K, kchunk], groups);
    return;
  }
  // partial (splits, M, Nc) written, then out += the partials summed in split order.
  const partial = rt.scratch('matmul split-k partials', splits * M * Nc);
  rt.dispatch(gemmKernel(`${g.name}_splitk`, false), [partial, a, b, null], [M, Nc, K, kchunk], groups);
  const reduce = rt.kernel({ ...SPECS.splitkReduce, constants: { WG: REDUCE_WG } });
  rt.dispatch(reduce, [out, partial], [M * Nc, splits], grid(Math.ceil((M * Nc) / REDUCE_WG)));
}

function need(fn: string, what: string, t: GpuTensor | null, n: number): void {
  if (t && t.length < n) throw new RangeError(`${fn}: ${what} holds ${t.length} elements, needs ${n}`);
}

/**
 * out is (N,OC), inp is (N,C), weight is (OC,C), bias is (OC) or null. out = inp @ weight^T + bias.
 * variant: tests force one kernel; by default each product picks by its shape (matmulVariant).
 */
export function matmulForward(
  rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, weight: GpuTensor, bias: GpuTensor | null, N: number, C: number, OC: number, variant?: MatmulVariant,
): void {
  need('matmulForward', 'out', out, N * OC);
  need('matmulForward', 'inp', inp, N * C);
  need('matmulForward', 'weight', weight, OC * C);
  need('matmulForward', 'bias', bias, OC);
  // out (N,OC) = inp (N,C) @ [weight stored (OC,C)]
  gemm(rt, { name: 'matmul_forward', transA: false, transB: true, accum: false }, out, inp, weight, bias, N, OC, C, variant);
}

/** Accumulates dInp (N,C), dWeight (OC,C), dBias (OC) or null; dOut is (N,OC). variant as in matmulForward. */
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
  variant?: MatmulVariant,
): void {
  need('matmulBackward', 'dInp', dInp, N * C);
  need('matmulBackward', 'dWeight', dWeight, OC * C);
  need('matmulBackward', 'dBias', dBias, OC);
  need('matmulBackward', 'dOut', dOut, N * OC);
  need('matmulBackward', 'inp', inp, N * C);
  need('matmulBackward', 'weight', weight, OC * C);
  // forward: out[n,o] = bias[o] + sum_c inp[n,c] * weight[o,c]
  // dInp (N,C) += dOut (N,OC) @ weight (OC,C)
  gemm(rt, { name: 'matmul_backward_inp', transA: false, transB: false, accum: true }, dInp, dOut, weight, null, N, C, OC, variant);
  // dWeight (OC,C) += [dOut stored (N,OC)]^T @ inp (N,C); a fixed-order sum over n
  // (split over chunks of n when the batch is long, see matmulSplitK)
  gemm(rt, { name: 'matmul_backward_weight', transA: true, transB: false, accum: true }, dWeight, dOut, inp, null, OC, C, N, variant);
  if (dBias) {
    const k = rt.kernel({ ...SPECS.backwardBias, constants: { WG: BIAS_WG } });
    rt.dispatch(k, [dBias, dOut], [N, OC], [Math.ceil(OC / BIAS_WG)]);
  }
}
