// The playground's answer, streamed one token per turn of the lock, so steps
// and commands interleave with its tokens; the final event carries the
// experts each completion token was routed to.

import { MAX_PROMPT_TOKENS } from '../../core/validate';
import { decode, encode, TOK } from '../../core/tokenizer';
import { createDecodeState } from '../../model/decode';
import { createActivations, forward } from '../../model/model';
import { rollout } from '../../rl/rollout';
import { PROTOCOL_VERSION as v, type SampleCommand, type SampleExperts } from '../protocol';
import { currentStep, exclusive, type Core, type Run } from './core';

/**
 * Token j is a rollout of maxNew = 1 on prompt + the j tokens so far. The
 * sampling key is positional (row 0, position P+j, stream of cmd.id), so
 * this draws exactly what the one-shot rollout would; in between, a step, a
 * reset or a newer question can take the lock, so a long answer never holds
 * it for more than one token. Training that runs meanwhile changes the
 * policy between tokens: the final event's `step` says where it ended.
 * mine: the session's `asked` when this question came; a newer one stops it.
 */
export async function sample(c: Core, cmd: SampleCommand, mine: number): Promise<void> {
  const text = cmd.prompt.startsWith('<bos>') ? cmd.prompt : `<bos>${cmd.prompt}`;
  const tokens: number[] = [], logp: number[] = [];
  let ids: number[] = [], maxNew = 0;
  const answer = (done: boolean, extra: { experts?: SampleExperts; stopped?: string } = {}) => {
    const t = Int32Array.from(tokens);
    c.post({ type: 'sampleResult', v, id: cmd.id, prompt: cmd.prompt, completion: decode(t), tokens: t, logp: Float32Array.from(logp), done, step: currentStep(c), ...extra });
  };
  for (let j = 0; ; j++) {
    const more = await exclusive(c, async () => {
      const run = c.run;
      if (!run) throw new Error('no model yet: send init first');
      if (mine !== c.asked) {
        answer(true, { stopped: 'stopped: a newer question, a reset or an init came first' });
        return false;
      }
      if (j === 0) {
        ids = encode(text); // (P) throws TokenizerError naming the bad character
        if (ids.length > MAX_PROMPT_TOKENS) throw new Error(`the prompt has ${ids.length} tokens, at most ${MAX_PROMPT_TOKENS} are allowed`);
        maxNew = Math.min(cmd.maxNew, run.model.dims.Tmax - ids.length);
      }
      const done = j >= maxNew || tokens.at(-1) === TOK.eos;
      if (done) {
        answer(true, { experts: await routedExperts(run, ids, tokens) });
        return false;
      }
      const t = await nextToken(run, [...ids, ...tokens], cmd);
      tokens.push(t.token);
      logp.push(t.logp);
      answer(false);
      return true;
    });
    if (!more) return;
    await c.yieldToEvents();
  }
}

async function nextToken(r: Run, prefix: readonly number[], cmd: SampleCommand): Promise<{ token: number; logp: number }> {
  const Tmax = r.model.dims.Tmax;
  const st = (r.tokenState ??= createDecodeState(r.ops, r.model, 1, Tmax - 1, 1));
  // stream keyed by the command id: a replayed id draws the same tokens, a new id new ones
  const ro = await rollout(r.ops, r.dec, r.model, [prefix], 1, { maxNew: 1, temperature: cmd.temperature, topK: r.cfg.sampling.topK, topP: r.cfg.sampling.topP, seed: cmd.seed ?? r.cfg.seed, step: cmd.id }, st);
  return { token: ro.tokens[0]!, logp: ro.logp[0]! };
}

/** One forward over prompt+completion (padded to Tmax: causal, so the padding changes nothing before it) and one readback per layer. */
async function routedExperts(r: Run, prompt: readonly number[], completion: readonly number[]): Promise<SampleExperts> {
  const { Tmax, L, k, E } = r.model.dims;
  const n = completion.length, P = prompt.length;
  const idx = new Uint8Array(n * L * k); // (n,L,k)
  if (n === 0) return { L, k, E, idx };
  const acts = (r.probeActs ??= createActivations(r.ops, r.model, 1, Tmax));
  const tok = new Int32Array(Tmax).fill(TOK.pad); // (1,Tmax)
  tok.set(prompt);
  tok.set(completion.slice(0, Tmax - P), P);
  r.ops.writeInt(acts.tokens, tok);
  r.ops.writeInt(acts.targets, new Int32Array(Tmax).fill(-1));
  forward(r.ops, r.model, acts);
  for (let l = 0; l < L; l++) {
    const top = await r.ops.readInt(acts.topIdx[l]!); // (Tmax,k)
    // token j is predicted at position P-1+j (GrpoSample.experts' convention)
    for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) idx[(j * L + l) * k + i] = top[(P - 1 + j) * k + i]!;
  }
  return { L, k, E, idx };
}
