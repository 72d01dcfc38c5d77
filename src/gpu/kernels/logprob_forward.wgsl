// logp (N) = log softmax(logits (N,V) * invT)[targets]; probs (N,V) cache of the softmax.
// Twin: cpu/logprob.ts logprobForward. V is the tiny vocabulary, so one thread
// owns one row and loops over it in order. target < 0: logp = 0 (no target);
// target >= V (the CPU twin throws): logp = NaN, loud in any later sum.

struct Params {
  o_logp: u32,
  o_probs: u32,
  o_logits: u32,
  o_targets: u32,
  N: u32,
  V: u32,
  invT: f32, // 1/temperature, rounded once on the host
  nan: f32, // NaN from the host: WGSL rejects a NaN constant, and a uniform cannot be folded away
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> logp: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> logits: array<f32>;
@group(0) @binding(4) var<storage, read_write> targets: array<i32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= p.N) {
    return;
  }
  let row = p.o_logits + n * p.V;
  var mx = logits[row] * p.invT;
  for (var v = 1u; v < p.V; v++) {
    mx = max(mx, logits[row + v] * p.invT);
  }
  var sum = 0.0;
  for (var v = 0u; v < p.V; v++) {
    sum += exp(logits[row + v] * p.invT - mx);
  }
  let ls = log(sum);
  let prow = p.o_probs + n * p.V;
  // (z - max) - log(sum), never z - (max + log(sum)): adding max would round away low bits of ls
  for (var v = 0u; v < p.V; v++) {
    probs[prow + v] = exp(logits[row + v] * p.invT - mx - ls);
  }
  let t = targets[p.o_targets + n];
  var lp = 0.0;
  if (t >= i32(p.V)) {
    lp = p.nan;
  } else if (t >= 0) {
    lp = logits[row + u32(t)] * p.invT - mx - ls;
  }
  logp[p.o_logp + n] = lp;
}
