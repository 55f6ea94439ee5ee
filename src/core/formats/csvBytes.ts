// A streaming CSV/TSV scanner over bytes (RFC 4180: quoted fields, "" escapes, newlines inside quotes, CRLF, BOM)
// for profiling large files: fields are reported as byte ranges of a reused buffer, so a numeric field is parsed
// without ever becoming a string. Memory is bounded by the chunk size plus the longest record (capped).

/** One record: fields i in [0, count) are bytes [starts[i], ends[i]) of `buf` (quotes excluded). */
export interface CsvRecordView {
  buf: Buffer;
  starts: Int32Array;
  ends: Int32Array;
  /** 1 when the field was quoted and contains "" escapes (use csvFieldText to get its text). */
  escaped: Uint8Array;
  count: number;
  /** 1-based physical line where the record starts. */
  line: number;
  /** Byte offset of the record in the file (or stream). */
  position: number;
  /**
   * With the `numericFields` option: true when this record was read on the fast path, and then `numbers[i]` is
   * field i as parseNumberBytes reads it for every field the option asks for, or NaN where the bytes are not a plain
   * decimal (the caller then reads the bytes itself). False on records with quotes, and without the option.
   */
  parsed: boolean;
  numbers: Float64Array;
  /** On the fast path: how many of the fields `numericFields` asks for are NaN in `numbers` (0 on other records). */
  missed: number;
}

/**
 * Where the fast path also puts the numbers it parses (the `numberQueues` option): field i's next number goes to
 * values[i * stride + fills[i]], and fills[i] is incremented. Only records of exactly numericFields.length fields
 * leave their numbers there (a record of another length has them taken back before it is reported). The owner
 * empties the queues (fills[i] = 0) before one can hold more than `stride` numbers: one record adds at most one
 * number to each.
 */
export interface CsvNumberQueues {
  values: Float64Array;
  fills: Int32Array;
  stride: number;
}

export interface CsvScanOptions {
  /** Line number of the first byte pushed (default 1). */
  startLine?: number;
  /** Byte offset of the first byte pushed (default 0). A BOM is skipped only at offset 0. */
  startOffset?: number;
  /** Stop at the first record that starts at or after this offset (a part of a file read in parallel). */
  stopAt?: number;
  maxRecordBytes?: number;
  /**
   * Fields (by index, 1 = yes) whose numbers the caller wants parsed while the record is scanned. A record on one line
   * without a quote is then split and its numeric fields parsed in the same pass over its bytes (see CsvRecordView).
   */
  numericFields?: Uint8Array;
  /** With `numericFields`: queues that the numbers parsed on the fast path are also written to. */
  numberQueues?: CsvNumberQueues;
}

