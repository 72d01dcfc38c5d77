// The Experiments panel (issue 14): a card per question (cards.ts), each with
// what to watch, what README measured, and Run (its arms one after the other,
// drawn over the charts, labelled), in its full or quick variant, once or at
// 3 seeds (a mean in a band). Above the cards: the queue's progress, the
// experiment on the charts, and Run 3 seeds of the current config. A
// ?experiment=<id> link opens the panel at its card and offers to run it.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SEED_BAND_WORDS } from '../charts/bands';
import { useStore, type AppState, type SeedBandKind } from '../store';
import { CARDS, durationWords, estimateSeconds, hasStages, planRuns, type ExperimentCard, type Variant } from './cards';
import { experimentLink } from './link';
import { dismissLinked, hideShown, runPlan, seedPlan, setBand, stopQueue } from './runner';
import './experiments.css';

const SEEDS = [1, 2, 3];
const selExp = (s: AppState) => s.experiment;
const selRun = (s: AppState) => ({ config: s.config, step: s.step, status: s.status });

const STATUS_WORDS: Record<ExperimentCard['status'], string> = { measured: 'measured', 'not measured': 'not measured', 'being measured': 'being measured' };

function Card({ card, linked, busy }: { card: ExperimentCard; linked: boolean; busy: boolean }) {
  const [variant, setVariant] = useState<Variant>('full');
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (linked) ref.current?.scrollIntoView({ block: 'center' });
  }, [linked]);
  const v = card[variant];
  const paired = card.arms.length > 1;
  const run = (seeds: number[]) => {
    const plan = planRuns(card, variant, seeds);
    void runPlan(`${card.title}${variant === 'quick' ? ' (quick)' : ''}${seeds.length > 1 ? `, ${seeds.length} seeds` : ''}`, plan, card.references);
  };
  const titleId = `experiment-${card.id}-title`;
  return (
    <article ref={ref} className={`experiment-card${linked ? ' experiment-linked' : ''}`} aria-labelledby={titleId} data-testid={`experiment-${card.id}`}>
      <div className="experiment-head">
        <h3 id={titleId}>{card.title}</h3>
        <span className={`experiment-status experiment-status-${card.status.replace(' ', '-')}`}>{STATUS_WORDS[card.status]}</span>
      </div>
      {linked && <p className="experiment-offer" role="status">Opened from a link: press Run to run this experiment here.</p>}
      <p className="experiment-question">{card.question}</p>
      <p><strong>Watch.</strong> {card.watch}</p>
      <p data-testid="experiment-measured"><strong>{card.status === 'measured' ? 'Measured.' : 'What we know.'}</strong> {card.measured}
        {card.source && <span className="experiment-source"> Source: {card.source}.</span>}</p>
      <p className="experiment-runs">
        <strong>Runs.</strong> {paired ? `${card.arms.map((a) => a.label).join(', then ')}, one after the other, drawn over each other.` : `${card.arms[0]!.label}.`}{' '}
        {card.arms.some((a) => a.steps !== undefined) ? card.arms.map((a) => `${a.label}: ${a.steps ?? v.steps} GRPO steps`).join(', ') : `${v.steps} steps per run`};{' '}
        {durationWords(estimateSeconds(card, variant))} on the CPU backend here ({durationWords(estimateSeconds(card, variant, SEEDS.length))} for 3 seeds), evaluations
        {hasStages(card, variant) ? ' and the pipeline\'s stages' : ''} not counted.
      </p>
      <div className="experiment-actions">
        <label>
          Variant{' '}
          <select aria-label={`Variant of ${card.title}`} value={variant} onChange={(e) => setVariant(e.target.value as Variant)}>
            <option value="full">full ({card.full.steps} steps)</option>
            <option value="quick">quick ({card.quick.steps} steps, {card.quick.base.grpo.heldOutSize} held-out)</option>
          </select>
        </label>
        <button type="button" disabled={busy} aria-label={`Run ${card.title}`} onClick={() => run([SEEDS[0]!])}>Run</button>
        <button type="button" disabled={busy} aria-label={`Run 3 seeds of ${card.title}`} onClick={() => run(SEEDS)}>Run 3 seeds</button>
        <a href={experimentLink(location.href, card.id)} aria-label={`Link to ${card.title}`}>Link</a>
      </div>
    </article>
  );
}

