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
}

export interface CsvScanProblem {
  kind: 'long-record' | 'text-after-quote' | 'unterminated-quote';
  line: number;
  bytes?: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Default cap on one record's size: longer records are skipped and reported. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export class CsvScanner {
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private escaped = new Uint8Array(64);
  /** Line number of byte 0 of `buf`. */
  private line = 1;
  private first = true;
  /** Skipping an over-long record until the next newline. */
  private skipping = false;

  constructor(
    private readonly delimiter: number,
    private readonly onRecord: (r: CsvRecordView) => void,
    private readonly onProblem: (p: CsvScanProblem) => void,
    private readonly maxRecordBytes = MAX_RECORD_BYTES,
  ) {}

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
  }

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.first) {
      this.first = false;
      if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    }
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
    this.keep(consumed);
  }

  end(): void {
    if (this.len > 0) this.scan(true);
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
      this.len = 0;
      this.buf = Buffer.alloc(0);
      return;
    }
    this.buf = Buffer.from(this.buf.subarray(from, this.len));
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
        return atEnd ? len : len;
      }
      this.line++;
      pos = nl + 1;
      this.skipping = false;
    }
    while (pos < len) {
      const recStart = pos;
      const recLine = this.line;
      let lines = 0;
      let count = 0;
      let i = pos;
      let complete = false;
      let inField = true;
      while (inField) {
        if (count >= this.starts.length) this.grow(count + 1);
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
            this.starts[count] = i + 1;
            this.ends[count] = len;
            this.escaped[count] = esc;
            count++;
            i = len;
            complete = true;
            break;
          }
          this.starts[count] = i + 1;
          this.ends[count] = j;
          this.escaped[count] = esc;
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
          this.starts[count] = i;
          this.ends[count] = e;
          this.escaped[count] = 0;
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
            if (count >= this.starts.length) this.grow(count + 1);
            this.starts[count] = i;
            this.ends[count] = i;
            this.escaped[count] = 0;
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
      // Blank lines (one empty unquoted field) are not records.
      const blank = count === 1 && this.ends[0] === this.starts[0] && buf[recStart] !== QUOTE;
      if (!blank) this.onRecord({ buf, starts: this.starts, ends: this.ends, escaped: this.escaped, count, line: recLine });
    }
    return pos;
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

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Missing-value spellings, as the metadata reader's type inference knows them (trimmed). */
const NULL_TOKENS = ['NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A'].map((t) => Buffer.from(t));

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Trims spaces and tabs: returns [start, end). */
export function trimBytes(buf: Buffer, s: number, e: number): [number, number] {
  while (s < e && isSpace(buf[s] as number)) s++;
  while (e > s && isSpace(buf[e - 1] as number)) e--;
  return [s, e];
}

/** True when the (trimmed) bytes spell a missing value: empty, NA, N/A, NaN, null, None, #N/A… */
export function isMissingBytes(buf: Buffer, s: number, e: number): boolean {
  [s, e] = trimBytes(buf, s, e);
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
  [s, e] = trimBytes(buf, s, e);
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
