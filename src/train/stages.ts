// The four-stage pipeline's contract (issue 17; the stages run in
// pipeline.ts): where the stages sit, a pure function of the config, and what
// a stage reports. Types and pure functions only, so the page (charts,
// inspector, store) and parse.ts import it without the training code.

import type { RunConfig } from '../core/config';
import type { RejectionSummary, TraceExample } from './rejection';

export type StageKind = 'coldStart' | 'distill' | 'rejection';
export const STAGE_KINDS: readonly StageKind[] = ['coldStart', 'distill', 'rejection'];

/** Where a stage sits on the GRPO-step axis: it runs before GRPO step `step` (after `step` steps were taken). */
export interface StageMarker {
  kind: StageKind;
  step: number;
  /** One line for a chart's marker and the inspector. */
  label: string;
}

/** A distillation teacher as a checkpoint decodes it: its own model config (the student's may differ) and flat weights. */
export interface TeacherWeights {
  /** pipeline.teacher's value: public/<name>.safetensors. */
  name: string;
  config: RunConfig;
  params: Float32Array;
  routerBias: Float32Array;
}

/** A trace a stage trained on (reason null) or dropped (rejection only); the cold start's tokens are its trace's. */
export type StageTrace = TraceExample;

/** What one stage did: the `stage` event's payload and the experiment's record. */
export interface StageReport {
  kind: StageKind;
  /** The GRPO step it ran before (0 for the cold start and distillation, rl1Steps for the rejection stage). */
  step: number;
  /** Distillation only: the teacher that sampled the traces (pipeline.teacher) and its size. */
  teacher?: { name: string; parameters: number };
  /** Rejection sampling's counts (distillation: the teacher's samples); null for the cold start. kept + the drop reasons = sampled = prompts * k. */
  rejection: (RejectionSummary & { k: number; prompts: number; readable: boolean; temperature: number }) | null;
  /** Up to 4 kept traces, then up to 2 dropped per reason, for reading. */
  examples: StageTrace[];
  /** The SFT: its examples, steps (cold start: coldStartSteps; distillation: distillSteps, 0 when none was kept; rejection: ceil(epochs * kept / rows), 0 when none was kept), lr, rows, the batch loss of every step, the held-out corpus loss at its end. */
  sft: { examples: number; steps: number; lr: number; rows: number; loss: number[]; heldOutLoss: number | null };
  seconds: { sampling: number; sft: number };
}

/** The stages a config runs, in order (the cold start, distillation, rejection); [] is R1-Zero (GRPO alone). */
export function stageMarkers(cfg: RunConfig): StageMarker[] {
  const p = cfg.pipeline;
  const out: StageMarker[] = [];
  if (p.coldStartSteps > 0) out.push({ kind: 'coldStart', step: 0, label: `cold start: ${p.coldStartSteps} SFT steps on ${p.coldStartTraces} search traces` });
  // after the cold start: a distilled student may be cold-started first, never the other way round
  if (p.teacher !== 'none') {
    out.push({ kind: 'distill', step: 0, label: `distilled from ${p.teacher}: ${p.distillSteps} SFT steps on its right traces of ${p.rejectionPrompts} prompts x ${p.rejectionSamples}${p.rejectionReadable ? ', readable only' : ''}` });
  }
  if (p.rl1Steps > 0) {
    out.push({
      kind: 'rejection', step: p.rl1Steps,
      label: `rejection sampling (${p.rejectionPrompts} prompts x ${p.rejectionSamples}${p.rejectionReadable ? ', readable only' : ''}) + ${p.rejectionSftEpochs} epoch${p.rejectionSftEpochs === 1 ? '' : 's'} of SFT`,
    });
  }
  return out;
}

/** After a GRPO step, with `stepsTaken` steps now taken: does the rejection stage run now? */
export const rejectionDue = (cfg: RunConfig, stepsTaken: number): boolean => cfg.pipeline.rl1Steps > 0 && stepsTaken === cfg.pipeline.rl1Steps;

