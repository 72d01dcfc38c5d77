// A run's results as files that leave the app: the metrics as JSON (lossless)
// and CSV (one flat row per GRPO step, for a spreadsheet or pandas), and the
// recipe as a Python script for Hugging Face TRL's GRPOTrainer, so the same
// GRPO settings, rewards and prompts can train a real model elsewhere.
// Pure functions from plain data to text; the page turns them into downloads.
//
// The metrics types come from train/ as types only (erased at build time): share/
// stays free of train/ code.

import type { RunConfig } from '../core/config';
import { countdownShape } from '../tasks/countdown';
import type { Problem } from '../tasks/problems';
import { heldOutSet, sampleTrainProblem } from '../tasks/split';
import type { EvalResult } from '../train/evaluate';
import type { GrpoMetrics } from '../train/grpo';
import { csvRows, EVAL_METRICS, STEP_METRICS } from './metrics';
import { TRL_SOURCE } from './trl-fields';

export const METRICS_FORMAT = 'grpo-playground-metrics';
export const METRICS_VERSION = 1;

export interface RunEval {
  /** GRPO steps taken when evaluated (0 = the base model). */
  step: number;
  result: EvalResult;
}

export interface MetricsFile {
  format: typeof METRICS_FORMAT;
  version: number;
  config: RunConfig;
  metrics: GrpoMetrics[];
  evals: RunEval[];
}

/** Everything the charts show, losslessly (NaN, which JSON cannot hold, becomes null). */
export function metricsJson(config: RunConfig, metrics: readonly GrpoMetrics[], evals: readonly RunEval[]): string {
  const file: MetricsFile = { format: METRICS_FORMAT, version: METRICS_VERSION, config, metrics: [...metrics], evals: [...evals] };
  return `${JSON.stringify(file, null, 1)}\n`;
}

// --- CSV ----------------------------------------------------------------------

// The columns are the metrics table's CSV names (share/metrics.ts), named as
// TRL's GRPOTrainer logs them where it logs the same quantity (reward,
// rewards/<name>/mean, completions/mean_length, clip_ratio/region_mean,
// learning_rate, ...), so a notebook written for TRL's log_history reads this
// file; what TRL has no key for keeps a name of the same style (aha/..., expert_load/...).
const COLUMNS = csvRows<GrpoMetrics, string>(STEP_METRICS);
const EVAL_COLUMNS = csvRows<EvalResult, string>(EVAL_METRICS);

/** A cell: shortest round-trip decimal, booleans as 1/0, empty for a missing or non-finite value. */
function cell(x: number | boolean | undefined): string {
  if (x === undefined) return '';
  if (typeof x === 'boolean') return x ? '1' : '0';
  return Number.isFinite(x) ? String(x) : '';
}

/**
 * One row per step the charts show: a step's metrics (its rollouts came from
 * the policy after `step` updates) and the held-out evaluation at that step
 * (taken after `step` updates), either of which may be missing: row 0 holds
 * the base model's evaluation beside the first step's metrics, and the last
 * evaluation (after the last update) has a row of its own. Expert load is
 * flattened as expert_load/l{l}_e{e} (L,E from the first metrics row).
 */
export function metricsCsv(metrics: readonly GrpoMetrics[], evals: readonly RunEval[]): string {
  const load = metrics[0]?.expertLoad ?? [];
  const loadHeaders = load.flatMap((row, l) => row.map((_, e) => `expert_load/l${l}_e${e}`));
  const byStep = new Map(evals.map((e) => [e.step, e.result]));
  const mByStep = new Map(metrics.map((m) => [m.step, m]));
  const steps = [...new Set([...mByStep.keys(), ...byStep.keys()])].sort((a, b) => a - b);
  const lines = [['step', ...COLUMNS.map((c) => c.csv), 'skipped', ...loadHeaders, ...EVAL_COLUMNS.map((c) => c.csv)].join(',')];
  for (const step of steps) {
    const m = mByStep.get(step);
    const ev = byStep.get(step);
    const mCells = m ? [...COLUMNS.map((c) => cell(c.get(m))), cell(m.skipped)] : [...COLUMNS.map(() => ''), ''];
    const loads = load.flatMap((row, l) => row.map((_, e) => cell(m?.expertLoad[l]?.[e])));
    const evCells = EVAL_COLUMNS.map((c) => (ev ? cell(c.get(ev)) : ''));
    lines.push([String(step), ...mCells, ...loads, ...evCells].join(','));
  }
  return `${lines.join('\n')}\n`;
}

