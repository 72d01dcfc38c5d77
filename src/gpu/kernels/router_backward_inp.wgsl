// Pass 2 of routerBackward: dInp (N,C) += dLogits (N,E) @ wRouter (E,C), one
// thread per (n,c), summing over e in order. Twin: cpu/router.ts routerBackward.

struct Params {
  o_dinp: u32,
  o_dlogits: u32,
  o_w: u32,
  N: u32,
  C: u32,
  E: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.C) {
    return;
  }
  let n = i / p.C;
  let c = i % p.C;
  var acc = 0.0;
  for (var e = 0u; e < p.E; e++) {
    acc += dlogits[p.o_dlogits + n * p.E + e] * w[p.o_w + e * p.C + c];
  }
  dinp[p.o_dinp + i] += acc;
}
