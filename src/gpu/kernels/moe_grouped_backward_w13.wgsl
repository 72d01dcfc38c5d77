// MoE grouped backward: dW1 (S+E,H,C) += sum over expert ex's rows, in token
// order, of dh1[row,h] x[n,c]; dW3 likewise with dh3 (swiglu). The gathered
// transpose product of the forward: each weight element is owned by one
// thread that visits only its own expert's rows (the dense path scans all N
// tokens), staged 16 rows at a time. Deterministic, no atomics.
// Workgroup (16,16) = 16 c (x) by 16 h (y) of expert wid.z.
// Twin: cpu/moe.ts moeBackward. Needs moe_grouped_rows.wgsl prepended.

struct Params {
  o_dw1: u32,
  o_dw3: u32,
  o_dh: u32,
  o_inp: u32,
  o_perm: u32,
  o_offs: u32,
  N: u32,
  C: u32,
  H: u32,
  E: u32,
  S: u32,
  k: u32,
  swiglu: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dw1: array<f32>; // (S+E,H,C)
@group(0) @binding(2) var<storage, read_write> dw3: array<f32>; // (S+E,H,C)
@group(0) @binding(3) var<storage, read_write> dh: array<f32>; // (2,N,S+k,H): dh1 then dh3
@group(0) @binding(4) var<storage, read_write> inp: array<f32>; // (N,C)
@group(0) @binding(5) var<storage, read_write> perm: array<i32>; // (N*k)
@group(0) @binding(6) var<storage, read_write> offs: array<i32>; // (2E+2)

const T = 16u;
const SP = T + 1u;

var<workgroup> d1s: array<f32, T * SP>; // d1s[r*SP + h] = dh1[row_r, h0+h]
var<workgroup> d3s: array<f32, T * SP>;
var<workgroup> xs: array<f32, T * SP>; // xs[r*SP + c] = inp[n_r, c0+c]
var<workgroup> seg: vec2<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let ex = wid.z;
  if (lid.x == 0u && lid.y == 0u) {
    seg = segment(ex);
  }
  let s = workgroupUniformLoad(&seg);
  let K = p.S + p.k;
  let total = p.N * K * p.H;
  let c0 = wid.x * T;
  let h0 = wid.y * T;
  let swiglu = p.swiglu != 0u;
  var acc1 = 0.0;
  var acc3 = 0.0;
  for (var r0 = s.x; r0 < s.y; r0 += T) {
    // thread (tx,ty) stages row r0+ty: its dh at unit h0+tx and its x at channel c0+tx
    let r = r0 + lid.y;
    var v1 = 0.0;
    var v3 = 0.0;
    var xv = 0.0;
    if (r < s.y) {
      let ns = token_slot(ex, r);
      let hb = (ns.x * K + ns.y) * p.H;
      if (h0 + lid.x < p.H) {
        v1 = dh[p.o_dh + hb + h0 + lid.x];
        if (swiglu) {
          v3 = dh[p.o_dh + total + hb + h0 + lid.x];
        }
      }
      if (c0 + lid.x < p.C) {
        xv = inp[p.o_inp + ns.x * p.C + c0 + lid.x];
      }
    }
    d1s[lid.y * SP + lid.x] = v1;
    d3s[lid.y * SP + lid.x] = v3;
    xs[lid.y * SP + lid.x] = xv;
    workgroupBarrier();
    let rmax = min(T, s.y - r0);
    for (var rr = 0u; rr < rmax; rr++) {
      let x = xs[rr * SP + lid.x];
      acc1 += d1s[rr * SP + lid.y] * x;
      if (swiglu) {
        acc3 += d3s[rr * SP + lid.y] * x;
      }
    }
    workgroupBarrier();
  }
  let c = c0 + lid.x;
  let h = h0 + lid.y;
  if (c >= p.C || h >= p.H) {
    return;
  }
  let i = (ex * p.H + h) * p.C + c;
  dw1[p.o_dw1 + i] += acc1;
  if (swiglu) {
    dw3[p.o_dw3 + i] += acc3;
  }
}
