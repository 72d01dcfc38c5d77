// MoE grouped forward, pass 1: per expert, a gathered matmul over only its rows
//   h1 = w1[ex] x,  h3 = w3[ex] x,  act = silu(h1) h3 | gelu(h1)
// written at each row's (token, slot) in the dense cache layout (N,S+k,H), so
// backward and the model see the same cache as the dense path. Workgroup
// (16,16) owns a tile of TM rows (x) by 16 hidden units (y); thread (tx,ty)
// computes row ty, unit tx, summing c ascending like the twin.
// Twin: cpu/moe.ts moeForward. Needs moe_grouped_rows.wgsl prepended.

struct Params {
  o_h1: u32,
  o_h3: u32,
  o_act: u32,
  o_inp: u32,
  o_w1: u32,
  o_w3: u32,
  o_perm: u32,
  o_offs: u32,
  N: u32,
  C: u32,
  H: u32,
  E: u32,
  S: u32,
  k: u32,
  swiglu: u32, // 1 swiglu (h3, w3 bound), 0 gelu
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> h1: array<f32>; // (N,S+k,H)
@group(0) @binding(2) var<storage, read_write> h3: array<f32>; // (N,S+k,H)
@group(0) @binding(3) var<storage, read_write> act: array<f32>; // (N,S+k,H)
@group(0) @binding(4) var<storage, read_write> inp: array<f32>; // (N,C)
@group(0) @binding(5) var<storage, read_write> w1: array<f32>; // (S+E,H,C)
@group(0) @binding(6) var<storage, read_write> w3: array<f32>; // (S+E,H,C)
@group(0) @binding(7) var<storage, read_write> perm: array<i32>; // (N*k)
@group(0) @binding(8) var<storage, read_write> offs: array<i32>; // (2E+2)

const T = 16u; // tile edge: TM rows, 16 units, 16 c per step
const SP = T + 1u; // padded row stride of the staged tiles

const GELU_SCALE = 0.7978845608028654; // sqrt(2/pi)
const GELU_CUBE = 0.044715;

fn tanh_safe(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}

var<workgroup> xs: array<f32, T * SP>; // xs[r*SP + c] = inp[n_r, c0+c]
var<workgroup> w1s: array<f32, T * SP>; // w1s[h*SP + c] = w1[ex, h0+h, c0+c]
var<workgroup> w3s: array<f32, T * SP>;
var<workgroup> tile: vec3<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (lid.x == 0u && lid.y == 0u) {
    tile = tile_of(wid.x);
  }
  let t = workgroupUniformLoad(&tile); // uniform: the barriers below need it
  let ex = t.x;
  if (t.y >= t.z) {
    return;
  }
  let K = p.S + p.k;
  let r = t.y + lid.y;
  let live = r < t.z;
  var n = 0u;
  var row = 0u; // cache row n*K + slot
  if (live) {
    let ns = token_slot(ex, r);
    n = ns.x;
    row = ns.x * K + ns.y;
  }
  let h0 = wid.y * T;
  let h = h0 + lid.x;
  let hw = h0 + lid.y; // the weight row this thread stages
  let swiglu = p.swiglu != 0u;
  var a1 = 0.0;
  var a3 = 0.0;
  for (var c0 = 0u; c0 < p.C; c0 += T) {
    let c = c0 + lid.x;
    var xv = 0.0;
    if (live && c < p.C) {
      xv = inp[p.o_inp + n * p.C + c];
    }
    xs[lid.y * SP + lid.x] = xv;
    var v1 = 0.0;
    var v3 = 0.0;
    if (hw < p.H && c < p.C) {
      let wi = (ex * p.H + hw) * p.C + c;
      v1 = w1[p.o_w1 + wi];
      if (swiglu) {
        v3 = w3[p.o_w3 + wi];
      }
    }
    w1s[lid.y * SP + lid.x] = v1;
    w3s[lid.y * SP + lid.x] = v3;
    workgroupBarrier();
    let kmax = min(T, p.C - c0); // no padded terms: the sum is the twin's, term for term
    for (var kk = 0u; kk < kmax; kk++) {
      let x = xs[lid.y * SP + kk];
      a1 += w1s[lid.x * SP + kk] * x;
      if (swiglu) {
        a3 += w3s[lid.x * SP + kk] * x;
      }
    }
    workgroupBarrier();
  }
  if (!live || h >= p.H) {
    return;
  }
  let i = row * p.H + h;
  h1[p.o_h1 + i] = a1;
  if (swiglu) {
    h3[p.o_h3 + i] = a3;
    act[p.o_act + i] = a1 / (1.0 + exp(-a1)) * a3; // silu(h1) * h3
  } else {
    act[p.o_act + i] = 0.5 * a1 * (1.0 + tanh_safe(GELU_SCALE * (a1 + GELU_CUBE * a1 * a1 * a1)));
  }
}
