import { describe, expect, it } from 'vitest';
import { randn } from '../../cpu/gradcheck';
import { matmulBackward as cpuMatmulBackward, matmulForward as cpuMatmulForward } from '../../cpu/matmul';
import type { GpuRuntime, GpuTensor } from '../runtime';
import { assertClose, testRuntime } from '../testing';
import { matmulBackward, matmulForward, matmulSplitK, matmulVariant, type MatmulVariant } from './matmul';

// Shapes (N, C, OC): a single element, sizes below one 64x64 tile and K below
// one 16-deep k-step, one past a tile edge in every direction, and whole tiles.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [65, 33, 70],
  [128, 64, 192],
];

// f32 sums of K products of unit normals against the CPU twin's float64 sums:
// the rounding error grows like sqrt(K) * |partial sums| * 2^-24, about 1e-5
// at K = 192, so atol 2e-5 (with rtol 1e-4 for the large entries) leaves room
// without hiding an indexing bug (those give O(1) differences).
const ATOL = 2e-5;
const RTOL = 1e-4;

const f32 = (n: number, seed: number, scale = 1): Float32Array => Float32Array.from(randn(n, seed, scale));

/**
 * Uploads data into a view that starts `pad` elements into its own buffer, so
 * the kernels' element remainders (o_* params) are exercised when pad is not a
 * multiple of the storage-offset alignment.
 */
function upload(rt: GpuRuntime, data: Float32Array, pad: number): GpuTensor {
  const t = rt.view(rt.alloc(pad + data.length + 5), pad, data.length);
  rt.write(t, data);
  return t;
}

