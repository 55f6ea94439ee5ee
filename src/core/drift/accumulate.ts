// Per-column accumulators of a profile. Each column keeps only what its type needs, in bounded memory:
//   numeric/datetime: moments, min/max, and an exact representation while one survives (every value up to the row
//     limit, or a table of at most 256 distinct values); past both, a KLL sketch and a HyperLogLog. Values are queued
//     and taken 512 at a time, so this work runs as tight loops over a batch instead of once per cell.
//   categorical/boolean/text/id: exact counts of up to 4,096 distinct values (from bytes without decoding repeats),
//     then Misra–Gries frequent items; a HyperLogLog; the distribution of value lengths.
import type { ColumnProfile, NumericSummary, ProfileOptions, SemanticType } from '../../shared/drift';
import { isMissingBytes, parseIsoDateBytes, parseNumberBytes } from '../formats/csvBytes';
import { ByteFrequent } from './sketch/byteFrequent';
import { FrequentItems } from './sketch/frequent';
import { hashBytes, hashNumber, hashNumberBits, hashString, probeHash } from './sketch/hash';
import { HyperLogLog } from './sketch/hll';
import { KllSketch } from './sketch/kll';
import { sortFloat64 } from './sketch/sort';

/** Columns with at most this many distinct numeric values keep exact value counts at any size. */
export const DISTINCT_TABLE_SIZE = 256;
const TABLE_SLOTS = 512;
const LENGTH_TABLE = 4096;
const MAX_EXAMPLES = 5;
const HISTOGRAM_BINS = 30;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Exact counts of up to 256 distinct numbers (open addressing). `add` returns false once it overflows. */
class DistinctTable {
  private keys = new Float64Array(TABLE_SLOTS);
  private counts = new Float64Array(TABLE_SLOTS);
  private used = new Uint8Array(TABLE_SLOTS);
  size = 0;

  add(x: number, count = 1): boolean {
    f64[0] = x === 0 ? 0 : x;
    return this.addKeyed(x, (u32[0] as number) ^ (u32[1] as number), count);
  }

  /**
   * Counts xs[from, to) (`bits` a Uint32Array view of xs) and returns `to`, or the index of the first value that did
   * not fit (not counted): the table is then full.
   */
  addMany(xs: Float64Array, bits: Uint32Array, from: number, to: number): number {
    for (let i = from; i < to; i++) {
      const x = xs[i] as number;
      if (!this.addKeyed(x, x === 0 ? 0 : (bits[2 * i] as number) ^ (bits[2 * i + 1] as number), 1)) return i;
    }
    return to;
  }

  /** add() with the XOR of the number's two 32-bit words (0 for ±0) already taken. */
  private addKeyed(x: number, key: number, count: number): boolean {
    let slot = Math.imul(key, 0x9e3779b1) >>> 23;
    for (;;) {
      if (!this.used[slot]) {
        if (this.size >= DISTINCT_TABLE_SIZE) return false;
        this.used[slot] = 1;
        this.keys[slot] = x;
        this.counts[slot] = count;
        this.size++;
        return true;
      }
      if (this.keys[slot] === x) {
        this.counts[slot] = (this.counts[slot] as number) + count;
        return true;
      }
      slot = (slot + 1) & (TABLE_SLOTS - 1);
    }
  }

  sorted(): { values: number[]; counts: number[] } {
    const pairs: [number, number][] = [];
    for (let i = 0; i < TABLE_SLOTS; i++) if (this.used[i]) pairs.push([this.keys[i] as number, this.counts[i] as number]);
    pairs.sort((a, b) => a[0] - b[0]);
    return { values: pairs.map((p) => p[0]), counts: pairs.map((p) => p[1]) };
  }
}

/** Values are taken in batches of (at most) this many: the per-value work runs as tight loops over a batch. */
export const NUMBER_BATCH = 512;
const BATCH = NUMBER_BATCH;
/** Past this many values the exact buffer grows to the row limit at once (see reserve()). */
const BUFFER_JUMP = 8192;

/**
 * Running sums around a shift (the first value), for a numerically stable mean and variance without a division per
 * value. Values are queued and taken a batch at a time (every reader flushes the queue first).
 */
