// The policy as a standard ONNX file (opset 17, IR version 8): the same
// forward pass as model/model.ts, written in primitive ONNX ops, so any ONNX
// runtime (onnxruntime-web in the playground, onnxruntime or Netron outside the
// app) can run or inspect what was trained here.
//
//   tokens (batch, seq) int64  ->  logits (batch, seq, V) float
//
// Dimensions as in model/model.ts: B batch, T seq, C width, V vocabulary,
// NH heads, HS = C/NH, E routed experts, S shared experts, X = S+E, k top-k,
// H expert width. One block, pre-RMSNorm:
//   x = x + (attention(rope(rmsnorm(x) @ wqkv^T))) @ wproj^T
//   x = x + moe(rmsnorm(x))
// then logits = rmsnorm(x) @ wte^T (Gemm transB on the one tied wte).
//
// The MoE block is the dense equivalent of cpu/moe.ts: every expert runs on
// every token and a (B,T,X) gate matrix (1 for shared experts, the
// renormalised score for the k selected routed experts, 0 elsewhere) weights
// their hidden units before one down projection. Exact (an unselected expert
// adds 0 * finite), at X/(S+k) times the FLOPs, which at this size is nothing.
// Selection is TopK of scores + routerBias (ONNX TopK breaks ties to the lower
// index, like cpu/router.ts); gates come from the unbiased scores.
//
// The file carries metadata_props `vocab` (JSON array of token strings in id
// order) and `runConfig` (JSON), so its outputs decode without this app.

import type { RunConfig } from '../core/config';
import { VOCAB, VOCAB_SIZE } from '../core/tokenizer';
import { buildParamTable } from '../model/params';
import { decodeCheckpoint } from './checkpoint';
import { ATTR, concat, DTYPE, fBytes, fFloat, fInt, fInts, fMsg, fString, type Field } from './onnx-proto';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_FORMAT = 'grpo-playground-policy';
// Kept in step with cpu/rmsnorm.ts RMSNORM_EPS and cpu/rope.ts ROPE_BASE (share/ may not import cpu/); the parity test would catch a drift.
export const RMSNORM_EPS = 1e-5;
export const ROPE_BASE = 10000;
// Added to masked attention scores: exp(score - 1e9 - max) is exactly 0 in f32, and it stays finite on every EP.
const MASK_VALUE = -1e9;

export class OnnxExportError extends Error {
  constructor(message: string) {
    super(`onnx export: ${message}`);
    this.name = 'OnnxExportError';
  }
}

/** Why this config cannot be exported, or null when it can. */
export function onnxUnsupportedReason(cfg: RunConfig): string | null {
  const m = cfg.model;
  const ints: [string, number][] = [['dModel', m.dModel], ['nLayers', m.nLayers], ['nHeads', m.nHeads], ['maxSeqLen', m.maxSeqLen],
    ['nShared', m.nShared], ['nRouted', m.nRouted], ['topK', m.topK], ['dExpert', m.dExpert]];
  for (const [k, v] of ints) if (!Number.isInteger(v) || v < (k === 'nShared' ? 0 : 1)) return `model.${k} = ${v} is not a valid size`;
  if (m.dModel % m.nHeads !== 0) return `model.nHeads = ${m.nHeads} does not divide dModel = ${m.dModel}`;
  if (m.topK > m.nRouted) return `model.topK = ${m.topK} exceeds nRouted = ${m.nRouted}: TopK cannot select more experts than exist`;
  if (m.positions !== 'rope' && m.positions !== 'learned') return `model.positions = ${String(m.positions)} has no ONNX form here (rope or learned)`;
  if (m.positions === 'rope' && (m.dModel / m.nHeads) % 2 !== 0) return `rotate-half RoPE needs an even head size, got ${m.dModel / m.nHeads}`;
  if (m.router !== 'softmax' && m.router !== 'sigmoid') return `model.router = ${String(m.router)} has no ONNX form here (softmax or sigmoid)`;
  if (m.ffn !== 'swiglu' && m.ffn !== 'gelu') return `model.ffn = ${String(m.ffn)} has no ONNX form here (swiglu or gelu)`;
  return null;
}

// --- a tiny graph builder ----------------------------------------------------

type Attr = { name: string } & ({ i: number } | { f: number } | { ints: number[] } | { s: string });

