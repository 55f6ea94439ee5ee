// The prediction records a monitor follows, kept in columns instead of one object per record: times, latencies,
// confidences and values in typed arrays, path/reason/label/model version as small codes into interned tables, the
// logged inputs as numeric columns per input slot (keys shared by every record with the same keys), and only the
// request id as one string per record (the feedback join needs it). A ring buffer in time order: old records leave by
// index, new ones are appended, and the garbage collector sees a handful of arrays instead of ~25 objects per record.
// It keeps what the status, the dashboards, drift and the feedback join read; the rest of a log line (feature, model,
// input_hash, variant, ts, the class scores themselves) is not kept.
import { NO_INPUT_SCHEMA, OBJECT_INPUT_SCHEMA, type InputColumns } from '../../shared/driftWorker';
import { ColumnCodes, emptyColumns, Interner, isColumnValue, MAX_INPUT_SLOTS, setAtom } from './inputColumns';
import type { PredictionPath, PredictionReason, PredictionRecord, Timed } from './records';

type Label = string | number | boolean;
/** A logged input value kept as a code: strings, booleans and null (numbers live in the Float64 columns). */
type InputAtom = string | boolean | null;

const PATHS: readonly PredictionPath[] = ['model', 'fallback', 'abstain'];
const REASONS: readonly (PredictionReason | null)[] = [null, 'error', 'timeout', 'low_confidence', 'flag_off'];
const PATH_MASK = 0b11;
const REASON_SHIFT = 2;
const REASON_MASK = 0b111 << REASON_SHIFT;
const HAS_OUTPUT = 1 << 5;
const HAS_SCORES = 1 << 6;
const HAS_INPUTS = 1 << 7;
/** Label codes below 0: no label, or a number label (in `labelNum`). */
const NO_LABEL = -1;
const NUMBER_LABEL = -2;
/** Schema codes below 0: no inputs, or inputs kept as their object (a value that is neither a number nor an atom). */
const NO_INPUTS = NO_INPUT_SCHEMA;
const OBJECT_INPUTS = OBJECT_INPUT_SCHEMA;

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

type Column = Float64Array | Int32Array | Uint8Array;

/** A copy of a ring column with `capacity` slots holding, from slot 0, the records at `order`'s indices. */
function moved<C extends Column>(a: C, order: Int32Array, head: number, capacity: number): C {
  const out = new (a.constructor as new (n: number) => C)(capacity);
  const mask = a.length - 1;
  for (let i = 0; i < order.length; i++) out[i] = a[(head + (order[i] as number)) & mask] as number;
  return out;
}

/** A copy of a ring column with `capacity` slots holding its `size` records from `head` on, in order, from slot 0. */
function grown<C extends Column>(a: C, head: number, size: number, capacity: number): C {
  const out = new (a.constructor as new (n: number) => C)(capacity);
  const first = Math.min(size, a.length - head);
  out.set(a.subarray(head, head + first), 0);
  if (size > first) out.set(a.subarray(0, size - first), first);
  return out;
}

/**
 * Prediction records in time order (appended in order; `sortByTime` after out-of-order ones), addressed by index
 * 0 … length − 1, oldest first.
 */
export class PredictionStore {
  private capacity: number;
  private head = 0;
  private size = 0;
  /** Records dropped from the front so far: record i is the (dropped + i)-th ever appended (its sequence number). */
  private dropped = 0;
  private t: Float64Array;
  private latency: Float64Array;
  private confidence: Float64Array;
  private value: Float64Array;
  private labelNum: Float64Array;
  private flags: Uint8Array;
  private labelCode: Int32Array;
  private versionCode: Int32Array;
  private schemaCode: Int32Array;
  private requestIds: string[];
  /** Per input slot: the number, and (once a slot has held one) the atom code + 1, 0 meaning "the number". */
  private inputNum: Float64Array[] = [];
  private inputAtom: (Int32Array | undefined)[] = [];
  /** Inputs that fit no column, by ring slot. */
  private inputObjects = new Map<number, Record<string, unknown>>();
  private readonly labels = new Interner<string | boolean>();
  private readonly versions = new Interner<string>();
  private readonly schemas = new Interner<string>();
  private schemaKeys: string[][] = [];
  private readonly atoms = new Interner<InputAtom>();
  /** The last schema seen and its code, so records with the same keys skip the lookup. */
  private lastKeys: string[] | undefined;
  private lastSchema = NO_INPUTS;

