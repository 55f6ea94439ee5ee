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
  countFeedback(): void;
  /** The exposition text of every metric, with the counts gathered since the last read. */
  metrics(): Promise<string>;
}

export function createMetrics(model: string, version: string): ServerMetrics {
  const registry = new Registry();
  const labels = { model, version };
  const latencyMetric = new Histogram({ name: METRIC.latency, help: 'Time to answer an inference request, from arrival to the end of the response.', labelNames: ['model', 'version'], buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] });
  // Exposed from the start (all zero), so the first scrape already has the series to compute increases from.
  latencyMetric.zero(labels);
  const latency = latencyMetric.labels(labels);
  const requests = new Counter({ name: METRIC.requests, help: 'Inference requests by HTTP status code.', labelNames: ['model', 'version', 'code'], registers: [registry] });
  const predictions = new Counter({ name: METRIC.predictions, help: 'Predictions (rows) by path.', labelNames: ['model', 'version', 'path'], registers: [registry] }).labels({ ...labels, path: 'model' });
  const byLabel = new Counter({ name: METRIC.labels, help: 'Predictions of a classifier by predicted label.', labelNames: ['model', 'version', 'label'], registers: [registry] });
  const low = new Counter({ name: METRIC.lowConfidence, help: 'Predictions whose confidence was below the low-confidence threshold.', labelNames: ['model', 'version'], registers: [registry] }).labels(labels);
  const feedback = new Counter({ name: METRIC.feedback, help: 'Feedback records received.', labelNames: ['model', 'version'], registers: [registry] }).labels(labels);
  new Gauge({ name: METRIC.info, help: 'The model this server serves (always 1).', labelNames: ['model', 'version'], registers: [registry] }).labels(labels).set(1);
  // Counts gathered as plain numbers per request and added to the counters when they are read (a scrape of /metrics):
  // a prom-client inc() validates and hashes its labels on every call, which the server would do several times per
  // request. Children per status code and label are created on first use (a handful at most).
  let pendingPredictions = 0;
  let pendingLow = 0;
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
    pendingPredictions = 0;
    pendingLow = 0;
    addCounts(pendingCodes, codeChildren, (code) => requests.labels({ ...labels, code: String(code) }));
    addCounts(pendingLabels, labelChildren, (label) => byLabel.labels({ ...labels, label }));
  };
  return {
    registry,
    observeLatency: (s) => latency.observe(s),
    countRequest: (code) => void pendingCodes.set(code, (pendingCodes.get(code) ?? 0) + 1),
    countPrediction: (label, lowConfidence) => {
      pendingPredictions++;
      if (lowConfidence) pendingLow++;
      if (label !== undefined) pendingLabels.set(label, (pendingLabels.get(label) ?? 0) + 1);
    },
    countFeedback: () => feedback.inc(),
    metrics: async () => {
      addPending();
      return registry.metrics();
    },
  };
}
