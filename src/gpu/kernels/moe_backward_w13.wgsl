// MoE backward: dW1 (S+E,H,C) += sum over (n,slot) with expert ex of dh1[n,slot,h] x[n,c],
// dW3 likewise with dh3. One owner thread per (ex,h,c) loops over the tokens in
// order (each expert fills at most one slot of a token): deterministic, no atomics.
// Dense masked: every thread scans all N tokens. Twin: cpu/moe.ts moeBackward.

struct Params {
  o_dw1: u32,
  o_dw3: u32,
  o_dh: u32,
  o_inp: u32,
  o_topidx: u32,
  N: u32,
  C: u32,
  H: u32,
  E: u32,
  S: u32,
  k: u32,
  swiglu: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dw1: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw3: array<f32>;
@group(0) @binding(3) var<storage, read_write> dh: array<f32>; // (2,N,S+k,H)
@group(0) @binding(4) var<storage, read_write> inp: array<f32>;
@group(0) @binding(5) var<storage, read_write> topidx: array<i32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let K = p.S + p.k;
  let total = p.N * K * p.H;
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= (p.S + p.E) * p.H * p.C) {
    return;
  }
  let c = i % p.C;
  let h = (i / p.C) % p.H;
  let ex = i / (p.C * p.H);
  var acc1 = 0.0;
  var acc3 = 0.0;
  for (var n = 0u; n < p.N; n++) {
    // which slot of token n (if any) used expert ex
    var slot = K;
    if (ex < p.S) {
      slot = ex;
    } else {
      for (var j = 0u; j < p.k; j++) {
        if (u32(topidx[p.o_topidx + n * p.k + j]) + p.S == ex) {
          slot = p.S + j;
        }
      }
    }
    if (slot < K) {
      let x = inp[p.o_inp + n * p.C + c];
      let hi = (n * K + slot) * p.H + h;
      acc1 += dh[p.o_dh + hi] * x;
      if (p.swiglu != 0u) {
        acc3 += dh[p.o_dh + total + hi] * x;
      }
    }
  }
  dw1[p.o_dw1 + i] += acc1;
  if (p.swiglu != 0u) {
    dw3[p.o_dw3 + i] += acc3;
  }
}
