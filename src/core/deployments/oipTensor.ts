// Open Inference Protocol v2 tensors in JSON: datatypes, request decoding (flat or nested row-major data, checked
// against the shape and the datatype's range) and response encoding. Pure: the model process turns decoded tensors
// into onnxruntime tensors, and the client uses the same code to build requests.
import { normalizeDtype, toFloat16Bits, type InputData, type InputDtype } from '../inference/inputs';
import type { ByteText } from './byteText';
import { FLOAT32_TEXT_BYTES, writeFloat32Of } from './float32Text';

export const OIP_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

const TO_DTYPE: Record<OipDatatype, InputDtype> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};
const FROM_DTYPE = Object.fromEntries(Object.entries(TO_DTYPE).map(([k, v]) => [v, k])) as Record<InputDtype, OipDatatype>;

/** A tensor as it appears in OIP JSON (request input or response output). */
export interface OipTensor {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Record<string, unknown>;
  data: unknown[];
}

/** A request tensor checked and converted to typed data. */
export interface DecodedTensor {
  name: string;
  dtype: InputDtype;
  datatype: OipDatatype;
  dims: number[];
  data: InputData;
}

export interface InferenceRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: DecodedTensor[];
  /** Names of the requested outputs; all outputs when absent. */
  outputs?: string[];
}

/** A request that does not follow the protocol; the message says what is wrong, for a 400 response. */
export class OipRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OipRequestError';
  }
}

/** The OIP datatype of an ONNX-style dtype (`float32`, `tensor(int64)`…), or undefined (maps, sequences…). */
export function oipDatatypeOf(dtype: string): OipDatatype | undefined {
  const d = normalizeDtype(dtype);
  return d === undefined ? undefined : FROM_DTYPE[d];
}

export function isOipDatatype(x: unknown): x is OipDatatype {
  return typeof x === 'string' && (OIP_DATATYPES as readonly string[]).includes(x);
}

export function dtypeOfOip(datatype: OipDatatype): InputDtype {
  return TO_DTYPE[datatype];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Flattens row-major data, flat or nested. Nested data must follow the shape exactly (every level as long as its
 * dimension); flat data must have as many elements as the shape.
 */
export function flattenData(data: unknown, shape: readonly number[], where: string): unknown[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(data)) throw new OipRequestError(`${where}: "data" must be an array.`);
  const nested = data.some((v) => Array.isArray(v));
  if (!nested) {
    if (data.length !== size) throw new OipRequestError(`${where}: "data" has ${data.length} element${data.length === 1 ? '' : 's'} but shape [${shape.join(', ')}] needs ${size}.`);
    return data;
  }
  const out: unknown[] = [];
  const walk = (level: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(level)) throw new OipRequestError(`${where}: "data${path}" is nested deeper than shape [${shape.join(', ')}].`);
      out.push(level);
      return;
    }
    if (!Array.isArray(level) || level.length !== shape[depth]) {
      throw new OipRequestError(`${where}: "data${path}" should be an array of ${shape[depth]} (dimension ${depth} of shape [${shape.join(', ')}])${Array.isArray(level) ? `, got ${level.length}` : ''}.`);
    }
    level.forEach((v, i) => walk(v, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, '');
  return out;
}

const INT_RANGE: Partial<Record<OipDatatype, [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};