  constructor(initialCapacity = 1024) {
    let c = 16;
    while (c < initialCapacity) c *= 2;
    this.capacity = c;
    this.t = new Float64Array(c);
    this.latency = new Float64Array(c);
    this.confidence = new Float64Array(c);
    this.value = new Float64Array(c);
    this.labelNum = new Float64Array(c);
    this.flags = new Uint8Array(c);
    this.labelCode = new Int32Array(c);
    this.versionCode = new Int32Array(c);
    this.schemaCode = new Int32Array(c);
    this.requestIds = new Array<string>(c).fill('');
  }

  /** A store holding `records` (sorted by time first if they are not). */
  static from(records: readonly Timed<PredictionRecord>[]): PredictionStore {
    const s = new PredictionStore(records.length);
    let unordered = false;
    for (const r of records) unordered = s.push(r) || unordered;
    if (unordered) s.sortByTime();
    return s;
  }

  get length(): number {
    return this.size;
  }

  /** Sequence number of record 0; record i's is firstSeq + i until the next `sortByTime`. */
  get firstSeq(): number {
    return this.dropped;
  }

  private slot(i: number): number {
    return (this.head + i) & (this.capacity - 1);
  }

  /** Appends a record; returns true when it is earlier than the last one (call `sortByTime` after the batch). */
  push(r: Timed<PredictionRecord>, withInputs = true): boolean {
    if (this.size === this.capacity) this.grow();
    const unordered = this.size > 0 && r.t < (this.t[this.slot(this.size - 1)] as number);
    const s = this.slot(this.size);
    this.size++;
    const rec = r.record;
    this.t[s] = r.t;
    this.latency[s] = rec.latency_ms ?? Number.NaN;
    this.confidence[s] = rec.confidence ?? Number.NaN;
    let flags = Math.max(0, PATHS.indexOf(rec.path)) | (Math.max(0, REASONS.indexOf(rec.reason)) << REASON_SHIFT);
    const o = rec.output;
    this.value[s] = Number.NaN;
    this.labelNum[s] = Number.NaN;
    this.labelCode[s] = NO_LABEL;
    if (o) {
      flags |= HAS_OUTPUT;
      if (o.scores !== undefined) flags |= HAS_SCORES;
      if (isFiniteNumber(o.value)) this.value[s] = o.value;
      const l = o.label;
      if (typeof l === 'number') {
        this.labelCode[s] = NUMBER_LABEL;
        this.labelNum[s] = l;
      } else if (l !== undefined) this.labelCode[s] = this.labels.code(l);
    }
    this.versionCode[s] = this.versions.code(rec.model_version);
    this.requestIds[s] = rec.request_id;
    this.schemaCode[s] = NO_INPUTS;
    if (withInputs && rec.inputs) {
      const keys = Object.keys(rec.inputs);
      if (keys.length > 0) {
        flags |= HAS_INPUTS;
        this.schemaCode[s] = this.storeInputs(s, keys, rec.inputs);
      }
    }
    this.flags[s] = flags;
    return unordered;
  }

