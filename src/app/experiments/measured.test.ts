import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARITHMETIC_ROWS, ARITHMETIC_STEPS, COUNTDOWN_ARMS, SECONDS_PER_STEP_README, type ArmRow } from './measured';

// The cards' measured numbers are README's: each is read back from README's
// tables here, so a rerun that changes README fails this test until the
// table in measured.ts follows.

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const COLUMNS: (keyof ArmRow)[] = ['greedy', 'sampled', 'length', 'lengthRight', 'lengthWrong', 'reflection', 'aha', 'attempts', 'kl'];

/** A countdown arm's table: its heading line and the first number of each cell per step. */
function armTable(heading: string): { title: string; row: (step: number) => number[] } {
  const start = README.indexOf(heading);
  expect(start, `README lost the table "${heading}"`).toBeGreaterThan(0);
  const lines = README.slice(start).split('\n');
  const end = lines.findIndex((l, i) => i > 0 && l.startsWith('#'));
  const rows = lines.slice(0, end < 0 ? undefined : end).filter((l) => /^\| \d+ \|/.test(l));
  return {
    title: lines[0]!,
    row: (step) => {
      const line = rows.find((l) => l.startsWith(`| ${step} |`));
      expect(line, `${heading}: no row for step ${step}`).toBeDefined();
      return line!.split('|').slice(2, -1).map((c) => Number(c.trim().split(' ')[0]));
    },
  };
}

describe('the cards quote README', () => {
  for (const [arm, m] of Object.entries(COUNTDOWN_ARMS)) {
    it(`countdown arm (${arm}): seeds, steps, held-out size, base, and the step-0 and last rows`, () => {
      const t = armTable(m.heading);
      expect(t.title).toContain(`${m.seeds.length} seed(s) (${m.seeds.join(', ')})`);
      expect(t.title).toContain(`${m.heldOut} held-out problems`);
      expect(t.title).toContain(`base ${m.base}`);
      expect(t.row(0).slice(0, COLUMNS.length)).toEqual(COLUMNS.map((c) => m.from[c]));
      expect(t.row(m.steps).slice(0, COLUMNS.length)).toEqual(COLUMNS.map((c) => m.to[c]));
      expect(() => t.row(m.steps + 50)).toThrow(); // the last step is the last row
    });
  }

  it('the arithmetic temperature rows (300 steps): greedy and sampled from -> to, KL at the end', () => {
    expect(README).toMatch(new RegExp(`npm run experiment -- (--preset "R1-Zero \\(Arithmetic\\)" )?--steps ${ARITHMETIC_STEPS} --seed 1`));
    for (const r of Object.values(ARITHMETIC_ROWS)) {
      const line = README.split('\n').find((l) => l.startsWith(r.row));
      expect(line, r.row).toBeDefined();
      const cells = line!.split('|').slice(2, -1).map((c) => c.trim());
      const nums = (c: string) => [...c.matchAll(/\d+\.\d+/g)].map((x) => Number(x[0]));
      expect(nums(cells[0]!).slice(0, 2), r.row).toEqual([r.greedyFrom, r.greedyTo]);
      expect(nums(cells[1]!), r.row).toEqual([r.sampledFrom, r.sampledTo]);
      expect(Number(cells[5]), r.row).toBe(r.kl);
    }
  });

  it('the speeds the cards estimate run times from', () => {
    for (const words of Object.values(SECONDS_PER_STEP_README)) expect(README).toContain(words);
  });
});
