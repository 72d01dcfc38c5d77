// out (B,T,C) = wte[inp[b,t],:] + wpe[t,:]. Twin: cpu/encoder.ts encoderForward.
// One thread per output element. A token outside [0, V) (the CPU twin throws)
// writes NaN to its whole row, so the mistake shows in the loss instead of
// reading a neighbour's embedding.

struct Params {
  o_out: u32, // element remainders of the tensor bindings (see gpu/runtime.ts)
  o_inp: u32,
  o_wte: u32,
  o_wpe: u32,
  N: u32, // B*T
  T: u32,
  C: u32,
  V: u32,
  has_wpe: u32, // 0 for RoPE models (wpe null)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> inp: array<i32>;
@group(0) @binding(3) var<storage, read_write> wte: array<f32>;
@group(0) @binding(4) var<storage, read_write> wpe: array<f32>;

override WG: u32 = 256u;

// A NaN constant expression is a shader-creation error; a private variable's
// bits are only reinterpreted at run time. (WGSL lets an implementation assume
// no NaN appears; a store of these bits is the best it offers.)
var<private> nan_bits: u32 = 0x7fc00000u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.C) {
    return;
  }
  let n = i / p.C;
  let c = i % p.C;
  let tok = inp[p.o_inp + n];
  if (tok < 0 || u32(tok) >= p.V) {
    out[p.o_out + i] = bitcast<f32>(nan_bits);
    return;
  }
  var v = wte[p.o_wte + u32(tok) * p.C + c];
  if (p.has_wpe != 0u) {
    v += wpe[p.o_wpe + (n % p.T) * p.C + c];
  }
  out[p.o_out + i] = v;
}