describe('matmul kernels vs cpu/matmul.ts', () => {
  it('forward, with and without bias, at tile-edge shapes and unaligned views', async () => {
    const rt = await testRuntime();
    for (const [N, C, OC] of SHAPES) {
      const inp = f32(N * C, 1);
      const weight = f32(OC * C, 2);
      const bias = f32(OC, 3);
      for (const withBias of [true, false]) {
        const pad = withBias ? 3 : 0;
        const out = upload(rt, f32(N * OC, 4), pad + 2); // stale values: forward must overwrite them
        matmulForward(rt, out, upload(rt, inp, pad), upload(rt, weight, pad + 1), withBias ? upload(rt, bias, pad + 5) : null, N, C, OC);
        const ref = new Float32Array(N * OC);
        cpuMatmulForward(ref, inp, weight, withBias ? bias : null, N, C, OC);
        assertClose(`matmulForward (N,C,OC)=(${N},${C},${OC}) bias=${withBias}`, await rt.read(out), ref, ATOL, RTOL);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('backward accumulates dInp, dWeight, dBias onto non-zero gradients', async () => {
    const rt = await testRuntime();
    for (const [N, C, OC] of SHAPES) {
      for (const withBias of [true, false]) {
        const seed = 10 * N + (withBias ? 1 : 0);
        const inp = f32(N * C, seed + 1);
        const weight = f32(OC * C, seed + 2);
        const dOut = f32(N * OC, seed + 3);
        const dInp = f32(N * C, seed + 4);
        const dWeight = f32(OC * C, seed + 5);
        const dBias = f32(OC, seed + 6);
        const pad = withBias ? 7 : 0;
        const gInp = upload(rt, dInp, pad);
        const gWeight = upload(rt, dWeight, pad + 1);
        const gBias = upload(rt, dBias, pad + 2);
        matmulBackward(rt, gInp, gWeight, withBias ? gBias : null, upload(rt, dOut, pad + 3), upload(rt, inp, pad + 4), upload(rt, weight, pad + 5), N, C, OC);
        const before = Float32Array.from(dBias);
        cpuMatmulBackward(dInp, dWeight, withBias ? dBias : null, dOut, inp, weight, N, C, OC);
        const label = `(N,C,OC)=(${N},${C},${OC}) bias=${withBias}`;
        assertClose(`matmulBackward dInp ${label}`, await rt.read(gInp), dInp, ATOL, RTOL);
        assertClose(`matmulBackward dWeight ${label}`, await rt.read(gWeight), dWeight, ATOL, RTOL);
        // Without a bias the dBias buffer must be left exactly as it was.
        assertClose(`matmulBackward dBias ${label}`, await rt.read(gBias), withBias ? dBias : before, withBias ? ATOL : 0, withBias ? RTOL : 0);
      }
    }
    expect(rt.errors).toEqual([]);
  });

  it('matches a hand-computed 2x3 @ (2x3)^T + bias and its gradients', async () => {
    const rt = await testRuntime();
    // inp (2,3), weight (2,3), bias (2): out = [[1*1+2*0+3*(-1)+10, 1*2+2*1+3*0+20], [4-6+10, 8+5+20]]
    const out = rt.alloc(4);
    const inp = upload(rt, Float32Array.from([1, 2, 3, 4, 5, 6]), 0);
    const weight = upload(rt, Float32Array.from([1, 0, -1, 2, 1, 0]), 0);
    matmulForward(rt, out, inp, weight, upload(rt, Float32Array.from([10, 20]), 0), 2, 3, 2);
    expect([...(await rt.read(out))]).toEqual([8, 24, 8, 33]);
    // dOut = [[1, 0], [0, 1]]: dInp = dOut @ weight = weight rows; dWeight = dOut^T @ inp = inp rows; dBias = [1, 1].
    const dInp = upload(rt, Float32Array.from([1, 1, 1, 1, 1, 1]), 0);
    const dWeight = rt.alloc(6);
    const dBias = upload(rt, Float32Array.from([0.5, -0.5]), 0);
    matmulBackward(rt, dInp, dWeight, dBias, upload(rt, Float32Array.from([1, 0, 0, 1]), 0), inp, weight, 2, 3, 2);
    expect([...(await rt.read(dInp))]).toEqual([2, 1, 0, 3, 2, 1]);
    expect([...(await rt.read(dWeight))]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(await rt.read(dBias))]).toEqual([1.5, 0.5]);
  });

  it('works on 64-aligned views of shared arenas, as the model binds params and grads', async () => {
    const rt = await testRuntime();
    const [N, C, OC] = [9, 20, 11];
    const inp = f32(N * C, 51);
    const weight = f32(OC * C, 52);
    const bias = f32(OC, 53);
    const dOut = f32(N * OC, 54);
    // params arena: weight at 0, bias at 256 (OC*C = 220 rounded up to 64s); acts arena: inp, out, dOut, dInp.
    const params = rt.alloc(256 + 64);
    const grads = rt.alloc(256 + 64);
    const acts = rt.alloc(4 * 192);
    const [w, b] = [rt.view(params, 0, OC * C), rt.view(params, 256, OC)];
    const [gw, gb] = [rt.view(grads, 0, OC * C), rt.view(grads, 256, OC)];
    const [x, out, gOut, gInp] = [0, 1, 2, 3].map((i) => rt.view(acts, 192 * i, i === 0 || i === 3 ? N * C : N * OC)) as [GpuTensor, GpuTensor, GpuTensor, GpuTensor];
    rt.write(w, weight);
    rt.write(b, bias);
    rt.write(x, inp);
    rt.write(gOut, dOut);
    rt.zero(grads);
    rt.zero(gInp);
    matmulForward(rt, out, x, w, b, N, C, OC);
    matmulBackward(rt, gInp, gw, gb, gOut, x, w, N, C, OC);
    const ref = new Float32Array(N * OC);
    cpuMatmulForward(ref, inp, weight, bias, N, C, OC);
    const [dInp, dWeight, dBias] = [new Float32Array(N * C), new Float32Array(OC * C), new Float32Array(OC)];
    cpuMatmulBackward(dInp, dWeight, dBias, dOut, inp, weight, N, C, OC);
    assertClose('arena forward', await rt.read(out), ref, ATOL, RTOL);
    assertClose('arena dInp', await rt.read(gInp), dInp, ATOL, RTOL);
    assertClose('arena dWeight', await rt.read(gw), dWeight, ATOL, RTOL);
    assertClose('arena dBias', await rt.read(gb), dBias, ATOL, RTOL);
    expect(rt.errors).toEqual([]);
  });

  it('is deterministic: the same backward twice gives the same bits', async () => {
    const rt = await testRuntime();
    const [N, C, OC] = [600, 20, 9];
    expect(matmulSplitK(OC, C, N, matmulVariant(OC, C, N)).splits).toBeGreaterThan(1); // dWeight takes the split-K path
    const dOut = upload(rt, f32(N * OC, 41), 0);
    const inp = upload(rt, f32(N * C, 42), 0);
    const weight = upload(rt, f32(OC * C, 43), 0);
    const runs: Float32Array[] = [];
    for (let r = 0; r < 2; r++) {
      const dInp = rt.alloc(N * C);
      const dWeight = rt.alloc(OC * C);
      const dBias = rt.alloc(OC);
      rt.zero(dInp);
      rt.zero(dWeight);
      rt.zero(dBias);
      matmulBackward(rt, dInp, dWeight, dBias, dOut, inp, weight, N, C, OC);
      runs.push(Float32Array.from([...(await rt.read(dInp)), ...(await rt.read(dWeight)), ...(await rt.read(dBias))]));
    }
    expect(new Uint32Array(runs[1]!.buffer)).toEqual(new Uint32Array(runs[0]!.buffer));
  });

  it('splits a long dWeight sum over chunks of rows, then adds the partials in order', async () => {
    const rt = await testRuntime();
    // dWeight is (OC,C) over K = N: one or two output tiles, a long K.
    expect(matmulSplitK(192, 64, 64 * 96)).toEqual({ splits: 24, kchunk: 256 }); // the default training shape
    expect(matmulSplitK(1, 1, 1)).toEqual({ splits: 1, kchunk: 16 });
    expect(matmulSplitK(192, 64, 300)).toEqual({ splits: 1, kchunk: 304 }); // too short to split
    expect(matmulSplitK(6144, 64, 192).splits).toBe(1); // dInp: many tiles already
    // (N,C,OC): a last chunk shorter than the others and not a multiple of 16; chunks that tile N exactly.
    for (const [N, C, OC] of [[600, 13, 70], [1024, 64, 25]] as const) {
      const { splits, kchunk } = matmulSplitK(OC, C, N, matmulVariant(OC, C, N));
      expect(splits).toBeGreaterThan(1);
      const inp = f32(N * C, N + 1);
      const weight = f32(OC * C, N + 2);
      const dOut = f32(N * OC, N + 3);
      const dInp = f32(N * C, N + 4);
      const dWeight = f32(OC * C, N + 5);
      const dBias = f32(OC, N + 6);
      const [gInp, gWeight, gBias] = [upload(rt, dInp, 0), upload(rt, dWeight, 3), upload(rt, dBias, 0)];
      matmulBackward(rt, gInp, gWeight, gBias, upload(rt, dOut, 0), upload(rt, inp, 0), upload(rt, weight, 0), N, C, OC);
      cpuMatmulBackward(dInp, dWeight, dBias, dOut, inp, weight, N, C, OC);
      const label = `(N,C,OC)=(${N},${C},${OC}) splits=${splits} kchunk=${kchunk}`;
      assertClose(`split-K dWeight ${label}`, await rt.read(gWeight), dWeight, ATOL, RTOL);
      assertClose(`split-K dInp ${label}`, await rt.read(gInp), dInp, ATOL, RTOL);
      assertClose(`split-K dBias ${label}`, await rt.read(gBias), dBias, ATOL, RTOL);
    }
    expect(rt.errors).toEqual([]);
  });

  it('picks the register-blocked kernel for small, thin or few-tile shapes and the 64x64 tiles for big ones', () => {
    expect(matmulVariant(16, 96, 32)).toBe('small'); // rollout qkv, one decode position of 16 rows
    expect(matmulVariant(64, 192, 64)).toBe('small'); // rollout qkv at the default config: 3 tiles
    expect(matmulVariant(512, 96, 32)).toBe('small'); // K = 32: two k-steps, nothing to reuse
    expect(matmulVariant(192, 64, 6144)).toBe('small'); // dWeight: 3 tiles, split over K instead
    expect(matmulVariant(256, 256, 256)).toBe('tiled');
    expect(matmulVariant(6144, 192, 64)).toBe('tiled'); // training forward at the default config
    // the split count follows the variant's workgroup size: 4x more small workgroups need fewer splits
    expect(matmulSplitK(192, 64, 6144, 'small')).toEqual({ splits: 11, kchunk: 560 }); // 12 groups, 11 splits to reach 128
  });

  it('both kernel variants, forced, match the twin at odd shapes (split-K included) and give the same bits', async () => {
    const rt = await testRuntime();
    // a single element, tile edges crossed both ways, M and N not multiples of the 4x4 block, a split dWeight
    for (const [N, C, OC] of [[1, 1, 1], [7, 13, 5], [65, 33, 70], [3, 70, 131], [530, 6, 67]] as const) {
      const inp = f32(N * C, N + 11);
      const weight = f32(OC * C, N + 12);
      const bias = f32(OC, N + 13);
      const dOut = f32(N * OC, N + 14);
      const [dInp0, dWeight0, dBias0] = [f32(N * C, N + 15), f32(OC * C, N + 16), f32(OC, N + 17)];
      const ref = new Float32Array(N * OC);
      cpuMatmulForward(ref, inp, weight, bias, N, C, OC);
      const [dInp, dWeight, dBias] = [Float32Array.from(dInp0), Float32Array.from(dWeight0), Float32Array.from(dBias0)];
      cpuMatmulBackward(dInp, dWeight, dBias, dOut, inp, weight, N, C, OC);
      const bits: Uint32Array[][] = [];
      for (const variant of ['tiled', 'small'] as MatmulVariant[]) {
        const label = `${variant} (N,C,OC)=(${N},${C},${OC})`;
        const out = upload(rt, f32(N * OC, 4), 3);
        matmulForward(rt, out, upload(rt, inp, 1), upload(rt, weight, 2), upload(rt, bias, 5), N, C, OC, variant);
        const [gInp, gWeight, gBias] = [upload(rt, dInp0, 1), upload(rt, dWeight0, 6), upload(rt, dBias0, 0)];
        matmulBackward(rt, gInp, gWeight, gBias, upload(rt, dOut, 2), upload(rt, inp, 3), upload(rt, weight, 0), N, C, OC, variant);
        const got = [await rt.read(out), await rt.read(gInp), await rt.read(gWeight), await rt.read(gBias)] as Float32Array[];
        assertClose(`forward ${label}`, got[0]!, ref, ATOL, RTOL);
        assertClose(`dInp ${label}`, got[1]!, dInp, ATOL, RTOL);
        assertClose(`dWeight ${label}`, got[2]!, dWeight, ATOL, RTOL);
        assertClose(`dBias ${label}`, got[3]!, dBias, ATOL, RTOL);
        bits.push(got.map((g) => new Uint32Array(g.buffer)));
      }
      // forward and dInp sum each output over k in the same order in both kernels
      expect(bits[1]![0], `forward bits (N,C,OC)=(${N},${C},${OC})`).toEqual(bits[0]![0]);
      expect(bits[1]![1], `dInp bits (N,C,OC)=(${N},${C},${OC})`).toEqual(bits[0]![1]);
    }
    expect(rt.errors).toEqual([]);
  });

  it('rejects tensors too small for the shape', async () => {
    const rt = await testRuntime();
    const t = (n: number) => rt.alloc(n);
    expect(() => matmulForward(rt, t(5), t(6), t(6), null, 2, 3, 3)).toThrow(/matmulForward: out holds 5 elements, needs 6/);
    expect(() => matmulBackward(rt, t(6), t(6), t(1), t(4), t(6), t(6), 2, 3, 2)).toThrow(/matmulBackward: dBias holds 1 elements, needs 2/);
  });
});
