// A minimal protobuf wire-format reader. It walks the fields of a message range lazily: length-delimited fields are
// returned as sub-ranges, so large payloads (ONNX initializers' raw_data, TensorFlow graph_def) are never read unless
// a caller asks for their bytes.

import { bufferSource, groupDigits } from './randomAccess';
import type { ByteSource } from './randomAccess';
import { FormatError } from './types';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** A byte range [start, end) holding one message. */
export interface ProtoRange {
  start: number;
  end: number;
}

interface FieldBase {
  fieldNumber: number;
  /** Offset of the field's tag. */
  tagOffset: number;
}

export interface VarintField extends FieldBase {
  wireType: typeof WIRE_VARINT;
  /** Raw unsigned 64-bit value; use int64()/int32()/toSafeNumber() to interpret it. */
  value: bigint;
}

export interface Fixed64Field extends FieldBase {
  wireType: typeof WIRE_FIXED64;
  /** Unsigned little-endian value. */
  value: bigint;
  /** The same 8 bytes as a double. */
  double: number;
}

export interface LenField extends FieldBase {
  wireType: typeof WIRE_LEN;
  /** Payload range (the bytes are not read). */
  start: number;
  end: number;
  length: number;
}

export interface Fixed32Field extends FieldBase {
  wireType: typeof WIRE_FIXED32;
  /** Unsigned little-endian value. */
  value: number;
  /** The same 4 bytes as a float. */
  float: number;
}

export type ProtoField = VarintField | Fixed64Field | LenField | Fixed32Field;

/** Field-number → name map, used to name fields in error messages. */
export type FieldNames = Readonly<Record<number, string>>;

export type ProtobufErrorKind = 'truncated' | 'invalid';

/**
 * A malformed protobuf stream. `kind` is 'truncated' when data runs past the end of the source itself (the file is
 * incomplete) and 'invalid' for everything else (bad wire type, overlong varint, a field overrunning its message).
 * Format parsers catch it and rephrase the message for their format.
 */
export class ProtobufError extends FormatError {
  constructor(
    /** The problem without any format prefix, e.g. "invalid wire type 7 for field 3". */
    readonly reason: string,
    readonly kind: ProtobufErrorKind,
    /** Byte offset where the problem was found. */
    readonly offset: number,
    /** Name of the field involved, when known. */
    readonly fieldName?: string,
    /** For truncation: bytes the field needs, and where the data ends. */
    readonly needed?: number,
    readonly limit?: number,
  ) {
    super(kind === 'truncated' ? `Truncated protobuf data: ${reason}` : `Invalid protobuf data: ${reason} at byte ${groupDigits(offset)}`);
    this.name = 'ProtobufError';
  }
}

const MAX_FIELD_NUMBER = 2 ** 29 - 1;

function describeField(fieldNumber: number, names: FieldNames | undefined): string {
  const name = names?.[fieldNumber];
  return name ? `field '${name}'` : `field #${fieldNumber}`;
}

/** Decodes a varint from `buf` at `pos`. Returns undefined when `buf` ends first (caller decides truncated/invalid). */
function decodeVarint(buf: Buffer, pos: number, absOffset: number): { value: bigint; next: number } | undefined {
  // Fast path: up to 4 bytes (28 bits) with plain numbers.
  let result = 0;
  let shift = 0;
  let i = pos;
  for (; i < buf.length && i - pos < 4; i++) {
    const b = buf[i] as number;
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value: BigInt(result), next: i + 1 };
  }
  if (i >= buf.length) return undefined;
  let big = BigInt(result);
  let bigShift = BigInt(shift);
  for (; i < buf.length; i++) {
    const b = buf[i] as number;
    const count = i - pos;
    if (count === 9 && b > 1) {
      throw new ProtobufError('varint overflows 64 bits', 'invalid', absOffset);
    }
    big |= BigInt(b & 0x7f) << bigShift;
    bigShift += 7n;
    if ((b & 0x80) === 0) return { value: big, next: i + 1 };
    if (count >= 9) throw new ProtobufError('varint is longer than 10 bytes', 'invalid', absOffset);
  }
  return undefined;
}

function overrun(
  src: ByteSource,
  range: ProtoRange,
  offset: number,
  needed: number,
  what: string,
  fieldName?: string,
): ProtobufError {
  if (range.end >= src.size) {
    return new ProtobufError(
      `${what} needs ${groupDigits(needed)} bytes at offset ${groupDigits(offset)} but the data ends at ${groupDigits(src.size)}`,
      'truncated',
      offset,
      fieldName,
      needed,
      src.size,
    );
  }
  return new ProtobufError(
    `${what} needs ${groupDigits(needed)} bytes at offset ${groupDigits(offset)} but its enclosing message ends at ${groupDigits(range.end)}`,
    'invalid',
    offset,
    fieldName,
    needed,
    range.end,
  );
}

