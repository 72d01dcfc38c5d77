// out (n) = inp1 (n) + inp2 (n). Twin: cpu/residual.ts residualForward.

struct Params {
  o_out: u32, // element remainders of the tensor bindings (see gpu/runtime.ts)
  o_inp1: u32,
  o_inp2: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> inp1: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp2: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  out[p.o_out + i] = inp1[p.o_inp1 + i] + inp2[p.o_inp2 + i];
}
