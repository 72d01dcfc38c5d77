// Fills position pos of every row: the prompt token while pos < plen[b], <pad>
// once the row is done, else a draw from logits row (b*rowStride + rowOff) with
// u = rngFloat(seed, stream, b*Tmax + pos), recorded with its log-prob.
// Twin: cpu/decode.ts sample (and sampleToken). One thread per row; V is small.
//
// record (f32): tokens (nSeq,maxNew) | logp (nSeq,maxNew) | length (nSeq).
// status (i32, nSeq): 0 running, 1 done. next (i32, nSeq): the token fed next.

struct Params {
  o_next: u32,
  o_record: u32,
  o_status: u32,
  o_logits: u32,
  o_prompt: u32,
  o_plen: u32,
  nSeq: u32,
  V: u32,
  rowStride: u32,
  rowOff: u32,
  pos: u32,
  Tmax: u32,
  Tlimit: u32,
  maxNew: u32,
  temperature: f32, // 0 = greedy
  topK: u32, // 0 = off
  topP: f32, // 1 = off
  seed: u32,
  stream: u32,
  eos: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> next: array<i32>;
@group(0) @binding(2) var<storage, read_write> record: array<f32>;
@group(0) @binding(3) var<storage, read_write> status: array<i32>;
@group(0) @binding(4) var<storage, read_write> logits: array<f32>;
@group(0) @binding(5) var<storage, read_write> prompt: array<i32>;
@group(0) @binding(6) var<storage, read_write> plen: array<i32>;

override WG: u32 = 64u;

// rng_float comes from rng.wgsl, which the wrapper prepends.

// In the top k iff fewer than k logits are strictly larger (ties at the threshold stay).
fn kept(row: u32, v: u32) -> bool {
  if (p.topK == 0u || p.topK >= p.V) {
    return true;
  }
  let x = logits[row + v];
  var larger = 0u;
  for (var j = 0u; j < p.V; j++) {
    if (logits[row + j] > x) {
      larger++;
    }
  }
  return larger < p.topK;
}

// The nucleus (cpu/decode.ts nucleus): the lowest logit whose strictly-larger
// kept weight, summed in vocabulary order, is below mass; tokens below it leave.
fn nucleus_floor(row: u32, mx: f32, mass: f32) -> f32 {
  var floor = mx;
  for (var v = 0u; v < p.V; v++) {
    let x = logits[row + v];
    if (!kept(row, v) || x >= floor) {
      continue;
    }
    var above = 0.0;
    for (var j = 0u; j < p.V; j++) {
      if (kept(row, j) && logits[row + j] > x) {
        above += exp((logits[row + j] - mx) / p.temperature);
      }
    }
    if (above < mass) {
      floor = x;
    }
  }
  return floor;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= p.nSeq) {
    return;
  }
  let P = u32(plen[p.o_plen + b]);
  if (p.pos < P) {
    next[p.o_next + b] = prompt[p.o_prompt + b * p.Tmax + p.pos];
    return;
  }
  if (status[p.o_status + b] != 0) {
    next[p.o_next + b] = i32(p.pad);
    return;
  }
  let row = p.o_logits + (b * p.rowStride + p.rowOff) * p.V;
  var best = 0u;
  for (var v = 1u; v < p.V; v++) {
    if (logits[row + v] > logits[row + best]) {
      best = v;
    }
  }
  var tok = best;
  if (p.temperature > 0.0) {
    // inverse CDF in vocabulary order over exp((logit - max) / temperature)
    let mx = logits[row + best];
    var total = 0.0;
    for (var v = 0u; v < p.V; v++) {
      if (kept(row, v)) {
        total += exp((logits[row + v] - mx) / p.temperature);
      }
    }
    // top-p after top-k: only the logits at or above the nucleus floor stay
    var floor = -3.402823e38;
    if (p.topP < 1.0) {
      floor = nucleus_floor(row, mx, p.topP * total);
      total = 0.0;
      for (var v = 0u; v < p.V; v++) {
        if (kept(row, v) && logits[row + v] >= floor) {
          total += exp((logits[row + v] - mx) / p.temperature);
        }
      }
    }
    let goal = rng_float(p.seed, p.stream, b * p.Tmax + p.pos) * total;
    var acc = 0.0;
    for (var v = 0u; v < p.V; v++) {
      if (kept(row, v) && logits[row + v] >= floor) {
        let w = exp((logits[row + v] - mx) / p.temperature);
        acc += w;
        if (acc > goal && w > 0.0) {
          tok = v;
          break;
        }
      }
    }
  }
  // logp = log softmax(logits / T)[tok], cpu/logprob.ts's formula; T = 1 when greedy
  var invT = 1.0;
  if (p.temperature > 0.0) {
    invT = 1.0 / p.temperature;
  }
  var mz = logits[row] * invT;
  for (var v = 1u; v < p.V; v++) {
    mz = max(mz, logits[row + v] * invT);
  }
  var sum = 0.0;
  for (var v = 0u; v < p.V; v++) {
    sum += exp(logits[row + v] * invT - mz);
  }
  let logp = logits[row + tok] * invT - mz - log(sum);

  let j = p.pos - P; // record column
  let n = p.nSeq * p.maxNew;
  record[p.o_record + b * p.maxNew + j] = f32(tok);
  record[p.o_record + n + b * p.maxNew + j] = logp;
  record[p.o_record + 2u * n + b] = f32(j + 1u);
  if (tok == p.eos || j + 1u >= p.maxNew || p.pos + 1u >= p.Tlimit) {
    status[p.o_status + b] = 1;
  }
  next[p.o_next + b] = i32(tok);
}
