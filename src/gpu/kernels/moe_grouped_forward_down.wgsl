// MoE grouped forward, pass 2: per expert, y[row] = w2[ex] act[row] (N,S+k,C)
// over only its rows (gathered through perm), summing h ascending like the
// twin. Register-blocked like pass 1 (moe_grouped_forward_hidden.wgsl): no
// workgroup memory, no barriers; workgroup (wid.x, wid.y) owns row tile wid.x
// by 4*UG channels, each thread 4 rows by 4 channels. The combine into out is
// moe_grouped_combine.wgsl. Twin: cpu/moe.ts moeForward.
// Needs moe_grouped_rows.wgsl prepended.
struct Params {
  o_y: u32,
  o_act: u32,
  o_w2: u32,
  o_perm: u32,
  o_offs: u32,
  N: u32,
  C: u32,
  H: u32,
  E: u32,
  S: u32,
  k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>; // (N,S+k,C)
@group(0) @binding(2) var<storage, read_write> act: array<f32>; // (N,S+k,H)
@group(0) @binding(3) var<storage, read_write> w2: array<f32>; // (S+E,C,H)
@group(0) @binding(4) var<storage, read_write> perm: array<i32>; // (N*k)
@group(0) @binding(5) var<storage, read_write> offs: array<i32>; // (2E+2)

override UG: u32 = 16u; // channel groups of 4 per workgroup: WG = 4 * UG threads (moe_grouped.ts)

@compute @workgroup_size(4u * UG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = tile_of(wid.x);
  let ex = t.x;
  let r0 = t.y + (lid / UG) * 4u;
  let c0 = (wid.y * UG + lid % UG) * 4u;
  if (r0 >= t.z || c0 >= p.C) {
    return;
  }
  let K = p.S + p.k;
  var cr: vec4<u32>; // cache row n*K + slot of row i (rows past the tile's end: the first row's, not stored)
  for (var i = 0u; i < 4u; i++) {
    let ns = token_slot(ex, select(r0, r0 + i, r0 + i < t.z));
    cr[i] = ns.x * K + ns.y;
  }
  let ab = p.o_act + cr * p.H;
  let cc = min(vec4<u32>(c0, c0 + 1u, c0 + 2u, c0 + 3u), vec4<u32>(p.C - 1u));
  let wb = p.o_w2 + (ex * p.C + cc) * p.H;
  var y0 = vec4<f32>(0.0); // y_i[j] = y of row i, channel j
  var y1 = vec4<f32>(0.0);
  var y2 = vec4<f32>(0.0);
  var y3 = vec4<f32>(0.0);
  for (var h = 0u; h < p.H; h++) {
    let a = vec4<f32>(act[ab.x + h], act[ab.y + h], act[ab.z + h], act[ab.w + h]);
    let wi = wb + h;
    let w = vec4<f32>(w2[wi.x], w2[wi.y], w2[wi.z], w2[wi.w]);
    y0 += w * a.x;
    y1 += w * a.y;
    y2 += w * a.z;
    y3 += w * a.w;
  }
  var yv = array<vec4<f32>, 4>(y0, y1, y2, y3);
  for (var i = 0u; i < 4u; i++) {
    if (r0 + i >= t.z) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      if (c0 + j >= p.C) {
        break;
      }
      y[p.o_y + cr[i] * p.C + c0 + j] = yv[i][j];
    }
  }
}
