// out (nSeq,T,C): query (b,t) of qkv (nSeq,T,3C), rotated to position
// pos = pos0+t (rope = 1), attends to positions 0..pos of row b's cache
// kc, vc (nSeq,Tmax,C). Twin: cpu/decode.ts attentionDecode.
// One workgroup per (b, t, head): threads split the scores over positions and
// the output over channels; one thread runs max and sum over the scores in
// position order, so the result does not depend on the workgroup size.

struct Params {
  o_out: u32,
  o_qkv: u32,
  o_kc: u32,
  o_vc: u32,
  o_table: u32,
  groups: u32, // nSeq*T*NH
  T: u32,
  pos0: u32,
  C: u32,
  NH: u32,
  Tmax: u32,
  rope: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(3) var<storage, read_write> kc: array<f32>;
@group(0) @binding(4) var<storage, read_write> vc: array<f32>;
@group(0) @binding(5) var<storage, read_write> table: array<f32>;

override WG: u32 = 64u;
const MAX_T: u32 = 256u; // maxSeqLen and head size limits (core/config.ts); 2 KiB of workgroup memory

var<workgroup> q: array<f32, MAX_T>; // (HS) the rotated query
var<workgroup> att: array<f32, MAX_T>; // (pos+1) scores, then weights

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * nwg.x;
  if (g >= p.groups) {
    return; // the whole workgroup leaves together: barriers stay uniform
  }
  let h = g % p.NH;
  let bt = g / p.NH;
  let t = bt % p.T;
  let b = bt / p.T;
  let pos = p.pos0 + t;
  let HS = p.C / p.NH;
  let half = HS / 2u;
  let qrow = p.o_qkv + bt * 3u * p.C + h * HS;
  for (var j = lid; j < HS; j += WG) {
    var x = qkv[qrow + j];
    if (p.rope == 1u) {
      if (j < half) {
        let tb = p.o_table + (pos * half + j) * 2u;
        x = qkv[qrow + j] * table[tb] - qkv[qrow + j + half] * table[tb + 1u];
      } else {
        let tb = p.o_table + (pos * half + j - half) * 2u;
        x = qkv[qrow + j] * table[tb] + qkv[qrow + j - half] * table[tb + 1u];
      }
    }
    q[j] = x;
  }
  workgroupBarrier();
  let scale = 1.0 / sqrt(f32(HS));
  let cache = b * p.Tmax * p.C + h * HS; // position 0 of this row and head
  for (var t2 = lid; t2 <= pos; t2 += WG) {
    let k = p.o_kc + cache + t2 * p.C;
    var s = 0.0;
    for (var i = 0u; i < HS; i++) {
      s += q[i] * kc[k + i];
    }
    att[t2] = s * scale;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var mx = att[0];
    for (var t2 = 1u; t2 <= pos; t2++) {
      mx = max(mx, att[t2]);
    }
    var sum = 0.0;
    for (var t2 = 0u; t2 <= pos; t2++) {
      let e = exp(att[t2] - mx);
      att[t2] = e;
      sum += e;
    }
    let inv = 1.0 / sum;
    for (var t2 = 0u; t2 <= pos; t2++) {
      att[t2] *= inv;
    }
  }
  workgroupBarrier();
  let o = p.o_out + bt * p.C + h * HS;
  for (var i = lid; i < HS; i += WG) {
    var acc = 0.0;
    for (var t2 = 0u; t2 <= pos; t2++) {
      acc += att[t2] * vc[p.o_vc + cache + t2 * p.C + i];
    }
    out[o + i] = acc;
  }
}
