// The WebGPU DecodeOps (model/decode.ts): the KV-cache and sampling kernels of
// kernels/{kv_write,attention_decode,sample}. Like backend.ts it only adapts
// signatures; every op enqueues, nothing reads back.
import type { DecodeOps } from '../model/decode';
import { attentionDecode } from './kernels/attention_decode';
import { kvWrite } from './kernels/kv_write';
import { sample } from './kernels/sample';
import type { GpuRuntime, GpuTensor } from './runtime';

export function createGpuDecodeOps(rt: GpuRuntime): DecodeOps<GpuTensor, GpuTensor> {
  return {
    name: 'webgpu-decode',
    kvWrite: (kCache, vCache, qkv, nSeq, T, pos0, C, NH, Tmax, rope) => kvWrite(rt, kCache, vCache, qkv, nSeq, T, pos0, C, NH, Tmax, rope),
    attentionDecode: (out, qkv, kCache, vCache, nSeq, T, pos0, C, NH, Tmax, rope) => attentionDecode(rt, out, qkv, kCache, vCache, nSeq, T, pos0, C, NH, Tmax, rope),
    sample: (next, record, status, logits, prompt, plen, d) => sample(rt, next, record, status, logits, prompt, plen, d),
  };
}
