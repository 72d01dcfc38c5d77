// The grouped (permute-by-expert) MoE path for many routed experts (DESIGN §7),
// twin: cpu/moe.ts. moe.ts dispatches here when E >= GROUPED_MIN_EXPERTS.
//
// Route (3 small dispatches, integer only): histogram of the N*k routing
// choices per (expert, token chunk), exclusive prefix sum, stable scatter into
// perm (N*k): every expert's choices q = n*k + j in token order. offs (2E+2)
// holds the expert offsets into perm and each expert's first row tile, so the
// matmuls find their rows on the GPU: no readback, dispatch sizes are the
// upper bound ceil(N*k/TM) + E tiles and surplus workgroups return at once.
//
// Forward: gathered matmuls per expert (shared experts: all tokens), one
// dispatch each over every expert's row tiles, register-blocked (4 rows by 4
// units per thread, no workgroup memory or barriers), write h1/h3/act/y in the
// dense path's cache layout (N,S+k,H)/(N,S+k,C), then one combine. Backward: dGates/dh/dInp stay the dense kernels (moe.ts); the
// weight gradients here let each weight element visit only its own expert's
// rows, in token order, so the result equals the dense scan term for term.
import type { MoeCacheOf, MoeDims } from '../../ops/ops';
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import rowsCode from './moe_grouped_rows.wgsl?raw';
import countCode from './moe_grouped_count.wgsl?raw';
import offsetsCode from './moe_grouped_offsets.wgsl?raw';
import scatterCode from './moe_grouped_scatter.wgsl?raw';
import hiddenCode from './moe_grouped_forward_hidden.wgsl?raw';
import downCode from './moe_grouped_forward_down.wgsl?raw';
import combineCode from './moe_grouped_combine.wgsl?raw';
import dW13Code from './moe_grouped_backward_w13.wgsl?raw';
import dW2Code from './moe_grouped_backward_w2.wgsl?raw';

/** The MoE cache in the twin's layout (cpu/moe.ts MoeCache); both paths read and write it. */
export type GpuMoeCache = MoeCacheOf<GpuTensor>;

const WG = 64;
const CH = 32; // tokens per histogram/scatter chunk: E*ceil(N/CH) threads each walk CH*k choices
const TM = 16; // rows per matmul tile; moe_grouped_rows.wgsl has the same
const T = 16; // tile edge of the grouped matmuls (units / channels)
const MAX_E = 256; // moe_grouped_offsets.wgsl's workgroup array

/** Elements of perm (N*k) and offs (2E+2), both i32. */
export function moeRouteSize(d: MoeDims): { perm: number; offs: number } {
  return { perm: d.N * d.k, offs: 2 * d.E + 2 };
}


/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  count: { name: 'moe_grouped_count', code: countCode, tensors: ['counts', 'topidx'], params: ['N', 'E', 'k', 'CH', 'nChunks'] },
  offsets: { name: 'moe_grouped_offsets', code: offsetsCode, tensors: ['counts', 'offs'], params: ['E', 'nChunks', 'TM'] },
  scatter: { name: 'moe_grouped_scatter', code: scatterCode, tensors: ['perm', 'counts', 'topidx'], params: ['N', 'E', 'k', 'CH', 'nChunks'] },
  forwardHidden: { name: 'moe_grouped_forward_hidden', code: hiddenCode, tensors: ['h1', 'h3', 'act', 'inp', 'w1', 'w3', 'perm', 'offs'], params: ['N', 'C', 'H', 'E', 'S', 'k', 'swiglu'] },
  forwardDown: { name: 'moe_grouped_forward_down', code: downCode, tensors: ['y', 'act', 'w2', 'perm', 'offs'], params: ['N', 'C', 'H', 'E', 'S', 'k'] },
  combine: { name: 'moe_grouped_combine', code: combineCode, tensors: ['out', 'y', 'gates'], params: ['N', 'C', 'S', 'k'] },
  backwardW13: { name: 'moe_grouped_backward_w13', code: dW13Code, tensors: ['dw1', 'dw3', 'dh', 'inp', 'perm', 'offs'], params: ['N', 'C', 'H', 'E', 'S', 'k', 'swiglu'] },
  backwardW2: { name: 'moe_grouped_backward_w2', code: dW2Code, tensors: ['dw2', 'dout', 'act', 'gates', 'perm', 'offs'], params: ['N', 'C', 'H', 'E', 'S', 'k'] },
} as const satisfies Record<string, KernelSpec>;

/**
 * tiled: the kernel uses moe_grouped_rows.wgsl; constants are its overrides
 * (a fixed (16,16) workgroup when none).
 */
function kernel(rt: GpuRuntime, spec: KernelSpec, tiled = false, constants: Record<string, number> = {}) {
  return rt.kernel({ ...spec, code: tiled ? `${rowsCode}\n${spec.code}` : spec.code, constants: tiled ? constants : { WG } });
}