/**
 * Iterates the fields of the message in `range`. Throws ProtobufError on malformed data. Length-delimited payloads are
 * not read. `names` only improves error messages.
 */
export async function* readFields(src: ByteSource, range: ProtoRange, names?: FieldNames): AsyncGenerator<ProtoField> {
  if (range.end > src.size) {
    throw overrun(src, { start: range.start, end: src.size }, range.start, range.end - range.start, 'message');
  }
  let pos = range.start;
  while (pos < range.end) {
    const chunk = await src.read(pos, Math.min(20, range.end - pos));
    const tag = decodeVarint(chunk, 0, pos);
    if (!tag) throw overrun(src, range, pos, chunk.length + 1, 'field tag');
    if (tag.value > BigInt(MAX_FIELD_NUMBER) * 8n + 7n) {
      throw new ProtobufError(`field number ${tag.value >> 3n} is out of range`, 'invalid', pos);
    }
    const tagNum = Number(tag.value);
    const fieldNumber = Math.floor(tagNum / 8);
    const wireType = tagNum & 7;
    const tagOffset = pos;
    if (fieldNumber === 0) throw new ProtobufError('field number 0 is not allowed', 'invalid', pos);
    let p = tag.next;
    switch (wireType) {
      case WIRE_VARINT: {
        const v = decodeVarint(chunk, p, pos + p);
        if (!v) throw overrun(src, range, pos + p, chunk.length - p + 1, `varint ${describeField(fieldNumber, names)}`, names?.[fieldNumber]);
        pos += v.next;
        yield { fieldNumber, tagOffset, wireType: WIRE_VARINT, value: v.value };
        break;
      }
      case WIRE_FIXED64: {
        if (p + 8 > chunk.length) throw overrun(src, range, pos + p, 8, `fixed64 ${describeField(fieldNumber, names)}`, names?.[fieldNumber]);
        const value = chunk.readBigUInt64LE(p);
        const double = chunk.readDoubleLE(p);
        pos += p + 8;
        yield { fieldNumber, tagOffset, wireType: WIRE_FIXED64, value, double };
        break;
      }
      case WIRE_FIXED32: {
        if (p + 4 > chunk.length) throw overrun(src, range, pos + p, 4, `fixed32 ${describeField(fieldNumber, names)}`, names?.[fieldNumber]);
        const value = chunk.readUInt32LE(p);
        const float = chunk.readFloatLE(p);
        pos += p + 4;
        yield { fieldNumber, tagOffset, wireType: WIRE_FIXED32, value, float };
        break;
      }
      case WIRE_LEN: {
        const len = decodeVarint(chunk, p, pos + p);
        if (!len) throw overrun(src, range, pos + p, chunk.length - p + 1, `length of ${describeField(fieldNumber, names)}`, names?.[fieldNumber]);
        p = len.next;
        const start = pos + p;
        if (len.value > BigInt(Number.MAX_SAFE_INTEGER) || start + Number(len.value) > range.end) {
          const needed = len.value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(len.value);
          throw overrun(src, range, start, needed, describeField(fieldNumber, names), names?.[fieldNumber]);
        }
        const length = Number(len.value);
        pos = start + length;
        yield { fieldNumber, tagOffset, wireType: WIRE_LEN, start, end: start + length, length };
        break;
      }
      case 3:
      case 4:
        throw new ProtobufError(`wire type ${wireType} (group) for ${describeField(fieldNumber, names)} is not supported`, 'invalid', tagOffset);
      default:
        throw new ProtobufError(`invalid wire type ${wireType} for ${describeField(fieldNumber, names)}`, 'invalid', tagOffset);
    }
  }
}

/** Reads all fields of a message into an array (for small messages). */
export async function collectFields(src: ByteSource, range: ProtoRange, names?: FieldNames): Promise<ProtoField[]> {
  const out: ProtoField[] = [];
  for await (const f of readFields(src, range, names)) out.push(f);
  return out;
}

/** Payload range of a length-delimited field. */
export function subRange(field: LenField): ProtoRange {
  return { start: field.start, end: field.end };
}

/** Whole-source range. */
export function wholeRange(src: ByteSource): ProtoRange {
  return { start: 0, end: src.size };
}

/** Reads the payload bytes of a length-delimited field. */
export function readBytes(src: ByteSource, field: LenField): Promise<Buffer> {
  return src.read(field.start, field.length);
}

/**
 * Reads a string field as UTF-8. When `maxBytes` is given and the field is longer, only that many bytes are read and
 * an ellipsis is appended.
 */
export async function readString(src: ByteSource, field: LenField, maxBytes?: number): Promise<string> {
  if (maxBytes !== undefined && field.length > maxBytes) {
    const buf = await src.read(field.start, maxBytes);
    // Drop a partial UTF-8 sequence at the cut.
    return `${buf.toString('utf8').replace(/\uFFFD+$/, '')}…`;
  }
  const buf = await src.read(field.start, field.length);
  return buf.toString('utf8');
}

