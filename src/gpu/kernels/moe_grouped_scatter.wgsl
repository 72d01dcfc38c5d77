// MoE grouped path, route pass 3 (stable scatter): perm (N*k) i32 lists, expert
// by expert, the routing choices q = n*k + j that picked it, in TOKEN ORDER.
// One thread per (e, ch) walks its chunk from the position the prefix sum gave
// it, so the order never depends on scheduling.

struct Params {
  o_perm: u32,
  o_counts: u32,
  o_topidx: u32,
  N: u32,
  E: u32,
  k: u32,
  CH: u32,
  nChunks: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> perm: array<i32>;
@group(0) @binding(2) var<storage, read_write> counts: array<i32>; // (E,nChunks) start positions
@group(0) @binding(3) var<storage, read_write> topidx: array<i32>; // (N,k)

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
  var pos = u32(counts[p.o_counts + i]);
  for (var q = ch * p.CH * p.k; q < end; q++) {
    if (topidx[p.o_topidx + q] == e) {
      perm[p.o_perm + pos] = i32(q);
      pos++;
    }
  }
}
