// Prometheus, both ways a deployment's metrics can be read: the text exposition format a server scrapes (parsed
// here, histograms turned into percentiles with the semantics of PromQL's `histogram_quantile`, counter resets
// handled), and the HTTP API of a Prometheus (or Thanos, Mimir, VictoriaMetrics) server (`query_range`, with its
// error bodies surfaced).
import { ConnectorError, httpGet, type HttpOptions } from './http';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_count` for a histogram `x`). */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  samples: Sample[];
}

/** A line of an exposition that does not follow the text format, with its 1-based line number. */
export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`Line ${line} of the metrics is not in the Prometheus text format: ${message}`);
    this.name = 'ExpositionError';
  }
}

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

function parseValue(text: string): number | undefined {
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return Number.NaN;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The family a sample belongs to: `x_bucket`/`x_sum`/`x_count` of a declared histogram or summary `x`. */
function familyOf(name: string, declared: Map<string, MetricFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count', '_created']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = declared.get(base)?.type;
      if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
    }
  }
  return name;
}

const isLabelStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isLabelChar = (c: number): boolean => isLabelStart(c) || (c >= 48 && c <= 57);
const isNameChar = (c: number): boolean => isLabelChar(c) || c === 58;

/** Parses `{name="value",…}` from `start` (the brace), by character codes: a scrape has a few dozen of these per poll. */
function parseLabels(line: string, start: number, lineNo: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpace = (): void => {
    for (let c = line.charCodeAt(i); c === 32 || c === 9; c = line.charCodeAt(i)) i++;
  };
  for (;;) {
    skipSpace();
    if (line.charCodeAt(i) === 125) return { labels, end: i + 1 };
    if (!isLabelStart(line.charCodeAt(i))) throw new ExpositionError(lineNo, `expected a label name at column ${i + 1}.`);
    const from = i;
    for (i++; isLabelChar(line.charCodeAt(i)); i++);
    const name = line.slice(from, i);
    skipSpace();
    if (line.charCodeAt(i) !== 61) throw new ExpositionError(lineNo, `expected '=' after label ${name}.`);
    i++;
    skipSpace();
    if (line.charCodeAt(i) !== 34) throw new ExpositionError(lineNo, `the value of label ${name} must be quoted.`);
    i++;
    // The value up to the closing quote: runs without a backslash are copied whole, escapes one by one.
    let value = '';
    let run = i;
    for (;;) {
      if (i >= line.length) throw new ExpositionError(lineNo, `the value of label ${name} is not closed.`);
      const c = line.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        const n = line[i + 1];
        value += line.slice(run, i) + (n === 'n' ? '\n' : n === '"' ? '"' : n === '\\' ? '\\' : `\\${n ?? ''}`);
        i += 2;
        run = i;
      } else i++;
    }
    value += line.slice(run, i);
    i++;
    labels[name] = value;
    skipSpace();
    if (line.charCodeAt(i) === 44) i++;
    else if (line.charCodeAt(i) !== 125) throw new ExpositionError(lineNo, `expected ',' or '}' after label ${name}.`);
  }
}

/**
 * The value and timestamp fields after a sample's name and labels: `rest.trim().split(/\s+/)`, by character codes
 * when `rest` is printable ASCII separated by spaces (as exporters write it), by the regular expression otherwise.
 */
function sampleFields(rest: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rest.length) {
    const c = rest.charCodeAt(i);
    if (c === 32) {
      i++;
      continue;
    }
    const from = i;
    for (let d = c; i < rest.length && d !== 32; d = rest.charCodeAt(++i)) if (d < 32 || d >= 127) return rest.trim().split(/\s+/);
    out.push(rest.slice(from, i));
  }
  return out.length === 0 ? [''] : out;
}

/**
 * Parses the Prometheus text exposition format (version 0.0.4, as prom-client and most exporters write it) into
 * families keyed by name. Histogram and summary samples (`_bucket`, `_sum`, `_count`) are grouped under their
 * family when it is declared with `# TYPE`.
 * @throws ExpositionError naming the line for anything else: an HTML page, JSON, a truncated line.
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const get = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, type: 'untyped', samples: [] }));
    return f;
  };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] as string;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    const lineNo = n + 1;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(trimmed);
      if (!m) continue; // an ordinary comment
      const f = get(m[2] as string);
      if (m[1] === 'TYPE') {
        const t = (m[3] ?? '').trim();
        if (!(TYPES as readonly string[]).includes(t)) throw new ExpositionError(lineNo, `unknown metric type "${t}".`);
        f.type = t as MetricType;
      } else {
        f.help = m[3] ?? '';
      }
      continue;
    }
    // NAME, by character codes.
    let nameEnd = 0;
    if (isNameChar(trimmed.charCodeAt(0)) && !(trimmed.charCodeAt(0) >= 48 && trimmed.charCodeAt(0) <= 57)) for (nameEnd = 1; isNameChar(trimmed.charCodeAt(nameEnd)); nameEnd++);
    if (nameEnd === 0) throw new ExpositionError(lineNo, `expected a metric name, got "${trimmed.slice(0, 40)}".`);
    const name = trimmed.slice(0, nameEnd);
    let rest = trimmed.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest, 0, lineNo);
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    const parts = sampleFields(rest);
    if (parts.length < 1 || parts.length > 2 || parts[0] === '') throw new ExpositionError(lineNo, `expected a value after ${name}.`);
    const value = parseValue(parts[0] as string);
    if (value === undefined) throw new ExpositionError(lineNo, `"${parts[0]}" is not a number.`);
    const sample: Sample = { name, labels, value };
    if (parts[1] !== undefined) {
      const ts = Number(parts[1]);
      if (!Number.isInteger(ts)) throw new ExpositionError(lineNo, `"${parts[1]}" is not a timestamp in milliseconds.`);
      sample.timestampMs = ts;
    }
    get(familyOf(name, families)).samples.push(sample);
  }
  return families;
}

