// Links must not rot: a run link is read against the defaults frozen for its
// version (linkDefaults.ts), never against the DEFAULT_CONFIG of the build
// that opens it. These tests play later builds (every default moved, a knob
// added, an r4) against links made today, and pin the r1, r2 and r3 tables to
// literal values so that nobody edits them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cloneConfig, DEFAULT_CONFIG, getPath, KNOBS, mergeConfig, preset, setPath, type RunConfig } from '../core/config';
import { checkKnob, validateConfig } from '../core/validate';
import { LINK_VERSIONS, R1_DEFAULTS, R2_DEFAULTS, R3_DEFAULTS, type DefaultsTable, type LinkVersion } from './linkDefaults';
import { decodeRunLink, encodeRunLink, LINK_VERSION, toBase64Url, type LinkContext } from './url';

/**
 * DEFAULT_CONFIG at commit f124488, copied by hand from src/core/config.ts:
 * what every r1 link means. Never edit; a change of default is a new version.
 */
const R1_PINNED: Record<string, number | string | boolean> = {
  'seed': 1234,
  'task.family': 'add',
  'task.difficulty': 2,
  'task.heldOutPercent': 10,
  'model.dModel': 64,
  'model.nLayers': 2,
  'model.nHeads': 4,
  'model.maxSeqLen': 96,
  'model.positions': 'rope',
  'model.nShared': 1,
  'model.nRouted': 4,
  'model.topK': 2,
  'model.dExpert': 64,
  'model.router': 'softmax',
  'model.balance': 'auxFree',
  'model.auxAlpha': 0.01,
  'model.biasGamma': 0.001,
  'model.ffn': 'swiglu',
  'model.initStd': 0.02,
  'grpo.batchPrompts': 8,
  'grpo.groupSize': 8,
  'grpo.mu': 1,
  'grpo.beta': 0.001,
  'grpo.epsLow': 0.2,
  'grpo.epsHigh': 0.2,
  'grpo.lossType': 'grpo',
  'grpo.scaleRewards': 'group',
  'grpo.dynamicSampling': false,
  'grpo.maxCompletionLength': 64,
  'grpo.formatWeight': 0.1,
  'grpo.accuracyWeight': 1,
  'grpo.overlongShaping': false,
  'grpo.overlongBuffer': 16,
  'grpo.overlongPenalty': 1,
  'grpo.lr': 0.0001,
  'grpo.lrSchedule': 'constant',
  'grpo.warmupSteps': 10,
  'grpo.totalSteps': 500,
  'grpo.weightDecay': 0,
  'grpo.adamBeta1': 0.9,
  'grpo.adamBeta2': 0.99,
  'grpo.adamEps': 1e-8,
  'grpo.gradClip': 1,
  'grpo.evalEvery': 20,
  'grpo.heldOutSize': 64,
  'sampling.temperature': 0.7,
  'sampling.topK': 0,
  'sampling.topP': 1,
  'corpus.direct': 0.3,
  'corpus.stepwise': 0.4,
  'corpus.slip': 0.15,
  'corpus.corrected': 0.15,
  'corpus.pretrainSteps': 450,
  'corpus.pretrainLr': 0.003,
  'corpus.pretrainBatch': 32,
};

/**
 * DEFAULT_CONFIG when it became the R1-Zero (Countdown) preset (issue 13), by
 * hand: what every r2 link means. r1's values except these eight.
 */
const R2_PINNED: Record<string, number | string | boolean> = {
  ...R1_PINNED,
  'task.family': 'countdown',
  'task.difficulty': 1,
  'grpo.evalEvery': 50,
  'grpo.heldOutSize': 256,
  'sampling.temperature': 1,
  'corpus.guess': 0.85,
  'corpus.search': 0.15,
  'corpus.searchWrong': 0,
  'corpus.pretrainSteps': 1200,
};

/**
 * DEFAULT_CONFIG when R1's four-stage recipe added its knobs (issue 17), by
 * hand: what every r3 link means. r2's values, plus the new knobs, all off.
 */