export function ExperimentsPanel() {
  const exp = useStore(selExp);
  const { config, step, status } = useStore(useShallow(selRun));
  const [open, setOpen] = useState(false);
  const [seedSteps, setSeedSteps] = useState<number | null>(null);
  useEffect(() => {
    if (exp.linked) setOpen(true);
  }, [exp.linked]);
  const busy = exp.progress !== null;
  // steps per seed of the current config: what was typed, else as many as this run has taken, else up to its first evaluation
  const steps = seedSteps ?? (step > 0 ? step : config.grpo.evalEvery);
  const stepsOk = Number.isInteger(steps) && steps >= 1 && steps <= 100_000;
  const runSeeds = () => {
    const { title, plan } = seedPlan(config, steps, SEEDS.length);
    void runPlan(title, plan);
  };
  return (
    <section className="card experiments" aria-label="Experiments">
      <div className="experiments-head">
        <h2>Experiments</h2>
        <button type="button" aria-expanded={open} onClick={() => { setOpen(!open); if (open) dismissLinked(); }}>
          {open ? 'Hide the experiments' : 'Show the experiments'}
        </button>
      </div>
      <p className="experiments-intro">
        The questions R1-Zero raised, one click each: every card says what to watch and what README measured (or that it was not), and Run trains
        its arms one after the other and draws them over the charts, each labelled. Runs are stored like any run.
      </p>
      {exp.error && <p className="experiments-error" role="alert">{exp.error}</p>}
      {exp.progress && (
        <p className="experiments-progress" role="status" data-testid="experiment-progress">
          Running {exp.progress.title}: {exp.progress.label} (run {exp.progress.index + 1} of {exp.progress.total}, {status} at step {step}).{' '}
          <button type="button" onClick={stopQueue}>Stop</button>
        </p>
      )}
      {exp.shown && exp.shown.arms.length > 0 && (
        <div className="experiments-shown" data-testid="experiment-shown">
          On the charts: <strong>{exp.shown.title}</strong>: {exp.shown.arms.map((a) => `${a.label} (${a.runs.length} run${a.runs.length === 1 ? '' : 's'})`).join(', ')}
          {(exp.shown.references ?? []).map((r) => `; against ${r.label}`).join('')}.{' '}
          {exp.shown.arms.some((a) => a.runs.length > 1) && (
            <label>
              Band over seeds{' '}
              <select aria-label="Band over seeds" value={exp.band} onChange={(e) => setBand(e.target.value as SeedBandKind)}>
                <option value="minmax">{SEED_BAND_WORDS.minmax}</option>
                <option value="t95">{SEED_BAND_WORDS.t95}</option>
              </select>
            </label>
          )}{' '}
          <button type="button" onClick={hideShown} disabled={busy}>Remove from the charts</button>
        </div>
      )}
      <div className="experiments-seeds">
        <label>
          Steps per seed{' '}
          <input type="number" min={1} aria-label="Steps per seed" value={steps} onChange={(e) => setSeedSteps(e.target.value === '' ? null : Number(e.target.value))} />
        </label>{' '}
        <button type="button" disabled={busy || !stepsOk} onClick={runSeeds}>Run 3 seeds of this config</button>
        <span className="experiments-note"> seeds {config.seed}, {config.seed + 1}, {config.seed + 2}: the mean with a band on every per-step chart</span>
      </div>
      {open && (
        <div className="experiment-cards">
          {CARDS.map((c) => <Card key={c.id} card={c} linked={exp.linked === c.id} busy={busy} />)}
        </div>
      )}
    </section>
  );
}