/** Converts checked flat values to the typed array onnxruntime expects for the datatype. */
export function toTypedData(datatype: OipDatatype, values: readonly unknown[], where: string): InputData {
  const bad = (i: number, what: string): never => {
    throw new OipRequestError(`${where}: element ${i} (${JSON.stringify(values[i]) ?? String(values[i])}) is not ${what}.`);
  };
  const n = values.length;
  switch (datatype) {
    case 'BYTES':
      return values.map((v, i) => (typeof v === 'string' ? v : bad(i, 'a string (BYTES data are strings)')));
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        out[i] = v === true || v === 1 ? 1 : v === false || v === 0 ? 0 : bad(i, 'a boolean');
      }
      return out;
    }
    case 'FP16':
    case 'FP32':
    case 'FP64': {
      const out = datatype === 'FP64' ? new Float64Array(n) : datatype === 'FP32' ? new Float32Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const x = typeof v === 'number' ? v : v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : bad(i, 'a number');
        out[i] = datatype === 'FP16' ? toFloat16Bits(x) : x;
      }
      return out;
    }
    case 'INT64':
    case 'UINT64': {
      const out = datatype === 'INT64' ? new BigInt64Array(n) : new BigUint64Array(n);
      const min = datatype === 'INT64' ? -(2n ** 63n) : 0n;
      const max = datatype === 'INT64' ? 2n ** 63n - 1n : 2n ** 64n - 1n;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        let b: bigint | undefined;
        if (typeof v === 'number' && Number.isInteger(v)) {
          // JSON.parse already rounded a number beyond ±2^53 to the nearest double: the value sent is lost.
          if (!Number.isSafeInteger(v)) bad(i, `exact: JSON numbers beyond ±2^53 (9007199254740991) lose digits; send 64-bit integers that large as strings, e.g. "${BigInt(v)}"`);
          b = BigInt(v);
        } else if (typeof v === 'string' && /^-?\d+$/.test(v)) b = BigInt(v);
        if (b === undefined || b < min || b > max) bad(i, `an integer in the ${datatype} range`);
        out[i] = b as bigint;
      }
      return out;
    }
    default: {
      const [min, max] = INT_RANGE[datatype] ?? [0, 0];
      const out =
        datatype === 'UINT8' ? new Uint8Array(n) : datatype === 'UINT16' ? new Uint16Array(n) : datatype === 'UINT32' ? new Uint32Array(n) : datatype === 'INT8' ? new Int8Array(n) : datatype === 'INT16' ? new Int16Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(i, `an integer in the ${datatype} range [${min}, ${max}]`);
        out[i] = v as number;
      }
      return out;
    }
  }
}

/** Checks one request input and converts its data. */
export function decodeTensor(value: unknown, index: number): DecodedTensor {
  const where0 = `inputs[${index}]`;
  if (!isRecord(value)) throw new OipRequestError(`${where0} must be an object with name, shape, datatype and data.`);
  if (typeof value.name !== 'string' || value.name === '') throw new OipRequestError(`${where0}: "name" must be a non-empty string.`);
  const where = `input "${value.name}"`;
  if (!Array.isArray(value.shape) || !value.shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new OipRequestError(`${where}: "shape" must be an array of whole numbers ≥ 0.`);
  }
  if (!isOipDatatype(value.datatype)) {
    throw new OipRequestError(`${where}: "datatype" must be one of ${OIP_DATATYPES.join(', ')} (got ${JSON.stringify(value.datatype) ?? 'nothing'}).`);
  }
  if (value.parameters !== undefined && !isRecord(value.parameters)) throw new OipRequestError(`${where}: "parameters" must be an object.`);
  const shape = value.shape as number[];
  const flat = flattenData(value.data, shape, where);
  return { name: value.name, datatype: value.datatype, dtype: dtypeOfOip(value.datatype), dims: shape, data: toTypedData(value.datatype, flat, where) };
}

/** Checks an inference request body (already parsed JSON) against the protocol. */
export function parseInferenceRequest(body: unknown): InferenceRequest {
  if (!isRecord(body)) throw new OipRequestError('The request body must be a JSON object with an "inputs" array.');
  if (body.id !== undefined && typeof body.id !== 'string') throw new OipRequestError('"id" must be a string.');
  if (body.parameters !== undefined && !isRecord(body.parameters)) throw new OipRequestError('"parameters" must be an object.');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) throw new OipRequestError('"inputs" must be a non-empty array of tensors.');
  const inputs = body.inputs.map((t, i) => decodeTensor(t, i));
  const names = new Set<string>();
  for (const t of inputs) {
    if (names.has(t.name)) throw new OipRequestError(`Input "${t.name}" is given twice.`);
    names.add(t.name);
  }
  let outputs: string[] | undefined;
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw new OipRequestError('"outputs" must be an array of { "name": … } objects.');
    outputs = body.outputs.map((o, i) => {
      if (!isRecord(o) || typeof o.name !== 'string') throw new OipRequestError(`outputs[${i}] must be an object with a "name".`);
      return o.name;
    });
  }
  return {
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    ...(isRecord(body.parameters) ? { parameters: body.parameters } : {}),
    inputs,
    ...(outputs ? { outputs } : {}),
  };
}

