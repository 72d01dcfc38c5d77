// loss (1) = alpha * E * sum_i f_i P_i (Switch aux loss), ONE workgroup.
// Twin: cpu/balance.ts switchAuxLossForward.
//   f_i = count_i / (N k), count by an integer histogram (order-free, so exact)
//   P_i = (1/N) sum_n scores[n,i] / sum_e scores[n,e]; thread i sums over n in order
// then thread 0 sums the E terms in order: deterministic.

struct Params {
  o_loss: u32,
  o_scores: u32,
  o_topidx: u32,
  N: u32,
  E: u32,
  k: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<storage, read_write> scores: array<f32>;
@group(0) @binding(3) var<storage, read_write> topidx: array<i32>;

override WG: u32 = 256u; // >= E

var<workgroup> count: array<atomic<u32>, WG>;
var<workgroup> term: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let t = lid.x;
  atomicStore(&count[t], 0u);
  workgroupBarrier();
  for (var i = t; i < p.N * p.k; i += WG) {
    atomicAdd(&count[u32(topidx[p.o_topidx + i])], 1u);
  }
  workgroupBarrier();
  if (t < p.E) {
    var P = 0.0;
    for (var n = 0u; n < p.N; n++) {
      var z = 0.0;
      for (var e = 0u; e < p.E; e++) {
        z += scores[p.o_scores + n * p.E + e];
      }
      P += scores[p.o_scores + n * p.E + t] / z;
    }
    let f = f32(atomicLoad(&count[t])) / f32(p.N * p.k);
    term[t] = f * (P / f32(p.N));
  }
  workgroupBarrier();
  if (t == 0u) {
    var s = 0.0;
    for (var e = 0u; e < p.E; e++) {
      s += term[e];
    }
    loss[p.o_loss] = p.alpha * f32(p.E) * s;
  }
}
