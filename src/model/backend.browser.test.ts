import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../core/config';
import { probeWebGPU } from '../gpu/device';
import { createBackend, isSoftwareAdapter, SOFTWARE_GPU_REASON } from './backend';

describe('createBackend in Chromium', () => {
  it('by default takes the CPU engine on a software adapter (SwiftShader here), saying why, and WebGPU on a hardware one', async () => {
    const probe = await probeWebGPU();
    if (!probe.available) throw new Error(`no WebGPU adapter: ${probe.reason}`);
    const b = await createBackend(DEFAULT_CONFIG);
    if (isSoftwareAdapter(probe.adapter)) {
      expect(b).toMatchObject({ kind: 'cpu', engine: 'wasm', reason: SOFTWARE_GPU_REASON });
      expect(b.label).toBe(`CPU (WebAssembly SIMD): ${SOFTWARE_GPU_REASON}`);
    } else {
      expect(b.kind).toBe('webgpu');
      if (b.kind === 'webgpu') b.gpu.device.destroy();
    }
  });

  it('picks WebGPU when asked and the device holds the config', async () => {
    const b = await createBackend(DEFAULT_CONFIG, { prefer: 'webgpu' });
    if (b.kind !== 'webgpu') throw new Error(`expected WebGPU, got the CPU backend: ${b.reason}`);
    expect(b.ops.name).toBe('webgpu');
    expect(b.label.length).toBeGreaterThan(0);
    b.gpu.device.destroy();
  });

  it('falls back to the CPU, naming the limit, when the config is too big for the device', async () => {
    // (B*G, NH, T, T) attention weights: 4096 x 16 x 256 x 256 floats = 16 GiB in one binding.
    const huge = mergeConfig(DEFAULT_CONFIG, { model: { maxSeqLen: 256, nHeads: 16 }, grpo: { batchPrompts: 64, groupSize: 64 } });
    const b = await createBackend(huge, { prefer: 'webgpu' });
    expect(b.kind).toBe('cpu');
    if (b.kind !== 'cpu') return;
    expect(b.reason).toMatch(/cannot run this config/);
    expect(b.reason).toMatch(/maxStorageBufferBindingSize: this config needs 17179869184 .* the device allows \d+/);
  });
});
