// Build input feeds for a model from its signature: either from a data snapshot's rows, or deterministic
// pseudo-random values. Plain typed arrays only (no runtime types), so this is pure and unit-testable; the benchmark
// turns each entry into an onnxruntime Tensor.

import type { TensorSpec } from '../formats/types';
import { mulberry32 } from '../util/random';

/** Element types inputs can be generated for (onnxruntime's `Tensor.Type` names). */
export type InputDtype =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/**
 * Tensor data. `float16` is stored as IEEE 754 half-precision bit patterns in a Uint16Array and `bool` as 0/1 bytes in
 * a Uint8Array, as onnxruntime expects.
 */
export type InputData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

export interface InputTensor {
  dtype: InputDtype;
  dims: number[];
  data: InputData;
}

export interface BuildInputsOptions {
  /** Size used for a symbolic or unknown first dimension. Default 1. */
  batchSize?: number;
  /** Rows of a data snapshot (column name → value). */
  rows?: readonly Record<string, unknown>[];
  /**
   * Column order of a single 2-D numeric input, e.g. from ONNX metadata_props `feature_names` (see
   * {@link parseFeatureNames}). Not needed when the model has one input per column (named after the columns).
   */
  featureNames?: readonly string[];
  /** Seed for generated values. Default 42; the same seed always yields the same feeds. */
  seed?: number;
}

export interface BuiltInputs {
  /** One entry per input, keyed by input name, in signature order. */
  feeds: Record<string, InputTensor>;
  /** What was done, for people: the data source used, shape choices, fallbacks. */
  notes: string[];
}

/** Refuse to allocate inputs larger than this many elements (a misread shape would otherwise exhaust memory). */
export const MAX_INPUT_ELEMENTS = 1 << 26;

const DTYPE_ALIASES: Record<string, InputDtype> = {
  float: 'float32',
  float32: 'float32',
  'tensor(float)': 'float32',
  double: 'float64',
  float64: 'float64',
  'tensor(double)': 'float64',
  float16: 'float16',
  half: 'float16',
  'tensor(float16)': 'float16',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  bool: 'bool',
  boolean: 'bool',
  string: 'string',
  str: 'string',
};
for (const t of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string'] as const) {
  DTYPE_ALIASES[`tensor(${t})`] = t;
}

/** Normalise a signature dtype to an {@link InputDtype}, or undefined when inputs of that type cannot be generated. */
export function normalizeDtype(dtype: string): InputDtype | undefined {
  return DTYPE_ALIASES[dtype.trim().toLowerCase()];
}

const FLOAT_DTYPES: ReadonlySet<InputDtype> = new Set(['float32', 'float64', 'float16']);

/**
 * Parse a feature-name list as models carry it in metadata: a JSON array of strings, or a comma-separated list.
 * Looks at `feature_names` (then `features`, `input_features`) when given a metadata record.
 */
