// Just enough of the protobuf wire format to write an ONNX ModelProto (and to
// read back its metadata_props), so the export needs no schema compiler and
// no runtime dependency. Field numbers are those of onnx/onnx.proto3.
//
// A message is a list of encoded fields; fields are Uint8Array chunks that
// concatenate. Repeated scalars are written unpacked (one field per value):
// every protobuf parser must accept that form, packed or not.

export type Field = Uint8Array;

// --- ONNX enums and field numbers (onnx.proto3) -----------------------------
export const DTYPE = { FLOAT: 1, INT64: 7 } as const;
export const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

const enc = new TextEncoder();

function varintBytes(v: bigint): number[] {
  // int64 fields carry negatives as their 64-bit two's complement (10 bytes)
  let x = BigInt.asUintN(64, v);
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x !== 0n) b |= 0x80;
    out.push(b);
  } while (x !== 0n);
  return out;
}

function tag(no: number, wire: number): number[] {
  return varintBytes(BigInt((no << 3) | wire));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** An int32/int64/enum field (wire type 0). */
export function fInt(no: number, v: number): Field {
  if (!Number.isSafeInteger(v)) throw new RangeError(`protobuf: ${v} is not a safe integer`);
  return Uint8Array.from([...tag(no, 0), ...varintBytes(BigInt(v))]);
}

/** A float field (wire type 5, little-endian f32). */
export function fFloat(no: number, v: number): Field {
  const out = new Uint8Array([...tag(no, 5), 0, 0, 0, 0]);
  new DataView(out.buffer).setFloat32(out.length - 4, v, true);
  return out;
}

/** A bytes field (wire type 2). */
export function fBytes(no: number, bytes: Uint8Array): Field {
  return concat([Uint8Array.from([...tag(no, 2), ...varintBytes(BigInt(bytes.length))]), bytes]);
}

export function fString(no: number, s: string): Field {
  return fBytes(no, enc.encode(s));
}

/** An embedded message field. */
export function fMsg(no: number, fields: readonly Field[]): Field {
  return fBytes(no, concat(fields));
}

/** Repeated int64, unpacked. */
export function fInts(no: number, vs: readonly number[]): Field[] {
  return vs.map((v) => fInt(no, v));
}

// --- reading (metadata only) -------------------------------------------------

function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let v = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= b.length) throw new Error('protobuf: truncated varint');
    const x = b[pos++]!;
    v |= BigInt(x & 0x7f) << shift;
    if ((x & 0x80) === 0) return [v, pos];
    shift += 7n;
    if (shift > 63n) throw new Error('protobuf: varint too long');
  }
}

/** The top-level fields of one message: number, wire type and (for wire type 2) the payload. */
function* fields(b: Uint8Array): Generator<{ no: number; wire: number; bytes: Uint8Array | null }> {
  let pos = 0;
  while (pos < b.length) {
    const [t, p] = readVarint(b, pos);
    pos = p;
    const no = Number(t >> 3n);
    const wire = Number(t & 7n);
    if (wire === 0) pos = readVarint(b, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, q] = readVarint(b, pos);
      const end = q + Number(len);
      if (end > b.length) throw new Error('protobuf: length-delimited field runs past the end');
      yield { no, wire, bytes: b.subarray(q, end) };
      pos = end;
      continue;
    } else throw new Error(`protobuf: unsupported wire type ${wire}`);
    if (pos > b.length) throw new Error('protobuf: truncated field');
    yield { no, wire, bytes: null };
  }
}

/** ModelProto.metadata_props (field 14) of an ONNX file as a plain object; throws on malformed bytes. */
export function readOnnxMetadata(model: Uint8Array): Record<string, string> {
  const dec = new TextDecoder('utf-8', { fatal: true });
  const out: Record<string, string> = {};
  for (const f of fields(model)) {
    if (f.no !== 14 || !f.bytes) continue;
    let key = '';
    let value = '';
    for (const g of fields(f.bytes)) {
      if (g.no === 1 && g.bytes) key = dec.decode(g.bytes);
      if (g.no === 2 && g.bytes) value = dec.decode(g.bytes);
    }
    out[key] = value;
  }
  return out;
}
