// The playground: ask the current policy a problem. The text is checked with
// the tokenizer before anything is sent, so a character the model cannot read
// gets an inline message naming it and its position. The answer streams in
// token by token (the worker posts each one); when it ends, the worker sends
// the experts each token was routed to: shown on hover, and as a strip of
// top-1 expert colours per layer.
//
// The question is read for the run's task (playground.ts readQuestion): an
// arithmetic run takes "47+85=", a countdown run "3;5;7=5" (the given numbers,
// then '=' and the target); malformed input gets a message saying what to
// type, and a finished answer is judged as the accuracy reward judges it
// (tasks/judge.ts answerIsRight), with the attempts of a countdown search.
//
// The engine switch runs the same question through onnxruntime-web instead
// (app/export/onnxEngine.ts: the current weights exported as ONNX, greedy):
// a second, independent implementation of the same policy, whose answer at
// temperature 0 should equal ours token for token; it says what it is doing
// while it loads and decodes. "Both" asks the two engines the same question,
// greedily, and shows the answers side by side with whether they agree.
import { useState, type FormEvent } from 'react';
import { askOrt, ortProgressText, type OrtAnswer } from '../export/onnxEngine';
import type { PlaygroundAnswer } from '../store';
import { samplePrompt } from '../trainer';
import type { SampleExperts } from '../../train/protocol';
import { useStore } from '../store';
import { agreement, defaultProblem, expertsText, judgeCompletion, problemHint, readQuestion, tokenExperts, type Expected } from './playground';
import { checkProblem, expertColor, formatValue, tokenColor, tokenPieces } from './tokens';
import './inspector.css';
import './playground.css';

type Engine = 'wgsl' | 'ort' | 'both';
const ENGINES: [Engine, string][] = [['wgsl', 'WGSL (ours)'], ['ort', 'onnxruntime-web'], ['both', 'both, side by side']];

/** The onnxruntime-web engine's last question: in flight (and where), answered, or failed. */
type OrtState = { busy: true; prompt: string; progress: string } | { busy: false; answer: OrtAnswer; expected: Expected | null } | { busy: false; error: string };

export function Playground() {
  const [engine, setEngine] = useState<Engine>('wgsl');
  const [ort, setOrt] = useState<OrtState | null>(null);
  const backendLabel = useStore((s) => s.backendLabel);
  const family = useStore((s) => s.config.task.family);
  const difficulty = useStore((s) => s.config.task.difficulty);
  // what the user typed; until then (and again when the run's kind of task changes) an example of the task
  const [typed, setTyped] = useState<string | null>(null);
  const task = family === 'countdown' ? `countdown/${difficulty}` : 'arithmetic';
  const [taskSeen, setTaskSeen] = useState(task);
  if (taskSeen !== task) {
    setTaskSeen(task);
    setTyped(null);
  }
  const problem = typed ?? defaultProblem(family, difficulty);
  const [temperature, setTemperature] = useState(0);
  const [hover, setHover] = useState<number | null>(null);
  const maxNew = useStore((s) => s.config.grpo.maxCompletionLength);
  const status = useStore((s) => s.status);
  const answer = useStore((s) => s.playground);
  const askPlayground = useStore((s) => s.askPlayground);
  const bad = checkProblem(problem);
  const question = bad || problem.length === 0 ? null : readQuestion(problem, family, difficulty);
  const refused = question && !question.ok ? question.error : null;
  const message = bad?.message ?? refused;
  const canAsk = status !== 'idle' && status !== 'pretraining' && status !== 'error';
  const streaming = answer !== null && !answer.done;

  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (!question || !question.ok || !canAsk) return;
    const { prompt, expected } = question;
    setHover(null);
    if (engine !== 'wgsl') {
      if (ort?.busy) return;
      setOrt({ busy: true, prompt, progress: 'starting…' });
      const progress = (p: Parameters<typeof ortProgressText>[0]) => setOrt((s) => (s?.busy ? { ...s, progress: ortProgressText(p) } : s));
      askOrt(prompt, maxNew, progress).then(
        (answer) => setOrt({ busy: false, answer, expected }),
        (err: unknown) => setOrt({ busy: false, error: err instanceof Error ? err.message : String(err) }),
      );
    }
    // both engines: ours greedy too, so the two answers can be compared token for token
    if (engine !== 'ort') askPlayground(samplePrompt(prompt, maxNew, engine === 'both' ? 0 : temperature), prompt, expected);
  };

  const pieces = answer ? tokenPieces(answer.tokens, null) : [];
  const experts = answer?.experts ?? null;
  const hovered = hover !== null && answer && hover < answer.tokens.length ? hover : null;

  return (
    <section aria-label="Playground" className="card playground">
      <h2>Playground</h2>
      <div role="radiogroup" aria-label="Engine" className="pg-engine">
        Engine:{' '}
        {ENGINES.map(([id, label]) => (
          <label key={id}>
            <input type="radio" name="pg-engine" value={id} checked={engine === id} onChange={() => setEngine(id)} /> {label}
          </label>
        ))}
      </div>
      <p className="muted" data-testid="engine-running">
        {engine === 'wgsl' ? `Running: WGSL (ours)${backendLabel ? ` on ${backendLabel}` : ''}` : engine === 'ort' ? ortRunning(ort) : `Running: WGSL (ours)${backendLabel ? ` on ${backendLabel}` : ''} and ${ortRunning(ort).replace(/^Running: /, '')}`}
      </p>
      <form onSubmit={ask} className="playground-form">
        <label>
          Problem{' '}
          <input
            aria-label="Problem"
            value={problem}
            placeholder={problemHint(family)}
            onChange={(e) => setTyped(e.target.value)}
            aria-invalid={message !== null}
            aria-describedby={message ? 'problem-error' : question?.ok && question.note ? 'problem-note' : undefined}
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
            value={engine !== 'wgsl' ? 0 : temperature}
            disabled={engine !== 'wgsl'}
            title={engine !== 'wgsl' ? 'onnxruntime-web answers greedily (and so does ours beside it)' : undefined}
            onChange={(e) => setTemperature(Number(e.target.value))}
          />
          <output>{temperature === 0 || engine !== 'wgsl' ? 'greedy' : temperature.toFixed(2)}</output>
        </label>
        <button type="submit" disabled={!question?.ok || !canAsk || (engine !== 'wgsl' && ort?.busy === true)}>
          Ask
        </button>
      </form>
      {message && (
        <p id="problem-error" role="alert" className="error">
          {message}
        </p>
      )}
      {question?.ok && question.note && (
        <p id="problem-note" className="muted" data-testid="problem-note">
          {question.note}
        </p>
      )}
      {!canAsk && <p className="muted">The policy is not ready yet.</p>}
      {engine === 'both' && <AgreeMark wgsl={answer} ort={ort} />}
      <div className={engine === 'both' ? 'pg-both' : undefined}>
      {engine !== 'ort' && answer && (
        <div data-testid="playground-answer" data-done={answer.done} data-completion={answer.completion} aria-busy={streaming} className="answer">
          {engine === 'both' && <h3 className="pg-col">WGSL (ours)</h3>}
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
          {answer.done && !answer.stopped && answer.expected && <VerdictLine expected={answer.expected} completion={answer.completion} />}
          <p className="muted">
            Token colour: log-probability of the sampled token (red = unlikely).
            {answer.done && answer.step !== null && ` Policy after ${answer.step} GRPO step${answer.step === 1 ? '' : 's'}.`}
          </p>
        </div>
      )}
      {engine !== 'wgsl' && ort && <OrtAnswerView state={ort} caption={engine === 'both'} />}
      </div>
    </section>
  );
}

