// npm run distill -- --teacher FILE --student FILE [--teacher-grpo N] [--save-teacher FILE]
//                    [--k K] [--prompts N] [--steps S] [--lr X] [--seed S] [--temperature T]
//                    [--max-waits N] [--readable] [--engine wasm|js] [--out FILE.json]
//
// Distillation into a small dense student (issue 17 item 3; src/train/distill.ts):
// the teacher (optionally GRPO'd first) samples K completions of each of N
// train prompts, rejection sampling keeps the right, well-formed ones, the
// student is SFT'd on them, and its held-out evaluation before and after is
// printed; the JSON result is the last line (and --out FILE with the command).
// Checkpoints are share/checkpoint.ts files (npm run pretrain makes them); a
// name that is not a path to a file is looked up under public/.
//
// The comparison arm is GRPO on the same student from its own base:
//   npm run experiment -- --base <student> --set model.… (the student's model knobs) --steps (N*K/64)
// which spends the same number of samples at the default 8 x 8 group.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCheckpoint, encodeCheckpoint } from '../src/share/checkpoint';
import { runDistill, type Weights } from '../src/train/distill';
import { nodeCpuBackend } from './cpu-engine';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run distill -- --teacher FILE --student FILE [options]
  --teacher FILE     the teacher's checkpoint (a path, or a file name under public/)
  --student FILE     the student's base checkpoint (same task; any model shape)
  --teacher-grpo N   GRPO steps the teacher takes first, with its checkpoint's settings (default 0)
  --save-teacher F   write the teacher after those steps to F (reuse it with --teacher F --teacher-grpo 0)
  --k K              completions sampled per prompt (default 8)
  --prompts N        training prompts: train problems 0..N-1 (default 256)
  --steps S          SFT steps of the student (default 300)
  --lr X             SFT learning rate, constant (default 5e-4)
  --rows R           SFT rows per step (default: the student's corpus.pretrainBatch)
  --seed S           seeds the teacher's GRPO, the sampling and the SFT order (default 1)
  --temperature T    sampling temperature of the traces (default: the teacher's)
  --max-waits N      drop traces with more than N <wait>s
  --readable         drop traces whose thought states no candidate or disagrees with the answer
  --engine E         wasm (default, WebAssembly SIMD) or js (the reference)
  --out FILE         also write the result JSON, with the command, to FILE`;

class UsageError extends Error {}

interface Cli {
  teacher: string; student: string; teacherGrpo: number; saveTeacher?: string;
  k: number; prompts: number; steps: number; lr: number; rows?: number; seed: number;
  temperature?: number; maxWaits?: number; readable: boolean; engine: 'wasm' | 'js'; out?: string;
}

function resolveCheckpoint(flag: string, v: string | undefined): string {
  if (!v) throw new UsageError(`${flag} needs a checkpoint file`);
  for (const p of [resolve(v), join(ROOT, 'public', v)]) if (existsSync(p)) return p;
  throw new UsageError(`${flag}: no file ${v} (nor public/${v}); make one with npm run pretrain -- --out FILE`);
}

function parseArgs(argv: readonly string[]): Cli {
  const o: Partial<Cli> = { teacherGrpo: 0, k: 8, prompts: 256, steps: 300, lr: 5e-4, seed: 1, readable: false, engine: 'wasm' };
  const int = (flag: string, v: string | undefined, min: number): number => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) throw new UsageError(`${flag} needs an integer >= ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return Number(v);
  };
  const pos = (flag: string, v: string | undefined): number => {
    const x = Number(v);
    if (v === undefined || v.trim() === '' || !(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} needs a positive number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--teacher': o.teacher = resolveCheckpoint(a, argv[++i]); break;
      case '--student': o.student = resolveCheckpoint(a, argv[++i]); break;
      case '--teacher-grpo': o.teacherGrpo = int(a, argv[++i], 0); break;
      case '--save-teacher': o.saveTeacher = argv[++i]; if (!o.saveTeacher) throw new UsageError('--save-teacher needs a file name'); break;
      case '--k': o.k = int(a, argv[++i], 1); break;
      case '--prompts': o.prompts = int(a, argv[++i], 1); break;
      case '--steps': o.steps = int(a, argv[++i], 1); break;
      case '--lr': o.lr = pos(a, argv[++i]); break;
      case '--rows': o.rows = int(a, argv[++i], 1); break;
      case '--seed': o.seed = int(a, argv[++i], 0); break;
      case '--temperature': o.temperature = pos(a, argv[++i]); break;
      case '--max-waits': o.maxWaits = int(a, argv[++i], 0); break;
      case '--readable': o.readable = true; break;
      case '--engine': {
        const v = argv[++i];
        if (v !== 'wasm' && v !== 'js') throw new UsageError(`--engine must be wasm or js, got ${JSON.stringify(v ?? '')}`);
        o.engine = v;
        break;
      }
      case '--out': o.out = argv[++i]; if (!o.out) throw new UsageError('--out needs a file name'); break;
      default: throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  if (!o.teacher) throw new UsageError('--teacher is required');
  if (!o.student) throw new UsageError('--student is required');
  if (o.saveTeacher && o.teacherGrpo === 0) throw new UsageError('--save-teacher needs --teacher-grpo N > 0 (otherwise the teacher is its checkpoint)');
  return o as Cli;
}

function readWeights(file: string): Weights {
  const ck = decodeCheckpoint(new Uint8Array(readFileSync(file)));
  const rel = file.startsWith(ROOT + '/') ? file.slice(ROOT.length + 1) : file;
  return { params: ck.params, routerBias: ck.routerBias, config: ck.config, source: rel };
}

async function main(): Promise<void> {
  let o: Cli;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`distill: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const backend = nodeCpuBackend(o.engine, `Node, --engine ${o.engine}`);
  const result = await runDistill({
    backend, teacher: readWeights(o.teacher), student: readWeights(o.student), teacherGrpoSteps: o.teacherGrpo,
    k: o.k, prompts: o.prompts, sftSteps: o.steps, sftLr: o.lr, sftRows: o.rows, seed: o.seed,
    temperature: o.temperature, maxWaits: o.maxWaits, readable: o.readable,
    onTeacher: o.saveTeacher ? (params, routerBias, cfg) => {
      const bytes = encodeCheckpoint(cfg, params, routerBias, { step: o.teacherGrpo, stats: { teacherOf: o.teacher.slice(ROOT.length + 1), grpoSteps: o.teacherGrpo, seed: o.seed } });
      decodeCheckpoint(bytes);
      writeFileSync(o.saveTeacher!, bytes);
      console.log(`wrote the teacher after ${o.teacherGrpo} GRPO steps to ${o.saveTeacher}`);
    } : undefined,
    onLine: (s) => console.log(s),
  });
  if (o.out) {
    const command = `npm run distill -- ${process.argv.slice(2).map((a) => (/[\s()]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
    writeFileSync(o.out, JSON.stringify({ command, ...result }, null, 1) + '\n');
  }
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(`distill failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
