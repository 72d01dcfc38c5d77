// Which shipped base a config loads (trainer.ts SHIPPED_BASES, basesToTry,
// baseMatches): a run fetches only its family's bases, the one its corpus
// points at first, and accepts a file only when every knob the base depends
// on agrees. The files themselves are checked where they exist in public/.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig, preset, STUDENT_MODEL, type RunConfig } from '../core/config';
import { decodeCheckpoint } from '../share/checkpoint';
import { QUICK_CONFIG } from '../train/quick';
import { baseKnobPaths, baseMatches, basesToTry, fetchTeacher, SHIPPED_BASES } from './trainer';

const COUNTDOWN = preset('R1-Zero (Countdown)'); // DEFAULT_CONFIG since issue 13
const ARITH = preset('R1-Zero (Arithmetic)');
const GUESS = mergeConfig(COUNTDOWN, { corpus: { guess: 1, search: 0, searchWrong: 0 } });
// the 450-step bases of README's first countdown runs
const SHORT = mergeConfig(COUNTDOWN, { corpus: { pretrainSteps: 450 } });
const GUESS_SHORT = mergeConfig(GUESS, { corpus: { pretrainSteps: 450 } });
const WRONG = mergeConfig(SHORT, { corpus: { guess: 0.85, search: 0, searchWrong: 0.15 } });
const WRONG_LONG = mergeConfig(COUNTDOWN, { corpus: { search: 0, searchWrong: 0.15 } });
const NOCORRECT = mergeConfig(ARITH, { corpus: { corrected: 0 } });
const ARITHMETIC_FILES = ['base.safetensors', 'base-quick.safetensors', 'base-nocorrect.safetensors'];
const COUNTDOWN_FILES = [
  'base-countdown-long.safetensors', 'base-countdown-guess-long.safetensors', 'base-countdown-wrong-long.safetensors',
  'base-countdown.safetensors', 'base-countdown-guess.safetensors', 'base-countdown-wrong.safetensors',
];

describe('basesToTry', () => {
  it('keeps the arithmetic order for the arithmetic preset and never offers it a countdown base', () => {
    expect(basesToTry(ARITH)).toEqual(ARITHMETIC_FILES);
    expect(basesToTry(preset('DAPO', ARITH))).toEqual(ARITHMETIC_FILES);
  });

  it('gives the default config (countdown) the preset\'s base first, and DAPO on it the same', () => {
    expect(basesToTry(DEFAULT_CONFIG)).toEqual(COUNTDOWN_FILES);
    expect(basesToTry(preset('DAPO'))[0]).toBe('base-countdown-long.safetensors');
  });

  it('tries the base a corpus points at first', () => {
    expect(basesToTry(QUICK_CONFIG)[0]).toBe('base-quick.safetensors');
    expect(basesToTry(NOCORRECT)).toEqual(['base-nocorrect.safetensors', 'base.safetensors', 'base-quick.safetensors']);
    expect(basesToTry(GUESS)[0]).toBe('base-countdown-guess-long.safetensors');
    expect(basesToTry(GUESS_SHORT)[0]).toBe('base-countdown-guess.safetensors');
    expect(basesToTry(SHORT)[0]).toBe('base-countdown.safetensors');
    expect(basesToTry(WRONG)[0]).toBe('base-countdown-wrong.safetensors');
    expect(basesToTry(WRONG_LONG)[0]).toBe('base-countdown-wrong-long.safetensors');
  });

  it('gives a countdown run only countdown bases, the preset\'s first', () => {
    expect(basesToTry(COUNTDOWN)).toEqual(COUNTDOWN_FILES);
    // a countdown run with the arithmetic corpus knobs changed still never fetches an arithmetic base
    expect(basesToTry(mergeConfig(COUNTDOWN, { corpus: { corrected: 0 } }))).toEqual(COUNTDOWN_FILES);
  });

  it('gives the dense student\'s config its file first, and no other architecture that file', () => {
    const student = mergeConfig(COUNTDOWN, { model: STUDENT_MODEL });
    expect(basesToTry(student)[0]).toBe('student-countdown-dense.safetensors');
    expect(basesToTry(mergeConfig(student, { seed: 4, grpo: { batchPrompts: 2 } }))[0]).toBe('student-countdown-dense.safetensors');
    // one knob of the student's architecture off: never the student's file
    expect(basesToTry(mergeConfig(student, { model: { topK: 2, nRouted: 2 } }))).not.toContain('student-countdown-dense.safetensors');
    expect(basesToTry(mergeConfig(COUNTDOWN, { model: { dModel: 32 } }))).not.toContain('student-countdown-dense.safetensors');
  });

  it('gives a family without shipped bases nothing to fetch', () => {
    expect(basesToTry(mergeConfig(ARITH, { task: { family: 'mul' } }))).toEqual([]);
  });
});

