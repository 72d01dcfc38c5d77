// The DecodeOps contract: the decode-only ops every backend adds to its Ops
// for batched autoregressive decoding with a KV cache (DESIGN §7). The
// driver (prefill, decodeStep) and the meaning of positions and prompt
// lengths are model/decode.ts's; the CPU twin is cpu/decode.ts, the WebGPU
// one gpu/decode.ts, both `satisfies DecodeOps<...>`.

/** Everything sample() needs besides its tensors. */
export interface SampleDims {
  nSeq: number;
  V: number;
  /** logits of row b are row b*rowStride + rowOff of the logits (a pass over T positions: stride T, offset T-1). */
  rowStride: number;
  rowOff: number;
  /** The position being filled: the pass ended at pos-1. */
  pos: number;
  Tmax: number;
  /** A row stops once it reaches position Tlimit-1 (Tlimit <= Tmax). */
  Tlimit: number;
  /** Columns of the record; a row stops after maxNew sampled tokens. */
  maxNew: number;
  /** 0 = greedy (argmax, lowest id on ties). logp uses temperature 1 then. */
  temperature: number;
  /** Keep the topK largest logits (ties at the threshold stay); 0 = off. */
  topK: number;
  /**
   * Nucleus after top-k: keep the tokens whose strictly more likely kept
   * tokens hold less than topP of the kept mass (the most likely always
   * stays, ties at the edge stay together); 1 = off.
   */
  topP: number;
  seed: number;
  stream: number;
  /** <eos> id: sampling it stops the row; <pad> id: fed to finished rows. */
  eos: number;
  pad: number;
}

/**
 * The decode-only ops. Caches are one layer's (nSeq,Tmax,C) view of an
 * (L,nSeq,Tmax,C) buffer; qkv rows are [q | k | v] as in attentionForward.
 */
export interface DecodeOps<F, I> {
  readonly name: string;
  /**
   * kCache[b, pos0+t] = rope(k of qkv row (b,t)) at position pos0+t (plain k
   * when rope is false); vCache[b, pos0+t] = v. qkv is (nSeq,T,3C).
   */
  kvWrite(kCache: F, vCache: F, qkv: F, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void;
  /**
   * out (nSeq,T,C): query (b,t) = rope(q of qkv row (b,t)) at position pos0+t,
   * attends causally to cache positions 0..pos0+t of row b (written by kvWrite
   * first); scores q.k / sqrt(HS), softmax, weighted sum of v.
   */
  attentionDecode(out: F, qkv: F, kCache: F, vCache: F, nSeq: number, T: number, pos0: number, C: number, NH: number, Tmax: number, rope: boolean): void;
  /**
   * Fills position d.pos of every row. next (nSeq) gets the token fed to the
   * next pass; status (nSeq) 0 = running, 1 = done; prompt (nSeq,Tmax) and
   * plen (nSeq) hold the prompts; logits as SampleDims says. record is the
   * packed result (3 parts): tokens (nSeq,maxNew) as floats, logp
   * (nSeq,maxNew), length (nSeq). u = rngFloat(seed, stream, b*Tmax + pos).
   */
  sample(next: I, record: F, status: I, logits: F, prompt: I, plen: I, d: SampleDims): void;
}
