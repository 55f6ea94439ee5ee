// Column profiles of a data file (CSV/TSV, JSON Lines, Parquet) or of records held in memory, in one streaming pass
// with bounded memory. Types are inferred from the first 1,000 records (mlship.yaml can override them); malformed
// records are counted and reported with their line numbers, never silently dropped and never fatal.
import { extname } from 'node:path';
import type { ColumnProfile, Profile, ProfileFormat, ProfileOptions, ProfileProblem, SemanticType } from '../../shared/drift';
import { VERSION } from '../../shared/version';
import { CsvScanner, csvFieldText, MAX_RECORD_BYTES, sniffDelimiter, type CsvNumberQueues, type CsvRecordView, type CsvScanProblem } from '../formats/csvBytes';
import { assertNotUtf16, combineTypes, fileSize, inferValueType, jsonValueType, parquetColumnType, readChunks, readChunksReused, readParquetRowGroups, SAMPLE_RECORDS } from '../formats/tabular';
import { FormatError, type ColumnType } from '../formats/types';
import { groupDigits } from '../formats/randomAccess';
import { parquetSchema } from 'hyparquet';
import { ColumnAccumulator, NUMBER_BATCH, type WorkingType } from './accumulate';
import { PARALLEL_MIN_BYTES, profileCsvParallel, startPartThreads, type ParallelProfiling } from './parallel';
import { columnProblems, ProblemLog, renderReaderProblem, type ProblemContext } from './problems';
import { DEFAULT_FREQUENT_CAPACITY } from './sketch/frequent';
import { DEFAULT_HLL_P } from './sketch/hll';
import { DEFAULT_KLL_K } from './sketch/kll';

export const DEFAULT_ROW_LIMIT = 100_000;

export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = {
  rowLimit: DEFAULT_ROW_LIMIT,
  sketchK: DEFAULT_KLL_K,
  frequentCapacity: DEFAULT_FREQUENT_CAPACITY,
  hllP: DEFAULT_HLL_P,
};

export interface ProfileProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface ProfileRequest {
  options?: Partial<ProfileOptions>;
  /** Column types set in mlship.yaml (drift.columns.<name>.type), by column name. */
  types?: Readonly<Record<string, SemanticType>>;
  /** Field delimiter of CSV/TSV files; sniffed from the first lines when absent. */
  delimiter?: string;
  signal?: AbortSignal;
  onProgress?: (p: ProfileProgress) => void;
  /** Name shown in reports (defaults to the file name). */
  name?: string;
  /** Profile large CSV/TSV files in parts on worker threads running `script` (see parallel.ts). */
  parallel?: ParallelProfiling;
}

const CHUNK = 1024 * 1024;
const PROGRESS_EVERY = 8 * 1024 * 1024;

function semanticOf(t: ColumnType): WorkingType {
  switch (t) {
    case 'integer':
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'datetime':
      return 'datetime';
    case 'null':
      return 'pending';
    default:
      return 'categorical';
  }
}

/** Builds a profile from values handed over column by column or record by record. */
export class ProfileBuilder {
  readonly options: ProfileOptions;
  private readonly columns: ColumnAccumulator[] = [];
  private readonly byName = new Map<string, ColumnAccumulator>();
  readonly problems: ProblemLog & { context?: ProblemContext } = new ProblemLog();
  /** Problems that are not counted by kind (header, sample, file-level). */
  readonly extra: ProfileProblem[] = [];
  rows = 0;
  malformed = 0;
  /** Column types set in mlship.yaml. */
  private readonly types: Readonly<Record<string, SemanticType>>;

  constructor(
    readonly source: Profile['source'],
    request: ProfileRequest = {},
    private readonly fromBytes = false,
  ) {
    this.options = { ...DEFAULT_PROFILE_OPTIONS, ...request.options };
    this.types = request.types ?? {};
  }

