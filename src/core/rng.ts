// Counter-based random numbers: every draw is a pure function of
// (seed, stream, counter), so any draw can be recomputed anywhere (CPU, a WGSL
// kernel, a worker) without carrying generator state around.
//
// The hash is pcg4d from Jarzynski & Olano, "Hash Functions for GPU
// Rendering" (JCGT 2020). It uses only 32-bit wrapping multiply, add, xor and
// shift, so the WGSL port (u32 arithmetic wraps) gives bit-identical results.
// In JS, Math.imul gives the low 32 bits of the product and `>>> 0` keeps
// every intermediate an unsigned 32-bit integer. Each draw then passes through
// MurmurHash3's finaliser (fmix32), also integer-only.

export type U32x4 = [number, number, number, number];

/** pcg4d: four u32 in, four well-mixed u32 out. Integer-only and exact. */
export function pcg4d(a: number, b: number, c: number, d: number): U32x4 {
  let x = (Math.imul(a >>> 0, 1664525) + 1013904223) >>> 0;
  let y = (Math.imul(b >>> 0, 1664525) + 1013904223) >>> 0;
  let z = (Math.imul(c >>> 0, 1664525) + 1013904223) >>> 0;
  let w = (Math.imul(d >>> 0, 1664525) + 1013904223) >>> 0;
  x = (x + Math.imul(y, w)) >>> 0;
  y = (y + Math.imul(z, x)) >>> 0;
  z = (z + Math.imul(x, y)) >>> 0;
  w = (w + Math.imul(y, z)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  y = (y ^ (y >>> 16)) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  w = (w ^ (w >>> 16)) >>> 0;
  x = (x + Math.imul(y, w)) >>> 0;
  y = (y + Math.imul(z, x)) >>> 0;
  z = (z + Math.imul(x, y)) >>> 0;
  w = (w + Math.imul(y, z)) >>> 0;
  return [x, y, z, w];
}

// The fourth input word is a fixed domain tag, so this generator's outputs never
// coincide with some other use of pcg4d that keys all four words itself.
const DOMAIN = 0x9e3779b9;

/**
 * MurmurHash3's 32-bit finaliser: a bijection that spreads every input bit over
 * every output bit. pcg4d's low output bits are biased when only the counter
 * varies (bit 0 of word 0 is set 75% of the time), so draws pass through it.
 */
export function fmix32(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** One u32 for the key (seed, stream, counter). */
export function rngU32(seed: number, stream: number, counter: number): number {
  return fmix32(pcg4d(seed, stream, counter, DOMAIN)[0]);
}

/** 2^-24: 24 random bits scaled into [0, 1) are exact in f32 as well as f64. */
const INV_2_24 = 1 / 16777216;

/** A float in [0, 1) with 24 random bits; identical in f32 (WGSL) and f64. */
export function rngFloat(seed: number, stream: number, counter: number): number {
  return (rngU32(seed, stream, counter) >>> 8) * INV_2_24;
}

/**
 * Named streams. A stream separates the uses of one seed so that, e.g.,
 * changing the batch size does not shift the weight initialisation.
 * Rollout sampling takes one stream per GRPO step (STREAM.sample + step), with
 * counter = sequence * maxLen + position, so the GPU can key a draw by
 * (seed, step, sequence, position) without any state.
 */
export const STREAM = {
  init: 1,
  corpus: 2,
  trainPrompts: 3,
  heldOut: 4,
  evalSample: 5,
  dropout: 6,
  /** SFT's order over its examples: one shuffle per epoch (train/sft.ts). */
  sft: 7,
  /** The cold-start traces of R1's four-stage recipe (train/pipeline.ts): problems apart from the corpus's draws. */
  coldStart: 8,
  /** Base of the per-step sampling streams: stream = sample + step. */
  sample: 0x10000,
} as const;

/** The sampling stream of one GRPO step. */
export function sampleStream(step: number): number {
  return (STREAM.sample + step) >>> 0;
}

/**
 * A convenience cursor over one (seed, stream): draw k is rngU32(seed, stream, start + k).
 * Its whole state is the counter, so it can be saved and restored as a number.
 */
export class Rng {
  counter: number;
  constructor(
    readonly seed: number,
    readonly stream: number,
    start = 0,
  ) {
    this.counter = start >>> 0;
  }

  u32(): number {
    const v = rngU32(this.seed, this.stream, this.counter);
    this.counter = (this.counter + 1) >>> 0;
    return v;
  }

  /** Uniform in [0, 1), 24 bits. */
  float(): number {
    return (this.u32() >>> 8) * INV_2_24;
  }

  /** Uniform integer in [0, n), by rejection so there is no modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const v = this.u32();
      if (v < limit) return v % n;
    }
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`Rng.range: empty range [${lo}, ${hi}]`);
    return lo + this.int(hi - lo + 1);
  }

  /** Standard normal by Box-Muller (CPU only: uses log/cos, not bit-exact across engines). */
  normal(): number {
    const u1 = (this.u32() + 1) / 4294967297; // in (0, 1): never log(0)
    const u2 = this.float();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Picks index i with probability weights[i] / sum(weights). */
  categorical(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`Rng.categorical: bad weight ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError('Rng.categorical: weights sum to 0');
    let u = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    // Float rounding can leave u at ~0 after the loop: return the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }
}
