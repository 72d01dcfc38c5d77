// The page `npm run bench` opens in headless Chromium (scripts/bench.ts).
// It measures every figure of issue 8 on this browser's WebGPU adapter and
// leaves a BenchResult (bench/figures.ts) on window. Query: quick=1 for the
// small shapes and few repetitions that fit SwiftShader on 2 cores; only=a,b
// runs only those steps (matmul, forward, rollout, dispatches, moe, grpo,
// memory); profile=1 asks for timestamp-query and prints, after each matmul
// and MoE figure, the GPU time per kernel of one more run of our side.
//
// Fairness notes (why each pair is timed the way it is):
// - matmul and forward vs onnxruntime-web: ORT's session.run takes a CPU
//   tensor and gives one back, so our side is timed the same way: upload the
//   input, run, read the output back. Both pay one upload and one readback.
// - rollout: the same decode kernels; the baseline reads the logits back
//   after every position and samples on the CPU (cpu/decode.ts sampleToken).
// - every ratio: sideBySide() alternates the two, median of the per-round ratios.

import * as ort from 'onnxruntime-web';
import { DEFAULT_CONFIG, mergeConfig, type RunConfig } from '../src/core/config';
import { rngFloat, sampleStream } from '../src/core/rng';
import { encode, TOK } from '../src/core/tokenizer';
import { createCpuOps } from '../src/cpu/backend';
import { createCpuDecodeOps, sampleToken } from '../src/cpu/decode';
import { randn } from '../src/cpu/gradcheck';
import { createGpuOps } from '../src/gpu/backend';
import { createGpuDecodeOps } from '../src/gpu/decode';
import { adapterLabel, describeAdapter, requestAdapter } from '../src/gpu/device';
import { createProfiler, formatProfile } from '../src/gpu/profiler';
import { matmulForward } from '../src/gpu/kernels/matmul';
import { moeBackward, moeForward, type MoePath } from '../src/gpu/kernels/moe';
import { GpuRuntime, type GpuTensor } from '../src/gpu/runtime';
import { createDecodeState, decodeStep, prefill, type SampleConfig } from '../src/model/decode';
import { activationsIntSize, activationsSize, adamwStep, backward, createActivations, createModel, forward, zeroGrads } from '../src/model/model';
import type { Ops } from '../src/ops/ops';
import { initParams } from '../src/model/params';
import { rollout } from '../src/rl/rollout';
import { concat, DTYPE, fBytes, fInt, fMsg, fString } from '../src/share/onnx-proto';
import { exportOnnx } from '../src/share/onnx';
import { createGrpoTrainer, grpoStep } from '../src/train/grpo';
import { createWasmDecodeOps, createWasmOps } from '../src/wasm/backend';
import { grpoStepFlops, projectStep, PROJECTION_ASSUMPTIONS } from './projection';
import { QUICK_CONFIG } from '../src/train/quick';
import { meets, sideBySide, type BenchResult, type Figure } from './figures';

interface BenchWindow {
  __benchDone?: boolean;
  __benchResult?: BenchResult;
  __benchError?: string;
}

const log = document.getElementById('log');
const say = (s: string) => {
  console.log(`[bench] ${s}`);
  if (log) log.textContent += `${s}\n`;
};

const q = new URLSearchParams(location.search);
const quick = q.get('quick') === '1';
const only = q.get('only')?.split(',').filter(Boolean) ?? null;
const profile = q.get('profile') === '1';
const REPS = 5; // the issue's minimum; quick mode keeps it and shrinks the shapes instead

// --- a one-node ONNX MatMul (field numbers of onnx.proto3) --------------------
/** ValueInfoProto fields: name, TypeProto{tensor_type{elem_type, shape{dim{dim_value}}}}. */
function valueInfo(name: string, dims: number[]): Uint8Array[] {
  const shape = fMsg(2, dims.map((d) => fMsg(1, [fInt(1, d)])));
  return [fString(1, name), fMsg(2, [fMsg(1, [fInt(1, DTYPE.FLOAT), shape])])];
}