  /** Declares a column with the type inferred from the sample (an override from mlship.yaml wins). */
  addColumn(name: string, inferred: WorkingType, missingSoFar = 0): ColumnAccumulator {
    const override = Object.hasOwn(this.types, name) ? this.types[name] : undefined;
    const acc = new ColumnAccumulator(name, override ?? inferred, override ? 'override' : 'inferred', this.options, this.fromBytes);
    for (let i = 0; i < missingSoFar; i++) acc.addMissing();
    this.columns.push(acc);
    this.byName.set(name, acc);
    return acc;
  }

  get columnList(): readonly ColumnAccumulator[] {
    return this.columns;
  }

  /** Adds one record of JS values (JSON Lines, in-memory records); new keys become new columns. */
  addRecord(record: Readonly<Record<string, unknown>>, line: number): void {
    for (const key of Object.keys(record)) if (!this.byName.has(key)) this.addColumn(key, 'pending', this.rows);
    for (const acc of this.columns) {
      if (Object.hasOwn(record, acc.name)) acc.addValue(record[acc.name], line);
      else acc.addMissing();
    }
    this.rows++;
  }

  /** The finished columns (for a part of a file, merged by the caller). */
  finishColumns(): ColumnProfile[] {
    return this.columns.map((c) => c.finish());
  }

  /** Moves every recorded line number by `delta`: the reader's problems' and those in `columns` (finishColumns()'s). */
  shiftLines(delta: number, columns: ColumnProfile[]): void {
    this.problems.shift(delta);
    for (const c of columns) {
      for (const e of c.invalidExamples ?? []) e.line += delta;
      if (c.badUtf8) c.badUtf8.line += delta;
    }
  }

