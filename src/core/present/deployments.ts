// Deployments in words: the one-liners of the tree and status bar, `mlship status` text, and the plain-text
// dashboard (the fallback where no webview is shown). Built from DeploymentStatus and DashboardData.
import type { DashboardSources } from '../../shared/dashboardMessages';
import { HEALTH_ORDER, NOT_CHECKED, qualityByPath, STATE_LABEL, type DashboardData, type DashboardDrift, type DeploymentStatus, type HealthState, type Series } from '../../shared/deployments';
import type { DeploymentConfig } from '../config/manifest';
import type { DeploymentDriftSource } from '../deployments/driftSource';
import { namedVersion, shortVersion } from '../registry/naming';
import { formatMs } from '../stats/latency';
import type { DeploymentRowTraits } from './rowKinds';
import { rowTooltip } from './tooltip';

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(x !== 0 && Math.abs(x) < 0.1 ? 1 : 0)} %`);
const ms = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : formatMs(x));

/**
 * Which sources a deployment's dashboard reads, so its empty charts say what to configure. The baseline is the one
 * drift is measured against (`deploymentDriftSource`: the deployment's `baseline:`, `drift.baselines.<model>`, the
 * served version's lineage, `drift.baseline`), not only the deployment's own `baseline:`.
 */
export function dashboardSources(config: DeploymentConfig, drift: DeploymentDriftSource, local: boolean): DashboardSources {
  return {
    inference: !!config.inference,
    metrics: !!(config.metrics?.scrape ?? config.metrics?.prometheus),
    predictions: !!(config.predictions?.jsonl ?? config.predictions?.url),
    feedback: !!(config.feedback?.jsonl ?? config.feedback?.url) || local,
    baseline: 'baseline' in drift,
  };
}

/**
 * What a deployment's row menus depend on (its `contextValue`, rowKinds.ts). It has a baseline when the drift rule
 * finds one (`deploymentDriftSource`), as for the dashboard: the served version's lineage or drift.baselines count,
 * not only the deployment's own `baseline:`.
 */
export function deploymentRowTraits(config: Pick<DeploymentConfig, 'inference'>, drift: DeploymentDriftSource, local: boolean): DeploymentRowTraits {
  return { local, inference: !!config.inference, baseline: 'baseline' in drift };
}

/** "p95 12.3 ms / 50 ms" — a value against its budget, or the value alone. */
export function p95VsBudget(s: DeploymentStatus): string {
  const budget = s.checks.find((c) => c.budget === 'latency_p95_ms')?.limit;
  return `p95 ${ms(s.p95Ms)}${budget !== undefined ? ` / ${formatMs(budget)}` : ''}`;
}

/** Features the drift report's method flags, e.g. "drifted: income, debt_ratio" (at most three named). */
export function driftedText(s: Pick<DeploymentStatus, 'driftedFeatures'>): string | undefined {
  const f = s.driftedFeatures;
  if (!f) return undefined;
  if (f.length === 0) return 'no feature drifted';
  return `drifted: ${f.slice(0, 3).join(', ')}${f.length > 3 ? ` and ${f.length - 3} more` : ''}`;
}

/** "income PSI 0.412 / 0.2" — the highest per-feature PSI against the drift_psi budget. */
function psiText(s: DeploymentStatus): string {
  const d = s.drift as NonNullable<DeploymentStatus['drift']>;
  const limit = s.checks.find((c) => c.budget === 'drift_psi')?.limit;
  return `${d.feature} ${d.statistic === undefined || d.statistic === 'psi' ? 'PSI' : d.statistic} ${d.score.toFixed(3)}${limit !== undefined ? ` / ${limit}` : ''}`;
}

export function driftText(s: DeploymentStatus): string {
  if (s.drift) return [`drift ${psiText(s)}`, driftedText(s)].filter(Boolean).join(', ');
  return `drift: ${s.driftNote ?? 'no data'}`;
}

export function fallbackText(s: DeploymentStatus): string {
  const limit = s.checks.find((c) => c.budget === 'fallback_rate')?.limit;
  return `fallback ${pct(s.fallbackRate)}${limit !== undefined ? ` / ${pct(limit)}` : ''}`;
}

/** The facts of a status on one line (tree description, status lines). */
export function statusFacts(s: DeploymentStatus): string {
  const parts = [s.modelVersion ? shortVersion(s.modelVersion) : undefined, p95VsBudget(s), fallbackText(s), s.drift ? driftText(s) : undefined, s.throughput !== null ? `${s.throughput.toFixed(s.throughput < 10 ? 1 : 0)} req/s` : undefined];
  return parts.filter((p): p is string => p !== undefined).join(' · ');
}

export interface StatusBarSummary {
  /** The worst state (it picks the item's background). */
  worst: HealthState;
  /** "$(error) 1 breaching budget, 1 unreachable": every state that is not healthy, worst first, or "$(pass) 3 healthy". */
  text: string;
  /** A count per state, worst first: "1 breaching budget · 1 unreachable · 2 healthy" (the tooltip's first line). */
  counts: string;
  /** One line per deployment, worst first: "credit-risk-prod: Unreachable — Connection refused by 127.0.0.1:8081". */
  lines: string[];
  /** What a screen reader says: "MLShip deployments: 1 breaching budget, 1 unreachable, 2 healthy". */
  label: string;
}

const STATUS_BAR_ICON: Record<HealthState, string> = { breaching: '$(error)', unreachable: '$(warning)', degraded: '$(warning)', unknown: '$(circle-outline)', healthy: '$(pass)' };

/**
 * The status bar item: the worst state's icon, and a count of every state that is not healthy (worst first), so one
 * breaching deployment does not hide another that is unreachable. Two states at most in the text, to keep it short;
 * the others as "+N more" deployments, and every state's count in the tooltip. Undefined without deployments.
 */
export function statusBarSummary(statuses: readonly Pick<DeploymentStatus, 'name' | 'state' | 'reason'>[]): StatusBarSummary | undefined {
  if (statuses.length === 0) return undefined;
  const byState = HEALTH_ORDER.map((state) => ({ state, n: statuses.filter((s) => s.state === state).length })).filter((c) => c.n > 0);
  const worst = (byState[0] as { state: HealthState }).state;
  const part = (c: { state: HealthState; n: number }): string => `${c.n} ${STATE_LABEL[c.state].toLowerCase()}`;
  const notHealthy = byState.filter((c) => c.state !== 'healthy');
  const shown = notHealthy.slice(0, 2).map(part);
  const rest = notHealthy.slice(2).reduce((n, c) => n + c.n, 0);
  const text = notHealthy.length === 0 ? `${statuses.length} healthy` : `${shown.join(', ')}${rest > 0 ? `, +${rest} more` : ''}`;
  const rank = (s: HealthState): number => HEALTH_ORDER.indexOf(s);
  const lines = [...statuses].sort((a, b) => rank(a.state) - rank(b.state)).map((s) => `${s.name}: ${STATE_LABEL[s.state]} — ${s.reason}`);
  return { worst, text: `${STATUS_BAR_ICON[worst]} ${text}`, counts: byState.map(part).join(' · '), lines, label: `MLShip deployments: ${byState.map(part).join(', ')}` };
}

/** `mlship status` text: one block per deployment, worst first. */
export function statusReport(statuses: readonly DeploymentStatus[]): string {
  if (statuses.length === 0) return 'No deployments in mlship.yaml (add them under deployments:).\n';
  const width = Math.max(...statuses.map((s) => s.name.length));
  const lines: string[] = [];
  for (const s of statuses) {
    lines.push(`${s.name.padEnd(width)}  ${STATE_LABEL[s.state]} — ${s.reason}`);
    const facts = [
      s.model ? `model ${s.model}${s.modelVersion ? ` (${namedVersion(s.modelVersion)})` : ''}` : s.modelVersion ? namedVersion(s.modelVersion) : undefined,
      p95VsBudget(s),
      fallbackText(s),
      driftText(s),
      s.errorRate !== null ? `errors ${pct(s.errorRate)}` : undefined,
      s.throughput !== null ? `${s.throughput.toFixed(1)} req/s` : undefined,
      s.quality && s.quality.value !== null ? `${s.quality.metric} ${qualityText(s.quality)}` : undefined,
    ].filter((p): p is string => p !== undefined);
    lines.push(`${' '.repeat(width)}  ${facts.join(' · ')}`);
    for (const extra of s.reasons.slice(1)) lines.push(`${' '.repeat(width)}  also: ${extra}`);
  }
  return `${lines.join('\n')}\n`;
}

function last(series: Series): number | null {
  for (let i = series.length - 1; i >= 0; i--) if (series[i] !== null && series[i] !== undefined) return series[i] as number;
  return null;
}

function range(series: Series, unit: string): string {
  const v = series.filter((x): x is number => x !== null);
  return v.length === 0 ? 'no data' : `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)} ${unit}`;
}

/** The drift section of the text dashboard: each feature over the selected window, most drifted first. */
function driftLines(d: DashboardDrift): string[] {
  const out = [`- drift against ${d.baseline.name} (${d.baseline.rows.toLocaleString('en-US')} rows; ${d.baseline.reason}), ${d.windowRecords} logged inputs in this window${d.note ? ` — ${d.note}` : ''}`];
  for (const f of d.features.slice(0, 12)) {
    const w = f.window;
    const latest = last(f.scores);
    const psi = w?.psi ?? last(f.psi);
    const score = w ? `${w.status === 'drift' ? 'DRIFT' : 'stable'} ${f.method} ${w.score.toFixed(3)}` : `${f.method} ${latest === null ? '–' : latest.toFixed(3)}`;
    out.push(`  - ${f.feature}: ${score} (${f.scoreKind === 'p-value' ? 'drift below' : 'drift at or above'} ${f.threshold}) · PSI ${psi === null ? '–' : psi.toFixed(3)}${d.psiBudget !== undefined ? ` / ${d.psiBudget}` : ''}${w ? ` — ${w.explanation}` : ''}`);
  }
  if (d.features.length > 12) out.push(`  - and ${d.features.length - 12} more`);
  for (const u of d.unscored ?? []) out.push(`  - ${u.feature}: DRIFT, no test could run — ${u.explanation}`);
  return out;
}

/** A plain-text dashboard: the status, then the latest value of every series and how much data there is. */
export function dashboardText(s: DeploymentStatus, d: DashboardData): string {
  const points = (x: Series): number => x.filter((v) => v !== null).length;
  const out = [
    `# ${s.name}`,
    '',
    `${STATE_LABEL[s.state]} — ${s.reason}`,
    ...s.reasons.slice(1).map((r) => `- also: ${r}`),
    '',
    `Checked ${s.checkedAt}${s.url ? ` · ${s.url}` : ''}${s.model ? ` · model ${s.model}` : ''}${s.modelVersion ? ` (${namedVersion(s.modelVersion)})` : ''}`,
    '',
    '## Budgets',
    ...s.checks.map((c) => `- ${c.budget}: ${c.status} — ${c.message}`),
    '',
    `## Last ${Math.round((d.timestamps.length * d.stepMs) / 60_000)} min (${d.timestamps.length} points of ${Math.round(d.stepMs / 1000)} s; latency from ${d.latency.source})`,
    `- latency p50 / p95 / p99: ${ms(last(d.latency.p50))} / ${ms(last(d.latency.p95))} / ${ms(last(d.latency.p99))}${d.latency.budgetMs !== undefined ? ` (budget ${formatMs(d.latency.budgetMs)})` : ''}; p95 range ${range(d.latency.p95, 'ms')} over ${points(d.latency.p95)} point${points(d.latency.p95) === 1 ? '' : 's'}`,
    `- throughput: ${last(d.throughput)?.toFixed(2) ?? '–'} req/s · error rate ${pct(last(d.errorRate))} · fallback rate ${pct(last(d.fallbackRate))} · low confidence ${pct(last(d.lowConfidenceShare))}`,
  ];
  const p = d.predictions;
  if (p.kind === 'labels') out.push(`- predictions (latest shares): ${p.labels.map((l) => `${l} ${pct(last(p.shares[l] ?? []))}`).join(', ')}`);
  else if (p.kind === 'values') out.push(`- predictions p10 / p50 / p90: ${last(p.p10)?.toFixed(2) ?? '–'} / ${last(p.p50)?.toFixed(2) ?? '–'} / ${last(p.p90)?.toFixed(2) ?? '–'}`);
  // The window's quality with the window's count and coverage, not the latest bucket's value beside the window's count.
  const q = d.windowSummary.quality;
  out.push(`- ${d.quality.metric === 'accuracy' ? 'accuracy' : 'MAE'} from feedback: ${q.value?.toFixed(3) ?? '–'} (${q.withFeedback} predictions with feedback in the window; coverage ${pct(q.coverage)})`);
  if (d.drift) out.push(...driftLines(d.drift));
  else out.push(`- drift: ${d.driftNote ?? s.driftNote ?? 'not available'}`);
  out.push('', 'This summary updates after every poll while it is open.', '');
  return out.join('\n');
}

