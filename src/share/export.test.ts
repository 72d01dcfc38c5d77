import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, preset, type RunConfig } from '../core/config';
import { accuracyReward, formatReward } from '../rl/rewards';
import { parseCompletion } from '../tasks/format';
import type { GrpoMetrics } from '../train/grpo';
import { METRICS_FORMAT, metricsCsv, metricsJson, trlConfigArgs, trlScript, type RunEval } from './export';
import { GRPO_CONFIG_KEYWORDS, GRPO_FIELDS } from './trl-fields';

const rates = (a: number) => ({ reflection: a, aha: a / 2, verification: 0, overthinking: 0 });

function metricsAt(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: 0.5, rewards: { format: 0.75, accuracy: 0.25, overlong: 0 }, rewardStd: 0.125, fracRewardZeroStd: 0.5, keptGroups: 2,
    completionLength: { mean: 12.5, min: 7, max: 20 }, clippedRatio: 0, loss: -0.0625, policyLoss: -0.0625, kl: 0.001, entropy: 1.5,
    clipRatio: { low: 0, high: 0.25, region: 0.25 }, meanRatio: 1, gradNorm: 2, lr: 0.0001, expertLoad: [[0.25, 0.75], [0.5, 0.5]],
    auxLoss: 0, stepTime: 250, tokensPerSec: 400, aha: rates(0.5), skipped: false, ...over,
  };
}

const evalAt = (step: number, g: number, s: number): RunEval => ({
  step, result: { problems: 4, greedy: { accuracy: g, meanLength: 10, aha: rates(0) }, sampled: { accuracy: s, meanLength: 11.5, aha: rates(0.25) } },
});

const BASE_HEADER = 'step,reward,reward_format,reward_accuracy,reward_overlong,reward_std,frac_reward_zero_std,kept_groups,' +
  'completion_length_mean,completion_length_min,completion_length_max,clipped_ratio,loss,policy_loss,kl,entropy,' +
  'clip_ratio_low,clip_ratio_high,clip_ratio_region,mean_ratio,grad_norm,lr,aux_loss,step_time_ms,tokens_per_sec,' +
  'aha_reflection,aha_aha,aha_verification,aha_overthinking,skipped';
const LOAD_HEADER = 'load_l0_e0,load_l0_e1,load_l1_e0,load_l1_e1';
const EVAL_HEADER = 'heldout_greedy_accuracy,heldout_sampled_accuracy,heldout_greedy_length,heldout_sampled_length';

describe('metricsCsv', () => {
  it('writes the header and one exact row per step, with the evaluation taken after it', () => {
    const csv = metricsCsv([metricsAt(0), metricsAt(1, { reward: NaN, skipped: true })], [evalAt(0, 0.1, 0.2), evalAt(1, 0.25, 0.5)]);
    const row0 = '0,0.5,0.75,0.25,0,0.125,0.5,2,12.5,7,20,0,-0.0625,-0.0625,0.001,1.5,0,0.25,0.25,1,2,0.0001,0,250,400,0.5,0.25,0,0,0';
    const row1 = '1,,0.75,0.25,0,0.125,0.5,2,12.5,7,20,0,-0.0625,-0.0625,0.001,1.5,0,0.25,0.25,1,2,0.0001,0,250,400,0.5,0.25,0,0,1';
    expect(csv).toBe(
      `${BASE_HEADER},${LOAD_HEADER},${EVAL_HEADER}\n` +
      `${row0},0.25,0.75,0.5,0.5,0.25,0.5,10,11.5\n` + // eval at step 1 follows metrics step 0
      `${row1},0.25,0.75,0.5,0.5,,,,\n`,
    );
  });

  it('is a header alone for a run without steps', () => {
    expect(metricsCsv([], [evalAt(0, 0.1, 0.2)])).toBe(`${BASE_HEADER},${EVAL_HEADER}\n`);
  });

  it('has as many cells in each row as in the header', () => {
    const lines = metricsCsv([metricsAt(0), metricsAt(1)], []).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l.split(',')).toHaveLength(30 + 4 + 4);
  });
});

describe('metricsJson', () => {
  it('round-trips config, metrics and evals, NaN as null', () => {
    const cfg = preset('DAPO');
    const parsed = JSON.parse(metricsJson(cfg, [metricsAt(0, { kl: NaN })], [evalAt(0, 0.1, 0.2)]));
    expect(parsed.format).toBe(METRICS_FORMAT);
    expect(parsed.version).toBe(1);
    expect(parsed.config).toEqual(cfg);
    expect(parsed.metrics).toHaveLength(1);
    expect(parsed.metrics[0].kl).toBeNull();
    expect(parsed.metrics[0].expertLoad).toEqual([[0.25, 0.75], [0.5, 0.5]]);
    expect(parsed.evals).toEqual([evalAt(0, 0.1, 0.2)]);
  });
});

// --- TRL script ---------------------------------------------------------------

/** The keyword names inside GRPOConfig( ... ), one per line as the generator writes them. */
function grpoConfigKeywords(script: string): string[] {
  const m = /\nconfig = GRPOConfig\(\n([\s\S]*?)\n\)\n/.exec(script);
  if (!m) throw new Error('no GRPOConfig( ... ) block in the script');
  return m[1]!.split('\n').map((line) => {
    const k = /^ {4}([a-z_][a-z0-9_]*)=/.exec(line);
    if (!k) throw new Error(`unexpected line in GRPOConfig(...): ${line}`);
    return k[1]!;
  });
}

