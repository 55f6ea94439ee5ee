// One scrape of a server's /metrics, reduced to what the dashboard and health need: the latency histogram summed
// over its series (bounds in ms), request and error counters, predictions and low-confidence predictions. All
// cumulative, as the server reports them; series.ts turns consecutive scrapes into increases.
import { httpGet, type HttpOptions } from './http';
import { METRIC } from './metricNames';
import { histogramSeries, matches, parseExposition, sumBuckets, type Bucket, type MetricFamily } from './prometheus';

export interface ScrapePoint {
  /** ms since the epoch. */
  t: number;
  /** Cumulative latency buckets, upper bounds in ms (last +Inf); undefined when the histogram is absent. */
  latency?: Bucket[];
  /** Cumulative requests and failed requests (status ≥ 400). */
  requests?: { total: number; errors: number };
  /** Rows the model answered (the low-confidence share's whole): the local server's `path="abstain"` rows, answered with an error, are left out. */
  predictions?: number;
  lowConfidence?: number;
}

/** ms per unit of a latency histogram, from its name's suffix (Prometheus convention: seconds). */
export function unitToMs(metric: string): number {
  if (/_(ms|milliseconds)(_bucket)?$/.test(metric)) return 1;
  if (/_(us|microseconds)(_bucket)?$/.test(metric)) return 0.001;
  return 1000;
}

function sumFamily(f: MetricFamily | undefined, match: Record<string, string>, keep: (labels: Record<string, string>) => boolean = () => true): number | undefined {
  if (!f) return undefined;
  let total = 0;
  let seen = false;
  const wanted = Object.entries(match);
  for (const s of f.samples) {
    if (s.name.endsWith('_created')) continue;
    if (!matches(s.labels, wanted) || !keep(s.labels)) continue;
    total += s.value;
    seen = true;
  }
  return seen ? total : undefined;
}

export interface ScrapeSelection {
  /** The latency histogram's name. Default mlship_inference_request_duration_seconds. */
  latencyMetric?: string;
  /** Only series carrying these labels (e.g. `{ model: "credit-risk" }`). */
  match?: Record<string, string>;
}

/** Reduces parsed families to a ScrapePoint. */
export function scrapePoint(families: Map<string, MetricFamily>, t: number, selection: ScrapeSelection = {}): ScrapePoint {
  const metric = selection.latencyMetric ?? METRIC.latency;
  const match = selection.match ?? {};
  const point: ScrapePoint = { t };
  const hist = families.get(metric);
  if (hist && (hist.type === 'histogram' || hist.samples.some((s) => s.name.endsWith('_bucket')))) {
    const series = histogramSeries(hist, match);
    if (series.length > 0) {
      const scale = unitToMs(metric);
      point.latency = sumBuckets(series.map((s) => s.buckets)).map((b) => ({ le: b.le === Infinity ? Infinity : b.le * scale, count: b.count }));
      const total = sumFamily(families.get(METRIC.requests), match);
      const errors = sumFamily(families.get(METRIC.requests), match, (l) => Number(l.code) >= 400);
      const count = series.reduce((n, s) => n + (Number.isFinite(s.count) ? s.count : 0), 0);
      point.requests = total !== undefined ? { total, errors: errors ?? 0 } : { total: count, errors: 0 };
    }
  }
  const predictions = sumFamily(families.get(METRIC.predictions), match, (l) => l.path !== 'abstain');
  if (predictions !== undefined) point.predictions = predictions;
  const low = sumFamily(families.get(METRIC.lowConfidence), match);
  if (low !== undefined) point.lowConfidence = low;
  return point;
}

/** GETs and parses a /metrics endpoint. Throws a ConnectorError or an ExpositionError (garbage, HTML…). */
export async function scrapeMetrics(url: string, http: HttpOptions = {}, selection: ScrapeSelection = {}, now: () => number = Date.now): Promise<ScrapePoint> {
  const res = await httpGet(url, http);
  return scrapePoint(parseExposition(res.body), now(), selection);
}