// --- TRL script ---------------------------------------------------------------

/** Training prompts written into the script: enough for a few hundred steps' variety, small enough to read. */
export const TRL_TRAIN_PROMPTS = 512;

export interface TrlOptions {
  /** Hugging Face model id the script fine-tunes. */
  model?: string;
  trainPrompts?: number;
}

/** A Python literal: True/False, a number in shortest form (always finite here), or a JSON string (valid Python for ASCII). */
function py(x: number | string | boolean): string {
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new RangeError(`TRL script: ${x} has no Python literal here`);
    return String(x);
  }
  return JSON.stringify(x);
}

/** GRPOConfig keyword arguments of the run, in the script's order; names checked against trl-fields.ts by the test. */
export function trlConfigArgs(cfg: RunConfig): [string, number | string | boolean][] {
  const g = cfg.grpo;
  const args: [string, number | string | boolean][] = [
    ['output_dir', 'grpo-playground-trl'],
    // one optimizer step = B prompts x G completions, as in the playground
    ['per_device_train_batch_size', g.batchPrompts * g.groupSize],
    ['gradient_accumulation_steps', 1],
    ['num_generations', g.groupSize],
    ['max_completion_length', g.maxCompletionLength],
    ['temperature', cfg.sampling.temperature],
    ['top_k', cfg.sampling.topK],
    ['top_p', cfg.sampling.topP],
    ['beta', g.beta],
    ['epsilon', g.epsLow],
    ['epsilon_high', g.epsHigh],
    ['num_iterations', g.mu],
    ['loss_type', g.lossType],
    ['scale_rewards', g.scaleRewards],
    ['learning_rate', g.lr],
    ['lr_scheduler_type', g.lrSchedule === 'cosine' ? 'cosine_with_min_lr' : 'constant_with_warmup'],
    ['warmup_steps', g.warmupSteps],
    ['max_steps', g.totalSteps],
    ['weight_decay', g.weightDecay],
    ['adam_beta1', g.adamBeta1],
    ['adam_beta2', g.adamBeta2],
    ['adam_epsilon', g.adamEps],
    ['max_grad_norm', g.gradClip],
    ['seed', cfg.seed],
    ['logging_steps', 1],
    ['report_to', 'none'],
  ];
  return args;
}

const REWARD_FUNCTIONS = `# The playground's rewards (src/rl/rewards.ts), on TRL's decoded completions.
# TRL decodes without the end-of-sequence token, so "ended with <eos>" cannot be
# checked here; mask_truncated_completions=True is the nearest equivalent.
THINK_ANSWER = re.compile(r"^<think>(.*)</think><answer>(.*)</answer>$", re.S)
# Canonical integers only: no leading zeros, no "-0", at most 15 digits.
CANONICAL_INT = re.compile(r"^(0|-?[1-9][0-9]*)$")


def completion_text(completion):
    # Standard datasets give strings; conversational ones give a list of messages.
    if isinstance(completion, list):
        return completion[-1]["content"] if completion else ""
    return completion


def parse_integer(s):
    if not CANONICAL_INT.match(s) or len(s.replace("-", "")) > 15:
        return None
    return int(s)


def well_formed(text):
    m = THINK_ANSWER.match(text.strip())
    if m is None:
        return False
    think, answer = m.group(1), m.group(2)
    # only <wait> may appear inside the think section; nothing tag-like in the answer
    return "<think>" not in think and "</think>" not in think and re.search(r"<(?!wait>)", think) is None and "<" not in answer


def answer_text(text):
    """The text inside the first <answer>...</answer>, as written; None without one."""
    m = re.search(r"<answer>(.*?)</answer>", text, re.S)
    return m.group(1) if m else None


def format_reward(completions, **kwargs):
    """1 for exactly <think>...</think><answer>...</answer>, else 0."""
    return [1.0 if well_formed(completion_text(c)) else 0.0 for c in completions]
`;

const ARITHMETIC_ACCURACY = `

def final_answer(text):
    a = answer_text(text)
    return parse_integer(a) if a is not None else None


def accuracy_reward(completions, answer, **kwargs):
    """1 when the <answer> integer equals the expected answer, else 0."""
    return [1.0 if final_answer(completion_text(c)) == int(a) else 0.0 for c, a in zip(completions, answer)]
`;

/**
 * The countdown verifier (src/tasks/countdown.ts checkCountdown) in Python:
 * the expression is parsed by Python's own parser, and only integer literals,
 * the difficulty's binary operators and parentheses (which leave no node of
 * their own) are accepted; each given number exactly once; the value equals
 * the target. The character and leading-zero checks come first, as in
 * TypeScript, so "3 + 5", "07", "3**2", "-3+5" or "1_0" are refused by both.
 */