const R3_PINNED: Record<string, number | string | boolean> = {
  ...R2_PINNED,
  'grpo.consistencyWeight': 0,
  'pipeline.coldStartSteps': 0,
  'pipeline.coldStartTraces': 256,
  'pipeline.rl1Steps': 0,
  'pipeline.rejectionSamples': 8,
  'pipeline.rejectionPrompts': 512,
  'pipeline.rejectionReadable': false,
  'pipeline.rejectionSftEpochs': 2,
  'pipeline.sftLr': 5e-4,
  'pipeline.teacher': 'none',
  'pipeline.distillSteps': 300,
};

const [R1, R2, R3] = LINK_VERSIONS as [LinkVersion, LinkVersion, LinkVersion];
/** The encoder as it was while r1, then r2, was the newest version. */
const AS_R1: LinkContext = { versions: [R1] };
const AS_R2: LinkContext = { versions: [R1, R2] };

/**
 * Links written at commit f124488 (the encoder from before versioned defaults
 * writes the same bytes), with the knobs each one sets besides the r1 defaults.
 */
const GOLDEN: { what: string; hash: string; set: Record<string, number | string | boolean> }[] = [
  { what: 'DEFAULT_CONFIG', hash: '#r1.q1ZKVrKqVipOTU1RsjI0MjaprQUA', set: {} },
  {
    what: 'DAPO, seed 42, temperature 1',
    hash: '#r1.TYo7CsMwDIbv8s_FpKFD0Qm6pxdQY-EY_BCyUwghd-_ioeP3OLGCTjQRD3rMNwTT6j7SGTQNEm2vGDbQ5ObncKm29j5UQPCsFUP7o3CO68JZUywB1G2X0epXLNUSlo31r7Xxui5ZxbjvJqD7df0A',
    set: { 'seed': 42, 'grpo.beta': 0, 'grpo.epsHigh': 0.28, 'grpo.lossType': 'dapo', 'grpo.dynamicSampling': true, 'grpo.overlongShaping': true, 'sampling.temperature': 1 },
  },
  {
    what: 'mul, 3 learned-position layers, lr 5e-4, no corrected traces',
    hash: '#r1.Tc0xCgMhEAXQu_xaxGSTxjPkEqJjkKgjM1osy959CaRI-5p3IMIfUKIEf7tvD4MZ9GNzaKXu8Gir4mep5FziqnOH3wwaJ6q2v8JOon8yWMss3BUelYJ0SjB4y2BbBd5Z59zTILKMpTayCMX57d15Xg',
    set: { 'task.family': 'mul', 'task.difficulty': 3, 'model.nLayers': 3, 'model.positions': 'learned', 'grpo.lr': 5e-4, 'corpus.corrected': 0 },
  },
];

/**
 * The run an r1 link that sets `set` means, opened in a build whose defaults
 * are `current`: r1's pinned values, the link's own, and `current` only for
 * knobs added since r1 was frozen.
 */
function r1Run(set: Record<string, unknown>, current: RunConfig = DEFAULT_CONFIG): RunConfig {
  const c = cloneConfig(current);
  for (const [p, v] of Object.entries(R1_PINNED)) setPath(c, p, v);
  for (const [p, v] of Object.entries(set)) setPath(c, p, v);
  return c;
}

/**
 * A later build's defaults with every knob moved to another valid value
 * (what the temperature did once, and task.family may do next), so a decoder
 * that read any knob from the current defaults gives another config.
 */
function laterDefaults(from: RunConfig = DEFAULT_CONFIG): RunConfig {
  const c = cloneConfig(from);
  for (const k of KNOBS) {
    const v = getPath(c, k.path);
    const candidates: unknown[] =
      k.kind === 'bool' ? [!v]
      : k.kind === 'enum' ? k.options.filter((o) => o !== v)
      : [(v as number) * 2, (v as number) / 2, (v as number) + 1, (v as number) - 1, k.min, k.max];
    for (const cand of candidates) {
      // moved away from every frozen table too, so that reading any knob from the wrong table shows
      if (cand === v || cand === R1_PINNED[k.path] || cand === R2_PINNED[k.path] || cand === R3_PINNED[k.path] || checkKnob(k, cand) !== null) continue;
      setPath(c, k.path, cand);
      if (validateConfig(c).errors.length === 0) break;
      setPath(c, k.path, v);
    }
  }
  return c;
}

