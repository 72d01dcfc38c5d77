// Play / Pause / Step / Reset / Share (app/share/) / Export (app/export/), and the keyboard: Space toggles
// play/pause, ArrowRight takes one step. The buttons only send commands; the
// worker's status events decide what is enabled.
import { useEffect } from 'react';
import type { SessionState } from '../../train/protocol';
import { ExportMenu } from '../export/ExportMenu';
import { ShareButton } from '../share/ShareButton';
import { useStore } from '../store';
import { pause, play, reset, startRun, stepOnce } from '../trainer';

const canStart = (s: SessionState) => s === 'ready' || s === 'paused';

/** A run that is gone (failed init, lost device) is restarted from its config; a live one is reset in the worker. */
function resetRun(): void {
  const { status, config } = useStore.getState();
  if (status === 'idle' || status === 'error') void startRun(config);
  else reset();
}

function togglePlay(): void {
  const s = useStore.getState().status;
  if (s === 'running') pause();
  else if (canStart(s)) play();
}

/** Typing in a field must not drive the run. */
function isTextTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName);
}

function onKey(e: KeyboardEvent): void {
  if (e.altKey || e.ctrlKey || e.metaKey || isTextTarget(e.target)) return;
  if (e.key === ' ') {
    // also stops a focused button from taking the same Space as a click
    e.preventDefault();
    if (!e.repeat) togglePlay();
  } else if (e.key === 'ArrowRight') {
    e.preventDefault();
    if (canStart(useStore.getState().status)) stepOnce();
  }
}

export function Controls() {
  const status = useStore((s) => s.status);
  // a run with a stage before step 0 (a cold start, a distillation) goes back to the policy after it, not the base (train/pipeline.ts)
  const staged = useStore((s) => s.config.pipeline.coldStartSteps > 0 || s.config.pipeline.teacher !== 'none');
  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const running = status === 'running';
  return (
    <div className="controls" role="toolbar" aria-label="Run controls">
      <button type="button" onClick={play} disabled={!canStart(status)} title="Play (Space)" aria-keyshortcuts="Space">
        Play
      </button>
      <button type="button" onClick={pause} disabled={!running} title="Pause (Space)" aria-keyshortcuts="Space">
        Pause
      </button>
      <button type="button" onClick={stepOnce} disabled={!canStart(status)} title="One GRPO step (→)" aria-keyshortcuts="ArrowRight">
        Step
      </button>
      <button type="button" onClick={resetRun} disabled={status === 'pretraining'} title={staged ? 'Back to step 0: the policy after its cold start or distillation' : 'Back to the base model at step 0'}>
        Reset
      </button>
      <ShareButton />
      <ExportMenu />
    </div>
  );
}
