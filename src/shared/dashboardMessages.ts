// The contract between the extension host and the deployment dashboard webview: the deployment's status, its series
// for the selected window (DashboardData), the linked rollout flag, and what the page can ask for (another window,
// pause, an export). Both sides validate what they receive.
import { HEALTH_ORDER, isDashboardData, type DashboardData, type DeploymentStatus } from './deployments';

export type DashboardWindow = '15m' | '1h' | '6h' | '24h';

/** Every window is bucketed at 10 s, so 24 h is 8,640 points per series (the webview decimates for drawing). */
export const DASHBOARD_WINDOWS: Record<DashboardWindow, { label: string; ms: number; stepMs: number }> = {
  '15m': { label: 'Last 15 min', ms: 15 * 60_000, stepMs: 10_000 },
  '1h': { label: 'Last 1 h', ms: 60 * 60_000, stepMs: 10_000 },
  '6h': { label: 'Last 6 h', ms: 6 * 60 * 60_000, stepMs: 10_000 },
  '24h': { label: 'Last 24 h', ms: 24 * 60 * 60_000, stepMs: 10_000 },
};

export const isDashboardWindow = (x: unknown): x is DashboardWindow => typeof x === 'string' && Object.hasOwn(DASHBOARD_WINDOWS, x);

/** The rollout flag linked to the deployment (flagd file), or why none is shown. */
export type RolloutView =
  | { kind: 'linked'; flagKey: string; file: string; percent: number; effectivePercent: number; killSwitch: boolean }
  | { kind: 'none'; reason: string };

/** Which sources the deployment reads, so empty charts can say what to configure. */
export interface DashboardSources {
  inference: boolean;
  metrics: boolean;
  predictions: boolean;
  feedback: boolean;
  baseline: boolean;
}

export interface DashboardView {
  deploymentId: string;
  name: string;
  window: DashboardWindow;
  status: DeploymentStatus;
  /** Absent when the series could not be built (see `error`) or the deployment is gone. */
  data?: DashboardData;
  rollout: RolloutView;
  sources: DashboardSources;
  /** The series could not be built: why. */
  error?: string;
  /** The deployment is no longer watched (removed from mlship.yaml, local server stopped): what to do. */
  gone?: string;
  /** Local deployment URL, when served here. */
  url?: string;
  /** Bin or category labels of each drift histogram (`data.drift.histograms`), formatted like the drift report's. */
  histogramLabels?: Record<string, string[]>;
}

export type HostToDashboard = { type: 'show'; view: DashboardView; paused: boolean };

export type DashboardExport = { format: 'png'; name: string; base64: string } | { format: 'csv'; name: string; text: string };

export type DashboardToHost =
  | { type: 'ready' }
  | { type: 'window'; window: DashboardWindow }
  | { type: 'pause'; paused: boolean }
  | { type: 'export'; file: DashboardExport }
  /**
   * Render timings measured in the page (performance.now()), logged by the host. First render: message to charts
   * drawn. Update: its longest frame (`ms`), and all its frames together (`totalMs` over `frames`).
   */
  | { type: 'timing'; phase: 'first' | 'update'; ms: number; points: number; totalMs?: number; frames?: number };

/** What the page keeps across reloads; the serializer reopens the deployment with it. */
export interface DashboardPanelState {
  deploymentId: string;
  name: string;
  window: DashboardWindow;
  paused: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const numOrNull = (x: unknown): boolean => x === null || isNum(x);

function isStatus(x: unknown): x is DeploymentStatus {
  return (
    isRecord(x) && isStr(x.name) && HEALTH_ORDER.includes(x.state as DeploymentStatus['state']) && isStr(x.reason) && Array.isArray(x.reasons) && x.reasons.every(isStr) &&
    Array.isArray(x.checks) && x.checks.every((c) => isRecord(c) && isStr(c.budget) && numOrNull(c.value) && isStr(c.status) && isStr(c.message)) &&
    numOrNull(x.p95Ms) && numOrNull(x.errorRate) && numOrNull(x.fallbackRate) && numOrNull(x.lowConfidenceShare) && numOrNull(x.throughput) && isStr(x.checkedAt)
  );
}

function isRollout(x: unknown): x is RolloutView {
  if (!isRecord(x)) return false;
  if (x.kind === 'none') return isStr(x.reason);
  return x.kind === 'linked' && isStr(x.flagKey) && isStr(x.file) && isNum(x.percent) && isNum(x.effectivePercent) && isBool(x.killSwitch);
}

export function isDashboardView(x: unknown): x is DashboardView {
  return (
    isRecord(x) && isStr(x.deploymentId) && isStr(x.name) && isDashboardWindow(x.window) && isStatus(x.status) && (x.data === undefined || isDashboardData(x.data)) &&
    isRollout(x.rollout) && isRecord(x.sources) && ['inference', 'metrics', 'predictions', 'feedback', 'baseline'].every((k) => isBool((x.sources as Record<string, unknown>)[k])) &&
    (x.error === undefined || isStr(x.error)) && (x.gone === undefined || isStr(x.gone)) && (x.url === undefined || isStr(x.url)) &&
    (x.histogramLabels === undefined || (isRecord(x.histogramLabels) && Object.values(x.histogramLabels).every((l) => Array.isArray(l) && l.every(isStr))))
  );
}

export function isHostToDashboard(x: unknown): x is HostToDashboard {
  return isRecord(x) && x.type === 'show' && isBool(x.paused) && isDashboardView(x.view);
}

function isExport(x: unknown): x is DashboardExport {
  if (!isRecord(x) || !isStr(x.name) || x.name.length === 0 || x.name.length > 200) return false;
  if (x.format === 'png') return isStr(x.base64) && /^[A-Za-z0-9+/]*={0,2}$/.test(x.base64);
  return x.format === 'csv' && isStr(x.text);
}

export function isDashboardToHost(x: unknown): x is DashboardToHost {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'ready':
      return true;
    case 'window':
      return isDashboardWindow(x.window);
    case 'pause':
      return isBool(x.paused);
    case 'export':
      return isExport(x.file);
    case 'timing':
      return (x.phase === 'first' || x.phase === 'update') && isNum(x.ms) && isNum(x.points) && (x.totalMs === undefined || isNum(x.totalMs)) && (x.frames === undefined || isNum(x.frames));
    default:
      return false;
  }
}

export function isDashboardPanelState(x: unknown): x is DashboardPanelState {
  return isRecord(x) && isStr(x.deploymentId) && isStr(x.name) && isDashboardWindow(x.window) && isBool(x.paused);
}
