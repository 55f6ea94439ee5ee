// Windows of logged inputs as columns (src/shared/driftWorker.ts InputColumns), the form they are sent to the live
// drift worker in: the monitor's store writes them straight from its own columns (PredictionStore.inputColumns), and
// these two turn records into columns and back. Rows come back as the store rebuilds them (PredictionStore.inputs):
// keys in their logged order, each value the number or the string, boolean or null that was logged.
import { NO_INPUT_SCHEMA, OBJECT_INPUT_SCHEMA, type InputColumns } from '../../shared/driftWorker';

/** Widest input kept in columns; wider inputs travel whole. */
export const MAX_INPUT_SLOTS = 256;

/** A logged input value that fits the columns: a number, or a string, boolean or null kept as a code. */
export function isColumnValue(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null;
}

/** Values to small codes and back. Codes are stable until `rebuild` (which the store runs when most are unused). */
export class Interner<T> {
  private readonly codes = new Map<T, number>();
  values: T[] = [];

  code(v: T): number {
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.codes.set(v, c);
    }
    return c;
  }

  get size(): number {
    return this.values.length;
  }

  /** Keeps the values whose codes `used` marks; returns old code → new code (-1 for dropped ones). */
  rebuild(used: Uint8Array): Int32Array {
    const map = new Int32Array(this.values.length).fill(-1);
    const kept: T[] = [];
    this.codes.clear();
    this.values.forEach((v, c) => {
      if (!used[c]) return;
      map[c] = kept.length;
      this.codes.set(v, kept.length);
      kept.push(v);
    });
    this.values = kept;
    return map;
  }
}

/** Codes for a window's key lists and atoms (strings, booleans, null), in order of first use. */
export class ColumnCodes {
  readonly schemas: string[][] = [];
  private readonly schemaIds = new Interner<string>();
  private readonly atomTable = new Interner<string | boolean | null>();

  get atomValues(): (string | boolean | null)[] {
    return this.atomTable.values;
  }

  schema(keys: string[]): number {
    const c = this.schemaIds.code(keys.join('\u0000'));
    if (c === this.schemas.length) this.schemas.push(keys);
    return c;
  }

  /** The atom's code + 1 (0 stands for "the number"). */
  atom(v: string | boolean | null): number {
    return this.atomTable.code(v) + 1;
  }
}

/** Empty numeric columns for `rows` rows, `width` slots wide. */
export function emptyColumns(rows: number, width: number): { numbers: Float64Array[]; atoms: (Int32Array | null)[] } {
  return { numbers: Array.from({ length: width }, () => new Float64Array(rows)), atoms: new Array<Int32Array | null>(width).fill(null) };
}

/** Sets slot j of row r to an atom's code, making the slot's atom column on first use. */
export function setAtom(atoms: (Int32Array | null)[], rows: number, j: number, r: number, code: number): void {
  let col = atoms[j];
  if (!col) {
    col = new Int32Array(rows);
    atoms[j] = col;
  }
  col[r] = code;
}

/** Records' inputs in columns. */
export function columnsOf(records: readonly Readonly<Record<string, unknown>>[]): InputColumns {
  const rows = records.length;
  const codes = new ColumnCodes();
  const schema = new Int32Array(rows);
  const objects: Record<string, unknown>[] = [];
  const keyLists = records.map((r) => Object.keys(r));
  const fits = (r: number): boolean => {
    const keys = keyLists[r] as string[];
    const rec = records[r] as Readonly<Record<string, unknown>>;
    return keys.length <= MAX_INPUT_SLOTS && keys.every((k) => isColumnValue(rec[k]));
  };
  const width = Math.max(0, ...keyLists.map((k, r) => (fits(r) ? k.length : 0)));
  const { numbers, atoms } = emptyColumns(rows, width);
  for (let r = 0; r < rows; r++) {
    const rec = records[r] as Readonly<Record<string, unknown>>;
    if (!fits(r)) {
      schema[r] = OBJECT_INPUT_SCHEMA;
      objects.push(rec);
      continue;
    }
    const keys = keyLists[r] as string[];
    schema[r] = codes.schema(keys);
    for (let j = 0; j < keys.length; j++) {
      const v = rec[keys[j] as string];
      if (typeof v === 'number') (numbers[j] as Float64Array)[r] = v;
      else setAtom(atoms, rows, j, r, codes.atom(v as string | boolean | null));
    }
  }
  return { rows, schemas: codes.schemas, schema, numbers, atoms, atomValues: codes.atomValues, objects };
}

/** The rows of a window as records (what the drift engine profiles). */
export function recordsOf(cols: InputColumns): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(cols.rows);
  let whole = 0;
  for (let r = 0; r < cols.rows; r++) {
    const s = cols.schema[r] as number;
    if (s === OBJECT_INPUT_SCHEMA) {
      out[r] = cols.objects[whole++] as Record<string, unknown>;
      continue;
    }
    const row: Record<string, unknown> = {};
    if (s !== NO_INPUT_SCHEMA) {
      const keys = cols.schemas[s] as string[];
      for (let j = 0; j < keys.length; j++) {
        const a = cols.atoms[j]?.[r] ?? 0;
        row[keys[j] as string] = a === 0 ? (cols.numbers[j] as Float64Array)[r] : cols.atomValues[a - 1];
      }
    }
    out[r] = row;
  }
  return out;
}
