// The dashboard's time series, built from what the monitor collected over a time window: scrapes of /metrics (or a
// Prometheus server's range queries), prediction log records and joined feedback. Each series is aligned on the same
// buckets; a bucket without data is null (a gap in the chart), never a zero. Long windows are decimated by widening
// the buckets, so percentiles are recomputed over the merged data rather than thinned out. Buckets start at whole
// multiples of their width, so a past bucket's value stays as it was from one rebuild to the next.
import type { DashboardData, DashboardDrift, Series } from '../../shared/deployments';
import { percentile } from '../stats/latency';
import { partitionPoint } from '../util/search';
import { detectMetric, qualityOverTimeAndWindow, type Predictions, type QualityBucket, type QualityMetric } from './feedback';
import type { Budgets } from './health';
import { histogramIncrease, histogramQuantile, sumBuckets, type Bucket } from './prometheus';
import { asStore, type PredictionStore } from './recordStore';
import type { FeedbackRecord, PredictionPath, PredictionReason, PredictionRecord, Timed } from './records';
import type { ScrapePoint } from './scrape';

/** Latency and traffic already bucketed by a Prometheus server (query_range), aligned with `timestamps`. */
export interface MetricsSeries {
  timestamps: number[];
  p50: Series;
  p95: Series;
  p99: Series;
  throughput: Series;
  errorRate: Series;
}

export interface DashboardInput {
  deployment: string;
  /** Window, ms since the epoch. */
  start: number;
  end: number;
  /** Bucket width, ms. Default: the window / 120. */
  stepMs?: number;
  /** Most steps the window spans; the step widens to fit (one more bucket when the window starts inside one). Default 720. */
  maxPoints?: number;
  scrapes?: readonly ScrapePoint[];
  prometheus?: MetricsSeries;
  predictions: Predictions;
  feedback: ReadonlyMap<string, Timed<FeedbackRecord>>;
  budgets: Budgets;
  /** Confidence below this counts as low. Default 0.6. */
  lowConfidenceThreshold?: number;
  metric?: QualityMetric;
  /** Drift over time, already scored (driftSeries.ts); or why there is none. */
  drift?: DashboardDrift;
  driftNote?: string;
  /** At most this many labels are charted; the rest are summed as "other". Default 8. */
  maxLabels?: number;
}

export interface Buckets {
  start: number;
  step: number;
  count: number;
}

/**
 * Bucket layout for a window: `stepMs` widened so the window spans at most `maxPoints` steps. Buckets start at whole
 * multiples of the step since the epoch (10 s: :00, :10, :20 …), as the drift points do, so a bucket covers the same
 * time at every rebuild and a past bucket's value changes only with new data. The first bucket may start before
 * `start` (one more bucket than the window's steps, then) and the last one is cut at `end`: it fills as time passes.
 */
export function bucketsFor(start: number, end: number, stepMs: number | undefined, maxPoints = 720): Buckets {
  const span = Math.max(1, end - start);
  let step = Math.max(1, Math.round(stepMs ?? span / 120));
  if (Math.ceil(span / step) > maxPoints) step = Math.ceil(span / maxPoints);
  const first = Math.floor(start / step) * step;
  return { start: first, step, count: Math.max(1, Math.ceil((Math.max(end, start + 1) - first) / step)) };
}

function indexOf(b: Buckets, t: number): number {
  const i = Math.floor((t - b.start) / b.step);
  return i >= 0 && i < b.count ? i : -1;
}

const nulls = (n: number): Series => new Array<number | null>(n).fill(null);

interface ScrapeAccumulator {
  latency: (Bucket[] | undefined)[];
  requests: Float64Array;
  errors: Float64Array;
  predictions: Float64Array;
  low: Float64Array;
  seconds: Float64Array;
  covered: Uint8Array;
  hasPredictions: Uint8Array;
}

