// Tabular data files: CSV/TSV (RFC 4180), JSON Lines and Parquet. Metadata comes from a sample of the first records
// (text formats) or the footer (Parquet); row counts of text files are a separate streaming byte scan.

import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parquetMetadataAsync, parquetRead, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, Compressors, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { sniffDelimiter } from './csvBytes';
import { fileSystemError, groupDigits, openRandomAccess } from './randomAccess';
import type { RandomAccessFile } from './randomAccess';
import { FormatError } from './types';
import type { ColumnSchema, ColumnType, DataFormat, MetadataProperty, TabularMetadata } from './types';

/** Records sampled from text files for schema inference. */
export const SAMPLE_RECORDS = 1000;
const MAX_SAMPLE_BYTES = 16 * 1024 * 1024;
const MAX_WARNINGS = 20;
const CHUNK = 64 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Streaming helpers

/** Size of a file in bytes; a FormatError for a missing file or a directory. */
export async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return s.size;
  } catch (err) {
    throw fileSystemError(path, err);
  }
}

/** The bytes of a file in chunks (64 KiB unless `chunkSize` says otherwise); stops when `signal` aborts. */
export async function* readChunks(path: string, signal?: AbortSignal, chunkSize = CHUNK, start = 0): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: chunkSize, start });
  try {
    for await (const chunk of stream) {
      signal?.throwIfAborted();
      yield chunk as Buffer;
    }
  } catch (err) {
    if (err instanceof Error && err.name === 'AbortError') throw err;
    throw fileSystemError(path, err);
  } finally {
    stream.destroy();
  }
}

/**
 * readChunks() for a reader that is done with each chunk before it asks for the next (it keeps no view of it): the
 * chunks are views of two buffers used in turn, the next chunk read into one while the other is read by the caller.
 * A large file then costs no fresh memory per chunk (a stream allocates each one, and the new pages are faulted in
 * and zeroed chunk after chunk).
 */
