// Non-finite model answers: NaN or ±Infinity in a floating-point output. Such a value is no answer (a NaN score
// compares false with every threshold, and the label a classifier outputs next to NaN scores is as good as made up),
// so the local server answers the request with an error instead of the outputs, and logs each row as an error.
// The check is one pass over the float outputs' typed arrays (`x - x !== 0` holds for NaN and ±Infinity only); the
// rows, kinds and the message are worked out only when it finds one.
import { float16Bits } from './oipTensor';
import { commonRows, type TensorData } from './predictionRows';

/** One output's non-finite values: the request rows that hold them, and of which kinds. */
export interface NonFiniteOutput {
  name: string;
  /** Request rows (0-based, ascending) whose part of this output holds a non-finite value. */
  rows: number[];
  kinds: { nan: boolean; infinity: boolean; negativeInfinity: boolean };
}

/** Why an inference's outputs are no answer, and the error answer to give instead. */
export interface NonFiniteAnswer {
  /** Rows of the request (its inputs' first dimension; 1 when they have none in common). */
  rows: number;
  /** Request rows with a non-finite value in some output, ascending (every row when the outputs do not follow the request's rows). */
  badRows: number[];
  outputs: NonFiniteOutput[];
  /**
   * 422 when every bad row's inputs hold NaN or ±Infinity themselves (the model cannot score what it was sent: the
   * request's to fix), 500 when a row with finite inputs got a non-finite answer (the model's fault).
   */
  status: 422 | 500;
  /** The `{"error": …}` text: which outputs, how many rows and which, why, and what to do. */
  message: string;
}

/** Whether a runtime tensor type is a floating-point one (the only kind that can hold NaN or ±Infinity). */
export function isFloat(dtype: string): boolean {
  switch (dtype) {
    case 'float32':
    case 'float64':
    case 'float16':
    case 'float':
    case 'double':
      return true;
    default:
      return false;
  }
}

/** Index of the first NaN or ±Infinity in a float tensor's data, or -1 (-1 for any other tensor). */
export function firstNonFinite(t: Pick<TensorData, 'dtype' | 'data'>): number {
  if (!isFloat(t.dtype)) return -1;
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Float64Array) {
    for (let i = 0; i < d.length; i++) {
      const x = d[i] as number;
      if (x - x !== 0) return i;
    }
    return -1;
  }
  if (float16Bits(t.dtype, d)) {
    // IEEE 754 half: exponent bits all ones is ±Infinity (mantissa 0) or NaN.
    for (let i = 0; i < d.length; i++) if (((d[i] as number) & 0x7c00) === 0x7c00) return i;
    return -1;
  }
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if (typeof x === 'number' && x - x !== 0) return i;
  }
  return -1;
}

/** The value at `i` of float data as a number (float16 bits decoded only as far as NaN/±Infinity tell apart). */
function valueAt(t: Pick<TensorData, 'dtype' | 'data'>, i: number): number {
  const v = t.data[i] as number;
  if (!float16Bits(t.dtype, t.data)) return v;
  if ((v & 0x7c00) !== 0x7c00) return 0;
  return (v & 0x3ff) !== 0 ? Number.NaN : v & 0x8000 ? -Infinity : Infinity;
}

/** Elements per row of a tensor of `rows` rows (0 when it has no rows). */
function perRow(t: { data: ArrayLike<unknown> }, rows: number): number {
  return rows > 0 ? Math.floor(t.data.length / rows) : 0;
}

/** Up to eight row numbers, then how many more: "0, 3, 5" or "0, 1, 2, 3, 4, 5, 6, 7 and 24 more". */
function rowList(rows: readonly number[]): string {
  const shown = rows.slice(0, 8).join(', ');
  return rows.length > 8 ? `${shown} and ${rows.length - 8} more` : shown;
}

const rowWord = (n: number): string => (n === 1 ? 'row' : 'rows');

