// Prediction and feedback logs as they grow: a JSONL file followed like `tail -F` (appends, rotation by rename,
// truncation), a JSONL document behind a URL, and KServe's CloudEvents payload logs (request and response events
// paired by id) turned into prediction records. Bad lines are reported with their line number, never fatal.
import type { Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { DEFAULT_MAX_BYTES, httpGet, type HttpOptions, type HttpResponse } from './http';
import { rowOutput, type TensorData } from './predictionRows';
import { inputHash, parseFeedbackRecord, parsePredictionRecord, type FeedbackRecord, type ParseResult, type PredictionOutput, type PredictionRecord, type Timed } from './records';

export interface LogLine {
  text: string;
  /** 1-based line number in the file it came from (after a rotation, in the new file). */
  line: number;
}

export interface LogProblem {
  source: string;
  line: number;
  message: string;
}

export interface TailOptions {
  /** Where a file seen for the first time is read from: its beginning (default) or only its last `tailBytes`. */
  tailBytes?: number;
  /** Most bytes read per call; the rest is read on the next call. Default 8 MiB. */
  maxReadBytes?: number;
  /** Longest line kept; longer lines are skipped with a problem. Default 1 MiB. */
  maxLineBytes?: number;
}

export interface TailRead {
  lines: LogLine[];
  problems: LogProblem[];
  /** The file was replaced (rotated) or truncated since the last read. */
  rotated: boolean;
  /** The file does not exist (yet). */
  missing: boolean;
}

/** Largest read whose buffer a tail keeps for the next one. */
const REUSED_READ_BYTES = 1024 * 1024;

/**
 * Follows a growing JSONL file. Each read returns the complete lines appended since the previous one, each line once:
 * a line still being written stays behind (as bytes, so a character split between two writes is decoded whole) until
 * its newline arrives. When the file is rotated (renamed away and recreated), the rest of the old file is read first
 * from the handle still open on it, then the new file from its start; when it is truncated in place, reading restarts
 * at 0. A read that finds nothing new costs one `stat`. Reads run one after another (two at once would both read the
 * same bytes); once closed, a tail reads nothing, and a read still running when it is closed releases what it opened.
 */
export class JsonlTail {
  private handle: FileHandle | undefined;
  private ino: number | undefined;
  private offset = 0;
  private lineNo = 0;
  /** Bytes of the line not yet ended by a newline. */
  private partial: Buffer = Buffer.alloc(0);
  private skipFirstLine = false;
  private reused: Buffer | undefined;
  private closed = false;
  /** The last read asked for; the next one starts after it. */
  private current: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly options: TailOptions = {},
  ) {}

  read(): Promise<TailRead> {
    const next = this.current.then(() => this.readNext());
    this.current = next.catch(() => undefined);
    return next;
  }

  private async readNext(): Promise<TailRead> {
    const out: TailRead = { lines: [], problems: [], rotated: false, missing: false };
    if (this.closed) return out;
    let budget = this.options.maxReadBytes ?? 8 * 1024 * 1024;
    let info: Stats | undefined;
    try {
      info = await stat(this.path);
    } catch {
      info = undefined;
    }
    if (this.handle && (info === undefined || info.ino !== this.ino)) {
      // Renamed away (or removed): whatever is left in the file we have open comes first.
      budget -= await this.drain(out, budget);
      if (info === undefined) return out;
      await this.release();
      out.rotated = true;
    } else if (this.handle && info && info.size < this.offset) {
      // Truncated in place (copytruncate): start over.
      this.offset = 0;
      this.lineNo = 0;
      this.partial = Buffer.alloc(0);
      out.rotated = true;
    }
    if (!info) {
      out.missing = true;
      return out;
    }
    let size: number | undefined = info.size;
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch {
        out.missing = true;
        return out;
      }
      const opened = await this.handle.stat();
      this.ino = opened.ino;
      size = opened.size;
      const first = !out.rotated && this.options.tailBytes !== undefined && opened.size > this.options.tailBytes;
      this.offset = first ? opened.size - (this.options.tailBytes as number) : 0;
      this.skipFirstLine = first;
      this.lineNo = 0;
      this.partial = Buffer.alloc(0);
    }
    if (budget > 0) await this.drain(out, budget, size);
    return out;
  }

  /** Reads from the open handle up to `size` (default: its current end) or `budget` bytes; returns the bytes read. */
  private async drain(out: TailRead, budget: number, size?: number): Promise<number> {
    const handle = this.handle;
    if (!handle) return 0;
    const end = size ?? (await handle.stat()).size;
    const want = Math.min(end - this.offset, budget);
    if (want <= 0) return 0;
    const buf = this.readBuffer(want);
    const { bytesRead } = await handle.read(buf, 0, want, this.offset);
    this.offset += bytesRead;
    const chunk = buf.subarray(0, bytesRead);
    const lastNewline = chunk.lastIndexOf(0x0a);
    if (lastNewline < 0) {
      this.partial = this.partial.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.partial, chunk]);
    } else {
      const complete = this.partial.length === 0 ? chunk.subarray(0, lastNewline) : Buffer.concat([this.partial, chunk.subarray(0, lastNewline)]);
      // Copied: the rest must not keep the whole read buffer alive.
      this.partial = Buffer.from(chunk.subarray(lastNewline + 1));
      this.addLines(out, complete.toString('utf8'));
    }
    const maxLine = this.options.maxLineBytes ?? 1024 * 1024;
    if (this.partial.length > maxLine) {
      if (!this.skipFirstLine) out.problems.push({ source: this.path, line: this.lineNo + 1, message: `a line longer than ${maxLine} bytes was skipped` });
      this.partial = Buffer.alloc(0);
      this.skipFirstLine = true;
    }
    return bytesRead;
  }

  /**
   * A buffer of at least `size` bytes: the same one read after read (nothing keeps a view of it: lines are decoded to
   * strings and the partial line is copied), so a poll does not allocate its read; reads over 1 MiB get their own.
   */
  private readBuffer(size: number): Buffer {
    if (size > REUSED_READ_BYTES) return Buffer.allocUnsafe(size);
    if (!this.reused || this.reused.length < size) this.reused = Buffer.allocUnsafe(Math.min(REUSED_READ_BYTES, Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size)))));
    return this.reused;
  }

  /** Numbers and keeps the non-blank lines of `text` (complete lines, without the last newline). */
  private addLines(out: TailRead, text: string): void {
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      const to = nl < 0 ? text.length : nl;
      this.lineNo++;
      if (this.skipFirstLine) {
        // The rest of a line we started in the middle of (tailBytes), or of an over-long line already reported.
        this.skipFirstLine = false;
      } else {
        const t = text.charCodeAt(to - 1) === 13 ? text.slice(from, to - 1) : text.slice(from, to);
        if (t.trim() !== '') out.lines.push({ text: t, line: this.lineNo });
      }
      if (nl < 0) return;
      from = nl + 1;
    }
  }

  /** Stops following the file: waits for a read in progress, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.current;
    await this.release();
  }

  private async release(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    this.ino = undefined;
    await h?.close().catch(() => undefined);
  }
}

/** Parses JSONL lines with a record parser, collecting problems with their line numbers. */
export function parseLines<T>(lines: readonly LogLine[], source: string, parse: (v: unknown) => ParseResult<T>): { records: T[]; problems: LogProblem[] } {
  const records: T[] = [];
  const problems: LogProblem[] = [];
  for (const { text, line } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      problems.push({ source, line, message: 'not valid JSON' });
      continue;
    }
    const r = parse(value);
    if (r.ok) records.push(r.value);
    else problems.push({ source, line, message: r.problem });
  }
  return { records, problems };
}

