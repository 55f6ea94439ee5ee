// GGUF (llama.cpp) v2/v3 header: metadata key/values and tensor infos. Tensor data is never read; large arrays (token
// vocabularies) are skipped without keeping their values.

import { groupDigits, withRandomAccess } from './randomAccess';
import type { ByteSource } from './randomAccess';
import { FormatError } from './types';
import type { MetadataProperty, ModelMetadata } from './types';

const GGUF_MAGIC = 0x46554747; // "GGUF" little endian
/** Counts above this are treated as corruption rather than allocated or walked. */
export const GGUF_MAX_COUNT = 10_000_000;
const MAX_KEY_BYTES = 64 * 1024;
const MAX_KEPT_STRING = 1024;
const MAX_DIMS = 8;

export type GgufValue = number | bigint | boolean | string;

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  /** ggml type id and its name (e.g. 12, "Q4_K"). */
  type: number;
  typeName: string;
  /** Offset relative to the start of the tensor data section. */
  offset: number;
}

export interface GgufInfo {
  version: number;
  tensorCount: number;
  kvCount: number;
  /** Scalars and (truncated) strings; arrays are summarised as "[array of N type]" in `metadata` only. */
  values: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute offset of the tensor data section. */
  dataOffset: number;
}

export type GgufMetadata = ModelMetadata & { gguf: GgufInfo };

const VALUE_TYPES: Readonly<Record<number, string>> = {
  0: 'uint8',
  1: 'int8',
  2: 'uint16',
  3: 'int16',
  4: 'uint32',
  5: 'int32',
  6: 'float32',
  7: 'bool',
  8: 'string',
  9: 'array',
  10: 'uint64',
  11: 'int64',
  12: 'float64',
};
const FIXED_SIZE: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** ggml tensor type id → [name, block size, bytes per block]. */
const GGML_TYPES: Readonly<Record<number, readonly [string, number, number]>> = {
  0: ['F32', 1, 4],
  1: ['F16', 1, 2],
  2: ['Q4_0', 32, 18],
  3: ['Q4_1', 32, 20],
  6: ['Q5_0', 32, 22],
  7: ['Q5_1', 32, 24],
  8: ['Q8_0', 32, 34],
  9: ['Q8_1', 32, 36],
  10: ['Q2_K', 256, 84],
  11: ['Q3_K', 256, 110],
  12: ['Q4_K', 256, 144],
  13: ['Q5_K', 256, 176],
  14: ['Q6_K', 256, 210],
  15: ['Q8_K', 256, 292],
  16: ['IQ2_XXS', 256, 66],
  17: ['IQ2_XS', 256, 74],
  18: ['IQ3_XXS', 256, 98],
  19: ['IQ1_S', 256, 50],
  20: ['IQ4_NL', 32, 18],
  21: ['IQ3_S', 256, 110],
  22: ['IQ2_S', 256, 82],
  23: ['IQ4_XS', 256, 136],
  24: ['I8', 1, 1],
  25: ['I16', 1, 2],
  26: ['I32', 1, 4],
  27: ['I64', 1, 8],
  28: ['F64', 1, 8],
  29: ['IQ1_M', 256, 56],
  30: ['BF16', 1, 2],
  34: ['TQ1_0', 256, 54],
  35: ['TQ2_0', 256, 66],
};

/** llama.cpp `general.file_type` (llama_ftype) → label. */
const FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  19: 'IQ2_XXS',
  20: 'IQ2_XS',
  21: 'Q2_K_S',
  22: 'IQ3_XS',
  23: 'IQ3_XXS',
  24: 'IQ1_S',
  25: 'IQ4_NL',
  26: 'IQ3_S',
  27: 'IQ3_M',
  28: 'IQ2_S',
  29: 'IQ2_M',
  30: 'IQ4_XS',
  31: 'IQ1_M',
  32: 'BF16',
  36: 'TQ1_0',
  37: 'TQ2_0',
};