  /** Writes the inputs into the slot columns; returns their schema code (or OBJECT_INPUTS when kept whole). */
  private storeInputs(s: number, keys: string[], inputs: Record<string, unknown>): number {
    if (keys.length > MAX_INPUT_SLOTS || !keys.every((k) => isColumnValue(inputs[k]))) {
      this.inputObjects.set(s, inputs);
      return OBJECT_INPUTS;
    }
    let code = this.lastSchema;
    const last = this.lastKeys;
    if (!last || last.length !== keys.length || !last.every((k, j) => k === keys[j])) {
      code = this.schemas.code(keys.join('\u0000'));
      this.schemaKeys[code] = keys;
      this.lastKeys = keys;
      this.lastSchema = code;
    }
    while (this.inputNum.length < keys.length) {
      this.inputNum.push(new Float64Array(this.capacity));
      this.inputAtom.push(undefined);
    }
    for (let j = 0; j < keys.length; j++) {
      const v = inputs[keys[j] as string];
      if (typeof v === 'number') {
        (this.inputNum[j] as Float64Array)[s] = v;
        const atoms = this.inputAtom[j];
        if (atoms) atoms[s] = 0;
      } else {
        let atoms = this.inputAtom[j];
        if (!atoms) {
          atoms = new Int32Array(this.capacity);
          this.inputAtom[j] = atoms;
        }
        atoms[s] = this.atoms.code(v as InputAtom) + 1;
      }
    }
    return code;
  }

  /** Twice the slots, the records in order from slot 0: each column copied in at most two blocks. */
  private grow(): void {
    const { head, size } = this;
    const capacity = this.capacity * 2;
    this.relayout(<C extends Column>(a: C): C => grown(a, head, size, capacity), size, (i) => i, capacity);
  }

  /** Lays the records at `order`'s indices out from slot 0 of columns of `capacity` slots. */
  private rearrange(order: Int32Array, capacity: number): void {
    const { head } = this;
    this.relayout(<C extends Column>(a: C): C => moved(a, order, head, capacity), order.length, (i) => order[i] as number, capacity);
  }

  /** Columns of `capacity` slots whose slot i holds record `from(i)` (for i < n), each column copied by `move`. */
  private relayout(move: <C extends Column>(a: C) => C, n: number, from: (i: number) => number, capacity: number): void {
    this.t = move(this.t);
    this.latency = move(this.latency);
    this.confidence = move(this.confidence);
    this.value = move(this.value);
    this.labelNum = move(this.labelNum);
    this.flags = move(this.flags);
    this.labelCode = move(this.labelCode);
    this.versionCode = move(this.versionCode);
    this.schemaCode = move(this.schemaCode);
    this.inputNum = this.inputNum.map(move);
    this.inputAtom = this.inputAtom.map((a) => (a ? move(a) : undefined));
    const ids = new Array<string>(capacity).fill('');
    const objects = new Map<number, Record<string, unknown>>();
    for (let i = 0; i < n; i++) {
      const s = this.slot(from(i));
      ids[i] = this.requestIds[s] as string;
      if (this.inputObjects.size > 0) {
        const o = this.inputObjects.get(s);
        if (o) objects.set(i, o);
      }
    }
    this.requestIds = ids;
    this.inputObjects = objects;
    this.capacity = capacity;
    this.head = 0;
  }

  /** Drops the oldest `count` records. */
  dropFirst(count: number): void {
    const n = Math.min(Math.max(0, count), this.size);
    for (let i = 0; i < n; i++) {
      const s = this.slot(i);
      this.requestIds[s] = '';
      if (this.inputObjects.size > 0) this.inputObjects.delete(s);
    }
    this.head = this.slot(n);
    this.size -= n;
    this.dropped += n;
    this.compactTables();
  }

  /** Re-sorts the records by time (stable: records of the same time keep their order). */
  sortByTime(): void {
    const times = Float64Array.from({ length: this.size }, (_, i) => this.t[this.slot(i)] as number);
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    this.rearrange(Int32Array.from(order), this.capacity);
  }

