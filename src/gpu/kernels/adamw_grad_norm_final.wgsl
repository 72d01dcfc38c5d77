// Pass 2 of gradNorm: norm (1) = sqrt(sum of partial (P)), one workgroup.
// Twin: cpu/adamw.ts gradNorm. Thread t sums partials t, t+WG, ... in order,
// then a fixed tree: deterministic.

struct Params {
  o_norm: u32,
  o_partial: u32,
  count: u32, // P, the number of partial sums
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> norm: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;

override WG: u32 = 256u;

var<workgroup> tree: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var acc = 0.0;
  for (var i = lid.x; i < p.count; i += WG) {
    acc += partial[p.o_partial + i];
  }
  tree[lid.x] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid.x < s) {
      tree[lid.x] += tree[lid.x + s];
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    norm[p.o_norm] = sqrt(tree[0]);
  }
}