/** Bytes read again before what is new, to tell a document that grew from one that was replaced. */
const URL_OVERLAP_BYTES = 256;

/** The first byte position of a `Content-Range: bytes first-last/length` header. */
function rangeStart(header: string | undefined): number | undefined {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Follows a JSONL document behind a URL, as JsonlTail follows a file: each read returns the complete lines added
 * since the previous one, each once. A server that honours byte ranges (nginx, object stores, most static servers) is
 * asked for at most `maxBytes` from where the last read stopped, starting a few hundred bytes earlier: when those
 * bytes are not the ones read before, the document was replaced (rotated, truncated) and is read again from its end.
 * A first read asks only for its last `maxBytes`, so a log longer than that is followed from near its end instead of
 * failing as too large. A server that ignores ranges sends the whole document each time; what was read before is
 * skipped when the document still holds it in the same place.
 */
export class UrlTail {
  /** Bytes of the document read, through the last newline. */
  private offset = 0;
  /** Its last URL_OVERLAP_BYTES bytes (or all, when fewer). */
  private seen: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  /** The first line of a read that starts mid-document is the end of a line not read: it is dropped. */
  private dropFirstLine = false;

  constructor(
    private readonly url: string,
    private readonly http: HttpOptions = {},
  ) {}

  async read(): Promise<TailRead> {
    const max = this.http.maxBytes ?? DEFAULT_MAX_BYTES;
    if (this.offset === 0) return this.first(max);
    const from = this.offset - this.seen.length;
    const res = await this.get(`bytes=${from}-${from + max - 1}`);
    if (res.status === 206) {
      // Not where asked, or not the bytes read there before: another document now.
      if (rangeStart(res.headers['content-range']) !== from || !res.bytes.subarray(0, this.seen.length).equals(this.seen)) return this.first(max, true);
      return this.take(res.bytes, from, this.seen.length, false);
    }
    // 416: nothing at `from` any more, the document is shorter than what was read of it.
    if (res.status !== 200) return this.first(max, true);
    // The whole document, from a server that ignores ranges.
    if (res.bytes.length >= this.offset && res.bytes.subarray(from, this.offset).equals(this.seen)) return this.take(res.bytes, 0, this.offset, false);
    this.reset();
    return this.take(res.bytes, 0, 0, true);
  }

  private get(range: string): Promise<HttpResponse> {
    return httpGet(this.url, { ...this.http, headers: { ...this.http.headers, Range: range }, acceptStatus: (s) => (s >= 200 && s < 300) || s === 416 });
  }

  private reset(): void {
    this.offset = 0;
    this.seen = Buffer.alloc(0);
    this.lineNo = 0;
    this.dropFirstLine = false;
  }

  /** Reads the last `max` bytes of the document (all of it when it is no longer). */
  private async first(max: number, rotated = false): Promise<TailRead> {
    this.reset();
    const res = await this.get(`bytes=-${max}`);
    // 416: an empty document (no last bytes to send).
    if (res.status === 416) return { lines: [], problems: [], rotated, missing: false };
    const start = res.status === 206 ? (rangeStart(res.headers['content-range']) ?? 0) : 0;
    this.dropFirstLine = start > 0;
    return this.take(res.bytes, start, 0, rotated);
  }

  /** The complete lines of `bytes` (which start at byte `base` of the document) from index `at` on. */
  private take(bytes: Buffer, base: number, at: number, rotated: boolean): TailRead {
    const out: TailRead = { lines: [], problems: [], rotated, missing: false };
    const end = bytes.lastIndexOf(10) + 1;
    if (end <= at) {
      // No newline in what is new: a line still being written, or one longer than a whole read.
      if (bytes.length - at >= (this.http.maxBytes ?? DEFAULT_MAX_BYTES) - URL_OVERLAP_BYTES) {
        // Reported once; its rest, over the next reads, is dropped up to its newline.
        if (!this.dropFirstLine) out.problems.push({ source: this.url, line: ++this.lineNo, message: `a line longer than ${bytes.length - at} bytes was skipped` });
        this.advance(bytes, base, bytes.length);
        this.dropFirstLine = true;
      }
      return out;
    }
    for (const text of bytes.toString('utf8', at, end - 1).split('\n')) {
      if (this.dropFirstLine) {
        this.dropFirstLine = false;
        continue;
      }
      this.lineNo++;
      const t = text.endsWith('\r') ? text.slice(0, -1) : text;
      if (t.trim() !== '') out.lines.push({ text: t, line: this.lineNo });
    }
    this.advance(bytes, base, end);
    return out;
  }

  /** Moves past `bytes[0, end)`, keeping its last bytes to recognise the document by next time. */
  private advance(bytes: Buffer, base: number, end: number): void {
    this.offset = base + end;
    this.seen = Buffer.from(bytes.subarray(Math.max(0, end - URL_OVERLAP_BYTES), end));
  }

  /** Nothing to release: each read is one request. */
  async close(): Promise<void> {}
}

/** The tail that follows a log: a file's or a URL's. */
function tailOf(location: { file: string } | { url: string }, options: { http?: HttpOptions; tail?: TailOptions }): JsonlTail | UrlTail {
  return 'file' in location ? new JsonlTail(location.file, options.tail) : new UrlTail(location.url, options.http);
}

export type LogFormat = 'mlship' | 'kserve';

/** A source of prediction records: a followed file or a URL, in design.md's format or as KServe CloudEvents. */
export class PredictionSource {
  private readonly tail: JsonlTail | UrlTail;
  private readonly kserve: CloudEventsAssembler | undefined;

  constructor(
    private readonly location: { file: string } | { url: string },
    options: { format?: LogFormat; http?: HttpOptions; tail?: TailOptions; featureNames?: readonly string[] } = {},
  ) {
    this.tail = tailOf(location, options);
    if (options.format === 'kserve') this.kserve = new CloudEventsAssembler(options.featureNames);
  }

  get name(): string {
    return 'file' in this.location ? this.location.file : this.location.url;
  }

  /**
   * New records since the last call. A document behind a URL that was replaced is read again from its end, so records
   * may come twice: callers de-duplicate a URL's records by request id and time.
   */
  async read(): Promise<{ records: Timed<PredictionRecord>[]; problems: LogProblem[]; missing: boolean }> {
    const { lines, problems, missing } = await this.tail.read();
    if (this.kserve) {
      const parsed = parseLines(lines, this.name, parseCloudEvent);
      return { records: this.kserve.add(parsed.records), problems: [...problems, ...parsed.problems], missing };
    }
    const parsed = parseLines(lines, this.name, parsePredictionRecord);
    return { records: parsed.records, problems: [...problems, ...parsed.problems], missing };
  }

  async close(): Promise<void> {
    await this.tail.close();
  }
}

/** A source of feedback records (design.md's format), from a followed file or a URL. */
export class FeedbackSource {
  private readonly tail: JsonlTail | UrlTail;

  constructor(
    private readonly location: { file: string } | { url: string },
    options: { http?: HttpOptions; tail?: TailOptions } = {},
  ) {
    this.tail = tailOf(location, options);
  }

  async read(): Promise<{ records: Timed<FeedbackRecord>[]; problems: LogProblem[]; missing: boolean }> {
    const name = 'file' in this.location ? this.location.file : this.location.url;
    const r = await this.tail.read();
    const parsed = parseLines(r.lines, name, parseFeedbackRecord);
    return { records: parsed.records, problems: [...r.problems, ...parsed.problems], missing: r.missing };
  }

  async close(): Promise<void> {
    await this.tail.close();
  }
}

// ---- KServe CloudEvents payload logs -----------------------------------------------------------------------------

export const KSERVE_REQUEST = 'org.kubeflow.serving.inference.request';
export const KSERVE_RESPONSE = 'org.kubeflow.serving.inference.response';

/** One CloudEvent of KServe's payload logger, in structured mode (or its binary-mode headers as keys). */
export interface CloudEvent {
  id: string;
  type: typeof KSERVE_REQUEST | typeof KSERVE_RESPONSE;
  /** ms since the epoch, from `time`; undefined when the event has none. */
  t: number | undefined;
  service: string;
  data: unknown;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Reads a CloudEvent attribute under its structured name or as a `ce-`/`ce_` header. */
function attr(e: Record<string, unknown>, name: string): unknown {
  return e[name] ?? e[`ce-${name}`] ?? e[`ce_${name}`] ?? e[`Ce-${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`];
}

export function parseCloudEvent(value: unknown): ParseResult<CloudEvent> {
  if (!isRecord(value)) return { ok: false, problem: 'not a JSON object' };
  const type = attr(value, 'type');
  if (type !== KSERVE_REQUEST && type !== KSERVE_RESPONSE) return { ok: false, problem: `not a KServe inference event (type ${JSON.stringify(type)})` };
  const id = attr(value, 'id');
  if (typeof id !== 'string' || id === '') return { ok: false, problem: 'the event has no id' };
  const time = attr(value, 'time');
  const t = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  let data: unknown = value.data ?? value.body;
  if (data === undefined && typeof value.data_base64 === 'string') {
    try {
      data = JSON.parse(Buffer.from(value.data_base64, 'base64').toString('utf8')) as unknown;
    } catch {
      return { ok: false, problem: 'data_base64 is not base64-encoded JSON' };
    }
  }
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      return { ok: false, problem: 'the event data is not JSON' };
    }
  }
  const service = attr(value, 'inferenceservicename');
  return { ok: true, value: { id, type, t: Number.isNaN(t) ? undefined : t, service: typeof service === 'string' ? service : '', data } };
}