/** IEEE 754 half-precision bits to a number. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** The 64-bit integers a number holds exactly (made once: BigInt() allocates). */
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIGINT = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * Whether float16 data holds the values' bits (a Uint16Array, as onnxruntime-common gives where the runtime has no
 * Float16Array and decodeTensor() makes, or plain numbers taken from one) rather than the values: where the runtime
 * has Float16Array, onnxruntime-common gives float16 outputs as a Float16Array of values.
 */
export function float16Bits(dtype: string, data: ArrayLike<unknown>): boolean {
  return dtype === 'float16' && (data as { constructor?: { name?: string } }).constructor?.name !== 'Float16Array';
}

/** Plain JSON values of typed tensor data: 64-bit integers become numbers when exact, strings otherwise. */
export function jsonValues(dtype: string, data: ArrayLike<unknown>): unknown[] {
  const out = new Array<unknown>(data.length);
  const half = float16Bits(dtype, data);
  const bool = dtype === 'bool';
  for (let i = 0; i < data.length; i++) out[i] = jsonValue(data[i], half, bool);
  return out;
}

/** One element of jsonValues(): `half` for float16 data (the bits), `bool` for bool data. */
export function jsonValue(v: unknown, half: boolean, bool: boolean): unknown {
  const x = half && typeof v === 'number' ? fromFloat16Bits(v) : v;
  if (typeof x === 'bigint') return x <= MAX_SAFE_BIGINT && x >= MIN_SAFE_BIGINT ? Number(x) : x.toString();
  if (bool) return x === true || x === 1;
  if (typeof x === 'number' && !Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  return x;
}

/** A response output in OIP JSON from a runtime tensor's dtype, dims and data. */
export function encodeTensor(name: string, dtype: string, dims: readonly number[], data: ArrayLike<unknown>): OipTensor {
  const datatype = oipDatatypeOf(dtype);
  if (datatype === undefined) throw new Error(`Output "${name}" has type ${dtype}, which the Open Inference Protocol cannot carry.`);
  return { name, datatype, shape: [...dims], data: jsonValues(dtype, data) };
}

/** The JSON text of one value as jsonValues() and JSON.stringify() would write it. */
export function jsonValueText(v: unknown, half: boolean, bool: boolean): string {
  if (typeof v === 'number') {
    if (bool) return v === 1 ? 'true' : 'false';
    const x = half ? fromFloat16Bits(v) : v;
    return Number.isFinite(x) ? String(x) : Number.isNaN(x) ? '"NaN"' : x > 0 ? '"Infinity"' : '"-Infinity"';
  }
  if (typeof v === 'bigint') return v <= MAX_SAFE_BIGINT && v >= MIN_SAFE_BIGINT ? String(Number(v)) : `"${v}"`;
  if (bool) return v === true ? 'true' : 'false';
  return JSON.stringify(v) ?? 'null';
}

/** Bytes of float32ValuesText() being written (grown when a longer run comes). */
let valueBytes = Buffer.allocUnsafe(64 * (FLOAT32_TEXT_BYTES + 1));

/**
 * Writes the JSON text of float32 `data[start, end)`, joined by commas, into `out` from `pos` (room for
 * FLOAT32_TEXT_BYTES + 1 bytes per value), as jsonValueText() writes each value; returns the position after it.
 */
export function writeFloat32Values(data: Float32Array, start: number, end: number, out: Buffer, pos: number): number {
  for (let i = start; i < end; i++) {
    if (i !== start) out[pos++] = 44; // ','
    const v = data[i] as number;
    if (v - v === 0) pos = writeFloat32Of(data, i, out, pos);
    else pos += out.write(jsonValueText(v, false, false), pos, 'latin1');
  }
  return pos;
}

/**
 * jsonValuesText() of float32 data: each value's text written as bytes into one buffer, then read as one string (not
 * a string per value joined to the last).
 */
function float32ValuesText(data: Float32Array, start: number, end: number): string {
  const need = (end - start) * (FLOAT32_TEXT_BYTES + 1);
  if (need > valueBytes.length) valueBytes = Buffer.allocUnsafe(need);
  return valueBytes.toString('latin1', 0, writeFloat32Values(data, start, end, valueBytes, 0));
}

/**
 * The JSON text of `data[start, end)` joined by commas, as jsonValueText() writes each value: `half` for float16 data
 * (the bits), `bool` for bool data. Float32 data is written by writeFloat32Values() (String(number)'s text, faster for the
 * float32 of a short decimal); other float and 32-bit-or-narrower integer typed arrays whose values are all finite
 * are joined by the typed array itself (the text of a number is String(number) there too), which makes the text in
 * one piece instead of two strings per value.
 */
export function jsonValuesText(data: ArrayLike<unknown>, start: number, end: number, half: boolean, bool: boolean): string {
  if (!half && !bool && data instanceof Float32Array) return float32ValuesText(data, start, end);
  if (!half && !bool && isNumberArray(data)) {
    let finite = true;
    for (let i = start; i < end && finite; i++) finite = Number.isFinite(data[i]);
    if (finite) return (start === 0 && end === data.length ? data : data.subarray(start, end)).join(',');
  }
  let text = '';
  for (let i = start; i < end; i++) text += (i === start ? '' : ',') + jsonValueText(data[i], half, bool);
  return text;
}

type NumberArray = Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray;

function isNumberArray(data: ArrayLike<unknown>): data is NumberArray {
  return (
    data instanceof Float64Array ||
    data instanceof Int32Array ||
    data instanceof Uint32Array ||
    data instanceof Int16Array ||
    data instanceof Uint16Array ||
    data instanceof Int8Array ||
    data instanceof Uint8Array ||
    data instanceof Uint8ClampedArray
  );
}

/**
 * Appends `JSON.stringify(encodeTensor(name, dtype, dims, data))` to `out` as UTF-8 bytes, written straight from the
 * typed data (the server answers every request with it): no array of plain values, no string per value — float32
 * values by writeFloat32Values(), int64 values from their two 32-bit halves (no BigInt per value).
 */
export function writeTensorJson(name: string, dtype: string, dims: readonly number[], data: ArrayLike<unknown>, out: ByteText): void {
  const datatype = oipDatatypeOf(dtype);
  if (datatype === undefined) throw new Error(`Output "${name}" has type ${dtype}, which the Open Inference Protocol cannot carry.`);
  out.text('{"name":');
  out.jsonString(name);
  out.text(',"datatype":"');
  out.text(datatype);
  out.text('","shape":[');
  for (let i = 0; i < dims.length; i++) {
    if (i !== 0) out.byte(0x2c);
    out.integer(dims[i] as number);
  }
  out.text('],"data":[');
  const half = float16Bits(dtype, data);
  const bool = dtype === 'bool';
  if (!half && !bool && data instanceof Float32Array) out.used = writeFloat32Values(data, 0, data.length, out.room(data.length * (FLOAT32_TEXT_BYTES + 1)), out.used);
  else if (!half && !bool && data instanceof BigInt64Array) writeInt64Values(data, out);
  else out.text(jsonValuesText(data, 0, data.length, half, bool));
  out.text(']}');
}

/** The index of the high 32-bit half of a 64-bit value in an Int32Array view (the platform's byte order). */
const HIGH_HALF = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Appends int64 values joined by commas as jsonValueText() writes each: a number when safe, else a quoted string. */
function writeInt64Values(data: BigInt64Array, out: ByteText): void {
  const halves = new Int32Array(data.buffer, data.byteOffset, 2 * data.length);
  for (let i = 0; i < data.length; i++) {
    if (i !== 0) out.byte(0x2c);
    const high = halves[2 * i + HIGH_HALF] as number;
    const low = halves[2 * i + 1 - HIGH_HALF] as number;
    // Safe integers: high within (−2^21, 2^21), or −2^21 with a non-zero low half (above −2^53).
    if (high < 0x200000 && (high > -0x200000 || (high === -0x200000 && low !== 0))) out.integer(high * 0x100000000 + (low >>> 0));
    else out.text(jsonValueText(data[i], false, false));
  }
}

/** An OIP shape for a signature shape: symbolic and unknown dimensions are -1. */
export function oipShape(shape: readonly (number | string | null)[] | null): number[] {
  return (shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
}
