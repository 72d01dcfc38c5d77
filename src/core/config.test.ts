import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CONFIG, KNOBS, KNOB_BY_PATH, PRESET_NAMES, cloneConfig, getPath, matchingPreset, matchingPresets, preset, STUDENT_MODEL, type NumberKnob, type RunConfig } from './config';
import { ConfigValidationError, MAX_PARAMS, estimateParamCount, parseConfig, validateConfig } from './validate';

function leafPaths(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' ? leafPaths(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('RunConfig property table', () => {
  it('has exactly one knob per leaf of the default config', () => {
    expect(KNOBS.map((k) => k.path).sort()).toEqual(leafPaths(DEFAULT_CONFIG).sort());
    expect(KNOB_BY_PATH.size).toBe(KNOBS.length);
  });

  it('defaults are valid and every default lies inside its knob', () => {
    expect(validateConfig(DEFAULT_CONFIG).errors).toEqual([]);
    for (const knob of KNOBS) {
      const v = getPath(DEFAULT_CONFIG, knob.path);
      if (knob.kind === 'int' || knob.kind === 'float') {
        expect(v, knob.path).toBeGreaterThanOrEqual(knob.min);
        expect(v, knob.path).toBeLessThanOrEqual(knob.max);
        expect(knob.min, knob.path).toBeLessThanOrEqual(knob.max);
      }
      expect(knob.help.length, knob.path).toBeGreaterThan(10);
    }
  });

  it('only the knobs DESIGN calls safe are live', () => {
    const live = KNOBS.filter((k) => k.live).map((k) => k.path);
    for (const p of ['grpo.lr', 'grpo.beta', 'grpo.epsLow', 'grpo.epsHigh', 'sampling.temperature']) expect(live).toContain(p);
    for (const p of ['model.dModel', 'model.nRouted', 'grpo.groupSize', 'seed', 'task.family']) expect(live).not.toContain(p);
  });
});

describe('presets', () => {
  it('set the choices of their papers', () => {
    const r1 = preset('R1-Zero');
    expect([r1.grpo.lossType, r1.grpo.scaleRewards, r1.grpo.beta, r1.grpo.epsHigh]).toEqual(['grpo', 'group', 0.001, 0.2]);
    const dr = preset('Dr. GRPO');
    expect([dr.grpo.lossType, dr.grpo.scaleRewards, dr.grpo.beta]).toEqual(['dr_grpo', 'none', 0]);
    const dapo = preset('DAPO');
    expect([dapo.grpo.lossType, dapo.grpo.epsLow, dapo.grpo.epsHigh, dapo.grpo.dynamicSampling, dapo.grpo.overlongShaping, dapo.grpo.beta])
      .toEqual(['dapo', 0.2, 0.28, true, true, 0]);
  });

  it('are valid, keep non-GRPO knobs, and are recognised back', () => {
    for (const name of PRESET_NAMES) {
      const c = preset(name);
      expect(validateConfig(c).errors, name).toEqual([]);
      // the student presets are another architecture: the dense student's, nothing else moved
      expect(c.model).toEqual(name.includes('student') ? { ...DEFAULT_CONFIG.model, ...STUDENT_MODEL } : DEFAULT_CONFIG.model);
      expect(c.seed).toBe(DEFAULT_CONFIG.seed);
      expect(matchingPresets(c)).toContain(name);
    }
    // the objective presets on the default task are the countdown preset too; that one is named
    expect(matchingPreset(preset('R1-Zero'))).toBe('R1-Zero (Countdown)');
    expect(matchingPreset(preset('DAPO'))).toBe('DAPO');
    expect(matchingPreset(preset('R1-Zero (Arithmetic)'))).toBe('R1-Zero (Arithmetic)');
    expect(matchingPreset(DEFAULT_CONFIG)).toBe('R1-Zero (Countdown)');
    const mixed = preset('DAPO');
    mixed.grpo.epsHigh = 0.3;
    expect(matchingPreset(mixed)).toBeNull();
    expect(preset('R1-Zero')).not.toBe(DEFAULT_CONFIG);
  });
});