export class NumericAccumulator {
  private count = 0;
  private shift = 0;
  private s1 = 0;
  private s2 = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private isInteger = true;
  /** Values not taken yet: queue[0, fills[slot]) (the queue may be a CSV scanner's, see useQueue). */
  private queue: Float64Array = new Float64Array(BATCH);
  /** The queue's numbers as 32-bit words (for hashing them). */
  private queueBits: Uint32Array = new Uint32Array(this.queue.buffer);
  private fills: Int32Array = new Int32Array(1);
  private slot = 0;
  private buffer: Float64Array | undefined = new Float64Array(64);
  private bufferLen = 0;
  private table: DistinctTable | undefined = new DistinctTable();
  private kll: KllSketch | undefined;
  private hll: HyperLogLog | undefined;

  constructor(private readonly options: ProfileOptions) {}

  get n(): number {
    return this.count + (this.fills[this.slot] as number);
  }

  /**
   * Takes its values from now on from slot `slot` of shared queues that a CSV scanner also writes to (values
   * queues.values[slot × BATCH + j] for j < fills[slot]); the owner calls flush() before a queue outgrows BATCH.
   */
  useQueue(queues: { values: Float64Array; fills: Int32Array }, slot: number): void {
    this.flush();
    this.queue = queues.values.subarray(slot * BATCH, (slot + 1) * BATCH);
    this.queueBits = new Uint32Array(this.queue.buffer, this.queue.byteOffset, 2 * BATCH);
    this.fills = queues.fills;
    this.slot = slot;
    this.fills[slot] = 0;
  }

  get min(): number {
    this.flush();
    return this.lo;
  }

  get max(): number {
    this.flush();
    return this.hi;
  }

  get integer(): boolean {
    this.flush();
    return this.isInteger;
  }

  /** Adds a finite number. */
  add(x: number): void {
    const fills = this.fills;
    const at = fills[this.slot] as number;
    this.queue[at] = x;
    fills[this.slot] = at + 1;
    if (at + 1 >= BATCH) this.flush();
  }

  /** Takes the queued values: moments, then the exact forms while they last, then the sketches. */
  flush(): void {
    const n = this.fills[this.slot] as number;
    if (n === 0) return;
    this.fills[this.slot] = 0;
    const xs = this.queue;
    if (this.count === 0) this.shift = xs[0] as number;
    this.count += n;
    const shift = this.shift;
    let s1 = this.s1;
    let s2 = this.s2;
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < n; i++) {
      const x = xs[i] as number;
      const d = x - shift;
      s1 += d;
      s2 += d * d;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    this.s1 = s1;
    this.s2 = s2;
    this.lo = lo;
    this.hi = hi;
    if (this.isInteger) for (let i = 0; i < n; i++) if (!Number.isInteger(xs[i])) {
      this.isInteger = false;
      break;
    }
    const bits = this.queueBits;
    let i = 0;
    while (i < n && !this.kll) {
      if (this.buffer) {
        // Up to the row limit at once: into the buffer, and counted in the table while it lasts.
        const m = Math.min(n - i, this.options.rowLimit - this.bufferLen);
        if (m > 0) {
          this.reserve(this.bufferLen + m);
          this.buffer.set(xs.subarray(i, i + m), this.bufferLen);
          this.bufferLen += m;
          if (this.table && this.table.addMany(xs, bits, i, i + m) < i + m) this.dropTable();
          i += m;
          continue;
        }
      } else if (this.table) {
        // Only the table left: counted until it overflows.
        i = this.table.addMany(xs, bits, i, n);
        if (i === n) break;
      }
      this.addExact(xs[i++] as number);
    }
    if (i < n) {
      (this.kll as KllSketch).updateMany(xs, i, n);
      const hll = this.hll as HyperLogLog;
      for (; i < n; i++) hll.add(hashNumberBits(bits[2 * i] as number, bits[2 * i + 1] as number));
    }
  }

  private reserve(size: number): void {
    const buffer = this.buffer as Float64Array;
    if (size <= buffer.length) return;
    // Doubling while small; a column that outgrows BUFFER_JUMP values goes straight to the row limit (one more
    // allocation and copy instead of several large ones, on memory the buffer fills anyway once the file is that big).
    const doubled = Math.max(size, buffer.length * 2);
    const grown = new Float64Array(Math.min(this.options.rowLimit, doubled > BUFFER_JUMP ? this.options.rowLimit : doubled));
    grown.set(buffer.subarray(0, this.bufferLen));
    this.buffer = grown;
  }