function attrField(a: Attr): Field {
  const f: Field[] = [fString(1, a.name)];
  if ('i' in a) f.push(fInt(3, a.i), fInt(20, ATTR.INT));
  else if ('f' in a) f.push(fFloat(2, a.f), fInt(20, ATTR.FLOAT));
  else if ('ints' in a) f.push(...fInts(8, a.ints), fInt(20, ATTR.INTS));
  else f.push(fString(4, a.s), fInt(20, ATTR.STRING));
  return fMsg(5, f);
}

class Graph {
  nodes: Field[] = [];
  inits: Field[] = [];
  private n = 0;

  /** A float initializer; data is row-major with the given dims (little-endian raw_data, as every JS engine stores it). */
  float(name: string, dims: number[], data: Float32Array): string {
    this.inits.push(fMsg(5, [...fInts(1, dims), fInt(2, DTYPE.FLOAT), fString(8, name), fBytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))]));
    return name;
  }
  scalar(v: number): string {
    return this.float(`const${this.n++}`, [], Float32Array.of(v));
  }
  /** A 1-D int64 initializer (shapes, axes, pads). */
  i64(vs: number[]): string {
    const name = `const${this.n++}`;
    const data = BigInt64Array.from(vs.map(BigInt));
    this.inits.push(fMsg(5, [fInt(1, vs.length), fInt(2, DTYPE.INT64), fString(8, name), fBytes(9, new Uint8Array(data.buffer))]));
    return name;
  }
  /** Adds a node with `outs` outputs; returns their names. */
  nodeN(op: string, inputs: string[], outs: number, attrs: Attr[] = []): string[] {
    const id = this.n++;
    const outputs = Array.from({ length: outs }, (_, i) => `${op}_${id}${outs > 1 ? `_${i}` : ''}`);
    this.nodes.push(fMsg(1, [...inputs.map((x) => fString(1, x)), ...outputs.map((x) => fString(2, x)), fString(3, `${op}_${id}`), fString(4, op), ...attrs.map(attrField)]));
    return outputs;
  }
  node(op: string, inputs: string[], attrs: Attr[] = []): string {
    return this.nodeN(op, inputs, 1, attrs)[0]!;
  }
  /** Gives x a fixed name (the graph output's) through an Identity node. */
  rename(x: string, name: string): void {
    this.nodes.push(fMsg(1, [fString(1, x), fString(2, name), fString(3, `out_${name}`), fString(4, 'Identity')]));
  }
}

/** Copies rows of a (R,Cc) matrix into its (Cc,R) transpose. */
function transpose(src: ArrayLike<number>, off: number, R: number, Cc: number): Float32Array {
  const out = new Float32Array(R * Cc);
  for (let r = 0; r < R; r++) for (let c = 0; c < Cc; c++) out[c * R + r] = src[off + r * Cc + c]!;
  return out;
}

function valueInfo(name: string, elem: number, dims: (number | string)[]): Field[] {
  const dimFields = dims.map((d) => fMsg(1, [typeof d === 'number' ? fInt(1, d) : fString(2, d)]));
  return [fString(1, name), fMsg(2, [fMsg(1, [fInt(1, elem), fMsg(2, dimFields)])])];
}

// --- the model ---------------------------------------------------------------

function rmsnorm(g: Graph, x: string, w: string): string {
  // out = x / sqrt(mean(x^2) + eps) * w, as cpu/rmsnorm.ts
  const ms = g.node('ReduceMean', [g.node('Mul', [x, x])], [{ name: 'axes', ints: [-1] }, { name: 'keepdims', i: 1 }]);
  const r = g.node('Div', [g.scalar(1), g.node('Sqrt', [g.node('Add', [ms, g.scalar(RMSNORM_EPS)])])]);
  return g.node('Mul', [g.node('Mul', [x, r]), w]);
}

interface Shapes {
  T: string; // (1) int64 seq length
  TT: string; // (2) [T, T]
}

function rope(g: Graph, x4: string, cos: string, sin: string, half: number, HS: number): string {
  // x4 is (B,T,NH,HS); cos, sin are (T,1,half): rotate-half as cpu/rope.ts
  const ax = g.i64([3]);
  const x1 = g.node('Slice', [x4, g.i64([0]), g.i64([half]), ax]);
  const x2 = g.node('Slice', [x4, g.i64([half]), g.i64([HS]), ax]);
  const o1 = g.node('Sub', [g.node('Mul', [x1, cos]), g.node('Mul', [x2, sin])]);
  const o2 = g.node('Add', [g.node('Mul', [x2, cos]), g.node('Mul', [x1, sin])]);
  return g.node('Concat', [o1, o2], [{ name: 'axis', i: 3 }]);
}

