// A deployment's health against the budgets of mlship.yaml (latency_p95_ms, drift_psi, fallback_rate):
//   Unreachable       the server (or, without an inference URL, the metrics source) does not answer;
//   Breaching budget  a measured value is over its budget;
//   Degraded          reachable but not ready, errors on ≥ 5 % of requests, a data source failing, or a value at
//                     ≥ 80 % of its budget;
//   Unknown           nothing measured: no server or metrics to ask, and no prediction logged (yet, or in the window);
//   Healthy           otherwise.
// The reason names the measurement and the budget, so the tree, the status bar and `mlship status` can say why.
import { HEALTH_ORDER, STATE_LABEL, type BudgetCheck, type BudgetName, type DeploymentStatus, type FeatureDriftScore, type HealthState } from '../../shared/deployments';
import { formatMs } from '../stats/latency';

export interface Budgets {
  latency_p95_ms?: number;
  drift_psi?: number;
  fallback_rate?: number;
}

export const NEAR_BUDGET = 0.8;
export const ERROR_RATE_DEGRADED = 0.05;

export interface HealthInput {
  /** Whether the deployment answered; the reason when not. */
  reachable: { ok: true } | { ok: false; reason: string };
  /** Server/model readiness when known. */
  ready?: boolean;
  p95Ms: number | null;
  drift: FeatureDriftScore | null;
  fallbackRate: number | null;
  errorRate: number | null;
  /** Sources that failed this poll (metrics, prediction log…), one line each. */
  sourceProblems: readonly string[];
  budgets: Budgets;
  /**
   * Set when no source measured anything this poll (no server or metrics to ask, and no prediction logged yet or in
   * the window): the state is Unknown with this reason unless something is wrong.
   */
  waiting?: string;
}

export interface HealthAssessment {
  state: HealthState;
  reason: string;
  reasons: string[];
  checks: BudgetCheck[];
}

const pct = (x: number): string => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

function check(budget: BudgetName, value: number | null, limit: number | undefined, show: (x: number) => string, label: string): BudgetCheck {
  if (limit === undefined) return { budget, value, status: 'unset', message: value === null ? `${label}: no data` : `${label} ${show(value)} (no budget)` };
  if (value === null) return { budget, value, limit, status: 'unknown', message: `${label}: no data yet (budget ${show(limit)})` };
  if (value > limit) return { budget, value, limit, status: 'breach', message: `${label} ${show(value)} > ${show(limit)} budget` };
  if (value >= NEAR_BUDGET * limit) return { budget, value, limit, status: 'near', message: `${label} ${show(value)} is ${pct(value / limit)} of the ${show(limit)} budget` };
  return { budget, value, limit, status: 'ok', message: `${label} ${show(value)} within ${show(limit)} budget` };
}

export function assessHealth(input: HealthInput): HealthAssessment {
  const driftLabel = input.drift ? `drift (${input.drift.statistic ?? 'PSI'}) of ${input.drift.feature}` : 'drift';
  const checks: BudgetCheck[] = [
    check('latency_p95_ms', input.p95Ms, input.budgets.latency_p95_ms, formatMs, 'p95'),
    check('drift_psi', input.drift?.score ?? null, input.budgets.drift_psi, (x) => x.toFixed(3), driftLabel),
    check('fallback_rate', input.fallbackRate, input.budgets.fallback_rate, pct, 'fallback rate'),
  ];
  if (!input.reachable.ok) {
    return { state: 'unreachable', reason: input.reachable.reason, reasons: [input.reachable.reason, ...input.sourceProblems], checks };
  }
  const breaches = checks.filter((c) => c.status === 'breach').map((c) => c.message);
  const degraded: string[] = [];
  if (input.ready === false) degraded.push('the model is not ready');
  if (input.errorRate !== null && input.errorRate >= ERROR_RATE_DEGRADED) degraded.push(`errors on ${pct(input.errorRate)} of requests`);
  degraded.push(...input.sourceProblems);
  degraded.push(...checks.filter((c) => c.status === 'near').map((c) => c.message));
  if (breaches.length > 0) return { state: 'breaching', reason: breaches.join('; '), reasons: [...breaches, ...degraded], checks };
  if (degraded.length > 0) return { state: 'degraded', reason: degraded[0] as string, reasons: degraded, checks };
  if (input.waiting) return { state: 'unknown', reason: input.waiting, reasons: [input.waiting], checks };
  const measured = checks.filter((c) => c.value !== null).map((c) => c.message);
  const reason = measured.length > 0 ? measured.join(' · ') : 'answering; no traffic measured yet';
  return { state: 'healthy', reason, reasons: [reason], checks };
}

/** The worst of several states (breaching > unreachable > degraded > unknown > healthy). */
export function worstState(states: Iterable<HealthState>): HealthState | undefined {
  let worst: number | undefined;
  for (const s of states) {
    const i = HEALTH_ORDER.indexOf(s);
    if (worst === undefined || i < worst) worst = i;
  }
  return worst === undefined ? undefined : HEALTH_ORDER[worst];
}

/** One line for a status: "Breaching budget — p95 62.1 ms > 50 ms budget". */
export function statusLine(s: Pick<DeploymentStatus, 'state' | 'reason'>): string {
  return `${STATE_LABEL[s.state]} — ${s.reason}`;
}
