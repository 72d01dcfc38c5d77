// Pass 3 of routerBackward: dWRouter (E,C) += dLogits (N,E)^T @ inp (N,C). One
// owner thread per (e,c) sums over the tokens in order: deterministic, no
// atomics. Twin: cpu/router.ts routerBackward.

struct Params {
  o_dw: u32,
  o_dlogits: u32,
  o_inp: u32,
  N: u32,
  C: u32,
  E: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.E * p.C) {
    return;
  }
  let e = i / p.C;
  let c = i % p.C;
  var acc = 0.0;
  for (var n = 0u; n < p.N; n++) {
    acc += dlogits[p.o_dlogits + n * p.E + e] * inp[p.o_inp + n * p.C + c];
  }
  dw[p.o_dw + i] += acc;
}
