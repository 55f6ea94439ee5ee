// Real-world quality from feedback: feedback records joined to predictions by request_id, then accuracy (for a
// classifier) or mean absolute error (for a regressor) over time, with coverage — the share of predictions that
// have feedback — so a number computed from three labels is never mistaken for one computed from three thousand.
import type { FeedbackRecord, PredictionRecord, Timed } from './records';

export type QualityMetric = 'accuracy' | 'mae';

/** The latest feedback per request id. */
export function feedbackByRequest(feedback: readonly Timed<FeedbackRecord>[]): Map<string, Timed<FeedbackRecord>> {
  const out = new Map<string, Timed<FeedbackRecord>>();
  for (const f of feedback) {
    const prev = out.get(f.record.request_id);
    if (!prev || prev.t <= f.t) out.set(f.record.request_id, f);
  }
  return out;
}

/** Classification when predictions carry labels (or scores); regression when they carry only values. */
export function detectMetric(predictions: readonly Timed<PredictionRecord>[]): QualityMetric {
  let labels = 0;
  let values = 0;
  for (const p of predictions.slice(-500)) {
    const o = p.record.output;
    if (!o) continue;
    if (o.scores !== undefined || (o.label !== undefined && typeof o.label !== 'number')) labels++;
    else if (o.value !== undefined) values++;
    else if (o.label !== undefined) labels++;
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
  const o = prediction.output;
  if (!o) return undefined;
  if (metric === 'accuracy') {
    const predicted = o.label ?? o.value;
    return predicted === undefined ? undefined : normalizeLabel(predicted) === normalizeLabel(label) ? 1 : 0;
  }
  const value = o.value ?? (typeof o.label === 'number' ? o.label : undefined);
  const truth = typeof label === 'number' ? label : Number(label);
  return value === undefined || !Number.isFinite(truth) ? undefined : Math.abs(value - truth);
}

export interface QualityBucket {
  /** Accuracy (0–1) or MAE; null when no prediction in the bucket has feedback. */
  value: number | null;
  /** Predictions with feedback / predictions, null when there were no predictions. */
  coverage: number | null;
  predictions: number;
  withFeedback: number;
}

/**
 * Quality per time bucket of the predictions (bucket i covers [start + i·step, start + (i+1)·step)), from the
 * predictions made in it that have feedback.
 */
export function qualityOverTime(
  predictions: readonly Timed<PredictionRecord>[],
  feedback: ReadonlyMap<string, Timed<FeedbackRecord>>,
  buckets: { start: number; step: number; count: number },
  metric: QualityMetric,
): QualityBucket[] {
  const sums = new Float64Array(buckets.count);
  const scored = new Uint32Array(buckets.count);
  const totals = new Uint32Array(buckets.count);
  for (const p of predictions) {
    const i = Math.floor((p.t - buckets.start) / buckets.step);
    if (i < 0 || i >= buckets.count) continue;
    totals[i] = (totals[i] as number) + 1;
    const f = feedback.get(p.record.request_id);
    if (!f) continue;
    const s = scorePrediction(p.record, f.record.label, metric);
    if (s === undefined) continue;
    sums[i] = (sums[i] as number) + s;
    scored[i] = (scored[i] as number) + 1;
  }
  return Array.from({ length: buckets.count }, (_, i) => {
    const n = totals[i] as number;
    const k = scored[i] as number;
    return { value: k > 0 ? (sums[i] as number) / k : null, coverage: n > 0 ? k / n : null, predictions: n, withFeedback: k };
  });
}

/** Quality over all the given predictions at once (for the view and `mlship status`). */
export function overallQuality(predictions: readonly Timed<PredictionRecord>[], feedback: ReadonlyMap<string, Timed<FeedbackRecord>>, metric: QualityMetric = detectMetric(predictions)): QualityBucket & { metric: QualityMetric } {
  if (predictions.length === 0) return { metric, value: null, coverage: null, predictions: 0, withFeedback: 0 };
  const first = predictions.reduce((m, p) => Math.min(m, p.t), Infinity);
  const last = predictions.reduce((m, p) => Math.max(m, p.t), -Infinity);
  const [bucket] = qualityOverTime(predictions, feedback, { start: first, step: last - first + 1, count: 1 }, metric);
  return { metric, ...(bucket as QualityBucket) };
}