/** One row under a deployment in the Deployments view (codicon names for icons, theme colour ids for colours). */
export interface DeploymentDetail {
  label: string;
  description: string;
  icon: string;
  color?: string;
  tooltip?: string;
}

export const STATE_ICON: Record<DeploymentStatus['state'], { icon: string; color?: string }> = {
  healthy: { icon: 'pass', color: 'testing.iconPassed' },
  degraded: { icon: 'warning', color: 'list.warningForeground' },
  breaching: { icon: 'error', color: 'list.errorForeground' },
  unreachable: { icon: 'debug-disconnect', color: 'list.errorForeground' },
  unknown: { icon: 'circle-outline' },
};

const CHECK_ICON = { ok: 'pass', near: 'warning', breach: 'error', unknown: 'question', unset: 'dash' } as const;

/** "91 % (feedback on 12 % of predictions; model 93 % · fallback 71 %)": quality from feedback, split by who answered when it can be. */
function qualityText(q: NonNullable<DeploymentStatus['quality']>): string {
  const show = (v: number): string => (q.metric === 'accuracy' ? pct(v) : v.toFixed(3));
  const split = qualityByPath(q, show);
  return `${q.value === null ? '–' : show(q.value)} (feedback on ${pct(q.coverage)} of predictions${split ? `; ${split}` : ''})`;
}

