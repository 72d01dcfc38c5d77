// Fault injection (tests only): with opts.faults, a `fault` command arms a
// NaN loss or an Inf gradient for the next step (GrpoHooks), destroys the
// device, or makes it report an out-of-memory error. Without it, refused.

import { injectGpuFault } from '../../model/backend';
import type { Ops } from '../../ops/ops';
import type { GrpoHooks } from '../grpo';
import type { FaultKind } from '../protocol';
import { error, status, type Core } from './core';

/** The armed numerical faults, each fired once at the next step: a NaN policy loss, an Inf in the first gradient. */
export function faultHooks(c: Core, ops: Ops<unknown, unknown>): GrpoHooks<unknown> {
  return {
    afterLoss: (loss) => (c.armed.delete('nan-loss') ? Number.NaN : loss),
    afterBackward: (model) => {
      if (c.armed.delete('inf-grad')) ops.write(ops.view(model.grads, 0, 1), [Number.POSITIVE_INFINITY]);
    },
  };
}

/** Runs the fault the test asked for (only with opts.faults). */
export function fault(c: Core, kind: FaultKind): void {
  if (!c.opts.faults) return error(c, 'fault injection is off in this session (tests only: open the page with ?faults=1)', true);
  if (!c.run) return error(c, `fault ${kind}: no model yet: send init first`, true);
  if (kind === 'nan-loss' || kind === 'inf-grad') {
    c.armed.add(kind);
    return status(c, c.state, `fault armed: ${kind} at the next step (${c.run.tr.step})`);
  }
  const refused = injectGpuFault(c.run.backend, kind);
  if (refused) error(c, `fault ${kind}: ${refused}`, true);
}
