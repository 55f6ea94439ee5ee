// What a connected deployment looks like to the views that show it (the Deployments tree, the dashboard webview,
// `mlship status --format json`): its health against its budgets, and the time series of the dashboard. Plain data
// only, built in src/core/deployments.
import { DRIFT_METHODS, isDriftChart, type DriftChart, type DriftMethod } from './drift';

export type HealthState = 'healthy' | 'degraded' | 'breaching' | 'unreachable' | 'unknown';

/** Worst first: the order the status bar and `mlship status` rank states in. */
export const HEALTH_ORDER: readonly HealthState[] = ['breaching', 'unreachable', 'degraded', 'unknown', 'healthy'];

/** How each state reads: the same in the views, the status bar, `mlship status` and the dashboard. */
export const STATE_LABEL: Record<HealthState, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  breaching: 'Breaching budget',
  unreachable: 'Unreachable',
  unknown: 'Unknown',
};

/**
 * "model 93 % · fallback 71 %": quality from feedback split by who answered, when feedback covers both the model's
 * answers and the fallback's (as during a rollout); undefined otherwise.
 */
export function qualityByPath(q: DeploymentStatus['quality'], show: (v: number) => string): string | undefined {
  if (!q || q.model === null || q.model === undefined || q.fallback === null || q.fallback === undefined) return undefined;
  return `model ${show(q.model)} · fallback ${show(q.fallback)}`;
}

/** The reason of a deployment that has not been polled yet. */
export const NOT_CHECKED = 'not checked yet';

export type BudgetName = 'latency_p95_ms' | 'drift_psi' | 'fallback_rate';

export interface BudgetCheck {
  budget: BudgetName;
  /** What was measured (ms, PSI, share 0–1); null when it could not be measured. */
  value: number | null;
  /** The budget from mlship.yaml; undefined when none is set. */
  limit?: number;
  /** ok: within; near: ≥ 80 % of the budget; breach: over; unknown: not measured; unset: no budget. */
  status: 'ok' | 'near' | 'breach' | 'unknown' | 'unset';
  /** One line for people, e.g. "p95 62.1 ms > 50 ms budget". */
  message: string;
}

export interface FeatureDriftScore {
  feature: string;
  /** The drift statistic's value (PSI unless `statistic` says otherwise). */
  score: number;
  statistic?: string;
}

export interface DeploymentStatus {
  name: string;
  state: HealthState;
  /** The main reason for the state, one line. */
  reason: string;
  /** Every reason that contributed, worst first. */
  reasons: string[];
  checks: BudgetCheck[];
  /** From the server's model metadata or the prediction log. */
  modelVersion?: string;
  model?: string;
  p95Ms: number | null;
  errorRate: number | null;
  fallbackRate: number | null;
  lowConfidenceShare: number | null;
  /** Requests per second over the status window. */
  throughput: number | null;
  /** Highest per-feature PSI over the status window (the statistic of the drift_psi budget), when measured. */
  drift: FeatureDriftScore | null;
  /** Features the drift report's method flags over the status window (most drifted first). */
  driftedFeatures?: string[];
  /** Why drift is not shown, when it is not. */
  driftNote?: string;
  /**
   * Quality from feedback; `model` and `fallback` split it by who answered (the model, or the fallback: flag off, error,
   * timeout, low confidence), each null when none of its answers has feedback.
   */
  quality: { metric: 'accuracy' | 'mae'; value: number | null; coverage: number | null; model?: number | null; fallback?: number | null } | null;
  /** ISO time of the poll. */
  checkedAt: string;
  /** True while the deployment is served by this editor (Serve Model Locally). */
  local?: boolean;
  url?: string;
}

/** A series of values aligned with `DashboardData.timestamps`; null is a gap (no data), never a zero. */
export type Series = (number | null)[];

/** One feature's drift over time, scored the way the drift report scores the column. */
export interface FeatureDriftSeries {
  feature: string;
  /** The drift report's method for the column (Evidently's defaults, or what mlship.yaml sets). */
  method: DriftMethod;
  /** p-values drift below their threshold, distances at or above it. */
  scoreKind: 'p-value' | 'distance';
  threshold: number;
  /** The method's score at each drift point (`DashboardDrift.timestamps`); null where there is no window. */
  scores: Series;
  /** PSI at each drift point: the statistic of the drift_psi budget. */
  psi: Series;
  /** Over the whole selected window. */
  window?: { score: number; psi: number | null; status: 'drift' | 'stable'; explanation: string };
}

/** Baseline-vs-live distribution of one feature over the selected window, on bins both sides share. */
export interface FeatureHistogram {
  feature: string;
  status: 'drift' | 'stable';
  method: DriftMethod;
  scoreKind: 'p-value' | 'distance';
  score: number;
  threshold: number;
  explanation: string;
  chart: DriftChart;
}

/** One feature of one window of logged inputs, compared with the baseline (what the drift engine returns). */
export interface FeatureWindowScore {
  feature: string;
  method: DriftMethod;
  scoreKind: 'p-value' | 'distance';
  score: number;
  threshold: number;
  /** The drift report's verdict for the column (its method, or a missing-share or new-category change). */
  drifted: boolean;
  psi: number | null;
}

