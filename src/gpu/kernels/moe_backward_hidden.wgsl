// MoE backward: dh (2,N,S+k,H) = [dh1; dh3] per slot, one thread per (n,slot,h).
//   y = w2[ex] act, dy = g dOut  =>  dAct[h] = sum_c dy[c] w2[ex,c,h]
//   swiglu: act = silu(h1) h3  =>  dh1 = dAct h3 sig (1 + h1 (1 - sig)),  dh3 = dAct silu(h1)
//   gelu:   act = gelu(h1)     =>  dh1 = dAct gelu'(h1)
// Twin: cpu/moe.ts moeBackward.

struct Params {
  o_dh: u32,
  o_dout: u32,
  o_topidx: u32,
  o_gates: u32,
  o_w2: u32,
  o_h1: u32,
  o_h3: u32,
  N: u32,
  C: u32,
  H: u32,
  S: u32,
  k: u32,
  swiglu: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dh: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> topidx: array<i32>;
@group(0) @binding(4) var<storage, read_write> gates: array<f32>;
@group(0) @binding(5) var<storage, read_write> w2: array<f32>;
@group(0) @binding(6) var<storage, read_write> h1: array<f32>;
@group(0) @binding(7) var<storage, read_write> h3: array<f32>;

override WG: u32 = 64u;

const GELU_SCALE = 0.7978845608028654; // sqrt(2/pi)
const GELU_CUBE = 0.044715;

fn tanh_safe(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let K = p.S + p.k;
  let total = p.N * K * p.H;
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= total) {
    return;
  }
  let h = i % p.H;
  let slot = (i / p.H) % K;
  let n = i / (p.H * K);
  var ex = slot;
  var g = 1.0;
  if (slot >= p.S) {
    ex = p.S + u32(topidx[p.o_topidx + n * p.k + slot - p.S]);
    g = gates[p.o_gates + n * p.k + slot - p.S];
  }
  var dact = 0.0;
  for (var c = 0u; c < p.C; c++) {
    dact += g * dout[p.o_dout + n * p.C + c] * w2[p.o_w2 + (ex * p.C + c) * p.H + h];
  }
  let a1 = h1[p.o_h1 + i];
  if (p.swiglu != 0u) {
    let sg = 1.0 / (1.0 + exp(-a1));
    dh[p.o_dh + i] = dact * h3[p.o_h3 + i] * sg * (1.0 + a1 * (1.0 - sg));
    dh[p.o_dh + total + i] = dact * a1 * sg;
  } else {
    let t = tanh_safe(GELU_SCALE * (a1 + GELU_CUBE * a1 * a1 * a1));
    let grad = 0.5 * (1.0 + t) + 0.5 * a1 * (1.0 - t * t) * GELU_SCALE * (1.0 + 3.0 * GELU_CUBE * a1 * a1);
    dh[p.o_dh + i] = dact * grad;
  }
}
