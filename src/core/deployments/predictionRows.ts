// From one inference (input and output tensors of a batch) to one prediction log record per row: inputs keyed by
// feature, the label and class scores of a classifier or the value of a regressor, and the confidence. Pure; the
// local server calls it after each inference.
import { ByteText } from './byteText';
import { FLOAT32_TEXT_BYTES, writeFloat32, writeFloat32Of } from './float32Text';
import { float16Bits, jsonValue, jsonValues, jsonValuesText, writeFloat32Values } from './oipTensor';
import { canonicalBytesHash, canonicalHash, inputHash, type PredictionOutput, type PredictionRecord } from './records';

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
  /** Column names of a single 2-D input (not changed in place once passed: predictionLogText keeps its layout per array). */
  featureNames?: readonly string[];
  /** Class labels by score index (not changed in place once passed: predictionLogBytes keeps the scores' layout per array). */
  classLabels?: readonly string[];
  /**
   * The error the request was answered with instead of its outputs (NaN scores, say: nonFinite.ts). Every row's
   * record is then an error record: no output or confidence, path `abstain`, reason `error`, and this as `error`.
   */
  error?: string;
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
  const per = perOf(t, rows);
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
  // Which output is the label, the scores or the value depends only on each output's dtype, name and row length:
  // read that first, then only the values needed, straight from the row (no array per output and row).
  findRoles(outputs, rows);
  const label = roleLabel;
  const scores = roleScores;
  if (scores) {
    const per = perOf(scores, rows);
    const half = float16Bits(scores.dtype, scores.data);
    const bool = scores.dtype === 'bool';
    const nums = new Array<number>(per);
    const byLabel: Record<string, number> = {};
    let plain = true;
    let best = 0;
    for (let i = 0; i < per; i++) {
      const v = jsonValue(scores.data[r * per + i], half, bool);
      const x = typeof v === 'number' ? v : Number(v);
      nums[i] = x;
      if (x > (nums[best] as number)) best = i;
      const key = classLabels?.[i] ?? String(i);
      // `__proto__` as a key: an own property as Object.fromEntries makes it, not the prototype.
      if (key === '__proto__') plain = false;
      else byLabel[key] = x;
    }
    const raw = label ? firstOfRow(label, rows, r) : undefined;
    const out: PredictionOutput = { label: isLabel(raw) ? raw : (classLabels?.[best] ?? String(best)), scores: plain ? byLabel : Object.fromEntries(nums.map((x, i) => [classLabels?.[i] ?? String(i), x])) };
    const confidence = Math.max(...nums);
    return { output: out, confidence: Number.isFinite(confidence) && confidence >= 0 && confidence <= 1 ? confidence : null };
  }
  if (label) {
    const raw = firstOfRow(label, rows, r);
    return { output: isLabel(raw) ? { label: raw } : null, confidence: null };
  }
  for (const t of outputs) {
    if (perOf(t, rows) === 1 && FLOAT.test(t.dtype)) {
      const v = firstOfRow(t, rows, r);
      return typeof v === 'number' ? { output: { value: v }, confidence: null } : { output: null, confidence: null };
    }
  }
  return { output: null, confidence: null };
}

/** The outputs findRoles() found last: the label (one value per row) and the scores (several float values per row). */
let roleLabel: TensorData | undefined;
let roleScores: TensorData | undefined;

/** Finds which output is the label and which the scores (roleLabel, roleScores), as rowOutput() reads them. */
function findRoles(outputs: readonly TensorData[], rows: number): void {
  let label: TensorData | undefined;
  for (const t of outputs) {
    if (perOf(t, rows) === 1 && !FLOAT.test(t.dtype)) {
      label = t;
      break;
    }
  }
  if (!label) {
    for (const t of outputs) {
      if (perOf(t, rows) === 1 && /label|class/i.test(t.name)) {
        label = t;
        break;
      }
    }
  }
  let scores: TensorData | undefined;
  for (const t of outputs) {
    if (perOf(t, rows) > 1 && FLOAT.test(t.dtype) && t !== label) {
      scores = t;
      break;
    }
  }
  roleLabel = label;
  roleScores = scores;
}

