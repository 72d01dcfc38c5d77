// dInp (N,C) += r * (weight * dOut - inp * r^2 * mean_c(weight * dOut * inp)), r = rstd[n].
// Twin: cpu/rmsnorm.ts rmsnormBackward (the dInp half). One workgroup per row;
// the row's dot product is a fixed-order tree like rmsnorm_forward.wgsl.

struct Params {
  o_dinp: u32,
  o_dout: u32,
  o_inp: u32,
  o_weight: u32,
  o_rstd: u32,
  N: u32,
  C: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<f32>;
@group(0) @binding(4) var<storage, read_write> weight: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>;

override WG: u32 = 64u; // a power of two

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = wid.x + wid.y * nwg.x;
  if (n >= p.N) {
    return;
  }
  let row = n * p.C;
  var dot = 0.0;
  for (var c = tid; c < p.C; c += WG) {
    dot += weight[p.o_weight + c] * dout[p.o_dout + row + c] * inp[p.o_inp + row + c];
  }
  red[tid] = dot;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (tid < s) {
      red[tid] += red[tid + s];
    }
    workgroupBarrier();
  }
  let r = rstd[p.o_rstd + n];
  let k = r * r * red[0] / f32(p.C);
  for (var c = tid; c < p.C; c += WG) {
    let i = row + c;
    dinp[p.o_dinp + i] += r * (weight[p.o_weight + c] * dout[p.o_dout + i] - inp[p.o_inp + i] * k);
  }
}