export interface Bucket {
  /** Upper bound (`le`); the last bucket is +Inf. */
  le: number;
  /** Cumulative count of observations ≤ le. */
  count: number;
}

/** One histogram series: its labels (without `le`), buckets, sum and count. */
export interface HistogramSeries {
  labels: Record<string, string>;
  buckets: Bucket[];
  sum: number;
  count: number;
}

function seriesKey(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  // Labels already in name order (as exporters write them): the key straight away, without a sorted copy.
  let key = '';
  let prev = '';
  for (const k of keys) {
    if (k === 'le') continue;
    if (key !== '' && !(prev < k)) return sortedSeriesKey(keys, labels);
    key += `${key === '' ? '' : ','}${k}=${labels[k]}`;
    prev = k;
  }
  return key;
}

function sortedSeriesKey(keys: string[], labels: Record<string, string>): string {
  return keys
    .filter((k) => k !== 'le')
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** Whether a sample's labels include every label of `match` (given as its entries, `Object.entries(match)`). */
export function matches(labels: Record<string, string>, match: readonly [string, string][]): boolean {
  for (const [k, v] of match) if (labels[k] !== v) return false;
  return true;
}

/** The series of a histogram family, optionally only those whose labels include `match`. */
export function histogramSeries(family: MetricFamily, match: Record<string, string> = {}): HistogramSeries[] {
  const byKey = new Map<string, HistogramSeries>();
  const wanted = Object.entries(match);
  for (const s of family.samples) {
    if (!matches(s.labels, wanted)) continue;
    const key = seriesKey(s.labels);
    let h = byKey.get(key);
    if (!h) {
      const rest = Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== 'le'));
      byKey.set(key, (h = { labels: rest, buckets: [], sum: Number.NaN, count: Number.NaN }));
    }
    if (s.name.endsWith('_bucket')) {
      const le = parseValue(s.labels.le ?? '');
      if (le !== undefined) h.buckets.push({ le, count: s.value });
    } else if (s.name.endsWith('_sum')) h.sum = s.value;
    else if (s.name.endsWith('_count')) h.count = s.value;
  }
  for (const h of byKey.values()) h.buckets.sort((a, b) => a.le - b.le);
  return [...byKey.values()];
}

