// CPU reference throughput: forward + backward tokens/s on DEFAULT_CONFIG at
// B=8, T=maxSeqLen (median of 5 timed runs after one warmup). Prints, does
// not assert: the figure is a baseline for the GPU's speedup, not a target.
//
//   node_modules/.bin/tsx scripts/bench-cpu.ts

import { DEFAULT_CONFIG } from '../src/core/config';
import { Rng } from '../src/core/rng';
import { VOCAB_SIZE } from '../src/core/tokenizer';
import { createCpuOps } from '../src/cpu/backend';
import { backward, createActivations, createModel, forward, zeroGrads } from '../src/model/model';
import { initParams } from '../src/model/params';

const cfg = DEFAULT_CONFIG;
const B = 8;
const T = cfg.model.maxSeqLen;
const N = B * T;
const ops = createCpuOps('f32');
const model = createModel(ops, cfg);
ops.write(model.params, initParams(cfg, model.table));
const acts = createActivations(ops, model, B, T);
const rng = new Rng(cfg.seed, 0xbe7c);
for (let i = 0; i < N; i++) {
  acts.tokens[i] = rng.int(VOCAB_SIZE);
  acts.targets[i] = rng.int(VOCAB_SIZE);
}
const dLogp = ops.alloc(N).fill(-1 / N);

function step(): { fwd: number; total: number } {
  const t0 = performance.now();
  forward(ops, model, acts);
  const t1 = performance.now();
  zeroGrads(ops, model);
  backward(ops, model, acts, dLogp);
  return { fwd: t1 - t0, total: performance.now() - t0 };
}

step(); // warmup: JIT
const runs = Array.from({ length: 5 }, step).sort((a, b) => a.total - b.total);
const med = runs[2]!;
console.log(`CPU reference (${ops.name}), DEFAULT_CONFIG: ${model.table.total} parameters, B=${B}, T=${T} (${N} tokens)`);
console.log(`forward ${med.fwd.toFixed(1)} ms, forward+backward ${med.total.toFixed(1)} ms (median of 5)`);
console.log(`forward+backward: ${Math.round(N / (med.total / 1000))} tokens/s`);
