// Which engine the user wants (issue 15): 'auto' lets model/backend.ts pick
// (WebGPU on a hardware adapter, the CPU engine on a software one), 'webgpu'
// or 'cpu' insist. `?backend=webgpu|cpu|auto` in the page's URL wins (tests,
// links); else the last choice made in the header (localStorage); else auto.
// Pure: the storage is passed in (Node tests).

import type { EnginePreference } from '../train/protocol';

export const ENGINE_STORAGE_KEY = 'grpo-playground.engine';

export const ENGINE_OPTIONS: readonly { value: EnginePreference; label: string; title: string }[] = [
  { value: 'auto', label: 'Auto', title: 'WebGPU on a hardware GPU; the CPU engine (WebAssembly SIMD) where the only GPU is a software one' },
  { value: 'webgpu', label: 'WebGPU', title: 'The WebGPU engine, even on a software adapter' },
  { value: 'cpu', label: 'CPU', title: 'The CPU engine (WebAssembly SIMD) in the worker' },
];

export interface EngineStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const isPreference = (s: string | null): s is EnginePreference => s === 'auto' || s === 'webgpu' || s === 'cpu';

/** The preference and where it came from; `problem` names a bad ?backend value (then ignored). */
export function enginePreference(search: string, storage: EngineStorage | null): { prefer: EnginePreference; from: 'url' | 'stored' | 'default'; problem?: string } {
  const asked = new URLSearchParams(search).get('backend');
  let problem: string | undefined;
  if (asked !== null) {
    if (isPreference(asked)) return { prefer: asked, from: 'url' };
    problem = `?backend=${asked} is not an engine (webgpu, cpu or auto): ignored`;
  }
  let stored: string | null = null;
  try {
    stored = storage?.getItem(ENGINE_STORAGE_KEY) ?? null;
  } catch {
    // storage refused (private mode): the default
  }
  const out = isPreference(stored) ? { prefer: stored, from: 'stored' as const } : { prefer: 'auto' as const, from: 'default' as const };
  return problem ? { ...out, problem } : out;
}

export function rememberEngine(storage: EngineStorage | null, prefer: EnginePreference): void {
  try {
    storage?.setItem(ENGINE_STORAGE_KEY, prefer);
  } catch {
    // not remembered: this page still uses it
  }
}
