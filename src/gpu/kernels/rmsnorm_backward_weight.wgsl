// dWeight (C) += sum_n dOut[n,c] * inp[n,c] * rstd[n].
// Twin: cpu/rmsnorm.ts rmsnormBackward (the dWeight half). No float atomics:
// one workgroup owns channel c; thread tid sums rows tid, tid+WG, ... in
// order, then a fixed tree, so the sum over N has one fixed order.

struct Params {
  o_dweight: u32,
  o_dout: u32,
  o_inp: u32,
  o_rstd: u32,
  N: u32,
  C: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<f32>;
@group(0) @binding(4) var<storage, read_write> rstd: array<f32>;

override WG: u32 = 256u; // a power of two

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let c = wid.x; // C <= 65535 workgroups, checked by the wrapper
  var acc = 0.0;
  for (var n = tid; n < p.N; n += WG) {
    let i = n * p.C + c;
    acc += dout[p.o_dout + i] * inp[p.o_inp + i] * rstd[p.o_rstd + n];
  }
  red[tid] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (tid < s) {
      red[tid] += red[tid + s];
    }
    workgroupBarrier();
  }
  if (tid == 0u) {
    dweight[p.o_dweight + c] += red[0];
  }
}
