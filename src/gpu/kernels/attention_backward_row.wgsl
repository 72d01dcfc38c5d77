// Attention backward, pass 1 of 2 (twin: cpu/attention.ts attentionBackward):
// per query row (b, h, t) it forms
//   dAtt[t2]  = dOut[t] . v[t2]                         (forward: out = sum_t2 att[t2] v[t2])
//   D         = sum_t2 att[t2] dAtt[t2]                 (stored in dsum (B,NH,T) for pass 2)
//   dPre[t2]  = att[t2] (dAtt[t2] - D) * scale          (softmax, then preatt = scale q.k)
// and accumulates dq[t] += sum_t2 dPre[t2] k[t2]. dk and dv sum over query rows
// t, so attention_backward_col.wgsl owns them: one writer per element, no atomics.

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

override WG: u32 = 64u; // a power of two
const TMAX: u32 = 256u;

var<workgroup> dpre: array<f32, TMAX>;
var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.x + wid.y * nwg.x; // ((b*NH + h)*T + t)
  if (r >= p.rows) {
    return;
  }
  let T = p.T;
  let C3 = 3u * p.C;
  let HS = p.C / p.NH;
  let t = r % T;
  let h = (r / T) % p.NH;
  let b = r / (T * p.NH);
  let a = p.o_att + r * T;
  let o = p.o_dout + (b * T + t) * p.C + h * HS;

  var part = 0.0;
  for (var t2 = tid; t2 <= t; t2 += WG) {
    let v = p.o_inp + (b * T + t2) * C3 + 2u * p.C + h * HS;
    var s = 0.0;
    for (var i = 0u; i < HS; i++) {
      s += dout[o + i] * inp[v + i];
    }
    dpre[t2] = s;
    part += att[a + t2] * s;
  }
  red[tid] = part;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (tid < s) {
      red[tid] += red[tid + s];
    }
    workgroupBarrier();
  }
  let D = red[0];
  if (tid == 0u) {
    dsum[p.o_dsum + r] = D;
  }
  for (var t2 = tid; t2 <= t; t2 += WG) {
    dpre[t2] = att[a + t2] * (dpre[t2] - D) * p.scale;
  }
  workgroupBarrier();

  let q = p.o_dinp + (b * T + t) * C3 + h * HS;
  for (var i = tid; i < HS; i += WG) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= t; t2++) {
      acc += dpre[t2] * inp[p.o_inp + (b * T + t2) * C3 + p.C + h * HS + i];
    }
    dinp[q + i] += acc;
  }
}
