// MoE grouped forward, pass 2: per expert, y[row] = w2[ex] act[row] (N,S+k,C)
// over only its rows (gathered through perm), summing h ascending like the
// twin. Workgroup (16,16) owns TM rows (x) by 16 channels (y). The combine
// into out is moe_grouped_combine.wgsl. Twin: cpu/moe.ts moeForward.
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

const T = 16u;
const SP = T + 1u;

var<workgroup> as_: array<f32, T * SP>; // as_[r*SP + h] = act[row_r, h0+h]
var<workgroup> w2s: array<f32, T * SP>; // w2s[c*SP + h] = w2[ex, c0+c, h0+h]
var<workgroup> tile: vec3<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (lid.x == 0u && lid.y == 0u) {
    tile = tile_of(wid.x);
  }
  let t = workgroupUniformLoad(&tile);
  let ex = t.x;
  if (t.y >= t.z) {
    return;
  }
  let K = p.S + p.k;
  let r = t.y + lid.y;
  let live = r < t.z;
  var row = 0u;
  if (live) {
    let ns = token_slot(ex, r);
    row = ns.x * K + ns.y;
  }
  let c0 = wid.y * T;
  let c = c0 + lid.x;
  let cw = c0 + lid.y; // the weight row this thread stages
  var acc = 0.0;
  for (var h0 = 0u; h0 < p.H; h0 += T) {
    let h = h0 + lid.x;
    var av = 0.0;
    if (live && h < p.H) {
      av = act[p.o_act + row * p.H + h];
    }
    as_[lid.y * SP + lid.x] = av;
    var wv = 0.0;
    if (cw < p.C && h < p.H) {
      wv = w2[p.o_w2 + (ex * p.C + cw) * p.H + h];
    }
    w2s[lid.y * SP + lid.x] = wv;
    workgroupBarrier();
    let kmax = min(T, p.H - h0);
    for (var kk = 0u; kk < kmax; kk++) {
      acc += w2s[lid.x * SP + kk] * as_[lid.y * SP + kk];
    }
    workgroupBarrier();
  }
  if (live && c < p.C) {
    y[p.o_y + row * p.C + c] = acc;
  }
}
