// runExperiment on the CPU backend with QUICK_CONFIG and a short in-process
// pretraining (no checkpoint is passed): the contract's keys and types, and
// determinism for a seed.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCpuOps } from '../cpu/backend';
import { createCpuDecodeOps } from '../cpu/decode';
import type { Backend } from '../model/backend';
import { createModel } from '../model/model';
import { heldOutSet } from '../tasks/split';
import { experimentConfig, runExperiment, type ExperimentResult } from './experiment';
import { QUICK_CONFIG } from './quick';

// model/backend's cpuBackend would do, but importing it pulls in gpu/ (WGSL ?raw imports); same object
const cpu = (): Backend => ({ kind: 'cpu', ops: createCpuOps('f32'), decode: createCpuDecodeOps(), reason: 'test', label: 'CPU fallback: test', engine: 'js' });
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HELD_OUT = heldOutSet(QUICK_CONFIG, QUICK_CONFIG.grpo.heldOutSize).length;
const POINT_KEYS = ['heldoutAccuracy', 'meanCompletionLength', 'reflectionRate', 'ahaRate', 'reward', 'kl'];

async function quick(seed: number, lines?: string[]): Promise<ExperimentResult> {
  return runExperiment({ steps: 2, seed, quick: true, backend: cpu(), pretrainSteps: 30, onLine: lines ? (s) => lines.push(s) : undefined });
}

describe('runExperiment (CPU, quick)', () => {
  it('returns exactly the contract keys, fractions in [0,1], and the same numbers for the same seed', async () => {
    const lines: string[] = [];
    const a = await quick(3, lines);
    expect(Object.keys(a)).toEqual(['step0', 'final', 'steps', 'seed', 'preset', 'backend', 'adapter', 'wallSeconds', 'curve', 'evalProblems', 'stages']);
    expect(a.stages).toEqual([]); // R1-Zero: no pipeline stage
    for (const p of [a.step0, a.final]) {
      expect(Object.keys(p)).toEqual(POINT_KEYS);
      for (const k of ['heldoutAccuracy', 'reflectionRate', 'ahaRate'] as const) {
        expect(p[k]).toBeGreaterThanOrEqual(0);
        expect(p[k]).toBeLessThanOrEqual(1);
      }
      // held-out accuracy is a count over the held-out problems (9 of add d=1's 100 at 10%)
      expect(HELD_OUT).toBe(9);
      expect(Math.abs(p.heldoutAccuracy * HELD_OUT - Math.round(p.heldoutAccuracy * HELD_OUT))).toBeLessThan(1e-9);
      expect(p.meanCompletionLength).toBeGreaterThan(0);
      expect(p.meanCompletionLength).toBeLessThanOrEqual(QUICK_CONFIG.grpo.maxCompletionLength);
      // format + accuracy weights are 1 + 1 in QUICK_CONFIG, no overlong shaping
      expect(p.reward).toBeGreaterThanOrEqual(0);
      expect(p.reward).toBeLessThanOrEqual(2);
      expect(p.kl).toBe(0); // beta = 0: no reference forward
    }
    expect(a).toMatchObject({ steps: 2, seed: 3, preset: null, backend: 'cpu', adapter: 'CPU reference (test)' });
    expect(a.wallSeconds).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a); // one JSON line, nothing lost
    expect(lines.some((l) => l.includes('pretraining in-process (30 steps, seed 7)'))).toBe(true);
    expect(lines.filter((l) => /^step \d\/2 reward/.test(l))).toHaveLength(2);
    // the curve: step 0 and the end, every rate with a Wilson interval around it, over the whole evaluation set
    expect(a.evalProblems).toBe(HELD_OUT);
    expect(a.curve.map((p) => p.step)).toEqual([0, 2]);
    expect(a.curve[0]!.greedy.accuracy.rate).toBe(a.step0.heldoutAccuracy);
    expect(a.curve[1]!.greedy.accuracy.rate).toBe(a.final.heldoutAccuracy);
    expect(a.curve[1]!.sampled.meanLength).toBe(a.final.meanCompletionLength);
    for (const p of a.curve) {
      for (const r of [p.greedy.accuracy, p.sampled.accuracy, p.sampled.reflection, p.sampled.aha]) {
        expect(r.n).toBe(HELD_OUT);
        expect(r.lo).toBeLessThanOrEqual(r.rate);
        expect(r.hi).toBeGreaterThanOrEqual(r.rate);
        expect(r.hi - r.lo).toBeGreaterThan(0.1); // 9 problems: wide, as it should be
      }
    }
    expect(a.curve[0]!.kl).toBe(0);
    expect(a.curve[0]!.reward).toBe(a.step0.reward);

    const b = await quick(3);
    // everything but the timings is the same
    const untimed = (r: ExperimentResult) => ({ ...r, wallSeconds: 0, curve: r.curve.map((p) => ({ ...p, secondsPerStep: null })) });
    expect(untimed(b)).toEqual(untimed(a));
    const c = await quick(4);
    expect(c.seed).toBe(4);
    expect(c.step0.reward === a.step0.reward && c.step0.meanCompletionLength === a.step0.meanCompletionLength).toBe(false);
  });

  it('the preset and seed land in the config; a base of the wrong shape is refused by name', async () => {
    const cfg = experimentConfig(true, 11, 'DAPO');
    expect(cfg.seed).toBe(11);
    expect(cfg.grpo).toMatchObject({ lossType: 'dapo', epsHigh: 0.28, dynamicSampling: true, batchPrompts: 4 });
    expect(cfg.model).toEqual(QUICK_CONFIG.model);
    const ops = createCpuOps('f32');
    const total = createModel(ops, QUICK_CONFIG).table.total;
    const base = { params: new Float32Array(total - 1), routerBias: new Float32Array(4), source: 'x.safetensors' };
    await expect(runExperiment({ steps: 1, seed: 1, quick: true, backend: cpu(), base })).rejects.toThrow(
      `x.safetensors holds ${total - 1} parameters and 4 router biases; this config needs ${total} and 4`);
    const other = { ...base, params: new Float32Array(total), config: experimentConfig(true, 1, undefined) };
    other.config.model.dExpert = 16;
    await expect(runExperiment({ steps: 1, seed: 1, quick: true, backend: cpu(), base: other })).rejects.toThrow(
      /x\.safetensors was pretrained with model \{.*"dExpert":16.*\}; this run's is \{.*"dExpert":32/);
    await expect(runExperiment({ steps: 0, seed: 1, quick: true, backend: cpu() })).rejects.toThrow('steps = 0');
  });

  it('--set overrides land after the preset and go through the config validator', () => {
    const cfg = experimentConfig(true, 3, 'DAPO', { 'grpo.lr': 5e-4, 'grpo.lossType': 'bnpo' });
    expect(cfg.grpo).toMatchObject({ lr: 5e-4, lossType: 'bnpo', epsHigh: 0.28 });
    expect(() => experimentConfig(true, 3, undefined, { 'grpo.nope': 1 })).toThrow('no knob "grpo.nope"');
    expect(() => experimentConfig(true, 3, undefined, { 'grpo.lr': 'fast' })).toThrow('grpo.lr = "fast"');
    expect(() => experimentConfig(true, 3, undefined, { 'grpo.groupSize': 1 })).toThrow('grpo.groupSize');
  });
});