/** A Buffer as a ByteSource plus its whole range, for parsing small messages held in memory. */
export function fromBuffer(buf: Buffer): { src: ByteSource; range: ProtoRange } {
  return { src: bufferSource(buf), range: { start: 0, end: buf.length } };
}

/** Interprets a varint as a signed 64-bit integer (two's complement). */
export function int64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** Interprets a varint as a signed 32-bit integer. */
export function int32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}

/** Decodes a zigzag-encoded (sint32/sint64) varint. */
export function zigzag(value: bigint): bigint {
  return (value >> 1n) ^ -(value & 1n);
}

/** Converts to a number, throwing when the value cannot be represented exactly. */
export function toSafeNumber(value: bigint, what = 'value'): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new FormatError(`${what} ${value.toString()} is too large to represent exactly`);
  }
  return Number(value);
}

/** Converts a signed 64-bit varint to a number (exact up to 2^53). */
export function int64Number(value: bigint): number {
  return Number(int64(value));
}

/**
 * Values of a repeated varint field occurrence: packed (wire type 2, all values) or unpacked (wire type 0, one value).
 * Other wire types give an empty list.
 */
export async function readVarints(src: ByteSource, field: ProtoField): Promise<bigint[]> {
  if (field.wireType === WIRE_VARINT) return [field.value];
  if (field.wireType !== WIRE_LEN) return [];
  const buf = await readBytes(src, field);
  const out: bigint[] = [];
  let p = 0;
  while (p < buf.length) {
    const v = decodeVarint(buf, p, field.start + p);
    if (!v) {
      throw new ProtobufError(`packed varints run past the end of field #${field.fieldNumber}`, 'invalid', field.start + p);
    }
    out.push(v.value);
    p = v.next;
  }
  return out;
}

/** Values of a repeated fixed32 field occurrence (packed or not), as unsigned integers. */
export async function readFixed32s(src: ByteSource, field: ProtoField): Promise<number[]> {
  if (field.wireType === WIRE_FIXED32) return [field.value];
  if (field.wireType !== WIRE_LEN) return [];
  if (field.length % 4 !== 0) {
    throw new ProtobufError(`packed fixed32 field #${field.fieldNumber} has a length that is not a multiple of 4`, 'invalid', field.start);
  }
  const buf = await readBytes(src, field);
  const out: number[] = [];
  for (let p = 0; p < buf.length; p += 4) out.push(buf.readUInt32LE(p));
  return out;
}

/** Values of a repeated fixed64 field occurrence (packed or not), as unsigned bigints. */
export async function readFixed64s(src: ByteSource, field: ProtoField): Promise<bigint[]> {
  if (field.wireType === WIRE_FIXED64) return [field.value];
  if (field.wireType !== WIRE_LEN) return [];
  if (field.length % 8 !== 0) {
    throw new ProtobufError(`packed fixed64 field #${field.fieldNumber} has a length that is not a multiple of 8`, 'invalid', field.start);
  }
  const buf = await readBytes(src, field);
  const out: bigint[] = [];
  for (let p = 0; p < buf.length; p += 8) out.push(buf.readBigUInt64LE(p));
  return out;
}

/** Throws a ProtobufError unless `field` has the expected wire type. */
export function expectWireType<W extends ProtoField['wireType']>(
  field: ProtoField,
  wireType: W,
  names?: FieldNames,
): asserts field is Extract<ProtoField, { wireType: W }> {
  if (field.wireType !== wireType) {
    throw new ProtobufError(
      `${describeField(field.fieldNumber, names)} has wire type ${field.wireType}, expected ${wireType}`,
      'invalid',
      field.tagOffset,
      names?.[field.fieldNumber],
    );
  }
}

/**
 * Rephrases a ProtobufError for a specific format, e.g. truncatedLabel "ONNX" and invalidPrefix "Not a valid ONNX
 * model" give "Truncated ONNX file: field 'graph' needs 5,120 bytes at offset 312 but the file ends at 2,048 — …" and
 * "Not a valid ONNX model: invalid wire type 7 for field #3 at byte 0". Other errors are returned unchanged.
 */
export function rephraseProtobufError(err: unknown, truncatedLabel: string, invalidPrefix: string, file?: string): unknown {
  if (!(err instanceof ProtobufError)) return err;
  const detail = file ? `${file}: ${err.message}` : err.message;
  if (err.kind === 'truncated' && err.needed !== undefined && err.limit !== undefined) {
    const subject = err.fieldName ? `field '${err.fieldName}'` : 'data';
    return new FormatError(
      `Truncated ${truncatedLabel} file: ${subject} needs ${groupDigits(err.needed)} bytes at offset ${groupDigits(err.offset)} but the file ends at ${groupDigits(err.limit)} — the file is incomplete; re-export or re-download it`,
      detail,
    );
  }
  return new FormatError(`${invalidPrefix}: ${err.reason} at byte ${groupDigits(err.offset)}`, detail);
}
