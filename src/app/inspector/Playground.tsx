// The playground: ask the current policy a problem. The text is checked with
// the tokenizer before anything is sent, so a character the model cannot read
// gets an inline message naming it and its position. The answer arrives whole
// (the worker's sample is one rollout call; it does not stream tokens yet).
import { useState, type FormEvent } from 'react';
import { samplePrompt } from '../trainer';
import { useStore } from '../store';
import { checkProblem, formatValue, tokenColor, tokenPieces } from './tokens';
import './inspector.css';

export function Playground() {
  const [problem, setProblem] = useState('47+85=');
  const [temperature, setTemperature] = useState(0);
  const [askedId, setAskedId] = useState<number | null>(null);
  const maxNew = useStore((s) => s.config.grpo.maxCompletionLength);
  const status = useStore((s) => s.status);
  const answer = useStore((s) => s.playground);
  const bad = checkProblem(problem);
  const canAsk = status !== 'idle' && status !== 'pretraining' && status !== 'error';
  const pending = askedId !== null && answer?.id !== askedId;

  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (bad || problem.length === 0 || !canAsk) return;
    setAskedId(samplePrompt(problem, maxNew, temperature));
  };

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
        <button type="submit" disabled={bad !== null || problem.length === 0 || !canAsk || pending}>
          Ask
        </button>
      </form>
      {bad && (
        <p id="problem-error" role="alert" className="error">
          {bad.message}
        </p>
      )}
      {!canAsk && <p className="muted">The policy is not ready yet.</p>}
      {pending && <p className="muted">Thinking…</p>}
      {answer && !pending && askedId === answer.id && (
        <div data-testid="playground-answer" className="answer">
          <code>{answer.prompt}</code>{' '}
          {answer.tokens ? (
            <span className="tokens">
              {tokenPieces(answer.tokens, null).map((p) => {
                const lp = answer.logp?.[p.index];
                return (
                  <span
                    key={p.index}
                    className={p.wait ? 'tok wait' : 'tok'}
                    style={{ background: tokenColor('logp', lp ?? null) }}
                    title={lp === undefined ? p.text : `${p.text}: log-prob ${formatValue(lp)}`}
                  >
                    {p.text}
                  </span>
                );
              })}
            </span>
          ) : (
            <code>{answer.completion}</code>
          )}
          <p className="muted">Token colour: log-probability of the sampled token (red = unlikely).</p>
        </div>
      )}
    </section>
  );
}
