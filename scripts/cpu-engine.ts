// The CPU backends for Node scripts (experiment, pretrain, bench:cpu).
// model/backend.ts's cpuBackend builds the same thing, but importing it pulls
// in gpu/, whose WGSL `?raw` imports only Vite can load; so Node scripts
// build their backend here from cpu/ and wasm/ directly.
//
//   wasm: the fast engine (src/wasm/backend.ts, WebAssembly SIMD kernels; the default)
//   js:   the JavaScript reference (src/cpu/backend.ts; the oracle)

import { createCpuOps } from '../src/cpu/backend';
import { createCpuDecodeOps } from '../src/cpu/decode';
import type { Backend, CpuEngine } from '../src/model/backend';
import { createWasmDecodeOps, createWasmOps } from '../src/wasm/backend';

export const CPU_ENGINES: readonly CpuEngine[] = ['wasm', 'js'];

export const ENGINE_NAMES: Record<CpuEngine, string> = {
  wasm: 'CPU, WebAssembly SIMD engine',
  js: 'CPU, JavaScript reference engine',
};

export function nodeCpuBackend(engine: CpuEngine, reason: string): Extract<Backend, { kind: 'cpu' }> {
  const label = `${ENGINE_NAMES[engine]} (${reason})`;
  return engine === 'wasm'
    ? { kind: 'cpu', engine, ops: createWasmOps(), decode: createWasmDecodeOps(), reason, label }
    : { kind: 'cpu', engine, ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason, label };
}
