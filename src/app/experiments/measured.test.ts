import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARITHMETIC_ROWS, ARITHMETIC_STEPS, COUNTDOWN_ARMS, DISTILL, PIPELINE, SECONDS_PER_STEP_README, type ArmRow, type Cell } from './measured';

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

  it('the distillation table: the student, teacher and budgets, and each row\'s rates with their intervals', () => {
    const start = README.indexOf(`\n${DISTILL.heading}\n`);
    expect(start, `README lost "${DISTILL.heading}"`).toBeGreaterThan(0);
    const rest = README.slice(start + 1);
    const section = rest.slice(0, rest.slice(4).search(/\n##+ /) + 4);
    const prose = section.replace(/\s+/g, ' ');
    expect(prose).toContain(`dense, ${DISTILL.studentParameters} parameters`);
    expect(prose).toContain(`after ${DISTILL.teacherSteps} GRPO steps`);
    const [tm, tlo, thi] = DISTILL.teacherGreedy;
    expect(prose).toContain(`Held-out greedy ${tm.toFixed(1)}% [${tlo.toFixed(1)}, ${thi.toFixed(1)}]`);
    expect(prose).toContain(`Held-out: ${DISTILL.heldOut} problems`);
    expect(prose).toContain(`mean over seeds ${DISTILL.seeds.join(', ')}`);
    expect(prose).toContain(`${DISTILL.equalSteps} steps × 64 = ${DISTILL.teacherSamples} samples is the equal-samples budget`);
    const cell = (c: string): Cell => {
      const m = /^(\d+\.\d) \[(\d+\.\d), (\d+\.\d)\]†?$/.exec(c);
      expect(m, `"${c}" is not "mean [lo, hi]"`).not.toBeNull();
      return [Number(m![1]), Number(m![2]), Number(m![3])];
    };
    for (const [key, r] of Object.entries(DISTILL.rows)) {
      const line = section.split('\n').find((l) => l.startsWith(r.row));
      expect(line, `${key}: no row "${r.row}"`).toBeDefined();
      const cells = line!.split('|').slice(2, -1).map((c) => c.trim());
      expect(cell(cells[0]!), `${key} greedy`).toEqual(r.greedy);
      expect(cell(cells[1]!), `${key} sampled`).toEqual(r.sampled);
      expect(Number(cells[2]!.split(' ')[0]), `${key} length`).toBe(r.length);
      expect(cell(cells[3]!), `${key} reflection`).toEqual(r.reflection);
    }
    expect(DISTILL.rows.grpoEqual.row).toContain(`step ${DISTILL.equalSteps} `);
    expect(DISTILL.rows.grpoLong.row).toContain(`step ${DISTILL.longSteps} `);
    expect(section.split('\n').find((l) => l.startsWith(DISTILL.rows.distilled.row))).toContain(`${DISTILL.teacherSamples} teacher samples`);
  });

  it('the four-stage table: R1-Zero and the four stages at step 150, the base, after the cold start; steps to 55%', () => {
    const start = README.indexOf(`\n${PIPELINE.heading}\n`);
    expect(start, `README lost "${PIPELINE.heading}"`).toBeGreaterThan(0);
    const rest = README.slice(start + 1);
    const section = rest.slice(0, rest.slice(4).search(/\n##+ /) + 4);
    const prose = section.replace(/\s+/g, ' ');
    expect(prose).toContain(`Both arms take ${PIPELINE.steps} GRPO steps`);
    expect(prose).toContain(`same ${PIPELINE.heldOut} held-out problems`);
    expect(prose).toContain(`Seeds ${PIPELINE.seeds.join(', ')};`);
    expect(prose).toContain(`R1-Zero ${PIPELINE.to55.zero}; four stages ${PIPELINE.to55.four}`);
    const header = section.split('\n').find((l) => l.startsWith('| arm, point |'));
    expect(header, 'the table header').toBe('| arm, point | greedy acc % | sampled acc % | length | well-formed % | readable % | readable, greedy % | reflection % | aha % |');
    const cell = (c: string): Cell | number => {
      if (/^\d+\.\d$/.test(c)) return Number(c);
      // † as in the distillation table: the evaluation's own interval where every seed is the same
      const m = /^(\d+\.\d) \[(\d+\.\d), (\d+\.\d)\]†?$/.exec(c);
      expect(m, `"${c}" is not "mean [lo, hi]"`).not.toBeNull();
      return [Number(m![1]), Number(m![2]), Number(m![3])];
    };
    for (const [key, r] of Object.entries(PIPELINE.rows)) {
      const line = section.split('\n').find((l) => l.replace(/\*\*/g, '').startsWith(r.row));
      expect(line, `${key}: no row "${r.row}"`).toBeDefined();
      const cells = line!.replace(/\*\*/g, '').split('|').slice(2, -1).map((c) => c.trim());
      expect(cell(cells[0]!), `${key} greedy`).toEqual(r.greedy);
      expect(cell(cells[1]!), `${key} sampled`).toEqual(r.sampled);
      expect(cell(cells[2]!), `${key} length`).toBe(r.length);
      expect(cell(cells[4]!), `${key} readable`).toEqual(r.readable);
      expect(cell(cells[6]!), `${key} reflection`).toEqual(r.reflection);
    }
  });

  it('the speeds the cards estimate run times from', () => {
    for (const words of Object.values(SECONDS_PER_STEP_README)) expect(README).toContain(words);
  });
});
