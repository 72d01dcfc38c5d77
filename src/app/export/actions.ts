// What the Export menu does, outside React: ask the trainer worker for its
// weights (one checkpoint event), turn them into files with share/ (a
// safetensors checkpoint, an ONNX policy, metrics JSON/CSV, a TRL script) and
// hand them to the browser as downloads; and import a checkpoint file into a
// new run. Nothing here computes model math.

import { type RunConfig } from '../../core/config';
import { validateConfig } from '../../core/validate';
import { decodeCheckpoint, encodeCheckpoint } from '../../share/checkpoint';
import { metricsCsv, metricsJson, trlScript } from '../../share/export';
import { onnxFromCheckpoint } from '../../share/onnx';
import { trainConfigErrors } from '../../train/checks';
import { currentEngine, requestCheckpoint, send } from '../trainer';
import { useStore } from '../store';

/** A checkpoint that has not come back by then is not coming (the worker has no run, or died). */
const CHECKPOINT_TIMEOUT_MS = 60_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Saves bytes under name through a temporary object URL. */
export function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoked after the click has been handled; some browsers read the URL asynchronously
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The worker's current weights as checkpoint bytes (the run's RunConfig, step and latest held-out numbers in the metadata). */
export async function currentCheckpoint(): Promise<{ bytes: Uint8Array; step: number; config: RunConfig }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the trainer did not send its weights (is a run ready?)')), CHECKPOINT_TIMEOUT_MS);
  });
  try {
    const e = await Promise.race([requestCheckpoint(), timeout]);
    const { config, errors } = validateConfig(JSON.parse(e.configJson));
    if (errors.length > 0) throw new Error(`the trainer's config is invalid: ${errors.map((x) => x.message).join('; ')}`);
    const s = useStore.getState();
    const last = s.evals[s.evals.length - 1];
    const stats: Record<string, number> = {};
    if (last) Object.assign(stats, { evalStep: last.step, heldOutGreedy: last.result.greedy.accuracy, heldOutSampled: last.result.sampled.accuracy });
    const bytes = encodeCheckpoint(config, new Float32Array(e.params), new Float32Array(e.routerBias), { step: e.step, stats });
    return { bytes, step: e.step, config };
  } finally {
    clearTimeout(timer);
  }
}

export type ExportKind = 'weights' | 'onnx' | 'json' | 'csv' | 'trl';

/** Builds and downloads one export; resolves with what was saved, for the menu's status line. */
export async function exportFile(kind: ExportKind): Promise<string> {
  const s = useStore.getState();
  switch (kind) {
    case 'weights': {
      const { bytes, step } = await currentCheckpoint();
      download(`grpo-playground-step${step}.safetensors`, bytes, 'application/octet-stream');
      return `Saved weights at step ${step} (${bytes.length} bytes).`;
    }
    case 'onnx': {
      const { bytes, step } = await currentCheckpoint();
      const onnx = onnxFromCheckpoint(bytes);
      download('policy.onnx', onnx, 'application/octet-stream');
      return `Saved policy.onnx at step ${step} (${onnx.length} bytes).`;
    }
    case 'json':
      download('metrics.json', metricsJson(s.config, s.metrics, s.evals), 'application/json');
      return `Saved metrics.json (${s.metrics.length} steps).`;
    case 'csv':
      download('metrics.csv', metricsCsv(s.metrics, s.evals), 'text/csv');
      return `Saved metrics.csv (${s.metrics.length} steps).`;
    case 'trl':
      download('grpo_playground_trl.py', trlScript(s.config), 'text/x-python');
      return 'Saved grpo_playground_trl.py.';
  }
}

export type ImportResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * Reads a checkpoint file and, when it is valid and trainable, starts a new run
 * from its weights and its config (at GRPO step 0). A bad file changes nothing
 * and says what is wrong with it.
 */
export async function importWeights(file: File): Promise<ImportResult> {
  let ck;
  try {
    ck = decodeCheckpoint(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    return { ok: false, message: `${file.name} was not loaded: ${message(e)}. The current run is unchanged.` };
  }
  const errors = trainConfigErrors(ck.config);
  if (errors.length > 0) {
    return { ok: false, message: `${file.name} was not loaded: its config cannot train here (${errors.map((x) => x.message).join('; ')}). The current run is unchanged.` };
  }
  // the old run's curves are not this run's
  useStore.setState({
    config: ck.config, draft: ck.config, draftErrors: [], shared: null,
    metrics: [], evals: [], baseAha: null, firstAhaStep: null, history: [], selectedStep: null, ahaFeed: [], playground: null,
  });
  send({ type: 'init', config: ck.config, weights: { params: ck.params, routerBias: ck.routerBias }, prefer: currentEngine() });
  return { ok: true, message: `Started a new run from ${file.name} (weights after ${ck.meta.step} steps).` };
}
