// flag (1) = code when flag is 0 and some x (n) is NaN or +-Inf; a set flag
// stays. Twin: cpu/pack.ts checkFinite. One workgroup; the test is on the
// bits (exponent all ones), since WGSL lets a compiler assume floats are
// finite and fold x != x away.

struct Params {
  o_flag: u32,
  o_x: u32,
  n: u32,
  code: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> flag: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;

override WG: u32 = 256u;

var<workgroup> bad: array<u32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var b = 0u;
  for (var i = lid.x; i < p.n; i += WG) {
    if ((bitcast<u32>(x[p.o_x + i]) & 0x7f800000u) == 0x7f800000u) {
      b = 1u;
    }
  }
  bad[lid.x] = b;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid.x < s) {
      bad[lid.x] = max(bad[lid.x], bad[lid.x + s]);
    }
    workgroupBarrier();
  }
  if (lid.x == 0u && bad[0] != 0u && flag[p.o_flag] == 0.0) {
    flag[p.o_flag] = p.code;
  }
}