function flatten(t: DefaultsTable, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'object') Object.assign(out, flatten(v, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

/** A copy of a table with knobs set, or removed where the value is undefined. */
function editTable(t: DefaultsTable, edits: Record<string, unknown>): DefaultsTable {
  const c = JSON.parse(JSON.stringify(t)) as Record<string, Record<string, unknown>>;
  for (const [p, v] of Object.entries(edits)) {
    const [group, key] = p.split('.') as [string, string];
    if (v === undefined) delete c[group]![key];
    else c[group]![key] = v;
  }
  return c as DefaultsTable;
}

/** A config as a table, as a later version would freeze it. */
const tableOf = (c: RunConfig): DefaultsTable => JSON.parse(JSON.stringify(c)) as DefaultsTable;

async function rawLink(doc: unknown, version = 'r1'): Promise<string> {
  const bytes = new Uint8Array(await new Response(new Blob([JSON.stringify(doc)]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  return `#${version}.${toBase64Url(bytes)}`;
}

/** The JSON inside a link. */
async function linkDoc(hash: string): Promise<{ c: Record<string, unknown> }> {
  const b64 = hash.slice(hash.indexOf('.') + 1).replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64 + '==='.slice((b64.length + 3) % 4)), (ch) => ch.charCodeAt(0));
  return JSON.parse(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text());
}

describe('the r1 defaults table', () => {
  it('holds DEFAULT_CONFIG as of commit f124488, value for value (pinned: it must never change)', () => {
    expect(flatten(R1_DEFAULTS)).toEqual(R1_PINNED);
    for (const k of KNOBS) {
      const v = getPath(R1_DEFAULTS, k.path);
      if (v !== undefined) expect(v, k.path).toBe(R1_PINNED[k.path]);
    }
  });

  it('is deeply frozen, and so is the list of versions', () => {
    expect(Object.isFrozen(R1_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(R1_DEFAULTS.sampling)).toBe(true);
    expect(() => { (R1_DEFAULTS.sampling as Record<string, unknown>).temperature = 1; }).toThrow(TypeError);
    expect(getPath(R1_DEFAULTS, 'sampling.temperature')).toBe(0.7);
    expect(Object.isFrozen(LINK_VERSIONS)).toBe(true);
    expect(Object.isFrozen(LINK_VERSIONS[0])).toBe(true);
  });

  it('lists r1 first with this table, ids unique, and the encoder writes the newest', async () => {
    expect(LINK_VERSIONS[0]!.id).toBe('r1');
    expect(LINK_VERSIONS[0]!.defaults).toBe(R1_DEFAULTS);
    expect(LINK_VERSIONS[1]!.id).toBe('r2');
    expect(LINK_VERSIONS[1]!.defaults).toBe(R2_DEFAULTS);
    expect(LINK_VERSIONS[2]!.id).toBe('r3');
    expect(LINK_VERSIONS[2]!.defaults).toBe(R3_DEFAULTS);
    const ids = LINK_VERSIONS.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^r[1-9][0-9]*$/);
    expect(LINK_VERSION).toBe(ids[ids.length - 1]);
    expect(await encodeRunLink(DEFAULT_CONFIG)).toMatch(new RegExp(`^#${LINK_VERSION}\\.`));
  });
});

describe('the r2 defaults table', () => {
  it('holds DEFAULT_CONFIG as of the switch to countdown, value for value (pinned: it must never change)', () => {
    expect(flatten(R2_DEFAULTS)).toEqual(R2_PINNED);
    expect(Object.isFrozen(R2_DEFAULTS.corpus)).toBe(true);
  });

  it('an r2 link made before the pipeline knobs opens R1-Zero: the knobs it lacks take today\'s defaults, every stage off', async () => {
    const hash = await encodeRunLink(mergeConfig(DEFAULT_CONFIG, { seed: 3 }), undefined, AS_R2);
    expect(hash.startsWith('#r2.')).toBe(true);
    const d = await decodeRunLink(hash);
    expect(d.errors).toEqual([]);
    expect(d.config).toEqual(mergeConfig(DEFAULT_CONFIG, { seed: 3 }));
    expect(d.config.pipeline.coldStartSteps).toBe(0);
    expect(d.config.pipeline.rl1Steps).toBe(0);
    expect(d.config.grpo.consistencyWeight).toBe(0);
  });
});

describe('the r3 defaults table', () => {
  it('holds DEFAULT_CONFIG as of the four-stage recipe\'s knobs, value for value (pinned: it must never change)', () => {
    expect(flatten(R3_DEFAULTS)).toEqual(R3_PINNED);
    expect(Object.isFrozen(R3_DEFAULTS.pipeline)).toBe(true);
  });

  it('a four-stage link reads back exactly, and names its stages', async () => {
    const c = preset('R1 (four stages, Countdown)');
    const hash = await encodeRunLink(c);
    expect(hash.startsWith('#r3.')).toBe(true);
    const d = await decodeRunLink(hash);
    expect(d.errors).toEqual([]);
    expect(d.config).toEqual(c);
    expect(d.config.pipeline.rl1Steps).toBe(75);
  });

  it('is today\'s DEFAULT_CONFIG: a changed default needs a new version (linkDefaults.ts header), or links grow', () => {
    const newest = LINK_VERSIONS[LINK_VERSIONS.length - 1]!;
    for (const k of KNOBS) expect(getPath(newest.defaults, k.path), `${k.path}: freeze today's defaults as a new link version`).toBe(getPath(DEFAULT_CONFIG, k.path));
  });

  it('keeps the default link short again: an unchanged config writes only its seed', async () => {
    const hash = await encodeRunLink(DEFAULT_CONFIG);
    expect(hash.startsWith('#r3.')).toBe(true);
    expect((await linkDoc(hash)).c).toEqual({ seed: DEFAULT_CONFIG.seed });
  });

  it('an r1 link of the old default still opens the arithmetic run it was made from, not today\'s countdown default', async () => {
    const d = await decodeRunLink(GOLDEN[0]!.hash);
    expect(d.errors).toEqual([]);
    expect(d.config).toEqual(preset('R1-Zero (Arithmetic)'));
    expect(d.config.task.family).toBe('add');
  });
});

describe('r1 links do not rot', () => {
  const later = laterDefaults();
  const inLater: LinkContext = { defaults: later };
  afterEach(() => {
    vi.doUnmock('../core/config');
    vi.resetModules();
  });

  it('the later build used here is valid and moves every default r1, r2 and r3 froze', () => {
    expect(validateConfig(later).errors).toEqual([]);
    for (const p of Object.keys(R1_PINNED)) expect(getPath(later, p), p).not.toBe(R1_PINNED[p]);
    for (const p of Object.keys(R2_PINNED)) expect(getPath(later, p), p).not.toBe(R2_PINNED[p]);
    for (const p of Object.keys(R3_PINNED)) expect(getPath(later, p), p).not.toBe(R3_PINNED[p]);
  });

  it('links written at commit f124488 decode to the run they were made from, in this build and in a later one', async () => {
    for (const g of GOLDEN) {
      const now = await decodeRunLink(g.hash);
      expect(now.errors, g.what).toEqual([]);
      expect(now.config, g.what).toEqual(r1Run(g.set));
      const then = await decodeRunLink(g.hash, later, inLater);
      expect(then.errors, g.what).toEqual([]);
      expect(then.config, g.what).toEqual(r1Run(g.set, later));
    }
  });

  it('an r1, r2 or r3 link made today opens the same run in a build whose every default has changed', async () => {
    const today = [
      DEFAULT_CONFIG, preset('R1-Zero'), preset('Dr. GRPO'), preset('DAPO'), preset('R1-Zero (Arithmetic)'), preset('R1 (four stages, Countdown)'),
      mergeConfig(DEFAULT_CONFIG, { sampling: { temperature: 0.7 } }),
      mergeConfig(DEFAULT_CONFIG, { seed: 7, task: { family: 'sub' }, grpo: { lr: 3e-4 } }),
    ];
    for (const [id, writer] of [['r1', AS_R1], ['r2', AS_R2], ['r3', {}]] as const) {
      for (const c of today) {
        const hash = await encodeRunLink(c, undefined, writer);
        expect(hash.startsWith(`#${id}.`)).toBe(true);
        const d = await decodeRunLink(hash, later, inLater);
        expect(d.errors).toEqual([]);
        expect(d.config).toEqual(c);
      }
    }
  });

  it('a link made in that later build, written as r1, r2 or r3, reads back exactly in both builds', async () => {
    for (const [id, writer] of [['r1', { ...inLater, ...AS_R1 }], ['r2', { ...inLater, ...AS_R2 }], ['r3', inLater]] as const) for (const c of [later, mergeConfig(later, { seed: 5, sampling: { temperature: 0.7 } })]) {
      const hash = await encodeRunLink(c, undefined, writer);
      expect(hash.startsWith(`#${id}.`)).toBe(true);
      for (const ctx of [inLater, {}]) {
        const d = await decodeRunLink(hash, DEFAULT_CONFIG, ctx);
        expect(d.errors).toEqual([]);
        expect(d.config).toEqual(c);
      }
    }
  });

  it('with DEFAULT_CONFIG itself changed (module mock), decoding still uses the r1 table', async () => {
    vi.resetModules();
    vi.doMock('../core/config', async (importOriginal) => {
      const real = await importOriginal<typeof import('../core/config')>();
      return { ...real, DEFAULT_CONFIG: later };
    });
    const url = await import('./url');
    const config = await import('../core/config');
    expect(config.DEFAULT_CONFIG).toEqual(later); // the mock took
    for (const g of GOLDEN) {
      const d = await url.decodeRunLink(g.hash);
      expect(d.errors, g.what).toEqual([]);
      expect(d.config, g.what).toEqual(r1Run(g.set, later));
    }
    // what the mocked build writes reads back in it, and an unreadable link still gives the page's default
    expect((await url.decodeRunLink(await url.encodeRunLink(later))).config).toEqual(later);
    expect((await url.decodeRunLink('#r1.%%')).config).toEqual(later);
  });

  it('a bad value in an r1 link is named and replaced by the r1 default, not the current one', async () => {
    const d = await decodeRunLink(await rawLink({ c: { 'seed': 5, 'sampling.temperature': 'hot', 'grpo.lr': -1 } }), later, inLater);
    expect(d.config).toEqual(r1Run({ seed: 5 }, later));
    expect(d.errors).toHaveLength(2);
    expect(d.errors[0]).toMatch(/^grpo\.lr = -1: /);
    expect(d.errors[1]).toMatch(/^sampling\.temperature = "hot": /);
    // a cross-field break resets the named field to r1's value too (4 heads; the later build's would also fit 48)
    expect(48 % later.model.nHeads === 0 && later.model.nHeads !== 4).toBe(true);
    const x = await decodeRunLink(await rawLink({ c: { 'model.dModel': 48, 'model.nHeads': 5 } }), later, inLater);
    expect(x.config).toEqual(r1Run({ 'model.dModel': 48 }, later));
    expect(x.errors.join('\n')).toContain('model.nHeads');
  });
});

describe('versions and knobs to come', () => {
  const later = laterDefaults();
  const r1 = LINK_VERSIONS[0]!;

  it('a knob the table lacks takes the current default when a link lacks it, and the encoder always writes it', async () => {
    // as if sampling.topP and corpus.pretrainBatch had been added after r1 was frozen
    const young: LinkVersion = { id: 'r1', defaults: editTable(R1_DEFAULTS, { 'sampling.topP': undefined, 'corpus.pretrainBatch': undefined }) };
    const old = await decodeRunLink(await rawLink({ c: { seed: 3 } }), later, { versions: [young], defaults: later });
    expect(old.errors).toEqual([]);
    const want = r1Run({ seed: 3 }, later);
    want.sampling.topP = later.sampling.topP;
    want.corpus.pretrainBatch = later.corpus.pretrainBatch;
    expect(old.config).toEqual(want);
    // written whatever their value: the seed, and every knob the table lacks (those two, and any added since r1)
    const r1Default = r1Run({});
    const hash = await encodeRunLink(r1Default, undefined, { versions: [young] });
    const written: Record<string, unknown> = { seed: r1Default.seed };
    for (const k of KNOBS) if (getPath(young.defaults, k.path) === undefined) written[k.path] = getPath(r1Default, k.path);
    expect(written).toMatchObject({ 'sampling.topP': 1, 'corpus.pretrainBatch': 32 });
    expect((await linkDoc(hash)).c).toEqual(written);
    expect((await decodeRunLink(hash, later, { versions: [young], defaults: later })).config).toEqual(r1Default);
  });

  it('a frozen default the build no longer accepts is named and takes the current default', async () => {
    const stale: LinkVersion = { id: 'r1', defaults: editTable(R1_DEFAULTS, { 'task.family': 'div', 'model.nLayers': 99 }) };
    const ctx = { versions: [stale], defaults: later };
    const d = await decodeRunLink(await rawLink({ c: { seed: 3 } }), later, ctx);
    expect(d.config).toEqual(r1Run({ 'seed': 3, 'task.family': later.task.family, 'model.nLayers': later.model.nLayers }, later));
    expect(d.errors).toHaveLength(2);
    expect(d.errors[0]).toMatch(/^task\.family = "div".*the r1 default, no longer allowed/);
    expect(d.errors[1]).toMatch(/^model\.nLayers = 99.*the r1 default, no longer allowed/);
    // a link that sets the knob itself does not hear about the table's value
    const own = await decodeRunLink(await rawLink({ c: { 'seed': 3, 'task.family': 'mul', 'model.nLayers': 1 } }), later, ctx);
    expect(own.errors).toEqual([]);
    expect(own.config.task.family).toBe('mul');
  });

  it('a table whose values no longer fit together falls back to the current defaults, seed kept', async () => {
    const broken: LinkVersion = { id: 'r1', defaults: editTable(R1_DEFAULTS, { 'model.nHeads': 5 }) }; // 64 / 5
    const d = await decodeRunLink(await rawLink({ c: { seed: 3 } }), later, { versions: [broken], defaults: later });
    expect(d.config).toEqual({ ...later, seed: 3 });
    expect(d.errors.join('\n')).toMatch(/model\.nHeads[^]*do not fit together/);
  });

  it('with an r4 added, the encoder writes r4, r1 to r4 links all read back, and other versions are refused by name', async () => {
    const ctx: LinkContext = { versions: [r1, R2, R3, { id: 'r4', defaults: tableOf(later) }], defaults: later };
    const made = mergeConfig(DEFAULT_CONFIG, { seed: 9, grpo: { beta: 0.01 } });
    for (const writer of [AS_R1, AS_R2, {}]) {
      const old = await encodeRunLink(made, undefined, writer);
      expect((await decodeRunLink(old, later, ctx)).config).toEqual(made);
    }

    const r4Default = await encodeRunLink(later, undefined, ctx);
    expect(r4Default.startsWith('#r4.')).toBe(true);
    expect((await linkDoc(r4Default)).c).toEqual({ seed: later.seed }); // short again: diffed against r4's table
    const r4Link = await encodeRunLink(made, undefined, ctx);
    expect(r4Link.startsWith('#r4.')).toBe(true);
    for (const [hash, c] of [[r4Default, later], [r4Link, made]] as const) {
      const d = await decodeRunLink(hash, later, ctx);
      expect(d.errors).toEqual([]);
      expect(d.config).toEqual(c);
    }

    const r5 = await decodeRunLink('#r5.' + r4Link.slice(4), later, ctx);
    expect(r5.config).toEqual(later);
    expect(r5.errors).toEqual(['not a run link of version r1 or r2 or r3 or r4 (got "r5"); using the default config']);
    // this build does not know r4 yet: refused by name, not misread as an older version
    expect((await decodeRunLink(r4Link)).errors[0]).toMatch(/version r1 or r2 or r3 \(got "r4"\)/);
  });
});