/** y (N,OC) = a (N,C) @ w (C,OC), w an initializer: the layout of our matmul's weight, transposed. */
function matmulModel(N: number, C: number, OC: number, wT: Float32Array): Uint8Array {
  const init = fMsg(5, [...[C, OC].map((d) => fInt(1, d)), fInt(2, DTYPE.FLOAT), fString(8, 'w'), fBytes(9, new Uint8Array(wT.buffer.slice(0)))]);
  const node = fMsg(1, [fString(1, 'a'), fString(1, 'w'), fString(2, 'y'), fString(4, 'MatMul')]);
  const graph = fMsg(7, [node, fString(2, 'mm'), init, fMsg(11, valueInfo('a', [N, C])), fMsg(12, valueInfo('y', [N, OC]))]);
  return concat([fInt(1, 8), fString(2, 'bench'), graph, fMsg(8, [fString(1, ''), fInt(2, 17)])]);
}

async function ortSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
}

/** With profile=1: runs f once more with every dispatch timed and prints GPU time per kernel. */
async function profiled(rt: GpuRuntime, label: string, f: () => Promise<void>): Promise<void> {
  if (!profile) return;
  const prof = createProfiler(rt);
  if (!prof) return say(`(profile: ${label}: this device has no timestamp-query)`);
  prof.start();
  await f();
  prof.stop();
  say(`profile of ${label}:\n${formatProfile(await prof.report())}`);
  prof.destroy();
}

// --- the figures --------------------------------------------------------------
const figures: Figure[] = [];
let fallback = true;
function add(f: Omit<Figure, 'met'> & { realGpuOnly?: boolean }): void {
  const { realGpuOnly, ...rest } = f;
  const x = f.ratio ?? f.value;
  const met = f.target === null || (realGpuOnly && fallback) ? null : meets(x, f.target);
  figures.push({ ...rest, met });
  say(`${f.name}: ${f.value.toPrecision(4)} ${f.unit}${f.ratio !== null ? `, ratio ${f.ratio.toPrecision(3)} vs ${f.vs}` : ''}`);
}

/** The model the model-level figures run: QUICK_CONFIG with 2 prompts x 8 (quick, to fit 3 minutes of SwiftShader) or the default config. */
function benchConfig(): RunConfig {
  return quick ? mergeConfig(QUICK_CONFIG, { grpo: { batchPrompts: 2 } }) : DEFAULT_CONFIG;
}

function trainShape(cfg: RunConfig): { nSeq: number; T: number } {
  const nSeq = cfg.grpo.batchPrompts * cfg.grpo.groupSize;
  return { nSeq, T: cfg.model.maxSeqLen };
}

async function matmulFigures(rt: GpuRuntime, cfg: RunConfig): Promise<void> {
  const { nSeq, T } = trainShape(cfg);
  const C = cfg.model.dModel;
  // quick: the training rows are capped so one ORT run stays well under a second on SwiftShader
  const Ntrain = quick ? Math.min(nSeq * T, 512) : nSeq * T;
  const shapes: [string, number, number, number, string][] = [
    ['matmul 256x256x256', 256, 256, 256, '>= 1'],
    [`matmul training qkv N=${Ntrain} C=${C} OC=${3 * C}`, Ntrain, C, 3 * C, '>= 1'],
    [`matmul rollout qkv N=${nSeq} C=${C} OC=${3 * C}`, nSeq, C, 3 * C, '>= 1.2'],
    [`matmul rollout logits N=${nSeq} C=${C} OC=${64}`, nSeq, C, 64, '>= 1.2'],
  ];
  for (const [name, N, Cc, OC, target] of shapes) {
    const inp = Float32Array.from(randn(N * Cc, 1));
    const w = randn(OC * Cc, 2); // (OC,C), ours
    const wT = new Float32Array(Cc * OC); // (C,OC), ORT's MatMul
    for (let o = 0; o < OC; o++) for (let c = 0; c < Cc; c++) wT[c * OC + o] = w[o * Cc + c]!;
    const tIn = rt.alloc(N * Cc), tW = rt.alloc(OC * Cc), tOut = rt.alloc(N * OC);
    rt.write(tW, w);
    const sess = await ortSession(matmulModel(N, Cc, OC, wT));
    const feed = { a: new ort.Tensor('float32', inp, [N, Cc]) };
    // a rollout-shape product takes ~2 ms, mostly submit and mapAsync latency: time `k` in a row per
    // sample, on both sides, so one scheduler hiccup of the shared machine does not decide the ratio
    const k = N * Cc * OC < 1e6 ? 8 : 1;
    const ours = async () => {
      for (let i = 0; i < k; i++) {
        rt.write(tIn, inp);
        matmulForward(rt, tOut, tIn, tW, null, N, Cc, OC);
        await rt.read(tOut);
      }
    };
    const theirs = async () => {
      for (let i = 0; i < k; i++) {
        const out = await sess.run(feed);
        await out.y!.getData();
      }
    };
    const r = await sideBySide(ours, theirs, REPS);
    await sess.release();
    await profiled(rt, name, ours);
    const gf = (ms: number) => (2 * N * Cc * OC * k) / ms / 1e6;
    add({ name, value: gf(r.a), unit: `GFLOP/s (ORT ${gf(r.b).toFixed(3)}; upload+run+readback)`, vs: 'onnxruntime-web WebGPU MatMul', ratio: r.ratio, target });
  }
}

