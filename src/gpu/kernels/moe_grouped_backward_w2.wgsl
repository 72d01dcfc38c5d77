// MoE grouped backward: dW2 (S+E,C,H) += sum over expert ex's rows, in token
// order, of (g dOut[n,c]) act[row,h], from y = w2[ex] act and out += g y
// (g = 1 for shared experts). One owner thread per weight element visits only
// its expert's rows, 16 at a time through workgroup memory. Deterministic.
// Workgroup (16,16) = 16 h (x) by 16 c (y) of expert wid.z.
// Twin: cpu/moe.ts moeBackward. Needs moe_grouped_rows.wgsl prepended.

struct Params {
  o_dw2: u32,
  o_dout: u32,
  o_act: u32,
  o_gates: u32,
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
@group(0) @binding(1) var<storage, read_write> dw2: array<f32>; // (S+E,C,H)
@group(0) @binding(2) var<storage, read_write> dout: array<f32>; // (N,C)
@group(0) @binding(3) var<storage, read_write> act: array<f32>; // (N,S+k,H)
@group(0) @binding(4) var<storage, read_write> gates: array<f32>; // (N,k)
@group(0) @binding(5) var<storage, read_write> perm: array<i32>; // (N*k)
@group(0) @binding(6) var<storage, read_write> offs: array<i32>; // (2E+2)

const T = 16u;
const SP = T + 1u;

var<workgroup> gs: array<f32, T * SP>; // gs[r*SP + c] = g_r dOut[n_r, c0+c]
var<workgroup> as_: array<f32, T * SP>; // as_[r*SP + h] = act[row_r, h0+h]
var<workgroup> seg: vec2<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let ex = wid.z;
  if (lid.x == 0u && lid.y == 0u) {
    seg = segment(ex);
  }
  let s = workgroupUniformLoad(&seg);
  let K = p.S + p.k;
  let h0 = wid.x * T;
  let c0 = wid.y * T;
  var acc = 0.0;
  for (var r0 = s.x; r0 < s.y; r0 += T) {
    let r = r0 + lid.y;
    var gv = 0.0;
    var av = 0.0;
    if (r < s.y) {
      let ns = token_slot(ex, r);
      var g = 1.0;
      if (ns.y >= p.S) {
        g = gates[p.o_gates + ns.x * p.k + ns.y - p.S];
      }
      if (c0 + lid.x < p.C) {
        gv = g * dout[p.o_dout + ns.x * p.C + c0 + lid.x];
      }
      if (h0 + lid.x < p.H) {
        av = act[p.o_act + (ns.x * K + ns.y) * p.H + h0 + lid.x];
      }
    }
    gs[lid.y * SP + lid.x] = gv;
    as_[lid.y * SP + lid.x] = av;
    workgroupBarrier();
    let rmax = min(T, s.y - r0);
    for (var rr = 0u; rr < rmax; rr++) {
      acc += gs[rr * SP + lid.y] * as_[rr * SP + lid.x];
    }
    workgroupBarrier();
  }
  let h = h0 + lid.x;
  let c = c0 + lid.y;
  if (c >= p.C || h >= p.H) {
    return;
  }
  dw2[p.o_dw2 + (ex * p.C + c) * p.H + h] += acc;
}