function pyCompile(script: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'trl-'));
  try {
    const file = join(dir, 'grpo_playground_trl.py');
    writeFileSync(file, script);
    try {
      execFileSync('python3', ['-m', 'py_compile', file], { stdio: 'pipe' });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      if (err.code === 'ENOENT') throw new Error('python3 is missing: the TRL script test needs python3 on PATH to run py_compile');
      throw new Error(`py_compile failed: ${err.stderr?.toString() ?? String(e)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CONFIGS: [string, RunConfig][] = [
  ['default', DEFAULT_CONFIG],
  ['Dr. GRPO', preset('Dr. GRPO')],
  ['DAPO cosine mixed', mergeConfig(preset('DAPO'), { task: { family: 'mixed', difficulty: 5 }, grpo: { lrSchedule: 'cosine' } })],
  ['sub d1', mergeConfig(DEFAULT_CONFIG, { task: { family: 'sub', difficulty: 1 } })],
];

describe('trlScript', () => {
  it.each(CONFIGS)('%s: compiles with python3 -m py_compile', (_, cfg) => {
    pyCompile(trlScript(cfg, { trainPrompts: 64 }));
  });

  it.each(CONFIGS)('%s: every GRPOConfig keyword is a real field', (_, cfg) => {
    const used = grpoConfigKeywords(trlScript(cfg, { trainPrompts: 8 }));
    expect(used.length).toBeGreaterThan(20);
    for (const k of used) expect(GRPO_CONFIG_KEYWORDS.has(k), `${k} is not a GRPOConfig field`).toBe(true);
  });

  it('maps the DAPO run onto the GRPO-specific fields', () => {
    const cfg = mergeConfig(preset('DAPO'), { seed: 77, grpo: { groupSize: 6, batchPrompts: 3, mu: 2, maxCompletionLength: 48, lr: 3e-5 }, sampling: { temperature: 0.7 } });
    const args = Object.fromEntries(trlConfigArgs(cfg));
    expect(args).toMatchObject({
      num_generations: 6, per_device_train_batch_size: 18, beta: 0, epsilon: 0.2, epsilon_high: 0.28, loss_type: 'dapo',
      scale_rewards: 'group', temperature: 0.7, learning_rate: 3e-5, num_iterations: 2, max_completion_length: 48, seed: 77,
    });
    for (const k of ['num_generations', 'beta', 'epsilon', 'epsilon_high', 'loss_type', 'scale_rewards', 'temperature', 'num_iterations', 'max_completion_length']) {
      expect(GRPO_FIELDS).toContain(k);
    }
    const script = trlScript(cfg, { trainPrompts: 4 });
    expect(script).toContain('    reward_weights=[0.1, 1, 1],');
    expect(script).toContain('reward_funcs=[format_reward, accuracy_reward, overlong_reward]');
    expect(script).toContain('MAX_COMPLETION_LENGTH = 48');
  });

  it('writes the run\'s training prompts and answers, and no reward it does not use', () => {
    const cfg = mergeConfig(DEFAULT_CONFIG, { task: { family: 'add', difficulty: 1 } });
    const script = trlScript(cfg, { trainPrompts: 5 });
    const rows = [...script.matchAll(/^ {4}\("(\d+)\+(\d+)", (-?\d+)\),$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(5); // 5 training + the held-out ones
    for (const r of rows) expect(Number(r[1]) + Number(r[2])).toBe(Number(r[3]));
    expect(script).not.toContain('overlong_reward');
    expect(script).toContain('reward_funcs=[format_reward, accuracy_reward]');
  });
});

describe('the Python rewards agree with rl/rewards.ts', () => {
  it('scores the same completions the same way', () => {
    const script = trlScript(DEFAULT_CONFIG, { trainPrompts: 1 });
    const rewards = script.slice(script.indexOf('THINK_ANSWER'), script.indexOf('\nconfig = GRPOConfig('));
    const cases: [string, number, number, number][] = [
      // text (as TRL decodes it: no <eos>), expected, format, accuracy
      ['<think>7+5=12</think><answer>12</answer>', 12, 1, 1],
      ['<think>7+5=13<wait>7+5=12</think><answer>12</answer>', 12, 1, 1],
      ['<think>7+5=12</think><answer>012</answer>', 12, 1, 0],
      ['<think>7+5=12</think><answer>-0</answer>', 0, 1, 0],
      ['<think>x<answer>1</answer></think><answer>12</answer>', 12, 0, 0], // the first <answer> counts
      ['<answer>12</answer>', 12, 0, 1],
      ['<think>7+5=12</think><answer>12</answer>junk', 12, 0, 1],
    ];
    const prog = `import re, json\n${rewards}\ncases = json.loads(${JSON.stringify(JSON.stringify(cases))})\n` +
      'print(json.dumps([[format_reward([c[0]])[0], accuracy_reward([c[0]], [c[1]])[0]] for c in cases]))\n';
    const out = execFileSync('python3', ['-c', prog], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(cases.map((c) => [c[2], c[3]]));
    // and the TypeScript rewards give the same, on the text with the <eos> TRL strips
    expect(cases.map(([t, x]) => [formatReward(parseCompletion(`${t}<eos>`)), accuracyReward(parseCompletion(`${t}<eos>`), x)])).toEqual(cases.map((c) => [c[2], c[3]]));
  });
});
