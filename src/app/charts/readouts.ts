// The text readouts under each chart heading: the latest value in words
// ("reward 0.42 at step 17"). Pure formatting of what the worker reported.

import type { AhaRates } from '../../rl/aha';
import type { EvalResult } from '../../train/evaluate';
import type { GrpoMetrics } from '../../train/grpo';
import { fmt, pct } from './format';

type Readouts = Record<'reward' | 'length' | 'aha' | 'signal' | 'kl' | 'entropy' | 'clip' | 'policyLoss' | 'gradNorm' | 'experts' | 'speed', string | null>;

/** What a readout says for a series a shared link's snapshot does not carry (runFromSnapshot fills those with NaN). */
export const NOT_SHARED = 'not in the shared snapshot';

/**
 * A readout without NaN (issue 18: a shared run's clip chart read "low NaN · high NaN"):
 * the " · " parts holding NaN go; when the first part does, the whole readout says NOT_SHARED.
 */
export function withoutNaN(text: string | null): string | null {
  if (text === null) return null;
  const parts = text.split(' · ');
  if (/NaN/.test(parts[0]!)) return NOT_SHARED;
  return parts.filter((p) => !/NaN/.test(p)).join(' · ');
}

/** The readouts of the latest step, all null before the first; never a NaN (withoutNaN). */
export function metricReadouts(metrics: readonly GrpoMetrics[], firstAhaStep: number | null, baseAha: AhaRates | null): Readouts {
  const r = rawReadouts(metrics, firstAhaStep, baseAha);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, withoutNaN(v)])) as Readouts;
}

function rawReadouts(metrics: readonly GrpoMetrics[], firstAhaStep: number | null, baseAha: AhaRates | null): Readouts {
  const m = metrics[metrics.length - 1];
  if (!m) return { reward: null, length: null, aha: null, signal: null, kl: null, entropy: null, clip: null, policyLoss: null, gradNorm: null, experts: null, speed: null };
  const at = `at step ${m.step}`;
  // a step dynamic sampling skipped trained nothing: say so rather than print its zeros
  const trained = (s: string) => (m.skipped ? `step ${m.step} skipped (no group had a reward spread)` : s);
  const first = firstAhaStep === null ? 'no aha yet' : `first aha at step ${firstAhaStep}`;
  const base = baseAha ? ` · base ${pct(baseAha.aha)}` : '';
  return {
    reward: `reward ${fmt(m.reward)} ${at} · accuracy ${fmt(m.rewards.accuracy)} · format ${fmt(m.rewards.format)}`,
    length: `mean length ${fmt(m.completionLength.mean)} tokens ${at} · min ${m.completionLength.min} · max ${m.completionLength.max}`
      + (m.lengthRight !== undefined ? ` · right ${lengthOf(m.lengthRight)} · wrong ${lengthOf(m.lengthWrong)}` : '')
      + (typeof m.attempts === 'number' && m.attempts > 1 ? ` · ${fmt(m.attempts)} attempts per completion` : ''),
    aha: `aha ${pct(m.aha.aha)} ${at}${base} · reflection ${pct(m.aha.reflection)} · verification ${pct(m.aha.verification)} · overthinking ${pct(m.aha.overthinking)} · ${first}`,
    signal: `${pct(m.fracRewardZeroStd)} of groups without reward spread ${at}`,
    kl: trained(`KL ${fmt(m.kl)} ${at}`),
    entropy: trained(`entropy ${fmt(m.entropy)} nats ${at}`),
    clip: trained(`clipped ${pct(m.clipRatio.region)} of tokens ${at} · low ${pct(m.clipRatio.low)} · high ${pct(m.clipRatio.high)}`),
    policyLoss: trained(`policy loss ${fmt(m.policyLoss)} ${at}`),
    gradNorm: trained(`grad norm ${fmt(m.gradNorm)} ${at}`),
    experts: expertReadout(m),
    // a shared run's snapshot carries no timings (they belong to the machine that ran it)
    speed: Number.isFinite(m.stepTime) ? `${fmt(m.stepTime)} ms per step · ${fmt(m.tokensPerSec)} tokens/s ${at}` : `not in the shared snapshot (timings belong to the machine that ran it)`,
  };
}

/** The busiest expert of any layer at the latest step, against the uniform share 1/E. */
function expertReadout(m: GrpoMetrics): string | null {
  let best: { l: number; e: number; v: number } | null = null;
  m.expertLoad.forEach((load, l) => load.forEach((v, e) => { if (!best || v > best.v) best = { l, e, v }; }));
  const b = best as { l: number; e: number; v: number } | null;
  const E = m.expertLoad[0]?.length ?? 0;
  // a shared link's snapshot carries no routing: say so rather than wait for a step that has come
  if (m.expertLoad.length === 0) return `${NOT_SHARED}: a link carries no expert load; Re-run to see it`;
  if (!b || E === 0) return null;
  return `busiest: expert ${b.e} of layer ${b.l} with ${pct(b.v)} of the choices at step ${m.step} (balanced: ${pct(1 / E)})`;
}

/** The latest held-out evaluation, or null before any. */
export function evalReadout(evals: readonly { step: number; result: EvalResult }[]): string | null {
  const e = evals[evals.length - 1];
  if (!e) return null;
  return withoutNaN(`greedy ${pct(e.result.greedy.accuracy)} · sampled pass@1 ${pct(e.result.sampled.accuracy)} at step ${e.step} (${e.result.problems} problems)`);
}

/** A mean length, or "none" when the step had no such completion. */
const lengthOf = (v: number | null | undefined) => (typeof v === 'number' ? `${fmt(v)}` : 'none');
