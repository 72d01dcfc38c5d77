// The WebGPU DecodeOps (ops/decode.ts): the KV-cache and sampling kernels of
// kernels/{kv_write,attention_decode,sample}. Like backend.ts it only adapts
// signatures; every op enqueues, nothing reads back.
import { attentionDecode } from './kernels/attention_decode';
import { kvWrite } from './kernels/kv_write';
import { sample } from './kernels/sample';
import { withRuntime } from './backend';
import type { DecodeOps } from '../ops/decode';
import type { GpuRuntime, GpuTensor } from './runtime';

export function createGpuDecodeOps(rt: GpuRuntime) {
  const dec = {
    name: 'webgpu-decode',
    kvWrite: withRuntime(rt, kvWrite),
    attentionDecode: withRuntime(rt, attentionDecode),
    sample: withRuntime(rt, sample),
  };
  return dec satisfies DecodeOps<GpuTensor, GpuTensor>;
}