describe('baseMatches', () => {
  it('matches on model, task and corpus, not on GRPO knobs, sampling or seed', () => {
    expect(baseMatches(COUNTDOWN, mergeConfig(COUNTDOWN, { seed: 3, grpo: { beta: 0, batchPrompts: 2, heldOutSize: 4 }, sampling: { temperature: 0.5 } }))).toBe(true);
    expect(baseMatches(COUNTDOWN, mergeConfig(COUNTDOWN, { task: { difficulty: 2 } }))).toBe(false);
    expect(baseMatches(COUNTDOWN, mergeConfig(COUNTDOWN, { model: { dModel: 32 } }))).toBe(false);
    expect(baseMatches(COUNTDOWN, mergeConfig(COUNTDOWN, { corpus: { pretrainSteps: 449 } }))).toBe(false);
  });

  it('compares the style weights of the run\'s family only', () => {
    // countdown: guess/search/searchWrong decide; the arithmetic corpus is never read
    expect(baseMatches(COUNTDOWN, mergeConfig(COUNTDOWN, { corpus: { direct: 1, stepwise: 0, slip: 0, corrected: 0 } }))).toBe(true);
    expect(baseMatches(COUNTDOWN, GUESS)).toBe(false);
    expect(baseMatches(GUESS, WRONG)).toBe(false);
    // arithmetic: the other way round
    expect(baseMatches(ARITH, mergeConfig(ARITH, { corpus: { guess: 0, search: 1 } }))).toBe(true);
    expect(baseMatches(ARITH, NOCORRECT)).toBe(false);
    expect(baseKnobPaths('countdown')).not.toContain('corpus.corrected');
    expect(baseKnobPaths('add')).not.toContain('corpus.guess');
    expect(baseKnobPaths('add')).toContain('corpus.pretrainSteps');
  });

  it('never lets a base of another family through', () => {
    const sameKnobs: RunConfig = mergeConfig(COUNTDOWN, { task: { family: 'add' } });
    expect(baseMatches(COUNTDOWN, sameKnobs)).toBe(false);
    expect(baseMatches(sameKnobs, COUNTDOWN)).toBe(false);
    expect(baseMatches(ARITH, COUNTDOWN)).toBe(false);
  });
});

describe.each(SHIPPED_BASES)('the table entry of public/$file', (entry) => {
  const url = new URL(`../../public/${entry.file}`, import.meta.url);
  it.skipIf(!existsSync(url))('names the file\'s family and corpus, and the file\'s own config fetches it first', () => {
    const ck = decodeCheckpoint(new Uint8Array(readFileSync(url)));
    expect(ck.config.task.family).toBe(entry.family);
    for (const [k, v] of Object.entries(entry.hint ?? {})) expect(ck.config.corpus[k as keyof RunConfig['corpus']], `corpus.${k}`).toBe(v);
    for (const [k, v] of Object.entries(entry.model ?? {})) expect(ck.config.model[k as keyof RunConfig['model']], `model.${k}`).toBe(v);
    expect(basesToTry(ck.config)[0]).toBe(entry.file);
    expect(baseMatches(ck.config, ck.config)).toBe(true);
  });
});

describe('the configs the shipped bases are for load them', () => {
  const load = (file: string) => decodeCheckpoint(new Uint8Array(readFileSync(new URL(`../../public/${file}`, import.meta.url)))).config;
  it.each([
    ['DEFAULT_CONFIG', 'base-countdown-long.safetensors', DEFAULT_CONFIG],
    ['R1-Zero (Arithmetic)', 'base.safetensors', ARITH],
    ['QUICK_CONFIG', 'base-quick.safetensors', QUICK_CONFIG],
    ['R1-Zero (Countdown) on the defaults', 'base-countdown-long.safetensors', COUNTDOWN],
    ['the guess-only ablation', 'base-countdown-guess-long.safetensors', GUESS],
    ['the 450-step preset base', 'base-countdown.safetensors', SHORT],
    ['the 450-step guess-only ablation', 'base-countdown-guess.safetensors', GUESS_SHORT],
    ['the search-that-ends-wrong ablation (450 steps)', 'base-countdown-wrong.safetensors', WRONG],
    ['the search-that-ends-wrong ablation', 'base-countdown-wrong-long.safetensors', WRONG_LONG],
    ['the dense student (README "Distillation, measured")', 'student-countdown-dense.safetensors', mergeConfig(COUNTDOWN, { model: STUDENT_MODEL })],
  ] as const)('%s: %s', (_, file, cfg) => {
    expect(existsSync(new URL(`../../public/${file}`, import.meta.url)), `public/${file} is missing`).toBe(true);
    expect(baseMatches(load(file), cfg)).toBe(true);
  });
});

describe('the distillation presets and their files', () => {
  afterEach(() => vi.unstubAllGlobals());
  const DISTILLED = preset('Distilled student (Countdown)');

  it('both student presets load the student\'s base, whose own config matches them', () => {
    for (const name of ['Dense student (Countdown)', 'Distilled student (Countdown)'] as const) {
      expect(basesToTry(preset(name))[0], name).toBe('student-countdown-dense.safetensors');
      const ck = decodeCheckpoint(new Uint8Array(readFileSync('public/student-countdown-dense.safetensors')));
      expect(baseMatches(ck.config, preset(name)), name).toBe(true);
    }
  });

  it('fetchTeacher: none for no teacher; the shipped file decoded with its own config; a missing file named', async () => {
    expect(await fetchTeacher(COUNTDOWN)).toBeNull();
    const bytes = readFileSync('public/teacher-countdown-grpo60.safetensors');
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    });
    const t = (await fetchTeacher(DISTILLED))!;
    expect(asked).toEqual(['/teacher-countdown-grpo60.safetensors']);
    expect(t.name).toBe('teacher-countdown-grpo60');
    expect(t.config.model).toEqual(COUNTDOWN.model); // the MoE teacher, not the student
    expect(t.params.length).toBeGreaterThan(0);
    // a dev server answers a missing file with its index.html
    vi.stubGlobal('fetch', async () => new Response('<html>', { headers: { 'content-type': 'text/html' } }));
    await expect(fetchTeacher(DISTILLED)).rejects.toThrow('the distillation teacher teacher-countdown-grpo60.safetensors could not be fetched (not found); set pipeline.teacher to none to run without it');
    vi.stubGlobal('fetch', async () => new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } }));
    await expect(fetchTeacher(DISTILLED)).rejects.toThrow(/the distillation teacher teacher-countdown-grpo60.safetensors is unreadable/);
  });
});
