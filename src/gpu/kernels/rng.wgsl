// WGSL twin of core/rng.ts, prepended by the wrappers of every kernel that
// draws random numbers (WGSL has no imports). u32 arithmetic wraps modulo
// 2^32, exactly like Math.imul + >>> 0, so draws are bit-identical to the CPU.

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

const RNG_DOMAIN: u32 = 0x9e3779b9u;

// core/rng.ts rngU32(seed, stream, counter)
fn rng_u32(seed: u32, stream: u32, counter: u32) -> u32 {
  return fmix32(pcg4d(vec4<u32>(seed, stream, counter, RNG_DOMAIN)).x);
}

// core/rng.ts rngFloat: 24 random bits in [0, 1), exact in f32
fn rng_float(seed: u32, stream: u32, counter: u32) -> f32 {
  return f32(rng_u32(seed, stream, counter) >> 8u) * (1.0 / 16777216.0);
}