/** Rows of a v2 (`inputs`) or v1 (`instances`) request payload, as objects keyed by feature when possible. */
function requestRows(data: unknown, featureNames: readonly string[] | undefined): Record<string, unknown>[] {
  if (!isRecord(data)) return [];
  if (Array.isArray(data.instances)) {
    return data.instances.map((row) => {
      if (isRecord(row)) return row;
      if (Array.isArray(row)) return Object.fromEntries(row.map((v: unknown, i) => [featureNames?.[i] ?? `x${i}`, v]));
      return { input: row };
    });
  }
  if (Array.isArray(data.inputs)) {
    const tensors = data.inputs.filter((t): t is { name: string; shape: number[]; data: unknown[] } => isRecord(t) && typeof t.name === 'string' && Array.isArray(t.shape) && Array.isArray(t.data));
    const rows = tensors[0]?.shape[0] ?? 0;
    const out: Record<string, unknown>[] = [];
    for (let r = 0; r < rows; r++) {
      const row: Record<string, unknown> = {};
      for (const t of tensors) {
        const flat = t.data.flat(Infinity);
        const per = Math.max(1, Math.floor(flat.length / Math.max(1, t.shape[0] ?? 1)));
        const values = flat.slice(r * per, (r + 1) * per);
        if (tensors.length === 1 && featureNames?.length === values.length) featureNames.forEach((f, i) => (row[f] = values[i]));
        else row[t.name] = values.length === 1 ? values[0] : values;
      }
      out.push(row);
    }
    return out;
  }
  return [];
}

