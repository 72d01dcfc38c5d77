// The header: product name, backend badge, the engine choice, the run's readouts (step, steps/s,
// tokens/s, pretraining progress, status line), the controls, a banner for
// the worker's errors, and a notice for faults it recovered from.
import { useEffect, useState } from 'react';
import { useStore } from '../store';
import { BackendBadge } from './BackendBadge';
import { EngineSelect } from './EngineSelect';
import { Controls } from './Controls';
import { errorSentence, formatRate, pretrainText, progressText, shownStep, statusDetail } from './format';

export function Header() {
  return (
    <header className="app-header">
      <div className="header-row">
        <h1>GRPO Playground</h1>
        <BackendBadge />
        <EngineSelect />
        <Readouts />
        <Controls />
      </div>
      <StatusLine />
      <ErrorBanner />
      <NoticeBanner />
    </header>
  );
}

function Readouts() {
  const done = useStore((s) => s.step);
  const shown = useStore(shownStep);
  const shared = useStore((s) => s.shared?.showing ?? false);
  const stepsPerSec = useStore((s) => s.stepsPerSec);
  const tokensPerSec = useStore((s) => s.tokensPerSec);
  const title = shared
    ? 'The shared run\'s last step, as its charts show it'
    : `${done} GRPO step${done === 1 ? '' : 's'} taken; the charts' last point is this step (step 0: the base model's rollouts)`;
  return (
    <dl className="readouts">
      <div title={title}>
        <dt>{shared ? 'shared step' : 'step'}</dt>
        <dd data-testid="header-step" data-done={done}>{shown ?? '–'}</dd>
      </div>
      <div>
        <dt>steps/s</dt>
        <dd data-testid="header-steps-per-sec">{formatRate(stepsPerSec)}</dd>
      </div>
      <div>
        <dt>tokens/s</dt>
        <dd data-testid="header-tokens-per-sec">{formatRate(tokensPerSec)}</dd>
      </div>
    </dl>
  );
}

function StatusLine() {
  const status = useStore((s) => s.status);
  const message = useStore((s) => s.statusMessage);
  const pretrain = useStore((s) => s.pretrain);
  return (
    <div className="status-line">
      <span role="status" data-testid="run-status" data-state={status}>
        <strong>{status}</strong>
        {message ? ` — ${statusDetail(status, message)}` : ''}
      </span>
      {status === 'running' && <StepProgress />}
      {status === 'pretraining' && pretrain && (() => {
        // the pipeline's stages before step 0 (train/session/run.ts sftStage) report like pretraining, with messages
        // "cold start i/n: loss …" and "distill i/n: loss …": SFT of the base, not pretraining
        const stage = /^(cold start|distill)\b/.exec(message)?.[1];
        const [words, aria] = stage === 'cold start' ? ['cold-start SFT', 'Cold start'] : stage === 'distill' ? ['distillation SFT', 'Distillation'] : ['pretraining the base model', 'Pretraining'];
        return (
          <label className="pretrain">
            {words} {pretrainText(pretrain)}
            <progress aria-label={aria} max={pretrain.total} value={Math.min(pretrain.step + 1, pretrain.total)} />
          </label>
        );
      })()}
    </div>
  );
}

/** The phase of the step under way and its seconds so far, ticking once a second. */
function StepProgress() {
  const progress = useStore((s) => s.progress);
  const lastMs = useStore((s) => s.metrics[s.metrics.length - 1]?.stepTime ?? null);
  const gpu = useStore((s) => s.backend === 'webgpu');
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!progress) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [progress]);
  if (!progress) return null;
  return <span className="step-progress" data-testid="step-progress" data-phase={progress.phase}>{progressText(progress, Math.max(0, now - progress.since), lastMs, gpu)}</span>;
}

function ErrorBanner() {
  const error = useStore((s) => s.error);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      <span>{errorSentence(error)}</span>
      <button type="button" onClick={() => useStore.setState({ error: null })} aria-label="Dismiss the error">
        ×
      </button>
    </div>
  );
}

/** What went wrong and what the app did about it (a lost GPU device, recovered); the run goes on. */
function NoticeBanner() {
  const notice = useStore((s) => s.notice);
  if (!notice) return null;
  return (
    <div className="error-banner notice-banner" role="status" aria-label="Recovered" data-testid="notice">
      <span>{notice.message}.</span>
      <button type="button" onClick={() => useStore.setState({ notice: null })} aria-label="Dismiss the notice">
        ×
      </button>
    </div>
  );
}
