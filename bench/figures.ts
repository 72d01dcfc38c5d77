// The shape of bench/results.json and the side-by-side timing helper the
// bench page uses. No DOM here: scripts/bench.ts imports the types too.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What ratio is taken against (null: no ratio, a plain count or time). */
  vs: string | null;
  ratio: number | null;
  /** e.g. '>= 1', '<= 0.5'; null when the issue sets none. */
  target: string | null;
  /** true/false against target; null where no target applies on this adapter. */
  met: boolean | null;
}

export interface BenchResult {
  adapter: { label: string; fallback: boolean; info: Record<string, unknown> };
  quick: boolean;
  figures: Figure[];
  wallSeconds: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Whether value meets a target written '>= x' or '<= x'. */
export function meets(value: number, target: string): boolean {
  const m = /^(>=|<=)\s*([0-9.e/+-]+)$/.exec(target.trim());
  if (!m) throw new Error(`bad target ${target}`);
  const [num, den] = m[2]!.split('/').map(Number);
  const x = den === undefined ? num! : num! / den;
  return m[1] === '>=' ? value >= x : value <= x;
}

/**
 * Times a and b side by side: one untimed warm-up each, then reps rounds that
 * alternate which goes first, so drift (thermal, GC, other load) hits both.
 * Returns the median time of each (ms) and the median of the per-round ratios b/a.
 */
export async function sideBySide(a: () => Promise<void>, b: () => Promise<void>, reps: number): Promise<{ a: number; b: number; ratio: number }> {
  await a();
  await b();
  const ta: number[] = [], tb: number[] = [], r: number[] = [];
  const time = async (f: () => Promise<void>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  for (let i = 0; i < reps; i++) {
    let x: number, y: number;
    if (i % 2 === 0) { x = await time(a); y = await time(b); } else { y = await time(b); x = await time(a); }
    ta.push(x); tb.push(y); r.push(y / x);
  }
  return { a: median(ta), b: median(tb), ratio: median(r) };
}

export function markdownTable(res: BenchResult): string {
  const fmt = (x: number | null) => (x === null ? '' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
  const lines = ['| figure | value | unit | vs | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const f of res.figures) {
    const met = f.met === null ? 'n/a' : f.met ? 'yes' : 'NO';
    lines.push(`| ${f.name} | ${fmt(f.value)} | ${f.unit} | ${f.vs ?? ''} | ${fmt(f.ratio)} | ${f.target ?? ''} | ${met} |`);
  }
  return lines.join('\n');
}