interface Rig<F, I> {
  ops: Ops<F, I>;
  model: ReturnType<typeof createModel<F, I>>;
}

function gpuRig(rt: GpuRuntime, cfg: RunConfig, params: ArrayLike<number>): Rig<GpuTensor, GpuTensor> {
  const ops = createGpuOps(rt) as unknown as Ops<GpuTensor, GpuTensor>;
  const model = createModel(ops, cfg);
  ops.write(model.params, params);
  return { ops, model };
}

async function forwardFigure(rt: GpuRuntime, cfg: RunConfig, params: Float32Array): Promise<void> {
  const { nSeq, T } = trainShape(cfg);
  const B = quick ? 8 : Math.min(nSeq, 16);
  const { ops, model } = gpuRig(rt, cfg, params);
  const acts = createActivations(ops, model, B, T);
  const tokens = new Int32Array(B * T);
  for (let i = 0; i < tokens.length; i++) tokens[i] = 3 + (Math.imul(i, 2654435761) >>> 0) % 20;
  ops.writeInt(acts.targets, new Int32Array(B * T).fill(-1));
  const sess = await ortSession(exportOnnx(cfg, params, new Float32Array(model.dims.L * model.dims.E)));
  const feed = { tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [B, T]) };
  const ours = async () => {
    ops.writeInt(acts.tokens, tokens);
    forward(ops, model, acts, 1);
    await ops.read(acts.a.logits);
  };
  const theirs = async () => {
    const out = await sess.run(feed);
    await out.logits!.getData();
  };
  const r = await sideBySide(ours, theirs, REPS);
  await sess.release();
  add({ name: `forward B=${B} T=${T}`, value: r.a, unit: `ms (ORT ${r.b.toFixed(1)} ms; tokens in, logits out)`, vs: 'onnxruntime-web session of exportOnnx', ratio: r.ratio, target: '>= 1' });
}

async function rolloutFigures(rt: GpuRuntime, cfg: RunConfig, params: Float32Array): Promise<void> {
  const { ops, model } = gpuRig(rt, cfg, params);
  const dec = createGpuDecodeOps(rt);
  const G = cfg.grpo.groupSize;
  const prompts = Array.from({ length: cfg.grpo.batchPrompts }, (_, b) => encode(`<bos>${b + 1}+${b + 2}=`));
  const maxNew = cfg.grpo.maxCompletionLength;
  const Pmax = Math.max(...prompts.map((p) => p.length));
  const st = createDecodeState(ops, model, prompts.length * G, Pmax, maxNew);
  const opts = { maxNew, temperature: 1, topK: 0, seed: 5, step: 0 };
  const rows = prompts.flatMap((p) => Array.from({ length: G }, () => p));
  const nSeq = rows.length;
  const Tlimit = Math.min(model.dims.Tmax, Pmax + maxNew);
  const V = model.dims.V;

  let tokens = 0;
  const resident = async () => {
    const r = await rollout(ops, dec, model, prompts, G, opts, st);
    tokens = r.nSeq * r.maxNew;
  };
  // the same kernels; after each position the logits come back and the CPU samples
  const perToken = async () => {
    const sc: SampleConfig = { temperature: 1, topK: 0, topP: 1, seed: 5, stream: sampleStream(0), Tlimit, eos: TOK.eos, pad: TOK.pad };
    let pos = prefill(ops, dec, model, st, rows, sc);
    for (; pos + 1 < Tlimit; pos++) {
      const logits = await ops.read(st.stepActs.logits);
      const next = new Int32Array(nSeq);
      for (let b = 0; b < nSeq; b++) next[b] = sampleToken(logits.subarray(b * V, (b + 1) * V), rngFloat(5, sc.stream, b * model.dims.Tmax + pos), 1, 0);
      ops.writeInt(st.stepActs.tokens, next);
      decodeStep(ops, dec, model, st, pos, sc);
    }
    await ops.read(st.record);
  };
  const r = await sideBySide(resident, perToken, REPS);
  add({ name: `rollout ${nSeq} x ${maxNew} tokens`, value: tokens / (r.a / 1000), unit: `tokens/s (per-token readback: ${(tokens / (r.b / 1000)).toFixed(0)})`, vs: 'same kernels, per-token readback + CPU sampling', ratio: r.ratio, target: '>= 3', realGpuOnly: true });

  // structure, counted
  const c0 = { ...rt.counters };
  const ro = await rollout(ops, dec, model, prompts, G, opts, st);
  const submits = rt.counters.submits - c0.submits;
  // the budget is one submit per started block of 32 positions (24 new tokens may take 1)
  const blocks = Math.ceil(ro.maxNew / 32);
  add({ name: 'submits per 32 rollout tokens', value: submits / blocks, unit: `(${submits} submits for ${ro.maxNew} new tokens per row)`, vs: null, ratio: null, target: '<= 1' });
}

