// dInp (B,T,3C) += the transpose rotation of dOut (B,T,3C); v passes through.
// Twin: cpu/rope.ts ropeBackward. forward: out1 = x1 cos - x2 sin; out2 = x2 cos + x1 sin, so
//   dx1 = d1 cos + d2 sin,  dx2 = d2 cos - d1 sin.
// One thread per element of dInp; the cos/sin table is rope_forward.wgsl's.

struct Params {
  o_dinp: u32,
  o_dout: u32,
  o_table: u32,
  n: u32, // B*T*3C
  T: u32,
  C: u32,
  HS: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> table: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let C3 = 3u * p.C;
  let c = i % C3;
  if (c >= 2u * p.C) {
    dinp[p.o_dinp + i] += dout[p.o_dout + i];
    return;
  }
  let t = (i / C3) % p.T;
  let half = p.HS / 2u;
  let j = c % p.HS;
  if (j < half) {
    let cs = p.o_table + (t * half + j) * 2u;
    dinp[p.o_dinp + i] += dout[p.o_dout + i] * table[cs] + dout[p.o_dout + i + half] * table[cs + 1u];
  } else {
    let cs = p.o_table + (t * half + j - half) * 2u;
    dinp[p.o_dinp + i] += dout[p.o_dout + i] * table[cs] - dout[p.o_dout + i - half] * table[cs + 1u];
  }
}
