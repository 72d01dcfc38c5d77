import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, preset, type RunConfig } from '../core/config';
import { Rng } from '../core/rng';
import { accuracyReward, formatReward } from '../rl/rewards';
import { countdownShape, searchOrder } from '../tasks/countdown';
import { parseCompletion } from '../tasks/format';
import { problemAt, spaceSize, type Problem } from '../tasks/problems';
import type { GrpoMetrics } from '../train/grpo';
import { METRICS_FORMAT, metricsCsv, metricsJson, trlConfigArgs, trlScript, type RunEval } from './export';
import { GRPO_CONFIG_KEYWORDS, GRPO_FIELDS } from './trl-fields';

const rates = (a: number) => ({ reflection: a, aha: a / 2, verification: 0, overthinking: 0 });

function metricsAt(step: number, over: Partial<GrpoMetrics> = {}): GrpoMetrics {
  return {
    step, reward: 0.5, rewards: { format: 0.75, accuracy: 0.25, overlong: 0, consistency: -0.05 }, rewardStd: 0.125, fracRewardZeroStd: 0.5, keptGroups: 2,
    completionLength: { mean: 12.5, min: 7, max: 20 }, clippedRatio: 0, loss: -0.0625, policyLoss: -0.0625, kl: 0.001, entropy: 1.5,
    clipRatio: { low: 0, high: 0.25, region: 0.25 }, meanRatio: 1, gradNorm: 2, lr: 0.0001, expertLoad: [[0.25, 0.75], [0.5, 0.5]],
    auxLoss: 0, stepTime: 250, tokensPerSec: 400, aha: rates(0.5), skipped: false, ...over,
  };
}

const evalAt = (step: number, g: number, s: number): RunEval => ({
  step, result: { problems: 4, greedy: { accuracy: g, meanLength: 10, aha: rates(0) }, sampled: { accuracy: s, meanLength: 11.5, aha: rates(0.25) } },
});

const BASE_HEADER = 'step,reward,reward_std,rewards/format/mean,rewards/accuracy/mean,rewards/overlong/mean,rewards/consistency/mean,frac_reward_zero_std,kept_groups,' +
  'completions/mean_length,completions/min_length,completions/max_length,completions/clipped_ratio,loss,policy_loss,kl,entropy,' +
  'clip_ratio/low_mean,clip_ratio/high_mean,clip_ratio/region_mean,mean_ratio,grad_norm,learning_rate,aux_loss,step_time_ms,tokens_per_sec,' +
  'aha/reflection,aha/aha,aha/verification,aha/overthinking,skipped';
const LOAD_HEADER = 'expert_load/l0_e0,expert_load/l0_e1,expert_load/l1_e0,expert_load/l1_e1';
const EVAL_HEADER = 'eval_greedy_accuracy,eval_sampled_accuracy,eval_greedy_mean_length,eval_sampled_mean_length';

