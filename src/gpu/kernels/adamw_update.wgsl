// AdamW on n parameters with global-norm clipping. Twin: cpu/adamw.ts
// adamwUpdate with gradScale = clipScale(norm[0], gradClip). The clip scale is
// computed here from the norm tensor so the norm never leaves the GPU.
// With use_skip, a non-zero skip[0] (cpu/pack.ts checkFinite's flag) leaves
// params, m and v untouched: the NaN guard without a readback.

struct Params {
  o_params: u32,
  o_grads: u32,
  o_m: u32,
  o_v: u32,
  o_norm: u32,
  o_skip: u32,
  n: u32,
  use_skip: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  grad_clip: f32, // 0: off
  // The differences below come from TS in f64: 1 - f32(0.999) in f32 is off
  // by 1e-5 relative (cancellation), and pow in f32 loses digits the same way.
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  c1: f32, // 1 - beta1^step
  c2: f32, // 1 - beta2^step
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> norm: array<f32>;
@group(0) @binding(6) var<storage, read_write> skip: array<f32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.n) {
    return;
  }
  if (p.use_skip != 0u && skip[p.o_skip] != 0.0) {
    return;
  }
  let nrm = norm[p.o_norm];
  var scale = 1.0;
  if (p.grad_clip > 0.0 && nrm > p.grad_clip) {
    scale = p.grad_clip / nrm;
  }
  let g = grads[p.o_grads + i] * scale;
  let mi = p.beta1 * m[p.o_m + i] + p.one_minus_beta1 * g;
  let vi = p.beta2 * v[p.o_v + i] + p.one_minus_beta2 * g * g;
  m[p.o_m + i] = mi;
  v[p.o_v + i] = vi;
  let w = params[p.o_params + i];
  params[p.o_params + i] = w - p.lr * ((mi / p.c1) / (sqrt(vi / p.c2) + p.eps) + p.weight_decay * w);
}
