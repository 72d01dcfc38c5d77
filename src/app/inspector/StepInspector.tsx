// The step inspector: a scrubber over the steps kept in store.history, and for
// the chosen step every group's prompt and G completions, coloured by reward,
// with advantage bars and a per-token view. Shows what the trainer reported;
// computes nothing beyond colours, and each group's reward mean and std to
// write its advantages out (advantage.ts).
import { memo } from 'react';
import type { ScaleRewards } from '../../core/config';
import type { GrpoSample } from '../../train/grpo';
import { useStore, type StepRecord, type TokenView } from '../store';
import { advantageText, groupFormula, groupStats, type GroupStats } from './advantage';
import {
  TOKEN_VIEWS, attemptsLabel, expectedLabel, expertColor, formatValue, groupSamples, isCountdownPrompt, maxAbsAdvantage, rewardColor, tokenColor, tokenPieces, tokenValue,
} from './tokens';
import './inspector.css';

export function StepInspector() {
  const history = useStore((s) => s.history);
  const selectedStep = useStore((s) => s.selectedStep);
  const tokenView = useStore((s) => s.tokenView);
  const selectStep = useStore((s) => s.selectStep);
  const setTokenView = useStore((s) => s.setTokenView);
  const scale = useStore((s) => s.config.grpo.scaleRewards);
  const experts = useStore((s) => s.config.model.nRouted);

  const idx = selectedStep === null ? history.length - 1 : history.findIndex((h) => h.step === selectedStep);
  const record = idx >= 0 ? history[idx] : history[history.length - 1];
  const shown = idx >= 0 ? idx : history.length - 1;

  return (
    <section aria-label="Step inspector" className="card inspector" id="step-inspector">
      <h2>Step inspector</h2>
      {history.length === 0 ? (
        <p className="muted">No steps yet. Press Step or Play: each step's B prompts and their G completions appear here.</p>
      ) : (
        <>
          <div className="inspector-controls">
            <label>
              Step{' '}
              <input
                type="range"
                aria-label="Step"
                min={0}
                max={history.length - 1}
                value={shown}
                onChange={(e) => selectStep(history[Number(e.target.value)]?.step ?? null)}
              />
            </label>
            <output data-testid="inspector-step">
              step {record!.step} ({shown + 1} of {history.length} kept)
            </output>
            <button type="button" disabled={selectedStep === null} onClick={() => selectStep(null)}>
              Follow latest
            </button>
            <label>
              Token view{' '}
              <select aria-label="Token view" value={tokenView} onChange={(e) => setTokenView(e.target.value as TokenView)}>
                {TOKEN_VIEWS.map((v) => (
                  <option key={v.value} value={v.value}>
                    {v.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <Legend view={tokenView} experts={experts} />
          <StepView record={record!} view={tokenView} scale={scale} />
        </>
      )}
    </section>
  );
}

function Legend({ view, experts }: { view: TokenView; experts: number }) {
  const text: Record<TokenView, string> = {
    logp: 'Token colour: log-probability under the policy (red = unlikely).',
    ratio: 'Token colour: π/π_old ratio (green above 1, red below).',
    clip: 'Token colour: clipped by ε (red = clipped low, green = clipped high).',
    kl: 'Token colour: k3 KL to the reference (orange = far). Needs β > 0.',
    expert: 'Token colour: top-1 routed expert of the first layer; hover for every layer’s choice.',
  };
  return (
    <div className="muted legend">
      <p>
        Each row: the advantage bar (green pushes the completion up, red down; the centre is 0, lengths scale to the step's largest |A|),
        A written out, the reward R and its parts, then the tokens.
      </p>
      <p>
        {text[view]} <span className="tok wait">&lt;wait&gt;</span> tokens are outlined; <span className="tok in-span">aha segments</span> are underlined.
      </p>
      {view === 'expert' && (
        <p className="expert-legend" data-testid="expert-legend" aria-label="Expert colours">
          {Array.from({ length: experts }, (_, e) => (
            <span key={e} className="expert-key">
              <span className="swatch" style={{ background: expertColor(e) }} /> e{e}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

const StepView = memo(function StepView({ record, view, scale }: { record: StepRecord; view: TokenView; scale: ScaleRewards }) {
  const samples = record.samples;
  const groups = groupSamples(samples);
  const maxAdv = maxAbsAdvantage(samples);
  const totals = samples.map((s) => s.reward.total);
  const lo = Math.min(...totals), hi = Math.max(...totals);
  return (
    <div className="groups" data-step={record.step}>
      {groups.map((g) => { const stats = groupStats(samples, g.rows, scale); return (
        <article key={g.group} className={g.kept ? 'group' : 'group dropped'} data-testid="group" data-group={g.group} data-kept={g.kept}>
          <header>
            <code>{g.prompt.replace('<bos>', '')}</code> <span className="muted" data-testid="group-expected">{expectedLabel(g.prompt, g.expected)}</span>
            {!g.kept && <span className="badge">dropped by dynamic sampling (no reward spread)</span>}
            <span className="muted group-stats" data-testid="group-stats">
              reward mean {formatValue(stats.mean)} · std {formatValue(stats.std)}
              {stats.denomLabel === 'batch std' && !stats.constant && <> · batch std {formatValue(stats.denom!)}</>} · {groupFormula(stats)}
            </span>
          </header>
          <ol>
            {g.rows.map((i) => (
              <Completion key={i} s={samples[i]!} view={view} maxAdv={maxAdv} stats={stats} bg={rewardColor(samples[i]!.reward.total, lo, hi)} />
            ))}
          </ol>
        </article>
      ); })}
    </div>
  );
});

function Completion({ s, view, maxAdv, stats, bg }: { s: GrpoSample; view: TokenView; maxAdv: number; stats: GroupStats; bg: string }) {
  const w = (Math.abs(s.advantage) / maxAdv) * 50;
  const r = s.reward;
  // countdown: how many candidates the completion checked (a search's length; 1 for a guess)
  const attempts = isCountdownPrompt(s.prompt) ? s.aha.attempts : null;
  const adv = advantageText(r.total, stats, s.advantage);
  return (
    <li className="completion" data-testid="completion" data-advantage={s.advantage} data-reward={r.total} data-attempts={attempts ?? undefined} style={{ borderLeftColor: bg }}>
      <span className="adv" title={`advantage ${formatValue(s.advantage)}`} aria-hidden="true">
        <span className={s.advantage >= 0 ? 'adv-bar pos' : 'adv-bar neg'} style={s.advantage >= 0 ? { left: '50%', width: `${w}%` } : { right: '50%', width: `${w}%` }} />
      </span>
      <span className="adv-text" data-testid="advantage">{adv}</span>
      <span className="reward" style={{ background: bg }}
        title={`format ${r.format}, accuracy ${r.accuracy}, overlong ${formatValue(r.overlong)}${r.consistency !== undefined ? `, consistency ${formatValue(r.consistency)}` : ''}`}>
        R {formatValue(r.total)}
      </span>
      <span className="components muted">
        acc {formatValue(r.accuracy)} · fmt {formatValue(r.format)}
        {r.overlong !== 0 && <> · long {formatValue(r.overlong)}</>}
        {/* the consistency penalty (issue 17): a share of the thought's unreadable claims, weighted; absent in samples saved before it */}
        {r.consistency !== undefined && r.consistency !== 0 && <span data-testid="consistency"> · consistency {formatValue(r.consistency)}</span>}
        {attempts !== null && <> · {attemptsLabel(attempts)}</>}
        {s.truncated && <> · truncated</>}
        {s.aha.aha && <> · aha</>}
      </span>
      <Tokens s={s} view={view} />
    </li>
  );
}

function Tokens({ s, view }: { s: GrpoSample; view: TokenView }) {
  const pieces = tokenPieces(s.tokens, s.aha.span);
  const lk = s.experts && s.tokens.length > 0 ? s.experts.length / s.tokens.length : 0;
  return (
    <span className="tokens">
      {pieces.map((p) => {
        let bg = 'transparent', title: string;
        if (view === 'expert') {
          const ex = s.experts ? Array.from(s.experts.subarray(p.index * lk, (p.index + 1) * lk)) : null;
          if (ex && ex.length > 0) bg = expertColor(ex[0]!);
          title = ex ? `experts ${ex.join(' ')}` : 'expert choices not recorded';
        } else {
          const v = tokenValue(s, view, p.index);
          bg = tokenColor(view, v);
          title = v === null ? `${view} not recorded` : `${view} ${formatValue(v)}`;
        }
        const cls = `tok${p.wait ? ' wait' : ''}${p.inSpan ? ' in-span' : ''}`;
        return (
          <span key={p.index} className={cls} style={{ background: bg }} title={`${p.text}: ${title}`}>
            {p.text}
          </span>
        );
      })}
    </span>
  );
}