/** Elements per row of a tensor of `rows` rows. */
function perOf(t: TensorData, rows: number): number {
  return rows > 0 ? Math.floor(t.data.length / rows) : 0;
}

/** The first value of row `r`, as jsonValues() gives it. */
function firstOfRow(t: TensorData, rows: number, r: number): unknown {
  return jsonValue(t.data[r * perOf(t, rows)], float16Bits(t.dtype, t.data), t.dtype === 'bool');
}

function isLabel(x: unknown): x is string | number | boolean {
  return typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
}

/** Rows of the inputs, and rows of the outputs (1 when they do not follow the inputs' rows: each record reads row 0). */
function rowCounts(inputs: readonly TensorData[], outputs: readonly TensorData[]): { rows: number; outRows: number } {
  const rows = rowsOf(inputs);
  return { rows, outRows: rowsOf(outputs) === rows ? rows : 1 };
}

/**
 * One record per row of the batch: path `model` (the server itself never falls back), or, when the request was
 * answered with an error (`ctx.error`), path `abstain` with reason `error` and no output.
 */
export function predictionRecords(inputs: readonly TensorData[], outputs: readonly TensorData[], ctx: RecordContext): PredictionRecord[] {
  const { rows, outRows } = rowCounts(inputs, outputs);
  const records: PredictionRecord[] = [];
  for (let r = 0; r < rows; r++) {
    const logged = rowInputs(inputs, rows, r, ctx.featureNames);
    // A row of a request answered with an error has no output; the others their own (fields in the record's order).
    const outcome =
      ctx.error !== undefined
        ? { output: null, confidence: null, path: 'abstain' as const, reason: 'error' as const, error: ctx.error }
        : { ...rowOutput(outputs, outRows, Math.min(r, outRows - 1), ctx.classLabels), path: 'model' as const, reason: null };
    records.push({
      ts: ctx.ts,
      feature: ctx.feature,
      model: ctx.model,
      model_version: ctx.modelVersion,
      request_id: rows === 1 ? ctx.requestId : `${ctx.requestId}/${r}`,
      input_hash: inputHash(logged),
      inputs: logged,
      ...outcome,
      latency_ms: ctx.latencyMs,
      variant: null,
    });
  }
  return records;
}

/**
 * Called with each row's predicted label (its output's `label`) and confidence, as its record has them (the server
 * counts them in its metrics); not for the rows of a request answered with an error.
 */
export type RowPredictionSink = (label: PredictionOutput['label'], confidence: number | null) => void;

/** Each row's output and confidence, as predictionRecords() puts them in the records, without writing records. */
export function eachRowOutput(inputs: readonly TensorData[], outputs: readonly TensorData[], classLabels: readonly string[] | undefined, sink: RowPredictionSink): void {
  const { rows, outRows } = rowCounts(inputs, outputs);
  for (let r = 0; r < rows; r++) {
    const { output, confidence } = rowOutput(outputs, outRows, Math.min(r, outRows - 1), classLabels);
    sink(output?.label, confidence);
  }
}

/** One logged input of a row: where its values are in the tensor's row and how it appears in `inputs`. */
interface LoggedColumn {
  keyText: string;
  /** `${keyText}:` in UTF-8. */
  keyBytes: Buffer;
  /** Index of the tensor among the inputs. */
  input: number;
  /** Elements per row of the tensor. */
  per: number;
  /** First element of this column within the row, and how many (1: a scalar; otherwise an array). */
  offset: number;
  count: number;
  array: boolean;
}

/** The logged columns in rowInputs() key order, and their order in canonical JSON (keys sorted). */
interface LogLayout {
  columns: LoggedColumn[];
  sorted: number[];
  /** Whether the key order is already sorted (the canonical JSON is then the logged inputs' JSON). */
  inOrder: boolean;
}

