// MoE forward, pass 2: y[n,slot] = w2[ex] act[n,slot] (N,S+k,C) and
// out[n] = sum_s y[n,s] + sum_j gates[n,j] y[n,S+j] (N,C), slots in order.
// One thread per (n, c). Twin: cpu/moe.ts moeForward.

struct Params {
  o_out: u32,
  o_y: u32,
  o_act: u32,
  o_topidx: u32,
  o_gates: u32,
  o_w2: u32,
  N: u32,
  C: u32,
  H: u32,
  S: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> act: array<f32>;
@group(0) @binding(4) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(5) var<storage, read_write> gates: array<f32>;
@group(0) @binding(6) var<storage, read_write> w2: array<f32>;

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
    var ex = slot;
    var g = 1.0;
    if (slot >= p.S) {
      ex = p.S + u32(topidx[p.o_topidx + n * p.k + slot - p.S]);
      g = gates[p.o_gates + n * p.k + slot - p.S];
    }
    let hb = (n * K + slot) * p.H;
    let wrow = (ex * p.C + c) * p.H;
    var acc = 0.0;
    for (var h = 0u; h < p.H; h++) {
      acc += w2[p.o_w2 + wrow + h] * act[p.o_act + hb + h];
    }
    y[p.o_y + (n * K + slot) * p.C + c] = acc;
    o += g * acc;
  }
  out[p.o_out + i] = o;
}