export async function* readChunksReused(path: string, signal?: AbortSignal, chunkSize = CHUNK, start = 0): AsyncGenerator<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fileSystemError(path, err);
  }
  let current = Buffer.allocUnsafeSlow(chunkSize);
  let next = Buffer.allocUnsafeSlow(chunkSize);
  let pos = start;
  let pending: Promise<{ bytesRead: number }> | undefined = fh.read(current, 0, chunkSize, pos);
  try {
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await pending);
      } catch (err) {
        pending = undefined;
        throw fileSystemError(path, err);
      }
      if (bytesRead === 0) return;
      const chunk = current.subarray(0, bytesRead);
      pos += bytesRead;
      [current, next] = [next, current];
      pending = fh.read(current, 0, chunkSize, pos);
      signal?.throwIfAborted();
      yield chunk;
    }
  } finally {
    // A read still under way finishes before the file is closed.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

/**
 * A FormatError when a text data file starts with a UTF-16 byte order mark (Windows PowerShell's `>` and Out-File,
 * Excel's Unicode Text): read as UTF-8, every other byte is a NUL and the column names and values come out garbled.
 */
export async function assertNotUtf16(path: string, label: string): Promise<void> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      head = Buffer.alloc(2);
      const { bytesRead } = await fh.read(head, 0, 2, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fileSystemError(path, err);
  }
  const order = head[0] === 0xff && head[1] === 0xfe ? 'little-endian' : head[0] === 0xfe && head[1] === 0xff ? 'big-endian' : undefined;
  if (order) {
    throw new FormatError(
      `This ${label} file is UTF-16 encoded (it starts with the UTF-16 ${order} byte order mark); text data is read as UTF-8 — save it as UTF-8 (Excel: "CSV UTF-8"; PowerShell: Out-File -Encoding utf8)`,
      path,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CSV parsing (RFC 4180: quoted fields, "" escapes, CRLF/LF, newlines inside quotes, BOM)

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
}

/** Incremental RFC 4180 parser: feed text with push(), call end() at EOF. Blank lines are skipped. */
export class CsvParser {
  readonly records: CsvRecord[] = [];
  readonly warnings: string[] = [];
  /** Line-ending style seen: counts of CRLF and bare LF record ends. */
  crlf = 0;
  lf = 0;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private afterQuote = false;
  private fieldQuoted = false;
  private pendingCR = false;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private started = false;

  constructor(private readonly delimiter = ',') {
    if (delimiter.length !== 1) throw new FormatError(`CSV delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  }

  private warn(message: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(message);
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldQuoted = false;
    this.afterQuote = false;
  }

  private endRecord(): void {
    const blank = this.fields.length === 0 && this.field === '' && !this.fieldQuoted;
    if (!blank) {
      this.endField();
      this.records.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
    this.field = '';
    this.fieldQuoted = false;
    this.afterQuote = false;
  }

  push(text: string): void {
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (!this.started) {
        this.started = true;
        if (c === '\uFEFF') continue;
      }
      if (this.pendingCR) {
        this.pendingCR = false;
        if (c === '\n') {
          this.line++;
          this.recordLine = this.line;
          this.crlf++;
          continue;
        }
        this.recordLine = this.line;
      }
      if (this.inQuotes) {
        if (c === '"') {
          this.inQuotes = false;
          this.afterQuote = true;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
        }
        continue;
      }
      if (this.afterQuote && c === '"') {
        // "" inside a quoted field: a literal quote, and the field continues quoted.
        this.field += '"';
        this.inQuotes = true;
        this.afterQuote = false;
        continue;
      }
      if (c === d) {
        this.endField();
      } else if (c === '\n') {
        this.endRecord();
        this.lf++;
        this.line++;
        this.recordLine = this.line;
      } else if (c === '\r') {
        this.endRecord();
        this.pendingCR = true;
      } else if (c === '"' && this.field === '' && !this.fieldQuoted) {
        this.inQuotes = true;
        this.fieldQuoted = true;
        this.quoteLine = this.line;
        if (this.fields.length === 0) this.recordLine = this.line;
      } else {
        if (this.afterQuote) {
          this.warn(`line ${this.line}: text after a closing quote`);
          this.afterQuote = false;
        }
        this.field += c;
      }
    }
  }

  /** True when the parser is between records (not inside a record or a quoted field). */
  get atRecordBoundary(): boolean {
    return !this.inQuotes && this.fields.length === 0 && this.field === '' && !this.fieldQuoted;
  }

  end(): void {
    if (this.inQuotes) this.warn(`line ${this.quoteLine}: unterminated quoted field (the file ends inside quotes)`);
    this.inQuotes = false;
    this.endRecord();
  }
}

/** Parses a whole CSV string (for small inputs and tests). */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const p = new CsvParser(delimiter);
  p.push(text);
  p.end();
  return p.records.map((r) => r.fields);
}

// ---------------------------------------------------------------------------------------------------------------
// Type inference

const NULL_TOKENS = new Set(['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A']);
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL_NUMBER = /^[+-]?(?:inf|Infinity|INF)$/;
const BOOLEAN = /^(?:true|false|True|False|TRUE|FALSE)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

function validDate(m: RegExpExecArray): boolean {
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Type of one text value (CSV cell), or 'null' for a missing value. */
export function inferValueType(value: string): ColumnType {
  const v = value.trim();
  if (NULL_TOKENS.has(v)) return 'null';
  if (INTEGER.test(v)) return 'integer';
  if (NUMBER.test(v) || SPECIAL_NUMBER.test(v)) return 'number';
  if (BOOLEAN.test(v)) return 'boolean';
  const d = DATE.exec(v);
  if (d && validDate(d)) return 'date';
  const dt = DATETIME.exec(v);
  if (dt && validDate(dt) && Number(dt[4]) < 24 && Number(dt[5]) < 60) return 'datetime';
  return 'string';
}

/** Combines the types seen in one column: integer+number → number, date+datetime → datetime, else mixed. */
export function combineTypes(types: Iterable<ColumnType>): { type: ColumnType; nullable: boolean } {
  const set = new Set(types);
  const nullable = set.delete('null');
  if (set.size === 0) return { type: 'null', nullable: true };
  if (set.size === 1) return { type: [...set][0] as ColumnType, nullable };
  if (set.size === 2 && set.has('integer') && set.has('number')) return { type: 'number', nullable };
  if (set.size === 2 && set.has('date') && set.has('datetime')) return { type: 'datetime', nullable };
  return { type: 'mixed', nullable };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV / TSV

export interface CsvOptions {
  /**
   * Field delimiter. When not given it is sniffed from the first 64 KiB (comma, tab, semicolon, pipe), as profiling
   * does, falling back to ',' for CSV and '\t' for TSV.
   */
  delimiter?: string;
  /** Which of the two the file is (default 'tsv' when `delimiter` is a tab, else 'csv'). */
  format?: 'csv' | 'tsv';
  /** Records to sample after the header (default 1,000). */
  sampleRows?: number;
  signal?: AbortSignal;
}

interface CsvSample {
  delimiter: string;
  header: string[];
  /** The first `sampleRows` data records. */
  records: CsvRecord[];
  /** Data records in the whole file, when the whole file was parsed. */
  totalRecords?: number;
  warnings: string[];
  bom: boolean;
  crlf: number;
  lf: number;
  bytesRead: number;
}

/** The file's delimiter: `delimiter` when given, else sniffed from its first chunk (64 KiB) with the format's default. */
function csvDelimiter(format: 'csv' | 'tsv', delimiter: string | undefined, head: Buffer): string {
  return delimiter ?? sniffDelimiter(head, format === 'tsv' ? '\t' : ',');
}

async function sampleCsv(path: string, format: 'csv' | 'tsv', given: string | undefined, sampleRows: number, signal?: AbortSignal): Promise<CsvSample> {
  const size = await fileSize(path);
  const label = format === 'tsv' ? 'TSV' : 'CSV';
  if (size === 0) throw new FormatError(`Empty file: 0 bytes — no header row in this ${label} file`, path);
  await assertNotUtf16(path, label);
  let delimiter = given ?? (format === 'tsv' ? '\t' : ',');
  let parser: CsvParser | undefined;
  const decoder = new StringDecoder('utf8');
  let bytesRead = 0;
  let eof = true;
  let bom = false;
  for await (const chunk of readChunks(path, signal)) {
    if (!parser) {
      bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      delimiter = csvDelimiter(format, given, chunk);
      parser = new CsvParser(delimiter);
    }
    bytesRead += chunk.length;
    parser.push(decoder.write(chunk));
    // parser.records only ever holds complete records (a partial one stays inside the parser).
    if (parser.records.length > sampleRows || bytesRead >= MAX_SAMPLE_BYTES) {
      eof = bytesRead >= size;
      break;
    }
  }
  parser ??= new CsvParser(delimiter);
  if (eof) {
    parser.push(decoder.end());
    parser.end();
  }
  const [headerRec, ...rest] = parser.records;
  if (!headerRec) {
    throw new FormatError(
      eof ? `Empty file: no header row in this ${label} file (only blank lines)` : `No complete ${label} record in the first ${groupDigits(bytesRead)} bytes — is a quote left open?`,
      path,
    );
  }
  const sample: CsvSample = {
    delimiter,
    header: headerRec.fields,
    records: rest.slice(0, sampleRows),
    warnings: parser.warnings,
    bom,
    crlf: parser.crlf,
    lf: parser.lf,
    bytesRead,
  };
  if (eof) sample.totalRecords = rest.length;
  return sample;
}

function columnNames(header: string[], width: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < width; i++) {
    const h = (header[i] ?? '').trim();
    names.push(h || `column_${i + 1}`);
  }
  return names;
}

const DELIMITER_NAMES: Readonly<Record<string, string>> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe', ' ': 'space' };

/** Header and column types from the first records of a CSV/TSV file. `rows` is set only when the whole file fit. */
export async function readCsvMetadata(path: string, options: CsvOptions = {}): Promise<TabularMetadata> {
  const format = options.format ?? (options.delimiter === '\t' ? 'tsv' : 'csv');
  const sampleRows = options.sampleRows ?? SAMPLE_RECORDS;
  const sample = await sampleCsv(path, format, options.delimiter, sampleRows, options.signal);
  const delimiter = sample.delimiter;
  const warnings = [...sample.warnings];

  const width = Math.max(sample.header.length, ...sample.records.map((r) => r.fields.length));
  const names = columnNames(sample.header, width);
  let ragged = 0;
  let firstRagged: CsvRecord | undefined;
  for (const r of sample.records) {
    if (r.fields.length !== sample.header.length) {
      ragged++;
      firstRagged ??= r;
    }
  }
  if (ragged && firstRagged) {
    warnings.unshift(
      `${groupDigits(ragged)} ${ragged === 1 ? 'row has' : 'rows have'} a different number of fields than the header (${sample.header.length}); first at line ${firstRagged.line} with ${firstRagged.fields.length}`,
    );
  }
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) warnings.push(`duplicate column names: ${[...new Set(dupes)].join(', ')}`);
  if (width === 1 && delimiter !== '\t') {
    const h = sample.header[0] ?? '';
    const guess = [';', '\t', '|'].find((c) => h.includes(c));
    if (guess) warnings.push(`only one column found; the delimiter may be ${DELIMITER_NAMES[guess] ?? guess} rather than ${DELIMITER_NAMES[delimiter] ?? delimiter}`);
  }

  const columns: ColumnSchema[] = names.map((name, i) => {
    const types = sample.records.map((r) => (i < r.fields.length ? inferValueType(r.fields[i] as string) : 'null'));
    const { type, nullable } = combineTypes(types);
    return { name, type, nullable };
  });

  const props: MetadataProperty[] = [
    { label: 'Delimiter', value: DELIMITER_NAMES[delimiter] ?? JSON.stringify(delimiter) },
    { label: 'Columns', value: groupDigits(columns.length) },
  ];
  if (sample.totalRecords !== undefined) props.push({ label: 'Rows', value: groupDigits(sample.totalRecords) });
  if (sample.totalRecords === undefined || sample.totalRecords > sample.records.length) {
    props.push({ label: 'Sampled rows', value: `${groupDigits(sample.records.length)} (first ${groupDigits(sample.bytesRead)} bytes)` });
  }
  if (sample.crlf || sample.lf) props.push({ label: 'Line endings', value: sample.crlf && sample.lf ? 'mixed CRLF and LF' : sample.crlf ? 'CRLF' : 'LF' });
  if (sample.bom) props.push({ label: 'Encoding', value: 'UTF-8 with BOM' });
  for (const w of warnings) props.push({ label: 'Warning', value: w });

  const result: TabularMetadata = { format, columns, properties: props };
  if (sample.totalRecords !== undefined) result.rows = sample.totalRecords;
  return result;
}

export interface CountOptions {
  /** As in CsvOptions: sniffed from the first 64 KiB when not given. */
  delimiter?: string;
  format?: 'csv' | 'tsv';
  signal?: AbortSignal;
}

/**
 * Counts data rows (records after the header) of a CSV/TSV file by scanning bytes for newlines outside quotes. Blank
 * lines are not counted. As in the parser, a quote opens a quoted field only at the start of a field (after the
 * delimiter, a newline, the BOM or the file start), or right after a closing quote (a "" escape); a quote inside an
 * unquoted field (5" screen) is a literal character.
 */
export async function countCsvRows(path: string, options: CountOptions = {}): Promise<number> {
  await fileSize(path);
  const format = options.format ?? (options.delimiter === '\t' ? 'tsv' : 'csv');
  await assertNotUtf16(path, format.toUpperCase());
  let d = -1;
  let inQuotes = false;
  let records = 0;
  let lineLen = 0;
  // The byte before the current chunk; the file start counts as a line start.
  let lastByte = 0x0a;
  let offset = 0;
  let bomEnd = -1;
  // File offset just after the last closing quote: a quote there is the second half of a "" escape.
  let afterClose = -1;
  for await (const buf of readChunks(path, options.signal)) {
    const n = buf.length;
    if (offset === 0) {
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) bomEnd = 3;
      d = csvDelimiter(format, options.delimiter, buf).charCodeAt(0);
    }
    let pos = 0;
    let nextQ = -2;
    let nextNL = -2;
    while (pos < n) {
      if (nextQ !== -1 && nextQ < pos) nextQ = buf.indexOf(0x22, pos);
      if (inQuotes) {
        if (nextQ < 0) {
          lineLen += n - pos;
          pos = n;
          break;
        }
        lineLen += nextQ + 1 - pos;
        pos = nextQ + 1;
        inQuotes = false;
        afterClose = offset + pos;
        continue;
      }
      if (nextNL !== -1 && nextNL < pos) nextNL = buf.indexOf(0x0a, pos);
      if (nextNL >= 0 && (nextQ < 0 || nextNL < nextQ)) {
        const seg = lineLen + (nextNL - pos);
        const before = nextNL > 0 ? (buf[nextNL - 1] as number) : lastByte;
        if (seg > 1 || (seg === 1 && before !== 0x0d)) records++;
        lineLen = 0;
        pos = nextNL + 1;
        continue;
      }
      if (nextQ >= 0) {
        const at = offset + nextQ;
        const before = nextQ > 0 ? (buf[nextQ - 1] as number) : lastByte;
        if (before === d || before === 0x0a || at === bomEnd || at === afterClose) inQuotes = true;
        lineLen += nextQ + 1 - pos;
        pos = nextQ + 1;
        continue;
      }
      lineLen += n - pos;
      pos = n;
    }
    if (n) lastByte = buf[n - 1] as number;
    offset += n;
  }
  if (lineLen > 1 || (lineLen === 1 && lastByte !== 0x0d)) records++;
  return Math.max(0, records - 1);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON Lines

export interface JsonlOptions {
  /** Lines to sample (default 1,000). */
  sampleRows?: number;
  signal?: AbortSignal;
}

/** Column type of a JSON value (strings that hold dates count as dates). */
export function jsonValueType(v: unknown): ColumnType {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'string') {
    const t = inferValueType(v);
    return t === 'date' || t === 'datetime' ? t : 'string';
  }
  if (Array.isArray(v)) return 'list';
  return 'struct';
}

interface JsonlLine {
  line: number;
  text: string;
}

async function sampleLines(path: string, maxLines: number, signal?: AbortSignal): Promise<{ lines: JsonlLine[]; complete: boolean; bytesRead: number }> {
  const size = await fileSize(path);
  if (size === 0) throw new FormatError('Empty file: 0 bytes — no JSON lines', path);
  await assertNotUtf16(path, 'JSON Lines');
  const decoder = new StringDecoder('utf8');
  const lines: JsonlLine[] = [];
  // The text of the line being read, in the pieces it came in (joined once its newline arrives).
  const open: string[] = [];
  let lineNo = 0;
  let bytesRead = 0;
  const take = (t: string): void => {
    lineNo++;
    const text = t.endsWith('\r') ? t.slice(0, -1) : t;
    if (text.trim()) lines.push({ line: lineNo, text });
  };
  for await (const chunk of readChunks(path, signal)) {
    bytesRead += chunk.length;
    const text = decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0 && lines.length < maxLines) {
      take(open.length ? open.splice(0).join('') + text.slice(start, nl) : text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length) open.push(text.slice(start));
    if (lines.length >= maxLines || bytesRead >= MAX_SAMPLE_BYTES) {
      const rest = open.join('');
      if (lines.length === 0 && maxLines > 0 && rest.trim()) {
        throw new FormatError(
          `Line ${lineNo + 1} is longer than the ${groupDigits(MAX_SAMPLE_BYTES)} bytes read to sample the file (no line break in them) — JSON Lines holds one JSON value per line; a JSON array or document on one line is not JSON Lines`,
          path,
        );
      }
      return { lines, complete: bytesRead >= size && !rest.trim(), bytesRead };
    }
  }
  open.push(decoder.end());
  take(open.join(''));
  return { lines, complete: true, bytesRead };
}

/** Columns (union of keys) and types from the first lines of a JSON Lines file; bad lines become warnings. */
export async function readJsonlMetadata(path: string, options: JsonlOptions = {}): Promise<TabularMetadata> {
  const sample = await sampleLines(path, options.sampleRows ?? SAMPLE_RECORDS, options.signal);
  if (sample.lines.length === 0) throw new FormatError('Empty file: no JSON lines (only blank lines)', path);
  if (sample.lines[0]) sample.lines[0].text = sample.lines[0].text.replace(/^\uFEFF/, '');

  const warnings: string[] = [];
  let badLines = 0;
  let parsedCount = 0;
  let firstError = '';
  const order: string[] = [];
  const types = new Map<string, ColumnType[]>();
  let objects = 0;
  for (const { line, text } of sample.lines) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      badLines++;
      const reason = err instanceof Error ? err.message : String(err);
      firstError ||= `line ${line}: ${reason}`;
      if (warnings.length < MAX_WARNINGS) warnings.push(`line ${line}: invalid JSON (${reason})`);
      continue;
    }
    parsedCount++;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      if (warnings.length < MAX_WARNINGS) warnings.push(`line ${line}: not a JSON object`);
      continue;
    }
    const rec = value as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      if (!types.has(key)) {
        order.push(key);
        // Records before this one lacked the key.
        types.set(key, objects > 0 ? ['null'] : []);
      }
    }
    for (const key of order) (types.get(key) as ColumnType[]).push(key in rec ? jsonValueType(rec[key]) : 'null');
    objects++;
  }
  if (parsedCount === 0) {
    throw new FormatError(
      `Not valid JSON Lines: none of the first ${groupDigits(sample.lines.length)} non-blank lines parse as JSON (${firstError})`,
      path,
    );
  }

  const columns: ColumnSchema[] = order.map((name) => {
    const { type, nullable } = combineTypes(types.get(name) ?? []);
    return { name, type, nullable };
  });
  const props: MetadataProperty[] = [{ label: 'Columns', value: groupDigits(columns.length) }];
  if (sample.complete) props.push({ label: 'Rows', value: groupDigits(sample.lines.length) });
  else props.push({ label: 'Sampled rows', value: `${groupDigits(sample.lines.length)} (first ${groupDigits(sample.bytesRead)} bytes)` });
  if (badLines) props.push({ label: 'Invalid lines', value: `${groupDigits(badLines)} of ${groupDigits(sample.lines.length)} sampled` });
  for (const w of warnings) props.push({ label: 'Warning', value: w });

  const result: TabularMetadata = { format: 'jsonl', columns, properties: props };
  if (sample.complete) result.rows = sample.lines.length;
  return result;
}

/** Counts non-blank lines of a JSON Lines file with a streaming byte scan. */
export async function countJsonlRows(path: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  await fileSize(path);
  await assertNotUtf16(path, 'JSON Lines');
  let rows = 0;
  let lineLen = 0;
  let lastByte = -1;
  for await (const buf of readChunks(path, options.signal)) {
    let pos = 0;
    let nl = buf.indexOf(0x0a, pos);
    while (nl >= 0) {
      const seg = lineLen + (nl - pos);
      const before = nl > 0 ? (buf[nl - 1] as number) : lastByte;
      if (seg > 1 || (seg === 1 && before !== 0x0d)) rows++;
      lineLen = 0;
      pos = nl + 1;
      nl = buf.indexOf(0x0a, pos);
    }
    lineLen += buf.length - pos;
    if (buf.length) lastByte = buf[buf.length - 1] as number;
  }
  if (lineLen > 1 || (lineLen === 1 && lastByte !== 0x0d)) rows++;
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Parquet

/** A hyparquet AsyncBuffer over a random-access file. */
export function asyncBufferOf(file: RandomAccessFile): AsyncBuffer {
  return {
    byteLength: file.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const e = Math.min(end ?? file.size, file.size);
      const b = await file.read(start, Math.max(0, e - start));
      const out = new ArrayBuffer(b.length);
      new Uint8Array(out).set(b);
      return out;
    },
  };
}

/** Opens a Parquet file, checks its magic bytes and footer, and runs `fn` with the file and its metadata. */
export async function withParquet<T>(path: string, fn: (file: RandomAccessFile, meta: FileMetaData) => T | Promise<T>): Promise<T> {
  const file = await openRandomAccess(path, { label: 'Parquet' });
  try {
    if (file.size === 0) throw new FormatError('Empty file: 0 bytes — not a Parquet file', path);
    if (file.size < 12) {
      throw new FormatError(`Not a Parquet file: ${file.size} bytes is too small (a Parquet file has 'PAR1' at both ends and a footer)`, path);
    }
    const head = await file.read(0, 4);
    const tail = await file.read(file.size - 4, 4);
    const show = (b: Buffer): string => JSON.stringify(b.toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
    if (tail.toString('latin1') !== 'PAR1') {
      if (head.toString('latin1') === 'PAR1') {
        throw new FormatError(`Truncated Parquet file: it starts with 'PAR1' but does not end with it (ends with ${show(tail)}) — the file is incomplete; re-export or re-download it`, path);
      }
      if (tail.toString('latin1') === 'PARE') throw new FormatError('Unsupported Parquet file: the footer is encrypted (PARE)', path);
      throw new FormatError(`Not a Parquet file: expected magic 'PAR1' at the start and end, found ${show(head)} and ${show(tail)}`, path);
    }
    let meta: FileMetaData;
    try {
      meta = await parquetMetadataAsync(asyncBufferOf(file), { initialFetchSize: Math.min(file.size, 512 * 1024) });
    } catch (err) {
      if (err instanceof FormatError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new FormatError(`Invalid Parquet footer: ${reason}`, path);
    }
    return await fn(file, meta);
  } finally {
    await file.close();
  }
}

function parquetAnnotation(el: SchemaElement): string | undefined {
  const lt = el.logical_type;
  if (lt) {
    switch (lt.type) {
      case 'TIMESTAMP':
      case 'TIME':
        return `${lt.type}(${lt.unit}${lt.isAdjustedToUTC ? ', UTC' : ''})`;
      case 'INTEGER':
        return `${lt.isSigned ? 'INT' : 'UINT'}(${lt.bitWidth})`;
      case 'DECIMAL':
        return `DECIMAL(${lt.precision}, ${lt.scale})`;
      default:
        return lt.type;
    }
  }
  return el.converted_type;
}

/** Column type of a top-level Parquet schema node. */
export function parquetColumnType(node: SchemaTree): ColumnType {
  const el = node.element;
  const lt = el.logical_type?.type;
  const ct = el.converted_type;
  if (node.children.length > 0) {
    if (lt === 'LIST' || ct === 'LIST') return 'list';
    return 'struct';
  }
  if (el.repetition_type === 'REPEATED') return 'list';
  if (lt === 'STRING' || lt === 'ENUM' || lt === 'JSON' || lt === 'UUID' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') return 'string';
  if (lt === 'DATE' || ct === 'DATE') return 'date';
  if (lt === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || el.type === 'INT96') return 'datetime';
  if (lt === 'TIME' || ct === 'TIME_MILLIS' || ct === 'TIME_MICROS') return 'string';
  if (lt === 'DECIMAL' || ct === 'DECIMAL' || lt === 'FLOAT16') return 'number';
  if (lt === 'NULL') return 'null';
  if (lt === 'BSON' || ct === 'BSON') return 'binary';
  switch (el.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return 'integer';
    case 'FLOAT':
    case 'DOUBLE':
      return 'number';
    default:
      return 'binary';
  }
}

/** Schema, row count and row-group facts from a Parquet footer (only the footer is read). */
export async function readParquetMetadata(path: string): Promise<TabularMetadata> {
  return withParquet(path, (_file, meta) => {
    const tree = parquetSchema(meta);
    const columns: ColumnSchema[] = tree.children.map((node) => {
      const el = node.element;
      const note = parquetAnnotation(el);
      const physical = node.children.length ? (note ?? 'GROUP') : `${el.type ?? 'GROUP'}${note ? ` (${note})` : ''}`;
      return { name: el.name, type: parquetColumnType(node), physicalType: physical, nullable: el.repetition_type !== 'REQUIRED' };
    });
    const rows = Number(meta.num_rows);
    const codecs = new Set<string>();
    let compressed = 0n;
    let uncompressed = 0n;
    for (const rg of meta.row_groups) {
      for (const c of rg.columns) {
        if (!c.meta_data) continue;
        codecs.add(c.meta_data.codec);
        compressed += c.meta_data.total_compressed_size;
        uncompressed += c.meta_data.total_uncompressed_size;
      }
    }
    const props: MetadataProperty[] = [
      { label: 'Rows', value: groupDigits(rows) },
      { label: 'Columns', value: groupDigits(columns.length) },
      { label: 'Row groups', value: groupDigits(meta.row_groups.length) },
    ];
    if (codecs.size) props.push({ label: 'Compression', value: [...codecs].join(', ') });
    const unreadable = unreadableCodecs(meta);
    if (unreadable.length) props.push({ label: 'Warning', value: `rows cannot be read (profiling, benchmarks): ${unreadable.join('; ')} is not ${READABLE_CODECS}` });
    if (meta.created_by) props.push({ label: 'Created by', value: meta.created_by });
    props.push({ label: 'Format version', value: String(meta.version) });
    if (uncompressed > 0n) props.push({ label: 'Data size', value: `${groupDigits(Number(compressed))} bytes compressed, ${groupDigits(Number(uncompressed))} uncompressed` });
    props.push({ label: 'Footer', value: `${groupDigits(meta.metadata_length)} bytes` });
    const kv = meta.key_value_metadata?.map((k) => k.key) ?? [];
    if (kv.length) props.push({ label: 'Key/value metadata', value: kv.join(', ') });
    return { format: 'parquet', columns, rows, properties: props };
  });
}

/** One row group of a Parquet file, column by column: values[i] belongs to row `rowStart + i` (0-based). */
export interface ParquetRowGroupColumns {
  index: number;
  rowStart: number;
  rowEnd: number;
  columns: { name: string; values: ArrayLike<unknown> }[];
}

/**
 * Reads a Parquet file one row group at a time (memory bounded by the largest row group) and hands each to
 * `onRowGroup`. Top-level columns only; nested columns arrive as objects/arrays. Corrupt data becomes a FormatError
 * that names the row group and its rows.
 */
export async function readParquetRowGroups(
  path: string,
  onRowGroup: (group: ParquetRowGroupColumns, meta: FileMetaData) => void,
  signal?: AbortSignal,
  onMetadata?: (meta: FileMetaData) => void,
): Promise<void> {
  await withParquet(path, async (file, meta) => {
    onMetadata?.(meta);
    assertReadableCodecs(path, meta);
    const names = parquetSchema(meta).children.map((c) => c.element.name);
    let rowStart = 0;
    for (let g = 0; g < meta.row_groups.length; g++) {
      signal?.throwIfAborted();
      const rows = Number((meta.row_groups[g] as { num_rows: bigint }).num_rows);
      const rowEnd = rowStart + rows;
      const columns = new Map<string, unknown[]>();
      try {
        await parquetRead({
          file: asyncBufferOf(file), metadata: meta, rowStart, rowEnd, columns: names, compressors: COMPRESSORS,
          onChunk: (chunk) => {
            const out = columns.get(chunk.columnName) ?? new Array<unknown>(rows);
            const from = Math.max(rowStart, chunk.rowStart);
            const to = Math.min(rowEnd, chunk.rowEnd);
            for (let r = from; r < to; r++) out[r - rowStart] = chunk.columnData[r - chunk.rowStart];
            columns.set(chunk.columnName, out);
          },
        });
      } catch (err) {
        if (err instanceof Error && err.name === 'AbortError') throw err;
        const reason = err instanceof Error ? err.message : String(err);
        throw new FormatError(`Corrupt Parquet data in row group ${g + 1} (rows ${groupDigits(rowStart + 1)}–${groupDigits(rowEnd)}): ${reason} — re-export the file`, path);
      }
      onRowGroup({ index: g, rowStart, rowEnd, columns: names.map((name) => ({ name, values: columns.get(name) ?? new Array<unknown>(rows) })) }, meta);
      rowStart = rowEnd;
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// First rows as objects (for benchmarks and previews)

/** Decompressors beyond hyparquet's built-in Snappy. */
export const COMPRESSORS: Compressors = {
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliDecompressSync(input)),
};

/** Column chunks whose compression no decompressor here reads (ZSTD, LZ4…), as "CODEC (columns)" texts. */
function unreadableCodecs(meta: FileMetaData): string[] {
  const byCodec = new Map<string, Set<string>>();
  for (const rg of meta.row_groups) {
    for (const c of rg.columns) {
      const codec = c.meta_data?.codec;
      if (!codec || codec === 'UNCOMPRESSED' || codec === 'SNAPPY' || codec in COMPRESSORS) continue;
      const columns = byCodec.get(codec) ?? new Set<string>();
      columns.add(c.meta_data?.path_in_schema.join('.') ?? '?');
      byCodec.set(codec, columns);
    }
  }
  return [...byCodec].map(([codec, columns]) => `${codec} (${[...columns].slice(0, 5).join(', ')}${columns.size > 5 ? ', …' : ''})`);
}

const READABLE_CODECS = 'uncompressed, Snappy, gzip or Brotli';

/** A FormatError before any row is read when some column chunks are compressed with a codec that cannot be read. */
function assertReadableCodecs(path: string, meta: FileMetaData): void {
  const unreadable = unreadableCodecs(meta);
  if (unreadable.length) {
    throw new FormatError(
      `Unsupported Parquet compression: ${unreadable.join('; ')} — only ${READABLE_CODECS} column data can be read; write the file again with compression='snappy'`,
      path,
    );
  }
}

function typedCell(value: string | undefined, type: ColumnType): unknown {
  if (value === undefined) return null;
  const t = inferValueType(value);
  if (t === 'null') return null;
  if ((type === 'integer' || type === 'number') && (t === 'integer' || t === 'number')) return Number(value.trim());
  if (type === 'boolean' && t === 'boolean') return value.trim().toLowerCase() === 'true';
  return value;
}

/** A Parquet value with its int64s as numbers (strings when not exact), inside lists and structs too; null for none. */
function plainValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plainValue);
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
  }
  return v;
}

/**
 * The first `limit` data rows as objects keyed by column name. CSV/TSV numbers and booleans are converted using the
 * column types inferred from the sample, and the delimiter is sniffed (readCsvMetadata); Parquet int64 values become
 * numbers when exact.
 */
export async function readSnapshotRows(path: string, format: DataFormat, limit: number): Promise<Record<string, unknown>[]> {
  const n = Math.max(0, Math.floor(limit));
  if (format === 'parquet') {
    return withParquet(path, async (file, meta) => {
      const rowEnd = Math.min(n, Number(meta.num_rows));
      if (rowEnd === 0) return [];
      assertReadableCodecs(path, meta);
      const rows = await parquetReadObjects({ file: asyncBufferOf(file), metadata: meta, rowStart: 0, rowEnd, compressors: COMPRESSORS });
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)])));
    });
  }
  if (format === 'jsonl') {
    const sample = await sampleLines(path, n);
    const out: Record<string, unknown>[] = [];
    for (const { text } of sample.lines) {
      try {
        const v: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
      } catch {
        // Invalid lines are reported by readJsonlMetadata; rows skip them.
      }
    }
    return out;
  }
  const sample = await sampleCsv(path, format === 'tsv' ? 'tsv' : 'csv', undefined, Math.max(n, 1));
  const names = columnNames(sample.header, sample.header.length);
  const records = sample.records.slice(0, n);
  const types = names.map((_, i) => combineTypes(records.map((r) => inferValueType(r.fields[i] ?? ''))).type);
  return records.map((r) => Object.fromEntries(names.map((name, i) => [name, typedCell(r.fields[i], types[i] as ColumnType)])));
}
