// dScores (N,E) += dLoss * alpha * E / N * (f_j - sum_i f_i p[n,i]) / z_n,
// z_n = sum_e scores[n,e], p = scores / z. ONE workgroup: the integer histogram
// f first, then threads stride over the tokens. Twin: cpu/balance.ts switchAuxLossBackward.

struct Params {
  o_dscores: u32,
  o_scores: u32,
  o_topidx: u32,
  N: u32,
  E: u32,
  k: u32,
  alpha: f32,
  dloss: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dscores: array<f32>;
@group(0) @binding(2) var<storage, read_write> scores: array<f32>;
@group(0) @binding(3) var<storage, read_write> topidx: array<i32>;

override WG: u32 = 256u; // >= E

var<workgroup> count: array<atomic<u32>, WG>;
var<workgroup> f: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let t = lid.x;
  atomicStore(&count[t], 0u);
  workgroupBarrier();
  for (var i = t; i < p.N * p.k; i += WG) {
    atomicAdd(&count[u32(topidx[p.o_topidx + i])], 1u);
  }
  workgroupBarrier();
  f[t] = f32(atomicLoad(&count[t])) / f32(p.N * p.k);
  workgroupBarrier();
  let scale = p.dloss * p.alpha * f32(p.E) / f32(p.N);
  for (var n = t; n < p.N; n += WG) {
    let row = n * p.E;
    var z = 0.0;
    var fs = 0.0;
    for (var e = 0u; e < p.E; e++) {
      let s = scores[p.o_scores + row + e];
      z += s;
      fs += f[e] * s;
    }
    let fp = fs / z;
    for (var e = 0u; e < p.E; e++) {
      dscores[p.o_dscores + row + e] += scale * (f[e] - fp) / z;
    }
  }
}
