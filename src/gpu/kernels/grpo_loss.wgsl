// The GRPO surrogate over the N positions of a training forward: dLogp (N)
// written, sums written. Twin: cpu/grpo_loss.ts grpoLossForward (the spec,
// with the sums' meaning). The sums' slots are the constants SUM_* and
// SUM_COUNT that grpo_loss.ts prepends from ops/ops.ts GRPO_SUM. One workgroup: thread t takes positions t, t+WG, ...
// in order, then a fixed tree per sum, so the same inputs give the same bits.
// N is a few thousand at most (rows x positions), so one workgroup suffices.

struct Params {
  o_dlogp: u32,
  o_sums: u32,
  o_logp: u32,
  o_logp_old: u32,
  o_logp_ref: u32,
  o_adv: u32,
  o_denom: u32,
  n: u32,
  has_ref: u32, // 0: logp_ref is a dummy binding, no KL term
  beta: f32,
  lo: f32, // 1 - epsLow, from TS in f64
  hi: f32, // 1 + epsHigh
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> dlogp: array<f32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
@group(0) @binding(3) var<storage, read_write> logp: array<f32>;
@group(0) @binding(4) var<storage, read_write> logp_old: array<f32>;
@group(0) @binding(5) var<storage, read_write> logp_ref: array<f32>;
@group(0) @binding(6) var<storage, read_write> adv: array<f32>;
@group(0) @binding(7) var<storage, read_write> denom: array<f32>;

override WG: u32 = 256u;
// Partial sums kept per thread: every sum but SUM_LOSS (derived at the end),
// partial j for slot j + 1.
const_assert SUM_LOSS == 0u;
const S: u32 = SUM_COUNT - 1u;
fn part(slot: u32) -> u32 {
  return slot - 1u;
}

var<workgroup> tree: array<f32, WG * S>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  var acc: array<f32, S>;
  for (var j = 0u; j < S; j++) {
    acc[j] = 0.0;
  }
  for (var i = lid.x; i < p.n; i += WG) {
    let D = denom[p.o_denom + i];
    if (!(D > 0.0)) {
      dlogp[p.o_dlogp + i] = 0.0;
      continue;
    }
    let w = 1.0 / D;
    let A = adv[p.o_adv + i];
    let lp = logp[p.o_logp + i];
    let rho = exp(lp - logp_old[p.o_logp_old + i]);
    var side = 0;
    if (A < 0.0 && rho < p.lo) {
      side = -1;
    } else if (A > 0.0 && rho > p.hi) {
      side = 1;
    }
    let surr = min(rho * A, clamp(rho, p.lo, p.hi) * A);
    var dl = 0.0;
    if (side == 0) {
      dl = -rho * A;
    }
    if (p.has_ref != 0u) {
      let d = logp_ref[p.o_logp_ref + i] - lp;
      let e = exp(d);
      let kl = e - d - 1.0;
      acc[part(SUM_KL_SUM)] += kl;
      acc[part(SUM_KL_LOSS)] += w * kl;
      dl += p.beta * (1.0 - e);
    }
    acc[part(SUM_POLICY_LOSS)] += w * -surr;
    dlogp[p.o_dlogp + i] = w * dl;
    acc[part(SUM_RATIO_SUM)] += rho;
    if (side < 0) {
      acc[part(SUM_CLIP_LOW)] += 1.0;
    }
    if (side > 0) {
      acc[part(SUM_CLIP_HIGH)] += 1.0;
    }
    acc[part(SUM_TOKENS)] += 1.0;
  }
  for (var j = 0u; j < S; j++) {
    tree[j * WG + lid.x] = acc[j];
  }
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (lid.x < s) {
      for (var j = 0u; j < S; j++) {
        tree[j * WG + lid.x] += tree[j * WG + lid.x + s];
      }
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    for (var j = 0u; j < S; j++) {
      sums[p.o_sums + j + 1u] = tree[j * WG];
    }
    sums[p.o_sums + SUM_LOSS] = tree[part(SUM_POLICY_LOSS) * WG] + p.beta * tree[part(SUM_KL_LOSS) * WG];
  }
}