/** Name of a ggml tensor type id, e.g. 12 → "Q4_K". */
export function ggmlTypeName(id: number): string {
  return GGML_TYPES[id]?.[0] ?? `type ${id}`;
}

class Cursor {
  pos = 0;
  constructor(
    private readonly src: ByteSource,
    private readonly path: string,
  ) {}

  private truncated(needed: number, what: string): FormatError {
    return new FormatError(
      `Truncated GGUF file: ${what} needs ${groupDigits(needed)} bytes at offset ${groupDigits(this.pos)} but the file ends at ${groupDigits(this.src.size)} — the file is incomplete; re-export or re-download it`,
      this.path,
    );
  }

  async take(n: number, what: string): Promise<Buffer> {
    if (this.pos + n > this.src.size) throw this.truncated(n, what);
    const buf = await this.src.read(this.pos, n);
    this.pos += n;
    return buf;
  }

  skip(n: number, what: string): void {
    if (this.pos + n > this.src.size) throw this.truncated(n, what);
    this.pos += n;
  }

  async u32(what: string): Promise<number> {
    return (await this.take(4, what)).readUInt32LE(0);
  }

  async u64(what: string): Promise<bigint> {
    return (await this.take(8, what)).readBigUInt64LE(0);
  }

  /** A u64 count checked against GGUF_MAX_COUNT. */
  async count(what: string): Promise<number> {
    const at = this.pos;
    const n = await this.u64(what);
    if (n > BigInt(GGUF_MAX_COUNT)) {
      throw new FormatError(
        `Corrupt GGUF file: ${what} is ${n.toLocaleString('en-US')} (limit ${groupDigits(GGUF_MAX_COUNT)}) at offset ${groupDigits(at)}`,
        this.path,
      );
    }
    return Number(n);
  }

  /** A string: u64 length + UTF-8. Keeps at most `keep` bytes (the rest is skipped). */
  async string(what: string, keep: number): Promise<string> {
    const lenAt = this.pos;
    const len = await this.u64(`length of ${what}`);
    if (len > BigInt(this.src.size - this.pos)) {
      this.pos = lenAt + 8;
      throw this.truncated(len > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(len), what);
    }
    const n = Number(len);
    if (n <= keep) return (await this.take(n, what)).toString('utf8');
    const head = (await this.src.read(this.pos, keep)).toString('utf8').replace(/\uFFFD+$/, '');
    this.pos += n;
    return `${head}…`;
  }

  /** Skips `count` strings (u64 length + bytes each) reading length prefixes in blocks, keeping nothing. */
  async skipStrings(count: number, what: string): Promise<void> {
    const BLOCK = 256 * 1024;
    let remaining = count;
    while (remaining > 0) {
      const avail = Math.min(BLOCK, this.src.size - this.pos);
      if (avail < 8) throw this.truncated(8, `length of ${what}`);
      const block = await this.src.read(this.pos, avail);
      let p = 0;
      while (remaining > 0 && p + 8 <= block.length) {
        const len = block.readBigUInt64LE(p);
        if (len > BigInt(this.src.size - (this.pos + p + 8))) {
          this.pos += p + 8;
          throw this.truncated(len > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(len), what);
        }
        const next = p + 8 + Number(len);
        remaining--;
        if (next > block.length) {
          // The string runs past this block: continue from its end.
          p = next;
          break;
        }
        p = next;
      }
      this.pos += p;
    }
  }
}

