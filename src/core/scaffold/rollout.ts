// The rollout guard: may a rollout flag's percentage go up, given the linked deployment's health? Lowering and the
// kill switch are always allowed. Raising is refused while a measured metric breaches its budget (latency p95, drift,
// fallback rate), and — with requireHealthy — while health is unknown; an explicit override (who, when, why) lets it
// through and is recorded. Every change is one JSONL record in the rollout log next to the flag file. Pure: the CLI and
// the extension do the I/O.
import { dirname, join } from 'node:path';
import type { DeploymentStatus } from '../../shared/deployments';
import type { DeploymentConfig } from '../config/manifest';
import { describeRollout, FlagFileError, formatPercent, readRollout, setKillSwitch, setRolloutPercent, type FlagFileChange, type RolloutState } from './flagFile';

/** The metrics the guard checks, named as in mlship.yaml `budgets:`. */
export const HEALTH_METRICS = ['latency_p95_ms', 'drift_psi', 'fallback_rate'] as const;
export type HealthMetric = (typeof HEALTH_METRICS)[number];

const METRIC_LABEL: Record<HealthMetric, string> = {
  latency_p95_ms: 'latency p95',
  drift_psi: 'drift (PSI)',
  fallback_rate: 'fallback rate',
};

/**
 * The linked deployment's health as the guard reads it. The deployments module produces it from live metrics; the CLI
 * reads it from a JSON file (`--health`). A metric that is null or absent is unknown.
 */
export interface DeploymentHealth {
  deployment?: string;
  /** When the metrics were measured (ISO 8601). */
  measuredAt?: string;
  metrics: Partial<Record<HealthMetric, number | null>>;
  /** Budgets; a metric without one is not checked. */
  budgets: Partial<Record<HealthMetric, number>>;
  /**
   * 'verdict' when read from a health verdict file (`--health`, `.mlship/health/<deployment>.json`): the guard then
   * checks when it was measured. A live poll's status needs no such check.
   */
  source?: 'live' | 'verdict';
  /** Why a verdict file that exists cannot be read (see invalidVerdict): the guard refuses a raise on it. */
  invalid?: string;
}

/**
 * The health of a deployment whose verdict file exists but cannot be read: not unknown health (which lets a raise
 * through), but a verdict the guard refuses a raise on, saying why.
 */
export function invalidVerdict(deployment: string, problem: string): DeploymentHealth {
  return { deployment, metrics: {}, budgets: {}, source: 'verdict', invalid: problem };
}

/** The oldest health verdict the guard uses by default: 15 minutes. */
export const DEFAULT_VERDICT_MAX_AGE_MS = 15 * 60_000;
/** A verdict dated further ahead than this is refused as from the future (clocks a little apart are tolerated). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface Breach {
  metric: HealthMetric;
  value: number;
  budget: number;
}

/** An explicit decision to raise despite the guard. */
export interface RolloutOverride {
  by: string;
  /** ISO 8601. */
  at: string;
  reason: string;
}

export type RolloutTarget = { kind: 'percent'; percent: number } | { kind: 'kill' } | { kind: 'release' };

export interface GuardInput {
  current: RolloutState;
  target: RolloutTarget;
  /** Undefined when no health is known for the flag's deployment. */
  health?: DeploymentHealth;
  /** Refuse to raise unless every budgeted metric is measured and within budget. */
  requireHealthy?: boolean;
  override?: RolloutOverride;
  /** The deployment whose `flag:` in mlship.yaml is this flag: health of another deployment refuses a raise. */
  linkedDeployment?: string;
  /** The time a verdict's age is measured from (ms since the epoch; default: now). */
  now?: number;
  /** The oldest verdict used (default DEFAULT_VERDICT_MAX_AGE_MS); an older one refuses a raise. */
  maxVerdictAgeMs?: number;
}

export interface GuardDecision {
  allowed: boolean;
  direction: 'raise' | 'lower' | 'same';
  /** Effective percentages (0 while the kill switch is on). */
  from: number;
  to: number;
  breaches: Breach[];
  /** Budgeted metrics with no measurement. */
  unknown: HealthMetric[];
  /** True when the override is what let the change through. */
  overridden: boolean;
  /** Why the health cannot be used for this flag (another deployment's, stale, undated), when that refused a raise. */
  verdictProblem?: VerdictProblem;
  /** One sentence for people: why it is allowed or refused, and what to do. */
  message: string;
}

