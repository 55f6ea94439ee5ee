// Real-world quality from feedback: feedback records joined to predictions by request_id, then accuracy (for a
// classifier) or mean absolute error (for a regressor) over time, with coverage — the share of predictions that
// have feedback — so a number computed from three labels is never mistaken for one computed from three thousand.
import { asStore, type PredictionStore } from './recordStore';
import type { FeedbackRecord, PredictionOutput, PredictionRecord, Timed } from './records';

/** Prediction records: an array of them, or the columns a monitor keeps them in. */
export type Predictions = PredictionStore | readonly Timed<PredictionRecord>[];

export type QualityMetric = 'accuracy' | 'mae';

/** The latest feedback per request id. */
export function feedbackByRequest(feedback: readonly Timed<FeedbackRecord>[]): Map<string, Timed<FeedbackRecord>> {
  const out = new Map<string, Timed<FeedbackRecord>>();
  for (const f of feedback) keepLatest(out, f);
  return out;
}

/** Adds feedback to a map of the latest per request: it replaces feedback on the same request that is not later. */
export function keepLatest(latest: Map<string, Timed<FeedbackRecord>>, f: Timed<FeedbackRecord>): void {
  const prev = latest.get(f.record.request_id);
  if (!prev || prev.t <= f.t) latest.set(f.record.request_id, f);
}

/** Classification when predictions carry labels (or scores); regression when they carry only values. */
export function detectMetric(predictions: Predictions): QualityMetric {
  const store = asStore(predictions);
  let labels = 0;
  let values = 0;
  for (let i = Math.max(0, store.length - 500); i < store.length; i++) {
    if (!store.hasOutput(i)) continue;
    const label = store.label(i);
    if (store.hasScores(i) || (label !== undefined && typeof label !== 'number')) labels++;
    else if (store.outputValue(i) !== undefined) values++;
    else if (label !== undefined) labels++;
  }
  return values > labels ? 'mae' : 'accuracy';
}

function normalizeLabel(x: unknown): string {
  if (x === true) return '1';
  if (x === false) return '0';
  const s = String(x).trim().toLowerCase();
  if (s === 'true') return '1';
  if (s === 'false') return '0';
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? String(n) : s;
}

/** Whether a prediction was right (accuracy) or how far off it was (mae); undefined when it cannot be scored. */
export function scorePrediction(prediction: PredictionRecord, label: FeedbackRecord['label'], metric: QualityMetric): number | undefined {
  return scoreOutput(prediction.output, label, metric);
}

/** scorePrediction from the output's label and value alone (null: the record has no output). */
export function scoreOutput(o: Pick<PredictionOutput, 'label' | 'value'> | null, label: FeedbackRecord['label'], metric: QualityMetric): number | undefined {
  if (!o) return undefined;
  if (metric === 'accuracy') {
    const predicted = o.label ?? o.value;
    return predicted === undefined ? undefined : normalizeLabel(predicted) === normalizeLabel(label) ? 1 : 0;
  }
  const value = o.value ?? (typeof o.label === 'number' ? o.label : undefined);
  const truth = typeof label === 'number' ? label : Number(label);
  return value === undefined || !Number.isFinite(truth) ? undefined : Math.abs(value - truth);
}

/** scoreOutput of the store's record `i`. */
export function scoreStored(store: PredictionStore, i: number, label: FeedbackRecord['label'], metric: QualityMetric): number | undefined {
  if (!store.hasOutput(i)) return undefined;
  const l = store.label(i);
  const v = store.outputValue(i);
  return scoreOutput({ ...(l !== undefined ? { label: l } : {}), ...(v !== undefined ? { value: v } : {}) }, label, metric);
}

export interface QualityBucket {
  /** Accuracy (0–1) or MAE; null when no prediction in the bucket has feedback. */
  value: number | null;
  /** Predictions with feedback / predictions, null when there were no predictions. */
  coverage: number | null;
  predictions: number;
  withFeedback: number;
  /**
   * The same quality of the model's own answers (path `model`) and of the fallback's (any other path: the flag off, an
   * error, a timeout, low confidence), so that during a rollout the model is compared with what it replaces. Null
   * when no prediction of that path has feedback.
   */
  model: number | null;
  fallback: number | null;
}

