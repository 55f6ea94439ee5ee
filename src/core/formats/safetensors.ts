// safetensors: an 8-byte little-endian header length, a JSON header describing every tensor, then the raw data.
// Only the header is read.

import { groupDigits, truncatedError, withRandomAccess } from './randomAccess';
import type { ByteSource } from './randomAccess';
import { FormatError } from './types';
import type { MetadataProperty, ModelMetadata } from './types';

/** Headers larger than this are treated as corrupt rather than read. */
export const SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024;

export interface SafetensorsTensor {
  name: string;
  /** The file's dtype code, e.g. "F32", "BF16". */
  dtype: string;
  shape: number[];
  /** Byte range relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsInfo {
  headerLength: number;
  dataBytes: number;
  tensors: SafetensorsTensor[];
}

export type SafetensorsMetadata = ModelMetadata & { safetensors: SafetensorsInfo };

/** dtype code → [ONNX-style name, bits per element]. */
const DTYPES: Readonly<Record<string, readonly [string, number]>> = {
  BOOL: ['bool', 8],
  U8: ['uint8', 8],
  I8: ['int8', 8],
  F8_E5M2: ['float8e5m2', 8],
  F8_E4M3: ['float8e4m3fn', 8],
  F8_E8M0: ['float8e8m0', 8],
  I16: ['int16', 16],
  U16: ['uint16', 16],
  F16: ['float16', 16],
  BF16: ['bfloat16', 16],
  I32: ['int32', 32],
  U32: ['uint32', 32],
  F32: ['float32', 32],
  C64: ['complex64', 64],
  F64: ['float64', 64],
  I64: ['int64', 64],
  U64: ['uint64', 64],
  F4: ['float4e2m1', 4],
  F6_E2M3: ['float6e2m3', 6],
  F6_E3M2: ['float6e3m2', 6],
};

/** Lower-case element type name for a safetensors dtype code, e.g. "BF16" → "bfloat16". */
export function safetensorsDtypeName(code: string): string {
  return DTYPES[code]?.[0] ?? code.toLowerCase();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function invalid(message: string, path: string): FormatError {
  return new FormatError(`Invalid safetensors header: ${message}`, path);
}

/** Parses and validates a safetensors header from any byte source (file or buffer). */
export async function parseSafetensors(src: ByteSource, path: string): Promise<SafetensorsMetadata> {
  if (src.size === 0) throw new FormatError('Empty file: 0 bytes — not a safetensors file', path);
  if (src.size < 8) {
    throw new FormatError(
      `Truncated safetensors file: ${groupDigits(src.size)} bytes, but the file must start with an 8-byte header length — re-export or re-download it`,
      path,
    );
  }
  const lenBuf = await src.read(0, 8);
  const headerLen64 = lenBuf.readBigUInt64LE(0);
  if (headerLen64 > BigInt(SAFETENSORS_MAX_HEADER)) {
    throw new FormatError(
      `Not a valid safetensors file: header length ${headerLen64.toLocaleString('en-US')} bytes is implausible (limit ${groupDigits(SAFETENSORS_MAX_HEADER)}) — the first 8 bytes are not a safetensors header length`,
      `${path}: first bytes ${lenBuf.toString('hex')}`,
    );
  }
  const headerLen = Number(headerLen64);
  if (headerLen < 2) {
    throw new FormatError(`Not a valid safetensors file: header length is ${headerLen} bytes, too small for a JSON header`, path);
  }
  if (8 + headerLen > src.size) {
    throw new FormatError(
      `Invalid safetensors header length: it says ${groupDigits(headerLen)} bytes but only ${groupDigits(src.size - 8)} follow — the file is truncated or not a safetensors file; re-export or re-download it`,
      truncatedError('safetensors', 8, headerLen, src.size, 'the JSON header').message,
    );
  }
  const headerBuf = await src.read(8, headerLen);
  const text = headerBuf.toString('utf8');
  if (!text.trimStart().startsWith('{')) {
    throw invalid(`the header does not start with '{' (found ${JSON.stringify(text.slice(0, 16))}) — not a safetensors file`, path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new FormatError(`Invalid safetensors header: the JSON header does not parse (${reason})`, `${path}: ${reason}`);
  }
  if (!isRecord(parsed)) throw invalid('the JSON header is not an object', path);

  const dataBytes = src.size - 8 - headerLen;
  const metadata: Record<string, string> = {};
  const tensors: SafetensorsTensor[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (!isRecord(value)) throw invalid('__metadata__ must be an object of strings', path);
      for (const [k, v] of Object.entries(value)) metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
      continue;
    }
    if (!isRecord(value)) throw invalid(`tensor '${name}' is not an object`, path);
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== 'string') throw invalid(`tensor '${name}' has no string 'dtype'`, path);
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
      throw invalid(`tensor '${name}' has an invalid 'shape' (expected an array of non-negative integers)`, path);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
      throw invalid(`tensor '${name}' has invalid 'data_offsets' (expected [begin, end])`, path);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) throw invalid(`tensor '${name}' has data_offsets [${begin}, ${end}] with begin after end`, path);
    if (end > dataBytes) {
      throw new FormatError(
        `Truncated safetensors file: tensor '${name}' ends at data offset ${groupDigits(end)} but the data section has ${groupDigits(dataBytes)} bytes — the file is incomplete; re-export or re-download it`,
        path,
      );
    }
    const known = DTYPES[dtype];
    if (known) {
      const elements = shape.reduce((a, b) => a * b, 1);
      const expected = Math.ceil((elements * known[1]) / 8);
      if (end - begin !== expected) {
        throw invalid(
          `tensor '${name}' (${dtype} ${JSON.stringify(shape)}) needs ${groupDigits(expected)} bytes but data_offsets span ${groupDigits(end - begin)}`,
          path,
        );
      }
    }
    tensors.push({ name, dtype, shape, dataOffsets: [begin, end] });
  }

