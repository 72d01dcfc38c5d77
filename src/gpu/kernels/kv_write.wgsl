// kCache, vCache (nSeq,Tmax,C) at positions pos0..pos0+T-1 from qkv (nSeq,T,3C):
// k rotated by RoPE at its position (when rope = 1), v copied.
// Twin: cpu/decode.ts kvWrite. One thread per (row, t, channel).
// cos/sin come from kernels/rope.ts's host-computed table (Tcap, HS/2, 2).

struct Params {
  o_kc: u32,
  o_vc: u32,
  o_qkv: u32,
  o_table: u32,
  n: u32, // nSeq*T*C
  T: u32,
  pos0: u32,
  C: u32,
  HS: u32,
  Tmax: u32,
  rope: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> kc: array<f32>;
@group(0) @binding(2) var<storage, read_write> vc: array<f32>;
@group(0) @binding(3) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(4) var<storage, read_write> table: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  let c = i % p.C;
  let bt = i / p.C; // row b*T + t of qkv
  let t = bt % p.T;
  let b = bt / p.T;
  let pos = p.pos0 + t;
  let src = p.o_qkv + bt * 3u * p.C;
  let dst = (b * p.Tmax + pos) * p.C + c;
  var k = qkv[src + p.C + c];
  if (p.rope == 1u) {
    let half = p.HS / 2u;
    let j = c % p.HS;
    let head = src + p.C + c - j; // first channel of this head's k
    if (j < half) {
      let tb = p.o_table + (pos * half + j) * 2u;
      k = qkv[head + j] * table[tb] - qkv[head + j + half] * table[tb + 1u];
    } else {
      let tb = p.o_table + (pos * half + j - half) * 2u;
      k = qkv[head + j] * table[tb] + qkv[head + j - half] * table[tb + 1u];
    }
  }
  kc[p.o_kc + dst] = k;
  vc[p.o_vc + dst] = qkv[src + 2u * p.C + c];
}
