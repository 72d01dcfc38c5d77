// The small-shape GEMM variant of matmul_tiled.wgsl (twin: cpu/matmul.ts),
// same contract and letters:
//   out (M,N) = A (M,K) @ B (K,N)  [+ bias (N)]   written, or += when ACCUM
// A stored (M,K), or (K,M) when TRANS_A; B stored (K,N), or (N,K) when TRANS_B;
// split-K over workgroup z exactly as there (partial tile z at out + z*M*N).
//
// No workgroup memory and no barriers: each thread owns a 4x4 register block
// (rows 4i.., columns 4j..) and reads its operands straight from storage, 8
// loads per 16 FMAs. matmul.ts picks it when the 64x64 tiles would be few or
// mostly empty (the rollout's M = B*G rows of one decode step, thin K): there
// a tile's staging and barriers cost more than they save, and on a CPU adapter
// (SwiftShader runs a workgroup's barrier phases as coroutines) they dominate.
// On a real GPU the neighbouring threads' re-reads of A and B hit in cache at
// these sizes.
//
// Rows and columns past the edge are clamped to the last one for the loads (no
// branch in the k loop) and never stored. Each output is one thread's sum over
// k ascending, bias first: the same order, so the same bits, as the tiled kernel.

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

override WG: u32 = 64u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override ACCUM: bool = false;
override BIAS: bool = false;

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
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // blocks are numbered with the column block fastest; x and y split a long grid
  let bn = (p.N + 3u) / 4u;
  let blk = gid.x + gid.y * nwg.x * WG;
  if (blk >= bn * ((p.M + 3u) / 4u)) {
    return;
  }
  let m0 = (blk / bn) * 4u;
  let n0 = (blk % bn) * 4u;
  // clamped row and column indices: loads stay in bounds, stores skip them
  let mr = vec4<u32>(min(m0, p.M - 1u), min(m0 + 1u, p.M - 1u), min(m0 + 2u, p.M - 1u), min(m0 + 3u, p.M - 1u));
  let nc = vec4<u32>(min(n0, p.N - 1u), min(n0 + 1u, p.N - 1u), min(n0 + 2u, p.N - 1u), min(n0 + 3u, p.N - 1u));
  // element index of (row, k = 0) and the step per k, for A's rows and B's columns
  var aBase: vec4<u32>;
  var aStep: u32;
  if (TRANS_A) {
    aBase = p.o_a + mr;
    aStep = p.M;
  } else {
    aBase = p.o_a + mr * p.K;
    aStep = 1u;
  }
  var bBase: vec4<u32>;
  var bStep: u32;
  if (TRANS_B) {
    bBase = p.o_b + nc * p.K;
    bStep = 1u;
  } else {
    bBase = p.o_b + nc;
    bStep = p.N;
  }

  var init = vec4<f32>(0.0);
  if (BIAS) {
    init = vec4<f32>(bias[p.o_bias + nc.x], bias[p.o_bias + nc.y], bias[p.o_bias + nc.z], bias[p.o_bias + nc.w]);
  }
  // acc_i[j] is out(m0 + i, n0 + j)
  var acc0 = init;
  var acc1 = init;
  var acc2 = init;
  var acc3 = init;
  let kEnd = min(p.K, (wid.z + 1u) * p.kchunk);
  for (var k = wid.z * p.kchunk; k < kEnd; k++) {
    let ai = aBase + k * aStep;
    let bi = bBase + k * bStep;
    let bv = vec4<f32>(b[bi.x], b[bi.y], b[bi.z], b[bi.w]);
    acc0 += a[ai.x] * bv;
    acc1 += a[ai.y] * bv;
    acc2 += a[ai.z] * bv;
    acc3 += a[ai.w] * bv;
  }

  for (var j = 0u; j < 4u; j++) {
    store(wid.z, m0, n0 + j, acc0[j]);
    store(wid.z, m0 + 1u, n0 + j, acc1[j]);
    store(wid.z, m0 + 2u, n0 + j, acc2[j]);
    store(wid.z, m0 + 3u, n0 + j, acc3[j]);
  }
}