/**
 * A feature the drift report flags with no test to score it: in the window every logged value of it is missing, or
 * none has the baseline's type (text for a number), while the baseline has values.
 */
export interface UnscoredFeature {
  feature: string;
  /** The report's line for it, e.g. "income: missing 0 % → 100 %". */
  explanation: string;
}

export interface WindowScore {
  /** Logged inputs in the window. */
  records: number;
  /** Rows compared (an evenly spaced sample when the window has more). */
  compared: number;
  /** Compared features, most drifted first. */
  features: FeatureWindowScore[];
  /** Features flagged as drifted that no test could score (absent when there are none). */
  unscored?: UnscoredFeature[];
}

export interface WindowDetail extends WindowScore {
  /** Each compared feature's one-line explanation. */
  explanations: Record<string, string>;
  /** Baseline-vs-live distributions of the most drifted features. */
  histograms: FeatureHistogram[];
}

/** Drift of the logged inputs against the deployment's baseline, over time. */
export interface DashboardDrift {
  baseline: { name: string; rows: number; reason: string };
  /** Drift point starts, ms since the epoch: coarser than the dashboard's buckets, so each point compares enough rows. */
  timestamps: number[];
  stepMs: number;
  /** Logged inputs compared at each point (its bucket, widened back to `minRecords` when the bucket has fewer). */
  records: Series;
  minRecords: number;
  /** Most drifted over the selected window first. */
  features: FeatureDriftSeries[];
  /** The most drifted features over the selected window. */
  histograms: FeatureHistogram[];
  /** Logged inputs in the selected window (compared on an evenly spaced sample when there are many). */
  windowRecords: number;
  mode: 'evidently' | 'effect-size';
  psiBudget?: number;
  /** Why some or all of it is empty, e.g. too few logged inputs yet. */
  note?: string;
  /** Features drifted over the selected window that no test could score (every logged value missing or invalid). */
  unscored?: UnscoredFeature[];
}

/** Figures over a whole dashboard window (DashboardData.windowSummary). */
export interface WindowFigures {
  fallbackRate: number | null;
  lowConfidenceShare: number | null;
  /** Accuracy (or MAE) of the predictions with feedback, how many they are and their share; the model's and the fallback's apart. */
  quality: { value: number | null; withFeedback: number; coverage: number | null; model: number | null; fallback: number | null };
}

export interface DashboardData {
  deployment: string;
  /** Bucket starts, ms since the epoch. */
  timestamps: number[];
  /** Bucket width, ms. */
  stepMs: number;
  /** Under 'metrics', logBuckets counts the buckets that no pair of scrapes covers, filled from the prediction log. */
  latency: { p50: Series; p95: Series; p99: Series; budgetMs?: number; source: 'metrics' | 'prometheus' | 'log' | 'none'; logBuckets?: number };
  /** Requests per second. */
  throughput: Series;
  /** Share 0–1 of requests answered with an error status (or logged with reason "error"). */
  errorRate: Series;
  fallbackRate: Series;
  lowConfidenceShare: Series;
  /** A classifier's share per predicted label, or a regressor's p10/p50/p90 of predicted values. */
  predictions: { kind: 'labels'; labels: string[]; shares: Record<string, Series> } | { kind: 'values'; p10: Series; p50: Series; p90: Series } | { kind: 'none' };
  /**
   * Accuracy (or MAE) per bucket from feedback joined by request_id; coverage: share of its predictions with feedback.
   * `model` and `fallback`: the same of the model's answers and of the fallback's, when the window has feedback on both.
   */
  quality: { metric: 'accuracy' | 'mae'; values: Series; coverage: Series; withFeedback: number[]; model?: Series; fallback?: Series };
  /**
   * The whole window's figures (not its latest bucket, which may have just begun): the same counts over every bucket
   * at once, for what the charts' subtitles say next to the window's totals. Null where there is no data.
   */
  windowSummary: WindowFigures;
  /** Per-feature drift over time against the baseline, when a baseline and logged inputs are there. */
  drift?: DashboardDrift;
  /** Why there is no drift, when there is none. */
  driftNote?: string;
  budgets: { latency_p95_ms?: number; drift_psi?: number; fallback_rate?: number };
}

// ---------------------------------------------------------------------------------------------------------------
// Validators (structural, for data received from another process or a webview)

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isNum = (x: unknown): x is number => typeof x === 'number';
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNums = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNum);
const isStrs = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const opt = (x: unknown, check: (v: unknown) => boolean): boolean => x === undefined || check(x);
const isMethod = (x: unknown): x is DriftMethod => DRIFT_METHODS.includes(x as DriftMethod);
const isScoreKind = (x: unknown): boolean => x === 'p-value' || x === 'distance';

/** A series of `n` numbers or nulls. */
export function isSeries(x: unknown, n?: number): x is Series {
  if (!Array.isArray(x) || (n !== undefined && x.length !== n)) return false;
  for (const v of x) if (v !== null && typeof v !== 'number') return false;
  return true;
}