/** The rows under a deployment: health and its reason, model version, p95 vs budget, drift, fallback, traffic, quality. */
export function deploymentDetails(s: DeploymentStatus): DeploymentDetail[] {
  const check = (b: string) => s.checks.find((c) => c.budget === b);
  const budgetRow = (label: string, b: string, description: string): DeploymentDetail => {
    const c = check(b);
    const status = c?.status ?? 'unset';
    return { label, description, icon: CHECK_ICON[status], ...(status === 'breach' ? { color: 'list.errorForeground' } : status === 'near' ? { color: 'list.warningForeground' } : {}), ...(c ? { tooltip: c.message } : {}) };
  };
  const rows: DeploymentDetail[] = [
    { label: 'Health', description: `${STATE_LABEL[s.state]} — ${s.reason}`, ...STATE_ICON[s.state], tooltip: [s.reason, ...s.reasons.slice(1)].join('\n') },
    { label: 'Model', description: [s.model, s.modelVersion ? namedVersion(s.modelVersion) : undefined].filter(Boolean).join(' · ') || 'unknown', icon: 'circuit-board' },
    budgetRow('Latency', 'latency_p95_ms', p95VsBudget(s)),
    budgetRow('Drift', 'drift_psi', s.drift ? [psiText(s), driftedText(s)].filter(Boolean).join(' · ') : (s.driftNote ?? 'no data')),
    budgetRow('Fallback rate', 'fallback_rate', `${pct(s.fallbackRate)}${check('fallback_rate')?.limit !== undefined ? ` / ${pct(check('fallback_rate')?.limit)}` : ''}`),
    { label: 'Traffic', description: `${s.throughput !== null ? `${s.throughput.toFixed(s.throughput < 10 ? 2 : 0)} req/s` : '–'} · errors ${pct(s.errorRate)} · low confidence ${pct(s.lowConfidenceShare)}`, icon: 'pulse' },
  ];
  if (s.quality) rows.push({ label: s.quality.metric === 'accuracy' ? 'Accuracy' : 'MAE', description: qualityText(s.quality), icon: 'feedback' });
  if (s.url) rows.push({ label: 'Endpoint', description: s.url, icon: 'link' });
  rows.push({ label: 'Checked', description: s.reason === NOT_CHECKED ? 'not yet' : s.checkedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), icon: 'history' });
  return rows;
}

