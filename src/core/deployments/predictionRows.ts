// From one inference (input and output tensors of a batch) to one prediction log record per row: inputs keyed by
// feature, the label and class scores of a classifier or the value of a regressor, and the confidence. Pure; the
// local server calls it after each inference.
import { jsonValues } from './oipTensor';
import { inputHash, type PredictionOutput, type PredictionRecord } from './records';

export interface TensorData {
  name: string;
  dtype: string;
  dims: readonly number[];
  data: ArrayLike<unknown>;
}

export interface RecordContext {
  ts: string;
  feature: string;
  model: string;
  modelVersion: string;
  /** The request's id; rows of a batch of more than one get `${requestId}/${row}`. */
  requestId: string;
  latencyMs: number;
  /** Column names of a single 2-D input. */
  featureNames?: readonly string[];
  /** Class labels by score index. */
  classLabels?: readonly string[];
}

/** Largest input row logged whole under its input name (larger tensors are left out of `inputs`). */
const MAX_LOGGED_ELEMENTS = 64;

/** The first dimension the tensors share (their rows), or undefined when there are none or they disagree. */
export function commonRows(tensors: readonly { dims: readonly number[] }[]): number | undefined {
  const first = tensors[0]?.dims[0];
  return first !== undefined && tensors.every((t) => t.dims.length > 0 && t.dims[0] === first) ? first : undefined;
}

function rowsOf(tensors: readonly TensorData[]): number {
  return commonRows(tensors) ?? 1;
}

/** Row `r` of a tensor with `rows` rows, as plain JSON values. */
function rowValues(t: TensorData, rows: number, r: number): unknown[] {
  const per = rows > 0 ? Math.floor(t.data.length / rows) : 0;
  const slice: unknown[] = [];
  for (let i = r * per; i < (r + 1) * per; i++) slice.push(t.data[i]);
  return jsonValues(t.dtype, slice);
}

function rowInputs(inputs: readonly TensorData[], rows: number, r: number, featureNames: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of inputs) {
    const values = rowValues(t, rows, r);
    if (inputs.length === 1 && featureNames && featureNames.length === values.length) {
      featureNames.forEach((f, i) => (out[f] = values[i]));
    } else if (values.length === 1) {
      out[t.name] = values[0];
    } else if (values.length <= MAX_LOGGED_ELEMENTS) {
      out[t.name] = values;
    }
  }
  return out;
}

const FLOAT = /^float(16|32|64)?$|^double$/;

/** Reads a classifier's label and scores, or a regressor's value, from one row of the outputs. */
export function rowOutput(outputs: readonly TensorData[], rows: number, r: number, classLabels?: readonly string[]): { output: PredictionOutput | null; confidence: number | null } {
  const perRow = outputs.map((t) => ({ t, values: rowValues(t, rows, r) }));
  const label = perRow.find(({ t, values }) => values.length === 1 && !FLOAT.test(t.dtype)) ?? perRow.find(({ t, values }) => values.length === 1 && /label|class/i.test(t.name));
  const scores = perRow.find(({ t, values }) => values.length > 1 && FLOAT.test(t.dtype) && t !== label?.t);
  if (scores) {
    const nums = scores.values.map((v) => (typeof v === 'number' ? v : Number(v)));
    const keys = nums.map((_, i) => classLabels?.[i] ?? String(i));
    const byLabel = Object.fromEntries(keys.map((k, i) => [k, nums[i] as number]));
    let best = 0;
    nums.forEach((v, i) => (v > (nums[best] as number) ? (best = i) : undefined));
    const raw = label?.values[0];
    const out: PredictionOutput = { label: isLabel(raw) ? raw : (keys[best]), scores: byLabel };
    const confidence = Math.max(...nums);
    return { output: out, confidence: Number.isFinite(confidence) && confidence >= 0 && confidence <= 1 ? confidence : null };
  }
  if (label) {
    const raw = label.values[0];
    return { output: isLabel(raw) ? { label: raw } : null, confidence: null };
  }
  const value = perRow.find(({ t, values }) => values.length === 1 && FLOAT.test(t.dtype));
  if (value && typeof value.values[0] === 'number') return { output: { value: value.values[0] }, confidence: null };
  return { output: null, confidence: null };
}

function isLabel(x: unknown): x is string | number | boolean {
  return typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
}

/** One record per row of the batch (path `model`: the server itself never falls back). */
export function predictionRecords(inputs: readonly TensorData[], outputs: readonly TensorData[], ctx: RecordContext): PredictionRecord[] {
  const rows = rowsOf(inputs);
  const records: PredictionRecord[] = [];
  const outRows = rowsOf(outputs) === rows ? rows : 1;
  for (let r = 0; r < rows; r++) {
    const logged = rowInputs(inputs, rows, r, ctx.featureNames);
    const { output, confidence } = rowOutput(outputs, outRows, Math.min(r, outRows - 1), ctx.classLabels);
    records.push({
      ts: ctx.ts,
      feature: ctx.feature,
      model: ctx.model,
      model_version: ctx.modelVersion,
      request_id: rows === 1 ? ctx.requestId : `${ctx.requestId}/${r}`,
      input_hash: inputHash(logged),
      inputs: logged,
      output,
      confidence,
      path: 'model',
      reason: null,
      latency_ms: ctx.latencyMs,
      variant: null,
    });
  }
  return records;
}