function kindsText(k: NonFiniteOutput['kinds']): string {
  const names = [k.nan ? 'NaN' : '', k.infinity ? 'Infinity' : '', k.negativeInfinity ? '-Infinity' : ''].filter((s) => s !== '');
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}` : (names[0] as string);
}

/**
 * The inputs of request row `r` (of `rows`; every element when `r` is undefined) that hold NaN or ±Infinity, named as
 * the prediction log names them: a single 2-D input's columns by `featureNames`, else by input name.
 */
function nonFiniteInputs(inputs: readonly TensorData[], rows: number, r: number | undefined, featureNames: readonly string[] | undefined): string[] {
  const names: string[] = [];
  for (const t of inputs) {
    if (!isFloat(t.dtype)) continue;
    const per = r === undefined ? t.data.length : perRow(t, rows);
    const from = r === undefined ? 0 : r * per;
    const columns = inputs.length === 1 && featureNames && featureNames.length === per ? featureNames : undefined;
    for (let i = 0; i < per; i++) {
      const x = valueAt(t, from + i);
      if (x - x === 0) continue;
      const what = Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
      if (columns) names.push(`${columns[i] as string} is ${what}`);
      else {
        names.push(`${t.name} holds ${what}`);
        break;
      }
    }
  }
  return names;
}

/**
 * Undefined when every float output of an inference is finite (one pass over their data, nothing allocated);
 * otherwise which outputs and rows are not, and the error answer for the request. `featureNames` name a single 2-D
 * input's columns in the message, as in the prediction log.
 */
export function nonFiniteAnswer(inputs: readonly TensorData[], outputs: readonly TensorData[], featureNames?: readonly string[]): NonFiniteAnswer | undefined {
  let found = -1;
  for (let o = 0; o < outputs.length && found < 0; o++) if (firstNonFinite(outputs[o] as TensorData) >= 0) found = o;
  if (found < 0) return undefined;

  const rows = commonRows(inputs) ?? 1;
  // The outputs follow the request's rows when they share its first dimension (as the prediction log reads them);
  // otherwise a non-finite value cannot be put on a row, and it spoils them all.
  const follows = commonRows(outputs) === rows;
  const bad = new Uint8Array(rows);
  const described: NonFiniteOutput[] = [];
  for (let o = found; o < outputs.length; o++) {
    const t = outputs[o] as TensorData;
    if (firstNonFinite(t) < 0) continue;
    const per = follows ? perRow(t, rows) : 0;
    const kinds = { nan: false, infinity: false, negativeInfinity: false };
    const rowsHit: number[] = [];
    for (let i = 0; i < t.data.length; i++) {
      const x = valueAt(t, i);
      if (x - x === 0) continue;
      if (Number.isNaN(x)) kinds.nan = true;
      else if (x > 0) kinds.infinity = true;
      else kinds.negativeInfinity = true;
      if (follows && per > 0) {
        const r = Math.floor(i / per);
        if (rowsHit[rowsHit.length - 1] !== r) rowsHit.push(r);
      }
    }
    const hit = follows && per > 0 ? rowsHit : Array.from({ length: rows }, (_, r) => r);
    for (const r of hit) bad[r] = 1;
    described.push({ name: t.name, rows: hit, kinds });
  }
  const badRows: number[] = [];
  for (let r = 0; r < rows; r++) if (bad[r] === 1) badRows.push(r);

  // Rows whose own inputs hold NaN or ±Infinity: the model was sent what it cannot score.
  const finiteInputRows = follows ? badRows.filter((r) => nonFiniteInputs(inputs, rows, r, undefined).length === 0) : nonFiniteInputs(inputs, rows, undefined, undefined).length === 0 ? badRows : [];
  const status = finiteInputRows.length === 0 ? 422 : 500;

  const what = described.map((d) => `output "${d.name}" holds ${kindsText(d.kinds)} in ${d.rows.length} of ${rows} ${rowWord(rows)} (${rowWord(d.rows.length)} ${rowList(d.rows)})`).join('; ');
  const lead = `${what.charAt(0).toUpperCase()}${what.slice(1)}`;
  const others = rows > 1 ? ` None of the ${rows} rows was answered: send the others again without ${rowWord(badRows.length)} ${rowList(badRows)}.` : '';
  let message: string;
  if (status === 422) {
    const first = badRows[0] as number;
    const sent = nonFiniteInputs(inputs, rows, follows ? first : undefined, featureNames);
    message = `${lead}: the model cannot score the NaN or infinite values it was sent (${follows ? `row ${first}: ` : ''}${sent.slice(0, 4).join(', ')}${sent.length > 4 ? ` and ${sent.length - 4} more` : ''}). Send finite values (impute missing ones) or leave such rows out.${others}`;
  } else {
    message = `${lead}, although the inputs of ${rowWord(finiteInputRows.length)} ${rowList(finiteInputRows)} are finite: the model is broken for these inputs (check how it was trained and exported, e.g. with onnxruntime on the same rows).${others}`;
  }
  return { rows, badRows, outputs: described, status, message };
}
