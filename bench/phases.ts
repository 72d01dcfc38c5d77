// Where a GRPO step's time goes, for `npm run bench:cpu`: wraps an engine's
// Ops and DecodeOps so that the wall time of a step (train/grpo.ts grpoStep)
// is split at the op calls that open each phase, in grpoStep's order:
//
//   rollout    prefill + decode steps, up to the rollout's one readback
//   host       rewards, advantages, packing the loss inputs (JavaScript)
//   reference  the frozen reference's forward (beta > 0): encoderForward on ref's weights
//   train      the policy's forward, GRPO loss, backward (per inner iteration)
//   optimizer  grad norm, AdamW, the router-bias update, then the metrics readback
//
// Every millisecond between two phase openings belongs to the earlier phase,
// so host glue between ops is counted where it happens and the phases sum to
// the step's wall time. Meaningful for synchronous engines (the CPU ones);
// an asynchronous engine would show its work where it waits (a readback).

export const PHASES = ['rollout', 'host', 'reference', 'train', 'optimizer'] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseClock {
  /** Start of a step: the rollout is first. */
  begin(): void;
  /** End of a step; returns that step's ms per phase. */
  end(): Record<Phase, number>;
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * Returns wrapped copies of ops and dec plus the clock. refParams is the
 * reference model's parameter buffer: an encoderForward whose wte is a view
 * into it opens 'reference'; any other opens 'train'.
 */
export function phaseTracked<O extends object, D extends object>(ops: O, dec: D, isRefWeight: (wte: unknown) => boolean): { ops: O; dec: D; clock: PhaseClock } {
  let phase: Phase | null = null;
  let since = 0;
  let acc = zero();
  const enter = (p: Phase) => {
    const now = performance.now();
    if (phase) acc[phase] += now - since;
    phase = p;
    since = now;
  };
  const wrapped = { ...ops } as Record<string, unknown>;
  const orig = ops as unknown as Record<string, AnyFn>;
  wrapped.encoderForward = (...a: unknown[]) => {
    // the rollout's prefill and decode steps embed tokens too: they stay the rollout's
    if (phase !== 'rollout') enter(isRefWeight(a[2]) ? 'reference' : 'train');
    return orig.encoderForward!(...a);
  };
  wrapped.gradNorm = (...a: unknown[]) => {
    enter('optimizer');
    return orig.gradNorm!(...a);
  };
  for (const name of ['read', 'readInt']) {
    wrapped[name] = (...a: unknown[]) => {
      const p = orig[name]!(...a) as Promise<unknown>;
      // the rollout's readback closes it (its wait is the rollout's); later reads stay in their phase
      return phase === 'rollout' ? p.then((v) => (enter('host'), v)) : p;
    };
  }
  const clock: PhaseClock = {
    begin() {
      acc = zero();
      phase = null;
      enter('rollout');
    },
    end() {
      const now = performance.now();
      if (phase) acc[phase] += now - since;
      phase = null;
      return acc;
    },
  };
  return { ops: wrapped as O, dec, clock };
}

function zero(): Record<Phase, number> {
  return { rollout: 0, host: 0, reference: 0, train: 0, optimizer: 0 };
}
