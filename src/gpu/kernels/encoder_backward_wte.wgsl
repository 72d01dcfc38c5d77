// dWte (V,C) += sum over tokens n with inp[n] == v of dOut[n,:].
// Twin: cpu/encoder.ts encoderBackward. No atomics: one thread per (v, c)
// scans all N tokens in order (V is tiny), so each sum has the CPU's order.

struct Params {
  o_dwte: u32,
  o_dout: u32,
  o_inp: u32,
  N: u32, // B*T
  C: u32,
  V: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dwte: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<i32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p.V * p.C) {
    return;
  }
  let v = i32(i / p.C);
  let c = i % p.C;
  var s = dwte[p.o_dwte + i];
  for (var n = 0u; n < p.N; n++) {
    if (inp[p.o_inp + n] == v) {
      s += dout[p.o_dout + n * p.C + c];
    }
  }
  dwte[p.o_dwte + i] = s;
}