/**
 * Everything a deployment's row in the Deployments view shows: its label, description, icon, tooltip (Markdown),
 * accessible label, context value (which commands its menus offer) and the rows under it. The view compares what it
 * last rendered with this (deploymentRowChange) and redraws only what differs: a redrawn row closes its open hover.
 */
export interface DeploymentRowView {
  label: string;
  description: string;
  icon: string;
  color?: string;
  tooltip: string;
  accessibility: string;
  contextValue: string;
  details: DeploymentDetail[];
}

/** The row of a deployment whose status is `s`; `contextValue` says what kind of deployment it is. */
export function deploymentRow(s: DeploymentStatus, contextValue: string): DeploymentRowView {
  const icon = STATE_ICON[s.state];
  return {
    label: s.name,
    // Unreachable or not checked: the reason says more than empty measurements.
    description: `${STATE_LABEL[s.state]} · ${s.state === 'unreachable' || s.state === 'unknown' ? s.reason : statusFacts(s)}`,
    icon: icon.icon,
    ...(icon.color ? { color: icon.color } : {}),
    tooltip: rowTooltip({ label: s.name, description: STATE_LABEL[s.state], lines: [...(s.reasons.length > 0 ? s.reasons : [s.reason]).map((r) => `• ${r}`), statusFacts(s), ...(s.url ? [s.url] : [])] }),
    accessibility: `${s.name}: ${STATE_LABEL[s.state]}, ${s.reason}`,
    contextValue,
    details: deploymentDetails(s),
  };
}