export function parseFeatureNames(source: string | Readonly<Record<string, string>> | undefined): string[] | undefined {
  if (source === undefined) return undefined;
  let text: string | undefined;
  if (typeof source === 'string') {
    text = source;
  } else {
    text = source['feature_names'] ?? source['features'] ?? source['input_features'];
  }
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((v) => typeof v === 'string')) {
        return parsed;
      }
    } catch {
      // Not JSON after all: fall through to the comma-separated reading.
    }
  }
  const names = trimmed
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((s) => s.trim().replace(/^["']|["']$/g, ''))
    .filter((s) => s !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * Build one input tensor per spec.
 *
 * Shapes: a fixed positive dimension is used as is. A symbolic (named) or unknown dimension (null, '', 0 or negative)
 * becomes `batchSize` when it is the first dimension and 1 otherwise — so sequence lengths, image sizes etc. that are
 * symbolic get their smallest size; pass explicit specs to benchmark bigger ones. A spec with an unknown rank
 * (`shape: null`) is given the 1-D shape [batchSize]. A fixed first dimension is kept even if `batchSize` differs.
 *
 * Values, in order of preference:
 * 1. Snapshot rows, per column: when every input is named after a column of `rows` and has at most one non-batch
 *    element per row (shapes [N], [N,1]), each input is filled from its column (sklearn-onnx style per-column
 *    signatures; any dtype, including strings).
 * 2. Snapshot rows, as a matrix: when `rows` and `featureNames` are given and the model has a single 2-D numeric
 *    input whose width is `featureNames.length` (or symbolic), row r, column j is `rows[r][featureNames[j]]`.
 *    Values are coerced to numbers (booleans → 1/0, numeric strings parsed); a missing or non-numeric value becomes
 *    NaN for float inputs and 0 for integer inputs. Rows are reused cyclically when there are fewer than the batch.
 * 3. Otherwise deterministic pseudo-random values (mulberry32 seeded from `seed` and the input name): floats uniform in
 *    [-1, 1), uint8 in [0, 255], other integers in [0, 9] (small non-negative values are valid indices for embedding
 *    and category lookups), bools 0/1, strings from a small fixed vocabulary.
 *
 * @throws Error naming the input for an unsupported dtype (maps, sequences, complex…) or an oversized shape.
 */
export function buildInputs(specs: readonly TensorSpec[], options: BuildInputsOptions = {}): BuiltInputs {
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Batch size must be a whole number ≥ 1, got ${batchSize}.`);
  }
  const seed = options.seed ?? 42;
  const notes: string[] = [];
  if (specs.length === 0) {
    notes.push('The model has no inputs.');
    return { feeds: {}, notes };
  }

  const rows = options.rows ?? [];
  const featureNames = options.featureNames !== undefined && options.featureNames.length > 0 ? options.featureNames : undefined;

  let effectiveSpecs = specs;
  const only = specs.length === 1 ? specs[0] : undefined;
  if (featureNames && only?.shape?.length === 2 && !isFixedDim(only.shape[1])) {
    // A single 2-D input with a symbolic width: the feature names say how wide it is.
    effectiveSpecs = [{ ...only, shape: [only.shape[0] ?? null, featureNames.length] }];
    notes.push(`Input "${only.name}": symbolic width set to ${featureNames.length}, the number of feature names.`);
  }
  const resolved = effectiveSpecs.map((spec) => resolveSpec(spec, batchSize, notes));
  const feeds: Record<string, InputTensor> = {};

  if (rows.length > 0) {
    const perColumn = tryPerColumn(resolved, rows, notes);
    if (perColumn) {
      return { feeds: perColumn, notes };
    }
    const matrix = featureNames ? tryMatrix(resolved, rows, featureNames, notes) : undefined;
    if (matrix) {
      return { feeds: matrix, notes };
    }
    notes.push(
      featureNames
        ? `The data snapshot does not fit the model inputs (${describeSignature(resolved)}): used generated values instead.`
        : `The data snapshot was not used: the input names do not match its columns and no feature names were given (${describeSignature(resolved)}). Used generated values instead.`,
    );
  }

  for (const input of resolved) {
    feeds[input.name] = { dtype: input.dtype, dims: input.dims, data: randomData(input, seed) };
  }
  notes.push(`Inputs are deterministic pseudo-random values (seed ${seed}).`);
  return { feeds, notes };
}

interface ResolvedInput {
  name: string;
  dtype: InputDtype;
  dims: number[];
  size: number;
}

function isFixedDim(d: number | string | null | undefined): d is number {
  return typeof d === 'number' && Number.isInteger(d) && d > 0;
}

function resolveSpec(spec: TensorSpec, batchSize: number, notes: string[]): ResolvedInput {
  const dtype = normalizeDtype(spec.dtype);
  if (dtype === undefined) {
    throw new Error(
      `Input "${spec.name}" has type ${spec.dtype}, which MLShip cannot generate values for (supported: float32, float64, float16, int8–int64, uint8–uint64, bool, string).`,
    );
  }
  let dims: number[];
  if (spec.shape === null) {
    dims = [batchSize];
    notes.push(`Input "${spec.name}" has an unknown rank: used shape [${batchSize}].`);
  } else {
    const symbolic: string[] = [];
    dims = spec.shape.map((d, i) => {
      if (isFixedDim(d)) return d;
      const size = i === 0 ? batchSize : 1;
      if (i > 0) symbolic.push(`${i} (${typeof d === 'string' && d !== '' ? `'${d}'` : 'unknown'})`);
      return size;
    });
    if (symbolic.length > 0) {
      notes.push(`Input "${spec.name}": symbolic dimension${symbolic.length > 1 ? 's' : ''} ${symbolic.join(', ')} set to 1.`);
    }
    const first = spec.shape[0];
    if (batchSize !== 1 && typeof first === 'number' && first > 0 && first !== batchSize) {
      notes.push(`Input "${spec.name}" has a fixed first dimension of ${first}: batch size ${batchSize} does not apply to it.`);
    }
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > MAX_INPUT_ELEMENTS) {
    throw new Error(
      `Input "${spec.name}" would need ${size.toLocaleString('en-US')} elements (shape [${dims.join(', ')}]), more than the ${MAX_INPUT_ELEMENTS.toLocaleString('en-US')} MLShip allocates. Use a smaller batch size.`,
    );
  }
  return { name: spec.name, dtype, dims, size };
}

function describeSignature(inputs: readonly ResolvedInput[]): string {
  return inputs.map((i) => `${i.name}: ${i.dtype}[${i.dims.join(', ')}]`).join('; ');
}

/** Rows needed for the batch, reusing the snapshot cyclically when it is shorter. */
function batchRows(rows: readonly Record<string, unknown>[], batch: number, notes: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let r = 0; r < batch; r++) {
    const row = rows[r % rows.length];
    if (row === undefined) throw new Error('Cannot take batch rows from an empty data snapshot.');
    out.push(row);
  }
  if (rows.length < batch) {
    notes.push(`The snapshot has ${rows.length} row${rows.length === 1 ? '' : 's'} for a batch of ${batch}: rows are repeated.`);
  }
  return out;
}

/** Mode 1: one input per column, each holding a single value per row. */
function tryPerColumn(
  inputs: readonly ResolvedInput[],
  rows: readonly Record<string, unknown>[],
  notes: string[],
): Record<string, InputTensor> | undefined {
  const columns = new Set<string>();
  for (const row of rows.slice(0, 100)) for (const key of Object.keys(row)) columns.add(key);
  const eligible = inputs.every((input) => {
    if (!columns.has(input.name)) return false;
    const batch = input.dims[0] ?? 1;
    return input.dims.length >= 1 && input.dims.length <= 2 && input.size === batch;
  });
  if (!eligible) return undefined;

  const feeds: Record<string, InputTensor> = {};
  const batch = inputs[0]?.dims[0] ?? 1;
  const used = batchRows(rows, batch, notes);
  let missing = 0;
  for (const input of inputs) {
    const n = input.dims[0] ?? 1;
    const values: unknown[] = [];
    for (let r = 0; r < n; r++) {
      const row = used[r % used.length];
      if (row === undefined) throw new Error('Cannot take batch rows from an empty data snapshot.');
      values.push(row[input.name]);
    }
    const { data, missing: m } = fromValues(input.dtype, values);
    missing += m;
    feeds[input.name] = { dtype: input.dtype, dims: input.dims, data };
  }
  notes.push(
    `Inputs are ${Math.min(batch, rows.length)} row${Math.min(batch, rows.length) === 1 ? '' : 's'} of the data snapshot, one input per column (${inputs.map((i) => i.name).join(', ')}).`,
  );
  if (missing > 0) notes.push(missingNote(missing));
  return feeds;
}

/** Mode 2: a single 2-D numeric input, columns in `featureNames` order. */
function tryMatrix(
  inputs: readonly ResolvedInput[],
  rows: readonly Record<string, unknown>[],
  featureNames: readonly string[],
  notes: string[],
): Record<string, InputTensor> | undefined {
  if (inputs.length !== 1) return undefined;
  const input = inputs[0];
  if (input === undefined) return undefined;
  const [batch, columnCount] = input.dims;
  if (input.dims.length !== 2 || batch === undefined || columnCount === undefined || input.dtype === 'string') return undefined;
  const width = featureNames.length;
  // buildInputs already gave a symbolic width the feature list's width.
  if (columnCount !== width) {
    notes.push(`Input "${input.name}" has ${columnCount} columns but ${width} feature names were given.`);
    return undefined;
  }
  const columns = new Set<string>();
  for (const row of rows.slice(0, 100)) for (const key of Object.keys(row)) columns.add(key);
  const absent = featureNames.filter((f) => !columns.has(f));
  if (absent.length === width) {
    notes.push(`None of the ${width} feature names appear in the data snapshot's columns.`);
    return undefined;
  }
  const used = batchRows(rows, batch, notes);
  const values: unknown[] = [];
  for (const row of used) for (const f of featureNames) values.push(row[f]);
  const { data, missing } = fromValues(input.dtype, values);
  const count = Math.min(batch, rows.length);
  notes.push(
    `Input "${input.name}" is ${count} row${count === 1 ? '' : 's'} of the data snapshot, columns in feature-name order (${featureNames.join(', ')}).`,
  );
  if (absent.length > 0) {
    notes.push(`Feature${absent.length > 1 ? 's' : ''} missing from the snapshot: ${absent.join(', ')}.`);
  }
  if (missing > 0) notes.push(missingNote(missing, input.dtype));
  return { [input.name]: { dtype: input.dtype, dims: input.dims, data } };
}

function missingNote(count: number, dtype?: InputDtype): string {
  const fill = dtype === undefined ? 'NaN for floats, 0 for integers and false/"" otherwise' : FLOAT_DTYPES.has(dtype) ? 'NaN' : dtype === 'bool' ? 'false' : '0';
  return `${count} missing or non-numeric value${count === 1 ? ' was' : 's were'} filled with ${fill}.`;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return undefined;
    const lower = t.toLowerCase();
    if (lower === 'true') return 1;
    if (lower === 'false') return 0;
    const n = Number(t);
    return Number.isNaN(n) ? undefined : n;
  }
  if (value instanceof Date) return value.getTime();
  return undefined;
}

function stringValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return value instanceof Date ? value.toISOString() : (JSON.stringify(value) ?? '');
  }
}

