// The Runs region: stored runs (name, config, steps, last reward) with an
// overlay checkbox each. A run is named by what differs from the live run, or
// from its closest preset when alone (naming.ts), unless renamed (Rename, kept
// in IndexedDB); Compare opens the two configs side by side (ConfigDiff.tsx) (the run drawn dashed on every chart but expert load,
// in the colour its swatch shows: app/charts/overlay.ts), Delete, and Clear
// all behind a confirm. Deleting the live run stops saving it, and the list
// says so (why, in persistence.ts). The resume banner offers the newest
// run with a checkpoint at startup. Storage problems show here too.
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { overlayColors } from '../charts/overlay';
import { useStore, type AppState, type RunSummary } from '../store';
import { resumeRun } from '../trainer';
import { ConfigDiff } from './ConfigDiff';
import { runNames } from './naming';
import { clearRuns, compareRun, deleteRun, dismissResume, renameRun, setOverlay } from './persistence';
import './runs.css';

const selList = (s: AppState) => s.runs.list;
const selCurrent = (s: AppState) => s.runs.currentId;
const selUnsaved = (s: AppState) => s.runs.unsaved;
const selOverlayIds = (s: AppState) => s.runs.overlays.map((o) => o.id);
const selOffer = (s: AppState) => s.runs.resumeOffer;
const selStorageError = (s: AppState) => s.runs.storageError;
const selSkipped = (s: AppState) => s.runs.skipped;
const selConfig = (s: AppState) => s.config;
const selCompare = (s: AppState) => s.runs.compareId;

export function ResumeBanner() {
  const offer = useStore(selOffer);
  if (!offer) return null;
  return (
    <div className="card runs-resume" role="region" aria-label="Resume">
      <button type="button" onClick={() => void resumeRun(offer.id)}>Resume run {offer.name} from step {offer.step}</button>
      <button type="button" onClick={dismissResume}>Start fresh</button>
    </div>
  );
}

export function StorageMessages() {
  const err = useStore(selStorageError);
  const skipped = useStore(useShallow(selSkipped));
  if (!err && skipped.length === 0) return null;
  return (
    <div className="card runs-alert" role="alert">
      {err && <p>{err}</p>}
      {skipped.map((m) => <p key={m}>{m}</p>)}
    </div>
  );
}

export function RunsPanel() {
  const list = useStore(selList);
  const current = useStore(selCurrent);
  const unsaved = useStore(selUnsaved);
  const overlaid = useStore(useShallow(selOverlayIds));
  const live = useStore(selConfig);
  const compareId = useStore(selCompare);
  const colors = overlayColors(overlaid);
  const names = useMemo(() => runNames(list, live, current), [list, live, current]);
  const [renaming, setRenaming] = useState<string | null>(null);
  const compared = list.find((r) => r.id === compareId) ?? null;
  const clearAll = () => {
    if (window.confirm('Delete every stored run? This cannot be undone.')) void clearRuns();
  };
  return (
    <section className="card runs" aria-label="Runs">
      <h2>Runs</h2>
      {unsaved && <p className="runs-unsaved" role="status">{unsaved}</p>}
      {list.length === 0 ? <p className="runs-empty">No stored runs yet: a run is saved from its first step.</p> : (
        <table>
          <thead><tr><th>Overlay</th><th>Run</th><th>Config</th><th>Steps</th><th>Last reward</th><th /></tr></thead>
          <tbody>
            {list.map((r, i) => (
              <tr key={r.id} className={r.id === current ? 'runs-current' : undefined}>
                <td>
                  <input type="checkbox" aria-label={`Overlay ${r.name}`} checked={overlaid.includes(r.id)} disabled={r.id === current}
                    onChange={(ev) => void setOverlay(r.id, ev.target.checked)} />
                  {overlaid.includes(r.id) && <span className="runs-swatch" data-testid="overlay-swatch" style={{ borderColor: colors[overlaid.indexOf(r.id)] }} title="its dashed line on the charts" />}
                </td>
                <td>
                  {renaming === r.id ? <RenameBox run={r} name={names[i]!.name} done={() => setRenaming(null)} /> : (
                    <span className="runs-name" data-testid="run-name" title={names[i]!.detail || undefined}>{names[i]!.name}</span>
                  )}
                  {r.id === current ? ' (this run)' : ''}
                  <span className="runs-started">{r.name}</span>
                </td>
                <td>{r.summary}</td>
                <td>{r.lastStep}</td>
                <td>{r.lastReward === null ? '–' : r.lastReward.toFixed(3)}</td>
                <td className="runs-actions">
                  <button type="button" aria-label={`Rename ${r.name}`} onClick={() => setRenaming(r.id)}>Rename</button>
                  {r.id !== current && (
                    <button type="button" aria-label={`Compare ${r.name}`} aria-pressed={compareId === r.id} onClick={() => compareRun(compareId === r.id ? null : r.id)}>Compare</button>
                  )}
                  <button type="button" aria-label={`Delete ${r.name}`} title={r.id === current ? 'Deletes this run and stops saving it' : undefined} onClick={() => void deleteRun(r.id)}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={clearAll} disabled={list.length === 0}>Clear all</button>
      {compared && <ConfigDiff live={live} other={compared.config} otherName={names[list.indexOf(compared)]!.name} close={() => compareRun(null)} />}
    </section>
  );
}

/** The name field of a run being renamed: Enter or leaving it saves, Escape cancels, empty goes back to the name by difference. */
function RenameBox({ run, name, done }: { run: RunSummary; name: string; done: () => void }) {
  const [text, setText] = useState(run.label ?? name);
  const save = () => {
    void renameRun(run.id, text);
    done();
  };
  return (
    <input className="runs-rename" aria-label={`New name for ${run.name}`} value={text} autoFocus
      onChange={(ev) => setText(ev.target.value)} onBlur={save}
      onKeyDown={(ev) => {
        if (ev.key === 'Enter') save();
        if (ev.key === 'Escape') done();
      }} />
  );
}