/** A key that `out[key] = v` stores as an ordinary property and JSON.stringify writes in insertion order. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** The columns rowInputs() logs, in its key order; undefined when its object would not keep them in that order. */
function loggedColumns(inputs: readonly TensorData[], rows: number, featureNames: readonly string[] | undefined): LogLayout | undefined {
  const layout: { key: string; column: LoggedColumn }[] = [];
  const only = inputs.length === 1 ? inputs[0] : undefined;
  if (only && featureNames && featureNames.length === perOf(only, rows)) {
    featureNames.forEach((key, i) => layout.push({ key, column: { keyText: JSON.stringify(key), keyBytes: Buffer.from(`${JSON.stringify(key)}:`), input: 0, per: featureNames.length, offset: i, count: 1, array: false } }));
  } else {
    inputs.forEach((t, input) => {
      const per = perOf(t, rows);
      if (per <= MAX_LOGGED_ELEMENTS) layout.push({ key: t.name, column: { keyText: JSON.stringify(t.name), keyBytes: Buffer.from(`${JSON.stringify(t.name)}:`), input, per, offset: 0, count: per, array: per !== 1 } });
    });
  }
  const keys = new Set<string>();
  for (const { key } of layout) {
    if (keys.has(key) || key === '__proto__' || ARRAY_INDEX.test(key)) return undefined;
    keys.add(key);
  }
  // canonicalJson() order: keys sorted by UTF-16 code units, as Array.prototype.sort() orders strings.
  const sorted = layout.map((_, i) => i).sort((a, b) => ((layout[a] as { key: string }).key < (layout[b] as { key: string }).key ? -1 : 1));
  return { columns: layout.map((l) => l.column), sorted, inOrder: sorted.every((c, j) => c === j) };
}

/**
 * The last layout made, and what it was made from: requests to a server have the same inputs (names, elements per
 * row) and feature names request after request, so the layout is made once, not once per request.
 */
let lastLayout: { names: string[]; pers: number[]; rows: number; featureNames: readonly string[] | undefined; layout: LogLayout | undefined } | undefined;

function layoutFor(inputs: readonly TensorData[], rows: number, featureNames: readonly string[] | undefined): LogLayout | undefined {
  const last = lastLayout;
  if (last && last.rows === rows && last.featureNames === featureNames && last.names.length === inputs.length) {
    let same = true;
    for (let i = 0; i < inputs.length && same; i++) {
      const t = inputs[i] as TensorData;
      same = last.names[i] === t.name && last.pers[i] === perOf(t, rows);
    }
    if (same) return last.layout;
  }
  const layout = loggedColumns(inputs, rows, featureNames);
  lastLayout = { names: inputs.map((t) => t.name), pers: inputs.map((t) => perOf(t, rows)), rows, featureNames, layout };
  return layout;
}

/** The record text from after `ts` to the request id's value, made again only when the model changes. */
function modelText(ctx: RecordContext): string {
  const last = lastModelText;
  if (last && last.feature === ctx.feature && last.model === ctx.model && last.modelVersion === ctx.modelVersion) return last.text;
  const text = `,"feature":${JSON.stringify(ctx.feature)},"model":${JSON.stringify(ctx.model)},"model_version":${JSON.stringify(ctx.modelVersion)},"request_id":`;
  lastModelText = { feature: ctx.feature, model: ctx.model, modelVersion: ctx.modelVersion, text };
  return text;
}
let lastModelText: { feature: string; model: string; modelVersion: string; text: string } | undefined;

/** The JSON text of column `c` in row `r`. */
function columnText(c: LoggedColumn, inputs: readonly TensorData[], r: number): string {
  const t = inputs[c.input] as TensorData;
  const half = float16Bits(t.dtype, t.data);
  const bool = t.dtype === 'bool';
  const start = r * c.per + c.offset;
  // One value is written by jsonValuesText() too: it writes float32 data faster than jsonValueText().
  if (!c.array) return jsonValuesText(t.data, start, start + 1, half, bool);
  return `[${jsonValuesText(t.data, start, start + c.count, half, bool)}]`;
}

const numberText = (x: number | null): string => (x !== null && Number.isFinite(x) ? String(x) : 'null');

/**
 * The records of predictionRecords() as JSONL text, each line exactly `JSON.stringify(record)`, written straight from
 * the typed data: every logged value is turned into text once, for both the line and the input hash (the server logs
 * every request, and number-to-text is most of that work). `sink` gets each row's output and confidence. The server
 * writes the same lines as bytes with predictionLogBytes().
 */
