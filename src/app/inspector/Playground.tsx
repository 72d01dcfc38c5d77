// The playground: ask the current policy a problem. The text is checked with
// the tokenizer before anything is sent, so a character the model cannot read
// gets an inline message naming it and its position. The answer streams in
// token by token (the worker posts each one); when it ends, the worker sends
// the experts each token was routed to: shown on hover, and as a strip of
// top-1 expert colours per layer.
import { useState, type FormEvent } from 'react';
import { samplePrompt } from '../trainer';
import type { SampleExperts } from '../../train/protocol';
import { useStore } from '../store';
import { expertsText, tokenExperts } from './playground';
import { checkProblem, expertColor, formatValue, tokenColor, tokenPieces } from './tokens';
import './inspector.css';
import './playground.css';

export function Playground() {
  const [problem, setProblem] = useState('47+85=');
  const [temperature, setTemperature] = useState(0);
  const [hover, setHover] = useState<number | null>(null);
  const maxNew = useStore((s) => s.config.grpo.maxCompletionLength);
  const status = useStore((s) => s.status);
  const answer = useStore((s) => s.playground);
  const askPlayground = useStore((s) => s.askPlayground);
  const bad = checkProblem(problem);
  const canAsk = status !== 'idle' && status !== 'pretraining' && status !== 'error';
  const streaming = answer !== null && !answer.done;

  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (bad || problem.length === 0 || !canAsk) return;
    setHover(null);
    askPlayground(samplePrompt(problem, maxNew, temperature), problem);
  };

  const pieces = answer ? tokenPieces(answer.tokens, null) : [];
  const experts = answer?.experts ?? null;
  const hovered = hover !== null && answer && hover < answer.tokens.length ? hover : null;

  return (
    <section aria-label="Playground" className="card playground">
      <h2>Playground</h2>
      <form onSubmit={ask} className="playground-form">
        <label>
          Problem{' '}
          <input
            aria-label="Problem"
            value={problem}
            onChange={(e) => setProblem(e.target.value)}
            aria-invalid={bad !== null}
            aria-describedby={bad ? 'problem-error' : undefined}
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <label>
          Temperature{' '}
          <input
            type="range"
            aria-label="Temperature"
            min={0}
            max={2}
            step={0.05}
            value={temperature}
            onChange={(e) => setTemperature(Number(e.target.value))}
          />
          <output>{temperature === 0 ? 'greedy' : temperature.toFixed(2)}</output>
        </label>
        <button type="submit" disabled={bad !== null || problem.length === 0 || !canAsk}>
          Ask
        </button>
      </form>
      {bad && (
        <p id="problem-error" role="alert" className="error">
          {bad.message}
        </p>
      )}
      {!canAsk && <p className="muted">The policy is not ready yet.</p>}
      {answer && (
        <div data-testid="playground-answer" data-done={answer.done} aria-busy={streaming} className="answer">
          <code>{answer.prompt}</code>{' '}
          <span className="tokens" onMouseLeave={() => setHover(null)}>
            {pieces.map((p) => {
              const lp = answer.logp[p.index];
              const ex = tokenExperts(experts, p.index);
              const tip = [p.text, lp === undefined ? '' : `log-prob ${formatValue(lp)}`, ex.length > 0 ? `experts ${expertsText(ex)}` : ''].filter(Boolean).join(': ');
              return (
                <span
                  key={p.index}
                  data-testid="playground-token"
                  className={`${p.wait ? 'tok wait' : 'tok'}${hovered === p.index ? ' hot' : ''}`}
                  style={{ background: tokenColor('logp', lp ?? null) }}
                  title={tip}
                  onMouseEnter={() => setHover(p.index)}
                >
                  {p.text}
                </span>
              );
            })}
            {streaming && <span className="muted"> …</span>}
          </span>
          {experts && <ExpertStrip experts={experts} n={answer.tokens.length} hovered={hovered} onHover={setHover} />}
          <p className="pg-experts" data-testid="token-experts" aria-live="polite">
            {hovered === null
              ? experts ? 'Hover a token to see the experts it was routed to.' : streaming ? 'Thinking…' : ''
              : `"${pieces[hovered]?.text ?? ''}" (token ${hovered + 1}): ${experts ? expertsText(tokenExperts(experts, hovered)) : 'experts arrive when the answer ends'}`}
          </p>
          {answer.stopped && <p className="muted">{answer.stopped}</p>}
          <p className="muted">
            Token colour: log-probability of the sampled token (red = unlikely).
            {answer.done && answer.step !== null && ` Policy after ${answer.step} GRPO step${answer.step === 1 ? '' : 's'}.`}
          </p>
        </div>
      )}
    </section>
  );
}

/** One row per layer, one cell per token: the colour of its top-1 routed expert. */
function ExpertStrip({ experts, n, hovered, onHover }: { experts: SampleExperts; n: number; hovered: number | null; onHover: (j: number) => void }) {
  const { L, k } = experts;
  return (
    <div className="pg-strip" aria-label="Top-1 expert per token, by layer">
      {Array.from({ length: L }, (_, l) => (
        <div key={l} className="pg-strip-row">
          <span>L{l + 1}</span>
          {Array.from({ length: n }, (_, j) => {
            const e = experts.idx[(j * L + l) * k]!;
            return <span key={j} className={hovered === j ? 'pg-cell hot' : 'pg-cell'} style={{ background: expertColor(e) }} onMouseEnter={() => onHover(j)} />;
          })}
        </div>
      ))}
    </div>
  );
}
