// MoE grouped path, route pass 2 (exclusive prefix sum), ONE workgroup:
//   counts (E,nChunks) becomes each (expert, chunk)'s first position in perm;
//   offs (2E+2) i32 gets [0..E] the expert offsets into perm (offs[E] = N*k)
//   and [E+1..2E+1] each expert's first row tile of TM rows (offs[2E+1] = all
//   routed tiles), so a grouped matmul maps a workgroup id to (expert, rows)
//   without a readback. Sums are integer and in expert/chunk order.

struct Params {
  o_counts: u32,
  o_offs: u32,
  E: u32,
  nChunks: u32,
  TM: u32, // rows per tile of the grouped matmuls
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> counts: array<i32>;
@group(0) @binding(2) var<storage, read_write> offs: array<i32>;

override WG: u32 = 64u;
const MAX_E = 256u; // the wrapper checks E against it

var<workgroup> totals: array<i32, MAX_E>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  // each thread owns experts lid, lid+WG, ...: chunk-exclusive sums inside the expert
  for (var e = lid.x; e < p.E; e += WG) {
    var run = 0;
    for (var ch = 0u; ch < p.nChunks; ch++) {
      let i = p.o_counts + e * p.nChunks + ch;
      let c = counts[i];
      counts[i] = run;
      run += c;
    }
    totals[e] = run;
  }
  workgroupBarrier();
  let tm = i32(p.TM);
  for (var e = lid.x; e < p.E; e += WG) {
    var base = 0;
    var tiles = 0;
    for (var f = 0u; f < e; f++) {
      base += totals[f];
      tiles += (totals[f] + tm - 1) / tm;
    }
    for (var ch = 0u; ch < p.nChunks; ch++) {
      counts[p.o_counts + e * p.nChunks + ch] += base;
    }
    offs[p.o_offs + e] = base;
    offs[p.o_offs + p.E + 1u + e] = tiles;
    if (e == p.E - 1u) {
      offs[p.o_offs + p.E] = base + totals[e];
      offs[p.o_offs + 2u * p.E + 1u] = tiles + (totals[e] + tm - 1) / tm;
    }
  }
}