export interface CsvScanProblem {
  kind: 'long-record' | 'text-after-quote' | 'unterminated-quote';
  line: number;
  bytes?: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Exact powers of ten (Clinger's fast path). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Default cap on one record's size: longer records are skipped and reported. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export class CsvScanner {
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private escaped = new Uint8Array(64);
  /** The `escaped` of records from the fast path (no quote in them): all zeros, so that path writes none. */
  private noEscapes = new Uint8Array(64);
  private numbers = new Float64Array(64);
  private readonly numericFields: Uint8Array | undefined;
  private readonly queues: CsvNumberQueues | undefined;
  /** Numeric fields the last splitLine() could not parse (NaN in `numbers`). */
  private missed = 0;
  /** Line number of byte 0 of `buf`. */
  private line: number;
  /** Offset of byte 0 of `buf` in the file. */
  private base: number;
  private first: boolean;
  /** Skipping an over-long record until the next newline. */
  private skipping = false;
  private readonly stopAt: number;
  private readonly maxRecordBytes: number;
  /** Set when a record starting at or after `stopAt` was reached: its offset and line. */
  stoppedAt: { position: number; line: number } | undefined;

  constructor(
    private readonly delimiter: number,
    private readonly onRecord: (r: CsvRecordView) => void,
    private readonly onProblem: (p: CsvScanProblem) => void,
    options: CsvScanOptions = {},
  ) {
    this.line = options.startLine ?? 1;
    this.base = options.startOffset ?? 0;
    this.first = this.base === 0;
    this.stopAt = options.stopAt ?? Infinity;
    this.maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
    this.numericFields = options.numericFields;
    this.queues = options.numberQueues;
  }

  /** Lines consumed so far: the line number the next record starts on. */
  get currentLine(): number {
    return this.line;
  }

  private grow(fields: number): void {
    const n = Math.max(fields, this.starts.length * 2);
    const s = new Int32Array(n);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(n);
    e.set(this.ends);
    this.ends = e;
    const q = new Uint8Array(n);
    q.set(this.escaped);
    this.escaped = q;
    this.noEscapes = new Uint8Array(n);
    const x = new Float64Array(n);
    x.set(this.numbers);
    this.numbers = x;
  }

  /** Feeds the next bytes; returns false once the stop offset was reached (the rest is not needed). */
  push(chunk: Buffer): boolean {
    if (this.stoppedAt) return false;
    let data = chunk;
    if (this.first) {
      this.first = false;
      if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        data = data.subarray(3);
        this.base += 3;
      }
    }
    if (this.len > 0) {
      // A record was cut by the last chunk's end: it is completed with this chunk's first line alone, so that the rest
      // of the chunk is scanned where it is instead of being copied after the cut record.
      const nl = data.indexOf(LF);
      if (nl >= 0 && nl + 1 < data.length) {
        if (!this.pushBytes(data.subarray(0, nl + 1))) return false;
        data = data.subarray(nl + 1);
      }
    }
    return this.pushBytes(data);
  }

  private pushBytes(data: Buffer): boolean {
    if (this.len === 0) {
      this.buf = data;
      this.len = data.length;
    } else {
      const next = Buffer.allocUnsafe(this.len + data.length);
      this.buf.copy(next, 0, 0, this.len);
      data.copy(next, this.len);
      this.buf = next;
      this.len = next.length;
    }
    const consumed = this.scan(false);
    if (this.stoppedAt) return false;
    this.keep(consumed);
    return true;
  }

  end(): void {
    if (this.len > 0 && !this.stoppedAt) this.scan(true);
    this.len = 0;
  }

  /** Keeps bytes [from, len) for the next push. */
  private keep(from: number): void {
    const rest = this.len - from;
    if (rest > this.maxRecordBytes && !this.skipping) {
      this.onProblem({ kind: 'long-record', line: this.line, bytes: rest });
      this.skipping = true;
    }
    if (this.skipping) {
      // Drop what is buffered; keep counting lines.
      for (let i = from; i < this.len; i++) if (this.buf[i] === LF) this.line++;
      this.base += this.len;
      this.len = 0;
      this.buf = Buffer.alloc(0);
      return;
    }
    this.buf = Buffer.from(this.buf.subarray(from, this.len));
    this.base += from;
    this.len = rest;
  }

  /** Scans complete records; returns the offset of the first byte not consumed. */
  private scan(atEnd: boolean): number {
    const buf = this.buf;
    const len = this.len;
    const d = this.delimiter;
    let pos = 0;
    if (this.skipping) {
      const nl = buf.indexOf(LF, 0);
      if (nl < 0 || nl >= len) {
        if (atEnd) this.skipping = false;
        return len;
      }
      this.line++;
      pos = nl + 1;
      this.skipping = false;
    }
    let starts = this.starts;
    let ends = this.ends;
    let escaped = this.escaped;
    const view: CsvRecordView = { buf, starts, ends, escaped, count: 0, line: 0, position: 0, parsed: false, numbers: this.numbers, missed: 0 };
    const numeric = this.numericFields;
    // Offset of the next quote at or after `pos` (len when there is none): lines before it have no quoted field.
    let nextQuote = numeric ? -1 : len;
    while (pos < len) {
      const recStart = pos;
      if (this.base + pos >= this.stopAt) {
        this.stoppedAt = { position: this.base + pos, line: this.line };
        return pos;
      }
      if (numeric) {
        // Fast path: a whole line without a quote, split and its numeric fields parsed in one pass.
        const nl = buf.indexOf(LF, pos);
        if (nl >= 0 && nl < len && nl - pos < this.maxRecordBytes) {
          if (nextQuote < pos) {
            const q = buf.indexOf(QUOTE, pos);
            nextQuote = q < 0 || q > len ? len : q;
          }
          if (nextQuote > nl) {
            const count = this.splitLine(buf, pos, nl, numeric);
            ({ starts, ends, escaped } = this);
            if (this.queues && count !== numeric.length) this.unqueue(count, numeric, this.queues);
            const line = this.line++;
            pos = nl + 1;
            if (count === 1 && ends[0] === starts[0]) continue; // a blank line
            view.starts = starts;
            view.ends = ends;
            view.escaped = this.noEscapes;
            view.numbers = this.numbers;
            view.count = count;
            view.line = line;
            view.position = this.base + recStart;
            view.parsed = true;
            view.missed = this.missed;
            this.onRecord(view);
            continue;
          }
        }
        view.parsed = false;
        view.missed = 0;
      }
      const recLine = this.line;
      let lines = 0;
      let count = 0;
      let i = pos;
      let complete = false;
      let inField = true;
      while (inField) {
        if (count >= starts.length) {
          this.grow(count + 1);
          ({ starts, ends, escaped } = this);
        }
        if (i < len && buf[i] === QUOTE) {
          // Quoted field.
          let j = i + 1;
          let esc = 0;
          let closed = false;
          while (j < len) {
            const c = buf[j] as number;
            if (c === QUOTE) {
              if (j + 1 < len && buf[j + 1] === QUOTE) {
                esc = 1;
                j += 2;
                continue;
              }
              if (j + 1 >= len && !atEnd) break; // cannot tell yet whether "" follows
              closed = true;
              break;
            }
            if (c === LF) lines++;
            j++;
          }
          if (!closed) {
            if (!atEnd) return recStart;
            this.onProblem({ kind: 'unterminated-quote', line: recLine });
            starts[count] = i + 1;
            ends[count] = len;
            escaped[count] = esc;
            count++;
            i = len;
            complete = true;
            break;
          }
          starts[count] = i + 1;
          ends[count] = j;
          escaped[count] = esc;
          i = j + 1;
          // Text between the closing quote and the delimiter is kept out of the field and reported.
          let k = i;
          while (k < len && buf[k] !== d && buf[k] !== LF) k++;
          if (k > i && !(k === i + 1 && buf[i] === CR && (k >= len || buf[k] === LF))) this.onProblem({ kind: 'text-after-quote', line: recLine + lines });
          if (k >= len && !atEnd) return recStart;
          count++;
          i = k;
        } else {
          let k = i;
          while (k < len) {
            const c = buf[k] as number;
            if (c === d || c === LF) break;
            k++;
          }
          if (k >= len && !atEnd) return recStart;
          let e = k;
          if ((k >= len || buf[k] === LF) && e > i && buf[e - 1] === CR) e--;
          starts[count] = i;
          ends[count] = e;
          escaped[count] = 0;
          count++;
          i = k;
        }
        if (i >= len) {
          complete = true;
          inField = false;
        } else if (buf[i] === d) {
          i++;
          if (i >= len && atEnd) {
            // A trailing delimiter at EOF: one more empty field.
            if (count >= starts.length) {
              this.grow(count + 1);
              ({ starts, ends, escaped } = this);
            }
            starts[count] = i;
            ends[count] = i;
            escaped[count] = 0;
            count++;
            complete = true;
            inField = false;
          }
        } else {
          // LF
          lines++;
          i++;
          complete = true;
          inField = false;
        }
      }
      if (!complete) return recStart;
      this.line += lines;
      pos = i;
      if (i - recStart > this.maxRecordBytes) {
        // As long as a record that never fit the buffer: skipped the same way, whatever the chunk sizes.
        this.onProblem({ kind: 'long-record', line: recLine, bytes: i - recStart });
        continue;
      }
      // Blank lines (one empty unquoted field) are not records.
      const blank = count === 1 && ends[0] === starts[0] && buf[recStart] !== QUOTE;
      if (!blank) {
        view.starts = starts;
        view.ends = ends;
        view.escaped = escaped;
        view.parsed = false;
        view.missed = 0;
        view.count = count;
        view.line = recLine;
        view.position = this.base + recStart;
        this.onRecord(view);
      }
    }
    return pos;
  }

  /**
   * Splits the line [s, nl) — no quote in it, LF at `nl` — into fields, parsing the numbers `numeric` asks for on the
   * way (NaN where the bytes are not a plain decimal of at most 15 significant digits: the caller reads those bytes
   * with parseNumberBytes, which also knows exponents, spaces and long mantissas). Returns the field count.
   */
  private splitLine(buf: Buffer, s: number, nl: number, numeric: Uint8Array): number {
    const d = this.delimiter;
    const e = nl > s && buf[nl - 1] === CR ? nl - 1 : nl;
    let starts = this.starts;
    let ends = this.ends;
    let numbers = this.numbers;
    const queues = this.queues;
    let missed = 0;
    let count = 0;
    let i = s;
    for (;;) {
      if (count >= starts.length) {
        this.grow(count + 1);
        ({ starts, ends, numbers } = this);
      }
      let j = i;
      if (count < numeric.length && numeric[count] === 1) {
        let c = j < e ? (buf[j] as number) : 0;
        const neg = c === 0x2d;
        if (neg || c === 0x2b) j++;
        // Digits, then an optional decimal point and the fraction's digits (`frac` of them).
        let mant = 0;
        const intStart = j;
        while (j < e) {
          c = buf[j] as number;
          if (c < 0x30 || c > 0x39) break;
          mant = mant * 10 + (c - 0x30);
          j++;
        }
        let digits = j - intStart;
        let frac = 0;
        if (j < e && buf[j] === 0x2e) {
          const fracStart = ++j;
          while (j < e) {
            c = buf[j] as number;
            if (c < 0x30 || c > 0x39) break;
            mant = mant * 10 + (c - 0x30);
            j++;
          }
          frac = j - fracStart;
          digits += frac;
        }
        // At most 15 significant digits (mant < 10^15: exact, and so is mant / 10^frac once rounded).
        if (digits > 0 && mant < 1e15 && frac <= 22 && (j === e || buf[j] === d)) {
          const v = frac === 0 ? mant : mant / (POW10[frac] as number);
          const x = neg ? -v : v;
          numbers[count] = x;
          if (queues) {
            const at = queues.fills[count] as number;
            queues.values[count * queues.stride + at] = x;
            queues.fills[count] = at + 1;
          }
        } else {
          numbers[count] = Number.NaN;
          missed++;
          while (j < e && buf[j] !== d) j++;
        }
      } else {
        while (j < e && buf[j] !== d) j++;
      }
      starts[count] = i;
      ends[count] = j;
      count++;
      if (j >= e) {
        this.missed = missed;
        return count;
      }
      i = j + 1;
    }
  }

  /** Takes back the numbers splitLine() queued for a record of `count` fields (not numericFields.length). */
  private unqueue(count: number, numeric: Uint8Array, queues: CsvNumberQueues): void {
    const numbers = this.numbers;
    for (let i = 0; i < Math.min(count, numeric.length); i++) {
      if (numeric[i] === 1 && numbers[i] === numbers[i]) queues.fills[i] = (queues.fills[i] as number) - 1;
    }
  }
}

/** A field's text (quotes unescaped, UTF-8 decoded). */
export function csvFieldText(r: CsvRecordView, i: number): string {
  const s = r.starts[i] as number;
  const e = r.ends[i] as number;
  const text = r.buf.toString('utf8', s, e);
  return r.escaped[i] ? text.replace(/""/g, '"') : text;
}

/**
 * Guesses the delimiter from the first lines: the candidate (comma, tab, semicolon, pipe) that splits the most lines
 * into the same number (> 1) of fields, outside quotes. Falls back to `fallback`.
 */
export function sniffDelimiter(head: Buffer, fallback: string): string {
  const candidates = [',', '\t', ';', '|'];
  const text = head.toString('utf8');
  const lines: string[] = [];
  let cur = '';
  let inQ = false;
  for (const ch of text) {
    if (ch === '"') inQ = !inQ;
    if (ch === '\n' && !inQ) {
      if (cur.trim()) lines.push(cur);
      cur = '';
      if (lines.length >= 50) break;
    } else cur += ch;
  }
  if (lines.length === 0 && cur.trim()) lines.push(cur);
  if (lines.length === 0) return fallback;
  let best = fallback;
  let bestScore = 0;
  for (const c of candidates) {
    const counts = lines.map((l) => {
      let n = 0;
      let q = false;
      for (const ch of l) {
        if (ch === '"') q = !q;
        else if (ch === c && !q) n++;
      }
      return n;
    });
    const first = counts[0] as number;
    if (first === 0) continue;
    const consistent = counts.filter((n) => n === first).length / counts.length;
    const score = consistent * 1000 + first;
    if (score > bestScore + (c === fallback ? -1 : 0) || (c === fallback && score >= bestScore)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers and missing values straight from bytes.

/** Missing-value spellings, as the metadata reader's type inference knows them (trimmed). */
const NULL_TOKENS = ['NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A'].map((t) => Buffer.from(t));

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** True when the (trimmed) bytes spell a missing value: empty, NA, N/A, NaN, null, None, #N/A… */
export function isMissingBytes(buf: Buffer, s: number, e: number): boolean {
  if (e - s > 6) return false;
  while (s < e && isSpace(buf[s] as number)) s++;
  while (e > s && isSpace(buf[e - 1] as number)) e--;
  const n = e - s;
  if (n === 0) return true;
  if (n > 4) return false;
  const c0 = buf[s] as number;
  if (c0 !== 0x4e && c0 !== 0x6e && c0 !== 0x23) return false; // N n #
  outer: for (const t of NULL_TOKENS) {
    if (t.length !== n) continue;
    for (let i = 0; i < n; i++) if (t[i] !== buf[s + i]) continue outer;
    return true;
  }
  return false;
}

/**
 * Parses a decimal number (optional sign, digits, optional fraction, optional exponent) from bytes, exactly as
 * Number() would; NaN when the bytes are not such a number (inf, hex, words, thousands separators).
 */
export function parseNumberBytes(buf: Buffer, s: number, e: number): number {
  while (s < e && isSpace(buf[s] as number)) s++;
  while (e > s && isSpace(buf[e - 1] as number)) e--;
  if (s >= e) return Number.NaN;
  let i = s;
  let neg = false;
  let c = buf[i] as number;
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    i++;
  }
  let mant = 0;
  let sig = 0;
  let exp10 = 0;
  let any = false;
  while (i < e) {
    c = buf[i] as number;
    if (c < 0x30 || c > 0x39) break;
    any = true;
    if (sig < 16) {
      mant = mant * 10 + (c - 0x30);
      if (mant !== 0) sig++;
    } else exp10++;
    i++;
  }
  if (i < e && buf[i] === 0x2e) {
    i++;
    while (i < e) {
      c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      any = true;
      if (sig < 16) {
        mant = mant * 10 + (c - 0x30);
        if (mant !== 0) sig++;
        exp10--;
      }
      i++;
    }
  }
  if (!any) return Number.NaN;
  if (i < e && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    let eneg = false;
    if (i < e && (buf[i] === 0x2d || buf[i] === 0x2b)) {
      eneg = buf[i] === 0x2d;
      i++;
    }
    let ev = 0;
    let edigits = 0;
    while (i < e) {
      c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      if (ev < 100000) ev = ev * 10 + (c - 0x30);
      edigits++;
      i++;
    }
    if (edigits === 0) return Number.NaN;
    exp10 += eneg ? -ev : ev;
  }
  if (i !== e) return Number.NaN;
  // Clinger's fast path: an exact mantissa below 2^53 times an exact power of ten is correctly rounded.
  if (sig <= 15 && mant <= 9007199254740991 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 >= 0 ? mant * (POW10[exp10] as number) : mant / (POW10[-exp10] as number);
    return neg ? -v : v;
  }
  return Number(buf.toString('latin1', s, e));
}

function digits(buf: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = (buf[i + k] ?? 0) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time in bytes (YYYY-MM-DD, optionally followed by
 * [T or space]HH:MM[:SS[.fff]] and Z or ±HH[:MM]); a time without a zone is read as UTC. NaN when the bytes are not
 * such a date.
 */
export function parseIsoDateBytes(buf: Uint8Array, s: number, e: number): number {
  while (s < e && isSpace(buf[s] as number)) s++;
  while (e > s && isSpace(buf[e - 1] as number)) e--;
  if (e - s < 10 || buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d) return Number.NaN;
  const y = digits(buf, s, 4);
  const mo = digits(buf, s + 5, 2);
  const d = digits(buf, s + 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return Number.NaN;
  let i = s + 10;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let offset = 0;
  if (i < e) {
    if (buf[i] !== 0x54 && buf[i] !== 0x20 && buf[i] !== 0x74) return Number.NaN;
    h = digits(buf, i + 1, 2);
    mi = digits(buf, i + 4, 2);
    if (h < 0 || h > 23 || buf[i + 3] !== 0x3a || mi < 0 || mi > 59) return Number.NaN;
    i += 6;
    if (i < e && buf[i] === 0x3a) {
      sec = digits(buf, i + 1, 2);
      if (sec < 0 || sec > 60) return Number.NaN;
      i += 3;
      if (i < e && (buf[i] === 0x2e || buf[i] === 0x2c)) {
        i++;
        let scale = 100;
        while (i < e && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) {
          ms += ((buf[i] as number) - 0x30) * scale;
          scale /= 10;
          i++;
        }
      }
    }
    if (i < e) {
      const z = buf[i] as number;
      if (z === 0x5a || z === 0x7a) i++;
      else if (z === 0x2b || z === 0x2d) {
        const oh = digits(buf, i + 1, 2);
        let j = i + 3;
        if (buf[j] === 0x3a) j++;
        const om = j < e ? digits(buf, j, 2) : 0;
        if (oh < 0 || om < 0) return Number.NaN;
        offset = (z === 0x2d ? -1 : 1) * (oh * 60 + om) * 60_000;
        i = j < e ? j + 2 : j;
      } else return Number.NaN;
    }
    if (i !== e) return Number.NaN;
  }
  // Date.UTC reads years 0–99 as 1900–1999; from year 100 on, plain day arithmetic gives the same, faster.
  if (y < 100) return Date.UTC(y, mo - 1, d, h, mi, sec, Math.round(ms)) - offset;
  return (monthStart(y, mo) + d - 1) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + Math.round(ms) - offset;
}

/** daysFromCivil(y, m, 1) for the years 1900–2155, filled in as they are met (NaN: not yet). */
const MONTH_STARTS = new Float64Array(256 * 12).fill(Number.NaN);

/** Days from 1970-01-01 to the first of month m of year y (from MONTH_STARTS within its years). */
function monthStart(y: number, m: number): number {
  const at = (y - 1900) * 12 + m - 1;
  if (at < 0 || at >= MONTH_STARTS.length) return daysFromCivil(y, m, 1);
  const known = MONTH_STARTS[at] as number;
  if (known === known) return known;
  const days = daysFromCivil(y, m, 1);
  MONTH_STARTS[at] = days;
  return days;
}

/**
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's days_from_civil); linear in d, so
 * day 31 of a 30-day month rolls over into the next month as Date.UTC does.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
