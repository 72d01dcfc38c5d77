// The short soak in the suite (the long one is `npm run soak`, scripts/soak.ts):
// a dozen GRPO steps of QUICK_CONFIG on WebGPU through the real session and
// store (bench/soak-run.ts). Once warm, the GPU memory must not move at all,
// and no buffer is created at all: readback staging comes from the runtime's
// pool (GpuRuntime.read), filled during the first steps.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak-run';

describe('soak, short', () => {
  it('12 steps: GPU live bytes constant after the first 3 steps, heap bounded, no errors', async () => {
    const lines: string[] = [];
    const r = await runSoak({ steps: 12, reportEvery: 3, baseUrl: '/base-quick.safetensors', onLine: (s) => lines.push(s) });
    console.log(`soak (${r.backend}):\n${lines.join('\n')}`);
    expect(r.errors).toEqual([]);
    expect(r.backend).toMatch(/^webgpu/);
    expect(r.points.map((p) => p.step)).toEqual([0, 3, 6, 9, 12, -1]);
    const warm = r.points.slice(1); // from step 3 on, reset included
    expect(warm.map((p) => p.gpuLiveBytes)).toEqual(warm.map(() => warm[0]!.gpuLiveBytes));
    expect(warm.map((p) => p.gpuLiveBuffers)).toEqual(warm.map(() => warm[0]!.gpuLiveBuffers));
    expect(warm[0]!.gpuLiveBytes).toBeGreaterThan(0); // it did see the arena
    // the counter sees buffers made by steps (the first steps fill the staging pool), so a leak would show;
    // once warm, steps and the reset make none
    expect(warm[0]!.buffersMade).toBeGreaterThan(r.points[0]!.buffersMade);
    expect(warm.map((p) => p.buffersMade)).toEqual(warm.map(() => warm[0]!.buffersMade));
    const heap = warm.map((p) => p.heapBytes).filter((h): h is number => h !== null);
    if (heap.length === warm.length) expect(Math.max(...heap) - heap[0]!).toBeLessThan(64 * 2 ** 20);
  });
});
