// Column profiles of a data file (CSV/TSV, JSON Lines, Parquet) or of records held in memory, in one streaming pass
// with bounded memory. Types are inferred from the first 1,000 records (mlship.yaml can override them); malformed
// records are counted and reported with their line numbers, never silently dropped and never fatal.
import { extname } from 'node:path';
import type { ColumnProfile, Profile, ProfileFormat, ProfileOptions, ProfileProblem, SemanticType } from '../../shared/drift';
import { VERSION } from '../../shared/version';
import { CsvScanner, csvFieldText, MAX_RECORD_BYTES, sniffDelimiter, type CsvRecordView, type CsvScanProblem } from '../formats/csvBytes';
import { combineTypes, fileSize, inferValueType, jsonValueType, parquetColumnType, readChunks, readParquetRowGroups, SAMPLE_RECORDS } from '../formats/tabular';
import { FormatError, type ColumnType } from '../formats/types';
import { groupDigits } from '../formats/randomAccess';
import { parquetSchema } from 'hyparquet';
import { ColumnAccumulator, type WorkingType } from './accumulate';
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
}

const CHUNK = 1024 * 1024;
const MAX_LINES_PER_PROBLEM = 5;
const PROGRESS_EVERY = 8 * 1024 * 1024;

/** Collects reader problems by kind: a count and the first few line numbers of each. */
class ProblemLog {
  private readonly kinds = new Map<string, { count: number; lines: number[]; describe: (count: number, lines: number[]) => string }>();
  readonly extra: ProfileProblem[] = [];

  add(kind: string, line: number | undefined, describe: (count: number, lines: number[]) => string): void {
    const k = this.kinds.get(kind) ?? { count: 0, lines: [], describe };
    k.count++;
    if (line !== undefined && k.lines.length < MAX_LINES_PER_PROBLEM) k.lines.push(line);
    this.kinds.set(kind, k);
  }

  list(): ProfileProblem[] {
    const out: ProfileProblem[] = [...this.extra];
    for (const k of this.kinds.values()) {
      const p: ProfileProblem = { message: k.describe(k.count, k.lines), count: k.count };
      if (k.lines[0] !== undefined) p.line = k.lines[0];
      out.push(p);
    }
    return out;
  }
}

