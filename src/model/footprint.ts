// How much memory a run of this config allocates, measured by running the
// real createModel / createActivations through a stand-in backend that only
// records sizes, so the figures include the alignment gaps exactly. In
// ELEMENTS (4 bytes each); a backend turns them into its own byte counts
// (gpu/limits.ts checks them against a device's limits).
//
// The buffers (model.ts): params, grads and two Adam moments (table.total
// each), the float activations twice (forward and gradient) and one int
// buffer, sized for the largest batch of sequences the trainer runs at once at
// T = maxSeqLen: the GRPO rollout (batchPrompts x groupSize) or a pretraining
// batch, whichever is larger.

import type { RunConfig } from '../core/config';
import { createActivations, createModel } from './model';
import type { Ops } from '../ops/ops';

export interface RunFootprint {
  /** Sequences of maxSeqLen tokens in the largest batch. */
  sequences: number;
  tokensPerSequence: number;
  /** Elements of the largest single allocation. */
  largestBuffer: number;
  /** Elements of the largest range one op binds (a view, or the whole gradient buffer for the norm). */
  largestBinding: number;
  /** Element count of every allocation. */
  buffers: number[];
}

interface Shape {
  length: number;
}

function sizingOps(): { ops: Ops<Shape, Shape>; buffers: number[]; views: number[] } {
  const buffers: number[] = [];
  const views: number[] = [];
  const alloc = (n: number): Shape => (buffers.push(n), { length: n });
  const view = (_b: Shape, _o: number, n: number): Shape => (views.push(n), { length: n });
  const ops = { name: 'sizing', alloc, allocInt: alloc, view, viewInt: view } as unknown as Ops<Shape, Shape>;
  return { ops, buffers, views };
}

/** Sequences the trainer runs through one forward/backward at T = maxSeqLen. */
export function largestBatch(cfg: RunConfig): number {
  return Math.max(cfg.grpo.batchPrompts * cfg.grpo.groupSize, cfg.corpus.pretrainBatch);
}

export function runFootprint(cfg: RunConfig, sequences = largestBatch(cfg)): RunFootprint {
  const s = sizingOps();
  const model = createModel(s.ops, cfg);
  createActivations(s.ops, model, sequences, cfg.model.maxSeqLen);
  return {
    sequences,
    tokensPerSequence: cfg.model.maxSeqLen,
    largestBuffer: Math.max(...s.buffers),
    // gradNorm binds the whole grads buffer; every other op binds views.
    largestBinding: Math.max(model.table.total, ...s.views),
    buffers: s.buffers,
  };
}
