// Optional GPU-time profiler on 'timestamp-query' (DESIGN §7). While started,
// every dispatch of the runtime runs in a compute pass of its own whose begin
// and end timestamps land in a query set; report() attributes the GPU time to
// kernel names. One pass per dispatch costs a little (and 256 dispatches per
// submit), which is the price of timestampWrites being per pass.
//
// It wraps the runtime instance's dispatch() rather than changing runtime.ts;
// it reaches the runtime's pass bookkeeping (endPass, ensureEncoder, pass)
// through element access, the one place outside runtime.ts that does. A
// `beginPass` hook in the runtime would make that unnecessary.

import type { GpuRuntime, Kernel } from './runtime';

/** Dispatches measured per query-set batch; each batch is resolved and submitted. */
const BATCH = 256;

export interface ProfileRow {
  name: string;
  calls: number;
  /** Summed GPU time between each pass's begin and end timestamps. */
  totalMs: number;
  meanUs: number;
  /** Share of all measured time, 0..1. */
  share: number;
}

interface RuntimeInternals {
  endPass(): void;
  ensureEncoder(): GPUCommandEncoder;
  pass: GPUComputePassEncoder | null;
}

export class Profiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private names: string[] = []; // kernel of each measured pass of the open batch
  private pending: { staging: GPUBuffer; names: string[] }[] = [];
  private original: GpuRuntime['dispatch'] | null = null;

  /** Use createProfiler, which returns null when the device has no timestamp-query. */
  constructor(private readonly rt: GpuRuntime) {
    this.querySet = rt.device.createQuerySet({ label: 'profiler', type: 'timestamp', count: 2 * BATCH });
    this.resolve = rt.device.createBuffer({ label: 'profiler resolve', size: 2 * BATCH * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  get running(): boolean {
    return this.original !== null;
  }

  /** From now on every dispatch is timed (in its own pass). */
  start(): void {
    if (this.original) return;
    this.rt.flush(); // earlier work stays untimed and out of the first batch
    const rt = this.rt;
    const inner = rt as unknown as RuntimeInternals;
    const original = rt.dispatch.bind(rt);
    this.original = rt.dispatch;
    rt.dispatch = (k: Kernel, tensors, params, workgroups) => {
      const before = rt.counters.dispatches;
      const i = this.names.length;
      inner.endPass();
      inner.pass = inner.ensureEncoder().beginComputePass({
        label: k.name,
        timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
      original(k, tensors, params, workgroups);
      inner.endPass(); // ends the timed pass even when the dispatch was empty
      // An empty dispatch (a zero workgroup count) still wrote both timestamps: count it as free.
      this.names.push(rt.counters.dispatches > before ? k.name : '(empty)');
      if (this.names.length === BATCH) this.endBatch();
    };
  }

  /** Back to one pass for many dispatches; what was measured stays for report(). */
  stop(): void {
    if (!this.original) return;
    this.endBatch();
    this.rt.dispatch = this.original;
    this.original = null;
  }

  private endBatch(): void {
    const n = this.names.length;
    if (n === 0) return;
    const staging = this.rt.device.createBuffer({ label: 'profiler staging', size: 2 * n * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = (this.rt as unknown as RuntimeInternals).ensureEncoder();
    enc.resolveQuerySet(this.querySet, 0, 2 * n, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, staging, 0, 2 * n * 8);
    this.rt.flush(); // the query set is reused by the next batch, after this submit in queue order
    this.pending.push({ staging, names: this.names });
    this.names = [];
  }

  /** Waits for every measured batch and returns GPU time per kernel, largest first; then forgets them. */
  async report(): Promise<ProfileRow[]> {
    this.endBatch();
    const byName = new Map<string, { calls: number; ns: number }>();
    for (const { staging, names } of this.pending) {
      await staging.mapAsync(GPUMapMode.READ);
      const ts = new BigUint64Array(staging.getMappedRange());
      names.forEach((name, i) => {
        if (name === '(empty)') return;
        const begin = ts[2 * i]!;
        const end = ts[2 * i + 1]!;
        const ns = end > begin ? Number(end - begin) : 0; // timestamps may be quantised or, rarely, out of order
        const row = byName.get(name) ?? { calls: 0, ns: 0 };
        row.calls++;
        row.ns += ns;
        byName.set(name, row);
      });
      staging.unmap();
      staging.destroy();
    }
    this.pending = [];
    let total = 0;
    for (const r of byName.values()) total += r.ns;
    return [...byName.entries()]
      .map(([name, r]) => ({ name, calls: r.calls, totalMs: r.ns / 1e6, meanUs: r.ns / 1e3 / r.calls, share: total > 0 ? r.ns / total : 0 }))
      .sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));
  }

  destroy(): void {
    this.stop();
    this.querySet.destroy();
    this.resolve.destroy();
  }
}

/** A profiler for rt, or null when its device lacks 'timestamp-query' (acquireDevice({ profile: true }) asks for it). */
export function createProfiler(rt: GpuRuntime): Profiler | null {
  return rt.device.features.has('timestamp-query') ? new Profiler(rt) : null;
}

/** A fixed-width text table of the rows, for the console and benchmark pages. */
export function formatProfile(rows: readonly ProfileRow[]): string {
  const w = Math.max(6, ...rows.map((r) => r.name.length));
  const lines = [`${'kernel'.padEnd(w)}  calls   total ms   mean us   share`];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(w)}  ${String(r.calls).padStart(5)}  ${r.totalMs.toFixed(3).padStart(9)}  ${r.meanUs.toFixed(1).padStart(8)}  ${(100 * r.share).toFixed(1).padStart(5)}%`,
    );
  }
  return lines.join('\n');
}
