// The stage inspector's pure parts (issue 17): what each pipeline stage of
// the run is (planned, reported, or run where its report was not kept), a
// rejection stage's counts by reason with their shares, and an SFT stage's
// loss in words. Tested in Node (stages.test.ts); StageInspector.tsx draws them.

import type { RunConfig } from '../../core/config';
import { DROP_REASONS, type DropReason } from '../../train/rejection';
import { stageMarkers, type StageKind, type StageMarker, type StageReport, type StageTrace } from '../../train/stages';

/** Each stage's heading; stages.test.ts checks every STAGE_KINDS entry has one. */
export const STAGE_TITLES: Readonly<Record<string, string>> = { coldStart: 'Cold start', distill: 'Distillation', rejection: 'Rejection sampling' };
export const stageTitle = (kind: StageKind): string => STAGE_TITLES[kind] ?? kind;

/** Each drop reason as train/rejection.ts defines it, in words. */
export const REASON_WORDS: Record<DropReason, string> = {
  format: 'malformed or cut off (not <think>…</think><answer>…</answer>)',
  wrong: 'wrong answer',
  waits: 'too many <wait>s (a loop, not a search)',
  unreadable: 'unreadable: a thought with a false claim or no candidate, or an answer the thought did not reach',
};

/** One stage of the run's config: its marker, and its report once the worker sent it. */
export interface StageView {
  marker: StageMarker;
  report: StageReport | null;
  /**
   * 'done': reported. 'pending': the run has not reached it. 'unreported': the
   * run is past it but this page holds no report (a shared link's snapshot, a
   * resumed run stored before stage reports were kept, or one whose report
   * could not be read).
   */
  state: 'done' | 'pending' | 'unreported';
}

/**
 * The stages of cfg in order, each with its report (same kind and step) and
 * its state; `reached` is the furthest GRPO step the run got to
 * (charts/stages.ts reachedStep). Reports of stages the config does not have
 * (another run's, before its reset) are not shown.
 */
export function stageViews(cfg: RunConfig, reports: readonly StageReport[], reached: number): StageView[] {
  return stageMarkers(cfg).map((marker) => {
    const report = reports.find((r) => r.kind === marker.kind && r.step === marker.step) ?? null;
    // a stage at step k has run once the run is past it: an evaluation at step k is taken after it, step k's rollouts too
    const state = report ? 'done' : reached >= marker.step && reached >= 0 ? 'unreported' : 'pending';
    return { marker, report, state };
  });
}

/** A rejection stage's outcome, one row per outcome: kept, then each drop reason, with its share of the samples. */
export interface CountRow {
  outcome: 'kept' | DropReason;
  label: string;
  n: number;
  share: number;
}

export function countRows(r: NonNullable<StageReport['rejection']>): CountRow[] {
  const share = (n: number) => (r.sampled > 0 ? n / r.sampled : 0);
  return [
    { outcome: 'kept', label: 'kept: right and well-formed' + (r.readable ? ', and readable' : ''), n: r.kept, share: share(r.kept) },
    ...DROP_REASONS.map((reason) => ({ outcome: reason, label: `dropped: ${REASON_WORDS[reason]}`, n: r.dropped[reason], share: share(r.dropped[reason]) })),
  ];
}

/** The example traces by outcome: kept first, then each reason that has any. */
export function examplesByOutcome(examples: readonly StageTrace[]): { outcome: 'kept' | DropReason; traces: StageTrace[] }[] {
  const out: { outcome: 'kept' | DropReason; traces: StageTrace[] }[] = [];
  for (const outcome of ['kept', ...DROP_REASONS] as const) {
    const traces = examples.filter((t) => (t.reason ?? 'kept') === outcome);
    if (traces.length > 0) out.push({ outcome, traces });
  }
  return out;
}

/** A trace's prompt as the step inspector shows prompts: without the <bos> the model reads first. */
export const promptText = (prompt: string): string => (prompt.startsWith('<bos>') ? prompt.slice('<bos>'.length) : prompt);

/** "SFT loss 0.543 → 0.177 over 16 steps (32 rows, lr 5e-4); held-out corpus loss 0.201". */
export function sftLossText(sft: StageReport['sft']): string {
  const { loss } = sft;
  const head = loss.length === 0 ? 'no SFT step taken' : `SFT loss ${loss[0]!.toFixed(3)} → ${loss[loss.length - 1]!.toFixed(3)} over ${loss.length} step${loss.length === 1 ? '' : 's'}`;
  return `${head} (${sft.examples} examples, ${sft.rows} rows, lr ${sft.lr})${sft.heldOutLoss === null ? '' : `; held-out corpus loss ${sft.heldOutLoss.toFixed(3)}`}`;
}