/**
 * The change a target makes to a rollout flag in a flag file. With `expected` — the rollout the guard decided on — it
 * throws FlagFileError, changing nothing, when the flag's rollout in `text` is no longer that one: the file changed
 * while the change was being decided (a kill switch turned on elsewhere must not be released by a stale decision).
 */
export function applyRolloutTarget(text: string, file: string, flagKey: string, target: RolloutTarget, expected?: RolloutState): FlagFileChange {
  if (expected) {
    const now = readRollout(text, file, flagKey);
    if (now.state !== expected.state || now.percent !== expected.percent) {
      throw new FlagFileError(`${flagKey} changed in ${file} while this change was being decided: it is now ${describeRollout(now)}, not ${describeRollout(expected)}. Nothing was changed; look at it again and repeat the change if it still applies.`);
    }
  }
  return target.kind === 'percent' ? setRolloutPercent(text, file, flagKey, target.percent) : setKillSwitch(text, file, flagKey, target.kind === 'kill');
}

/** The effective percentage a target leads to, from the current state. */
export function targetPercent(current: RolloutState, target: RolloutTarget): number {
  if (target.kind === 'kill') return 0;
  if (target.kind === 'release') return current.percent;
  return target.percent;
}

/** The budgets of a deployment entry, as the guard reads them. */
export function budgetsOf(deployment: DeploymentConfig): Partial<Record<HealthMetric, number>> {
  const out: Partial<Record<HealthMetric, number>> = {};
  for (const m of HEALTH_METRICS) {
    const v = deployment.budgets?.[m];
    if (typeof v === 'number') out[m] = v;
  }
  return out;
}

/**
 * A deployment's live status (the Deployments view's last poll, `mlship status`) as the guard reads it: each budget's
 * measured value and limit. Undefined before the first poll, when nothing is known yet.
 */
export function healthFromStatus(status: DeploymentStatus): DeploymentHealth | undefined {
  if (status.state === 'unknown' && status.checks.every((c) => c.value === null)) return undefined;
  const metrics: DeploymentHealth['metrics'] = {};
  const budgets: DeploymentHealth['budgets'] = {};
  for (const c of status.checks) {
    if (!(HEALTH_METRICS as readonly string[]).includes(c.budget)) continue;
    metrics[c.budget] = c.value;
    if (c.limit !== undefined) budgets[c.budget] = c.limit;
  }
  return { deployment: status.name, measuredAt: status.checkedAt, metrics, budgets, source: 'live' };
}

/**
 * The health of a deployment polled for the question (`mlship rollout`): a poll that measured nothing is health whose
 * budgeted metrics are all unknown — the guard then says what was not measured — not health that was never looked at.
 */
export function polledHealth(status: DeploymentStatus, deployment: DeploymentConfig): DeploymentHealth {
  return healthFromStatus(status) ?? { deployment: status.name, measuredAt: status.checkedAt, metrics: {}, budgets: budgetsOf(deployment), source: 'live' };
}

/** The shortest reason an override is recorded with. */
export const MIN_OVERRIDE_REASON_LENGTH = 3;

/** What is wrong with an override, or undefined when it is complete. */
export function overrideProblem(o: RolloutOverride): string | undefined {
  if (o.by.trim() === '') return 'An override needs who makes it.';
  if (Number.isNaN(Date.parse(o.at)) || !/^\d{4}-\d{2}-\d{2}T/.test(o.at)) return `An override needs when it is made as an ISO 8601 time (got "${o.at}").`;
  if (o.reason.trim().length < MIN_OVERRIDE_REASON_LENGTH) return `An override needs a reason of at least ${MIN_OVERRIDE_REASON_LENGTH} characters: say why the percentage goes up despite the guard.`;
  return undefined;
}

export function formatBreach(b: Breach): string {
  const unit = b.metric === 'latency_p95_ms' ? ' ms' : '';
  const show = (v: number) => (b.metric === 'fallback_rate' ? `${(v * 100).toFixed(1)} %` : `${Number(v.toFixed(3))}${unit}`);
  return `${METRIC_LABEL[b.metric]} ${show(b.value)} > budget ${show(b.budget)}`;
}

function assess(health: DeploymentHealth): { breaches: Breach[]; unknown: HealthMetric[] } {
  const breaches: Breach[] = [];
  const unknown: HealthMetric[] = [];
  for (const metric of HEALTH_METRICS) {
    const budget = health.budgets[metric];
    if (budget === undefined) continue;
    const value = health.metrics[metric];
    // NaN is no measurement: it compares as within any budget.
    if (value === undefined || value === null || Number.isNaN(value)) unknown.push(metric);
    else if (value > budget) breaches.push({ metric, value, budget });
  }
  return { breaches, unknown };
}

