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

/** Greedy answer of the current policy in onnxruntime-web; the prompt gets a leading <bos> like the trainer's sample command. */
export async function askOrt(problem: string, maxNew: number): Promise<OrtAnswer> {
  const prompt = problem.startsWith('<bos>') ? problem : `<bos>${problem}`;
  const ids = encode(prompt);
  const { bytes, step, config } = await currentCheckpoint();
  const ort = ensureOrt();
  const engine = await ort.load(onnxFromCheckpoint(bytes), 'webgpu');
  const tokens = await ort.greedy(ids, maxNew, config.model.maxSeqLen);
  return { prompt: problem, completion: decode(tokens), tokens, step, engine };
}
