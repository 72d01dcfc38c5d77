// The f32x4 building blocks the kernels share: loads, the horizontal sum,
// dot product, axpy and e^x on 4 lanes, and the tail of a loop over n floats
// that n % 4 leaves. A tail is computed as one more whole vector (its lanes
// past the end read whatever follows the array: the host's arena keeps slack
// above every call's arrays, src/wasm/backend.ts Arena.begin) and only the
// lanes inside the array are kept, so each formula is written once, for 4
// lanes, with no scalar copy of it.

@inline export function ld(p: usize): v128 {
  return v128.load(p);
}

@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** v with the lanes from `left` on (0 < left < 4) set to 0: a tail's contribution to a sum. */
@inline export function keep(v: v128, left: i32): v128 {
  return v128.and(v, i32x4.gt_s(i32x4.splat(left), i32x4(0, 1, 2, 3)));
}

/** The first `left` (0 < left < 4) lanes of v stored at p: a tail's results. */
@inline export function storeTail(p: usize, v: v128, left: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (left > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (left > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

/** v stored at p, or its first `left` lanes when fewer than 4 are left: one loop over n floats, tail included. */
@inline export function put(p: usize, v: v128, left: i32): void {
  if (left >= 4) v128.store(p, v);
  else storeTail(p, v, left);
}

/** p (n) . q (n), in 4 lanes then their sum. */
@inline export function dot(p: usize, q: usize, n: i32): f32 {
  let v = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v = f32x4.add(v, f32x4.mul(ld(p + (<usize>i << 2)), ld(q + (<usize>i << 2))));
  if (i < n) v = f32x4.add(v, keep(f32x4.mul(ld(p + (<usize>i << 2)), ld(q + (<usize>i << 2))), n - i));
  return hsum(v);
}

@inline function axpy4(py: usize, wv: v128, px: usize): v128 {
  return f32x4.add(ld(py), f32x4.mul(wv, ld(px)));
}

/** y (n) += w * x (n). */
@inline export function axpy(y: usize, w: f32, x: usize, n: i32): void {
  const wv = f32x4.splat(w);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), axpy4(y + (<usize>i << 2), wv, x + (<usize>i << 2)));
  if (i < n) storeTail(y + (<usize>i << 2), axpy4(y + (<usize>i << 2), wv, x + (<usize>i << 2)), n - i);
}

/**
 * e^x for 4 lanes (Cephes expf: x = n ln2 + r, |r| <= ln2/2, a degree-7
 * polynomial for e^r, 2^n built in the exponent bits): about 1 ulp of f32,
 * many times faster than the scalar f64 Math.exp. x is clamped to [-87, 88]
 * (e^-87 ~ 1.6e-38 stands in for 0).
 */
@inline export function expv(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  return f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23));
}