/** An age for people: `40 s`, `12 min`, `5 h`, `3 days`, `6 years`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  const days = Math.round(h / 24);
  if (days < 730) return `${days} days`;
  return `${Math.floor(days / 365.25)} years`;
}

export interface VerdictCheck {
  flagKey: string;
  linkedDeployment?: string;
  now: number;
  maxAgeMs: number;
}

/** Why a health cannot gate a flag: another deployment's, or (a verdict file) undated, too old or dated ahead. */
export interface VerdictProblem {
  kind: 'invalid' | 'other-deployment' | 'undated' | 'stale' | 'future';
  /** A clause for people, e.g. `the health verdict is 7 years old (measured …); the oldest used is 15 min`. */
  message: string;
}

/**
 * Why a health cannot gate this flag, or undefined when it can: it is another deployment's than the one linked to the
 * flag, or (a verdict file) it does not say when it was measured, is older than the maximum age, or is dated ahead.
 */
export function verdictProblem(health: DeploymentHealth, check: VerdictCheck): VerdictProblem | undefined {
  const what = health.source === 'verdict' ? 'the health verdict' : 'the health';
  if (health.invalid !== undefined) return { kind: 'invalid', message: `the health verdict cannot be read: ${health.invalid.replace(/\.\s*$/, '')}` };
  if (check.linkedDeployment !== undefined && health.deployment !== undefined && health.deployment !== check.linkedDeployment) {
    return { kind: 'other-deployment', message: `${what} is for deployment "${health.deployment}", but ${check.flagKey} is linked to deployment "${check.linkedDeployment}" (flag: in mlship.yaml)` };
  }
  if (health.source !== 'verdict') return undefined;
  if (health.measuredAt === undefined) return { kind: 'undated', message: 'the health verdict does not say when it was measured ("measuredAt")' };
  const age = check.now - Date.parse(health.measuredAt);
  if (age > check.maxAgeMs) return { kind: 'stale', message: `the health verdict is ${formatAge(age)} old (measured ${health.measuredAt}); the oldest used is ${formatAge(check.maxAgeMs)}` };
  if (age < -FUTURE_TOLERANCE_MS) return { kind: 'future', message: `the health verdict is dated ${formatAge(-age)} ahead (measured ${health.measuredAt}); check the clock that wrote it` };
  return undefined;
}

function metricList(metrics: readonly HealthMetric[]): string {
  return metrics.map((m) => METRIC_LABEL[m]).join(', ');
}

/** What a health without breaches says: within which budgets, and which budgeted metrics were not measured. */
function healthNote(who: string, health: DeploymentHealth, unknown: readonly HealthMetric[]): string {
  const budgeted = HEALTH_METRICS.filter((m) => health.budgets[m] !== undefined);
  if (budgeted.length === 0) return `${who} has no budgets to check`;
  if (unknown.length === 0) return `${who} is within its budgets`;
  const within = budgeted.filter((m) => !unknown.includes(m));
  if (within.length === 0) return `${who} has no measurement of ${metricList(unknown)}, so no budget was checked`;
  return `${who} is within its budgets of ${metricList(within)}; ${metricList(unknown)} not measured`;
}