function attention(g: Graph, x: string, l: number, cfg: RunConfig, p: Weights, sh: Shapes, ropeTabs: [string, string] | null): string {
  const C = cfg.model.dModel, NH = cfg.model.nHeads, HS = C / NH;
  const qkv = g.node('MatMul', [x, p.get(`l${l}.wqkv`, true)]); // (B,T,3C)
  const [q, k, v] = g.nodeN('Split', [qkv, g.i64([C, C, C])], 3, [{ name: 'axis', i: -1 }]) as [string, string, string];
  const heads = g.i64([0, 0, NH, HS]);
  let q4 = g.node('Reshape', [q, heads]); // (B,T,NH,HS)
  let k4 = g.node('Reshape', [k, heads]);
  const v4 = g.node('Reshape', [v, heads]);
  if (ropeTabs) {
    q4 = rope(g, q4, ropeTabs[0], ropeTabs[1], HS / 2, HS);
    k4 = rope(g, k4, ropeTabs[0], ropeTabs[1], HS / 2, HS);
  }
  const qh = g.node('Transpose', [q4], [{ name: 'perm', ints: [0, 2, 1, 3] }]); // (B,NH,T,HS)
  const kh = g.node('Transpose', [k4], [{ name: 'perm', ints: [0, 2, 3, 1] }]); // (B,NH,HS,T)
  const vh = g.node('Transpose', [v4], [{ name: 'perm', ints: [0, 2, 1, 3] }]); // (B,NH,T,HS)
  const mask = g.node('Slice', [p.mask, g.i64([0, 0]), sh.TT, g.i64([0, 1])]); // (T,T): 0 on and below the diagonal
  const pre = g.node('Add', [g.node('Mul', [g.node('MatMul', [qh, kh]), g.scalar(1 / Math.sqrt(HS))]), mask]); // (B,NH,T,T)
  const att = g.node('Softmax', [pre], [{ name: 'axis', i: -1 }]);
  const y = g.node('Transpose', [g.node('MatMul', [att, vh])], [{ name: 'perm', ints: [0, 2, 1, 3] }]); // (B,T,NH,HS)
  return g.node('MatMul', [g.node('Reshape', [y, g.i64([0, 0, C])]), p.get(`l${l}.wproj`, true)]); // (B,T,C)
}

function moe(g: Graph, x: string, l: number, cfg: RunConfig, p: Weights): string {
  const { nShared: S, nRouted: E, topK: k, dExpert: H, router, ffn } = cfg.model;
  const X = S + E;
  const logits = g.node('MatMul', [x, p.get(`l${l}.wRouter`, true)]); // (B,T,E)
  const scores = router === 'softmax' ? g.node('Softmax', [logits], [{ name: 'axis', i: -1 }]) : g.node('Sigmoid', [logits]);
  const sel = g.node('Add', [scores, p.bias(l)]); // selection only
  const [, idx] = g.nodeN('TopK', [sel, g.i64([k])], 2, [{ name: 'axis', i: -1 }, { name: 'largest', i: 1 }, { name: 'sorted', i: 1 }]) as [string, string];
  const picked = g.node('GatherElements', [scores, idx], [{ name: 'axis', i: -1 }]); // (B,T,k)
  const z = g.node('ReduceSum', [picked, g.i64([-1])], [{ name: 'keepdims', i: 1 }]);
  const gates = g.node('Div', [picked, z]); // (B,T,k) renormalised over the k
  const zeros = g.node('ConstantOfShape', [g.node('Shape', [scores])]); // (B,T,E) float 0
  let gateAll = g.node('ScatterElements', [zeros, idx, gates], [{ name: 'axis', i: -1 }]); // (B,T,E)
  if (S > 0) gateAll = g.node('Pad', [gateAll, g.i64([0, 0, S, 0, 0, 0]), g.scalar(1)]); // (B,T,X) shared experts first, gate 1
  const h1 = g.node('MatMul', [x, p.experts(`l${l}.w1`)]); // (B,T,X*H)
  let act: string;
  if (ffn === 'swiglu') {
    const h3 = g.node('MatMul', [x, p.experts(`l${l}.w3`)]);
    act = g.node('Mul', [g.node('Mul', [h1, g.node('Sigmoid', [h1])]), h3]);
  } else {
    // GELU, tanh approximation (cpu/moe.ts): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    const cube = g.node('Mul', [g.node('Mul', [h1, h1]), h1]);
    const inner = g.node('Mul', [g.node('Add', [h1, g.node('Mul', [cube, g.scalar(0.044715)])]), g.scalar(Math.sqrt(2 / Math.PI))]);
    act = g.node('Mul', [g.node('Mul', [h1, g.scalar(0.5)]), g.node('Add', [g.node('Tanh', [inner]), g.scalar(1)])]);
  }
  const act4 = g.node('Reshape', [act, g.i64([0, 0, X, H])]); // (B,T,X,H)
  const gated = g.node('Mul', [act4, g.node('Unsqueeze', [gateAll, g.i64([-1])])]);
  return g.node('MatMul', [g.node('Reshape', [gated, g.i64([0, 0, X * H])]), p.down(`l${l}.w2`)]); // (B,T,C)
}

