// out[i] = rngU32(seed, stream, counter0 + i): the test kernel of rng.wgsl.

struct Params {
  seed: u32,
  stream: u32,
  counter0: u32,
  n: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

override WORKGROUP_SIZE: u32 = 64u;

// rng_u32 comes from rng.wgsl, which the wrapper prepends.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.n) {
    return;
  }
  out[i] = rng_u32(params.seed, params.stream, params.counter0 + i);
}