function countdownAccuracy(cfg: RunConfig): string {
  const names: Record<string, string> = { '+': 'ast.Add', '-': 'ast.Sub', '*': 'ast.Mult' };
  const ops = countdownShape(cfg.task.difficulty).ops;
  return `

# The countdown verifier (src/tasks/countdown.ts checkCountdown): an expression of
# integer literals, ${ops.join(' ')} and parentheses, using every given number exactly once,
# whose value is the target. Countdown difficulty ${cfg.task.difficulty} allows ${ops.join(' ')}.
ALLOWED_OPS = (${ops.map((o) => names[o]).join(', ')})
MAX_ANSWER_CHARS = 40
EXPRESSION_CHARS = re.compile(r"^[0-9+*()-]+$")
LEADING_ZERO = re.compile(r"(^|[^0-9])0[0-9]")


def countdown_value(expr, numbers):
    """The value of expr, or None unless it is a legal answer over exactly the given numbers."""
    if not expr or len(expr) > MAX_ANSWER_CHARS or not EXPRESSION_CHARS.match(expr) or LEADING_ZERO.search(expr):
        return None
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return None
    used = []

    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) is int:
            used.append(node.value)
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ALLOWED_OPS):
            a, b = value(node.left), value(node.right)
            if a is None or b is None:
                return None
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            return a * b
        return None  # a unary minus, a power, a call, a name, a tuple...

    v = value(tree.body)
    if v is None or sorted(used) != sorted(int(n) for n in numbers):
        return None
    return v


def accuracy_reward(completions, numbers, target, **kwargs):
    """1 when the <answer> expression uses each given number exactly once and its value is the target, else 0."""
    out = []
    for c, ns, t in zip(completions, numbers, target):
        v = countdown_value(answer_text(completion_text(c)), ns)
        out.append(1.0 if v is not None and v == int(t) else 0.0)
    return out
`;
}

function overlongFunction(cfg: RunConfig): string {
  const g = cfg.grpo;
  return `

MAX_COMPLETION_LENGTH = ${g.maxCompletionLength}
OVERLONG_BUFFER = ${g.overlongBuffer}


def overlong_reward(completion_ids, **kwargs):
    """DAPO soft overlong punishment in [-1, 0]; weighted by the penalty in reward_weights."""
    out = []
    start = MAX_COMPLETION_LENGTH - OVERLONG_BUFFER
    for ids in completion_ids:
        n = len(ids)
        out.append(0.0 if n <= start else (start - n) / OVERLONG_BUFFER if n <= MAX_COMPLETION_LENGTH else -1.0)
    return out
`;
}

const ARITHMETIC_DATASET = `INSTRUCTION = (
    "Solve the problem. Think inside <think></think> (you may write <wait> and correct yourself), "
    "then give only the integer inside <answer></answer>.\\n"
)


def build_dataset(problems):
    return Dataset.from_list([{"prompt": INSTRUCTION + expr + "=", "answer": answer} for expr, answer in problems])`;

/** Countdown rows carry the numbers and the target as columns: TRL hands them to accuracy_reward by name. */
function countdownDataset(cfg: RunConfig): string {
  const ops = countdownShape(cfg.task.difficulty).ops;
  return `INSTRUCTION = (
    "Countdown: the problem lists numbers separated by ';', then '=' and a target. "
    "Write an expression that uses every number exactly once, only ${ops.join(' ')} and parentheses, and equals the target. "
    "Think inside <think></think> (you may write <wait> and try again), "
    "then give only the expression, without spaces, inside <answer></answer>.\\n"
)


def build_dataset(problems):
    return Dataset.from_list([
        {"prompt": INSTRUCTION + ";".join(str(x) for x in numbers) + "=" + str(target), "numbers": numbers, "target": target}
        for numbers, target in problems
    ])`;
}

/**
 * What of the run's R1 recipe (issue 17) the script leaves out, said in the
 * script: it is the GRPO stage alone, so a reader does not take its curves for
 * the pipeline's.
 */