  /** Interned tables that mostly hold values no record uses any more (e.g. unique string labels) are rebuilt. */
  private compactTables(): void {
    const wasteful = (n: number): boolean => n > 1024 && n > this.size / 2;
    if (wasteful(this.labels.size)) this.recode(this.labelCode, this.labels);
    if (wasteful(this.versions.size)) this.recode(this.versionCode, this.versions);
    if (wasteful(this.schemas.size)) {
      const map = this.recode(this.schemaCode, this.schemas);
      const keys: string[][] = [];
      map.forEach((to, from) => {
        if (to >= 0) keys[to] = this.schemaKeys[from] as string[];
      });
      this.schemaKeys = keys;
      this.lastKeys = undefined;
      this.lastSchema = NO_INPUTS;
    }
    if (wasteful(this.atoms.size)) {
      const used = new Uint8Array(this.atoms.size);
      const codes = this.inputAtom.filter((col): col is Int32Array => col !== undefined);
      for (const col of codes) for (let i = 0; i < this.size; i++) {
        const c = col[this.slot(i)] as number;
        if (c > 0) used[c - 1] = 1;
      }
      const map = this.atoms.rebuild(used);
      for (const col of codes) for (let i = 0; i < this.size; i++) {
        const s = this.slot(i);
        const c = col[s] as number;
        if (c > 0) col[s] = (map[c - 1] as number) + 1;
      }
    }
  }

  /** Rebuilds an interner from the codes the live records use (negative codes are not codes), and rewrites the column. */
  private recode<T>(column: Int32Array, table: Interner<T>): Int32Array {
    const used = new Uint8Array(table.size);
    for (let i = 0; i < this.size; i++) {
      const c = column[this.slot(i)] as number;
      if (c >= 0) used[c] = 1;
    }
    const map = table.rebuild(used);
    for (let i = 0; i < this.size; i++) {
      const s = this.slot(i);
      const c = column[s] as number;
      if (c >= 0) column[s] = map[c] as number;
    }
    return map;
  }

  // ---- Reading, by index (0 = oldest) -----------------------------------------------------------------------------

  /** Milliseconds since the epoch. */
  time(i: number): number {
    return this.t[this.slot(i)] as number;
  }

  path(i: number): PredictionPath {
    return PATHS[(this.flags[this.slot(i)] as number) & PATH_MASK] as PredictionPath;
  }

  reason(i: number): PredictionReason | null {
    return REASONS[((this.flags[this.slot(i)] as number) & REASON_MASK) >> REASON_SHIFT] ?? null;
  }

  /** NaN when the record has none. */
  latencyMs(i: number): number {
    return this.latency[this.slot(i)] as number;
  }

  /** NaN when the record has none. */
  confidenceOf(i: number): number {
    return this.confidence[this.slot(i)] as number;
  }

  hasOutput(i: number): boolean {
    return ((this.flags[this.slot(i)] as number) & HAS_OUTPUT) !== 0;
  }

  hasScores(i: number): boolean {
    return ((this.flags[this.slot(i)] as number) & HAS_SCORES) !== 0;
  }

  label(i: number): Label | undefined {
    const s = this.slot(i);
    const c = this.labelCode[s] as number;
    if (c === NO_LABEL) return undefined;
    return c === NUMBER_LABEL ? this.labelNum[s] : this.labels.values[c];
  }

  /** The output's value (a regressor's), undefined when there is none. */
  outputValue(i: number): number | undefined {
    const v = this.value[this.slot(i)] as number;
    return Number.isNaN(v) ? undefined : v;
  }

  requestId(i: number): string {
    return this.requestIds[this.slot(i)] as string;
  }

  modelVersion(i: number): string {
    return this.versions.values[this.versionCode[this.slot(i)] as number] ?? '';
  }

  /** Whether the record logged inputs (at least one key). */
  hasInputs(i: number): boolean {
    return ((this.flags[this.slot(i)] as number) & HAS_INPUTS) !== 0;
  }

