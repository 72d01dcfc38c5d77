// Tiled GEMM shared by matmul forward and the two big backward products
// (twin: cpu/matmul.ts). In this file's own letters:
//   out (M,N) = A (M,K) @ B (K,N)  [+ bias (N)]   written, or += when ACCUM
// A is stored (M,K) row-major, or (K,M) when TRANS_A; B is stored (K,N), or
// (N,K) when TRANS_B. The transposes only change how a tile is loaded, so
// forward (B = weight (OC,C), TRANS_B), dInp (A = dOut, B = weight) and
// dWeight (A = dOut stored (N,OC), TRANS_A; B = inp) need no transpose pass.
//
// Split-K: workgroup z sums only k in [z*kchunk, (z+1)*kchunk) and writes its
// partial tile to out + z*M*N (matmul_splitk_reduce.wgsl then adds the
// partials in z order). dWeight needs it: its K is every row of the batch
// while its output is a handful of tiles. kchunk is a multiple of TK, so a
// staged tile never straddles two chunks. Without a split, kchunk >= K.
//
// One workgroup of WG = 256 threads owns a 64x64 output tile; thread (tx,ty)
// of the 16x16 grid owns rows ty + 16i and columns tx + 16j, i,j < 4, so
// neighbouring threads read neighbouring shared-memory words and write
// neighbouring outputs. K advances in steps of 16 through workgroup memory.
// Every output is one thread's sum over k ascending (bias first, like the
// CPU twin): fixed order, no atomics, the same bits on every run.

struct Params {
  o_out: u32, // element remainders of the tensor bindings (see gpu/runtime.ts)
  o_a: u32,
  o_b: u32,
  o_bias: u32,
  M: u32,
  N: u32,
  K: u32,
  kchunk: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> a: array<f32>;
@group(0) @binding(3) var<storage, read_write> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> bias: array<f32>;

override WG: u32 = 256u; // must equal (TM/4)*(TN/4): the tile fixes it
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override ACCUM: bool = false;
override BIAS: bool = false;

const TM = 64u;
const TN = 64u;
const TK = 16u;
// Rows of the staged tiles are padded by one word so that the column-wise
// stores of a k-contiguous operand land in different banks.
const SA = TM + 1u;
const SB = TN + 1u;

var<workgroup> tileA: array<f32, TK * SA>; // (TK, SA): tileA[k*SA + m] = A(m0+m, k0+k)
var<workgroup> tileB: array<f32, TK * SB>; // (TK, SB): tileB[k*SB + n] = B(k0+k, n0+n)

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[p.o_a + k * p.M + m];
  }
  return a[p.o_a + m * p.K + k];
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= p.K || n >= p.N) {
    return 0.0;
  }
  if (TRANS_B) {
    return b[p.o_b + n * p.K + k];
  }
  return b[p.o_b + k * p.N + n];
}

fn store(split: u32, m: u32, n: u32, v: f32) {
  if (m >= p.M || n >= p.N) {
    return;
  }
  let i = p.o_out + split * p.M * p.N + m * p.N + n;
  if (ACCUM) {
    out[i] += v;
  } else {
    out[i] = v;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let tx = lid % 16u;
  let ty = lid / 16u;
  let m0 = wid.y * TM;
  let n0 = wid.x * TN;

  // acc_i[j] is out(m0 + ty + 16i, n0 + tx + 16j).
  var init = vec4<f32>(0.0);
  if (BIAS) {
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + tx + 16u * j;
      if (n < p.N) {
        init[j] = bias[p.o_bias + n];
      }
    }
  }
  var acc0 = init;
  var acc1 = init;
  var acc2 = init;
  var acc3 = init;

  let kEnd = min(p.K, (wid.z + 1u) * p.kchunk);
  for (var k0 = wid.z * p.kchunk; k0 < kEnd; k0 += TK) {
    // Each tile is 1024 values, 4 per thread; consecutive threads load
    // consecutive addresses of whichever index is contiguous in memory.
    for (var r = 0u; r < 4u; r++) {
      let idx = lid + r * WG;
      var m: u32;
      var k: u32;
      if (TRANS_A) {
        m = idx % TM;
        k = idx / TM;
      } else {
        k = idx % TK;
        m = idx / TK;
      }
      tileA[k * SA + m] = loadA(m0 + m, k0 + k);
      var n: u32;
      var kb: u32;
      if (TRANS_B) {
        kb = idx % TK;
        n = idx / TK;
      } else {
        n = idx % TN;
        kb = idx / TN;
      }
      tileB[kb * SB + n] = loadB(k0 + kb, n0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let ra = k * SA + ty;
      let rb = k * SB + tx;
      let bv = vec4<f32>(tileB[rb], tileB[rb + 16u], tileB[rb + 32u], tileB[rb + 48u]);
      acc0 += tileA[ra] * bv;
      acc1 += tileA[ra + 16u] * bv;
      acc2 += tileA[ra + 32u] * bv;
      acc3 += tileA[ra + 48u] * bv;
    }
    workgroupBarrier();
  }

  for (var j = 0u; j < 4u; j++) {
    let n = n0 + tx + 16u * j;
    store(wid.z, m0 + ty, n, acc0[j]);
    store(wid.z, m0 + ty + 16u, n, acc1[j]);
    store(wid.z, m0 + ty + 32u, n, acc2[j]);
    store(wid.z, m0 + ty + 48u, n, acc3[j]);
  }
}
