// MoE backward: dInp (N,C) += sum over slots, h of dh1 w1[ex,h,c] + dh3 w3[ex,h,c],
// from h1 = w1[ex] x, h3 = w3[ex] x. One thread per (n,c), slots then h in order.
// Twin: cpu/moe.ts moeBackward.

struct Params {
  o_dinp: u32,
  o_dh: u32,
  o_topidx: u32,
  o_w1: u32,
  o_w3: u32,
  N: u32,
  C: u32,
  H: u32,
  S: u32,
  k: u32,
  swiglu: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read_write> dh: array<f32>; // (2,N,S+k,H): dh1 then dh3
@group(0) @binding(3) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(4) var<storage, read_write> w1: array<f32>;
@group(0) @binding(5) var<storage, read_write> w3: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let K = p.S + p.k;
  let total = p.N * K * p.H;
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.C) {
    return;
  }
  let c = i % p.C;
  let n = i / p.C;
  var acc = 0.0;
  for (var slot = 0u; slot < K; slot++) {
    var ex = slot;
    if (slot >= p.S) {
      ex = p.S + u32(topidx[p.o_topidx + n * p.k + slot - p.S]);
    }
    let hb = (n * K + slot) * p.H;
    for (var h = 0u; h < p.H; h++) {
      let wi = (ex * p.H + h) * p.C + c;
      acc += dh[p.o_dh + hb + h] * w1[p.o_w1 + wi];
      if (p.swiglu != 0u) {
        acc += dh[p.o_dh + total + hb + h] * w3[p.o_w3 + wi];
      }
    }
  }
  dinp[p.o_dinp + i] += acc;
}
