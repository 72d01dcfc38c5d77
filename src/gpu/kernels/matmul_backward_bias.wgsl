// dBias (OC) += column sums of dOut (N,OC). Twin: cpu/matmul.ts matmulBackward.
// One thread per output channel sums its column over n ascending: a fixed
// order, and neighbouring threads read neighbouring words of each row.

struct Params {
  o_dbias: u32,
  o_dout: u32,
  N: u32,
  OC: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(2) var<storage, read_write> dout: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x;
  if (o >= p.OC) {
    return;
  }
  var s = 0.0;
  for (var n = 0u; n < p.N; n++) {
    s += dout[p.o_dout + n * p.OC + o];
  }
  dbias[p.o_dbias + o] += s;
}
