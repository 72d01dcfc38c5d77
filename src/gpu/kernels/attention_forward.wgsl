// Causal attention: out (B,T,C) and the softmax cache att (B,NH,T,T) from the
// fused qkv inp (B,T,3C) rows [q | k | v], head h at channels h*HS.. of each.
// Twin: cpu/attention.ts attentionForward.
// One workgroup per (b, h, t) query row: threads take the keys t2 = tid,
// tid+WG, ... <= t, the row max and sum are fixed trees in workgroup memory,
// and thread i < HS sums its output channel over t2 in order, so the result
// does not depend on scheduling. Entries t2 > t of att are written as exact 0.

struct Params {
  o_out: u32,
  o_att: u32,
  o_inp: u32,
  rows: u32, // B*NH*T
  T: u32,
  C: u32,
  NH: u32,
  scale: f32, // 1/sqrt(HS)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> att: array<f32>;
@group(0) @binding(3) var<storage, read_write> inp: array<f32>;

override WG: u32 = 64u; // a power of two
const TMAX: u32 = 256u; // core/config.ts caps maxSeqLen at 256; the wrapper checks T

var<workgroup> sc: array<f32, TMAX>; // this row's scores, then its softmax weights
var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = wid.x + wid.y * nwg.x; // ((b*NH + h)*T + t), the att row index
  if (r >= p.rows) {
    return;
  }
  let T = p.T;
  let C3 = 3u * p.C;
  let HS = p.C / p.NH;
  let t = r % T;
  let h = (r / T) % p.NH;
  let b = r / (T * p.NH);
  let q = p.o_inp + (b * T + t) * C3 + h * HS;

  // pass 1: scaled scores q . k[t2] and this thread's max
  var m = -3.402823e38;
  for (var t2 = tid; t2 <= t; t2 += WG) {
    let k = p.o_inp + (b * T + t2) * C3 + p.C + h * HS;
    var s = 0.0;
    for (var i = 0u; i < HS; i++) {
      s += inp[q + i] * inp[k + i];
    }
    s *= p.scale;
    sc[t2] = s;
    m = max(m, s);
  }
  red[tid] = m;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (tid < s) {
      red[tid] = max(red[tid], red[tid + s]);
    }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier(); // everyone has read the max before red is reused

  // pass 2: exponentiate and sum (each thread touches only its own t2)
  var sum = 0.0;
  for (var t2 = tid; t2 <= t; t2 += WG) {
    let e = exp(sc[t2] - mx);
    sc[t2] = e;
    sum += e;
  }
  red[tid] = sum;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (tid < s) {
      red[tid] += red[tid + s];
    }
    workgroupBarrier();
  }
  let inv = 1.0 / red[0];

  // normalise and write the whole att row; the masked future is exactly 0
  let a = p.o_att + r * T;
  for (var t2 = tid; t2 < T; t2 += WG) {
    var w = 0.0;
    if (t2 <= t) {
      w = sc[t2] * inv;
      sc[t2] = w;
    }
    att[a + t2] = w;
  }
  workgroupBarrier();

  // pass 3: out[i] = sum_t2 att[t2] * v[t2][i], one owner thread per channel
  let o = p.o_out + (b * T + t) * p.C + h * HS;
  for (var i = tid; i < HS; i += WG) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= t; t2++) {
      acc += sc[t2] * inp[p.o_inp + (b * T + t2) * C3 + 2u * p.C + h * HS + i];
    }
    out[o + i] = acc;
  }
}
