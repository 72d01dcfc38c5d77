// The playground's second engine: the current weights exported as ONNX
// (share/onnx.ts) and run in onnxruntime-web's worker (ort/), greedy. The
// worker starts once, on the first question; each question re-exports the
// weights, since training may have moved them since the last one (at this
// size the export takes milliseconds).

import { decode, encode } from '../../core/tokenizer';
import { onnxFromCheckpoint } from '../../share/onnx';
import { createOrtClient, startOrtWorker, type OrtClient, type OrtLoaded } from '../../ort/client';
import { currentCheckpoint } from './actions';

let client: OrtClient | null = null;
/** Set once a model has loaded: the first load compiles onnxruntime-web's WebGPU shaders (tens of seconds on a software GPU). */
let warmed = false;

function ensureOrt(): OrtClient {
  if (!client) client = createOrtClient(startOrtWorker());
  return client;
}

export interface OrtAnswer {
  prompt: string;
  /** Decoded completion, <eos> included when produced (as the WGSL engine writes it). */
  completion: string;
  tokens: number[];
  /** GRPO steps of the weights that answered. */
  step: number;
  engine: OrtLoaded;
}

/** Where an onnxruntime-web answer is (issue 18: the first one took over 38 s with nothing shown). */
export type OrtProgress =
  | { phase: 'export' }
  | { phase: 'load'; first: boolean }
  | { phase: 'decode'; tokens: number; maxNew: number };

/** The progress line the playground shows. */
export function ortProgressText(p: OrtProgress): string {
  switch (p.phase) {
    case 'export': return 'exporting the current weights as ONNX…';
    case 'load': return p.first
      ? 'starting onnxruntime-web and compiling its shaders (the first question only; tens of seconds on a software GPU)…'
      : 'loading the weights into onnxruntime-web…';
    case 'decode': return `decoding: token ${p.tokens} of at most ${p.maxNew}…`;
  }
}

/** Greedy answer of the current policy in onnxruntime-web; the prompt gets a leading <bos> like the trainer's sample command. */
export async function askOrt(problem: string, maxNew: number, onProgress: (p: OrtProgress) => void = () => {}): Promise<OrtAnswer> {
  const prompt = problem.startsWith('<bos>') ? problem : `<bos>${problem}`;
  const ids = encode(prompt);
  onProgress({ phase: 'export' });
  const { bytes, step, config } = await currentCheckpoint();
  const ort = ensureOrt();
  onProgress({ phase: 'load', first: !warmed });
  const engine = await ort.load(onnxFromCheckpoint(bytes), 'webgpu');
  warmed = true;
  onProgress({ phase: 'decode', tokens: 0, maxNew });
  const tokens = await ort.greedy(ids, maxNew, config.model.maxSeqLen, (n) => onProgress({ phase: 'decode', tokens: n, maxNew }));
  return { prompt: problem, completion: decode(tokens), tokens, step, engine };
}