describe('validation', () => {
  it('names the field, the value and the allowed range', () => {
    const { errors } = validateConfig({ grpo: { groupSize: 100 } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'grpo.groupSize', value: 100 });
    expect(errors[0]!.message).toBe('grpo.groupSize = 100: out of range, allowed [2, 64]');
    expect(validateConfig({ model: { nLayers: 2.5 } }).errors[0]!.message).toBe('model.nLayers = 2.5: must be an integer in [1, 8]');
    expect(validateConfig({ grpo: { beta: 'x' } }).errors[0]!.message).toBe('grpo.beta = "x": must be a finite number in [0, 1]');
    expect(validateConfig({ grpo: { beta: NaN } }).errors[0]!.message).toMatch(/grpo.beta = NaN: must be a finite number/);
    expect(validateConfig({ grpo: { lossType: 'ppo' } }).errors[0]!.message).toBe(
      'grpo.lossType = "ppo": must be one of "grpo", "dapo", "dr_grpo", "bnpo"',
    );
    expect(validateConfig({ grpo: { dynamicSampling: 1 } }).errors[0]!.message).toBe('grpo.dynamicSampling = 1: must be true or false');
    expect(validateConfig(42).errors[0]!.message).toBe('RunConfig must be an object, got 42');
    expect(validateConfig([1]).errors[0]!.message).toMatch(/must be an object/);
  });

  it('checks rules across fields and names them', () => {
    const msg = (o: unknown) => validateConfig(o).errors.map((e) => e.message);
    expect(msg({ model: { dModel: 64, nHeads: 5 } })).toEqual(['model.nHeads = 5: must divide model.dModel (64)']);
    expect(msg({ model: { dModel: 48, nHeads: 16 } })[0]).toMatch(/RoPE needs an even head size/);
    expect(msg({ model: { dModel: 48, nHeads: 16, positions: 'learned' } })).toEqual([]);
    expect(msg({ model: { topK: 5, nRouted: 4 } })).toEqual(['model.topK = 5: must be at most model.nRouted (4)']);
    // 2-digit addition's longest prompt leaves 72 of the 96 positions (the arithmetic preset's task)
    const add2 = { family: 'add', difficulty: 2 };
    expect(msg({ task: add2, grpo: { maxCompletionLength: 90 } })[0]).toMatch(/grpo.maxCompletionLength = 90: .* allowed at most 72/);
    expect(msg({ grpo: { warmupSteps: 600, totalSteps: 500 } })).toEqual(['grpo.warmupSteps = 600: must be at most grpo.totalSteps (500)']);
    expect(msg({ task: add2, corpus: { direct: 0, stepwise: 0, slip: 0, corrected: 0 } })[0]).toMatch(/must not all be 0/);
    expect(msg({ corpus: { guess: 0, search: 0, searchWrong: 0 } })[0]).toMatch(/must not all be 0/);
    expect(msg({ grpo: { formatWeight: 0, accuracyWeight: 0 } })[0]).toMatch(/must be > 0/);
    expect(msg({ model: { dModel: 256, nLayers: 8, nRouted: 32, dExpert: 512 } })[0]).toMatch(/parameters; at most 8000000/);
  });

  it('ignores unknown fields and fills missing ones with defaults', () => {
    const { config, errors } = validateConfig({ bogus: 1, model: { dModel: 32, extra: true }, grpo: { beta: 0.05 } });
    expect(errors).toEqual([]);
    expect(config.model.dModel).toBe(32);
    expect(config.grpo.beta).toBe(0.05);
    expect(config.grpo.groupSize).toBe(DEFAULT_CONFIG.grpo.groupSize);
    expect(config).not.toHaveProperty('bogus');
    expect(validateConfig({}).config).toEqual(DEFAULT_CONFIG);
  });

  it('keeps defaults for bad fields so a caller can still run', () => {
    const { config, errors } = validateConfig({ grpo: { groupSize: -3, beta: 0.01 } });
    expect(errors.map((e) => e.path)).toEqual(['grpo.groupSize']);
    expect(config.grpo.groupSize).toBe(DEFAULT_CONFIG.grpo.groupSize);
    expect(config.grpo.beta).toBe(0.01);
  });

  it('parseConfig throws one error listing every problem', () => {
    try {
      parseConfig({ grpo: { groupSize: 1, epsLow: 2 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigValidationError);
      const err = e as ConfigValidationError;
      // Errors come in the table's order.
      expect(err.errors.map((x) => x.path)).toEqual(['grpo.groupSize', 'grpo.epsLow']);
      expect(err.message).toMatch(/grpo.groupSize = 1: out of range, allowed \[2, 64\]/);
      expect(err.message).toMatch(/grpo.epsLow = 2: out of range, allowed \[0, 0.9\]/);
    }
  });

  it('never throws on arbitrary input, and accepts what it returns (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const { config, errors } = validateConfig(input);
        if (errors.length === 0) expect(validateConfig(config).errors).toEqual([]);
        for (const e of errors) expect(typeof e.message).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts any in-range value of a single knob or names the cross-field rule it breaks', () => {
    const numeric = KNOBS.filter((k): k is NumberKnob => k.kind === 'int' || k.kind === 'float');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: numeric.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (i, u) => {
        const knob = numeric[i]!;
        let v = knob.min + u * (knob.max - knob.min);
        if (knob.kind === 'int') v = Math.round(v);
        const c: RunConfig = cloneConfig(DEFAULT_CONFIG);
        const input = JSON.parse(JSON.stringify(c));
        const keys = knob.path.split('.');
        let o = input;
        for (const key of keys.slice(0, -1)) o = o[key];
        o[keys[keys.length - 1]!] = v;
        for (const e of validateConfig(input).errors) {
          expect(e.message).not.toMatch(/out of range|must be an integer|finite/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('helpers', () => {
  it('estimateParamCount counts the default model by hand', () => {
    // V=25, C=64, H=64, E=4, S=1, L=2, swiglu, rope:
    // wte 25*64 = 1600; per layer: 64 + 4*64*64 + 64 + 64*4 + 5*3*64*64 = 64+16384+64+256+61440 = 78208; lnf 64.
    expect(estimateParamCount(DEFAULT_CONFIG)).toBe(1600 + 2 * 78208 + 64);
    expect(MAX_PARAMS).toBeGreaterThan(estimateParamCount(DEFAULT_CONFIG));
  });
});

describe('the distillation presets', () => {
  it('are the dense student from its base, one with the shipped teacher and npm run distill\'s settings, one without', () => {
    const dense = preset('Dense student (Countdown)'), distilled = preset('Distilled student (Countdown)');
    expect(dense.pipeline.teacher).toBe('none');
    expect(distilled.pipeline).toMatchObject({ teacher: 'teacher-countdown-grpo60', distillSteps: 300, rejectionPrompts: 512, rejectionSamples: 8, rejectionReadable: false, sftLr: 5e-4, coldStartSteps: 0, rl1Steps: 0 });
    // the two arms differ in the teacher and nothing else
    expect({ ...distilled, pipeline: { ...distilled.pipeline, teacher: 'none' } }).toEqual(dense);
    expect(matchingPreset(distilled)).toBe('Distilled student (Countdown)');
    expect(matchingPreset(dense)).toBe('Dense student (Countdown)');
    // pressing R1-Zero (Countdown) turns distillation off
    expect(preset('R1-Zero (Countdown)', distilled).pipeline.teacher).toBe('none');
  });
});