export function predictionLogText(inputs: readonly TensorData[], outputs: readonly TensorData[], ctx: RecordContext, sink?: RowPredictionSink): string {
  const { rows, outRows } = rowCounts(inputs, outputs);
  const layout = ctx.error === undefined ? layoutFor(inputs, rows, ctx.featureNames) : undefined;
  if (!layout) {
    // Keys an object would reorder or drop (array indexes, __proto__, duplicates), and the rare error records: the
    // records themselves.
    let text = '';
    for (const record of predictionRecords(inputs, outputs, ctx)) {
      if (ctx.error === undefined) sink?.(record.output?.label, record.confidence);
      text += `${JSON.stringify(record)}\n`;
    }
    return text;
  }
  const { columns, sorted } = layout;
  const head = `{"ts":${JSON.stringify(ctx.ts)}${modelText(ctx)}`;
  const tail = `,"path":"model","reason":null,"latency_ms":${numberText(ctx.latencyMs)},"variant":null}\n`;
  const texts = new Array<string>(columns.length);
  let out = '';
  for (let r = 0; r < rows; r++) {
    let inputsText = '{';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as LoggedColumn;
      texts[i] = columnText(c, inputs, r);
      inputsText += `${i === 0 ? '' : ','}${c.keyText}:${texts[i]}`;
    }
    let canonical = inputsText;
    if (!layout.inOrder) {
      canonical = '{';
      for (let j = 0; j < sorted.length; j++) {
        const i = sorted[j] as number;
        canonical += `${j === 0 ? '' : ','}${(columns[i] as LoggedColumn).keyText}:${texts[i]}`;
      }
    }
    const { output, confidence } = rowOutput(outputs, outRows, Math.min(r, outRows - 1), ctx.classLabels);
    sink?.(output?.label, confidence);
    const requestId = rows === 1 ? ctx.requestId : `${ctx.requestId}/${r}`;
    out += `${head}${JSON.stringify(requestId)},"input_hash":"${canonicalHash(`${canonical}}`)}","inputs":${inputsText}},"output":${JSON.stringify(output)},"confidence":${numberText(confidence)}${tail}`;
  }
  return out;
}

const lineBytes = new ByteText();
const inputBytes = new ByteText();
const canonicalBytes = new ByteText();
/** Where each column's values are in inputBytes (start, end by column). */
let valueSpans = new Int32Array(128);

/** Appends the JSON text of column `c` in row `r` (as columnText() writes it) to `out`. */
function writeColumn(c: LoggedColumn, inputs: readonly TensorData[], r: number, out: ByteText): void {
  const t = inputs[c.input] as TensorData;
  const start = r * c.per + c.offset;
  const end = start + c.count;
  if (c.array) out.byte(0x5b); // '['
  if (t.dtype !== 'float16' && t.dtype !== 'bool' && t.data instanceof Float32Array) {
    out.used = writeFloat32Values(t.data, start, end, out.room((end - start) * (FLOAT32_TEXT_BYTES + 1)), out.used);
  } else {
    out.text(jsonValuesText(t.data, start, end, float16Bits(t.dtype, t.data), t.dtype === 'bool'));
  }
  if (c.array) out.byte(0x5d); // ']'
}

/**
 * Appends JSON.stringify(x) of a number (null when it is not finite). A float32 value — a model's scores and the
 * confidence taken from them — is written by writeFloat32(): V8's own text of such a double often takes its slow exact
 * path, about a microsecond.
 */
function writeNumberJson(x: number, out: ByteText): void {
  if (x - x !== 0) out.text('null');
  else if (Math.fround(x) === x) out.used = writeFloat32(x, out.room(FLOAT32_TEXT_BYTES), out.used);
  else out.text(String(x));
}

/**
 * Appends JSON.stringify(output) of an output rowOutput() made: null, or an object with `label` and `scores`, `label`
 * alone or `value` alone, in that key order (the order rowOutput() creates them in, which JSON.stringify follows).
 */