function ortRunning(ort: OrtState | null): string {
  if (!ort || ort.busy || !('answer' in ort)) return 'Running: onnxruntime-web (starts with the first question)';
  const { ep, fallbackReason } = ort.answer.engine;
  return `Running: onnxruntime-web on ${ep === 'webgpu' ? 'the WebGPU EP' : 'the wasm EP'}${fallbackReason ? ` (WebGPU failed: ${fallbackReason})` : ''}`;
}

function OrtAnswerView({ state, caption }: { state: OrtState; caption: boolean }) {
  if (state.busy) return <p className="muted" aria-busy="true" data-testid="ort-progress">onnxruntime-web is answering {state.prompt}: {state.progress}</p>;
  if ('error' in state) return <p role="alert" className="error">onnxruntime-web: {state.error}</p>;
  const a = state.answer;
  return (
    <div data-testid="ort-answer" data-done="true" data-completion={a.completion} className="answer">
      {caption && <h3 className="pg-col">onnxruntime-web</h3>}
      <code>{a.prompt}</code> <span className="tokens">{tokenPieces(Int32Array.from(a.tokens), null).map((p) => <span key={p.index} className={p.wait ? 'tok wait' : 'tok'}>{p.text}</span>)}</span>
      {state.expected && <VerdictLine expected={state.expected} completion={a.completion} />}
      <p className="muted">Greedy, onnxruntime-web ({a.engine.ep}), policy after {a.step} GRPO step{a.step === 1 ? '' : 's'}.</p>
    </div>
  );
}

/** Both engines' greedy answers to one question: the same tokens, or where they part. */
function AgreeMark({ wgsl, ort }: { wgsl: PlaygroundAnswer | null; ort: OrtState | null }) {
  if (!wgsl?.done || !ort || ort.busy || !('answer' in ort) || ort.answer.prompt !== wgsl.prompt) return null;
  const a = agreement(Array.from(wgsl.tokens), ort.answer.tokens);
  return (
    <p className={a.agree ? 'pg-agree yes' : 'pg-agree no'} data-testid="engines-agree" data-agree={a.agree}>
      {a.text}
    </p>
  );
}

/** Whether the finished answer is right, as the accuracy reward would score it, and why. */
function VerdictLine({ expected, completion }: { expected: Expected; completion: string }) {
  const v = judgeCompletion(expected, completion);
  return (
    <p className={v.right ? 'pg-verdict right' : 'pg-verdict wrong'} data-testid="playground-verdict" data-right={v.right} data-attempts={v.attempts}>
      {expected.family === 'countdown' ? `Target ${expected.answer}. ` : ''}Answer {v.text}
    </p>
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
