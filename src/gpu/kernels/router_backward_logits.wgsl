// Pass 1 of routerBackward: dLogits (N,E) for each token, one thread per token.
// Twin: cpu/router.ts routerBackward (its per-token dScores / dLogits).
//   gates[j] = scores[topIdx[j]] / z  =>  dScores[topIdx[m]] += (dGates[m] - sum_j dGates[j] gates[j]) / z
//   softmax: dLogits = s * (dScores - sum s dScores);  sigmoid: dLogits = dScores * s * (1 - s)

struct Params {
  o_dlogits: u32,
  o_dgates: u32,
  o_dextra: u32,
  o_scores: u32,
  o_topidx: u32,
  o_gates: u32,
  N: u32,
  E: u32,
  k: u32,
  sigmoid: u32, // 0 softmax, 1 sigmoid
  has_extra: u32, // dScoresExtra given (the aux loss)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(2) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(3) var<storage, read_write> dextra: array<f32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(6) var<storage, read_write> gates: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= p.N) {
    return;
  }
  var ds: array<f32, 32>; // (E) dScores of this token
  for (var e = 0u; e < p.E; e++) {
    ds[e] = 0.0;
    if (p.has_extra != 0u) {
      ds[e] = dextra[p.o_dextra + n * p.E + e];
    }
  }
  var z = 0.0;
  var dot = 0.0;
  for (var j = 0u; j < p.k; j++) {
    z += scores[p.o_scores + n * p.E + u32(topidx[p.o_topidx + n * p.k + j])];
    dot += dgates[p.o_dgates + n * p.k + j] * gates[p.o_gates + n * p.k + j];
  }
  for (var j = 0u; j < p.k; j++) {
    let e = u32(topidx[p.o_topidx + n * p.k + j]);
    ds[e] += (dgates[p.o_dgates + n * p.k + j] - dot) / z;
  }
  let row = p.o_scores + n * p.E;
  if (p.sigmoid == 0u) {
    var sd = 0.0;
    for (var e = 0u; e < p.E; e++) {
      sd += ds[e] * scores[row + e];
    }
    for (var e = 0u; e < p.E; e++) {
      dlogits[p.o_dlogits + n * p.E + e] = scores[row + e] * (ds[e] - sd);
    }
  } else {
    for (var e = 0u; e < p.E; e++) {
      let s = scores[row + e];
      dlogits[p.o_dlogits + n * p.E + e] = ds[e] * s * (1.0 - s);
    }
  }
}
