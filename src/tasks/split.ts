// Train / held-out split by hash of the canonical expression.
//
// The hash depends on the expression only, not on the seed or the difficulty:
// a problem is held out for every run that uses the same heldOutPercent, so a
// base model pretrained once (on the train split) never saw any run's held-out
// problems. Raising heldOutPercent only adds problems to the held-out side
// (threshold on one hash), so the 10% set is inside the 20% set; a base model
// pretrained at 10% has, however, seen the extra 10%.

import type { RunConfig } from '../core/config';
import { fmix32, Rng, STREAM } from '../core/rng';
import { checkTask, drawProblem, problemAt, spaceSize, type Problem } from './problems';

/** Counters reserved per problem (or corpus example): ample for rejection resampling. */
export const DRAWS_PER_ITEM = 256;

/** u32 hash of an expression's characters (FNV-1a step, each through fmix32). */
export function expressionHash(expr: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < expr.length; i++) h = fmix32(Math.imul(h ^ expr.charCodeAt(i), 0x01000193) >>> 0);
  return fmix32((h ^ expr.length) >>> 0);
}

/** Held out iff hash / 2^32 < heldOutPercent / 100. */
export function isHeldOut(expr: string, heldOutPercent: number): boolean {
  return expressionHash(expr) < (heldOutPercent / 100) * 0x100000000;
}

/** Draws train problems from rng until one is not held out (the cursor advances past rejects). */
export function drawTrainProblem(task: RunConfig['task'], rng: Rng): Problem {
  for (;;) {
    const p = drawProblem(task.family, task.difficulty, rng);
    if (!isHeldOut(p.expr, task.heldOutPercent)) return p;
  }
}

/**
 * Train problem i of the run: a pure function of (seed, task, i). It owns the
 * counters [i*256, (i+1)*256) of STREAM.trainPrompts; a held-out draw is
 * rejected and the next counter tried.
 */
export function sampleTrainProblem(cfg: RunConfig, i: number): Problem {
  checkTask(cfg.task);
  return drawTrainProblem(cfg.task, new Rng(cfg.seed, STREAM.trainPrompts, i * DRAWS_PER_ITEM));
}

/**
 * The held-out evaluation set's own seed (issue 13): the set depends on the
 * task and the held-out share only, never on the run's seed, so two runs, two
 * seeds and two arms are scored on the same problems. (It was the run's seed
 * before: the same base scored 0.11, 0.25 or 0.31 depending on the seed.)
 */
export const EVAL_SEED = 0x5eed_e7a1;

/** Spaces up to this size are enumerated exactly for the held-out set. */
const ENUMERATE_LIMIT = 100_000;

/**
 * The fixed held-out evaluation set: up to n distinct held-out problems, in
 * an order seeded by EVAL_SEED. Small spaces are enumerated, so when fewer than n held-out
 * problems exist (add d=1 has 100 problems, about heldOutPercent of them held
 * out) all of them are returned. Large spaces are sampled from
 * STREAM.heldOut, giving up after 1000*n draws (never reached at >= 1%).
 */
export function heldOutSet(cfg: RunConfig, n: number): Problem[] {
  checkTask(cfg.task);
  if (!Number.isInteger(n) || n < 0) throw new Error(`heldOutSet: n = ${n}: must be a non-negative integer`);
  const { family, difficulty, heldOutPercent } = cfg.task;
  const rng = new Rng(EVAL_SEED, STREAM.heldOut);
  const size = spaceSize(family, difficulty);
  if (size <= ENUMERATE_LIMIT) {
    const all: Problem[] = [];
    const keys = new Set<string>(); // countdown: two patterns can give the same numbers and target
    for (let k = 0; k < size; k++) {
      const p = problemAt(family, difficulty, k);
      if (isHeldOut(p.expr, heldOutPercent) && !keys.has(p.expr)) {
        keys.add(p.expr);
        all.push(p);
      }
    }
    // Fisher-Yates with the seeded cursor, then the first n.
    for (let k = all.length - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      [all[k], all[j]] = [all[j]!, all[k]!];
    }
    return all.slice(0, n);
  }
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (let draws = 0; out.length < n && draws < 1000 * n; draws++) {
    const p = drawProblem(family, difficulty, rng);
    if (isHeldOut(p.expr, heldOutPercent) && !seen.has(p.expr)) {
      seen.add(p.expr);
      out.push(p);
    }
  }
  return out;
}
