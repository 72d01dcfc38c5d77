// MoE grouped forward, pass 3: out[n] = sum_s y[n,s] + sum_j gates[n,j] y[n,S+j]
// (N,C), slots in order (the dense path's sum, term for term). One thread per
// (n, c). Twin: cpu/moe.ts moeForward.

struct Params {
  o_out: u32,
  o_y: u32,
  o_gates: u32,
  N: u32,
  C: u32,
  S: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>; // (N,C)
@group(0) @binding(2) var<storage, read_write> y: array<f32>; // (N,S+k,C)
@group(0) @binding(3) var<storage, read_write> gates: array<f32>; // (N,k)

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let K = p.S + p.k;
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.C) {
    return;
  }
  let c = i % p.C;
  let n = i / p.C;
  var o = 0.0;
  for (var slot = 0u; slot < K; slot++) {
    var g = 1.0;
    if (slot >= p.S) {
      g = gates[p.o_gates + n * p.k + slot - p.S];
    }
    o += g * y[p.o_y + (n * K + slot) * p.C + c];
  }
  out[p.o_out + i] = o;
}
