import { describe, expect, it } from 'vitest';
import { sample as cpuSample } from '../../cpu/decode';
import { randn } from '../../cpu/gradcheck';
import { Rng } from '../../core/rng';
import type { SampleDims } from '../../ops/decode';
import { assertClose, testRuntime } from '../testing';
import { sample } from './sample';

// Tokens, lengths, status and the next-token ids must match exactly (the RNG is
// bit-exact and a flip needs u*total within an f32 rounding of a CDF boundary,
// about 1e-6 per draw); logp is an f32 log-softmax against f64: atol 1e-5.
const V = 25;

function setup(nSeq: number, Tmax: number, pos: number, seed: number) {
  const rng = new Rng(seed, 1);
  const plen = Int32Array.from({ length: nSeq }, () => pos - 3 + rng.int(5)); // some rows still in their prompt
  const prompt = Int32Array.from({ length: nSeq * Tmax }, () => rng.int(V));
  const status = Int32Array.from({ length: nSeq }, () => (rng.int(4) === 0 ? 1 : 0));
  return { plen, prompt, status };
}

describe('sample (WebGPU) against cpu/decode.ts sample', () => {
  const cases: Partial<SampleDims>[] = [
    { temperature: 0, topK: 0 },
    { temperature: 1, topK: 0 },
    { temperature: 0.7, topK: 3 },
    { temperature: 1.5, topK: 24 },
    // nucleus sampling, alone and after top-k (the integer-logit rows put ties at its edge)
    { temperature: 1, topK: 0, topP: 0.9 },
    { temperature: 0.7, topK: 5, topP: 0.6 },
    { temperature: 1.5, topK: 0, topP: 0.3 },
  ];
  for (const c of cases) {
    it(`draws, records and stops like the CPU ${JSON.stringify(c)}`, async () => {
      const rt = await testRuntime();
      const nSeq = 70, Tmax = 24, maxNew = 6, pos = 10, rowStride = 3, rowOff = 2; // a prefill-shaped logits layout
      const d: SampleDims = {
        nSeq, V, rowStride, rowOff, pos, Tmax, Tlimit: 20, maxNew, temperature: 1, topK: 0, topP: 1,
        seed: 0xdeadbeef, stream: 0x10007, eos: 2, pad: 0, ...c,
      };
      const { plen, prompt, status } = setup(nSeq, Tmax, pos, 3);
      const logits = Float32Array.from(randn(nSeq * rowStride * V, 4, 2)); // (nSeq*3,V)
      // integer logits in a few rows: ties for argmax and the top-k threshold
      for (let b = 0; b < 8; b++) for (let v = 0; v < V; v++) logits[(b * rowStride + rowOff) * V + v] = (v * 7) % 4;
      const rec0 = Float32Array.from(randn(2 * nSeq * maxNew + nSeq, 5)); // other columns must survive
      const next = new Int32Array(nSeq), rec = rec0.slice(), st = status.slice();
      cpuSample(next, rec, st, logits, prompt, plen, d);

      const g = {
        next: rt.alloc(nSeq, 'i32'), rec: rt.alloc(rec.length), st: rt.alloc(nSeq, 'i32'),
        logits: rt.alloc(logits.length), prompt: rt.alloc(prompt.length, 'i32'), plen: rt.alloc(nSeq, 'i32'),
      };
      rt.write(g.rec, rec0);
      rt.write(g.st, status);
      rt.write(g.logits, logits);
      rt.write(g.prompt, prompt);
      rt.write(g.plen, plen);
      sample(rt, g.next, g.rec, g.st, g.logits, g.prompt, g.plen, d);
      const gNext = await rt.read(g.next), gSt = await rt.read(g.st), gRec = await rt.read(g.rec);
      expect(rt.errors.map((e) => e.message)).toEqual([]);
      expect(Array.from(gNext)).toEqual(Array.from(next));
      expect(Array.from(gSt)).toEqual(Array.from(st));
      const n = nSeq * maxNew;
      expect(Array.from(gRec.subarray(0, n))).toEqual(Array.from(rec.subarray(0, n))); // tokens
      expect(Array.from(gRec.subarray(2 * n))).toEqual(Array.from(rec.subarray(2 * n))); // lengths
      assertClose(`logp ${JSON.stringify(c)}`, gRec.subarray(n, 2 * n), rec.subarray(n, 2 * n), 1e-5, 1e-5);
      const sampled = Array.from(next).filter((_, b) => plen[b]! <= pos && status[b] === 0);
      expect(sampled.length).toBeGreaterThan(20);
      if (c.temperature! > 0) expect(new Set(sampled).size).toBeGreaterThan(2);
    });
  }
});
