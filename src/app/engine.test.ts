import { describe, expect, it } from 'vitest';
import { ENGINE_STORAGE_KEY, enginePreference, rememberEngine, type EngineStorage } from './engine';

function memory(init: Record<string, string> = {}): EngineStorage & { data: Record<string, string> } {
  const data = { ...init };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

describe('enginePreference', () => {
  it('is auto by default, the stored choice once made, and ?backend= over both', () => {
    expect(enginePreference('', memory())).toEqual({ prefer: 'auto', from: 'default' });
    expect(enginePreference('', null)).toEqual({ prefer: 'auto', from: 'default' });
    const s = memory();
    rememberEngine(s, 'cpu');
    expect(s.data[ENGINE_STORAGE_KEY]).toBe('cpu');
    expect(enginePreference('?config=quick', s)).toEqual({ prefer: 'cpu', from: 'stored' });
    expect(enginePreference('?config=quick&backend=webgpu', s)).toEqual({ prefer: 'webgpu', from: 'url' });
    expect(enginePreference('?backend=auto', s)).toEqual({ prefer: 'auto', from: 'url' });
  });

  it('names a bad ?backend value and ignores it; ignores a bad stored value', () => {
    expect(enginePreference('?backend=tpu', memory({ [ENGINE_STORAGE_KEY]: 'webgpu' })))
      .toEqual({ prefer: 'webgpu', from: 'stored', problem: '?backend=tpu is not an engine (webgpu, cpu or auto): ignored' });
    expect(enginePreference('', memory({ [ENGINE_STORAGE_KEY]: 'gpu!' }))).toEqual({ prefer: 'auto', from: 'default' });
  });

  it('survives a storage that throws', () => {
    const broken: EngineStorage = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    expect(enginePreference('', broken)).toEqual({ prefer: 'auto', from: 'default' });
    expect(() => rememberEngine(broken, 'cpu')).not.toThrow();
  });
});
