// The wasm decode ops' persistent blocks (KV mirrors, RoPE tables) are all
// dropped when a new mirror would pass the limit. A RoPE table fetched before
// that drop pointed into the new mirror's memory, so the rotated keys (and
// every later token) depended on what ran before: npm run distill's 512-prompt
// rejection sampling kept 1418, 1399 or 1618 traces after no evaluation, the
// teacher's or the student's. Here a limit of about one mirror makes every new
// mirror drop the others, over a two-layer rollout's pattern, against the
// reference bit for bit (caches) and within tolerance (outputs).

import { describe, expect, it } from 'vitest';
import { createCpuDecodeOps } from '../cpu/decode';
import { randn } from '../cpu/gradcheck';
import { createWasmDecodeOps } from './backend';

const rand = (n: number, seed: number) => Float32Array.from(randn(n, seed, 1));

describe('wasm decode ops when the persistent blocks are dropped', () => {
  it('a two-layer rollout with a drop at every new mirror matches the reference', () => {
    const nSeq = 3, C = 16, NH = 4, Tmax = 12, P = 4;
    const n = nSeq * Tmax * C;
    const refDec = createCpuDecodeOps();
    // room for one mirror (8n bytes) and a RoPE table, not two mirrors: each new cache drops the rest
    const dec = createWasmDecodeOps(undefined, 8 * n + 4096);
    const caches = () => ({ k: new Float32Array(n), v: new Float32Array(n) });
    for (let rollout = 0; rollout < 2; rollout++) {
      // a rollout's fresh caches per layer, as rl/rollout.ts makes them when given no state
      const r = [caches(), caches()], f = [caches(), caches()];
      for (const [T, pos0] of [[P, 0], [1, P], [1, P + 1], [1, P + 2]] as const) {
        for (let l = 0; l < 2; l++) {
          const qkv = rand(nSeq * T * 3 * C, 100 * rollout + 10 * l + pos0 + T);
          refDec.kvWrite(r[l]!.k, r[l]!.v, qkv, nSeq, T, pos0, C, NH, Tmax, true);
          dec.kvWrite(f[l]!.k, f[l]!.v, qkv, nSeq, T, pos0, C, NH, Tmax, true);
          expect(Array.from(f[l]!.k), `k cache rollout ${rollout} layer ${l} pos0 ${pos0}`).toEqual(Array.from(r[l]!.k));
          const want = new Float32Array(nSeq * T * C), got = new Float32Array(nSeq * T * C);
          refDec.attentionDecode(want, qkv, r[l]!.k, r[l]!.v, nSeq, T, pos0, C, NH, Tmax, true);
          dec.attentionDecode(got, qkv, f[l]!.k, f[l]!.v, nSeq, T, pos0, C, NH, Tmax, true);
          for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `out ${i} rollout ${rollout} layer ${l} pos0 ${pos0}`).toBeLessThanOrEqual(2e-5 + 1e-4 * Math.abs(want[i]!));
        }
      }
    }
  });
});