  /** The logged inputs, rebuilt as an object with the keys in their logged order; undefined when there are none. */
  inputs(i: number): Record<string, unknown> | undefined {
    const s = this.slot(i);
    const code = this.schemaCode[s] as number;
    if (code === NO_INPUTS) return undefined;
    if (code === OBJECT_INPUTS) return this.inputObjects.get(s);
    const keys = this.schemaKeys[code] as string[];
    const out: Record<string, unknown> = {};
    for (let j = 0; j < keys.length; j++) {
      const a = this.inputAtom[j]?.[s] ?? 0;
      out[keys[j] as string] = a === 0 ? (this.inputNum[j] as Float64Array)[s] : this.atoms.values[a - 1];
    }
    return out;
  }

  /**
   * The logged inputs of the records at `indices`, in columns (what the live drift worker is sent): the numbers
   * copied from the store's columns, no object per record. recordsOf() of it gives what inputs(i) gives.
   */
  inputColumns(indices: readonly number[]): InputColumns {
    const rows = indices.length;
    const codes = new ColumnCodes();
    const schema = new Int32Array(rows);
    const objects: Record<string, unknown>[] = [];
    const slots = new Int32Array(rows);
    const wire = new Map<number, number>();
    let width = 0;
    for (let r = 0; r < rows; r++) {
      const s = this.slot(indices[r] as number);
      slots[r] = s;
      const code = this.schemaCode[s] as number;
      if (code < 0) {
        schema[r] = code;
        if (code === OBJECT_INPUTS) objects.push(this.inputObjects.get(s) as Record<string, unknown>);
        continue;
      }
      let w = wire.get(code);
      if (w === undefined) {
        const keys = this.schemaKeys[code] as string[];
        w = codes.schema(keys);
        wire.set(code, w);
        width = Math.max(width, keys.length);
      }
      schema[r] = w;
    }
    const { numbers, atoms } = emptyColumns(rows, width);
    for (let j = 0; j < width; j++) {
      const from = this.inputNum[j] as Float64Array;
      const to = numbers[j] as Float64Array;
      const atomFrom = this.inputAtom[j];
      for (let r = 0; r < rows; r++) {
        const w = schema[r] as number;
        if (w < 0 || j >= (codes.schemas[w] as string[]).length) continue;
        const s = slots[r] as number;
        const a = atomFrom ? (atomFrom[s] as number) : 0;
        if (a === 0) to[r] = from[s] as number;
        else setAtom(atoms, rows, j, r, codes.atom(this.atoms.values[a - 1] as InputAtom));
      }
    }
    return { rows, schemas: codes.schemas, schema, numbers, atoms, atomValues: codes.atomValues, objects };
  }

  /** Index of the first record later than `t`. */
  firstAfter(t: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.t[this.slot(mid)] as number) > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Record `i` as the object it stands for (the kept fields; the others empty). For tests and rare readers. */
  recordAt(i: number): Timed<StoredPrediction> {
    const label = this.label(i);
    const value = this.outputValue(i);
    const latency = this.latencyMs(i);
    const confidence = this.confidenceOf(i);
    const inputs = this.inputs(i);
    return {
      t: this.time(i),
      record: {
        request_id: this.requestId(i),
        model_version: this.modelVersion(i),
        ...(inputs ? { inputs } : {}),
        output: this.hasOutput(i) ? { ...(label !== undefined ? { label } : {}), ...(value !== undefined ? { value } : {}), ...(this.hasScores(i) ? { scores: {} } : {}) } : null,
        confidence: Number.isNaN(confidence) ? null : confidence,
        path: this.path(i),
        reason: this.reason(i),
        latency_ms: Number.isNaN(latency) ? null : latency,
      },
    };
  }
}

/** What the store keeps of a record (the class scores only as "present", as an empty object). */
export type StoredPrediction = Pick<PredictionRecord, 'request_id' | 'model_version' | 'inputs' | 'output' | 'confidence' | 'path' | 'reason' | 'latency_ms'>;

/** The records as a store: the store itself, or a store built from an array of records. */
export function asStore(records: PredictionStore | readonly Timed<PredictionRecord>[]): PredictionStore {
  return records instanceof PredictionStore ? records : PredictionStore.from(records);
}
