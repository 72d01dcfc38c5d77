// Pure helpers of the playground: reading a streamed answer's per-token
// experts (SampleExperts.idx is (length,L,k), like GrpoSample.experts).
import type { SampleExperts } from '../../train/protocol';

/** The k routed experts of each layer for token j: [layer][choice]. Empty when the experts are not known (yet). */
export function tokenExperts(x: SampleExperts | null, j: number): number[][] {
  if (!x || (j + 1) * x.L * x.k > x.idx.length) return [];
  return Array.from({ length: x.L }, (_, l) => Array.from(x.idx.subarray((j * x.L + l) * x.k, (j * x.L + l + 1) * x.k)));
}

/** "L1: e2 e5 · L2: e0 e7" for a tooltip or readout. */
export function expertsText(perLayer: readonly (readonly number[])[]): string {
  return perLayer.map((es, l) => `L${l + 1}: ${es.map((e) => `e${e}`).join(' ')}`).join(' · ');
}
