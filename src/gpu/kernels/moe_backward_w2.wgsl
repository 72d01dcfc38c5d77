// MoE backward: dW2 (S+E,C,H) += sum over (n,slot) with expert ex of g dOut[n,c] act[n,slot,h],
// from y = w2[ex] act and out += g y. One owner thread per (ex,c,h) loops over
// the tokens in order: deterministic, no atomics. Twin: cpu/moe.ts moeBackward.

struct Params {
  o_dw2: u32,
  o_dout: u32,
  o_act: u32,
  o_topidx: u32,
  o_gates: u32,
  N: u32,
  C: u32,
  H: u32,
  E: u32,
  S: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dw2: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> act: array<f32>;
@group(0) @binding(4) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(5) var<storage, read_write> gates: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let K = p.S + p.k;
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= (p.S + p.E) * p.C * p.H) {
    return;
  }
  let h = i % p.H;
  let c = (i / p.H) % p.C;
  let ex = i / (p.H * p.C);
  var acc = 0.0;
  for (var n = 0u; n < p.N; n++) {
    var slot = K;
    var g = 1.0;
    if (ex < p.S) {
      slot = ex;
    } else {
      for (var j = 0u; j < p.k; j++) {
        if (u32(topidx[p.o_topidx + n * p.k + j]) + p.S == ex) {
          slot = p.S + j;
          g = gates[p.o_gates + n * p.k + j];
        }
      }
    }
    if (slot < K) {
      acc += g * dout[p.o_dout + n * p.C + c] * act[p.o_act + (n * K + slot) * p.H + h];
    }
  }
  dw2[p.o_dw2 + i] += acc;
}
