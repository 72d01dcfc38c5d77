import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config';
import { createBackend } from './backend';
import { createActivations, createModel, forward } from './model';

// Node has no navigator.gpu: the choice must fall back to the CPU reference and say why.
describe('createBackend in Node', () => {
  it('falls back to the CPU with the reason, and the CPU backend runs the model', async () => {
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    const b = await createBackend(DEFAULT_CONFIG);
    expect(b.kind).toBe('cpu');
    if (b.kind !== 'cpu') return;
    expect(b.reason).toMatch(/WebGPU unavailable: navigator.gpu is missing/);
    expect(b.label).toMatch(/^CPU fallback: /);
    const cfg = { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, dModel: 16, nHeads: 2, dExpert: 8, nLayers: 1 } };
    const model = createModel(b.ops, cfg);
    const acts = createActivations(b.ops, model, 1, 4);
    b.ops.writeInt(acts.tokens, [1, 9, 18, 9]);
    b.ops.writeInt(acts.targets, [9, 18, 9, 21]);
    forward(b.ops, model, acts);
    const logp = await b.ops.read(acts.a.logp);
    expect(Array.from(logp).every((x) => Number.isFinite(x) && x <= 0)).toBe(true);
  });

  it('honours prefer: cpu', async () => {
    const b = await createBackend(DEFAULT_CONFIG, { prefer: 'cpu' });
    expect(b).toMatchObject({ kind: 'cpu', reason: 'the CPU backend was chosen' });
  });
});