function stageNotes(cfg: RunConfig): string[] {
  const p = cfg.pipeline;
  const stages = [
    p.coldStartSteps > 0 ? `a cold start (${p.coldStartSteps} SFT steps on ${p.coldStartTraces} search traces)` : '',
    p.teacher !== 'none' ? `a distillation from ${p.teacher} (${p.distillSteps} SFT steps on its kept samples)` : '',
    p.rl1Steps > 0 ? `a rejection-sampling SFT stage after GRPO step ${p.rl1Steps}` : '',
  ].filter(Boolean);
  return [
    stages.length ? `# NOT reproduced here, the run's stages: ${stages.join('; ')}. This script is its GRPO stage alone, from MODEL (TRL's SFTTrainer would run the SFT stages).` : '',
    cfg.grpo.consistencyWeight > 0 ? `# NOT reproduced here: the run's consistency penalty (weight ${cfg.grpo.consistencyWeight}, the share of unreadable thought claims); the rewards below omit it.` : '',
  ];
}

/**
 * A Python script that trains a Hugging Face model with TRL's GRPOTrainer on
 * this run's recipe: GRPOConfig from the RunConfig, the format and accuracy
 * (and, when on, overlong) rewards with the run's weights, and the run's
 * first training prompts (held-out problems excluded, as in the playground).
 */
export function trlScript(cfg: RunConfig, opts: TrlOptions = {}): string {
  const model = opts.model ?? 'Qwen/Qwen2.5-0.5B-Instruct';
  const n = opts.trainPrompts ?? TRL_TRAIN_PROMPTS;
  const g = cfg.grpo;
  const train = Array.from({ length: n }, (_, i) => sampleTrainProblem(cfg, i));
  const heldOut = heldOutSet(cfg, g.heldOutSize);
  const countdown = cfg.task.family === 'countdown';
  const rows = (ps: readonly Problem[]) => ps.map((p) => (countdown ? `    ([${p.operands.join(', ')}], ${p.answer}),` : `    (${py(p.expr)}, ${p.answer}),`)).join('\n');
  const funcs = ['format_reward', 'accuracy_reward', ...(g.overlongShaping ? ['overlong_reward'] : [])];
  const weights = [g.formatWeight, g.accuracyWeight, ...(g.overlongShaping ? [g.overlongPenalty] : [])];
  const args = trlConfigArgs(cfg).map(([k, v]) => `    ${k}=${py(v)},`);
  if (g.lrSchedule === 'cosine') args.push('    lr_scheduler_kwargs={"min_lr_rate": 0.1},  # the playground decays to 0.1 * lr');
  args.push(`    reward_weights=[${weights.map(py).join(', ')}],`);
  const notes = [
    g.dynamicSampling ? '# dynamicSampling (DAPO: drop groups with equal rewards) has no GRPOConfig field; TRL logs frac_reward_zero_std.' : '',
    ...stageNotes(cfg),
  ].filter(Boolean);

  return `# GRPO Playground run, exported as a Hugging Face TRL recipe.
# Task: ${cfg.task.family}, difficulty ${cfg.task.difficulty}; seed ${cfg.seed}.
# GRPOConfig field names checked against ${TRL_SOURCE.repo} ${TRL_SOURCE.path}
# at ${TRL_SOURCE.commit.slice(0, 12)} (TRL ${TRL_SOURCE.version}); older TRLs may lack some.
#
#   pip install trl datasets
#   python grpo_playground_trl.py            # or: accelerate launch grpo_playground_trl.py
#
# The playground trains a tiny MoE from scratch in the browser; here the same
# GRPO recipe (group size, clipping, KL, loss aggregation, reward scaling,
# rewards and prompts) runs on a real model with TRL's distributed training.
${countdown ? 'import ast\n' : ''}import re

from datasets import Dataset
from trl import GRPOConfig, GRPOTrainer

MODEL = ${py(model)}

# ${countdown ? '(numbers, target)' : '(expression, answer)'}: the run's first ${n} training prompts, held-out problems excluded.
TRAIN = [
${rows(train)}
]

# The run's held-out evaluation set (never trained on), for scoring afterwards.
HELD_OUT = [
${rows(heldOut)}
]

${countdown ? countdownDataset(cfg) : ARITHMETIC_DATASET}


${REWARD_FUNCTIONS}${countdown ? countdownAccuracy(cfg) : ARITHMETIC_ACCURACY}${g.overlongShaping ? overlongFunction(cfg) : ''}
${notes.join('\n')}${notes.length ? '\n' : ''}config = GRPOConfig(
${args.join('\n')}
)


def main():
    trainer = GRPOTrainer(
        model=MODEL,
        reward_funcs=[${funcs.join(', ')}],
        args=config,
        train_dataset=build_dataset(TRAIN),
    )
    trainer.train()


if __name__ == "__main__":
    main()
`;
}
