// load (E) = how many of the N*k choices in topIdx (N,k) picked each expert,
// written as floats. ONE workgroup, integer histogram (exact, order-free).
// Twin: cpu/balance.ts expertLoad.

struct Params {
  o_load: u32,
  o_topidx: u32,
  N: u32,
  E: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> load: array<f32>;
@group(0) @binding(2) var<storage, read_write> topidx: array<i32>;

override WG: u32 = 256u; // >= E

var<workgroup> count: array<atomic<u32>, WG>;

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
    load[p.o_load + t] = f32(atomicLoad(&count[t]));
  }
}
