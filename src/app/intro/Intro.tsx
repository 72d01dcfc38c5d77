// The introduction (issue 18, item 1): shown at the top of the panels until
// dismissed, then remembered in localStorage; a small button brings it back.
// Not a dialog: nothing is blocked while it shows.
import { useState } from 'react';
import { useStore } from '../store';
import { introDismissed, introText, rememberDismissed, type IntroStorage } from './intro';
import './intro.css';

function storage(): IntroStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function Intro() {
  const config = useStore((s) => s.config);
  const [open, setOpen] = useState(() => !introDismissed(storage()));
  const set = (v: boolean) => {
    rememberDismissed(storage(), !v);
    setOpen(v);
  };
  if (!open) {
    return (
      <div className="intro-reopen">
        <button type="button" onClick={() => set(true)}>What am I looking at?</button>
      </div>
    );
  }
  const t = introText(config);
  return (
    <section className="card intro" aria-labelledby="intro-title" data-testid="intro">
      <div className="intro-head">
        <h2 id="intro-title">What you are watching</h2>
        <button type="button" onClick={() => set(false)} aria-label="Hide the introduction">Hide</button>
      </div>
      <ul>
        <li>{t.model}</li>
        <li>{t.task}</li>
        <li>{t.grpo}</li>
      </ul>
      <p><strong>Watch.</strong> {t.watch}</p>
      <p className="intro-honest" data-testid="intro-honest">{t.honest}</p>
    </section>
  );
}
