// out (N,C) = inp (N,C) * rstd * weight (C); rstd (N) = 1/sqrt(mean(inp^2) + eps).
// Twin: cpu/rmsnorm.ts rmsnormForward. One workgroup per row: each thread sums
// the squares of channels tid, tid+WG, ... in order, then a fixed tree in
// workgroup memory, so the same row always gives the same bits.

struct Params {
  o_out: u32, // element remainders of the tensor bindings (see gpu/runtime.ts)
  o_rstd: u32,
  o_inp: u32,
  o_weight: u32,
  N: u32,
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<f32>;
@group(0) @binding(4) var<storage, read_write> weight: array<f32>;

override WG: u32 = 64u; // a power of two (the tree below halves it)

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = wid.x + wid.y * nwg.x; // uniform across the workgroup, so the early return keeps barriers uniform
  if (n >= p.N) {
    return;
  }
  let x = p.o_inp + n * p.C;
  var ss = 0.0;
  for (var c = tid; c < p.C; c += WG) {
    let v = inp[x + c];
    ss += v * v;
  }
  red[tid] = ss;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (tid < s) {
      red[tid] += red[tid + s];
    }
    workgroupBarrier();
  }
  let r = 1.0 / sqrt(red[0] / f32(p.C) + p.eps);
  if (tid == 0u) {
    rstd[p.o_rstd + n] = r;
  }
  let o = p.o_out + n * p.C;
  for (var c = tid; c < p.C; c += WG) {
    out[o + c] = inp[x + c] * r * weight[p.o_weight + c];
  }
}