/** Whether a change of a rollout flag may go ahead. */
export function decideRollout(input: GuardInput): GuardDecision {
  const from = input.current.effectivePercent;
  const to = targetPercent(input.current, input.target);
  const direction = to > from ? 'raise' : to < from ? 'lower' : 'same';
  const { breaches, unknown } = input.health ? assess(input.health) : { breaches: [], unknown: [] };
  const base = { direction, from, to, breaches, unknown, overridden: false } as const;
  if (direction !== 'raise') {
    const what = input.target.kind === 'kill' ? 'The kill switch is' : direction === 'lower' ? 'Lowering is' : 'No change is';
    return { ...base, allowed: true, message: `${what} always allowed.` };
  }
  const who = input.health?.deployment ? `deployment "${input.health.deployment}"` : 'the linked deployment';
  const change = `${formatPercent(from)} → ${formatPercent(to)}`;
  const now = input.now ?? Date.now();
  const maxAgeMs = input.maxVerdictAgeMs ?? DEFAULT_VERDICT_MAX_AGE_MS;
  const problem = input.health
    ? verdictProblem(input.health, { flagKey: input.current.flagKey, ...(input.linkedDeployment !== undefined ? { linkedDeployment: input.linkedDeployment } : {}), now, maxAgeMs })
    : undefined;
  let refusal: string | undefined;
  let advice = 'Provide the deployment\'s health, or override with a reason (it is recorded).';
  if (breaches.length > 0) advice = 'Lower it, fix the deployment, or override with a reason (it is recorded).';
  if (problem) {
    const of = input.linkedDeployment ?? input.health?.deployment;
    advice =
      problem.kind === 'invalid'
        ? 'Fix or remove the verdict file, or override with a reason (it is recorded).'
        : `Measure ${of ? `deployment "${of}"` : 'the linked deployment'} again (a verdict of the last ${formatAge(maxAgeMs)}), or override with a reason (it is recorded).`;
  }
  if (problem) refusal = problem.message;
  else if (breaches.length > 0) refusal = `${who} breaches its budget: ${breaches.map(formatBreach).join('; ')}`;
  else if (input.requireHealthy && !input.health) refusal = 'no health verdict is known for the linked deployment (health is required)';
  else if (input.requireHealthy && unknown.length > 0) refusal = `${who} has no measurement of ${metricList(unknown)} (health is required)`;
  else if (input.requireHealthy && input.health && Object.keys(input.health.budgets).length === 0) refusal = `${who} has no budgets to check (health is required)`;
  if (!refusal) {
    const measured = input.health?.source === 'verdict' && input.health.measuredAt !== undefined ? ` (verdict measured ${formatAge(now - Date.parse(input.health.measuredAt))} ago)` : '';
    const note = input.health ? `${healthNote(who, input.health, unknown)}${measured}` : 'health was not checked';
    return { ...base, allowed: true, message: `Raising ${change} is allowed: ${note}.` };
  }
  const noted = problem ? { verdictProblem: problem } : {};
  if (input.override && !overrideProblem(input.override)) {
    return { ...base, ...noted, allowed: true, overridden: true, message: `Raising ${change} despite: ${refusal}. Overridden by ${input.override.by}: ${input.override.reason}` };
  }
  return { ...base, ...noted, allowed: false, message: `Raising ${change} is refused: ${refusal}. ${advice}` };
}

/**
 * One line about the health of the deployment linked to a flag, as the flag file's CodeLens shows it: `healthy`,
 * `healthy (drift (PSI) not measured)`, `breaching (…)`, `health unknown`, or why a verdict cannot be used.
 */
export function healthLabel(name: string | undefined, health: DeploymentHealth | undefined, maxVerdictAgeMs = DEFAULT_VERDICT_MAX_AGE_MS): string {
  if (!name) return 'no linked deployment';
  if (!health) return `${name}: health unknown`;
  const current: RolloutState = { flagKey: '', state: 'ENABLED', percent: 0, effectivePercent: 0, killSwitch: false };
  const d = decideRollout({ current, target: { kind: 'percent', percent: 100 }, health, linkedDeployment: name, maxVerdictAgeMs });
  if (d.verdictProblem?.kind === 'other-deployment') return `${name}: health verdict is ${health.deployment ?? 'another deployment'}'s`;
  const problemLabel = { invalid: 'invalid', stale: 'too old', undated: 'undated', future: 'dated ahead' } as const;
  if (d.verdictProblem) return `${name}: health verdict ${problemLabel[d.verdictProblem.kind]}`;
  if (d.breaches.length > 0) return `${name}: breaching (${d.breaches.map(formatBreach).join('; ')})`;
  if (d.unknown.length > 0 && d.unknown.length === Object.keys(health.budgets).length) return `${name}: health unknown`;
  if (d.unknown.length > 0) return `${name}: healthy (${metricList(d.unknown)} not measured)`;
  return `${name}: healthy`;
}

// ---------------------------------------------------------------------------------------------------------------------
// the health verdict file (`mlship rollout --health FILE`)

/** An ISO 8601 date and time that says its zone: `Z` or an offset. */
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * Reads a health verdict: {"deployment": "…", "measuredAt": "…", "metrics": {"latency_p95_ms": 42, "drift_psi": 0.05,
 * "fallback_rate": 0.01}, "budgets": {…}}. Budgets missing from the file come from `fallbackBudgets` (mlship.yaml).
 * Throws an Error naming the file and what is wrong. Whether it is the right deployment's and recent enough is the
 * guard's question (`verdictProblem`): a refusal, not a broken file.
 */