  /** One value while an exact form lasts: into the buffer and the table, each dropped when it overflows. */
  private addExact(x: number): void {
    if (this.buffer) {
      if (this.bufferLen < this.options.rowLimit) {
        this.reserve(this.bufferLen + 1);
        this.buffer[this.bufferLen++] = x;
      } else this.dropBuffer();
    }
    if (this.table && !this.table.add(x)) this.dropTable();
    if (this.kll) {
      this.kll.update(x);
      (this.hll as HyperLogLog).add(hashNumber(x));
    }
  }

  /** Called when neither exact form survives: seeds the sketches with what the last one held. */
  private startSketches(values: { values: number[]; counts: number[] }): void {
    this.kll = KllSketch.fromWeighted(values.values, values.counts, this.options.sketchK);
    this.hll = new HyperLogLog(this.options.hllP);
    for (const v of values.values) this.hll.add(hashNumber(v));
  }

  private dropBuffer(): void {
    // The value being added now reaches the sketch in addExact(), after this.
    const buffer = this.buffer as Float64Array;
    this.buffer = undefined;
    if (this.table) return;
    // The sketches of exact(), without its arrays: the buffer is sorted in place and read as runs of equal values.
    const sorted = buffer.subarray(0, this.bufferLen);
    sortFloat64(sorted);
    this.kll = KllSketch.fromSorted(sorted, this.options.sketchK);
    const hll = (this.hll = new HyperLogLog(this.options.hllP));
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) hll.add(hashNumber(sorted[i] as number));
  }

  private dropTable(): void {
    const t = (this.table as DistinctTable).sorted();
    this.table = undefined;
    if (!this.buffer) {
      this.startSketches(t);
    }
  }

  /** The exact value counts when they are known. */
  exact(): { values: number[]; counts: number[] } | undefined {
    this.flush();
    if (this.table) return this.table.sorted();
    if (this.buffer) {
      const sorted = this.buffer.slice(0, this.bufferLen);
      sortFloat64(sorted);
      const values: number[] = [];
      const counts: number[] = [];
      for (let i = 0; i < sorted.length; ) {
        const v = sorted[i] as number;
        let j = i + 1;
        while (j < sorted.length && sorted[j] === v) j++;
        values.push(v);
        counts.push(j - i);
        i = j;
      }
      return { values, counts };
    }
    return undefined;
  }

  distinct(): { estimate: number; exact: boolean; hll: HyperLogLog } {
    this.flush();
    const exact = this.kll ? undefined : this.exact();
    if (exact) {
      const hll = new HyperLogLog(this.options.hllP);
      for (const v of exact.values) hll.add(hashNumber(v));
      return { estimate: exact.values.length, exact: true, hll };
    }
    const hll = this.hll as HyperLogLog;
    return { estimate: Math.round(hll.estimate()), exact: false, hll };
  }

  summary(): NumericSummary | undefined {
    this.flush();
    if (this.n === 0) return undefined;
    const exact = this.kll ? undefined : this.exact();
    const kll = exact ? KllSketch.fromWeighted(exact.values, exact.counts, this.options.sketchK) : (this.kll as KllSketch);
    const mean = this.shift + this.s1 / this.n;
    const m2 = Math.max(0, this.s2 - (this.s1 * this.s1) / this.n);
    const out: NumericSummary = {
      min: this.min, max: this.max, mean, m2, integer: this.integer, kll: kll.toState(),
      histogram: histogramOf(this.min, this.max, this.integer, exact, kll),
    };
    if (exact) out.exact = exact;
    return out;
  }
}

