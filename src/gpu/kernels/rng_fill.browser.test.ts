import { describe, expect, it } from 'vitest';
import { rngU32, sampleStream } from '../../core/rng';
import { describeAdapter, requestAdapter } from '../device';
import { rngFill } from './rng_fill';

// Fails (never skips) when WebGPU is missing: a green run must mean the kernel really ran.
async function getDevice(): Promise<GPUDevice> {
  const r = await requestAdapter();
  if ('reason' in r) throw new Error(`WebGPU is required for browser tests: ${r.reason}`);
  console.log('adapter:', JSON.stringify(describeAdapter(r.adapter), ['vendor', 'architecture', 'description', 'isFallbackAdapter']));
  return r.adapter.requestDevice();
}

describe('rng_fill.wgsl (WebGPU)', () => {
  it('reproduces core/rng bit for bit, with n not a multiple of the workgroup size', async () => {
    const device = await getDevice();
    const cases = [
      { seed: 1234, stream: 7, counter0: 0, n: 1000 },
      { seed: 0xffffffff, stream: sampleStream(3), counter0: 0xfffffff0, n: 37 }, // counter wraps past 2^32
      { seed: 0, stream: 0, counter0: 0, n: 1 },
    ];
    for (const c of cases) {
      const gpu = await rngFill(device, c.seed, c.stream, c.counter0, c.n);
      expect(gpu.length).toBe(c.n);
      let mismatches = 0;
      let first = -1;
      for (let i = 0; i < c.n; i++) {
        const cpu = rngU32(c.seed, c.stream, (c.counter0 + i) >>> 0);
        if (gpu[i] !== cpu) {
          mismatches++;
          if (first < 0) first = i;
        }
      }
      console.log(`rng_fill seed=${c.seed} stream=${c.stream} n=${c.n}: ${mismatches} mismatches, first values gpu=${[...gpu.slice(0, 3)]}`);
      expect(mismatches, `first mismatch at ${first}`).toBe(0);
    }
    device.destroy();
  });
});
