// bias (E) += gamma * sign(sum(load) - E * load_i)  (= sign(mean - load_i), exact
// for integer counts, so a balanced load changes nothing). One thread per expert,
// each summing load in order. Twin: cpu/balance.ts auxFreeBiasUpdate.
// With use_skip, a non-zero skip[0] (checkFinite's flag) leaves bias as it is.

struct Params {
  o_bias: u32,
  o_load: u32,
  o_skip: u32,
  E: u32,
  use_skip: u32,
  gamma: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> load: array<f32>;
@group(0) @binding(3) var<storage, read_write> skip: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p.E) {
    return;
  }
  if (p.use_skip != 0u && skip[p.o_skip] != 0.0) {
    return;
  }
  var sum = 0.0;
  for (var e = 0u; e < p.E; e++) {
    sum += load[p.o_load + e];
  }
  bias[p.o_bias + i] += p.gamma * sign(sum - f32(p.E) * load[p.o_load + i]);
}