async function dispatchFigure(rt: GpuRuntime, cfg: RunConfig, params0: (c: RunConfig) => Float32Array): Promise<void> {
  const perStep: number[] = [];
  for (const L of [1, 2]) {
    const c = mergeConfig(cfg, { model: { nLayers: L } });
    const { ops, model } = gpuRig(rt, c, params0(c));
    const dec = createGpuDecodeOps(rt);
    const rows = Array.from({ length: 4 }, () => encode('<bos>1+2='));
    const st = createDecodeState(ops, model, rows.length, rows[0]!.length, 8);
    const sc: SampleConfig = { temperature: 1, topK: 0, topP: 1, seed: 1, stream: 1, Tlimit: rows[0]!.length + 8, eos: TOK.eos, pad: TOK.pad };
    const P0 = prefill(ops, dec, model, st, rows, sc);
    const d0 = rt.counters.dispatches;
    decodeStep(ops, dec, model, st, P0, sc);
    perStep.push(rt.counters.dispatches - d0);
    await rt.sync();
  }
  add({ name: 'dispatches per decode step per layer', value: perStep[1]! - perStep[0]!, unit: `(L=2 step minus L=1 step; ${perStep[1]} per step at L=2)`, vs: null, ratio: null, target: '<= 12' });
}

async function grpoFigures(rt: GpuRuntime, cfg: RunConfig, params: Float32Array): Promise<void> {
  const { ops, model } = gpuRig(rt, cfg, params);
  const gtr = createGrpoTrainer(ops, createGpuDecodeOps(rt), model);
  const cops = createCpuOps('f32') as unknown as Ops<Float32Array, Int32Array>;
  const cmodel = createModel(cops, cfg);
  cops.write(cmodel.params, params);
  const ctr = createGrpoTrainer(cops, createCpuDecodeOps() as never, cmodel);

  // readbacks, dispatches and submits, counted on one step
  const c0 = { ...rt.counters };
  const { metrics: m0 } = await grpoStep(gtr);
  const rb = rt.counters.readbacks - c0.readbacks;
  const dispatches = rt.counters.dispatches - c0.dispatches, submits = rt.counters.submits - c0.submits;
  add({ name: 'readbacks per GRPO step', value: rb, unit: `(mu=${cfg.grpo.mu}, L=${cfg.model.nLayers}, beta=${cfg.grpo.beta}: rollout + packed metrics; the same for any mu and beta)`, vs: null, ratio: null, target: '<= 2' });
  const len = m0.completionLength.mean;
  add({ name: 'dispatches per GRPO step', value: dispatches, unit: `(mean completion ${len.toFixed(1)} tokens: the rollout's decode steps dominate)`, vs: null, ratio: null, target: null });
  add({ name: 'submits per GRPO step', value: submits, unit: '', vs: null, ratio: null, target: null });
  const flops = grpoStepFlops(cfg, { promptLength: gtr.T - cfg.grpo.maxCompletionLength + 1, meanCompletion: len, T: gtr.T, params: model.table.total });
  const pr = projectStep(flops, dispatches);
  const A = PROJECTION_ASSUMPTIONS;
  add({
    name: 'PROJECTION (not measured): GRPO step on a laptop-class GPU', value: pr.fastMs,
    unit: `to ${pr.slowMs.toFixed(0)} ms: ${dispatches} dispatches x ${A.dispatchUs.low}-${A.dispatchUs.high} us [${A.dispatchUs.source}] + ${(flops / 1e9).toFixed(2)} GFLOP at ${A.efficiency.low * 100}-${A.efficiency.high * 100}% (${A.efficiency.source}) of ${A.peakTflops.value} TFLOP/s [${A.peakTflops.source}]`,
    vs: null, ratio: null, target: null,
  });

  // the CPU engines in this browser: WebAssembly SIMD (the worker's CPU choice) vs the JavaScript reference
  const wops = createWasmOps();
  const wmodel = createModel(wops, cfg);
  wops.write(wmodel.params, params);
  const wtr = createGrpoTrainer(wops, createWasmDecodeOps(), wmodel);
  const w = await sideBySide(async () => { await grpoStep(wtr); }, async () => { await grpoStep(ctr); }, REPS);
  add({ name: 'GRPO step, CPU engine (WebAssembly SIMD)', value: w.a, unit: `ms (JavaScript reference ${w.b.toFixed(0)} ms)`, vs: 'JavaScript reference engine, same config and seed', ratio: w.ratio, target: quick ? null : '>= 5' }); // issue 15's target is at the default preset, not QUICK_CONFIG's tiny model

  const r = await sideBySide(async () => { await grpoStep(gtr); }, async () => { await grpoStep(ctr); }, REPS);
  add({ name: 'GRPO step time', value: r.a, unit: `ms (CPU reference ${r.b.toFixed(0)} ms)`, vs: 'CPU reference, same config and seed', ratio: 1 / r.ratio, target: '<= 1/20', realGpuOnly: true });

  // training step (forward, backward, norm, AdamW on the step's (nSeq,T) batch) vs a rollout of the same rows
  const acts = gtr.acts;
  const trainStep = async () => {
    forward(ops, model, acts, 1);
    zeroGrads(ops, model);
    backward(ops, model, acts, gtr.dLogp);
    adamwStep(ops, model, { lr: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClip: 1 });
    await rt.sync();
  };
  const G = cfg.grpo.groupSize;
  const prompts = Array.from({ length: cfg.grpo.batchPrompts }, (_, b) => encode(`<bos>${b + 1}+${b + 2}=`));
  const roll = async () => { await rollout(ops, gtr.dec, model, prompts, G, { maxNew: cfg.grpo.maxCompletionLength, temperature: 1, topK: 0, seed: 1, step: 0 }, gtr.decodeState); };
  const t = await sideBySide(trainStep, roll, REPS);
  add({ name: `training step (B=${acts.B}, T=${acts.T})`, value: t.a, unit: `ms (rollout of the same rows ${t.b.toFixed(0)} ms)`, vs: 'rollout forward over the same tokens', ratio: 1 / t.ratio, target: null });
}

