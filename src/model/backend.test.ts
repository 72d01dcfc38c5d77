import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { createBackend, isSoftwareAdapter } from './backend';
import { createActivations, createModel, forward } from './model';

// Node has no navigator.gpu: the choice must fall back to the CPU reference and say why.
describe('createBackend in Node', () => {
  it('falls back to the CPU with the reason, and the CPU backend runs the model', async () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    const b = await createBackend(DEFAULT_CONFIG);
    expect(b.kind).toBe('cpu');
    if (b.kind !== 'cpu') return;
    expect(b.reason).toMatch(/WebGPU unavailable: navigator.gpu is missing/);
    expect(b.label).toMatch(/^CPU \(WebAssembly SIMD\): WebGPU unavailable: navigator.gpu is missing/);
    expect(b.engine).toBe('wasm'); // Node has WebAssembly SIMD: the fast engine
    expect(b.ops.name).toBe('cpu-wasm');
    const cfg = { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, dModel: 16, nHeads: 2, dExpert: 8, nLayers: 1 } };
    const model = createModel(b.ops, cfg);
    const acts = createActivations(b.ops, model, 1, 4);
    b.ops.writeInt(acts.tokens, [1, 9, 18, 9]);
    b.ops.writeInt(acts.targets, [9, 18, 9, 21]);
    forward(b.ops, model, acts);
    const logp = await b.ops.read(acts.a.logp);
    expect(Array.from(logp).every((x) => Number.isFinite(x) && x <= 0)).toBe(true);
  });

  it('honours prefer: cpu, and cpuEngine: js (the reference)', async () => {
    const b = await createBackend(DEFAULT_CONFIG, { prefer: 'cpu' });
    expect(b).toMatchObject({ kind: 'cpu', engine: 'wasm', reason: 'the CPU backend was chosen' });
    const r = await createBackend(DEFAULT_CONFIG, { prefer: 'cpu', cpuEngine: 'js' });
    expect(r).toMatchObject({ kind: 'cpu', engine: 'js' });
    expect(r.ops.name).toBe('cpu-f32');
  });
});

describe('isSoftwareAdapter', () => {
  const a = { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: false, features: [], limits: {} };
  it('knows a fallback adapter and the software rasterisers by name, and not a hardware GPU', () => {
    expect(isSoftwareAdapter({ ...a, isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ ...a, vendor: 'google', architecture: 'swiftshader' })).toBe(true); // Chrome's, even if the flag were missing
    expect(isSoftwareAdapter({ ...a, description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ ...a, vendor: 'nvidia', architecture: 'ampere' })).toBe(false);
    expect(isSoftwareAdapter({ ...a, vendor: 'intel', architecture: 'gen-12lp' })).toBe(false);
    expect(isSoftwareAdapter({ ...a, vendor: 'apple', architecture: 'common-3' })).toBe(false);
  });
});