  const sorted = [...tensors].sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as SafetensorsTensor;
    const cur = sorted[i] as SafetensorsTensor;
    if (cur.dataOffsets[0] < prev.dataOffsets[1] && cur.dataOffsets[1] > cur.dataOffsets[0]) {
      throw invalid(`tensors '${prev.name}' and '${cur.name}' overlap in the data section`, path);
    }
  }

  let params = 0;
  const byDtype = new Map<string, { tensors: number; params: number }>();
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    params += n;
    const s = byDtype.get(t.dtype) ?? { tensors: 0, params: 0 };
    s.tensors++;
    s.params += n;
    byDtype.set(t.dtype, s);
  }
  const usedBytes = tensors.reduce((a, t) => a + (t.dataOffsets[1] - t.dataOffsets[0]), 0);

  const props: MetadataProperty[] = [
    { label: 'Tensors', value: groupDigits(tensors.length) },
    { label: 'Parameters', value: groupDigits(params) },
  ];
  if (byDtype.size) {
    props.push({
      label: 'Data types',
      value: [...byDtype.entries()]
        .sort((a, b) => b[1].params - a[1].params)
        .map(([d, s]) => `${safetensorsDtypeName(d)} (${s.tensors} ${s.tensors === 1 ? 'tensor' : 'tensors'})`)
        .join(', '),
    });
  }
  props.push({ label: 'Tensor data', value: `${groupDigits(usedBytes)} bytes` });
  props.push({ label: 'Header', value: `${groupDigits(headerLen)} bytes` });
  if (metadata['format']) props.push({ label: 'Framework format', value: metadata['format'] });

  return {
    format: 'safetensors',
    formatLabel: 'safetensors',
    inputs: [],
    outputs: [],
    properties: props,
    metadata,
    parameterCount: params,
    safetensors: { headerLength: headerLen, dataBytes, tensors },
  };
}

/** Reads the header of a .safetensors file: tensor names, dtypes, shapes, parameter count, __metadata__. */
export async function readSafetensorsMetadata(path: string): Promise<SafetensorsMetadata> {
  return withRandomAccess(path, (file) => parseSafetensors(file, path), { label: 'safetensors' });
}