/** "lines 4, 9, 12 and 2 more" */
function linesText(word: string, count: number, lines: number[]): string {
  const shown = lines.map((l) => groupDigits(l)).join(', ');
  const more = count > lines.length ? ` and ${groupDigits(count - lines.length)} more` : '';
  return `${word}${lines.length === 1 && count === 1 ? '' : 's'} ${shown}${more}`;
}

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
  readonly problems = new ProblemLog();
  rows = 0;
  malformed = 0;

  constructor(
    private readonly source: Profile['source'],
    request: ProfileRequest = {},
    private readonly fromBytes = false,
  ) {
    this.options = { ...DEFAULT_PROFILE_OPTIONS, ...request.options };
    this.types = request.types ?? {};
  }

  private readonly types: Readonly<Record<string, SemanticType>>;

  /** Declares a column with the type inferred from the sample (an override from mlship.yaml wins). */
  addColumn(name: string, inferred: WorkingType, missingSoFar = 0): ColumnAccumulator {
    const override = Object.hasOwn(this.types, name) ? this.types[name] : undefined;
    const acc = new ColumnAccumulator(name, override ?? inferred, override ? 'override' : 'inferred', this.options, this.fromBytes);
    for (let i = 0; i < missingSoFar; i++) acc.addMissing();
    this.columns.push(acc);
    this.byName.set(name, acc);
    return acc;
  }

  column(name: string): ColumnAccumulator | undefined {
    return this.byName.get(name);
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

  finish(): Profile {
    const columns: ColumnProfile[] = this.columns.map((c) => c.finish());
    const problems = this.problems.list();
    for (const c of this.columns) for (const i of c.issues()) problems.push({ message: i.message, ...(i.line !== undefined ? { line: i.line } : {}) });
    for (const c of columns) {
      if (c.type === 'empty' && this.rows > 0) problems.push({ message: `column "${c.name}": every value is missing (${groupDigits(this.rows)} rows)` });
    }
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
  for (const k of order) b.addColumn(k, semanticFromSample(seen.get(k) ?? [], k, b));
  records.forEach((r, i) => b.addRecord(r, i + 1));
  return b.finish();
}

/** Share of a sample's non-missing values that must agree for a column to take their type; the rest are invalid. */
const TYPE_MAJORITY = 0.9;

function semanticFromSample(types: ColumnType[], name: string, b: ProfileBuilder): WorkingType {
  const { type } = combineTypes(types);
  if (type !== 'mixed') return semanticOf(type);
  const present = types.filter((t) => t !== 'null');
  const counts = new Map<WorkingType, number>();
  for (const t of present) counts.set(semanticOf(t), (counts.get(semanticOf(t)) ?? 0) + 1);
  const [top, n] = [...counts.entries()].sort((x, y) => y[1] - x[1])[0] as [WorkingType, number];
  if (top !== 'categorical' && n >= TYPE_MAJORITY * present.length) return top;
  b.problems.extra.push({ message: `column "${name}" mixes types in its first ${groupDigits(Math.min(types.length, SAMPLE_RECORDS))} values (${[...new Set(present)].join(', ')}); compared as categories — set drift.columns.${name}.type in mlship.yaml to change that` });
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
  return format === 'jsonl' ? profileJsonl(path, source, totalBytes, request) : profileCsv(path, source, format, totalBytes, request);
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
  return { buf: Buffer.from(r.buf.subarray(lo, hi)), starts, ends, escaped: r.escaped.slice(0, r.count), count: r.count, line: r.line };
}

async function profileCsv(path: string, source: Profile['source'], format: 'csv' | 'tsv', totalBytes: number, request: ProfileRequest): Promise<Profile> {
  const b = new ProfileBuilder(source, request, true);
  const label = format.toUpperCase();
  let delimiter = request.delimiter;
  let header: string[] | undefined;
  let sample: CsvRecordView[] | undefined = [];
  let width = 0;
  let accs: ColumnAccumulator[] = [];

  const onProblem = (p: CsvScanProblem): void => {
    if (p.kind === 'long-record') {
      b.malformed++;
      b.problems.add('long', p.line, (n, lines) => `${groupDigits(n)} record${n === 1 ? '' : 's'} longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB skipped (${linesText('line', n, lines)}) — is a quote left open, or is this not a ${label} file?`);
    } else if (p.kind === 'unterminated-quote') {
      b.problems.add('quote', p.line, (_n, lines) => `a quoted field opened at line ${groupDigits(lines[0] ?? 0)} is never closed: the rest of the file was read as one field`);
    } else {
      b.problems.add('after-quote', p.line, (n, lines) => `text after a closing quote in ${groupDigits(n)} field${n === 1 ? '' : 's'} (${linesText('line', n, lines)}); the text was left out`);
    }
  };

  const process = (r: CsvRecordView): void => {
    if (r.count !== width) {
      b.malformed++;
      b.problems.add('ragged', r.line, (n, lines) => `${groupDigits(n)} row${n === 1 ? ' has' : 's have'} a different number of fields than the header's ${width} (${linesText('line', n, lines)}); skipped`);
      return;
    }
    b.rows++;
    const { buf, starts, ends, escaped, line } = r;
    for (let i = 0; i < width; i++) (accs[i] as ColumnAccumulator).addBytes(buf, starts[i] as number, ends[i] as number, escaped[i] === 1, line);
  };

  const startColumns = (): void => {
    const names = header ?? [];
    const records = sample ?? [];
    const seen = new Map<string, number>();
    const unique = names.map((raw, i) => {
      const base = raw.trim() || `column_${i + 1}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      if (n > 1) b.problems.extra.push({ message: `duplicate column name "${base}" in the header; the repeat is called "${base} (${n})"`, line: 1 });
      return n > 1 ? `${base} (${n})` : base;
    });
    accs = unique.map((name, i) => {
      const types = records.filter((r) => r.count === width).map((r) => inferValueType(csvFieldText(r, i)));
      return b.addColumn(name, semanticFromSample(types, name, b));
    });
    sample = undefined;
    for (const r of records) process(r);
  };

  let bytes = 0;
  let nextProgress = PROGRESS_EVERY;
  let scannerReady: CsvScanner | undefined;
  let head: Buffer[] = [];
  let headBytes = 0;

  const onRecord = (r: CsvRecordView): void => {
    if (!header) {
      header = [];
      for (let i = 0; i < r.count; i++) header.push(csvFieldText(r, i));
      width = r.count;
      return;
    }
    if (sample) {
      sample.push(copyRecord(r));
      if (sample.length >= SAMPLE_RECORDS) startColumns();
      return;
    }
    process(r);
  };

  const begin = (first: Buffer): CsvScanner => {
    delimiter ??= sniffDelimiter(first, format === 'tsv' ? '\t' : ',');
    return new CsvScanner(delimiter.charCodeAt(0), onRecord, onProblem);
  };

  for await (const chunk of readChunks(path, request.signal, CHUNK)) {
    bytes += chunk.length;
    if (!scannerReady) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < 64 * 1024 && bytes < totalBytes) continue;
      scannerReady = begin(Buffer.concat(head));
      for (const c of head) scannerReady.push(c);
      head = [];
    } else scannerReady.push(chunk);
    if (bytes >= nextProgress) {
      request.onProgress?.({ bytes, totalBytes, rows: b.rows });
      nextProgress += PROGRESS_EVERY;
    }
  }
  if (!scannerReady && head.length) {
    scannerReady = begin(Buffer.concat(head));
    for (const c of head) scannerReady.push(c);
  }
  scannerReady?.end();
  if (!header && b.malformed > 0) throw new FormatError(`No header row: line 1 of ${baseName(path)} is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB — is this a ${label} file?`, path);
  if (!header) throw new FormatError(`Empty file: no header row in ${baseName(path)} (only blank lines)`, path);
  if (sample) {
    if (sample.length === 0) b.problems.extra.push({ message: `no data rows: ${baseName(path)} has a header only`, line: 1 });
    startColumns();
  }
  if (width === 1 && delimiter !== '\t' && header[0] && /[;\t|]/.test(header[0])) {
    b.problems.extra.push({ message: `only one column found; the delimiter may not be "${delimiter}" — pass another one`, line: 1 });
  }
  request.onProgress?.({ bytes, totalBytes, rows: b.rows });
  return b.finish();
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
    for (const k of order) b.addColumn(k, semanticFromSample(seen.get(k) ?? [], k, b));
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
      b.problems.add('json', lineNo, (n, lines) => `${groupDigits(n)} line${n === 1 ? ' is' : 's are'} not valid JSON (${linesText('line', n, lines)}; first: ${reason}); skipped`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      b.malformed++;
      b.problems.add('not-object', lineNo, (n, lines) => `${groupDigits(n)} line${n === 1 ? ' is' : 's are'} JSON but not an object (${linesText('line', n, lines)}); skipped`);
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
    b.problems.add('long', lineNo + 1, (n, lines) => `${groupDigits(n)} line${n === 1 ? '' : 's'} longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB skipped (${linesText('line', n, lines)})`);
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
    if (meta.row_groups.length === 0) b.problems.extra.push({ message: `no rows: ${baseName(path)} has no row groups` });
  });
  return b.finish();
}
