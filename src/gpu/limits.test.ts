import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from '../core/config';
import { VOCAB_SIZE } from '../core/tokenizer';
import { buildParamTable } from '../model/params';
import { largestBatch, runFootprint } from '../model/footprint';
import { allocBytes, checkLimits, DEFAULT_LIMITS, deviceRequest, requiredLimits } from './limits';

const needsOf = (cfg: typeof DEFAULT_CONFIG) => requiredLimits(runFootprint(cfg));

describe('limits a RunConfig needs', () => {
  it('sizes the activation buffer and the largest binding of the default model by hand', () => {
    // C=64 L=2 NH=4 T=96 S=1 E=4 k=2 H=64 swiglu rope; 8 prompts x 8 completions = 64 sequences > pretrainBatch 32.
    const cfg = DEFAULT_CONFIG;
    expect(largestBatch(cfg)).toBe(64);
    const B = 64, T = 96, N = B * T, C = 64, H = 64, V = VOCAB_SIZE;
    // Every view below is a multiple of 64 elements (N = 6144), so there are no gaps, except
    // auxLoss (1) and load (4), which each take one 64-element block.
    const perLayer =
      13 * N * C + // ln1, qkv (3), qkvr (3), atty, attproj, res2, ln2, moeOut, res3
      2 * N + // rstd1, rstd2
      B * 4 * T * T + // att (B,NH,T,T)
      4 * N + 2 * N + // scores (N,E), gates (N,k)
      3 * (3 * N * H) + 3 * N * C + // h1, h3, act (N,S+k,H), y (N,S+k,C)
      64 + 64; // auxLoss, load
    const acts = 2 * perLayer + N * C + N * C + N + 2 * N * V + N + N;
    const f = runFootprint(cfg);
    expect(f.largestBuffer).toBe(acts);
    expect(f.largestBinding).toBe(B * 4 * T * T); // att: 9,437,184 bytes
    const P = buildParamTable(cfg).total;
    const ints = 2 * N + 2 * N * 2;
    // params, grads, m, v; aBuf, dBuf; ints; routerBias (L,E) = 8 floats; gradNorm (1) rounded up to 16 bytes
    expect(f.buffers.reduce((a, n) => a + allocBytes(n), 0)).toBe(4 * P * 4 + 2 * acts * 4 + ints * 4 + 32 + 16);
  });

  it('picks the pretraining batch when it is the larger one', () => {
    const cfg = mergeConfig(DEFAULT_CONFIG, { grpo: { batchPrompts: 2, groupSize: 4 }, corpus: { pretrainBatch: 48 } });
    expect(largestBatch(cfg)).toBe(48);
    expect(runFootprint(cfg).largestBinding).toBe(48 * 4 * 96 * 96);
  });

  it('fits the defaults of WebGPU for the default config, and names limit and both values when not', () => {
    const needs = needsOf(DEFAULT_CONFIG);
    expect(checkLimits(needs, DEFAULT_LIMITS)).toEqual([]);
    const big = mergeConfig(DEFAULT_CONFIG, { model: { maxSeqLen: 256, nHeads: 16 }, grpo: { batchPrompts: 64, groupSize: 64 } });
    const bigNeeds = needsOf(big);
    const att = 4096 * 16 * 256 * 256 * 4; // (B,NH,T,T) floats: 17 GiB
    expect(bigNeeds.find((n) => n.name === 'maxStorageBufferBindingSize')!.value).toBe(att);
    const msgs = checkLimits(bigNeeds, DEFAULT_LIMITS);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^maxBufferSize: this config needs \d+ .* the device allows 268435456$/);
    expect(msgs[1]).toBe(`maxStorageBufferBindingSize: this config needs ${att} (the largest tensor one kernel binds), the device allows 134217728`);
  });

  it('checks counts and alignment in the right direction', () => {
    const needs = needsOf(DEFAULT_CONFIG);
    const weak = { ...DEFAULT_LIMITS, maxStorageBuffersPerShaderStage: 4, minStorageBufferOffsetAlignment: 512 };
    expect(checkLimits(needs, weak)).toEqual([
      'maxStorageBuffersPerShaderStage: this config needs 8 (tensor bindings of the widest kernel), the device allows 4',
      'minStorageBufferOffsetAlignment: this config needs at most 256 (tensor views start on 64-element (256-byte) boundaries), the device allows 512',
    ]);
    // Better than needed passes: more buffers, a finer alignment.
    expect(checkLimits(needs, { ...DEFAULT_LIMITS, maxStorageBuffersPerShaderStage: 10, minStorageBufferOffsetAlignment: 32 })).toEqual([]);
    const { maxBufferSize: _, ...missing } = DEFAULT_LIMITS;
    expect(checkLimits(needs, missing)[0]).toMatch(/^maxBufferSize: the adapter does not report this limit/);
  });

  it('requests the needs, never below the WebGPU default', () => {
    const small = deviceRequest(needsOf(DEFAULT_CONFIG));
    expect(small).toEqual(DEFAULT_LIMITS); // the default model fits the defaults everywhere
    const cfg = mergeConfig(DEFAULT_CONFIG, { model: { maxSeqLen: 256, nHeads: 16 }, grpo: { batchPrompts: 16, groupSize: 16 } });
    const req = deviceRequest(needsOf(cfg));
    expect(req.maxStorageBufferBindingSize).toBe(256 * 16 * 256 * 256 * 4); // 1 GiB: above the default, requested as is
    expect(req.minStorageBufferOffsetAlignment).toBe(256);
  });
});

describe('acquireDevice', () => {
  it('throws a limits error naming the limit and both values BEFORE requesting a device', async () => {
    const { acquireDevice } = await import('./device');
    let requested = 0;
    const fakeAdapter = {
      info: { vendor: 'acme', architecture: 'tiny', device: '', description: '' },
      features: new Set<string>(),
      limits: { ...DEFAULT_LIMITS, maxBufferSize: 1 << 20, maxStorageBufferBindingSize: 1 << 20 },
      requestDevice: () => {
        requested++;
        throw new Error('must not be reached');
      },
    } as unknown as GPUAdapter;
    const err = await acquireDevice(runFootprint(DEFAULT_CONFIG), { adapter: fakeAdapter }).then(
      () => new Error('acquired') as Error & { kind?: string },
      (e: unknown) => e as Error & { kind?: string },
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.kind).toBe('limits');
    const f = runFootprint(DEFAULT_CONFIG);
    expect(err.message).toContain('acme tiny');
    expect(err.message).toContain(`maxBufferSize: this config needs ${allocBytes(f.largestBuffer)}`);
    expect(err.message).toContain(`maxStorageBufferBindingSize: this config needs ${allocBytes(f.largestBinding)} (the largest tensor one kernel binds), the device allows 1048576`);
    expect(requested).toBe(0);
  });
});
