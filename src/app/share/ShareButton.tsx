// The Share button: puts the run link (config + seed, and a snapshot of the
// results once the run has steps) in the address bar and on the clipboard,
// and says so. When the clipboard is refused, the link is shown selected in a
// read-only field to copy by hand.
import { useEffect, useRef, useState } from 'react';
import { encodeRunLink } from '../../share/url';
import { useStore } from '../store';
import { snapshotFromRun } from './snapshot';
import './share.css';

/** The link of the run on screen: a shared snapshot still on the charts is passed on as it came. */
async function currentLink(): Promise<string> {
  const s = useStore.getState();
  const snapshot = s.shared?.showing ? s.shared.snapshot : s.metrics.length > 0 ? snapshotFromRun(s) : undefined;
  const hash = await encodeRunLink(s.config, snapshot);
  return location.origin + location.pathname + location.search + hash;
}

export function ShareButton() {
  const [said, setSaid] = useState('');
  const [manual, setManual] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (manual !== null) field.current?.select();
  }, [manual]);
  useEffect(() => {
    if (!said) return;
    const t = setTimeout(() => setSaid(''), 4000);
    return () => clearTimeout(t);
  }, [said]);

  async function share(): Promise<void> {
    const url = await currentLink();
    // the address bar holds the run too, without a history entry per click
    history.replaceState(history.state, '', url);
    try {
      await navigator.clipboard.writeText(url);
      setManual(null);
      setSaid('Link copied');
    } catch {
      setManual(url);
      setSaid('Copy the link below');
    }
  }

  return (
    <>
      <button type="button" onClick={() => void share()} title="Copy a link that holds this run's config, seed and results">
        Share
      </button>
      <span className="share-status" aria-live="polite">
        {said}
      </span>
      {manual !== null && (
        <input ref={field} className="share-fallback" readOnly value={manual} aria-label="Run link" onFocus={(e) => e.currentTarget.select()} />
      )}
    </>
  );
}