/**
 * What to redraw when a deployment's row goes from `before` (last rendered; undefined: never) to `after`: nothing;
 * the row itself, with the rows under it (what the row shows changed, or which rows are under it); or only the rows
 * under it at these indices (each keeps its place and label, so only its text, icon or tooltip changed).
 */
export type DeploymentRowChange = { redraw: 'none' } | { redraw: 'row' } | { redraw: 'details'; indices: number[] };

export function deploymentRowChange(before: DeploymentRowView | undefined, after: DeploymentRowView): DeploymentRowChange {
  if (!before) return { redraw: 'row' };
  const { details: beforeDetails, ...beforeRow } = before;
  const { details: afterDetails, ...afterRow } = after;
  if (!sameShown(beforeRow, afterRow)) return { redraw: 'row' };
  if (beforeDetails.length !== afterDetails.length || beforeDetails.some((d, i) => d.label !== afterDetails[i]?.label)) return { redraw: 'row' };
  const indices = afterDetails.flatMap((d, i) => (sameShown(d, beforeDetails[i]) ? [] : [i]));
  return indices.length > 0 ? { redraw: 'details', indices } : { redraw: 'none' };
}

/** Whether two plain records of shown text hold the same fields with the same values. */
function sameShown<T extends object>(a: T, b: T | undefined): boolean {
  if (!b) return false;
  const ka = Object.keys(a) as (keyof T)[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
