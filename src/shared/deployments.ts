// What a connected deployment looks like to the views that show it (the Deployments tree, the dashboard webview,
// `mlship status --format json`): its health against its budgets, and the time series of the dashboard. Plain data
// only, built in src/core/deployments.

export type HealthState = 'healthy' | 'degraded' | 'breaching' | 'unreachable' | 'unknown';

/** Worst first: the order the status bar and `mlship status` rank states in. */
export const HEALTH_ORDER: readonly HealthState[] = ['breaching', 'unreachable', 'degraded', 'unknown', 'healthy'];

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
  /** Highest per-feature drift score, when the drift engine is connected. */
  drift: FeatureDriftScore | null;
  /** Why drift is not shown, when it is not. */
  driftNote?: string;
  quality: { metric: 'accuracy' | 'mae'; value: number | null; coverage: number | null } | null;
  /** ISO time of the poll. */
  checkedAt: string;
  /** True while the deployment is served by this editor (Serve Model Locally). */
  local?: boolean;
  url?: string;
}

/** A series of values aligned with `DashboardData.timestamps`; null is a gap (no data), never a zero. */
export type Series = (number | null)[];

export interface DashboardData {
  deployment: string;
  /** Bucket starts, ms since the epoch. */
  timestamps: number[];
  /** Bucket width, ms (grows when a long window is decimated). */
  stepMs: number;
  latency: { p50: Series; p95: Series; p99: Series; budgetMs?: number; source: 'metrics' | 'prometheus' | 'log' | 'none' };
  /** Requests per second. */
  throughput: Series;
  /** Share 0–1 of requests answered with an error status (or logged with reason "error"). */
  errorRate: Series;
  fallbackRate: Series;
  lowConfidenceShare: Series;
  /** A classifier's share per predicted label, or a regressor's p10/p50/p90 of predicted values. */
  predictions: { kind: 'labels'; labels: string[]; shares: Record<string, Series> } | { kind: 'values'; p10: Series; p50: Series; p90: Series } | { kind: 'none' };
  quality: { metric: 'accuracy' | 'mae'; values: Series; coverage: Series; withFeedback: number[] };
  /** Per-feature drift over time, when the drift engine is connected. */
  drift?: { statistic: string; threshold?: number; features: string[]; scores: Record<string, Series> };
  budgets: { latency_p95_ms?: number; drift_psi?: number; fallback_rate?: number };
}