/** Groups of 4 columns per workgroup of the register-blocked forward passes: up to 16 (64 threads), fewer when the width is small. */
function unitGroups(width: number): number {
  return Math.min(16, Math.ceil(width / 4));
}

/**
 * perm (N*k) i32 and offs (2E+2) i32 WRITTEN from topIdx (N,k) i32: perm lists
 * each routed expert's choices n*k+j in token order, offs[0..E] the experts'
 * offsets into perm, offs[E+1..2E+1] their first row tiles of TM = 16 rows.
 */
export function moeGroupedRoute(rt: GpuRuntime, perm: GpuTensor, offs: GpuTensor, topIdx: GpuTensor, d: MoeDims): void {
  const { N, E, k } = d;
  if (E > MAX_E) throw new Error(`moeGroupedRoute: E = ${E} exceeds ${MAX_E}`);
  if (perm.length < N * k || offs.length < 2 * E + 2) throw new RangeError('moeGroupedRoute: perm or offs too small');
  const nChunks = Math.ceil(N / CH);
  const cv = rt.scratch('moe route counts', E * nChunks, 'i32'); // (E,nChunks)
  const threads = Math.ceil((E * nChunks) / WG);
  rt.dispatch(kernel(rt, SPECS.count), [cv, topIdx], [N, E, k, CH, nChunks], [threads]);
  rt.dispatch(kernel(rt, SPECS.offsets), [cv, offs], [E, nChunks, TM], [1]);
  rt.dispatch(kernel(rt, SPECS.scatter), [perm, cv, topIdx], [N, E, k, CH, nChunks], [threads]);
}

/** Row tiles to dispatch: shared experts' tiles, then the routed upper bound (each expert may leave one partial tile). */
function rowTiles(d: MoeDims): number {
  return d.S * Math.ceil(d.N / TM) + Math.ceil((d.N * d.k) / TM) + d.E;
}

/** Same contract as moe.ts moeForward: out (N,C) written, cache (N,S+k,*) written. */
export function moeGroupedForward(
  rt: GpuRuntime, out: GpuTensor, cache: GpuMoeCache, inp: GpuTensor, topIdx: GpuTensor, gates: GpuTensor,
  w1: GpuTensor, w3: GpuTensor | null, w2: GpuTensor, d: MoeDims,
): void {
  const { N, C, H, E, S, k } = d;
  const size = moeRouteSize(d);
  const perm = rt.scratch('moe route perm', size.perm, 'i32');
  const offs = rt.scratch('moe route offs', size.offs, 'i32');
  moeGroupedRoute(rt, perm, offs, topIdx, d);
  const tiles = rowTiles(d);
  const ugH = unitGroups(H);
  const ugC = unitGroups(C);
  const kh = kernel(rt, SPECS.forwardHidden, true, { UG: ugH });
  const kd = kernel(rt, SPECS.forwardDown, true, { UG: ugC });
  const kc = kernel(rt, SPECS.combine);
  rt.dispatch(kh, [cache.h1, cache.h3, cache.act, inp, w1, w3, perm, offs], [N, C, H, E, S, k, w3 ? 1 : 0], [tiles, Math.ceil(H / (4 * ugH))]);
  rt.dispatch(kd, [cache.y, cache.act, w2, perm, offs], [N, C, H, E, S, k], [tiles, Math.ceil(C / (4 * ugC))]);
  rt.dispatch(kc, [out, cache.y, gates], [N, C, S, k], grid(Math.ceil((N * C) / WG)));
}

/**
 * The weight gradients of moe.ts moeBackward, grouped: dW1/dW3 (S+E,H,C) and
 * dW2 (S+E,C,H) accumulate, from dh (2,N,S+k,H) = [dh1; dh3] (moe_backward_hidden.wgsl).
 */
export function moeGroupedWeightBackward(
  rt: GpuRuntime, dW1: GpuTensor, dW3: GpuTensor | null, dW2: GpuTensor, dh: GpuTensor, dOut: GpuTensor,
  act: GpuTensor, inp: GpuTensor, topIdx: GpuTensor, gates: GpuTensor, d: MoeDims,
): void {
  const { N, C, H, E, S, k } = d;
  const size = moeRouteSize(d);
  const perm = rt.scratch('moe route perm', size.perm, 'i32');
  const offs = rt.scratch('moe route offs', size.offs, 'i32');
  moeGroupedRoute(rt, perm, offs, topIdx, d);
  const k13 = kernel(rt, SPECS.backwardW13, true);
  const k2 = kernel(rt, SPECS.backwardW2, true);
  rt.dispatch(k13, [dW1, dW3, dh, inp, perm, offs], [N, C, H, E, S, k, dW3 ? 1 : 0], [Math.ceil(C / T), Math.ceil(H / T), S + E]);
  rt.dispatch(k2, [dW2, dOut, act, gates, perm, offs], [N, C, H, E, S, k], [Math.ceil(H / T), Math.ceil(C / T), S + E]);
}