function isFeatureWindowScore(x: unknown): x is FeatureWindowScore {
  return isRecord(x) && isStr(x.feature) && isMethod(x.method) && isScoreKind(x.scoreKind) && isNum(x.score) && isNum(x.threshold) && typeof x.drifted === 'boolean' && (x.psi === null || isNum(x.psi));
}

const isUnscored = (x: unknown): boolean => Array.isArray(x) && x.every((u) => isRecord(u) && isStr(u.feature) && isStr(u.explanation));

export function isWindowScore(x: unknown): x is WindowScore {
  return isRecord(x) && isNum(x.records) && isNum(x.compared) && Array.isArray(x.features) && x.features.every(isFeatureWindowScore) && opt(x.unscored, isUnscored);
}

function isFeatureHistogram(x: unknown): x is FeatureHistogram {
  return isRecord(x) && isStr(x.feature) && (x.status === 'drift' || x.status === 'stable') && isMethod(x.method) && isScoreKind(x.scoreKind) && isNum(x.score) && isNum(x.threshold) && isStr(x.explanation) && isDriftChart(x.chart);
}

export function isWindowDetail(x: unknown): x is WindowDetail {
  if (!isWindowScore(x)) return false;
  const d = x as unknown as Record<string, unknown>;
  return isRecord(d.explanations) && Object.values(d.explanations).every(isStr) && Array.isArray(d.histograms) && d.histograms.every(isFeatureHistogram);
}

function isDashboardDrift(x: unknown): x is DashboardDrift {
  if (!isRecord(x) || !isNums(x.timestamps) || !isNum(x.stepMs) || !isNum(x.minRecords) || !isNum(x.windowRecords)) return false;
  const n = x.timestamps.length;
  return (
    isRecord(x.baseline) && isStr(x.baseline.name) && isNum(x.baseline.rows) && isStr(x.baseline.reason) && isSeries(x.records, n) &&
    (x.mode === 'evidently' || x.mode === 'effect-size') && opt(x.psiBudget, isNum) && opt(x.note, isStr) && opt(x.unscored, isUnscored) &&
    Array.isArray(x.histograms) && x.histograms.every(isFeatureHistogram) &&
    Array.isArray(x.features) && x.features.every((f) =>
      isRecord(f) && isStr(f.feature) && isMethod(f.method) && isScoreKind(f.scoreKind) && isNum(f.threshold) && isSeries(f.scores, n) && isSeries(f.psi, n) &&
      opt(f.window, (w) => isRecord(w) && isNum(w.score) && (w.psi === null || isNum(w.psi)) && (w.status === 'drift' || w.status === 'stable') && isStr(w.explanation)))
  );
}

function isPredictions(x: unknown, n: number): boolean {
  if (!isRecord(x)) return false;
  if (x.kind === 'none') return true;
  if (x.kind === 'values') return isSeries(x.p10, n) && isSeries(x.p50, n) && isSeries(x.p90, n);
  if (x.kind === 'labels') return isStrs(x.labels) && isRecord(x.shares) && x.labels.every((l) => isSeries((x.shares as Record<string, unknown>)[l], n));
  return false;
}

function isWindowFigures(x: unknown): x is WindowFigures {
  const share = (v: unknown): boolean => v === null || isNum(v);
  if (!isRecord(x) || !share(x.fallbackRate) || !share(x.lowConfidenceShare)) return false;
  const q = x.quality;
  return isRecord(q) && share(q.value) && isNum(q.withFeedback) && share(q.coverage) && share(q.model) && share(q.fallback);
}

/** Checks the whole shape, every series aligned with the timestamps. */
export function isDashboardData(x: unknown): x is DashboardData {
  if (!isRecord(x) || !isStr(x.deployment) || !isNums(x.timestamps) || !isNum(x.stepMs)) return false;
  const n = x.timestamps.length;
  const l = x.latency;
  const q = x.quality;
  return (
    isRecord(l) && isSeries(l.p50, n) && isSeries(l.p95, n) && isSeries(l.p99, n) && opt(l.budgetMs, isNum) && ['metrics', 'prometheus', 'log', 'none'].includes(l.source as string) &&
    isSeries(x.throughput, n) && isSeries(x.errorRate, n) && isSeries(x.fallbackRate, n) && isSeries(x.lowConfidenceShare, n) && isPredictions(x.predictions, n) &&
    isRecord(q) && (q.metric === 'accuracy' || q.metric === 'mae') && isSeries(q.values, n) && isSeries(q.coverage, n) && isNums(q.withFeedback) && q.withFeedback.length === n && opt(q.model, (v) => isSeries(v, n)) && opt(q.fallback, (v) => isSeries(v, n)) &&
    isWindowFigures(x.windowSummary) && opt(x.drift, isDashboardDrift) && opt(x.driftNote, isStr) &&
    isRecord(x.budgets) && opt(x.budgets.latency_p95_ms, isNum) && opt(x.budgets.drift_psi, isNum) && opt(x.budgets.fallback_rate, isNum)
  );
}
