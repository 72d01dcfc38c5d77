// WGSL twin of core/rng.ts: out[i] = rngU32(seed, stream, counter0 + i).
// u32 arithmetic in WGSL wraps modulo 2^32, exactly like Math.imul + >>> 0.

struct Params {
  seed: u32,
  stream: u32,
  counter0: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

override WORKGROUP_SIZE: u32 = 64u;

fn pcg4d(key: vec4<u32>) -> vec4<u32> {
  var v = key * 1664525u + 1013904223u;
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  v ^= v >> vec4<u32>(16u);
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  return v;
}

fn fmix32(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

const DOMAIN: u32 = 0x9e3779b9u;

fn rng_u32(seed: u32, stream: u32, counter: u32) -> u32 {
  return fmix32(pcg4d(vec4<u32>(seed, stream, counter, DOMAIN)).x);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) {
    return;
  }
  out[i] = rng_u32(params.seed, params.stream, params.counter0 + i);
}