async function readValue(cur: Cursor, type: number, key: string, depth = 0): Promise<{ value?: GgufValue; summary: string }> {
  const what = `value of '${key}'`;
  switch (type) {
    case 0:
      return one((await cur.take(1, what)).readUInt8(0));
    case 1:
      return one((await cur.take(1, what)).readInt8(0));
    case 2:
      return one((await cur.take(2, what)).readUInt16LE(0));
    case 3:
      return one((await cur.take(2, what)).readInt16LE(0));
    case 4:
      return one((await cur.take(4, what)).readUInt32LE(0));
    case 5:
      return one((await cur.take(4, what)).readInt32LE(0));
    case 6:
      return one(Number((await cur.take(4, what)).readFloatLE(0).toPrecision(7)));
    case 7:
      return one((await cur.take(1, what)).readUInt8(0) !== 0);
    case 8:
      return one(await cur.string(what, MAX_KEPT_STRING));
    case 10:
      return one(bigOrNumber((await cur.take(8, what)).readBigUInt64LE(0)));
    case 11:
      return one(bigOrNumber((await cur.take(8, what)).readBigInt64LE(0)));
    case 12:
      return one((await cur.take(8, what)).readDoubleLE(0));
    case 9: {
      if (depth > 4) throw new FormatError(`Corrupt GGUF file: arrays nested too deeply in '${key}'`);
      const elemType = await cur.u32(`array type of '${key}'`);
      const typeName = VALUE_TYPES[elemType];
      if (!typeName) {
        throw new FormatError(`Corrupt GGUF file: array '${key}' has unknown element type ${elemType} at offset ${groupDigits(cur.pos - 4)}`);
      }
      const count = await cur.count(`element count of '${key}'`);
      const size = FIXED_SIZE[elemType];
      if (size !== undefined) cur.skip(count * size, `array '${key}'`);
      else if (elemType === 8) await cur.skipStrings(count, `string in array '${key}'`);
      else for (let i = 0; i < count; i++) await readValue(cur, elemType, key, depth + 1);
      return { summary: `[array of ${groupDigits(count)} ${typeName}]` };
    }
    default:
      throw new FormatError(`Corrupt GGUF file: key '${key}' has unknown value type ${type} at offset ${groupDigits(cur.pos - 4)}`);
  }
}

function one(value: GgufValue): { value: GgufValue; summary: string } {
  return { value, summary: typeof value === 'string' ? value : String(value) };
}