/** Equal-width histogram over [min, max]: exact from value counts when known, otherwise from the sketch's CDF. */
export function histogramOf(min: number, max: number, integer: boolean, exact: { values: number[]; counts: number[] } | undefined, kll: KllSketch): { edges: number[]; counts: number[] } {
  let bins = HISTOGRAM_BINS;
  if (integer && max - min + 1 <= HISTOGRAM_BINS) bins = Math.max(1, max - min + 1);
  if (min === max) return { edges: [min, max], counts: [exact ? exact.counts.reduce((a, b) => a + b, 0) : kll.n] };
  const edges: number[] = [];
  if (integer && max - min + 1 <= HISTOGRAM_BINS) for (let i = 0; i <= bins; i++) edges.push(min - 0.5 + i);
  else for (let i = 0; i <= bins; i++) edges.push(i === bins ? max : min + ((max - min) * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  if (exact) {
    let b = 0;
    for (let i = 0; i < exact.values.length; i++) {
      const v = exact.values[i] as number;
      while (b < bins - 1 && v >= (edges[b + 1] as number)) b++;
      counts[b] = (counts[b] as number) + (exact.counts[i] as number);
    }
  } else {
    const cdf = kll.cdf();
    let prev = 0;
    for (let b = 0; b < bins; b++) {
      const at = b === bins - 1 ? 1 : cdf.at(edges[b + 1] as number);
      counts[b] = Math.max(0, Math.round((at - prev) * kll.n));
      prev = at;
    }
  }
  return { edges, counts };
}

/** Lengths of text values: exact counts below 4,096 characters, then a sketch. */
class LengthAccumulator {
  private counts = new Float64Array(LENGTH_TABLE);
  private long: NumericAccumulator | undefined;
  n = 0;

  constructor(private readonly options: ProfileOptions) {}

  add(len: number): void {
    this.n++;
    if (len < LENGTH_TABLE) this.counts[len] = (this.counts[len] as number) + 1;
    else (this.long ??= new NumericAccumulator(this.options)).add(len);
  }

  summary(): NumericSummary | undefined {
    const values: number[] = [];
    const counts: number[] = [];
    let n = 0;
    let sum = 0;
    for (let i = 0; i < LENGTH_TABLE; i++) {
      const c = this.counts[i] as number;
      if (!c) continue;
      values.push(i);
      counts.push(c);
      n += c;
      sum += i * c;
    }
    const long = this.long?.summary();
    const longN = this.long?.n ?? 0;
    if (n + longN === 0) return undefined;
    const kll = KllSketch.fromWeighted(values, counts, this.options.sketchK);
    if (long) kll.merge(KllSketch.fromState(long.kll));
    const mean = (sum + (long ? long.mean * longN : 0)) / (n + longN);
    let m2 = 0;
    for (let i = 0; i < values.length; i++) m2 += (counts[i] as number) * ((values[i] as number) - mean) ** 2;
    if (long) m2 += long.m2 + longN * (long.mean - mean) ** 2;
    const min = values.length ? (values[0] as number) : (long as NumericSummary).min;
    const max = long ? long.max : (values[values.length - 1] as number);
    const exact = long ? undefined : { values, counts };
    const out: NumericSummary = { min, max, mean, m2, integer: true, kll: kll.toState(), histogram: histogramOf(min, max, true, exact, kll) };
    if (exact) out.exact = exact;
    return out;
  }
}

/** The working type of a column while it is read: 'pending' until a first non-missing value decides it. */
export type WorkingType = SemanticType | 'pending';

const TRUE_WORDS = new Set(['true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['false', 'False', 'FALSE']);

/** ISO 8601 dates and date-times (UTC when they carry no zone), then whatever else Date.parse reads. */
function parseDate(s: string): number {
  const iso = parseIsoDateBytes(Buffer.from(s, 'latin1'), 0, s.length);
  return Number.isNaN(iso) ? Date.parse(s) : iso;
}

/** True when bytes[s, e) are well-formed UTF-8. */
function validUtf8(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; ) {
    const c = buf[i] as number;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0 || i + n >= e) return false;
    for (let k = 1; k <= n; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return false;
    i += n + 1;
  }
  return true;
}

/** 1 for true/True/TRUE, 0 for false/False/FALSE (spaces around allowed), -1 otherwise; no string is made. */
function booleanBytes(buf: Buffer, s: number, e: number): number {
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
  const word = e - s === 4 ? 'true' : e - s === 5 ? 'false' : undefined;
  if (!word) return -1;
  const first = buf[s] as number;
  const upperFirst = first === word.charCodeAt(0) - 32;
  if (first !== word.charCodeAt(0) && !upperFirst) return -1;
  // The rest all lower case (true, True) or, after an upper-case first letter, all upper case (TRUE).
  const allUpper = upperFirst && buf[s + 1] === word.charCodeAt(1) - 32;
  for (let i = 1; i < word.length; i++) if (buf[s + i] !== word.charCodeAt(i) - (allUpper ? 32 : 0)) return -1;
  return word === 'true' ? 1 : 0;
}

/** Set by utf16Length: whether the bytes it measured had any non-ASCII byte. */
let sawNonAscii = false;

/** UTF-16 length of UTF-8 bytes (continuation bytes do not count; 4-byte sequences count twice). */
function utf16Length(buf: Buffer, s: number, e: number): number {
  let n = 0;
  let high = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i] as number;
    high |= c;
    if ((c & 0xc0) !== 0x80) n += c >= 0xf0 ? 2 : 1;
  }
  sawNonAscii = high >= 0x80;
  return n;
}

export class ColumnAccumulator {
  count = 0;
  missing = 0;
  invalid = 0;
  readonly invalidExamples: { value: string; line: number }[] = [];
  private numeric: NumericAccumulator | undefined;
  private frequent: FrequentItems | undefined;
  private bytesFrequent: ByteFrequent | undefined;
  private hll: HyperLogLog | undefined;
  private lengths: LengthAccumulator | undefined;
  private badUtf8 = 0;
  private firstBadUtf8 = 0;
  /** Booleans from CSV bytes, counted here and added to the summary at the end. */
  private trues = 0;
  private falses = 0;
  /** Lines with values that were missing before the type was known (kept as missing). */
  type: WorkingType;

  constructor(
    readonly name: string,
    type: WorkingType,
    readonly typeSource: 'inferred' | 'override',
    private readonly options: ProfileOptions,
    /** The source hands over raw bytes (CSV): count categories by their bytes. */
    private readonly fromBytes = false,
  ) {
    this.type = type;
    this.setUp();
  }

  private setUp(): void {
    switch (this.type) {
      case 'numeric':
      case 'datetime':
        this.numeric = new NumericAccumulator(this.options);
        break;
      case 'categorical':
      case 'boolean':
      case 'text':
      case 'id':
        this.frequent = new FrequentItems(this.options.frequentCapacity);
        this.hll = new HyperLogLog(this.options.hllP);
        if (this.type !== 'boolean') {
          if (this.fromBytes) this.bytesFrequent = new ByteFrequent(this.options.frequentCapacity, (b, s, e) => b.toString('utf8', s, e));
          this.lengths = new LengthAccumulator(this.options);
        }
        break;
      default:
        break;
    }
  }

  /** Decides a pending column's type from its first value. */
  private decide(type: SemanticType): void {
    this.type = type;
    this.setUp();
  }

  private invalidValue(value: string, line: number): void {
    this.invalid++;
    if (this.invalidExamples.length < MAX_EXAMPLES) this.invalidExamples.push({ value: value.length > 60 ? `${value.slice(0, 57)}…` : value, line });
  }

  addMissing(): void {
    this.count++;
    this.missing++;
  }

  // ---- values from CSV bytes ---------------------------------------------------------------------------------

  /**
   * Numbers of this numeric column come (also) from slot `slot` of a CSV scanner's queues, written there as it parses
   * them; they are counted at the end (see finish()).
   */
  useNumberQueue(queues: { values: Float64Array; fills: Int32Array }, slot: number): void {
    this.numeric?.useQueue(queues, slot);
  }

  /** Takes the numbers queued for this column (a no-op for other columns). */
  flushNumbers(): void {
    this.numeric?.flush();
  }

  addBytes(buf: Buffer, s: number, e: number, escaped: boolean, line: number): void {
    if (escaped) {
      this.addText(buf.toString('utf8', s, e).replace(/""/g, '"'), line);
      return;
    }
    if (this.type === 'numeric') {
      // Numbers first: the missing-value check only runs when the bytes are not a number.
      const x = parseNumberBytes(buf, s, e);
      if (x - x === 0) {
        this.count++;
        (this.numeric as NumericAccumulator).add(x);
      } else if (isMissingBytes(buf, s, e)) this.addMissing();
      else {
        this.count++;
        this.invalidValue(buf.toString('utf8', s, e), line);
      }
      return;
    }
    // Values first: a value that is a boolean, a date or already in the frequent-items table is not missing (no
    // missing spelling is one, and missing values never enter the table), so the missing-value check runs only when
    // it is not.
    switch (this.type) {
      case 'boolean': {
        const b = booleanBytes(buf, s, e);
        if (b < 0) break;
        this.count++;
        if (b) this.trues++;
        else this.falses++;
        return;
      }
      case 'datetime': {
        const t = parseIsoDateBytes(buf, s, e);
        if (Number.isNaN(t)) break;
        this.count++;
        (this.numeric as NumericAccumulator).add(t);
        return;
      }
      case 'categorical':
      case 'text':
      case 'id': {
        const table = this.bytesFrequent;
        if (!table) break;
        // The table is probed with a cheap hash of the bytes; the HyperLogLog's hash is taken only for a value not
        // in it. A value in it has its hash in the HyperLogLog already, and its UTF-16 length and UTF-8 validity
        // kept with it (tag = length × 2 + 1 when not valid UTF-8).
        const key = probeHash(buf, s, e);
        let tag = table.countIfPresent(buf, s, e, key);
        if (tag < 0) {
          if (isMissingBytes(buf, s, e)) {
            this.addMissing();
            return;
          }
          (this.hll as HyperLogLog).add(hashBytes(buf, s, e));
          const len = utf16Length(buf, s, e);
          tag = 2 * len + (sawNonAscii && !validUtf8(buf, s, e) ? 1 : 0);
          table.addAbsent(buf, s, e, key, tag);
        }
        this.count++;
        (this.lengths as LengthAccumulator).add(tag >>> 1);
        if (tag & 1) {
          this.badUtf8++;
          this.firstBadUtf8 ||= line;
        }
        return;
      }
      default:
        break;
    }
    if (isMissingBytes(buf, s, e)) {
      this.addMissing();
      return;
    }
    this.addText(buf.toString('utf8', s, e), line);
  }

  // ---- values from JSON, Parquet and in-memory records -----------------------------------------------------------

  /** Adds a text value (CSV cells with escapes, JSON strings): parsed according to the column type. */
  addText(raw: string, line: number): void {
    const v = raw.trim();
    if (v === '' || NULL_WORDS.has(v)) {
      this.addMissing();
      return;
    }
    if (this.type === 'pending') this.decide(typeOfText(v));
    switch (this.type) {
      case 'numeric': {
        this.count++;
        const x = NUMBER.test(v) ? Number(v) : Number.NaN;
        if (Number.isFinite(x)) (this.numeric as NumericAccumulator).add(x);
        else this.invalidValue(raw, line);
        return;
      }
      case 'datetime': {
        this.count++;
        const t = parseDate(v);
        if (Number.isFinite(t)) (this.numeric as NumericAccumulator).add(t);
        else this.invalidValue(raw, line);
        return;
      }
      case 'boolean': {
        this.count++;
        if (TRUE_WORDS.has(v)) this.addCategory('true');
        else if (FALSE_WORDS.has(v)) this.addCategory('false');
        else this.invalidValue(raw, line);
        return;
      }
      case 'empty':
        this.count++;
        this.invalidValue(raw, line);
        return;
      default:
        this.count++;
        this.addCategory(raw);
        (this.lengths as LengthAccumulator).add(raw.length);
    }
  }

  private addCategory(value: string): void {
    if (this.bytesFrequent) {
      // A CSV value that needed unescaping: counted with the others, by its bytes.
      const bytes = Buffer.from(value, 'utf8');
      (this.hll as HyperLogLog).add(hashBytes(bytes, 0, bytes.length));
      this.bytesFrequent.add(bytes, 0, bytes.length, probeHash(bytes, 0, bytes.length), 2 * value.length);
      return;
    }
    (this.hll as HyperLogLog).add(hashString(value));
    (this.frequent as FrequentItems).add(value);
  }

  /** Adds a JSON / Parquet / in-memory value. */
  addValue(value: unknown, line: number): void {
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
      this.addMissing();
      return;
    }
    if (this.type === 'pending') this.decide(typeOfValue(value));
    if (typeof value === 'string') {
      this.addText(value, line);
      return;
    }
    const t = this.type;
    if (typeof value === 'number' || typeof value === 'bigint') {
      const x = Number(value);
      if ((t === 'numeric' || t === 'datetime') && Number.isFinite(x)) {
        this.count++;
        (this.numeric as NumericAccumulator).add(x);
      } else if (t === 'categorical' || t === 'text' || t === 'id') {
        this.count++;
        const s = String(value);
        this.addCategory(s);
        (this.lengths as LengthAccumulator).add(s.length);
      } else {
        this.count++;
        this.invalidValue(String(value), line);
      }
      return;
    }
    if (typeof value === 'boolean') {
      this.count++;
      if (t === 'boolean' || t === 'categorical' || t === 'text' || t === 'id') {
        this.addCategory(String(value));
        if (t !== 'boolean') (this.lengths as LengthAccumulator).add(String(value).length);
      } else this.invalidValue(String(value), line);
      return;
    }
    if (value instanceof Date) {
      this.count++;
      const ms = value.getTime();
      if ((t === 'datetime' || t === 'numeric') && Number.isFinite(ms)) (this.numeric as NumericAccumulator).add(ms);
      else if (t === 'categorical' || t === 'text' || t === 'id') this.addCategory(value.toISOString());
      else this.invalidValue(String(value), line);
      return;
    }
    // Objects and arrays: their JSON text, as a category.
    const text = JSON.stringify(value) ?? typeof value;
    if (t === 'categorical' || t === 'text' || t === 'id') {
      this.count++;
      this.addCategory(text);
      (this.lengths as LengthAccumulator).add(text.length);
    } else {
      this.count++;
      this.invalidValue(text, line);
    }
  }

  // ---- result ------------------------------------------------------------------------------------------------

  finish(): ColumnProfile {
    // A column with numbers counts each value as missing, invalid or a number (numbers a CSV scanner queued for it
    // never passed through here).
    const count = this.numeric ? this.missing + this.invalid + this.numeric.n : this.count;
    const nonMissing = count - this.missing;
    let type: SemanticType = this.type === 'pending' ? 'empty' : this.type;
    if (nonMissing === 0 && this.invalid === 0) type = 'empty';
    if (this.bytesFrequent) {
      this.frequent = this.bytesFrequent.toFrequentItems();
      this.bytesFrequent = undefined;
    }
    for (const [word, n] of [['true', this.trues], ['false', this.falses]] as const) {
      if (!n) continue;
      (this.frequent as FrequentItems).add(word, n);
      (this.hll as HyperLogLog).add(hashString(word));
    }
    this.trues = this.falses = 0;
    const base = { name: this.name, typeSource: this.typeSource, count, missing: this.missing, invalid: this.invalid };
    const examples = {
      ...(this.invalidExamples.length ? { invalidExamples: [...this.invalidExamples] } : {}),
      ...(this.badUtf8 ? { badUtf8: { count: this.badUtf8, line: this.firstBadUtf8 } } : {}),
    };
    if (this.numeric) {
      const d = this.numeric.distinct();
      const numeric = this.numeric.summary();
      const valid = nonMissing - this.invalid;
      if (this.typeSource === 'inferred' && type === 'numeric' && numeric?.integer && valid >= 20 && d.estimate >= 0.95 * valid && looksLikeIdName(this.name)) type = 'id';
      return { ...base, type, distinct: { estimate: d.estimate, exact: d.exact, hll: d.hll.toState() }, ...(numeric ? { numeric } : {}), ...examples };
    }
    if (this.frequent) {
      const f = this.frequent;
      const hll = this.hll as HyperLogLog;
      const exact = f.exact;
      const distinct = exact ? f.size : Math.round(hll.estimate());
      const lengths = this.lengths?.summary();
      const valid = nonMissing - this.invalid;
      if (this.typeSource === 'inferred' && type === 'categorical' && valid >= 20) {
        const ratio = distinct / valid;
        const meanLength = lengths?.mean ?? 0;
        if (meanLength > 30 && ratio > 0.5) type = 'text';
        else if (ratio >= 0.95) type = 'id';
      }
      return {
        ...base, type, distinct: { estimate: distinct, exact, hll: hll.toState() }, frequent: f.toState(),
        ...(lengths ? { lengths } : {}), ...examples,
      };
    }
    return { ...base, type, distinct: { estimate: 0, exact: true, hll: new HyperLogLog(this.options.hllP).toState() }, ...examples };
  }
}

/** Column names of identifiers: id, user_id, order-key, customerId. */
function looksLikeIdName(name: string): boolean {
  return /(?:^|[_\s.-])(?:id|uuid|key)$/.test(name.toLowerCase()) || /[a-z](?:Id|ID|Key|Uuid)$/.test(name);
}
const NULL_WORDS = new Set(['NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A']);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function typeOfText(v: string): SemanticType {
  if (NUMBER.test(v)) return 'numeric';
  if (TRUE_WORDS.has(v) || FALSE_WORDS.has(v)) return 'boolean';
  if (DATE_LIKE.test(v) && Number.isFinite(Date.parse(v))) return 'datetime';
  return 'categorical';
}

function typeOfValue(v: unknown): SemanticType {
  if (typeof v === 'number' || typeof v === 'bigint') return 'numeric';
  if (typeof v === 'boolean') return 'boolean';
  if (v instanceof Date) return 'datetime';
  if (typeof v === 'string') return typeOfText(v.trim());
  return 'categorical';
}