/** Outputs of a v2 (`outputs`) or v1 (`predictions`) response payload, per row. */
function responseOutputs(data: unknown): { output: PredictionOutput | null; confidence: number | null }[] {
  if (!isRecord(data)) return [];
  if (Array.isArray(data.predictions)) {
    return data.predictions.map((p: unknown) => {
      if (typeof p === 'number') return { output: { value: p, label: p }, confidence: null };
      if (typeof p === 'string' || typeof p === 'boolean') return { output: { label: p }, confidence: null };
      if (Array.isArray(p) && p.every((v) => typeof v === 'number')) {
        const scores = p;
        const best = scores.indexOf(Math.max(...scores));
        return { output: { label: best, scores: Object.fromEntries(scores.map((s, i) => [String(i), s])) }, confidence: Math.max(...scores) };
      }
      return { output: null, confidence: null };
    });
  }
  if (Array.isArray(data.outputs)) {
    const tensors: TensorData[] = data.outputs
      .filter((t): t is { name: string; shape: number[]; datatype: string; data: unknown[] } => isRecord(t) && typeof t.name === 'string' && Array.isArray(t.shape) && Array.isArray(t.data))
      .map((t) => ({ name: t.name, dtype: String(t.datatype).toLowerCase().replace(/^fp/, 'float'), dims: t.shape, data: t.data.flat(Infinity) }));
    const rows = tensors[0]?.dims[0] ?? 0;
    return Array.from({ length: rows }, (_, r) => rowOutput(tensors, rows, r));
  }
  return [];
}