function sameBounds(a: readonly Bucket[], b: readonly Bucket[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if ((a[k] as Bucket).le !== (b[k] as Bucket).le) return false;
  return true;
}

/** The latency increase between two scrapes and the total it is added to: in place when the bounds match. */
function addBuckets(totals: (Bucket[] | undefined)[], i: number, inc: readonly Bucket[]): void {
  const have = totals[i];
  if (!have) totals[i] = inc.map((b) => ({ le: b.le, count: b.count }));
  else if (sameBounds(have, inc)) for (let k = 0; k < inc.length; k++) (have[k] as Bucket).count += (inc[k] as Bucket).count;
  else totals[i] = sumBuckets([have, inc]);
}

/** What one scrape added since the one before it (counter resets handled): what the status window and the dashboard's buckets sum. */
interface ScrapeStep {
  prev: ScrapePoint;
  latency: Bucket[] | undefined;
  requests: number;
  errors: number;
  predictions: number | undefined;
  low: number;
}

/**
 * Steps by their later scrape, computed once: a poll every few seconds sums the same 60-odd steps of its status
 * window again and again, and only the newest one is new. Weak, so steps leave with their scrapes.
 */
const steps = new WeakMap<ScrapePoint, ScrapeStep>();

/** The scrapes in time order: as they are when they arrive so (no copy), else a sorted copy. */
function inTimeOrder(scrapes: readonly ScrapePoint[]): readonly ScrapePoint[] {
  for (let k = 1; k < scrapes.length; k++) if ((scrapes[k - 1] as ScrapePoint).t > (scrapes[k] as ScrapePoint).t) return [...scrapes].sort((a, b) => a.t - b.t);
  return scrapes;
}

function stepOf(prev: ScrapePoint, cur: ScrapePoint): ScrapeStep {
  const known = steps.get(cur);
  if (known?.prev === prev) return known;
  let latency: Bucket[] | undefined;
  if (cur.latency) {
    const p = prev.latency;
    if (p && sameBounds(p, cur.latency)) {
      let reset = false;
      for (let k = 0; k < cur.latency.length; k++) if ((cur.latency[k] as Bucket).count < (p[k] as Bucket).count) reset = true;
      latency = cur.latency.map((b, k) => ({ le: b.le, count: b.count - (reset ? 0 : (p[k] as Bucket).count) }));
    } else latency = histogramIncrease(p, cur.latency);
  }
  const step: ScrapeStep = { prev, latency, requests: 0, errors: 0, predictions: undefined, low: 0 };
  if (cur.requests) {
    // A counter absent from the previous scrape appeared since: all it counts is new, as after a reset.
    const reset = prev.requests === undefined || cur.requests.total < prev.requests.total || cur.requests.errors < prev.requests.errors;
    step.requests = reset ? cur.requests.total : cur.requests.total - (prev.requests?.total ?? 0);
    step.errors = reset ? cur.requests.errors : cur.requests.errors - (prev.requests?.errors ?? 0);
  }
  if (cur.predictions !== undefined) {
    const reset = cur.predictions < (prev.predictions ?? 0);
    step.predictions = reset ? cur.predictions : cur.predictions - (prev.predictions ?? 0);
    step.low = reset ? (cur.lowConfidence ?? 0) : (cur.lowConfidence ?? 0) - (prev.lowConfidence ?? 0);
  }
  steps.set(cur, step);
  return step;
}

/** Increases between consecutive scrapes, credited to the bucket of the later scrape (counter resets handled). */
function accumulateScrapes(scrapes: readonly ScrapePoint[], b: Buckets): ScrapeAccumulator {
  const acc: ScrapeAccumulator = {
    latency: new Array<Bucket[] | undefined>(b.count).fill(undefined),
    requests: new Float64Array(b.count),
    errors: new Float64Array(b.count),
    predictions: new Float64Array(b.count),
    low: new Float64Array(b.count),
    seconds: new Float64Array(b.count),
    covered: new Uint8Array(b.count),
    hasPredictions: new Uint8Array(b.count),
  };
  // Scrapes arrive in time order: then only the pairs that end in a bucket are visited (from the last scrape before
  // the first bucket on), with no copy; a copy is sorted only when they are not in order.
  const sorted = inTimeOrder(scrapes);
  const first = partitionPoint(sorted.length, (k) => (sorted[k] as ScrapePoint).t < b.start);
  for (let k = Math.max(1, first); k < sorted.length; k++) {
    const prev = sorted[k - 1] as ScrapePoint;
    const cur = sorted[k] as ScrapePoint;
    const i = indexOf(b, cur.t);
    if (i < 0) continue;
    acc.covered[i] = 1;
    acc.seconds[i] = (acc.seconds[i] as number) + (cur.t - prev.t) / 1000;
    const step = stepOf(prev, cur);
    if (step.latency) addBuckets(acc.latency, i, step.latency);
    acc.requests[i] = (acc.requests[i] as number) + step.requests;
    acc.errors[i] = (acc.errors[i] as number) + step.errors;
    if (step.predictions !== undefined) {
      acc.hasPredictions[i] = 1;
      acc.predictions[i] = (acc.predictions[i] as number) + step.predictions;
      acc.low[i] = (acc.low[i] as number) + step.low;
    }
  }
  return acc;
}

function share(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Aligns a Prometheus range result (its own timestamps) onto the buckets: the last point in each bucket. */
function alignSeries(b: Buckets, timestamps: readonly number[], values: Series): Series {
  const out = nulls(b.count);
  timestamps.forEach((t, k) => {
    const i = indexOf(b, t);
    const v = values[k];
    if (i >= 0 && v !== null && v !== undefined && Number.isFinite(v)) out[i] = v;
  });
  return out;
}

export function buildDashboard(input: DashboardInput): DashboardData {
  const b = bucketsFor(input.start, input.end, input.stepMs, input.maxPoints);
  const timestamps = Array.from({ length: b.count }, (_, i) => b.start + i * b.step);
  const low = input.lowConfidenceThreshold ?? LOW_CONFIDENCE;

  // Log records per bucket: the store's indices, bucket by bucket (a counting sort, no array per bucket).
  const store = asStore(input.predictions);
  const perBucket = recordsPerBucket(store, b);
  const latency: DashboardData['latency'] = { p50: nulls(b.count), p95: nulls(b.count), p99: nulls(b.count), source: 'none', ...(input.budgets.latency_p95_ms !== undefined ? { budgetMs: input.budgets.latency_p95_ms } : {}) };
  let throughput = nulls(b.count);
  let errorRate = nulls(b.count);
  const lowShare = nulls(b.count);

  const scrapes = input.scrapes ?? [];
  let covered: Uint8Array | undefined;
  // Low-confidence counts of the scrapes over the window, for its share when the log has no confidences.
  let scrapedLow = 0;
  let scrapedPredictions = 0;
  if (input.prometheus) {
    const m = input.prometheus;
    latency.source = 'prometheus';
    latency.p50 = alignSeries(b, m.timestamps, m.p50);
    latency.p95 = alignSeries(b, m.timestamps, m.p95);
    latency.p99 = alignSeries(b, m.timestamps, m.p99);
    throughput = alignSeries(b, m.timestamps, m.throughput);
    errorRate = alignSeries(b, m.timestamps, m.errorRate);
  } else if (scrapes.length > 1) {
    const acc = accumulateScrapes(scrapes, b);
    covered = acc.covered;
    latency.source = 'metrics';
    for (let i = 0; i < b.count; i++) {
      if (!acc.covered[i]) continue;
      const h = acc.latency[i];
      if (h) {
        for (const [q, key] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) {
          const v = histogramQuantile(q, h);
          latency[key][i] = Number.isFinite(v) ? v : null;
        }
      }
      const secs = acc.seconds[i] as number;
      throughput[i] = secs > 0 ? (acc.requests[i] as number) / secs : null;
      errorRate[i] = share(acc.errors[i] as number, acc.requests[i] as number);
      if (acc.hasPredictions[i]) {
        lowShare[i] = share(acc.low[i] as number, acc.predictions[i] as number);
        scrapedLow += acc.low[i] as number;
        scrapedPredictions += acc.predictions[i] as number;
      }
    }
  }

  const fallbackRate = nulls(b.count);
  // Latency from the log: when nothing else measures it, and, under /metrics, in the buckets no pair of scrapes covers
  // (before the first scrapes since the editor started, or while polling was paused), so a reload keeps the history.
  let logHasLatency = false;
  for (let k = 0; k < store.length && !logHasLatency; k++) logHasLatency = !Number.isNaN(store.latencyMs(k));
  if (logHasLatency && latency.source === 'none') latency.source = 'log';
  let logBuckets = 0;
  const windowTally = emptyTally();
  for (let i = 0; i < b.count; i++) {
    const from = perBucket.offsets[i] as number;
    const to = perBucket.offsets[i + 1] as number;
    if (to === from) continue;
    const tally = emptyTally();
    for (let k = from; k < to; k++) tallyStored(tally, store, perBucket.index[k] as number, 1, low);
    addTally(windowTally, tally);
    fallbackRate[i] = share(tally.fallback, tally.records - tally.flagOff);
    if (tally.withConfidence > 0) lowShare[i] = tally.low / tally.withConfidence;
    if (logHasLatency && (latency.source === 'log' || (latency.source === 'metrics' && !covered?.[i]))) {
      if (latency.source === 'metrics') logBuckets++;
      const ms = sortedValues(perBucket, i, (k) => modelPathLatency(store, k));
      if (ms.length > 0) {
        latency.p50[i] = percentile(ms, 50);
        latency.p95[i] = percentile(ms, 95);
        latency.p99[i] = percentile(ms, 99);
      }
      // Over the part of the bucket that has passed (the last one ends at the window's end), at least a second of it,
      // so a record or two just after a bucket's start is not read as a burst.
      const elapsed = Math.min(b.step, Math.max(1000, input.end - (b.start + i * b.step)));
      throughput[i] = (to - from) / (elapsed / 1000);
      errorRate[i] = share(tally.errors, tally.records - tally.flagOff);
    }
  }
  if (logBuckets > 0) latency.logBuckets = logBuckets;

  const metric = input.metric ?? detectMetric(store);
  const { buckets: quality, window: windowQuality } = qualityOverTimeAndWindow(store, input.feedback, b, metric);

  const out: DashboardData = {
    deployment: input.deployment,
    timestamps,
    stepMs: b.step,
    latency,
    throughput,
    errorRate,
    fallbackRate,
    lowConfidenceShare: lowShare,
    predictions: predictionDistribution(store, perBucket, b.count, metric, input.maxLabels ?? 8),
    quality: { metric, values: quality.map((q) => q.value), coverage: quality.map((q) => q.coverage), withFeedback: quality.map((q) => q.withFeedback), ...byPath(quality) },
    windowSummary: {
      fallbackRate: share(windowTally.fallback, windowTally.records - windowTally.flagOff),
      lowConfidenceShare: windowTally.withConfidence > 0 ? windowTally.low / windowTally.withConfidence : share(scrapedLow, scrapedPredictions),
      quality: { value: windowQuality.value, withFeedback: windowQuality.withFeedback, coverage: windowQuality.coverage, model: windowQuality.model, fallback: windowQuality.fallback },
    },
    budgets: { ...input.budgets },
  };
  if (input.drift) out.drift = input.drift;
  if (input.driftNote) out.driftNote = input.driftNote;
  return out;
}

/** The store's records grouped by bucket: bucket i holds index[offsets[i] … offsets[i + 1]), in time order. */
interface BucketIndex {
  offsets: Int32Array;
  index: Int32Array;
}

function recordsPerBucket(store: PredictionStore, b: Buckets): BucketIndex {
  const offsets = new Int32Array(b.count + 1);
  const lo = store.firstAfter(b.start - 1);
  const bucketOf = new Int32Array(store.length - lo);
  for (let k = lo; k < store.length; k++) {
    const i = indexOf(b, store.time(k));
    bucketOf[k - lo] = i;
    if (i >= 0) offsets[i + 1] = (offsets[i + 1] as number) + 1;
  }
  for (let i = 0; i < b.count; i++) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
  const index = new Int32Array(offsets[b.count] as number);
  const fill = offsets.slice(0, b.count);
  for (let k = lo; k < store.length; k++) {
    const i = bucketOf[k - lo] as number;
    if (i < 0) continue;
    index[fill[i] as number] = k;
    fill[i] = (fill[i] as number) + 1;
  }
  return { offsets, index };
}

/** The values `of` gives for bucket i's records, without the NaNs (records that have none), sorted. */
function sortedValues(buckets: BucketIndex, i: number, of: (k: number) => number): Float64Array {
  const from = buckets.offsets[i] as number;
  const to = buckets.offsets[i + 1] as number;
  const out = new Float64Array(to - from);
  let n = 0;
  for (let k = from; k < to; k++) {
    const v = of(buckets.index[k] as number);
    if (!Number.isNaN(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

function predictionDistribution(store: PredictionStore, buckets: BucketIndex, n: number, metric: QualityMetric, maxLabels: number): DashboardData['predictions'] {
  if (buckets.index.length === 0) return { kind: 'none' };
  const bucketRange = (i: number): [number, number] => [buckets.offsets[i] as number, buckets.offsets[i + 1] as number];
  if (metric === 'mae') {
    const p10 = nulls(n);
    const p50 = nulls(n);
    const p90 = nulls(n);
    for (let i = 0; i < n; i++) {
      const v = sortedValues(buckets, i, (k) => store.outputValue(k) ?? Number.NaN);
      if (v.length === 0) continue;
      p10[i] = percentile(v, 10);
      p50[i] = percentile(v, 50);
      p90[i] = percentile(v, 90);
    }
    return { kind: 'values', p10, p50, p90 };
  }
  const totals = new Map<string, number>();
  for (const k of buckets.index) {
    const l = store.label(k);
    if (l !== undefined) totals.set(String(l), (totals.get(String(l)) ?? 0) + 1);
  }
  const ranked = [...totals.entries()].sort((a, c) => c[1] - a[1] || a[0].localeCompare(c[0])).map(([l]) => l);
  const shown = ranked.length > maxLabels ? ranked.slice(0, maxLabels - 1) : ranked;
  const labels = ranked.length > maxLabels ? [...shown, 'other'] : shown;
  const shares: Record<string, Series> = Object.fromEntries(labels.map((l) => [l, nulls(n)]));
  for (let i = 0; i < n; i++) {
    const [from, to] = bucketRange(i);
    const counts = new Map<string, number>();
    let labelled = 0;
    for (let k = from; k < to; k++) {
      const l = store.label(buckets.index[k] as number);
      if (l === undefined) continue;
      labelled++;
      const key = shown.includes(String(l)) ? String(l) : 'other';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (labelled === 0) continue;
    for (const l of labels) (shares[l] as Series)[i] = (counts.get(l) ?? 0) / labelled;
  }
  return { kind: 'labels', labels, shares };
}

/**
 * What the status reads from the log records of its window: counts only, so records can enter and leave it.
 *
 * Records with reason `flag_off` never asked the model (the rollout flag sent them to the fallback, as for 95 % of
 * requests at a 5 % rollout): they count as traffic, but not in the fallback rate, the error rate or the latency
 * percentiles, which measure the model path. Otherwise a feature at 5 % would always read a 95 % fallback rate.
 */
export interface RecordTally {
  records: number;
  /** Records with reason `flag_off`: answered by the fallback without asking the model. */
  flagOff: number;
  /** Records that asked the model and whose path is not `model` (error, timeout, low confidence, abstain). */
  fallback: number;
  /** Records with a confidence, and those of them below the threshold (or with reason low_confidence). */
  withConfidence: number;
  low: number;
  /** Records with reason `error`. */
  errors: number;
}

export const LOW_CONFIDENCE = 0.6;

export function emptyTally(): RecordTally {
  return { records: 0, flagOff: 0, fallback: 0, withConfidence: 0, low: 0, errors: 0 };
}

function addTally(into: RecordTally, tally: RecordTally): void {
  into.records += tally.records;
  into.flagOff += tally.flagOff;
  into.fallback += tally.fallback;
  into.withConfidence += tally.withConfidence;
  into.low += tally.low;
  into.errors += tally.errors;
}

/** Adds one record to a tally (`sign` 1) or takes it out again (-1). */
export function tallyRecord(tally: RecordTally, r: PredictionRecord, sign: 1 | -1, lowConfidenceThreshold = LOW_CONFIDENCE): void {
  tallyFields(tally, r.path, r.reason, r.confidence, sign, lowConfidenceThreshold);
}

/** tallyRecord of the store's record `i`. */
export function tallyStored(tally: RecordTally, store: PredictionStore, i: number, sign: 1 | -1, lowConfidenceThreshold = LOW_CONFIDENCE): void {
  const confidence = store.confidenceOf(i);
  tallyFields(tally, store.path(i), store.reason(i), Number.isNaN(confidence) ? null : confidence, sign, lowConfidenceThreshold);
}

function tallyFields(tally: RecordTally, path: PredictionPath, reason: PredictionReason | null, confidence: number | null, sign: 1 | -1, lowConfidenceThreshold: number): void {
  tally.records += sign;
  if (reason === 'flag_off') tally.flagOff += sign;
  else if (path !== 'model') tally.fallback += sign;
  if (confidence !== null) {
    tally.withConfidence += sign;
    if (confidence < lowConfidenceThreshold || reason === 'low_confidence') tally.low += sign;
  }
  if (reason === 'error') tally.errors += sign;
}

/**
 * The tally of a window sliding over records sorted by time that grow at their end: each move adds the records
 * that arrived and takes out those that left, so a poll costs the records that moved, not the whole window.
 */
export class SlidingTally {
  private lo = 0;
  private hi = 0;
  private stale = false;
  private current = emptyTally();

  constructor(private readonly lowConfidenceThreshold = LOW_CONFIDENCE) {}

  /** The window is now records[from, records.length); returns its tally. */
  advance(records: Predictions, from: number): RecordTally {
    const store = asStore(records);
    // Re-sorted, cut into, or moved back (the clock went back): count the window again.
    if (this.stale || from < this.lo || this.hi > store.length) {
      this.lo = from;
      this.hi = from;
      this.current = emptyTally();
      this.stale = false;
    }
    for (; this.hi < store.length; this.hi++) tallyStored(this.current, store, this.hi, 1, this.lowConfidenceThreshold);
    for (; this.lo < from; this.lo++) tallyStored(this.current, store, this.lo, -1, this.lowConfidenceThreshold);
    return this.current;
  }

  /** The first `count` records were removed from the array (trimmed history). */
  dropped(count: number): void {
    if (count > this.lo) this.stale = true;
    else {
      this.lo -= count;
      this.hi -= count;
    }
  }

  /** The array was re-sorted: the next advance counts its window again. */
  reset(): void {
    this.stale = true;
  }
}

export interface WindowSummary {
  p95Ms: number | null;
  throughput: number | null;
  errorRate: number | null;
  fallbackRate: number | null;
  lowConfidenceShare: number | null;
}

/**
 * The status numbers over one window in a single pass (what every poll needs, without building series): latency,
 * traffic and errors from the scrapes in the window (else from the log; p95 also from the log when the scrapes saw
 * no request but the log has some, as in the minutes before a reload), fallback and low-confidence shares from the
 * log records.
 */
export function summarizeWindow(scrapes: readonly ScrapePoint[], records: Predictions, windowMs: number, lowConfidenceThreshold = LOW_CONFIDENCE): WindowSummary {
  const store = asStore(records);
  const tally = emptyTally();
  for (let i = 0; i < store.length; i++) tallyStored(tally, store, i, 1, lowConfidenceThreshold);
  return summarizeTally(scrapes, tally, () => logLatencies(store), windowMs);
}

/** How far back the current throughput looks: a minute, so it falls to 0 a minute after the last request. */
export const THROUGHPUT_WINDOW_MS = 60_000;

/**
 * The current throughput, req/s: the requests of the last `spanMs` before `now`, not an average over the whole status
 * window (which kept showing traffic minutes after it stopped). From the scrapes when there are two or more (the steps
 * between them that end in the span, and at least the last one: the latest complete interval between scrapes), else
 * from the log records stamped in the span, over the span's seconds. 0 when no request arrived in it (with scrapes,
 * once the step holding the last request ended before the span); null when the scrapes span no time.
 */
export function recentThroughput(scrapes: readonly ScrapePoint[], records: Predictions, now: number, spanMs = THROUGHPUT_WINDOW_MS): number | null {
  if (scrapes.length > 1) {
    const sorted = inTimeOrder(scrapes);
    // The steps that end in the span: from the last scrape at or before its start.
    const before = partitionPoint(sorted.length, (k) => (sorted[k] as ScrapePoint).t <= now - spanMs);
    const first = Math.max(0, Math.min(before - 1, sorted.length - 2));
    let requests = 0;
    for (let k = first + 1; k < sorted.length; k++) requests += stepOf(sorted[k - 1] as ScrapePoint, sorted[k] as ScrapePoint).requests;
    const seconds = ((sorted[sorted.length - 1] as ScrapePoint).t - (sorted[first] as ScrapePoint).t) / 1000;
    return seconds > 0 ? requests / seconds : null;
  }
  const store = asStore(records);
  return (store.length - store.firstAfter(now - spanMs)) / (spanMs / 1000);
}

/** Quality of the model's answers and of the fallback's, when the window has feedback on both (else one line says it all). */
function byPath(quality: readonly QualityBucket[]): { model?: Series; fallback?: Series } {
  const model = quality.map((q) => q.model);
  const fallback = quality.map((q) => q.fallback);
  return model.some((v) => v !== null) && fallback.some((v) => v !== null) ? { model, fallback } : {};
}

/** A record's `latency_ms`, NaN when it has none or never asked the model (reason `flag_off`). */
function modelPathLatency(store: PredictionStore, i: number): number {
  return store.reason(i) === 'flag_off' ? Number.NaN : store.latencyMs(i);
}

/** The `latency_ms` of records [from, to) that have one and asked the model. */
export function logLatencies(records: Predictions, from = 0, to = records.length): number[] {
  const store = asStore(records);
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    const ms = modelPathLatency(store, i);
    if (!Number.isNaN(ms)) out.push(ms);
  }
  return out;
}

/**
 * summarizeWindow from a tally of the window's records; `latencies` (the records' `latency_ms`) is asked for only
 * when the scrapes give no p95: too few of them, or none saw a request.
 */
export function summarizeTally(scrapes: readonly ScrapePoint[], tally: RecordTally, latencies: () => number[], windowMs: number): WindowSummary {
  const n = tally.records;
  const asked = n - tally.flagOff;
  const out: WindowSummary = { p95Ms: null, throughput: null, errorRate: null, fallbackRate: asked > 0 ? tally.fallback / asked : null, lowConfidenceShare: tally.withConfidence > 0 ? tally.low / tally.withConfidence : null };
  const logP95 = (): number | null => {
    const ms = n > 0 ? latencies().sort((a, b) => a - b) : [];
    return ms.length > 0 ? percentile(ms, 95) : null;
  };
  if (scrapes.length > 1) {
    const sorted = inTimeOrder(scrapes);
    const latency: (Bucket[] | undefined)[] = [undefined];
    let requests = 0;
    let failed = 0;
    let predictions = 0;
    let lowPredictions = 0;
    let havePredictions = false;
    for (let k = 1; k < sorted.length; k++) {
      const step = stepOf(sorted[k - 1] as ScrapePoint, sorted[k] as ScrapePoint);
      if (step.latency) addBuckets(latency, 0, step.latency);
      requests += step.requests;
      failed += step.errors;
      if (step.predictions !== undefined) {
        havePredictions = true;
        predictions += step.predictions;
        lowPredictions += step.low;
      }
    }
    const seconds = ((sorted[sorted.length - 1] as ScrapePoint).t - (sorted[0] as ScrapePoint).t) / 1000;
    const h = latency[0];
    const p95 = h ? histogramQuantile(0.95, h) : Number.NaN;
    out.p95Ms = Number.isFinite(p95) ? p95 : null;
    out.throughput = seconds > 0 ? requests / seconds : null;
    out.errorRate = share(failed, requests);
    if (out.lowConfidenceShare === null && havePredictions) out.lowConfidenceShare = share(lowPredictions, predictions);
    // The scrapes saw no request, the log did (before this session's first scrapes, as after a reload): its latencies.
    out.p95Ms ??= logP95();
    return out;
  }
  out.p95Ms = logP95();
  if (out.p95Ms !== null || (n > 0 && asked === 0)) {
    out.throughput = n / (windowMs / 1000);
    out.errorRate = share(tally.errors, asked);
  }
  return out;
}
