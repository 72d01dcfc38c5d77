// Wrapper for sample.wgsl (twin: cpu/decode.ts sample): one thread per row.
import type { SampleDims } from '../../ops/decode';
import { f32, type GpuRuntime, type GpuTensor, type KernelSpec } from '../runtime';
import rngCode from './rng.wgsl?raw';
import sampleCode from './sample.wgsl?raw';

const code = `${rngCode}\n${sampleCode}`;


const WG = 64;

/** Each kernel's tensor bindings and Params scalars, in the order of its struct Params (kernels/params.test.ts holds them against the .wgsl). */
export const SPECS = {
  sample: { name: 'sample', code, tensors: ['next', 'record', 'status', 'logits', 'prompt', 'plen'], params: ['nSeq', 'V', 'rowStride', 'rowOff', 'pos', 'Tmax', 'Tlimit', 'maxNew', 'temperature', 'topK', 'topP', 'seed', 'stream', 'eos', 'pad'] },
} as const satisfies Record<string, KernelSpec>;

function need(what: string, t: GpuTensor, n: number, dtype: GpuTensor['dtype']): void {
  if (t.length < n) throw new RangeError(`sample: ${what} holds ${t.length} elements, needs ${n}`);
  if (t.dtype !== dtype) throw new TypeError(`sample: ${what} must be ${dtype}, got ${t.dtype}`);
}

/**
 * Fills position d.pos of every row (model/decode.ts DecodeOps.sample).
 * next, status, plen (nSeq) i32; prompt (nSeq,Tmax) i32; record
 * (2*nSeq*maxNew + nSeq) f32; logits (rows,V) f32.
 */
export function sample(rt: GpuRuntime, next: GpuTensor, record: GpuTensor, status: GpuTensor, logits: GpuTensor, prompt: GpuTensor, plen: GpuTensor, d: SampleDims): void {
  const { nSeq, V } = d;
  need('next', next, nSeq, 'i32');
  need('status', status, nSeq, 'i32');
  need('plen', plen, nSeq, 'i32');
  need('prompt', prompt, nSeq * d.Tmax, 'i32');
  need('record', record, 2 * nSeq * d.maxNew + nSeq, 'f32');
  need('logits', logits, ((nSeq - 1) * d.rowStride + d.rowOff + 1) * V, 'f32');
  if (!(d.temperature >= 0)) throw new RangeError(`sample: temperature ${d.temperature} must be >= 0`);
  if (!(d.topP > 0 && d.topP <= 1)) throw new RangeError(`sample: topP ${d.topP} must be in (0, 1]`);
  if (!(d.pos < d.Tlimit && d.Tlimit <= d.Tmax)) throw new RangeError(`sample: position ${d.pos} must be < Tlimit ${d.Tlimit} <= Tmax ${d.Tmax}`);
  const k = rt.kernel({ ...SPECS.sample, constants: { WG } });
  rt.dispatch(
    k,
    [next, record, status, logits, prompt, plen],
    [nSeq, V, d.rowStride, d.rowOff, d.pos, d.Tmax, d.Tlimit, d.maxNew, f32(d.temperature), d.topK, f32(d.topP), d.seed >>> 0, d.stream >>> 0, d.eos, d.pad],
    [Math.ceil(nSeq / WG)],
  );
}