describe('metricsCsv', () => {
  it('writes one row per step the charts show: the step-0 baseline beside the first step, each evaluation at its own step', () => {
    const csv = metricsCsv([metricsAt(0), metricsAt(1, { reward: NaN, skipped: true })], [evalAt(0, 0.1, 0.2), evalAt(2, 0.25, 0.5)]);
    const row0 = '0,0.5,0.125,0.75,0.25,0,-0.05,0.5,2,12.5,7,20,0,-0.0625,-0.0625,0.001,1.5,0,0.25,0.25,1,2,0.0001,0,250,400,0.5,0.25,0,0,0';
    const row1 = '1,,0.125,0.75,0.25,0,-0.05,0.5,2,12.5,7,20,0,-0.0625,-0.0625,0.001,1.5,0,0.25,0.25,1,2,0.0001,0,250,400,0.5,0.25,0,0,1';
    const empty = Array.from({ length: 30 + 4 }, () => '').join(',');
    expect(csv).toBe(
      `${BASE_HEADER},${LOAD_HEADER},${EVAL_HEADER}\n` +
      `${row0},0.25,0.75,0.5,0.5,0.1,0.2,10,11.5\n` + // the base model's evaluation at step 0, as on the held-out chart
      `${row1},0.25,0.75,0.5,0.5,,,,\n` +
      `2,${empty},0.25,0.5,10,11.5\n`, // after the last update: at step 2, where the chart draws it
    );
  });

  it('is the step-0 baseline alone for a run evaluated but not yet stepped', () => {
    expect(metricsCsv([], [evalAt(0, 0.1, 0.2)])).toBe(`${BASE_HEADER},${EVAL_HEADER}\n0,${Array.from({ length: 30 }, () => '').join(',')},0.1,0.2,10,11.5\n`);
  });

  it('has as many cells in each row as in the header', () => {
    const lines = metricsCsv([metricsAt(0), metricsAt(1)], [evalAt(0, 0.1, 0.2), evalAt(2, 0.3, 0.4)]).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l.split(',')).toHaveLength(31 + 4 + 4);
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

// 2-digit addition, the default until issue 13
const ARITH = preset('R1-Zero (Arithmetic)');

const CONFIGS: [string, RunConfig][] = [
  ['default', DEFAULT_CONFIG],
  ['R1-Zero (Arithmetic)', ARITH],
  ['Dr. GRPO', preset('Dr. GRPO')],
  ['DAPO cosine mixed', mergeConfig(preset('DAPO'), { task: { family: 'mixed', difficulty: 5 }, grpo: { lrSchedule: 'cosine' } })],
  ['sub d1', mergeConfig(ARITH, { task: { family: 'sub', difficulty: 1 } })],
  ['R1-Zero (Countdown)', preset('R1-Zero (Countdown)')],
  ['countdown d5 DAPO', mergeConfig(preset('DAPO'), { task: { family: 'countdown', difficulty: 5 } })],
  ['R1 (four stages, Countdown)', preset('R1 (four stages, Countdown)')],
];

describe('trlScript', () => {
  it('says which of the R1 recipe it leaves out: the stages and the consistency penalty, named with their settings; nothing for R1-Zero', () => {
    const four = trlScript(preset('R1 (four stages, Countdown)'), { trainPrompts: 8 });
    expect(four).toContain("# NOT reproduced here, the run's stages: a cold start (16 SFT steps on 256 search traces); a rejection-sampling SFT stage after GRPO step 75.");
    expect(four).toContain("# NOT reproduced here: the run's consistency penalty (weight 0.1,");
    const distilled = trlScript(preset('Distilled student (Countdown)'), { trainPrompts: 8 });
    expect(distilled).toContain('a distillation from teacher-countdown-grpo60 (300 SFT steps');
    expect(trlScript(preset('R1-Zero (Countdown)'), { trainPrompts: 8 })).not.toContain('NOT reproduced');
  });

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
    const cfg = mergeConfig(ARITH, { task: { family: 'add', difficulty: 1 } });
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
    const script = trlScript(ARITH, { trainPrompts: 1 });
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

// --- countdown ----------------------------------------------------------------

const COUNTDOWN = preset('R1-Zero (Countdown)');

/** The reward functions of a script, runnable alone: from the regexes to just before GRPOConfig. */
function rewardSection(script: string): string {
  return script.slice(script.indexOf('THINK_ANSWER'), script.indexOf('\nconfig = GRPOConfig('));
}

describe('trlScript for countdown', () => {
  it('writes rows of (numbers, target), each reachable, and a dataset with numbers and target columns', () => {
    for (const d of [1, 3, 5]) {
      const cfg = mergeConfig(COUNTDOWN, { task: { difficulty: d } });
      const script = trlScript(cfg, { trainPrompts: 20 });
      const rows = [...script.matchAll(/^ {4}\(\[(\d+(?:, \d+)*)\], (-?\d+)\),$/gm)];
      expect(rows.length).toBe(20 + cfg.grpo.heldOutSize);
      for (const r of rows) {
        const numbers = r[1]!.split(', ').map(Number);
        expect(numbers).toHaveLength(countdownShape(d).numbers);
        expect(searchOrder(numbers, d).some((c) => c.value === Number(r[2])), r[0]).toBe(true);
      }
      expect(script).toContain('"numbers": numbers, "target": target');
      expect(script).toContain('def accuracy_reward(completions, numbers, target, **kwargs):');
      expect(script).not.toContain('"answer": answer');
      expect(script).toContain(`only ${countdownShape(d).ops.join(' ')} and parentheses`);
      expect(script).toMatch(/^import ast$/m);
    }
    // arithmetic scripts keep their integer reward and need no ast
    const add = trlScript(ARITH, { trainPrompts: 2 });
    expect(add).toContain('def accuracy_reward(completions, answer, **kwargs):');
    expect(add).not.toContain('countdown_value');
    expect(add).not.toMatch(/^import ast$/m);
  });

  it('the dataset rows build the playground\'s prompt', () => {
    const script = trlScript(COUNTDOWN, { trainPrompts: 3 });
    const build = script.slice(script.indexOf('INSTRUCTION = ('), script.indexOf('\n\n\nTHINK_ANSWER'));
    const prog = `${build.replace(/^def build_dataset[\s\S]*$/m, '')}\n` +
      'import json\nprint(json.dumps(INSTRUCTION + ";".join(str(x) for x in [3, 5, 7]) + "=" + str(5)))\n';
    const prompt = JSON.parse(execFileSync('python3', ['-c', prog], { encoding: 'utf8' })) as string;
    expect(prompt.endsWith('\n3;5;7=5')).toBe(true);
  });
});

/** Answers a policy might write for p: every pattern in search order (right and wrong), reordered, bracketed, and broken in the ways the verifier refuses. */
function candidateAnswers(p: Problem, rng: Rng): string[] {
  const out: string[] = [];
  for (const c of searchOrder(p.operands, p.difficulty)) {
    const e = c.expr;
    out.push(e, `(${e})`, ` ${e}`, e.replace(/(\d)([+*-])/, '$1 $2 '), e.replace(/^(\d+)/, '($1)'), e.replace(/^(\d+)([+*-])(\d+)/, '($1$2$3)'));
    out.push(e.replace(/^(\d+)/, '0$1'), `-${e}`, e.replace('+', '++'), e.replace('*', '**'), e.replace(/(\d+)$/, '-$1'), e.replace(/(\d+)$/, '($1)'));
    out.push(`${e}+0`, `${e}*1`, e.replace(/\d+$/, ''), e.replace(/^\d+/, '10'), `${e}()`, e.replace(/^(\d+)/, '$1_0'), e.replace(/[+]/g, '-'));
  }
  const nums = [...p.operands];
  for (let i = nums.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [nums[i], nums[j]] = [nums[j]!, nums[i]!];
  }
  // the numbers in another order, regrouped: (a op (b op c)) is a legal answer when it reaches the target
  for (const c of searchOrder(nums, p.difficulty)) {
    out.push(c.expr, c.expr.replace(/([+*-])(\d+)([+*-])(\d+)$/, '$1($2$3$4)'));
  }
  out.push('', '()', String(p.answer), p.operands.join('+'), p.operands.join(';'), '3 +5', '0x3+5-7', '1e1');
  return out;
}

/** Random strings over the verifier's alphabet and a few characters it must refuse. */
function fuzzAnswers(p: Problem, rng: Rng, n: number): string[] {
  const alphabet = [...new Set([...p.operands.map(String), '1', '0', '+', '-', '*', '(', ')', ' ', '_', '.'])];
  return Array.from({ length: n }, () => Array.from({ length: 1 + rng.int(12) }, () => alphabet[rng.int(alphabet.length)]!).join(''));
}

describe('the Python countdown verifier agrees with tasks/countdown.ts', () => {
  it('scores the same answers the same way at every difficulty', () => {
    const rng = new Rng(42, 7);
    for (const d of [1, 2, 3, 4, 5]) {
      const cfg = mergeConfig(COUNTDOWN, { task: { difficulty: d } });
      const rewards = rewardSection(trlScript(cfg, { trainPrompts: 1 }));
      const cases: { text: string; numbers: number[]; target: number; want: [number, number] }[] = [];
      for (let k = 0; k < 6; k++) {
        const p = problemAt('countdown', d, rng.int(spaceSize('countdown', d)));
        for (const a of [...candidateAnswers(p, rng), ...fuzzAnswers(p, rng, 80)]) {
          const text = `<think>${p.operands.join('+')}=1</think><answer>${a}</answer>`;
          const parsed = parseCompletion(`${text}<eos>`);
          cases.push({ text, numbers: p.operands, target: p.answer, want: [formatReward(parsed), accuracyReward(parsed, p)] });
        }
      }
      const prog = `import ast, re, json\n${rewards}\ncases = json.loads(${JSON.stringify(JSON.stringify(cases))})\n` +
        'print(json.dumps([[format_reward([c["text"]])[0], accuracy_reward([c["text"]], [c["numbers"]], [c["target"]])[0]] for c in cases]))\n';
      // the program on stdin: the cases are too long for an argument
      const got = JSON.parse(execFileSync('python3', ['-'], { input: prog, encoding: 'utf8', maxBuffer: 1 << 26 })) as [number, number][];
      const differ = cases.filter((c, i) => got[i]![0] !== c.want[0] || got[i]![1] !== c.want[1]).map((c) => `${c.text} ${c.numbers.join(';')}=${c.target}: TS ${c.want.join(',')}`);
      expect(differ, `difficulty ${d}`).toEqual([]);
      // the cases are not all one verdict: right answers and wrong ones, at every difficulty
      const right = cases.filter((c) => c.want[1] === 1).length;
      expect(right, `difficulty ${d}`).toBeGreaterThan(5);
      expect(cases.length - right).toBeGreaterThan(100);
    }
  }, 120_000); // five python3 runs over ~500 answers each: 5 s alone, over 60 s on a loaded 2-core machine

  it('refuses what the task forbids and accepts any order and bracketing', () => {
    const p = { family: 'countdown' as const, difficulty: 1, operands: [3, 5, 7], answer: 5, expr: '3;5;7=5', prompt: '<bos>3;5;7=5' };
    const answers = ['3-5+7', '7-5+3', '7+3-5', '3-(5-7)', '(3-5)+7', '((3))-5+7', '3+7-5', '-5+3+7', '3-5+7+0', '3 -5+7', '03-5+7', '3*1-5+7', '3-5+7-0', '2+3', '3-5+7)', '(3-5+7', '3-5+ 7'];
    const want = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const rewards = rewardSection(trlScript(COUNTDOWN, { trainPrompts: 1 }));
    const prog = `import ast, re, json\n${rewards}\nanswers = json.loads(${JSON.stringify(JSON.stringify(answers))})\n` +
      'print(json.dumps(accuracy_reward(["<think>x</think><answer>" + a + "</answer>" for a in answers], [[3, 5, 7]] * len(answers), [5] * len(answers))))\n';
    expect(JSON.parse(execFileSync('python3', ['-c', prog], { encoding: 'utf8' }))).toEqual(want);
    expect(answers.map((a) => accuracyReward(parseCompletion(`<think>x</think><answer>${a}</answer><eos>`), p))).toEqual(want);
  });
});
