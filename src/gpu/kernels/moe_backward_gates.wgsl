// MoE backward: dGates (N,k) WRITTEN = dOut[n] . y[n,S+j], from
// out[n] += gates[n,j] * y[n,S+j]. One thread per (n, j). Twin: cpu/moe.ts moeBackward.

struct Params {
  o_dgates: u32,
  o_dout: u32,
  o_y: u32,
  N: u32,
  C: u32,
  S: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.k) {
    return;
  }
  let n = i / p.k;
  let j = i % p.k;
  let yb = (n * (p.S + p.k) + p.S + j) * p.C;
  var acc = 0.0;
  for (var c = 0u; c < p.C; c++) {
    acc += dout[p.o_dout + n * p.C + c] * y[p.o_y + yb + c];
  }
  dgates[p.o_dgates + i] = acc;
}
