// Shared prelude of the grouped MoE matmuls (moe_grouped.ts prepends it to
// each kernel; WGSL has no include). It expects the kernel to declare
// `p` with fields N, E, S, k, o_perm, o_offs and bindings
// `perm: array<i32>` (N*k) and `offs: array<i32>` (2E+2), see moe_grouped_offsets.wgsl.
//
// Segments: expert ex < S (shared) has rows r = every token n, slot ex;
// expert S+e (routed) has rows r in [offs[e], offs[e+1]) of perm, each a
// choice q = n*k + j, i.e. token n, slot S+j.

const TM = 16u; // rows per tile: moe_grouped.ts passes the same to the offsets pass

/** Rows [x, y) of expert ex's segment. */
fn segment(ex: u32) -> vec2<u32> {
  if (ex < p.S) {
    return vec2<u32>(0u, p.N);
  }
  let e = ex - p.S;
  return vec2<u32>(u32(offs[p.o_offs + e]), u32(offs[p.o_offs + e + 1u]));
}

/** (token n, slot) of row r of expert ex's segment. */
fn token_slot(ex: u32, r: u32) -> vec2<u32> {
  if (ex < p.S) {
    return vec2<u32>(r, ex);
  }
  let q = u32(perm[p.o_perm + r]);
  return vec2<u32>(q / p.k, p.S + q % p.k);
}

/**
 * Row tile t -> (expert, first row, end row); end <= first means no work.
 * Tiles [0, S*ceil(N/TM)) cover the shared experts, the rest the routed ones
 * through the tile starts in offs.
 */
fn tile_of(t: u32) -> vec3<u32> {
  let per = (p.N + TM - 1u) / TM;
  if (t < p.S * per) {
    let r0 = (t % per) * TM;
    return vec3<u32>(t / per, r0, min(r0 + TM, p.N));
  }
  let tt = i32(t - p.S * per);
  let ts = p.o_offs + p.E + 1u; // tile starts
  if (tt >= offs[ts + p.E]) {
    return vec3<u32>(0u, 0u, 0u);
  }
  var e = 0u; // the last expert whose first tile is <= tt (empty experts share their successor's start)
  for (var f = 1u; f < p.E; f++) {
    if (offs[ts + f] <= tt) {
      e = f;
    }
  }
  let r0 = u32(offs[p.o_offs + e]) + u32(tt - offs[ts + e]) * TM;
  return vec3<u32>(p.S + e, r0, min(r0 + TM, u32(offs[p.o_offs + e + 1u])));
}
