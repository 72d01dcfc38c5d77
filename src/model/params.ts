// The parameter table: every trainable tensor's name, shape and place in ONE
// flat buffer. Gradients and both Adam moments use the same layout, so the
// optimizer is one loop and a checkpoint is one array plus this table.
//
// Dimensions (see model.ts for the full glossary): V vocabulary, C width,
// T_max maxSeqLen, L layers, E routed experts, S shared experts, H expert width.
//
//   wte          (V,C)        token embedding, tied with the output projection
//   wpe          (T_max,C)    learned positions only (absent for RoPE)
//   per layer l:
//   l{l}.ln1     (C)          RMSNorm before attention
//   l{l}.wqkv    (3C,C)       fused q, k, v projection
//   l{l}.wproj   (C,C)        attention output projection
//   l{l}.ln2     (C)          RMSNorm before the MoE block
//   l{l}.wRouter (E,C)        router logits
//   l{l}.w1      (S+E,H,C)    expert input (gate) projections, shared experts first
//   l{l}.w3      (S+E,H,C)    expert up projections, SwiGLU only
//   l{l}.w2      (S+E,C,H)    expert output projections
//   lnf          (C)          final RMSNorm
//
// Weight decay (the `decay` flag): every tensor of rank >= 2 (all matmul
// weights, the tied embedding and wpe, as nanoGPT does), never the RMSNorm
// gains, whose decay would pull them toward 0 instead of their natural 1.
// The routing bias of aux-loss-free balancing is NOT a parameter: it is not
// trained by gradients, so it lives in a separate buffer (see model.ts).
//
// Alignment: every tensor starts on a PARAM_ALIGN-element boundary. WebGPU
// binds a view at its offset rounded down to the device's storage alignment
// (up to 256 bytes) and forbids two writable bindings of one buffer that
// overlap, so adjacent tensors meeting in one dispatch (AdamW on w1 beside w3,
// say) must not share a 256-byte block. The gaps hold zeros in params, grads
// and moments alike: they add nothing to the gradient norm and AdamW never
// touches them. `count` is the real parameter count, `total` the padded size.

import { Rng, STREAM } from '../core/rng';
import type { RunConfig } from '../core/config';
import { VOCAB_SIZE } from '../core/tokenizer';

export type InitKind = 'normal' | 'residualOut' | 'ones';

export interface ParamTensor {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  decay: boolean;
  init: InitKind;
}

/** Elements (256 bytes); equals gpu/runtime.ts TENSOR_ALIGN (a browser test checks), model/ may not import gpu/. */
export const PARAM_ALIGN = 64;

/** n rounded up to a multiple of PARAM_ALIGN. */
export function alignUp(n: number): number {
  return Math.ceil(n / PARAM_ALIGN) * PARAM_ALIGN;
}

export interface ParamTable {
  tensors: ParamTensor[];
  /** Real parameters: the sum of the tensors' sizes. */
  count: number;
  /** Elements of a flat buffer holding the table: count plus alignment gaps, a multiple of PARAM_ALIGN. */
  total: number;
}

/** The tensor table of a config's model; offsets (multiples of PARAM_ALIGN) in order of the list above. */
export function buildParamTable(cfg: RunConfig): ParamTable {
  const m = cfg.model;
  const V = VOCAB_SIZE, C = m.dModel, H = m.dExpert, E = m.nRouted, X = m.nShared + m.nRouted;
  const tensors: ParamTensor[] = [];
  let offset = 0;
  let count = 0;
  const add = (name: string, shape: number[], init: InitKind) => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, size, decay: shape.length >= 2, init });
    offset = alignUp(offset + size);
    count += size;
  };
  add('wte', [V, C], 'normal');
  if (m.positions === 'learned') add('wpe', [m.maxSeqLen, C], 'normal');
  for (let l = 0; l < m.nLayers; l++) {
    add(`l${l}.ln1`, [C], 'ones');
    add(`l${l}.wqkv`, [3 * C, C], 'normal');
    add(`l${l}.wproj`, [C, C], 'residualOut');
    add(`l${l}.ln2`, [C], 'ones');
    add(`l${l}.wRouter`, [E, C], 'normal');
    add(`l${l}.w1`, [X, H, C], 'normal');
    if (m.ffn === 'swiglu') add(`l${l}.w3`, [X, H, C], 'normal');
    add(`l${l}.w2`, [X, C, H], 'residualOut');
  }
  add('lnf', [C], 'ones');
  return { tensors, count, total: offset };
}

/**
 * Seeded initial weights, drawn in table order from Rng(seed, STREAM.init):
 * normal(0, initStd) for weights, 1 for RMSNorm gains, and the residual-output
 * projections (wproj, w2) scaled by 1/sqrt(2L) as in GPT-2, so the residual
 * stream's variance does not grow with depth (each layer adds two branches).
 * Norm gains draw nothing, so the other tensors' values do not depend on them.
 * Alignment gaps are left as they are (zero in a fresh buffer).
 */
export function initParams(cfg: RunConfig, table: ParamTable = buildParamTable(cfg), out?: Float32Array | Float64Array): Float32Array | Float64Array {
  const params = out ?? new Float64Array(table.total);
  if (params.length !== table.total) throw new Error(`initParams: buffer has ${params.length} entries, table needs ${table.total}`);
  const rng = new Rng(cfg.seed, STREAM.init);
  const std = cfg.model.initStd;
  const residualStd = std / Math.sqrt(2 * cfg.model.nLayers);
  for (const t of table.tensors) {
    for (let i = 0; i < t.size; i++) {
      params[t.offset + i] = t.init === 'ones' ? 1 : rng.normal() * (t.init === 'residualOut' ? residualStd : std);
    }
  }
  return params;
}
