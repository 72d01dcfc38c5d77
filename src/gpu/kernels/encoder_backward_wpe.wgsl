// dWpe (T_max,C) rows 0..T-1 += sum over b of dOut[b,t,:].
// Twin: cpu/encoder.ts encoderBackward. One thread per (t, c) sums over b
// ascending, the CPU's order.

struct Params {
  o_dwpe: u32,
  o_dout: u32,
  B: u32,
  T: u32,
  C: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dwpe: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.T * p.C) {
    return;
  }
  var s = dwpe[p.o_dwpe + i];
  for (var b = 0u; b < p.B; b++) {
    s += dout[p.o_dout + b * p.T * p.C + i];
  }
  dwpe[p.o_dwpe + i] = s;
}