interface Weights {
  /** The (C,OC) transpose of a (OC,C) table tensor (transposed=true), or the tensor as stored. */
  get(name: string, transposed: boolean): string;
  /** w1/w3 (X,H,C) as one (C, X*H) matrix: column ex*H+h is row (ex,h). */
  experts(name: string): string;
  /** w2 (X,C,H) as one (X*H, C) matrix: row ex*H+h, column c = w2[ex,c,h]. */
  down(name: string): string;
  bias(l: number): string;
  mask: string;
}

function weights(g: Graph, cfg: RunConfig, params: ArrayLike<number>, routerBias: ArrayLike<number>): Weights {
  const table = buildParamTable(cfg);
  const byName = new Map(table.tensors.map((t) => [t.name, t]));
  const tensor = (name: string) => {
    const t = byName.get(name);
    if (!t) throw new OnnxExportError(`tensor ${name} missing from the parameter table`);
    return t;
  };
  const Tm = cfg.model.maxSeqLen;
  const mask = new Float32Array(Tm * Tm); // (Tmax,Tmax)
  for (let i = 0; i < Tm; i++) for (let j = i + 1; j < Tm; j++) mask[i * Tm + j] = MASK_VALUE;
  const E = cfg.model.nRouted;
  return {
    get(name, transposed) {
      const t = tensor(name);
      if (!transposed) return g.float(name, t.shape, Float32Array.from({ length: t.size }, (_, i) => params[t.offset + i]!));
      const [OC, C] = t.shape as [number, number];
      return g.float(`${name}.T`, [C, OC], transpose(params, t.offset, OC, C));
    },
    experts(name) {
      const t = tensor(name);
      const [X, H, C] = t.shape as [number, number, number];
      return g.float(`${name}.T`, [C, X * H], transpose(params, t.offset, X * H, C));
    },
    down(name) {
      const t = tensor(name);
      const [X, C, H] = t.shape as [number, number, number];
      const out = new Float32Array(X * H * C); // (X*H, C)
      for (let ex = 0; ex < X; ex++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) out[(ex * H + h) * C + c] = params[t.offset + (ex * C + c) * H + h]!;
      return g.float(`${name}.T`, [X * H, C], out);
    },
    bias(l) {
      return g.float(`l${l}.routerBias`, [E], Float32Array.from({ length: E }, (_, e) => routerBias[l * E + e]!));
    },
    mask: g.float('causalMask', [Tm, Tm], mask),
  };
}

