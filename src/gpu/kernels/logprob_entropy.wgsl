// ent (N) = -sum_v p log p over each row of probs (N,V); terms with p = 0 count 0.
// Twin: cpu/logprob.ts entropyForward. One thread per row, summing in order.

struct Params {
  o_ent: u32,
  o_probs: u32,
  N: u32,
  V: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> ent: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= p.N) {
    return;
  }
  let row = p.o_probs + n * p.V;
  var h = 0.0;
  for (var v = 0u; v < p.V; v++) {
    let q = probs[row + v];
    if (q > 0.0) {
      h -= q * log(q);
    }
  }
  ent[p.o_ent + n] = h;
}
