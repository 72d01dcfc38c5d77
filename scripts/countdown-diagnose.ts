// `npm run countdown:diagnose -- FILE [--temperature T]` — does a countdown base
// really search, or only look as if it does? From 4 sampled completions of each
// of the 256 evaluation problems it counts, over every think segment that states
// "candidate=value":
//   claimAccuracy     the value the segment claims is the candidate's true value
//   pWaitAfterWrong   a <wait> follows a candidate that misses the target
//   pWaitAfterRight   a <wait> follows a candidate that reaches it
// A base that checks its candidates has claimAccuracy near 1 and pWaitAfterWrong
// well above pWaitAfterRight; if the two are equal, its <wait> is noise and
// search earns nothing that guessing does not (README "Countdown").

import { readFileSync } from 'node:fs';
import { wilson } from '../src/core/stats';
import { decode, encode } from '../src/core/tokenizer';
import { createCpuOps } from '../src/cpu/backend';
import { createCpuDecodeOps } from '../src/cpu/decode';
import { createModel } from '../src/model/model';
import { rollout } from '../src/rl/rollout';
import { decodeCheckpoint } from '../src/share/checkpoint';
import { claimedValue, countdownCandidate } from '../src/tasks/countdown';
import { evaluateExpression } from '../src/tasks/expr';
import { heldOutSet } from '../src/tasks/split';

const [file, flag, value] = process.argv.slice(2);
if (!file || (flag !== undefined && (flag !== '--temperature' || !(Number(value) > 0)))) {
  console.error('usage: npm run countdown:diagnose -- public/base-countdown-long.safetensors [--temperature T]');
  process.exit(2);
}
const ck = decodeCheckpoint(new Uint8Array(readFileSync(file)));
if (ck.config.task.family !== 'countdown') throw new Error(`${file} is a ${ck.config.task.family} base, not countdown`);
const temperature = flag ? Number(value) : ck.config.sampling.temperature;
const G = 4, maxNew = ck.config.grpo.maxCompletionLength;
const ops = createCpuOps('f32');
const model = createModel(ops, ck.config);
ops.write(model.params, ck.params);
ops.write(model.routerBias, ck.routerBias);
const problems = heldOutSet(ck.config, 256);

const ro = await rollout(ops, createCpuDecodeOps(), model, problems.map((p) => encode(p.prompt)), G, { maxNew, temperature, topK: 0, seed: 7, step: 0 });
let segments = 0, claimOk = 0, wrong = 0, waitWrong = 0, right = 0, waitRight = 0;
for (let r = 0; r < ro.nSeq; r++) {
  const target = problems[Math.floor(r / G)]!.answer;
  const think = /<think>(.*?)(<\/think>|$)/s.exec(decode(ro.tokens.subarray(r * maxNew, r * maxNew + ro.lengths[r]!)))?.[1];
  if (think === undefined) continue;
  const parts = think.split('<wait>');
  parts.forEach((s, i) => {
    const c = countdownCandidate(s), v = claimedValue(s);
    if (c === null || v === null) return;
    let truth: number;
    try { truth = evaluateExpression(c); } catch { return; }
    segments++;
    if (truth === v) claimOk++;
    const waited = i < parts.length - 1;
    if (truth === target) { right++; if (waited) waitRight++; } else { wrong++; if (waited) waitWrong++; }
  });
}
const w = (k: number, n: number) => { const x = wilson(k, n); return { rate: +x.rate.toFixed(4), lo: +x.lo.toFixed(4), hi: +x.hi.toFixed(4), k, n }; };
console.log(JSON.stringify({
  file, temperature, completions: ro.nSeq, segments,
  claimAccuracy: w(claimOk, segments), pWaitAfterWrong: w(waitWrong, wrong), pWaitAfterRight: w(waitRight, right),
}));
