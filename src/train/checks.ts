// Refusing configs that cannot train, before any buffer is allocated. Core's
// validateConfig knows every knob's range and the cross-field rules it can
// see; tasks/ adds the corpus length rule; the rest here is what only the
// trainer knows (what can earn a reward).

import { type RunConfig } from '../core/config';
import { validateConfig, type ConfigError, ConfigValidationError } from '../core/validate';
import { longestCompletionTokens, taskLengthErrors } from '../tasks/lengths';

/** Every reason this config cannot run the pretrain -> GRPO pipeline; empty when it can. */
export function trainConfigErrors(input: RunConfig): ConfigError[] {
  const { config: c, errors } = validateConfig(input);
  if (errors.length > 0) return errors; // the rules below assume in-range values
  const out = [...taskLengthErrors(c)];
  const err = (path: string, value: unknown, message: string) => out.push({ path, value, message: `${path} = ${String(value)}: ${message}` });
  // A completion cut before its <eos> earns no format reward, and the shortest
  // answers the base model knows are the direct traces (countdown: one guess): below
  // their length most groups are all-zero and GRPO has nothing to learn from.
  const direct = longestCompletionTokens(c.task.family, c.task.difficulty, c.task.family === 'countdown' ? 'guess' : 'direct');
  if (c.grpo.maxCompletionLength < direct) {
    err('grpo.maxCompletionLength', c.grpo.maxCompletionLength,
      `task ${c.task.family} at difficulty ${c.task.difficulty} needs up to ${direct} tokens even for a direct answer; allowed at least ${direct}`);
  }
  return out;
}

/** Throws ConfigValidationError listing every problem trainConfigErrors finds. */
export function checkTrainConfig(cfg: RunConfig): void {
  const errs = trainConfigErrors(cfg);
  if (errs.length > 0) throw new ConfigValidationError(errs);
}