function ropeTables(g: Graph, cfg: RunConfig): [string, string] {
  // (Tmax,1,half): angle = t * base^(-i/half), computed in f64 like cpu/rope.ts
  const Tm = cfg.model.maxSeqLen, half = cfg.model.dModel / cfg.model.nHeads / 2;
  const cos = new Float32Array(Tm * half), sin = new Float32Array(Tm * half);
  for (let t = 0; t < Tm; t++) {
    for (let i = 0; i < half; i++) {
      const a = t * Math.pow(ROPE_BASE, -i / half);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  }
  return [g.float('ropeCos', [Tm, 1, half], cos), g.float('ropeSin', [Tm, 1, half], sin)];
}

/**
 * The ONNX ModelProto bytes of the policy. params is (table.total) in the
 * padded layout of buildParamTable(cfg); routerBias is (L,E). Throws
 * OnnxExportError naming the reason for a config or buffer it cannot express.
 */
export function exportOnnx(cfg: RunConfig, params: ArrayLike<number>, routerBias: ArrayLike<number>): Uint8Array {
  const why = onnxUnsupportedReason(cfg);
  if (why) throw new OnnxExportError(why);
  const table = buildParamTable(cfg);
  const { nLayers: L, nRouted: E, dModel: C } = cfg.model;
  if (params.length !== table.total) throw new OnnxExportError(`params has ${params.length} entries, the table of this config needs ${table.total}`);
  if (routerBias.length !== L * E) throw new OnnxExportError(`routerBias has ${routerBias.length} entries, needs L*E = ${L * E}`);
  // A NaN would make TopK's choice runtime-specific (cpu/router.ts picks the first expert); refuse instead of exporting a file that disagrees.
  for (const t of table.tensors) for (let i = 0; i < t.size; i++) if (!Number.isFinite(params[t.offset + i]!)) throw new OnnxExportError(`tensor ${t.name} holds a non-finite value at ${i}`);
  for (let i = 0; i < routerBias.length; i++) if (!Number.isFinite(routerBias[i]!)) throw new OnnxExportError(`routerBias holds a non-finite value at ${i}`);

  const g = new Graph();
  const p = weights(g, cfg, params, routerBias);
  const wte = p.get('wte', false); // (V,C), read by Gather and by the output Gemm (tied)
  const shape = g.node('Shape', ['tokens']); // (2) [B, T]
  const T = g.node('Slice', [shape, g.i64([1]), g.i64([2]), g.i64([0])]);
  const sh: Shapes = { T, TT: g.node('Concat', [T, T], [{ name: 'axis', i: 0 }]) };

  let x = g.node('Gather', [wte, 'tokens'], [{ name: 'axis', i: 0 }]); // (B,T,C)
  let tabs: [string, string] | null = null;
  if (cfg.model.positions === 'learned') x = g.node('Add', [x, g.node('Slice', [p.get('wpe', false), g.i64([0]), T, g.i64([0])])]);
  else tabs = ropeTables(g, cfg).map((tab) => g.node('Slice', [tab, g.i64([0]), T, g.i64([0])])) as [string, string];
  for (let l = 0; l < L; l++) {
    x = g.node('Add', [x, attention(g, rmsnorm(g, x, p.get(`l${l}.ln1`, false)), l, cfg, p, sh, tabs)]);
    x = g.node('Add', [x, moe(g, rmsnorm(g, x, p.get(`l${l}.ln2`, false)), l, cfg, p)]);
  }
  const xf = g.node('Reshape', [rmsnorm(g, x, p.get('lnf', false)), g.i64([-1, C])]); // (B*T,C)
  const flat = g.node('Gemm', [xf, wte], [{ name: 'transB', i: 1 }]); // (B*T,V)
  const outShape = g.node('Concat', [shape, g.i64([VOCAB_SIZE])], [{ name: 'axis', i: 0 }]);
  g.rename(g.node('Reshape', [flat, outShape]), 'logits');

  const graph = fMsg(7, [
    ...g.nodes,
    fString(2, 'policy'),
    ...g.inits,
    fMsg(11, valueInfo('tokens', DTYPE.INT64, ['batch', 'seq'])),
    fMsg(12, valueInfo('logits', DTYPE.FLOAT, ['batch', 'seq', VOCAB_SIZE])),
  ]);
  const meta = (key: string, value: string) => fMsg(14, [fString(1, key), fString(2, value)]);
  return concat([
    fInt(1, ONNX_IR_VERSION),
    fString(2, 'grpo-playground'),
    fString(3, '1'),
    graph,
    fMsg(8, [fString(1, ''), fInt(2, ONNX_OPSET)]),
    meta('format', ONNX_FORMAT),
    meta('vocab', JSON.stringify(VOCAB)),
    meta('runConfig', JSON.stringify(cfg)),
  ]);
}

/** The .onnx bytes of a checkpoint file (share/checkpoint.ts), e.g. the trainer's exportCheckpoint event: what a "Download ONNX" button saves. */
export function onnxFromCheckpoint(checkpoint: Uint8Array): Uint8Array {
  const ck = decodeCheckpoint(checkpoint);
  return exportOnnx(ck.config, ck.params, ck.routerBias);
}
