// Pass 1 of gradNorm: partial (P) = sum of grads^2 over each workgroup's chunk
// of CHUNK = WG * ITEMS elements. Twin: cpu/adamw.ts gradNorm.
// Fixed order: each thread sums its ITEMS strided elements in index order, then
// a tree over the workgroup; no atomics, so the same grads give the same bits.

struct Params {
  o_partial: u32,
  o_grads: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;

override WG: u32 = 256u;
override ITEMS: u32 = 8u;

var<workgroup> tree: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let group = wid.x + wid.y * nwg.x;
  let base = group * WG * ITEMS;
  var acc = 0.0;
  for (var j = 0u; j < ITEMS; j++) {
    let i = base + j * WG + lid.x; // coalesced: neighbouring threads read neighbouring elements
    if (i < p.n) {
      let g = grads[p.o_grads + i];
      acc += g * g;
    }
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
    partial[p.o_partial + group] = tree[0];
  }
}