async function memoryFigure(rt0: GpuRuntime, cfg: RunConfig, params: Float32Array): Promise<void> {
  // a fresh runtime, so its byte count holds this run only
  const rt = new GpuRuntime(rt0.device);
  const { ops, model } = gpuRig(rt, cfg, params);
  const gtr = createGrpoTrainer(ops, createGpuDecodeOps(rt), model);
  await grpoStep(gtr);
  await rt.sync();
  const P = model.table.count;
  const d = model.dims;
  const { nSeq } = trainShape(cfg);
  const acts = 2 * activationsSize(d, cfg, gtr.acts.B, gtr.acts.T) + activationsIntSize(d, gtr.acts.B, gtr.acts.T);
  const st = gtr.decodeState;
  const kv = 2 * d.L * nSeq * d.Tmax * d.C;
  const decodeActs = st.aBuf.length + st.iBuf.length + st.record.length;
  // parameters twice (the policy and the frozen KL reference), gradients, two moments
  const needed = 4 * (2 * P + P + 2 * P + acts + kv + decodeActs);
  add({ name: 'peak GPU memory', value: rt.allocatedBytes / 2 ** 20, unit: `MiB (params+ref+grads+moments+activations+KV = ${(needed / 2 ** 20).toFixed(2)} MiB)`, vs: 'sum of the run\'s tensor sizes', ratio: rt.allocatedBytes / needed, target: '<= 1.25' });
}

