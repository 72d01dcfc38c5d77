// MoE grouped path, route pass 1 (histogram): counts[e,ch] = how many of the
// routing choices of the tokens in chunk ch (CH tokens each) picked routed
// expert e. counts is (E,nChunks) i32. One thread per (e, ch) walks its chunk:
// integer counts, no atomics. Twin: the grouping that cpu/moe.ts skips.

struct Params {
  o_counts: u32,
  o_topidx: u32,
  N: u32,
  E: u32,
  k: u32,
  CH: u32, // tokens per chunk
  nChunks: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> counts: array<i32>;
@group(0) @binding(2) var<storage, read_write> topidx: array<i32>; // (N,k)

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p.E * p.nChunks) {
    return;
  }
  let e = i32(i / p.nChunks);
  let ch = i % p.nChunks;
  let end = min((ch + 1u) * p.CH, p.N) * p.k;
  var c = 0;
  for (var q = ch * p.CH * p.k; q < end; q++) {
    if (topidx[p.o_topidx + q] == e) {
      c++;
    }
  }
  counts[p.o_counts + i] = c;
}