/**
 * Quality per time bucket of the predictions (bucket i covers [start + i·step, start + (i+1)·step)), from the
 * predictions made in it that have feedback.
 */
export function qualityOverTime(
  predictions: Predictions,
  feedback: ReadonlyMap<string, Timed<FeedbackRecord>>,
  buckets: { start: number; step: number; count: number },
  metric: QualityMetric,
): QualityBucket[] {
  return qualityOverTimeAndWindow(predictions, feedback, buckets, metric).buckets;
}

/** qualityOverTime, and the same over all the buckets at once (the window, not the mean of its buckets), in one pass. */
export function qualityOverTimeAndWindow(
  predictions: Predictions,
  feedback: ReadonlyMap<string, Timed<FeedbackRecord>>,
  buckets: { start: number; step: number; count: number },
  metric: QualityMetric,
): { buckets: QualityBucket[]; window: QualityBucket } {
  const store = asStore(predictions);
  const sums = new Float64Array(buckets.count);
  const scored = new Uint32Array(buckets.count);
  const totals = new Uint32Array(buckets.count);
  // Of the model's answers, and of the fallback's (the rest).
  const modelSums = new Float64Array(buckets.count);
  const modelScored = new Uint32Array(buckets.count);
  const fallbackSums = new Float64Array(buckets.count);
  // The store is in time order: only the records from the first bucket's start on are visited, up to the last bucket's end.
  for (let p = store.firstAfter(buckets.start - 1); p < store.length; p++) {
    const i = Math.floor((store.time(p) - buckets.start) / buckets.step);
    if (i >= buckets.count) break;
    if (i < 0) continue;
    totals[i] = (totals[i] as number) + 1;
    const f = feedback.get(store.requestId(p));
    if (!f) continue;
    const s = scoreStored(store, p, f.record.label, metric);
    if (s === undefined) continue;
    sums[i] = (sums[i] as number) + s;
    scored[i] = (scored[i] as number) + 1;
    if (store.path(p) === 'model') {
      modelSums[i] = (modelSums[i] as number) + s;
      modelScored[i] = (modelScored[i] as number) + 1;
    } else fallbackSums[i] = (fallbackSums[i] as number) + s;
  }
  const bucket = (n: number, k: number, km: number, sum: number, modelSum: number, fallbackSum: number): QualityBucket => ({
    value: k > 0 ? sum / k : null,
    coverage: n > 0 ? k / n : null,
    predictions: n,
    withFeedback: k,
    model: km > 0 ? modelSum / km : null,
    fallback: k > km ? fallbackSum / (k - km) : null,
  });
  const total = (a: Float64Array | Uint32Array): number => {
    let t = 0;
    for (const v of a) t += v;
    return t;
  };
  return {
    buckets: Array.from({ length: buckets.count }, (_, i) => bucket(totals[i] as number, scored[i] as number, modelScored[i] as number, sums[i] as number, modelSums[i] as number, fallbackSums[i] as number)),
    window: bucket(total(totals), total(scored), total(modelScored), total(sums), total(modelSums), total(fallbackSums)),
  };
}

/** Quality over all the given predictions at once (for the view and `mlship status`). */
export function overallQuality(predictions: Predictions, feedback: ReadonlyMap<string, Timed<FeedbackRecord>>, metricOf?: QualityMetric): QualityBucket & { metric: QualityMetric } {
  const store = asStore(predictions);
  const metric = metricOf ?? detectMetric(store);
  if (store.length === 0) return { metric, value: null, coverage: null, predictions: 0, withFeedback: 0, model: null, fallback: null };
  // A store is in time order: its first and last records span the predictions.
  const first = store.time(0);
  const last = store.time(store.length - 1);
  const [bucket] = qualityOverTime(store, feedback, { start: first, step: last - first + 1, count: 1 }, metric);
  return { metric, ...(bucket as QualityBucket) };
}
