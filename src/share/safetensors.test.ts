import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng';
import { MAX_HEADER_BYTES, readSafetensors, SafetensorsError, writeSafetensors, type Tensor } from './safetensors';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
/** u64 little-endian of a small n. */
const u64 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24, 0, 0, 0, 0];

/** A file assembled from a header string and raw data bytes, with no help from the writer. */
function fileOf(header: string, data: number[]): Uint8Array {
  return new Uint8Array([...u64(header.length), ...ascii(header), ...data]);
}

const good = () =>
  new Map<string, Tensor>([
    ['w', { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2, 0.5, 3e-8, -0, 1e30]) }],
    ['idx', { dtype: 'I32', shape: [3], data: new Int32Array([7, -1, 2147483647]) }],
    ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
  ]);

function expectReject(bytes: Uint8Array, message: RegExp): void {
  let err: unknown;
  try {
    readSafetensors(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SafetensorsError);
  expect((err as Error).message).toMatch(message);
}

describe('safetensors, the format', () => {
  it('reads a file built byte by byte: header, F32 and I32 little-endian, metadata', () => {
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[1,1],"data_offsets":[8,12]},"__metadata__":{"k":"v"}}  ';
    // 1.0f = 0x3f800000, -2.0f = 0xc0000000, 258 = 0x00000102
    const f = readSafetensors(fileOf(header, [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x02, 0x01, 0x00, 0x00]));
    expect(f.metadata).toEqual({ k: 'v' });
    expect([...f.tensors.keys()]).toEqual(['a', 'b']);
    expect(f.tensors.get('a')).toEqual({ dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) });
    expect(f.tensors.get('b')).toEqual({ dtype: 'I32', shape: [1, 1], data: new Int32Array([258]) });
  });

  it('writes exactly the bytes of the spec: u64 length, JSON space-padded to 8, little-endian data', () => {
    const out = writeSafetensors(new Map([['x', { dtype: 'F32', shape: [1], data: new Float32Array([1]) } as Tensor]]), { a: 'b' });
    const json = '{"__metadata__":{"a":"b"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'; // 79 bytes -> one space to 80
    expect(json.length).toBe(79);
    expect([...out]).toEqual([80, 0, 0, 0, 0, 0, 0, 0, ...ascii(json), 0x20, 0x00, 0x00, 0x80, 0x3f]);
    const odd = writeSafetensors(new Map([['xy', { dtype: 'I32', shape: [], data: new Int32Array([-1]) } as Tensor]]));
    const j2 = '{"xy":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}'; // 54 bytes -> padded to 56
    expect(j2.length).toBe(54);
    expect([...odd]).toEqual([56, 0, 0, 0, 0, 0, 0, 0, ...ascii(j2), 0x20, 0x20, 0xff, 0xff, 0xff, 0xff]);
  });

  it('round-trips tensors (order, shapes, bits) and metadata', () => {
    const t = good();
    const f = readSafetensors(writeSafetensors(t, { runConfig: '{"seed":1}', note: 'ünïcode ✓' }));
    expect(f.metadata).toEqual({ runConfig: '{"seed":1}', note: 'ünïcode ✓' });
    expect([...f.tensors.keys()]).toEqual(['w', 'idx', 'empty']);
    for (const [name, want] of t) expect(f.tensors.get(name)).toEqual(want);
    expect(Object.is(f.tensors.get('w')!.data[4], -0)).toBe(true);
  });

  it('keeps a "__proto__" metadata key as a key', () => {
    const f = readSafetensors(fileOf('{"__metadata__":{"__proto__":"x","a":"b"}}', []));
    expect(Object.keys(f.metadata)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(f.metadata)).toBe(Object.prototype);
  });

  it('reads a view into a larger buffer (byteOffset != 0)', () => {
    const bytes = writeSafetensors(good());
    const big = new Uint8Array(bytes.length + 13);
    big.set(bytes, 5);
    expect(readSafetensors(big.subarray(5, 5 + bytes.length)).tensors.get('idx')!.data).toEqual(new Int32Array([7, -1, 2147483647]));
  });

  it('the writer refuses NaN, a wrong-sized shape, a wrong array type, the reserved name', () => {
    const w = (name: string, t: Tensor) => () => writeSafetensors(new Map([[name, t]]));
    expect(w('a', { dtype: 'F32', shape: [2], data: new Float32Array([1, NaN]) })).toThrow(/"a" holds NaN at index 1/);
    expect(w('a', { dtype: 'F32', shape: [3], data: new Float32Array(2) })).toThrow(/holds 3 values, data has 2/);
    expect(w('a', { dtype: 'I32', shape: [2], data: new Float32Array(2) })).toThrow(/I32 needs a Int32Array/);
    expect(w('__metadata__', { dtype: 'F32', shape: [0], data: new Float32Array(0) })).toThrow(/reserved/);
  });
});

