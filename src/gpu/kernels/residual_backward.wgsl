// dInp1 (n) += dOut (n); dInp2 (n) += dOut (n). Twin: cpu/residual.ts residualBackward.

struct Params {
  o_dinp1: u32,
  o_dinp2: u32,
  o_dout: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dinp1: array<f32>;
@group(0) @binding(2) var<storage, read_write> dinp2: array<f32>;
@group(0) @binding(3) var<storage, read_write> dout: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let g = dout[p.o_dout + i];
  dinp1[p.o_dinp1 + i] += g;
  dinp2[p.o_dinp2 + i] += g;
}