/** `sum by (le)` over several series: one bucket list, bounds merged. */
export function sumBuckets(series: readonly (readonly Bucket[])[]): Bucket[] {
  const byLe = new Map<number, number>();
  for (const buckets of series) for (const b of buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of a classic histogram, exactly as Prometheus 2.42's `histogram_quantile` computes it:
 * buckets sorted and merged by bound, counts forced monotonic, linear interpolation inside the bucket the rank falls
 * in (from 0 for the first bucket when its bound is positive), the second-highest bound when the rank falls in the
 * +Inf bucket. NaN for fewer than two buckets, no +Inf bucket, no observations or q NaN; −Inf for q < 0, +Inf for q > 1.
 */
export function histogramQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = sumBuckets([input]);
  if (buckets.length === 0 || buckets[buckets.length - 1]?.le !== Infinity) return Number.NaN;
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  if (buckets.length < 2) return Number.NaN;
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (!(observations > 0)) return Number.NaN;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if ((buckets[i] as Bucket).count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return (buckets[buckets.length - 2] as Bucket).le;
  const cur = buckets[b] as Bucket;
  if (b === 0 && cur.le <= 0) return cur.le;
  let start = 0;
  let count = cur.count;
  if (b > 0) {
    const prev = buckets[b - 1] as Bucket;
    start = prev.le;
    count -= prev.count;
    rank -= prev.count;
  }
  return start + (cur.le - start) * (rank / count);
}

/** How much a counter grew between two readings; a drop means it was reset (a restart), so it grew by `current`. */
export function counterIncrease(previous: number | undefined, current: number): number {
  if (previous === undefined || !Number.isFinite(previous)) return 0;
  return current >= previous ? current - previous : current;
}

/**
 * What a histogram observed between two scrapes, bucket by bucket. If any bucket or the count went down, the
 * process restarted between the scrapes: everything it holds now was observed since, so the current buckets are
 * the increase. The same holds when the previous scrape did not have the histogram yet.
 */
export function histogramIncrease(previous: readonly Bucket[] | undefined, current: readonly Bucket[]): Bucket[] {
  // No histogram in the previous (successful) scrape: the series appeared since, so all it holds is new.
  if (!previous) return current.map((b) => ({ ...b }));
  const before = new Map(previous.map((b) => [b.le, b.count]));
  const reset = current.some((b) => b.count < (before.get(b.le) ?? 0));
  return current.map((b) => ({ le: b.le, count: reset ? b.count : b.count - (before.get(b.le) ?? 0) }));
}

/** A Prometheus HTTP API answer with `status: "error"`: its errorType and error, as the server sent them. */
export class PrometheusApiError extends Error {
  constructor(
    readonly errorType: string,
    readonly apiMessage: string,
    readonly status: number,
  ) {
    super(`Prometheus rejected the query (${errorType}, HTTP ${status}): ${apiMessage}`);
    this.name = 'PrometheusApiError';
  }
}

/** One series of a range query: its labels and [seconds, value] points. */
export interface RangeSeries {
  metric: Record<string, string>;
  points: [number, number][];
}

export interface RangeQuery {
  query: string;
  /** Seconds since the epoch. */
  start: number;
  end: number;
  /** Seconds between points. */
  step: number;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A client of the Prometheus HTTP API (`/api/v1/query_range`, `/api/v1/query`). */
export class PrometheusApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly http: HttpOptions = {},
  ) {}

  private async call(path: string, params: Record<string, string>): Promise<unknown> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const res = await httpGet(url.toString(), { ...this.http, acceptStatus: (s) => s < 500 || s === 503 || s === 422 });
    let body: unknown;
    try {
      body = JSON.parse(res.body) as unknown;
    } catch {
      throw new ConnectorError('invalid', `${url.origin}${url.pathname} did not answer JSON (HTTP ${res.status}): ${res.body.slice(0, 120)}`);
    }
    if (!isRecord(body)) throw new ConnectorError('invalid', `${url.origin}${url.pathname} answered something other than a Prometheus API object.`);
    if (body.status === 'error') throw new PrometheusApiError(typeof body.errorType === 'string' ? body.errorType : 'unknown', typeof body.error === 'string' ? body.error : 'no message', res.status);
    if (body.status !== 'success' || res.status >= 400) throw new ConnectorError('http', `${url.origin}${url.pathname} answered HTTP ${res.status} without a Prometheus error body.`);
    return body.data;
  }

  /** `query_range`: a matrix of series. */
  async queryRange(q: RangeQuery): Promise<RangeSeries[]> {
    const data = await this.call('api/v1/query_range', { query: q.query, start: String(q.start), end: String(q.end), step: String(q.step) });
    if (!isRecord(data) || data.resultType !== 'matrix' || !Array.isArray(data.result)) throw new ConnectorError('invalid', 'query_range did not return a matrix.');
    return data.result.map((s: unknown) => {
      if (!isRecord(s) || !isRecord(s.metric) || !Array.isArray(s.values)) throw new ConnectorError('invalid', 'query_range returned a malformed series.');
      return {
        metric: Object.fromEntries(Object.entries(s.metric).map(([k, v]) => [k, String(v)])),
        points: s.values.map((p: unknown) => {
          if (!Array.isArray(p) || p.length !== 2) throw new ConnectorError('invalid', 'query_range returned a malformed point.');
          const v = parseValue(String(p[1]));
          return [Number(p[0]), v ?? Number.NaN] as [number, number];
        }),
      };
    });
  }

  /** An instant query: one value per series. */
  async query(query: string, time?: number): Promise<{ metric: Record<string, string>; value: number }[]> {
    const data = await this.call('api/v1/query', { query, ...(time !== undefined ? { time: String(time) } : {}) });
    if (!isRecord(data) || !Array.isArray(data.result)) throw new ConnectorError('invalid', 'query did not return a result.');
    if (data.resultType === 'scalar' && Array.isArray(data.result)) return [{ metric: {}, value: parseValue(String(data.result[1])) ?? Number.NaN }];
    return data.result.map((s: unknown) => {
      if (!isRecord(s) || !isRecord(s.metric) || !Array.isArray(s.value)) throw new ConnectorError('invalid', 'query returned a malformed sample.');
      return { metric: Object.fromEntries(Object.entries(s.metric).map(([k, v]) => [k, String(v)])), value: parseValue(String(s.value[1])) ?? Number.NaN };
    });
  }
}
