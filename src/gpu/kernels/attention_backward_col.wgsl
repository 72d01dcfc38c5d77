// Attention backward, pass 2 of 2 (twin: cpu/attention.ts attentionBackward):
// per key/value position (b, h, t2), over the query rows t >= t2 that see it,
//   dk[t2] += sum_t dPre[t][t2] q[t],   dPre[t][t2] = att[t][t2] (dOut[t].v[t2] - D[t]) * scale
//   dv[t2] += sum_t att[t][t2] dOut[t]
// with D (B,NH,T) from attention_backward_row.wgsl. Thread j < HS owns dk
// channel j, thread HS + i owns dv channel i; each sums over t in order.

struct Params {
  o_dinp: u32,
  o_dout: u32,
  o_inp: u32,
  o_att: u32,
  o_dsum: u32,
  rows: u32, // B*NH*T
  T: u32,
  C: u32,
  NH: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<f32>;
@group(0) @binding(4) var<storage, read_write> att: array<f32>;
@group(0) @binding(5) var<storage, read_write> dsum: array<f32>;

override WG: u32 = 64u;
const TMAX: u32 = 256u;

var<workgroup> dpre: array<f32, TMAX>; // dPre[t][t2] for t >= t2
var<workgroup> w: array<f32, TMAX>; // att[t][t2]

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.x + wid.y * nwg.x; // ((b*NH + h)*T + t2)
  if (r >= p.rows) {
    return;
  }
  let T = p.T;
  let C3 = 3u * p.C;
  let HS = p.C / p.NH;
  let t2 = r % T;
  let bh = r / T;
  let h = bh % p.NH;
  let b = bh / p.NH;
  let v = p.o_inp + (b * T + t2) * C3 + 2u * p.C + h * HS;

  for (var t = t2 + tid; t < T; t += WG) {
    let o = p.o_dout + (b * T + t) * p.C + h * HS;
    var s = 0.0;
    for (var i = 0u; i < HS; i++) {
      s += dout[o + i] * inp[v + i];
    }
    let a = att[p.o_att + (bh * T + t) * T + t2];
    w[t] = a;
    dpre[t] = a * (s - dsum[p.o_dsum + bh * T + t]) * p.scale;
  }
  workgroupBarrier();

  for (var j = tid; j < 2u * HS; j += WG) {
    var acc = 0.0;
    if (j < HS) {
      for (var t = t2; t < T; t++) {
        acc += dpre[t] * inp[p.o_inp + (b * T + t) * C3 + h * HS + j];
      }
      dinp[p.o_dinp + (b * T + t2) * C3 + p.C + h * HS + j] += acc;
    } else {
      let i = j - HS;
      for (var t = t2; t < T; t++) {
        acc += w[t] * dout[p.o_dout + (b * T + t) * p.C + h * HS + i];
      }
      dinp[p.o_dinp + (b * T + t2) * C3 + 2u * p.C + h * HS + i] += acc;
    }
  }
}