/** Coerce snapshot values to typed data; `missing` counts values that had to be filled in. */
function fromValues(dtype: InputDtype, values: readonly unknown[]): { data: InputData; missing: number } {
  const n = values.length;
  let missing = 0;
  if (dtype === 'string') {
    const data = values.map((v) => {
      if (v === null || v === undefined) {
        missing++;
        return '';
      }
      return stringValue(v);
    });
    return { data, missing };
  }
  const nums = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = toNumber(values[i]);
    if (v === undefined) {
      missing++;
      nums[i] = Number.NaN;
    } else {
      nums[i] = v;
    }
  }
  return { data: fromNumbers(dtype, nums), missing };
}

/** Typed data from float64 numbers; NaN → 0 for non-float types, integers truncated and clamped to the type. */
function fromNumbers(dtype: Exclude<InputDtype, 'string'>, nums: Float64Array): InputData {
  const n = nums.length;
  const intOf = (v: number, min: number, max: number): number => (Number.isFinite(v) ? Math.min(max, Math.max(min, Math.trunc(v))) : 0);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(nums);
    case 'float64':
      return nums;
    case 'float16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = toFloat16Bits(nums[i] as number);
      return out;
    }
    case 'int8':
      return Int8Array.from(nums, (v) => intOf(v, -128, 127));
    case 'int16':
      return Int16Array.from(nums, (v) => intOf(v, -32768, 32767));
    case 'int32':
      return Int32Array.from(nums, (v) => intOf(v, -2147483648, 2147483647));
    case 'uint8':
      return Uint8Array.from(nums, (v) => intOf(v, 0, 255));
    case 'uint16':
      return Uint16Array.from(nums, (v) => intOf(v, 0, 65535));
    case 'uint32':
      return Uint32Array.from(nums, (v) => intOf(v, 0, 4294967295));
    case 'bool':
      return Uint8Array.from(nums, (v) => (Number.isFinite(v) && v !== 0 ? 1 : 0));
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(intOf(nums[i] as number, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
      return out;
    }
    case 'uint64': {
      const out = new BigUint64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(intOf(nums[i] as number, 0, Number.MAX_SAFE_INTEGER));
      return out;
    }
  }
}

const STRING_VOCABULARY = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

function randomData(input: ResolvedInput, seed: number): InputData {
  const next = mulberry32(hashSeed(seed, input.name));
  const n = input.size;
  if (input.dtype === 'string') {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(STRING_VOCABULARY[Math.floor(next() * STRING_VOCABULARY.length)] as string);
    return out;
  }
  const nums = new Float64Array(n);
  if (FLOAT_DTYPES.has(input.dtype)) {
    for (let i = 0; i < n; i++) nums[i] = next() * 2 - 1;
  } else {
    const range = input.dtype === 'uint8' ? 256 : input.dtype === 'bool' ? 2 : 10;
    for (let i = 0; i < n; i++) nums[i] = Math.floor(next() * range);
  }
  return fromNumbers(input.dtype, nums);
}


/** Mix the seed with the input name (FNV-1a) so each input gets its own stream, independent of input order. */
function hashSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  h = Math.imul(h ^ Math.floor(seed / 4294967296), 0x01000193) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

/** IEEE 754 half-precision bits for a number (round to nearest even; overflow → ±Infinity). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflow to ±0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1) === 1)) half++;
    return sign | half;
  }
  // A carry out of the mantissa correctly bumps the exponent (and rounds 65520+ to Infinity).
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}
