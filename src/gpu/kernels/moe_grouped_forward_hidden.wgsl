// MoE grouped forward, pass 1: per expert, a gathered matmul over only its rows
//   h1 = w1[ex] x,  h3 = w3[ex] x,  act = silu(h1) h3 | gelu(h1)
// written at each row's (token, slot) in the dense cache layout (N,S+k,H), so
// backward and the model see the same cache as the dense path.
// Register-blocked, no workgroup memory and no barriers: workgroup (wid.x, wid.y)
// owns row tile wid.x (TM = 16 rows of one expert) by 4*UG hidden units; each
// thread a 4x4 block, 4 rows by 4 units, so one x load and one weight load
// serve 4 FMAs each; the rows of a tile share their expert's weights, which
// is what the grouping buys. Each output sums c ascending like the twin.
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

override UG: u32 = 16u; // unit groups of 4 per workgroup: WG = 4 * UG threads (moe_grouped.ts)

const GELU_SCALE = 0.7978845608028654; // sqrt(2/pi)
const GELU_CUBE = 0.044715;

fn tanh_safe(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}

@compute @workgroup_size(4u * UG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = tile_of(wid.x);
  let ex = t.x;
  let r0 = t.y + (lid / UG) * 4u; // this thread's 4 rows
  let h0 = (wid.y * UG + lid % UG) * 4u; // and 4 units
  if (r0 >= t.z || h0 >= p.H) {
    return;
  }
  let K = p.S + p.k;
  // rows past the tile's end load the first row's x and are not stored
  var xb: vec4<u32>; // inp element index of (row i, c = 0)
  var cr: vec4<u32>; // cache row n*K + slot of row i
  for (var i = 0u; i < 4u; i++) {
    let ns = token_slot(ex, select(r0, r0 + i, r0 + i < t.z));
    xb[i] = p.o_inp + ns.x * p.C;
    cr[i] = ns.x * K + ns.y;
  }
  let hc = min(vec4<u32>(h0, h0 + 1u, h0 + 2u, h0 + 3u), vec4<u32>(p.H - 1u));
  let wb = (ex * p.H + hc) * p.C; // weight element index of (unit j, c = 0)
  let swiglu = p.swiglu != 0u;
  // a1_i[j] = h1 of row i, unit j
  var a1_0 = vec4<f32>(0.0);
  var a1_1 = vec4<f32>(0.0);
  var a1_2 = vec4<f32>(0.0);
  var a1_3 = vec4<f32>(0.0);
  var a3_0 = vec4<f32>(0.0);
  var a3_1 = vec4<f32>(0.0);
  var a3_2 = vec4<f32>(0.0);
  var a3_3 = vec4<f32>(0.0);
  for (var c = 0u; c < p.C; c++) {
    let x = vec4<f32>(inp[xb.x + c], inp[xb.y + c], inp[xb.z + c], inp[xb.w + c]);
    let wi = p.o_w1 + wb + c;
    let v1 = vec4<f32>(w1[wi.x], w1[wi.y], w1[wi.z], w1[wi.w]);
    a1_0 += v1 * x.x;
    a1_1 += v1 * x.y;
    a1_2 += v1 * x.z;
    a1_3 += v1 * x.w;
    if (swiglu) {
      let wj = p.o_w3 + wb + c;
      let v3 = vec4<f32>(w3[wj.x], w3[wj.y], w3[wj.z], w3[wj.w]);
      a3_0 += v3 * x.x;
      a3_1 += v3 * x.y;
      a3_2 += v3 * x.z;
      a3_3 += v3 * x.w;
    }
  }
  var a1 = array<vec4<f32>, 4>(a1_0, a1_1, a1_2, a1_3);
  var a3 = array<vec4<f32>, 4>(a3_0, a3_1, a3_2, a3_3);
  for (var i = 0u; i < 4u; i++) {
    if (r0 + i >= t.z) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let h = h0 + j;
      if (h >= p.H) {
        break;
      }
      let o = cr[i] * p.H + h;
      let v1 = a1[i][j];
      h1[p.o_h1 + o] = v1;
      if (swiglu) {
        let v3 = a3[i][j];
        h3[p.o_h3 + o] = v3;
        act[p.o_act + o] = v1 / (1.0 + exp(-v1)) * v3; // silu(h1) * h3
      } else {
        act[p.o_act + o] = 0.5 * v1 * (1.0 + tanh_safe(GELU_SCALE * (v1 + GELU_CUBE * v1 * v1 * v1)));
      }
    }
  }
}
