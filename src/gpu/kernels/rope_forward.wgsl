// Rotate-half RoPE on the q and k parts of inp (B,T,3C) into out (B,T,3C); v copied.
// Twin: cpu/rope.ts ropeForward. One thread per output element, so no thread
// writes what another reads. Channel j < HS/2 of a head pairs with j + HS/2:
//   out[j]        = x[j] cos - x[j+HS/2] sin
//   out[j+HS/2]   = x[j+HS/2] cos + x[j] sin
// cos/sin come from a table (Tcap, HS/2, 2) computed on the host in f64, because
// WGSL's f32 pow/cos/sin lose ~1e-4 at angles of a few hundred radians.

struct Params {
  o_out: u32,
  o_inp: u32,
  o_table: u32,
  n: u32, // B*T*3C
  T: u32,
  C: u32,
  HS: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> inp: array<f32>;
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
    out[p.o_out + i] = inp[p.o_inp + i];
    return;
  }
  let t = (i / C3) % p.T;
  let half = p.HS / 2u;
  let j = c % p.HS;
  if (j < half) {
    let cs = p.o_table + (t * half + j) * 2u;
    out[p.o_out + i] = inp[p.o_inp + i] * table[cs] - inp[p.o_inp + i + half] * table[cs + 1u];
  } else {
    let cs = p.o_table + (t * half + j - half) * 2u;
    out[p.o_out + i] = inp[p.o_inp + i] * table[cs] + inp[p.o_inp + i - half] * table[cs + 1u];
  }
}
