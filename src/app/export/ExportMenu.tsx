// The Export menu: weights (.safetensors), the policy (.onnx), metrics (.json,
// .csv), the TRL recipe (.py), and "Import weights" (a checkpoint file starts
// a new run from its weights). Buttons only call actions.ts; the line under
// them says what was saved, or what was wrong with an imported file.
import { useRef, useState, type ChangeEvent } from 'react';
import type { SessionState } from '../../train/protocol';
import { useStore } from '../store';
import { exportFile, importWeights, type ExportKind } from './actions';
import './export.css';

const ITEMS: [ExportKind, string][] = [
  ['weights', 'Weights (.safetensors)'],
  ['onnx', 'Policy (.onnx)'],
  ['json', 'Metrics (.json)'],
  ['csv', 'Metrics (.csv)'],
  ['trl', 'TRL script (.py)'],
];

/** Weights exist once the worker has a model: not before init, not while pretraining, not after a lost device. */
const hasWeights = (s: SessionState) => s === 'ready' || s === 'running' || s === 'paused';

export function ExportMenu() {
  const status = useStore((s) => s.status);
  const [busy, setBusy] = useState<ExportKind | 'import' | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const run = async (kind: ExportKind) => {
    setBusy(kind);
    try {
      setNote({ ok: true, text: await exportFile(kind) });
    } catch (e) {
      setNote({ ok: false, text: `Export failed: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      setBusy(null);
    }
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ''; // the same file can be chosen again
    if (!file) return;
    setBusy('import');
    const r = await importWeights(file);
    setNote({ ok: r.ok, text: r.message });
    setBusy(null);
  };

  return (
    <details className="export-menu">
      <summary>Export</summary>
      <div className="export-panel" role="group" aria-label="Export and import">
        {ITEMS.map(([kind, label]) => (
          <button key={kind} type="button" disabled={busy !== null || ((kind === 'weights' || kind === 'onnx') && !hasWeights(status))} onClick={() => void run(kind)}>
            {busy === kind ? `${label}…` : label}
          </button>
        ))}
        <label className="export-import">
          Import weights
          <input ref={input} type="file" accept=".safetensors,application/octet-stream" aria-label="Import weights" disabled={busy !== null || status === 'pretraining'} onChange={(e) => void onFile(e)} />
        </label>
        {note && (
          <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'export-note' : 'export-note error'}>
            {note.text}
          </p>
        )}
      </div>
    </details>
  );
}
