// MoE forward, pass 1: per slot, h1 = w1[ex] x, h3 = w3[ex] x, act (N,S+k,H).
// One thread per (n, slot, h). Twin: cpu/moe.ts moeForward.
// Slot s < S is shared expert s; slot S+j is routed expert S + topIdx[n,j].

struct Params {
  o_h1: u32,
  o_h3: u32,
  o_act: u32,
  o_inp: u32,
  o_topidx: u32,
  o_w1: u32,
  o_w3: u32,
  N: u32,
  C: u32,
  H: u32,
  S: u32,
  k: u32,
  swiglu: u32, // 1 swiglu (h3, w3 bound), 0 gelu
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> h1: array<f32>;
@group(0) @binding(2) var<storage, read_write> h3: array<f32>;
@group(0) @binding(3) var<storage, read_write> act: array<f32>;
@group(0) @binding(4) var<storage, read_write> inp: array<f32>;
@group(0) @binding(5) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(6) var<storage, read_write> w1: array<f32>;
@group(0) @binding(7) var<storage, read_write> w3: array<f32>;

override WG: u32 = 64u;

const GELU_SCALE = 0.7978845608028654; // sqrt(2/pi)
const GELU_CUBE = 0.044715;

// tanh from one exp of a non-positive argument: never inf/inf, unlike a naive
// (e^2x - 1)/(e^2x + 1) some backends use for the builtin
fn tanh_safe(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let K = p.S + p.k; // slots per token
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * K * p.H) {
    return;
  }
  let h = i % p.H;
  let slot = (i / p.H) % K;
  let n = i / (p.H * K);
  var ex = slot;
  if (slot >= p.S) {
    ex = p.S + u32(topidx[p.o_topidx + n * p.k + slot - p.S]);
  }
  let wrow = (ex * p.H + h) * p.C; // row (ex,h) of w1 and w3
  var a1 = 0.0;
  var a3 = 0.0;
  for (var c = 0u; c < p.C; c++) {
    let x = inp[p.o_inp + n * p.C + c];
    a1 += w1[p.o_w1 + wrow + c] * x;
    if (p.swiglu != 0u) {
      a3 += w3[p.o_w3 + wrow + c] * x;
    }
  }
  h1[p.o_h1 + i] = a1;
  if (p.swiglu != 0u) {
    h3[p.o_h3 + i] = a3;
    act[p.o_act + i] = a1 / (1.0 + exp(-a1)) * a3; // silu(h1) * h3
  } else {
    act[p.o_act + i] = 0.5 * a1 * (1.0 + tanh_safe(GELU_SCALE * (a1 + GELU_CUBE * a1 * a1 * a1)));
  }
}