async function moeFigures(rt: GpuRuntime): Promise<void> {
  const N = 4096, C = quick ? 16 : 64, H = quick ? 16 : 64, S = 1, k = 2;
  for (const E of [8, 4]) {
    const d = { N, C, H, E, S, k, ffn: 'swiglu' as const };
    const K = S + k;
    const t = (n: number, seed: number) => { const x = rt.alloc(n); rt.write(x, randn(n, seed)); return x; };
    const inp = t(N * C, 1), w1 = t((S + E) * H * C, 2), w3 = t((S + E) * H * C, 3), w2 = t((S + E) * C * H, 4), gates = t(N * k, 5), dOut = t(N * C, 6);
    const top = new Int32Array(N * k);
    for (let n = 0; n < N; n++) {
      const a = (Math.imul(n, 2654435761) >>> 0) % E;
      top[n * k] = a;
      top[n * k + 1] = (a + 1 + ((n >> 3) % (E - 1))) % E;
    }
    const topIdx = rt.alloc(N * k, 'i32');
    rt.write(topIdx, top);
    const cache = { h1: rt.alloc(N * K * H), h3: rt.alloc(N * K * H), act: rt.alloc(N * K * H), y: rt.alloc(N * K * C) };
    const out = rt.alloc(N * C), dInp = rt.alloc(N * C), dW1 = rt.alloc((S + E) * H * C), dW3 = rt.alloc((S + E) * H * C), dW2 = rt.alloc((S + E) * C * H), dGates = rt.alloc(N * k);
    const run = (path: MoePath) => async () => {
      moeForward(rt, out, cache, inp, topIdx, gates, w1, w3, w2, d, path);
      moeBackward(rt, dInp, dW1, dW3, dW2, dGates, dOut, cache, inp, topIdx, gates, w1, w3, w2, d, path);
      await rt.sync();
    };
    const r = await sideBySide(run('grouped'), run('dense'), REPS);
    await profiled(rt, `MoE grouped E=${E}`, run('grouped'));
    await profiled(rt, `MoE dense E=${E}`, run('dense'));
    add({ name: `MoE layer fwd+bwd grouped, E=${E} k=${k} N=${N} C=${C} H=${H}`, value: r.a, unit: `ms (dense-masked ${r.b.toFixed(1)} ms)`, vs: 'dense-masked path', ratio: 1 / r.ratio, target: E === 8 ? '<= 0.5' : null });
  }
}

async function main(): Promise<BenchResult> {
  const t0 = performance.now();
  const req = await requestAdapter();
  if ('reason' in req) throw new Error(`WebGPU is required: ${req.reason}`);
  const info = describeAdapter(req.adapter);
  fallback = info.isFallbackAdapter || /swiftshader/i.test(adapterLabel(info));
  const timestamps = profile && req.adapter.features.has('timestamp-query');
  const rt = new GpuRuntime(await req.adapter.requestDevice(timestamps ? { requiredFeatures: ['timestamp-query'] } : {}));
  ort.env.wasm.numThreads = 1;
  say(`adapter: ${adapterLabel(info)}; ${quick ? 'quick' : 'full'} mode`);
  const cfg = benchConfig();
  const paramsOf = (c: RunConfig) => Float32Array.from(initParams(c));
  const params = paramsOf(cfg);
  const steps: [string, () => Promise<void>][] = [
    ['matmul', () => matmulFigures(rt, cfg)],
    ['forward', () => forwardFigure(rt, cfg, params)],
    ['rollout', () => rolloutFigures(rt, cfg, params)],
    ['dispatches', () => dispatchFigure(rt, cfg, paramsOf)],
    ['moe', () => moeFigures(rt)],
    ['grpo', () => grpoFigures(rt, cfg, params)],
    ['memory', () => memoryFigure(rt, cfg, params)],
  ];
  for (const [name, f] of steps) {
    if (only && !only.includes(name)) continue;
    const t = performance.now();
    await f();
    say(`(${name} took ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  if (rt.errors.length) throw new Error(`WebGPU errors: ${rt.errors.map((e) => e.message).join('; ')}`);
  return { adapter: { label: adapterLabel(info), fallback, info: { ...info } }, quick, figures, wallSeconds: (performance.now() - t0) / 1000 };
}

const w = window as unknown as BenchWindow;
main().then(
  (r) => { w.__benchResult = r; },
  (e: unknown) => { w.__benchError = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e); },
).finally(() => { w.__benchDone = true; });