describe('npm run experiment (scripts/experiment.ts)', () => {
  const cli = (...args: string[]) => spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/experiment.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 50_000 });

  it('prints the contract as its last line of output (--quick, 1 step, CPU)', () => {
    const r = cli('--quick', '--steps', '1', '--seed=2');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const out = JSON.parse(lines[lines.length - 1]!) as ExperimentResult;
    expect(Object.keys(out)).toEqual(['step0', 'final', 'steps', 'seed', 'preset', 'backend', 'adapter', 'wallSeconds', 'curve', 'evalProblems', 'stages']);
    expect(out).toMatchObject({ steps: 1, seed: 2, backend: 'cpu', preset: null });
    expect(lines.length).toBeGreaterThan(3); // progress lines come first
  }, 60_000);

  it('runs the countdown preset from its shipped base and writes --out with the command (1 step, 16 held-out problems)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'exp-')), 'countdown-s1.json');
    const r = cli('--preset', 'R1-Zero (Countdown)', '--steps', '1', '--seed', '1', '--set', 'grpo.heldOutSize=16', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('base: public/base-countdown-long.safetensors');
    const saved = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResult & { command: string; base: string };
    expect(saved).toMatchObject({ preset: 'R1-Zero (Countdown)', base: 'base-countdown-long.safetensors', evalProblems: 16, steps: 1 });
    expect(saved.command).toBe('npm run experiment -- --preset "R1-Zero (Countdown)" --steps 1 --seed 1 --set grpo.heldOutSize=16 --out ' + out);
    // a countdown base answers with expressions, and some of them are right
    expect(saved.curve[0]!.sampled.meanLength).toBeGreaterThan(10);
    expect(saved.curve[0]!.greedy.accuracy.k + saved.curve[0]!.sampled.accuracy.k).toBeGreaterThan(0);
  }, 120_000);

  it('refuses bad flags with the usage and exit status 2', () => {
    for (const [args, msg] of [
      [['--quick'], '--steps is required'],
      [['--steps', '0'], '--steps needs an integer >= 1, got "0"'],
      [['--steps', '2', '--backend', 'tpu'], '--backend must be cpu, cpu-ref, webgpu or webgpu-node, got "tpu"'],
      [['--steps', '2', '--preset', 'PPO'], '--preset must be one of R1-Zero, Dr. GRPO, DAPO, R1-Zero (Countdown), R1-Zero (Arithmetic), R1 (four stages, Countdown), Dense student (Countdown), Distilled student (Countdown), got "PPO"'],
      [['--steps', '2', '--fast'], 'unknown argument "--fast"'],
    ] as const) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).toContain('usage: npm run experiment');
      expect(r.stdout).toBe('');
    }
  }, 60_000);
});
