// The contract between the extension host and the drift report webview: what the panel shows (built and formatted
// on the host side, so the webview only renders), and what it can ask for. Both sides validate what they receive.
import { isDriftReport, type DriftReport } from './drift';

export type Status = 'drift' | 'stable' | 'skipped';

/** One chart with its data table: overlaid baseline/current shares per bin or category (a profile has one series). */
export interface ChartView {
  kind: 'histogram' | 'categories';
  /** Bin ranges or category names, already formatted. */
  labels: string[];
  baseline: number[];
  current?: number[];
}

export interface ColumnView {
  column: string;
  type: string;
  status: Status;
  method: string;
  score: string;
  threshold: string;
  explanation: string;
  /** Sort key: how far past its threshold the column is. */
  severity: number;
  /** "label value" facts: KS statistic, PSI, missing %, … */
  facts: [label: string, value: string][];
  chart?: ChartView;
  prediction?: boolean;
}

export interface ReportView {
  kind: 'report';
  title: string;
  subtitle: string;
  verdict: string;
  datasetDrift: boolean;
  /** Nothing could be compared, or too few rows to judge: the verdict reads as a warning, never as "all well". */
  cannotJudge?: boolean;
  /** Summary cards: rows, columns, drifted share, verdict. */
  cards: [label: string, value: string][];
  columns: ColumnView[];
  schemaChanges: string[];
  problems: string[];
  /** A note on estimates (sketches beyond the row limit), when there are any. */
  note?: string;
}

export interface ProfileColumnView {
  column: string;
  type: string;
  /** One line: range and mean, or the most frequent values. */
  summary: string;
  facts: [label: string, value: string][];
  chart?: ChartView;
}

export interface ProfileView {
  kind: 'profile';
  title: string;
  subtitle: string;
  cards: [label: string, value: string][];
  columns: ProfileColumnView[];
  problems: string[];
}

export type DriftPanelView = ReportView | ProfileView;

export type ExportFormat = 'html' | 'json';

export type HostToDriftWebview =
  | { type: 'show'; view: DriftPanelView; report?: DriftReport }
  | { type: 'busy'; message: string | null };

export type DriftWebviewToHost = { type: 'ready' } | { type: 'export'; format: ExportFormat };

/** What the webview keeps across reloads (restored by the panel serializer). */
export interface DriftPanelState {
  view: DriftPanelView;
  report?: DriftReport;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isStr = (x: unknown): x is string => typeof x === 'string';
const isStrs = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);
const isNums = (x: unknown): x is number[] => Array.isArray(x) && x.every((n) => typeof n === 'number');
const isFacts = (x: unknown): boolean => Array.isArray(x) && x.every((f) => Array.isArray(f) && f.length === 2 && isStr(f[0]) && isStr(f[1]));

function isChart(x: unknown): x is ChartView {
  return isRecord(x) && (x.kind === 'histogram' || x.kind === 'categories') && isStrs(x.labels) && isNums(x.baseline) &&
    x.labels.length === x.baseline.length && (x.current === undefined || (isNums(x.current) && x.labels.length === x.current.length));
}

function isColumnView(x: unknown): x is ColumnView {
  return (
    isRecord(x) && isStr(x.column) && isStr(x.type) && ['drift', 'stable', 'skipped'].includes(x.status as string) && isStr(x.method) &&
    isStr(x.score) && isStr(x.threshold) && isStr(x.explanation) && typeof x.severity === 'number' && isFacts(x.facts) &&
    (x.chart === undefined || isChart(x.chart)) && (x.prediction === undefined || typeof x.prediction === 'boolean')
  );
}

export function isDriftPanelView(x: unknown): x is DriftPanelView {
  if (!isRecord(x) || !isStr(x.title) || !isStr(x.subtitle) || !isFacts(x.cards) || !isStrs(x.problems) || !Array.isArray(x.columns)) return false;
  if (x.kind === 'report') {
    return isStr(x.verdict) && typeof x.datasetDrift === 'boolean' && isStrs(x.schemaChanges) && x.columns.every(isColumnView) && (x.note === undefined || isStr(x.note)) &&
      (x.cannotJudge === undefined || typeof x.cannotJudge === 'boolean');
  }
  if (x.kind === 'profile') {
    return x.columns.every((c) => isRecord(c) && isStr(c.column) && isStr(c.type) && isStr(c.summary) && isFacts(c.facts) && (c.chart === undefined || isChart(c.chart)));
  }
  return false;
}

export function isHostToDriftWebview(x: unknown): x is HostToDriftWebview {
  if (!isRecord(x)) return false;
  if (x.type === 'show') return isDriftPanelView(x.view) && (x.report === undefined || isDriftReport(x.report));
  if (x.type === 'busy') return x.message === null || isStr(x.message);
  return false;
}

export function isDriftWebviewToHost(x: unknown): x is DriftWebviewToHost {
  if (!isRecord(x)) return false;
  if (x.type === 'ready') return true;
  if (x.type === 'export') return x.format === 'html' || x.format === 'json';
  return false;
}

export function isDriftPanelState(x: unknown): x is DriftPanelState {
  return isRecord(x) && isDriftPanelView(x.view) && (x.report === undefined || isDriftReport(x.report));
}
