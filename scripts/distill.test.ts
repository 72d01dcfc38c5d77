// npm run distill at CI size: the quick base teaches itself (4 x 16 samples at T = 0.3,
// 2 SFT steps), in seconds. The contract's counts must add up, --out must carry the
// command, and bad input must be refused with the usage.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DistillResult } from '../src/train/distill';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = (...args: string[]) => spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/distill.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('npm run distill (scripts/distill.ts)', () => {
  it('samples, keeps, fine-tunes and evaluates; the JSON adds up and --out holds the command', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'distill-')), 'd.json');
    const args = ['--teacher', 'base-quick.safetensors', '--student', 'base-quick.safetensors', '--k', '4', '--prompts', '16', '--steps', '2', '--temperature', '0.3', '--seed', '2', '--out', out];
    const r = cli(...args);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const res = JSON.parse(lines[lines.length - 1]!) as DistillResult;
    const rj = res.rejection;
    expect(rj.sampled).toBe(64);
    expect(rj.kept + rj.dropped.format + rj.dropped.wrong + rj.dropped.waits + rj.dropped.unreadable).toBe(64);
    expect(rj.kept).toBeGreaterThan(0);
    expect(rj.promptsCovered).toBeGreaterThan(0);
    expect(rj.promptsCovered).toBeLessThanOrEqual(Math.min(16, rj.kept));
    for (const e of rj.examples) expect(e.prompt.startsWith('<bos>')).toBe(true);
    expect(res.sft.steps).toBe(2);
    expect(Number.isFinite(res.sft.firstLoss) && Number.isFinite(res.sft.lastLoss)).toBe(true);
    for (const ev of [res.before, res.after]) {
      expect(ev.greedy.accuracy.n).toBe(res.evalProblems);
      expect(ev.greedy.accuracy.lo).toBeLessThanOrEqual(ev.greedy.accuracy.rate);
      expect(ev.greedy.accuracy.hi).toBeGreaterThanOrEqual(ev.greedy.accuracy.rate);
    }
    expect(res.teacher.grpoSteps).toBe(0);
    expect(res.student.parameters).toBeGreaterThan(0);
    const file = JSON.parse(readFileSync(out, 'utf8')) as DistillResult & { command: string };
    expect(file.command).toBe(`npm run distill -- ${args.join(' ')}`);
    expect(file.rejection).toEqual(res.rejection);
  }, 60_000);

  // each spawn costs seconds of tsx start-up: two cases here, the rest of the checks in src/train/distill.test.ts
  it('refuses bad flags with the usage and exit status 2', () => {
    for (const [args, msg] of [
      [['--student', 'base-quick.safetensors'], '--teacher is required'],
      [['--teacher', 'nope.safetensors', '--student', 'base-quick.safetensors'], 'no file nope.safetensors'],
    ] as const) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toContain('usage: npm run distill');
    }
  });
});
