// Every kernel's WGSL `struct Params` against what its wrapper writes: the
// wrapper's SPECS name the tensor bindings (whose element remainders open
// Params as o_<name>) and then the scalars dispatch fills, in order. The
// runtime checks the counts at every dispatch; this checks the names and the
// order, in Node, without a GPU.
import { describe, expect, it } from 'vitest';
import type { KernelSpec } from '../runtime';

const wgsl = import.meta.glob<string>('./*.wgsl', { query: '?raw', import: 'default', eager: true });
const wrappers = import.meta.glob<{ SPECS?: Record<string, KernelSpec> }>(['./*.ts', '!./*.test.ts'], { eager: true });

/** The field names of the code's struct Params, in order (comments dropped); null without one. */
function paramsFields(code: string): string[] | null {
  const m = /struct Params\s*\{([^}]*)\}/.exec(code);
  if (!m) return null;
  return m[1]!.split('\n').map((line) => line.replace(/\/\/.*/, '')).join(' ')
    .split(',').map((f) => f.trim()).filter((f) => f.length > 0).map((f) => f.split(':')[0]!.trim());
}

const specs = Object.entries(wrappers).flatMap(([file, m]) => Object.values(m.SPECS ?? {}).map((spec) => ({ file, name: spec.name, spec })));

describe('struct Params of every kernel against its wrapper', () => {
  it('reads the fields of a struct (the parser the checks below use)', () => {
    expect(paramsFields('struct Params {\n  o_out: u32, // remainder\n  n: u32,\n  beta: f32,\n}')).toEqual(['o_out', 'n', 'beta']);
    expect(paramsFields('struct Params { o0: u32, n: u32 }')).toEqual(['o0', 'n']);
    expect(paramsFields('fn main() {}')).toBeNull();
  });

  it('finds the wrappers and the kernels', () => {
    expect(specs.length).toBeGreaterThanOrEqual(50);
    expect(Object.keys(wgsl).length).toBeGreaterThanOrEqual(50);
  });

  it.each(specs)('$name ($file): o_<tensor> for each binding, then the params, as the WGSL lists them', ({ spec }) => {
    expect(paramsFields(spec.code)).toEqual([...spec.tensors.map((t) => `o_${t}`), ...spec.params]);
  });

  it('every .wgsl with a struct Params is the code of some wrapper\'s spec', () => {
    const orphans = Object.entries(wgsl).filter(([, code]) => paramsFields(code) !== null && !specs.some((s) => s.spec.code.includes(code))).map(([f]) => f);
    expect(orphans).toEqual([]);
  });
});