describe('safetensors, bad files rejected with their reason', () => {
  const F32x2 = [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0];
  const hdr = (body: string) => `{${body}}`;
  const ok = (offs = '[0,8]', shape = '[2]', dtype = 'F32') => `"a":{"dtype":"${dtype}","shape":${shape},"data_offsets":${offs}}`;

  it('truncated files', () => {
    expectReject(new Uint8Array(5), /truncated: 5 bytes/);
    const bytes = writeSafetensors(good());
    expectReject(bytes.subarray(0, 20), /truncated: header length \d+ runs past the end of the file \(20 bytes\)/);
    // cutting the data region leaves the tensors past its end
    expectReject(bytes.subarray(0, bytes.length - 1), /"idx": data_offsets \[24, 36\] run past the data region \(35 bytes\)/);
  });

  it('a header length above the cap, even a 64-bit one, allocates nothing', () => {
    expectReject(new Uint8Array([...u64(MAX_HEADER_BYTES + 1), 0x7b]), /header length 100000001 is above the 100000000-byte cap/);
    expectReject(new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0, 0x7b]), /header length 4294967296 is above/);
  });

  it('headers that are not a JSON object', () => {
    expectReject(fileOf('[1,2]', []), /must be a JSON object starting with "\{"/);
    expectReject(fileOf('{"a":', []), /header is not JSON/);
    expectReject(new Uint8Array([...u64(3), 0x7b, 0xff, 0x7d]), /not valid UTF-8/);
    expectReject(new Uint8Array(u64(0)), /starting with "\{"/);
  });

  it('unknown and unsupported dtypes, bad shapes and offsets fields', () => {
    expectReject(fileOf(hdr(ok('[0,8]', '[2]', 'F33')), F32x2), /"a": unknown dtype "F33"/);
    expectReject(fileOf(hdr(ok('[0,4]', '[2]', 'F16')), F32x2.slice(0, 4)), /dtype F16 is not supported/);
    expectReject(fileOf(hdr(ok('[0,8]', '[-2]')), F32x2), /shape must be an array of integers >= 0/);
    expectReject(fileOf(hdr(ok('[0,8]', '[1.5]')), F32x2), /shape must be an array/);
    expectReject(fileOf(hdr(ok('[0]')), F32x2), /data_offsets must be \[begin, end\]/);
    expectReject(fileOf(hdr(ok('[8,0]')), F32x2), /end before they begin/);
    expectReject(fileOf(hdr('"a":5'), []), /"a": header entry must be an object/);
    expectReject(fileOf(hdr(`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}`), F32x2), /unexpected field "x"/);
  });

  it('shape that disagrees with the offsets', () => {
    expectReject(fileOf(hdr(ok('[0,8]', '[3]')), F32x2), /shape \[3\] of F32 needs 12 bytes, data_offsets span 8/);
    expectReject(fileOf(hdr(ok('[0,8]', '[9007199254740991,9007199254740991]')), F32x2), /data_offsets span 8/);
    // a zero dimension anywhere makes the product 0, however large the others
    expect(readSafetensors(fileOf(hdr(ok('[0,0]', '[9007199254740991,0]')), [])).tensors.get('a')!.data.length).toBe(0);
  });

  it('overlapping, out-of-range, holes and trailing bytes', () => {
    const two = (a: string, b: string) => hdr(`"a":{"dtype":"F32","shape":[2],"data_offsets":${a}},"b":{"dtype":"F32","shape":[1],"data_offsets":${b}}`);
    expectReject(fileOf(two('[0,8]', '[4,8]'), [...F32x2, 0, 0, 0, 0]), /"b": data_offsets \[4, 8\] overlap the previous tensor \(which ends at 8\)/);
    expectReject(fileOf(two('[0,8]', '[12,16]'), [...F32x2, 0, 0, 0, 0, 0, 0, 0, 0]), /"b": data_offsets \[12, 16\] leave a hole at bytes \[8, 12\)/);
    expectReject(fileOf(two('[0,8]', '[8,12]'), F32x2), /"b": data_offsets \[8, 12\] run past the data region \(8 bytes\)/);
    expectReject(fileOf(hdr(ok()), [...F32x2, 1]), /the tensors cover 8 bytes of the 9-byte data region/);
    expectReject(fileOf(hdr(ok('[1,9]')), [0, ...F32x2]), /leave a hole at bytes \[0, 1\)/);
  });

  it('NaN and Inf values', () => {
    expectReject(fileOf(hdr(ok()), [0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0x7f]), /"a" holds NaN at index 1; NaN and Inf are refused/);
    expectReject(fileOf(hdr(ok()), [0, 0, 0x80, 0xff, 0, 0, 0, 0]), /"a" holds -Infinity at index 0/);
  });

  it('non-string metadata', () => {
    expectReject(fileOf(hdr(`"__metadata__":{"step":3}`), []), /metadata "step" must be a string, got number/);
    expectReject(fileOf(hdr(`"__metadata__":{"x":null}`), []), /metadata "x" must be a string, got null/);
    expectReject(fileOf(hdr(`"__metadata__":["a"]`), []), /__metadata__ must be an object of strings/);
  });
});

describe('safetensors fuzz', () => {
  it('random mutations and truncations of a valid file only ever throw SafetensorsError', () => {
    const base = writeSafetensors(good(), { runConfig: '{"seed":1,"model":{"dModel":8}}' });
    const rng = new Rng(99, 0xf022);
    let rejected = 0;
    for (let iter = 0; iter < 4000; iter++) {
      let b = base.slice();
      const kind = rng.int(4);
      if (kind === 0) b = b.slice(0, rng.int(b.length)); // truncate
      else if (kind === 1) for (let k = 1 + rng.int(4); k > 0; k--) b[rng.int(b.length)] = rng.int(256); // random bytes
      else if (kind === 2) b[rng.int(b.length)]! ^= 1 << rng.int(8); // one bit
      else {
        // a header byte replaced by a JSON-significant character, to reach past the JSON parser
        const chars = ascii('{}[],:"0123456789-.eE ');
        b[8 + rng.int(b[0]!)] = chars[rng.int(chars.length)]!;
      }
      try {
        readSafetensors(b);
      } catch (e) {
        if (!(e instanceof SafetensorsError)) throw new Error(`iteration ${iter} (kind ${kind}) threw ${String(e)}`);
        rejected++;
      }
    }
    // most mutations break something, some (a digit in a float, a space in padding) do not
    expect(rejected).toBeGreaterThan(2000);
  });
});