export function parseHealthVerdict(text: string, file: string, fallbackBudgets: Partial<Record<HealthMetric, number>> = {}): DeploymentHealth {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON (${err instanceof Error ? err.message : String(err)}). A health verdict looks like {"metrics": {"latency_p95_ms": 42}, "budgets": {"latency_p95_ms": 50}}.`);
  }
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a health verdict is a JSON object with "metrics" and "budgets".');
  const v = value as Record<string, unknown>;
  const numbers = (key: 'metrics' | 'budgets', allowNull: boolean): Partial<Record<HealthMetric, number | null>> => {
    const raw = v[key];
    if (raw === undefined) return {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`"${key}" must be an object of ${HEALTH_METRICS.join(', ')}.`);
    const out: Partial<Record<HealthMetric, number | null>> = {};
    for (const [k, n] of Object.entries(raw as Record<string, unknown>)) {
      if (!(HEALTH_METRICS as readonly string[]).includes(k)) fail(`unknown metric "${key}.${k}"; known: ${HEALTH_METRICS.join(', ')}.`);
      if (n === null && allowNull) out[k as HealthMetric] = null;
      else if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`"${key}.${k}" must be a non-negative number${allowNull ? ' or null' : ''}.`);
      else out[k as HealthMetric] = n;
    }
    return out;
  };
  const metrics = numbers('metrics', true);
  const budgets = { ...fallbackBudgets, ...(numbers('budgets', false) as Partial<Record<HealthMetric, number>>) };
  const health: DeploymentHealth = { metrics, budgets, source: 'verdict' };
  if (v['deployment'] !== undefined) {
    if (typeof v['deployment'] !== 'string') fail('"deployment" must be a string.');
    health.deployment = v['deployment'] as string;
  }
  if (v['measuredAt'] !== undefined) {
    const at = v['measuredAt'];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) fail('"measuredAt" must be an ISO 8601 time.');
    // A time without its zone is read as local time: hours off on a machine in another zone than the writer's (Python's
    // datetime.utcnow().isoformat() writes one), so an old verdict could pass for a fresh one.
    if (!ZONED_TIME.test(at as string)) fail(`"measuredAt" must be an ISO 8601 time with its time zone, e.g. 2026-05-01T12:00:00Z or 2026-05-01T14:00:00+02:00 (got ${JSON.stringify(at)}: without one its age cannot be known).`);
    health.measuredAt = at as string;
  }
  return health;
}

// ---------------------------------------------------------------------------------------------------------------------
// the rollout log

export const ROLLOUT_LOG_FILE = 'rollout-log.jsonl';

/** The rollout log next to a flag file. */
export function rolloutLogPath(flagFile: string): string {
  return join(dirname(flagFile), ROLLOUT_LOG_FILE);
}

/** One line of the rollout log (README "Rollout flags (flagd)"). */
export interface RolloutLogRecord {
  ts: string;
  flag: string;
  /** The flag file, as given (usually workspace-relative). */
  file: string;
  action: 'create' | 'set' | 'kill' | 'release';
  from: { state: 'ENABLED' | 'DISABLED'; percent: number } | null;
  to: { state: 'ENABLED' | 'DISABLED'; percent: number };
  by: string;
  health: { deployment?: string; measuredAt?: string; metrics: DeploymentHealth['metrics']; budgets: DeploymentHealth['budgets']; breaches: HealthMetric[] } | null;
  /** Present when an override let a refused raise through. */
  override: RolloutOverride | null;
}

export function rolloutLogRecord(args: {
  ts: string;
  flag: string;
  file: string;
  action: RolloutLogRecord['action'];
  from: RolloutState | null;
  to: RolloutState;
  by: string;
  health?: DeploymentHealth;
  decision?: GuardDecision;
  override?: RolloutOverride;
}): RolloutLogRecord {
  const h = args.health;
  return {
    ts: args.ts,
    flag: args.flag,
    file: args.file,
    action: args.action,
    from: args.from ? { state: args.from.state, percent: args.from.percent } : null,
    to: { state: args.to.state, percent: args.to.percent },
    by: args.by,
    health: h
      ? {
          ...(h.deployment !== undefined ? { deployment: h.deployment } : {}),
          ...(h.measuredAt !== undefined ? { measuredAt: h.measuredAt } : {}),
          metrics: h.metrics,
          budgets: h.budgets,
          breaches: (args.decision?.breaches ?? assess(h).breaches).map((b) => b.metric),
        }
      : null,
    override: args.decision?.overridden && args.override ? args.override : null,
  };
}

export function rolloutLogLine(record: RolloutLogRecord): string {
  return `${JSON.stringify(record)}\n`;
}