/**
 * Pairs KServe request and response events by id into prediction records (one per row of a batch, ids suffixed
 * `/row`), with the latency between the two events. Requests waiting for their response are kept (up to 10,000).
 */
export class CloudEventsAssembler {
  private readonly pending = new Map<string, CloudEvent>();
  private readonly responses = new Map<string, CloudEvent>();

  constructor(private readonly featureNames?: readonly string[]) {}

  add(events: readonly CloudEvent[]): Timed<PredictionRecord>[] {
    const out: Timed<PredictionRecord>[] = [];
    for (const e of events) {
      const other = e.type === KSERVE_REQUEST ? this.responses.get(e.id) : this.pending.get(e.id);
      if (!other) {
        (e.type === KSERVE_REQUEST ? this.pending : this.responses).set(e.id, e);
        continue;
      }
      this.pending.delete(e.id);
      this.responses.delete(e.id);
      const [req, res] = e.type === KSERVE_REQUEST ? [e, other] : [other, e];
      out.push(...this.records(req, res));
    }
    for (const map of [this.pending, this.responses]) {
      while (map.size > 10_000) map.delete(map.keys().next().value as string);
    }
    return out;
  }

  private records(req: CloudEvent, res: CloudEvent): Timed<PredictionRecord>[] {
    const rows = requestRows(req.data, this.featureNames);
    const outputs = responseOutputs(res.data);
    const t = res.t ?? req.t ?? Date.now();
    const latency = req.t !== undefined && res.t !== undefined ? Math.max(0, res.t - req.t) : null;
    const n = Math.max(rows.length, outputs.length);
    return Array.from({ length: n }, (_, r) => {
      const inputs = rows[r] ?? {};
      const o = outputs[r] ?? { output: null, confidence: null };
      return {
        t,
        record: {
          ts: new Date(t).toISOString(),
          feature: req.service || res.service,
          model: req.service || res.service,
          model_version: '',
          request_id: n === 1 ? req.id : `${req.id}/${r}`,
          input_hash: inputHash(inputs),
          inputs,
          output: o.output,
          confidence: o.confidence,
          path: 'model',
          reason: null,
          latency_ms: latency,
          variant: null,
        },
      };
    });
  }
}
