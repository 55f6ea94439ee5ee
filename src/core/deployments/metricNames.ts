// Metric names the local server exposes and the readers look for by default (a deployment's `metrics:` in
// mlship.yaml can name another latency histogram, e.g. a KServe or MLServer one).

export const METRIC = {
  latency: 'mlship_inference_request_duration_seconds',
  requests: 'mlship_inference_requests_total',
  predictions: 'mlship_predictions_total',
  labels: 'mlship_prediction_labels_total',
  lowConfidence: 'mlship_low_confidence_predictions_total',
  feedback: 'mlship_feedback_total',
  info: 'mlship_model_info',
} as const;

/** Latency histogram buckets, seconds: fine below 10 ms where a local model answers, coarse above. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10,
];
