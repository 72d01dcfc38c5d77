// out (n) += sum over s < S of partial (S, n), s ascending: the second pass
// of a split-K product (matmul_tiled.wgsl). Twin: cpu/matmul.ts (dWeight).
// A fixed order, so the same inputs give the same bits on every run.

struct Params {
  o_out: u32, // element remainders of the tensor bindings (see gpu/runtime.ts)
  o_partial: u32,
  n: u32,
  S: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  var s = 0.0;
  for (var z = 0u; z < p.S; z++) {
    s += partial[p.o_partial + z * p.n + i];
  }
  out[p.o_out + i] += s;
}
