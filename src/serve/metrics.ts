// The local server's Prometheus metrics (prom-client, standard text exposition at /metrics). Names and labels are
// documented in the README; the dashboard and `mlship status` read them back through core/deployments/prometheus.ts.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS, METRIC } from '../core/deployments/metricNames';

export interface ServerMetrics {
  /** Read it through metrics(), which adds the counts gathered since the last read. */
  registry: Registry;
  /** Seconds from the request's arrival to the end of the response, successful inferences only. */
  observeLatency(seconds: number): void;
  /** Every /infer request by HTTP status code. */
  countRequest(code: number): void;
  /** One prediction (a row of a batch), its label for a classifier, and whether its confidence was low. */
  countPrediction(label: string | undefined, lowConfidence: boolean): void;
  /** Rows of a request answered with an error instead of the model's outputs (NaN scores): predictions with path `abstain`. */
  countAbstained(rows: number): void;
  countFeedback(): void;
  /** The exposition text of every metric, with the counts gathered since the last read. */
  metrics(): Promise<string>;
}

/** What prom-client's Histogram.get() resolves to, and one of its values. */
type HistogramData = Awaited<ReturnType<Histogram['get']>>;
type HistogramValue = HistogramData['values'][number];

/**
 * A prom-client Histogram with one set of labels, observed as plain numbers: prom-client's observe() validates and
 * hashes the labels, and looks the bucket up by its bound as a property name, on every call — a few microseconds
 * per request. A scrape reads the values prom-client's Histogram gives for the same observations (buckets
 * cumulative, `+Inf` as the count, the sum added in observation order), so /metrics reads the same. The series is
 * exposed from the start (all zero).
 */
export class FixedLabelsHistogram extends Histogram {
  private readonly bounds: readonly number[];
  /** Observations per bucket (not cumulative); a value above the last bound is in none, as in prom-client. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    private readonly metricName: string,
    private readonly helpText: string,
    buckets: readonly number[],
    private readonly fixedLabels: Readonly<Record<string, string>>,
    registry: Registry,
  ) {
    super({ name: metricName, help: helpText, labelNames: Object.keys(fixedLabels), buckets: [...buckets], registers: [registry] });
    this.bounds = [...buckets];
    this.counts = new Float64Array(buckets.length);
  }

  observeValue(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && !(value <= (bounds[i] as number))) i++;
    if (i < bounds.length) this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }

  /** What prom-client's Histogram.get() gives: the buckets, `le` first in their labels, then `_sum` and `_count`. */
  override get(): Promise<HistogramData> {
    const bucket = `${this.metricName}_bucket`;
    const values: HistogramValue[] = [];
    let acc = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      acc += this.counts[i] as number;
      values.push({ labels: { le: this.bounds[i], ...this.fixedLabels }, value: acc, metricName: bucket });
    }
    values.push(
      { labels: { le: '+Inf', ...this.fixedLabels }, value: this.count, metricName: bucket },
      { labels: { ...this.fixedLabels }, value: this.sum, metricName: `${this.metricName}_sum` },
      { labels: { ...this.fixedLabels }, value: this.count, metricName: `${this.metricName}_count` },
    );
    // prom-client's metric objects carry their type as text ('histogram'), whatever its typings say.
    return Promise.resolve({ name: this.metricName, help: this.helpText, type: 'histogram' as unknown as HistogramData['type'], aggregator: 'sum', values } as unknown as HistogramData);
  }

  /** The registry reads this one instead of get() when a metric has it, as prom-client's Histogram does. */
  getForPromString(): Promise<HistogramData> {
    return this.get();
  }
}

export function createMetrics(model: string, version: string): ServerMetrics {
  const registry = new Registry();
  const labels = { model, version };
  const latency = new FixedLabelsHistogram(METRIC.latency, 'Time to answer an inference request, from arrival to the end of the response.', LATENCY_BUCKETS_SECONDS, labels, registry);
  const requests = new Counter({ name: METRIC.requests, help: 'Inference requests by HTTP status code.', labelNames: ['model', 'version', 'code'], registers: [registry] });
  const byPath = new Counter({ name: METRIC.predictions, help: 'Predictions (rows) by path: model, or abstain for the rows of a request answered with an error instead of the model\'s outputs (non-finite scores).', labelNames: ['model', 'version', 'path'], registers: [registry] });
  const predictions = byPath.labels({ ...labels, path: 'model' });
  /** Made on the first abstained row: a server whose model never fails shows no abstain series. */
  let abstained: { inc(n?: number): void } | undefined;
  const byLabel = new Counter({ name: METRIC.labels, help: 'Predictions of a classifier by predicted label.', labelNames: ['model', 'version', 'label'], registers: [registry] });
  const low = new Counter({ name: METRIC.lowConfidence, help: 'Predictions whose confidence was below the low-confidence threshold.', labelNames: ['model', 'version'], registers: [registry] }).labels(labels);
  const feedback = new Counter({ name: METRIC.feedback, help: 'Feedback records received.', labelNames: ['model', 'version'], registers: [registry] }).labels(labels);
  new Gauge({ name: METRIC.info, help: 'The model this server serves (always 1).', labelNames: ['model', 'version'], registers: [registry] }).labels(labels).set(1);
  // Counts gathered as plain numbers per request and added to the counters when they are read (a scrape of /metrics):
  // a prom-client inc() validates and hashes its labels on every call, which the server would do several times per
  // request. Children per status code and label are created on first use (a handful at most).
  let pendingPredictions = 0;
  let pendingLow = 0;
  let pendingAbstained = 0;
  const pendingCodes = new Map<number, number>();
  const pendingLabels = new Map<string, number>();
  const codeChildren = new Map<number, { inc(n?: number): void }>();
  const labelChildren = new Map<string, { inc(n?: number): void }>();
  /** Adds the pending counts per key to each key's child counter (made by `child` on first use), then clears them. */
  const addCounts = <K>(pending: Map<K, number>, children: Map<K, { inc(n?: number): void }>, child: (key: K) => { inc(n?: number): void }): void => {
    for (const [key, n] of pending) {
      let c = children.get(key);
      if (!c) children.set(key, (c = child(key)));
      c.inc(n);
    }
    pending.clear();
  };
  const addPending = (): void => {
    if (pendingPredictions > 0) predictions.inc(pendingPredictions);
    if (pendingLow > 0) low.inc(pendingLow);
    if (pendingAbstained > 0) (abstained ??= byPath.labels({ ...labels, path: 'abstain' })).inc(pendingAbstained);
    pendingPredictions = 0;
    pendingLow = 0;
    pendingAbstained = 0;
    addCounts(pendingCodes, codeChildren, (code) => requests.labels({ ...labels, code: String(code) }));
    addCounts(pendingLabels, labelChildren, (label) => byLabel.labels({ ...labels, label }));
  };
  return {
    registry,
    observeLatency: (s) => latency.observeValue(s),
    countRequest: (code) => void pendingCodes.set(code, (pendingCodes.get(code) ?? 0) + 1),
    countPrediction: (label, lowConfidence) => {
      pendingPredictions++;
      if (lowConfidence) pendingLow++;
      if (label !== undefined) pendingLabels.set(label, (pendingLabels.get(label) ?? 0) + 1);
    },
    countAbstained: (rows) => void (pendingAbstained += rows),
    countFeedback: () => feedback.inc(),
    metrics: async () => {
      addPending();
      return registry.metrics();
    },
  };
}
