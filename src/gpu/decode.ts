// The WebGPU DecodeOps (model/decode.ts): the KV-cache and sampling kernels of
// kernels/{kv_write,attention_decode,sample}. Like backend.ts it only adapts
// signatures; every op enqueues, nothing reads back. Matched structurally
// (gpu/ sits below model/); rl/rollout.browser.test.ts types it as DecodeOps.
import { attentionDecode } from './kernels/attention_decode';
import { kvWrite } from './kernels/kv_write';
import { sample } from './kernels/sample';
import { withRuntime } from './backend';
import type { GpuRuntime } from './runtime';

export function createGpuDecodeOps(rt: GpuRuntime) {
  return {
    name: 'webgpu-decode',
    kvWrite: withRuntime(rt, kvWrite),
    attentionDecode: withRuntime(rt, attentionDecode),
    sample: withRuntime(rt, sample),
  };
}
