// scores (N,E), topIdx (N,k), gates (N,k) from inp (N,C), wRouter (E,C),
// bias (E). One thread per token (E <= 32, k <= 8). Twin: cpu/router.ts routerForward.

struct Params {
  o_scores: u32,
  o_topidx: u32,
  o_gates: u32,
  o_inp: u32,
  o_w: u32,
  o_bias: u32,
  N: u32,
  C: u32,
  E: u32,
  k: u32,
  sigmoid: u32, // 0 softmax, 1 sigmoid
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> scores: array<f32>;
@group(0) @binding(2) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(3) var<storage, read_write> gates: array<f32>;
@group(0) @binding(4) var<storage, read_write> inp: array<f32>;
@group(0) @binding(5) var<storage, read_write> w: array<f32>;
@group(0) @binding(6) var<storage, read_write> bias: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= p.N) {
    return;
  }
  var s: array<f32, 32>; // (E) this token's logits, then scores
  var max_logit = -3.4e38;
  for (var e = 0u; e < p.E; e++) {
    var acc = 0.0;
    for (var c = 0u; c < p.C; c++) {
      acc += inp[p.o_inp + n * p.C + c] * w[p.o_w + e * p.C + c];
    }
    s[e] = acc;
    max_logit = max(max_logit, acc);
  }
  if (p.sigmoid == 0u) {
    // subtract the max so exp never overflows
    var sum = 0.0;
    for (var e = 0u; e < p.E; e++) {
      s[e] = exp(s[e] - max_logit);
      sum += s[e];
    }
    for (var e = 0u; e < p.E; e++) {
      s[e] = s[e] / sum;
    }
  } else {
    for (var e = 0u; e < p.E; e++) {
      s[e] = 1.0 / (1.0 + exp(-s[e]));
    }
  }
  for (var e = 0u; e < p.E; e++) {
    scores[p.o_scores + n * p.E + e] = s[e];
  }

  // top-k of s + bias, best first; strict > keeps the lower index on ties and
  // best < 0 makes even a NaN row pick something (as the twin does)
  var taken = 0u; // bit e: expert e already chosen
  var z = 0.0;
  var sel: array<u32, 8>;
  for (var j = 0u; j < p.k; j++) {
    var best = -1;
    var best_val = 0.0;
    for (var e = 0u; e < p.E; e++) {
      if ((taken & (1u << e)) != 0u) {
        continue;
      }
      let v = s[e] + bias[p.o_bias + e];
      if (best < 0 || v > best_val) {
        best = i32(e);
        best_val = v;
      }
    }
    taken |= 1u << u32(best);
    sel[j] = u32(best);
    topidx[p.o_topidx + n * p.k + j] = best;
    z += s[u32(best)];
  }
  for (var j = 0u; j < p.k; j++) {
    gates[p.o_gates + n * p.k + j] = s[sel[j]] / z;
  }
}
