import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng';
import { randn } from '../../cpu/gradcheck';
import { encoderBackward as cpuEncoderBackward, encoderForward as cpuEncoderForward } from '../../cpu/encoder';
import type { GpuRuntime, GpuTensor } from '../runtime';
import { assertClose, testRuntime } from '../testing';
import { encoderBackward, encoderForward } from './encoder';

// (B, T, C, V, T_max): single element; C and N not multiples of any workgroup
// size; the project's vocabulary (25) with T < T_max; more threads than one group.
const SHAPES: [number, number, number, number, number][] = [
  [1, 1, 1, 1, 1],
  [2, 3, 13, 5, 4],
  [3, 7, 33, 25, 9],
  [4, 20, 70, 25, 20],
];

const f32 = (n: number, seed: number): Float32Array => Float32Array.from(randn(n, seed));

function tokens(n: number, V: number, seed: number): Int32Array {
  const rng = new Rng(seed, 1);
  return Int32Array.from({ length: n }, () => rng.int(V));
}

/** Uploads into a view `pad` elements into its own buffer (exercises the o_* remainders). */
function upload(rt: GpuRuntime, data: Float32Array | Int32Array, pad: number): GpuTensor {
  const dtype = data instanceof Int32Array ? 'i32' : 'f32';
  const t = rt.view(rt.alloc(pad + data.length + 3, dtype), pad, data.length);
  rt.write(t, data);
  return t;
}

describe('encoder kernels vs cpu/encoder.ts', () => {
  it('forward adds token and position rows, or token rows alone (RoPE)', async () => {
    const rt = await testRuntime();
    for (const [B, T, C, V, Tmax] of SHAPES) {
      const inp = tokens(B * T, V, B * 100 + T);
      const wte = f32(V * C, 1);
      const wpe = f32(Tmax * C, 2);
      for (const withWpe of [true, false]) {
        const pad = withWpe ? 5 : 0;
        const out = upload(rt, f32(B * T * C, 3), pad); // stale values: forward must overwrite them
        encoderForward(rt, out, upload(rt, inp, pad + 1), upload(rt, wte, pad + 2), withWpe ? upload(rt, wpe, pad + 3) : null, B, T, C);
        const ref = new Float32Array(B * T * C);
        cpuEncoderForward(ref, inp, wte, withWpe ? wpe : null, B, T, C);
        // One f32 addition of the same two f32 values on both sides: exact.
        assertClose(`encoderForward (B,T,C,V)=(${B},${T},${C},${V}) wpe=${withWpe}`, await rt.read(out), ref, 0, 0);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward accumulates into non-zero dWte and dWpe, in the CPU order', async () => {
    const rt = await testRuntime();
    for (const [B, T, C, V, Tmax] of SHAPES) {
      const inp = tokens(B * T, V, B * 100 + T + 1);
      const dOut = f32(B * T * C, 4);
      for (const withWpe of [true, false]) {
        const dWte = f32(V * C, 5);
        const dWpe = f32(Tmax * C, 6);
        const pad = withWpe ? 9 : 0;
        const gWte = upload(rt, dWte, pad);
        const gWpe = upload(rt, dWpe, pad + 1);
        encoderBackward(rt, gWte, withWpe ? gWpe : null, upload(rt, dOut, pad + 2), upload(rt, inp, pad + 3), B, T, C);
        const wpeBefore = Float32Array.from(dWpe);
        cpuEncoderBackward(dWte, withWpe ? dWpe : null, dOut, inp, B, T, C);
        const label = `(B,T,C,V)=(${B},${T},${C},${V}) wpe=${withWpe}`;
        // Both sides add the same f32 values in the same order, each sum rounded
        // to f32 (the CPU stores every partial sum into a Float32Array): exact.
        assertClose(`encoderBackward dWte ${label}`, await rt.read(gWte), dWte, 0, 0);
        assertClose(`encoderBackward dWpe ${label}`, await rt.read(gWpe), withWpe ? dWpe : wpeBefore, 0, 0);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('matches hand-computed rows and sums', async () => {
    const rt = await testRuntime();
    // V=3, C=2, B=2, T=2; inp = [[2, 0], [2, 2]].
    const inp = upload(rt, Int32Array.from([2, 0, 2, 2]), 0);
    const wte = upload(rt, Float32Array.from([1, 2, 3, 4, 5, 6]), 0);
    const wpe = upload(rt, Float32Array.from([10, 20, 30, 40, 50, 60]), 0); // T_max = 3
    const out = rt.alloc(8);
    encoderForward(rt, out, inp, wte, wpe, 2, 2, 2);
    expect([...(await rt.read(out))]).toEqual([15, 26, 31, 42, 15, 26, 35, 46]);
    const dWte = upload(rt, Float32Array.from([0, 0, 100, 100, 0, 0]), 0);
    const dWpe = upload(rt, Float32Array.from([0, 0, 0, 0, 7, 7]), 0);
    const dOut = upload(rt, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 0);
    encoderBackward(rt, dWte, dWpe, dOut, inp, 2, 2, 2);
    // token 0 at (0,1); token 1 never (keeps its 100s); token 2 at (0,0), (1,0), (1,1).
    expect([...(await rt.read(dWte))]).toEqual([3, 4, 100, 100, 1 + 5 + 7, 2 + 6 + 8]);
    // t=0: rows (0,0)+(1,0); t=1: rows (0,1)+(1,1); row 2 of wpe untouched.
    expect([...(await rt.read(dWpe))]).toEqual([6, 8, 10, 12, 7, 7]);
  });

  it('writes NaN rows for tokens outside [0, V), where the CPU twin throws', async () => {
    const rt = await testRuntime();
    const inp = upload(rt, Int32Array.from([1, -1, 3]), 0);
    const out = rt.alloc(6);
    encoderForward(rt, out, inp, upload(rt, Float32Array.from([1, 2, 3, 4, 5, 6]), 0), null, 1, 3, 2);
    const got = [...(await rt.read(out))];
    expect(got).toEqual([3, 4, NaN, NaN, NaN, NaN]);
    expect(() => cpuEncoderForward(new Float32Array(6), Int32Array.from([1, -1, 3]), new Float32Array(6), null, 1, 3, 2)).toThrow(RangeError);
  });

  it('rejects float token ids and short tensors', async () => {
    const rt = await testRuntime();
    expect(() => encoderForward(rt, rt.alloc(6), rt.alloc(3), rt.alloc(6), null, 1, 3, 2)).toThrow(/inp must be i32/);
    expect(() => encoderBackward(rt, rt.alloc(6), rt.alloc(4), rt.alloc(6), rt.alloc(3, 'i32'), 1, 3, 2)).toThrow(/dWpe holds 4 elements, needs 6/);
  });
});
