// Wrappers for rope_forward.wgsl / rope_backward.wgsl (twin: cpu/rope.ts).
import { ROPE_BASE } from '../../cpu/rope';
import { grid, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import forwardCode from './rope_forward.wgsl?raw';
import backwardCode from './rope_backward.wgsl?raw';

const WG = 256;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  forward: { name: 'rope_forward', code: forwardCode, tensors: ['out', 'inp', 'table'], params: ['n', 'T', 'C', 'HS'] },
  backward: { name: 'rope_backward', code: backwardCode, tensors: ['dinp', 'dout', 'table'], params: ['n', 'T', 'C', 'HS'] },
} as const satisfies Record<string, KernelSpec>;

function checkDims(C: number, NH: number): number {
  const HS = C / NH;
  if (!Number.isInteger(HS) || HS % 2 !== 0) throw new RangeError(`rope: head size C/NH = ${C}/${NH} must be an even integer`);
  return HS;
}

// The cos/sin table (Tcap, HS/2, 2), per runtime and head size. Built once on
// the host in f64 with cpu/rope.ts's exact formula, then rounded to f32, so the
// GPU rotates by the same angles as the CPU. Grown (never shrunk) when a longer
// T arrives; rows do not depend on Tcap, so a larger table serves a shorter T.
const tables = new WeakMap<GpuRuntime, Map<number, { cap: number; t: GpuTensor }>>();

/** The (Tcap >= T, HS/2, 2) [cos, sin] table for head size HS; uploads on first use. */
export function ropeTable(rt: GpuRuntime, T: number, HS: number): GpuTensor {
  let byHs = tables.get(rt);
  if (!byHs) tables.set(rt, (byHs = new Map()));
  const hit = byHs.get(HS);
  if (hit && hit.cap >= T) return hit.t;
  const cap = Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, T))));
  const half = HS / 2;
  const host = new Float32Array(cap * half * 2);
  for (let t = 0; t < cap; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.pow(ROPE_BASE, -i / half); // the same expression as cpu/rope.ts
      host[(t * half + i) * 2] = Math.cos(angle);
      host[(t * half + i) * 2 + 1] = Math.sin(angle);
    }
  }
  const t = rt.alloc(host.length, 'f32', `rope table HS=${HS}`);
  rt.write(t, host);
  byHs.set(HS, { cap, t });
  return t;
}

/** out and inp are (B,T,3C) fused [q | k | v]; q and k are rotated, v copied. */
export function ropeForward(rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, B: number, T: number, C: number, NH: number): void {
  const HS = checkDims(C, NH);
  const table = ropeTable(rt, T, HS);
  const n = B * T * 3 * C;
  const k = rt.kernel({ ...SPECS.forward, constants: { WG } });
  rt.dispatch(k, [out, inp, table], [n, T, C, HS], grid(Math.ceil(n / WG)));
}

/** Accumulates dInp (B,T,3C) from dOut (B,T,3C): the transpose rotation. */
export function ropeBackward(rt: GpuRuntime, dInp: GpuTensor, dOut: GpuTensor, B: number, T: number, C: number, NH: number): void {
  const HS = checkDims(C, NH);
  const table = ropeTable(rt, T, HS);
  const n = B * T * 3 * C;
  const k = rt.kernel({ ...SPECS.backward, constants: { WG } });
  rt.dispatch(k, [dInp, dOut, table], [n, T, C, HS], grid(Math.ceil(n / WG)));
}