function writeOutputJson(output: PredictionOutput | null, out: ByteText): void {
  if (output === null) return out.text('null');
  let comma = false;
  out.byte(0x7b); // '{'
  const label = output.label;
  if (label !== undefined) {
    out.text('"label":');
    if (typeof label === 'number') writeNumberJson(label, out);
    else out.text(JSON.stringify(label));
    comma = true;
  }
  const scores = output.scores;
  if (scores !== undefined) {
    out.text(comma ? ',"scores":{' : '"scores":{');
    // Object.keys() gives the keys in JSON.stringify's order (array indexes first, ascending, then in insertion order).
    const keys = Object.keys(scores);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (i !== 0) out.byte(0x2c);
      out.text(JSON.stringify(key));
      out.byte(0x3a); // ':'
      writeNumberJson(scores[key] as number, out);
    }
    out.byte(0x7d);
    comma = true;
  }
  const value = output.value;
  if (value !== undefined) {
    out.text(comma ? ',"value":' : '"value":');
    writeNumberJson(value, out);
  }
  out.byte(0x7d); // '}'
}

/** How a row's scores are written: each score's key (`"key":`) in JSON.stringify's order, and which score it holds. */
interface ScoreLayout {
  keys: Buffer[];
  /** The score index each key takes its value from (the last of a duplicate key). */
  index: Int32Array;
}

/** The last score layout made and what it was made from (a server's class labels stay the same request after request). */
let lastScores: { classLabels: readonly string[] | undefined; per: number; layout: ScoreLayout | undefined } | undefined;

/**
 * The key order rowOutput()'s `scores` object has for `per` scores, or undefined when it is not a plain object
 * (`__proto__` as a key): keys `classLabels[i]`, else String(i), assigned in index order, so array-index keys come
 * first, ascending, and a duplicate key keeps its first place and its last value.
 */
function scoreLayout(classLabels: readonly string[] | undefined, per: number): ScoreLayout | undefined {
  const last = lastScores;
  if (last && last.classLabels === classLabels && last.per === per) return last.layout;
  const byKey: Record<string, number> = {};
  let layout: ScoreLayout | undefined;
  let plain = true;
  for (let i = 0; i < per; i++) {
    const key = classLabels?.[i] ?? String(i);
    if (key === '__proto__') plain = false;
    else byKey[key] = i;
  }
  if (plain) {
    const keys = Object.keys(byKey);
    layout = { keys: keys.map((k) => Buffer.from(`${JSON.stringify(k)}:`)), index: Int32Array.from(keys, (k) => byKey[k] as number) };
  }
  lastScores = { classLabels, per, layout };
  return layout;
}

/** Appends JSON.stringify() of a label value (a string, a finite number or a boolean). */
function writeLabelJson(label: string | number | boolean, out: ByteText): void {
  if (typeof label === 'number') writeNumberJson(label, out);
  else if (typeof label === 'string') out.jsonString(label);
  else out.text(label ? 'true' : 'false');
}

/**
 * Appends `JSON.stringify(output),"confidence":JSON.stringify(confidence)` for rowOutput(outputs, rows, r,
 * classLabels), and gives the sink the row's label and confidence, written straight from the outputs' data without
 * the output object (a classifier's scores from a float32 or float64 array; anything else through rowOutput()).
 */
function writeRowOutput(outputs: readonly TensorData[], rows: number, r: number, classLabels: readonly string[] | undefined, out: ByteText, sink: RowPredictionSink | undefined): void {
  findRoles(outputs, rows);
  const label = roleLabel;
  const scores = roleScores;
  const data = scores?.data;
  const per = scores ? perOf(scores, rows) : 0;
  const layout = scores && scores.dtype !== 'float16' && (data instanceof Float32Array || data instanceof Float64Array) ? scoreLayout(classLabels, per) : undefined;
  if (!layout || !(data instanceof Float32Array || data instanceof Float64Array)) {
    const { output, confidence } = rowOutput(outputs, rows, r, classLabels);
    sink?.(output?.label, confidence);
    writeOutputJson(output, out);
    out.text(',"confidence":');
    if (confidence === null) out.text('null');
    else writeNumberJson(confidence, out);
    return;
  }
  // The best score (the first of equal ones) and Math.max() of the scores: NaN if one is NaN, +0 above −0.
  const from = r * per;
  let best = 0;
  let bestValue = data[from] as number;
  let max = -Infinity;
  let nan = false;
  for (let i = 0; i < per; i++) {
    const x = data[from + i] as number;
    if (x > bestValue) {
      best = i;
      bestValue = x;
    }
    if (x !== x) nan = true;
    else if (x > max || (x === 0 && max === 0 && 1 / max < 0)) max = x;
  }
  const raw = label ? firstOfRow(label, rows, r) : undefined;
  const predicted = isLabel(raw) ? raw : (classLabels?.[best] ?? String(best));
  const confidence = !nan && Number.isFinite(max) && max >= 0 && max <= 1 ? max : null;
  sink?.(predicted, confidence);
  out.text('{"label":');
  writeLabelJson(predicted, out);
  out.text(',"scores":{');
  for (let k = 0; k < layout.keys.length; k++) {
    if (k !== 0) out.byte(0x2c); // ','
    const key = layout.keys[k] as Buffer;
    out.bytes(key, 0, key.length);
    const at = from + (layout.index[k] as number);
    const x = data[at] as number;
    if (x - x !== 0) out.text('null');
    else if (data instanceof Float32Array) out.used = writeFloat32Of(data, at, out.room(FLOAT32_TEXT_BYTES), out.used);
    else writeNumberJson(x, out);
  }
  out.text('}},"confidence":');
  if (confidence === null) out.text('null');
  else writeNumberJson(confidence, out);
}