  finish(columns: ColumnProfile[] = this.finishColumns()): Profile {
    const ctx = this.problems.context ?? { width: columns.length, label: this.source.format.toUpperCase() };
    const problems = [...this.extra, ...this.problems.entries().map((p) => renderReaderProblem(p, ctx)), ...columns.flatMap((c) => columnProblems(c, this.rows))];
    return {
      schema: 1, kind: 'mlship-profile', source: this.source, createdBy: `mlship ${VERSION}`, rows: this.rows, malformedRows: this.malformed,
      options: this.options, columns, problems,
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// In-memory records (prediction-log windows, tests)

/** Profiles records held in memory, e.g. the `inputs` of a window of prediction-log records. */
export function profileRecords(records: readonly Readonly<Record<string, unknown>>[], request: ProfileRequest = {}): Profile {
  const b = new ProfileBuilder({ name: request.name ?? 'records', format: 'records' }, request);
  const sample = records.slice(0, SAMPLE_RECORDS);
  const order: string[] = [];
  const seen = new Map<string, ColumnType[]>();
  for (const r of sample) {
    for (const [k, v] of Object.entries(r)) {
      if (!seen.has(k)) {
        seen.set(k, []);
        order.push(k);
      }
      (seen.get(k) as ColumnType[]).push(jsonValueType(v));
    }
  }
  for (const k of order) b.addColumn(k, inferFromSample(seen.get(k) ?? [], k, b.extra));
  records.forEach((r, i) => b.addRecord(r, i + 1));
  return b.finish();
}

/** Share of a sample's non-missing values that must agree for a column to take their type; the rest are invalid. */
const TYPE_MAJORITY = 0.9;

function inferFromSample(types: ColumnType[], name: string, problems: ProfileProblem[]): WorkingType {
  const { type } = combineTypes(types);
  if (type !== 'mixed') return semanticOf(type);
  const present = types.filter((t) => t !== 'null');
  const counts = new Map<WorkingType, number>();
  for (const t of present) counts.set(semanticOf(t), (counts.get(semanticOf(t)) ?? 0) + 1);
  const [top, n] = [...counts.entries()].sort((x, y) => y[1] - x[1])[0] as [WorkingType, number];
  if (top !== 'categorical' && n >= TYPE_MAJORITY * present.length) return top;
  problems.push({ message: `column "${name}" mixes types in its first ${groupDigits(Math.min(types.length, SAMPLE_RECORDS))} values (${[...new Set(present)].join(', ')}); compared as categories — set drift.columns.${name}.type in mlship.yaml to change that` });
  return 'categorical';
}

// ---------------------------------------------------------------------------------------------------------------
// Files

export function formatOfPath(path: string): Exclude<ProfileFormat, 'records'> | undefined {
  switch (extname(path).toLowerCase()) {
    case '.csv':
      return 'csv';
    case '.tsv':
    case '.tab':
      return 'tsv';
    case '.jsonl':
    case '.ndjson':
      return 'jsonl';
    case '.parquet':
    case '.pq':
      return 'parquet';
    default:
      return undefined;
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Profiles a data file. Throws FormatError only when nothing can be read (empty file, not the format); everything
 * else is in the profile's problems. */
export async function profileFile(path: string, request: ProfileRequest = {}): Promise<Profile> {
  const format = formatOfPath(path);
  if (!format) throw new FormatError(`Cannot profile ${baseName(path)}: MLShip profiles .csv, .tsv, .jsonl/.ndjson and .parquet files`, path);
  const totalBytes = await fileSize(path);
  const source: Profile['source'] = { name: request.name ?? baseName(path), path, format, bytes: totalBytes };
  if (format === 'parquet') return profileParquet(path, source, request);
  if (totalBytes === 0) throw new FormatError(`Empty file: 0 bytes — ${format === 'jsonl' ? 'no JSON lines' : 'no header row'} in ${baseName(path)}`, path);
  await assertNotUtf16(path, format === 'jsonl' ? 'JSON Lines' : format.toUpperCase());
  return format === 'jsonl' ? profileJsonl(path, source, totalBytes, request) : profileCsv(path, source, format, totalBytes, request);
}

/** What the head of a CSV/TSV file says: delimiter, column names and types, where the data starts. */
export interface CsvHead {
  delimiter: string;
  names: string[];
  /** Inferred working type per column (mlship.yaml overrides are applied by the builder). */
  types: WorkingType[];
  /** Offset (−1 when there is no data record) and line of the first data record. */
  dataStart: number;
  dataLine: number;
  /** Data records seen in the head. */
  sampled: number;
  /** Problems only the head can tell (duplicate names, mixed types, header only, a suspicious delimiter). */
  problems: ProfileProblem[];
}

const HEAD_BYTES = 4 * 1024 * 1024;
const HEAD_CHUNK = 64 * 1024;
const SNIFF_BYTES = 64 * 1024;

/** Reads the header and up to 1,000 records (at most 4 MiB) to infer the delimiter and the column types. */
export async function readCsvHead(path: string, format: 'csv' | 'tsv', request: ProfileRequest): Promise<CsvHead> {
  const label = format.toUpperCase();
  // Read in small chunks and only as far as the sample needs (1,000 records are usually a few hundred KiB): the
  // delimiter from the first 64 KiB, then the chunks go to the scanner until it has its records.
  const chunks = readChunks(path, request.signal, HEAD_CHUNK)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let bytes = 0;
  let ended = false;
  while (bytes < SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    first.push(next.value);
    bytes += next.value.length;
  }
  const start = Buffer.concat(first);
  const delimiter = request.delimiter ?? sniffDelimiter(start.subarray(0, SNIFF_BYTES), format === 'tsv' ? '\t' : ',');
  let header: string[] | undefined;
  const sample: CsvRecordView[] = [];
  let long = false;
  let dataStart = -1;
  let dataLine = 1;
  const done = new Error('head read');
  const scanner = new CsvScanner(delimiter.charCodeAt(0), (r) => {
    if (!header) {
      header = [];
      for (let i = 0; i < r.count; i++) header.push(csvFieldText(r, i));
      return;
    }
    if (dataStart < 0) {
      dataStart = r.position;
      dataLine = r.line;
    }
    sample.push(copyRecord(r));
    if (sample.length >= SAMPLE_RECORDS) throw done;
  }, (p) => {
    if (p.kind === 'long-record' && !header) long = true;
  });
  try {
    scanner.push(start);
    while (!ended && bytes < HEAD_BYTES) {
      const next = await chunks.next();
      if (next.done) ended = true;
      else {
        bytes += next.value.length;
        scanner.push(next.value);
      }
    }
    if (ended) scanner.end();
  } catch (err) {
    if (err !== done) throw err;
  } finally {
    await chunks.return?.(undefined);
  }
  const name = baseName(path);
  if (!header && long) throw new FormatError(`No header row: line 1 of ${name} is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB — is this a ${label} file?`, path);
  if (!header) throw new FormatError(`Empty file: no header row in ${name} (only blank lines)`, path);
  const problems: ProfileProblem[] = [];
  const seen = new Map<string, number>();
  const names = header.map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    if (n > 1) problems.push({ message: `duplicate column name "${base}" in the header; the repeat is called "${base} (${n})"`, line: 1 });
    return n > 1 ? `${base} (${n})` : base;
  });
  const width = names.length;
  const types = names.map((n, i) => {
    const values = sample.filter((r) => r.count === width).map((r) => inferValueType(csvFieldText(r, i)));
    return inferFromSample(values, n, problems);
  });
  if (sample.length === 0 && ended) problems.push({ message: `no data rows: ${name} has a header only`, line: 1 });
  if (width === 1 && delimiter !== '\t' && header[0] && /[;\t|]/.test(header[0])) {
    problems.push({ message: `only one column found; the delimiter may not be "${delimiter}" — pass another one`, line: 1 });
  }
  return { delimiter, names, types, dataStart: dataStart < 0 ? -1 : dataStart, dataLine, sampled: sample.length, problems };
}

function copyRecord(r: CsvRecordView): CsvRecordView {
  const lo = r.count ? (r.starts[0] as number) : 0;
  let hi = lo;
  for (let i = 0; i < r.count; i++) hi = Math.max(hi, r.ends[i] as number);
  const starts = new Int32Array(r.count);
  const ends = new Int32Array(r.count);
  for (let i = 0; i < r.count; i++) {
    starts[i] = (r.starts[i] as number) - lo;
    ends[i] = (r.ends[i] as number) - lo;
  }
  return { buf: Buffer.from(r.buf.subarray(lo, hi)), starts, ends, escaped: r.escaped.slice(0, r.count), count: r.count, line: r.line, position: r.position, parsed: false, numbers: new Float64Array(0), missed: 0 };
}

export interface CsvRange {
  delimiter: string;
  width: number;
  /** First byte to read: the start of a record. */
  start: number;
  /** Records starting at or after this offset belong to the next part. */
  end: number;
  /** Line number of `start` (1 when unknown: lines are then shifted afterwards). */
  startLine: number;
}

export interface CsvRangeResult {
  /** Offset of the first record at or after `end` (or the file size). */
  boundary: number;
  /** Line number at `boundary`, counted from `startLine`. */
  boundaryLine: number;
}

/** Reads the records of [start, end) into `b`, whose columns are already declared in header order. */
export async function scanCsvRange(path: string, range: CsvRange, b: ProfileBuilder, request: ProfileRequest, totalBytes: number): Promise<CsvRangeResult> {
  const accs = b.columnList;
  const width = range.width;
  const onProblem = (p: CsvScanProblem): void => {
    if (p.kind === 'long-record') {
      b.malformed++;
      b.problems.add('long-record', p.line);
    } else b.problems.add(p.kind === 'text-after-quote' ? 'after-quote' : p.kind, p.line);
  };
  // Numeric columns have their numbers parsed by the scanner, in the same pass that finds the fields, and written
  // straight into the columns' queues; the record handler reads the other fields (and numbers the fast path left).
  const numericFields = new Uint8Array(width);
  for (let i = 0; i < width; i++) numericFields[i] = accs[i]?.type === 'numeric' ? 1 : 0;
  const numericList = Int32Array.from(accs.flatMap((a, i) => (a.type === 'numeric' ? [i] : [])));
  const otherList = Int32Array.from(accs.flatMap((a, i) => (a.type === 'numeric' ? [] : [i])));
  const numberQueues: CsvNumberQueues = { values: new Float64Array(width * NUMBER_BATCH), fills: new Int32Array(width), stride: NUMBER_BATCH };
  for (const i of numericList) (accs[i] as ColumnAccumulator).useNumberQueue(numberQueues, i);
  // Each record adds at most one number to each queue: all are taken every NUMBER_BATCH records.
  let queuedRecords = 0;
  const onRecord = (r: CsvRecordView): void => {
    if (r.count !== width) {
      b.malformed++;
      b.problems.add('ragged', r.line);
      return;
    }
    b.rows++;
    const { buf, starts, ends, escaped, line, numbers } = r;
    if (r.parsed) {
      for (let k = 0; k < otherList.length; k++) {
        const i = otherList[k] as number;
        (accs[i] as ColumnAccumulator).addBytes(buf, starts[i] as number, ends[i] as number, false, line);
      }
      if (r.missed > 0) {
        for (let k = 0; k < numericList.length; k++) {
          const i = numericList[k] as number;
          if (numbers[i] !== numbers[i]) (accs[i] as ColumnAccumulator).addBytes(buf, starts[i] as number, ends[i] as number, false, line);
        }
      }
    } else for (let i = 0; i < width; i++) (accs[i] as ColumnAccumulator).addBytes(buf, starts[i] as number, ends[i] as number, escaped[i] === 1, line);
    if (++queuedRecords === NUMBER_BATCH) {
      queuedRecords = 0;
      for (let k = 0; k < numericList.length; k++) (accs[numericList[k] as number] as ColumnAccumulator).flushNumbers();
    }
  };
  const scanner = new CsvScanner(range.delimiter.charCodeAt(0), onRecord, onProblem, { startLine: range.startLine, startOffset: range.start, stopAt: range.end, numericFields, numberQueues });
  let bytes = range.start;
  let nextProgress = bytes + PROGRESS_EVERY;
  // The scanner keeps no view of a chunk once push() returns (a cut record is copied), so the chunk buffers are reused.
  for await (const chunk of readChunksReused(path, request.signal, CHUNK, range.start)) {
    bytes += chunk.length;
    if (!scanner.push(chunk)) break;
    if (bytes >= nextProgress) {
      request.onProgress?.({ bytes, totalBytes, rows: b.rows });
      nextProgress += PROGRESS_EVERY;
    }
  }
  scanner.end();
  const stop = scanner.stoppedAt;
  return { boundary: stop ? stop.position : totalBytes, boundaryLine: stop ? stop.line : scanner.currentLine };
}

async function profileCsv(path: string, source: Profile['source'], format: 'csv' | 'tsv', totalBytes: number, request: ProfileRequest): Promise<Profile> {
  // Threads for a parallel read start first: they boot while this thread reads the head.
  const parallel = request.parallel;
  const threads = startPartThreads(parallel, totalBytes);
  try {
    const head = await readCsvHead(path, format, request);
    const b = new ProfileBuilder(source, request, true);
    b.problems.context = { width: head.names.length, label: format.toUpperCase() };
    b.extra.push(...head.problems);
    head.names.forEach((n, i) => b.addColumn(n, head.types[i] as WorkingType));
    if (head.dataStart >= 0 && parallel && threads && totalBytes - head.dataStart >= (parallel.minBytes ?? PARALLEL_MIN_BYTES)) {
      const merged = await profileCsvParallel(path, head, b, request, totalBytes, parallel, threads);
      if (merged) return merged;
    }
    threads?.terminate();
    if (head.dataStart >= 0) await scanCsvRange(path, { delimiter: head.delimiter, width: head.names.length, start: head.dataStart, end: Infinity, startLine: head.dataLine }, b, request, totalBytes);
    request.onProgress?.({ bytes: totalBytes, totalBytes, rows: b.rows });
    return b.finish();
  } finally {
    threads?.terminate();
  }
}

async function profileJsonl(path: string, source: Profile['source'], totalBytes: number, request: ProfileRequest): Promise<Profile> {
  const b = new ProfileBuilder(source, request);
  let sample: { value: Record<string, unknown>; line: number }[] | undefined = [];
  let lineNo = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false;
  let bytes = 0;
  let nextProgress = PROGRESS_EVERY;
  let first = true;

  const start = (): void => {
    const records = sample ?? [];
    const order: string[] = [];
    const seen = new Map<string, ColumnType[]>();
    for (const { value } of records) {
      for (const k of Object.keys(value)) {
        if (!seen.has(k)) {
          seen.set(k, []);
          order.push(k);
        }
      }
      for (const k of order) (seen.get(k) as ColumnType[]).push(Object.hasOwn(value, k) ? jsonValueType(value[k]) : 'null');
    }
    for (const k of order) b.addColumn(k, inferFromSample(seen.get(k) ?? [], k, b.extra));
    sample = undefined;
    for (const r of records) b.addRecord(r.value, r.line);
  };

  const handleLine = (buf: Buffer, s: number, e: number): void => {
    lineNo++;
    if (e > s && buf[e - 1] === 0x0d) e--;
    if (first) {
      first = false;
      if (e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    }
    let blank = true;
    for (let i = s; i < e; i++) {
      const c = buf[i] as number;
      if (c !== 0x20 && c !== 0x09) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    let value: unknown;
    try {
      value = JSON.parse(buf.toString('utf8', s, e));
    } catch (err) {
      b.malformed++;
      const reason = err instanceof Error ? err.message : String(err);
      b.problems.add('invalid-json', lineNo, reason);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      b.malformed++;
      b.problems.add('not-object', lineNo);
      return;
    }
    const record = value as Record<string, unknown>;
    if (sample) {
      sample.push({ value: record, line: lineNo });
      if (sample.length >= SAMPLE_RECORDS) start();
      return;
    }
    b.addRecord(record, lineNo);
  };

  const tooLong = (): void => {
    b.malformed++;
    b.problems.add('long-line', lineNo + 1);
  };

  for await (const chunk of readChunks(path, request.signal, CHUNK)) {
    bytes += chunk.length;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      if (skipping) {
        skipping = false;
        lineNo++;
      } else if (pendingLen) {
        pending.push(chunk.subarray(pos, nl));
        const whole = Buffer.concat(pending);
        pending = [];
        pendingLen = 0;
        handleLine(whole, 0, whole.length);
      } else handleLine(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length && !skipping) {
      pending.push(Buffer.from(chunk.subarray(pos)));
      pendingLen += chunk.length - pos;
      if (pendingLen > MAX_RECORD_BYTES) {
        tooLong();
        pending = [];
        pendingLen = 0;
        skipping = true;
      }
    }
    if (bytes >= nextProgress) {
      request.onProgress?.({ bytes, totalBytes, rows: b.rows });
      nextProgress += PROGRESS_EVERY;
    }
  }
  if (pendingLen) {
    const whole = Buffer.concat(pending);
    handleLine(whole, 0, whole.length);
  }
  if (sample) {
    if (sample.length === 0 && b.malformed === 0) throw new FormatError(`Empty file: no JSON lines in ${baseName(path)} (only blank lines)`, path);
    start();
  }
  request.onProgress?.({ bytes, totalBytes, rows: b.rows });
  return b.finish();
}

async function profileParquet(path: string, source: Profile['source'], request: ProfileRequest): Promise<Profile> {
  const b = new ProfileBuilder(source, request);
  let accs: ColumnAccumulator[] | undefined;
  const totalBytes = source.bytes ?? 0;
  await readParquetRowGroups(path, (group, meta) => {
    group.columns.forEach((col, i) => {
      const acc = (accs as ColumnAccumulator[])[i] as ColumnAccumulator;
      const values = col.values;
      for (let r = 0; r < values.length; r++) acc.addValue(values[r], group.rowStart + r + 1);
    });
    b.rows += group.rowEnd - group.rowStart;
    request.onProgress?.({ bytes: Math.round((totalBytes * (group.index + 1)) / meta.row_groups.length), totalBytes, rows: b.rows });
  }, request.signal, (meta) => {
    accs = parquetSchema(meta).children.map((node) => b.addColumn(node.element.name, semanticOf(parquetColumnType(node))));
    if (meta.row_groups.length === 0) b.extra.push({ message: `no rows: ${baseName(path)} has no row groups` });
  });
  return b.finish();
}