function bigOrNumber(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

function numeric(v: GgufValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Parses a GGUF header from any byte source. */
export async function parseGguf(src: ByteSource, path: string): Promise<GgufMetadata> {
  if (src.size === 0) throw new FormatError('Empty file: 0 bytes — not a GGUF model', path);
  const head = await src.read(0, Math.min(8, src.size));
  if (head.length < 4 || head.readUInt32LE(0) !== GGUF_MAGIC) {
    const shown = head.subarray(0, 4);
    const ascii = [...shown].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    throw new FormatError(
      `Not a GGUF file: expected magic "GGUF" but the first bytes are ${shown.toString('hex').replace(/(..)(?!$)/g, '$1 ')} ("${ascii}")`,
      path,
    );
  }
  const cur = new Cursor(src, path);
  cur.pos = 4;
  const version = await cur.u32('version');
  if (version === 1) {
    throw new FormatError('Unsupported GGUF version 1: only v2 and v3 are supported — re-convert the model with a current llama.cpp', path);
  }
  if (version !== 2 && version !== 3) {
    throw new FormatError(`Unsupported GGUF version ${version}: only v2 and v3 are supported`, path);
  }
  const tensorCount = await cur.count('tensor count');
  const kvCount = await cur.count('metadata key/value count');

  const values: Record<string, GgufValue> = {};
  const metadata: Record<string, string> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = await cur.string(`key #${i + 1}`, MAX_KEY_BYTES);
    const typeAt = cur.pos;
    const type = await cur.u32(`value type of '${key}'`);
    if (VALUE_TYPES[type] === undefined) {
      throw new FormatError(`Corrupt GGUF file: key '${key}' has unknown value type ${type} at offset ${groupDigits(typeAt)}`, path);
    }
    const { value, summary } = await readValue(cur, type, key);
    if (value !== undefined) values[key] = value;
    metadata[key] = summary;
  }

  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = await cur.string(`name of tensor #${i + 1}`, MAX_KEY_BYTES);
    const nDimsAt = cur.pos;
    const nDims = await cur.u32(`dimension count of tensor '${name}'`);
    if (nDims > MAX_DIMS) {
      throw new FormatError(`Corrupt GGUF file: tensor '${name}' has ${nDims} dimensions (at most ${MAX_DIMS}) at offset ${groupDigits(nDimsAt)}`, path);
    }
    const dimsBuf = await cur.take(8 * nDims, `dimensions of tensor '${name}'`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) {
      const v = dimsBuf.readBigUInt64LE(d * 8);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`Corrupt GGUF file: tensor '${name}' has an absurd dimension ${v.toString()}`, path);
      dims.push(Number(v));
    }
    const type = await cur.u32(`type of tensor '${name}'`);
    const offset = await cur.u64(`data offset of tensor '${name}'`);
    tensors.push({ name, dims, type, typeName: ggmlTypeName(type), offset: Number(offset) });
  }

  const alignment = numeric(values['general.alignment']) ?? 32;
  const align = alignment > 0 ? alignment : 32;
  const dataOffset = Math.ceil(cur.pos / align) * align;

  // Tensor data must fit in the file: a cut-off download parses fine up to here.
  let params = 0;
  for (const t of tensors) {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    params += elements;
    const layout = GGML_TYPES[t.type];
    if (!layout) continue;
    const bytes = Math.ceil(elements / layout[1]) * layout[2];
    const end = dataOffset + t.offset + bytes;
    if (end > src.size) {
      throw new FormatError(
        `Truncated GGUF file: tensor '${t.name}' needs ${groupDigits(bytes)} bytes at offset ${groupDigits(dataOffset + t.offset)} but the file ends at ${groupDigits(src.size)} — the file is incomplete; re-export or re-download it`,
        path,
      );
    }
  }

  const byType = new Map<string, number>();
  for (const t of tensors) byType.set(t.typeName, (byType.get(t.typeName) ?? 0) + 1);
  const quantization = [...byType.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} (${n} ${n === 1 ? 'tensor' : 'tensors'})`)
    .join(', ');

  const arch = typeof values['general.architecture'] === 'string' ? values['general.architecture'] : undefined;
  const props: MetadataProperty[] = [{ label: 'GGUF version', value: String(version) }];
  const add = (label: string, v: GgufValue | undefined): void => {
    if (v !== undefined) props.push({ label, value: typeof v === 'number' ? groupDigits(v) : String(v) });
  };
  add('Architecture', arch);
  add('Name', values['general.name']);
  if (arch) {
    add('Context length', values[`${arch}.context_length`]);
    add('Embedding length', values[`${arch}.embedding_length`]);
    add('Layers', values[`${arch}.block_count`]);
    add('Attention heads', values[`${arch}.attention.head_count`]);
  }
  const fileType = numeric(values['general.file_type']);
  if (fileType !== undefined) props.push({ label: 'File type', value: FILE_TYPES[fileType] ?? `type ${fileType}` });
  props.push({ label: 'Tensors', value: groupDigits(tensorCount) });
  props.push({ label: 'Parameters', value: groupDigits(params) });
  if (quantization) props.push({ label: 'Quantization', value: quantization });

  return {
    format: 'gguf',
    formatLabel: `GGUF v${version}`,
    inputs: [],
    outputs: [],
    properties: props,
    metadata,
    parameterCount: params,
    gguf: { version, tensorCount, kvCount, values, tensors, alignment: align, dataOffset },
  };
}

/** Reads a GGUF file's header: version, metadata key/values, tensor infos, parameter count, quantization summary. */
export async function readGgufMetadata(path: string): Promise<GgufMetadata> {
  return withRandomAccess(path, (file) => parseGguf(file, path), { label: 'GGUF' });
}