/**
 * predictionLogText() as UTF-8 bytes, written into a buffer this module reuses: the bytes returned are valid until
 * the next call. The inputs' text is written once as bytes, hashed as bytes (the same UTF-8 bytes as the canonical
 * text predictionLogText() hashes) and copied into the line; no string is made for the values. Keys an object would
 * reorder or drop, and error records, fall back to the records' text.
 */
export function predictionLogBytes(inputs: readonly TensorData[], outputs: readonly TensorData[], ctx: RecordContext, sink?: RowPredictionSink): Uint8Array {
  const { rows, outRows } = rowCounts(inputs, outputs);
  const layout = ctx.error === undefined ? layoutFor(inputs, rows, ctx.featureNames) : undefined;
  const out = lineBytes;
  out.used = 0;
  if (!layout) {
    out.text(predictionLogText(inputs, outputs, ctx, sink));
    return out.buffer.subarray(0, out.used);
  }
  const { columns, sorted } = layout;
  if (valueSpans.length < 2 * columns.length) valueSpans = new Int32Array(2 * columns.length);
  const spans = valueSpans;
  const model = modelText(ctx);
  const latency = numberText(ctx.latencyMs);
  for (let r = 0; r < rows; r++) {
    const ins = inputBytes;
    ins.used = 0;
    ins.byte(0x7b); // '{'
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as LoggedColumn;
      if (i !== 0) ins.byte(0x2c);
      ins.bytes(c.keyBytes, 0, c.keyBytes.length);
      spans[2 * i] = ins.used;
      writeColumn(c, inputs, r, ins);
      spans[2 * i + 1] = ins.used;
    }
    ins.byte(0x7d); // '}'
    let canonical: Uint8Array = ins.buffer.subarray(0, ins.used);
    if (!layout.inOrder) {
      const can = canonicalBytes;
      can.used = 0;
      can.byte(0x7b);
      for (let j = 0; j < sorted.length; j++) {
        const i = sorted[j] as number;
        if (j !== 0) can.byte(0x2c);
        const key = (columns[i] as LoggedColumn).keyBytes;
        can.bytes(key, 0, key.length);
        can.bytes(ins.buffer, spans[2 * i] as number, spans[2 * i + 1] as number);
      }
      can.byte(0x7d);
      canonical = can.buffer.subarray(0, can.used);
    }
    out.text('{"ts":');
    out.jsonString(ctx.ts);
    out.text(model);
    out.jsonString(rows === 1 ? ctx.requestId : `${ctx.requestId}/${r}`);
    out.text(',"input_hash":"');
    out.text(canonicalBytesHash(canonical));
    out.text('","inputs":');
    out.bytes(ins.buffer, 0, ins.used);
    out.text(',"output":');
    writeRowOutput(outputs, outRows, Math.min(r, outRows - 1), ctx.classLabels, out, sink);
    out.text(',"path":"model","reason":null,"latency_ms":');
    out.text(latency);
    out.text(',"variant":null}\n');
  }
  return out.buffer.subarray(0, out.used);
}
