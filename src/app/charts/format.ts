// Number formatting for chart readouts and ticks: short, and honest about size
// (a KL of 3e-5 must not print as 0.00).

/** A value in at most ~4 significant characters: 1234 -> "1,234", 0.4213 -> "0.421", 3.2e-5 -> "3.2e-5". */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return trimZeros(v.toFixed(3));
  const [mant, exp] = v.toExponential(1).split('e');
  return `${trimZeros(mant!)}e${Number(exp)}`;
}

/** A fraction in [0,1] as a percentage: 0.4213 -> "42%", 0.004 -> "0.4%". */
export function pct(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const p = v * 100;
  if (p !== 0 && Math.abs(p) < 1) return `${trimZeros(p.toFixed(1))}%`;
  return `${Math.round(p)}%`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Axis tops for fractions whose quarters are whole percents, so a 5-tick axis reads 0%, 2%, 4%, 6%, 8%. */
const FRACTION_TOPS = [0.04, 0.08, 0.2, 0.4, 0.8, 1];

/** The y-axis top for a fraction series whose largest value is max: the first round top at or above it. */
export function fractionTop(max: number): number {
  return FRACTION_TOPS.find((t) => t >= max) ?? Math.max(1, max);
}
