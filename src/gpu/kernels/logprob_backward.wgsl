// dLogits (N,V) += dLogp[n] * (1[v == target] - probs[n,v]) * invT.
// Twin: cpu/logprob.ts logprobBackward (forward: logp = z[t] - logsumexp(z), z = logits * invT).
// One thread per element; rows with no target (target < 0) or dLogp 0 are left untouched.

struct Params {
  o_dlogits: u32,
  o_dlogp: u32,
  o_probs: u32,
  o_targets: u32,
  N: u32,
  V: u32,
  invT: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(2) var<storage, read_write> dlogp: array<f32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> targets: array<i32>;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.V) {
    return;
  }
  let n = i / p.V;
  let v = i % p.V;
  let t = targets[p.o_targets + n];
  let d = dlogp[p.o_dlogp + n];
  if (t < 0 || d == 0.0) {
    return;
  }
  let ind = select(0.0, 1.0, u32(t) == v);
  dlogits[p.o_dlogits + i] += d * (ind - probs[p.o_probs + i]) * p.invT;
}
