// What a data profile and a drift report look like when they cross a process boundary (CLI output, the profiling
// worker, the report webview, the profile cache on disk), with validators for whoever receives them.
// Profile JSON is versioned (`schema: 1`); see the README's "Data drift" section for what each field means.

// ---------------------------------------------------------------------------------------------------------------
// Sketches (serialized)

/** A KLL quantile sketch: `levels[h]` holds sorted items of weight 2^h. */
export interface KllState {
  k: number;
  n: number;
  min: number;
  max: number;
  levels: number[][];
}

/** Misra–Gries frequent items: each count is at most `offset` below the true count. */
export interface FrequentState {
  capacity: number;
  /** Values added. */
  total: number;
  /** Largest possible under-count of any item (0 when every count is exact). */
  offset: number;
  /** [value, count], largest count first. */
  items: [string, number][];
}

/** HyperLogLog registers, base64 (2^p bytes). */
export interface HllState {
  p: number;
  registers: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Profile

/** What a column holds, as drift sees it. */
export type SemanticType = 'numeric' | 'categorical' | 'boolean' | 'datetime' | 'text' | 'id' | 'empty';
export const SEMANTIC_TYPES: readonly SemanticType[] = ['numeric', 'categorical', 'boolean', 'datetime', 'text', 'id', 'empty'];

export type ProfileFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet' | 'records';

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Sum of squared deviations from the mean (population variance = m2 / count). */
  m2: number;
  /** All values were integers. */
  integer: boolean;
  kll: KllState;
  /** Histogram over [min, max] (equal-width bins); counts are estimates from the sketch unless `exact` is set. */
  histogram: { edges: number[]; counts: number[] };
  /**
   * Every value with its count, when the column has at most `ProfileOptions.rowLimit` values or at most 256 distinct
   * values. Exact statistics are computed from it.
   */
  exact?: { values: number[]; counts: number[] };
}

export interface ColumnProfile {
  name: string;
  type: SemanticType;
  /** 'override' when mlship.yaml set the type. */
  typeSource: 'inferred' | 'override';
  /** Rows seen, missing included. */
  count: number;
  missing: number;
  /** Values that did not fit the column's type (e.g. text in a numeric column); not part of the statistics. */
  invalid: number;
  distinct: { estimate: number; exact: boolean; hll: HllState };
  /** numeric, datetime (epoch milliseconds), and text/id lengths in characters (`lengths`). */
  numeric?: NumericSummary;
  lengths?: NumericSummary;
  /** categorical, boolean, and the most frequent values of text/id columns. */
  frequent?: FrequentState;
  /** Up to five examples of invalid values with their line (or row) numbers. */
  invalidExamples?: { value: string; line: number }[];
  /** Values with invalid UTF-8 bytes (CSV/TSV): how many, and the first line. */
  badUtf8?: { count: number; line: number };
}

export interface ProfileProblem {
  message: string;
  /** 1-based line (text formats) or row (Parquet, records). */
  line?: number;
  /** How many times the same problem occurred (e.g. ragged rows). */
  count?: number;
}

export interface ProfileOptions {
  /** Rows per column up to which every value is kept for exact drift statistics. */
  rowLimit: number;
  /** KLL parameter k. */
  sketchK: number;
  /** Frequent-items capacity. */
  frequentCapacity: number;
  /** HyperLogLog precision (2^p registers). */
  hllP: number;
}

export interface Profile {
  schema: 1;
  kind: 'mlship-profile';
  source: { name: string; path?: string; format: ProfileFormat; bytes?: number; sha256?: string };
  /** MLShip version that wrote it. */
  createdBy: string;
  rows: number;
  /** Rows skipped as malformed (ragged, unparseable JSON, over-long). */
  malformedRows: number;
  options: ProfileOptions;
  columns: ColumnProfile[];
  /** Reader problems, first few of each kind, with line numbers. */
  problems: ProfileProblem[];
}

// ---------------------------------------------------------------------------------------------------------------
// Drift report

export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';
export const DRIFT_METHODS: readonly DriftMethod[] = ['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi'];
export type DriftMode = 'evidently' | 'effect-size';
export type ColumnStatus = 'drift' | 'stable' | 'skipped';

export type DriftChart =
  | { kind: 'histogram'; edges: number[]; baseline: number[]; current: number[] }
  | { kind: 'categories'; labels: string[]; baseline: number[]; current: number[] };

export interface ColumnDrift {
  column: string;
  type: SemanticType;
  status: ColumnStatus;
  /** Why a column was skipped, or a note on how it was compared. */
  note?: string;
  method?: DriftMethod;
  /** p-value (ks, chisquare, z) or distance (wasserstein normalized, jensenshannon, psi). */
  score?: number;
  scoreKind?: 'p-value' | 'distance';
  threshold?: number;
  /** Drift strength for sorting: how far past (>1) or short of (<1) its threshold the score is. */
  severity: number;
  /** True when the score comes from sketches; `bound` is then the largest error of the score that the sketch allows. */
  estimate: boolean;
  bound?: number;
  metrics: {
    ksStatistic?: number;
    ksPValue?: number;
    wasserstein?: number;
    wassersteinNormalized?: number;
    jensenShannon?: number;
    psi?: number;
    chiSquarePValue?: number;
    unseenShare?: number;
    newCategories?: number;
    missingBaseline: number;
    missingCurrent: number;
  };
  /** One line a person can act on, e.g. "income: median 38.2k → 51.6k (+35 %)". */
  explanation: string;
  chart?: DriftChart;
}

export interface SchemaChange {
  column: string;
  change: 'added' | 'removed' | 'retyped';
  from?: SemanticType;
  to?: SemanticType;
}

export interface DriftSide {
  name: string;
  path?: string;
  format: ProfileFormat;
  rows: number;
  columns: number;
  sha256?: string;
  /** True when this side was a profile JSON rather than data. */
  fromProfile: boolean;
}

export interface DriftProblem {
  side: 'baseline' | 'current' | 'config';
  message: string;
  file?: string;
  line?: number;
}

/** Why a report compares nothing, and the sentence that says so (naming the files and what to do). */
export interface CannotCompare {
  reason: 'unreadable' | 'no-rows' | 'no-common-column' | 'no-comparable-column';
  message: string;
}

export const CANNOT_COMPARE_REASONS: readonly CannotCompare['reason'][] = ['unreadable', 'no-rows', 'no-common-column', 'no-comparable-column'];

export interface DriftReport {
  schema: 1;
  kind: 'mlship-drift-report';
  createdBy: string;
  baseline: DriftSide;
  current: DriftSide;
  mode: DriftMode;
  rowLimit: number;
  columns: ColumnDrift[];
  prediction?: ColumnDrift;
  schemaChanges: SchemaChange[];
  summary: {
    compared: number;
    drifted: number;
    share: number;
    /** Dataset drift when share ≥ threshold. */
    threshold: number;
    datasetDrift: boolean;
    verdict: string;
    /** Set when nothing could be compared: no verdict on drift can be drawn (`mlship drift` exits 2). */
    cannotCompare?: CannotCompare;
    /** Set when a side has fewer rows than the tests need (`minRows`): the scores are shown, but mean little. */
    tooFewRows?: { minRows: number; message: string };
  };
  problems: DriftProblem[];
  /** Sides that could not be read at all (the report then holds their problem and nothing else to compare). */
  unreadable?: ('baseline' | 'current')[];
}

// ---------------------------------------------------------------------------------------------------------------
// Validators (structural, for data received from another process or read from disk)

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isNum = (x: unknown): x is number => typeof x === 'number';
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNumArray = (x: unknown): x is number[] => Array.isArray(x) && x.every(isNum);
const optional = (x: unknown, check: (v: unknown) => boolean): boolean => x === undefined || check(x);

function isKll(x: unknown): x is KllState {
  return isRecord(x) && isNum(x.k) && isNum(x.n) && isNum(x.min) && isNum(x.max) && Array.isArray(x.levels) && x.levels.every(isNumArray);
}

function isFrequent(x: unknown): x is FrequentState {
  return (
    isRecord(x) && isNum(x.capacity) && isNum(x.total) && isNum(x.offset) &&
    Array.isArray(x.items) && x.items.every((i) => Array.isArray(i) && i.length === 2 && isStr(i[0]) && isNum(i[1]))
  );
}

function isNumericSummary(x: unknown): x is NumericSummary {
  return (
    isRecord(x) && isNum(x.min) && isNum(x.max) && isNum(x.mean) && isNum(x.m2) && typeof x.integer === 'boolean' && isKll(x.kll) &&
    isRecord(x.histogram) && isNumArray(x.histogram.edges) && isNumArray(x.histogram.counts) &&
    optional(x.exact, (e) => isRecord(e) && isNumArray(e.values) && isNumArray(e.counts) && e.values.length === e.counts.length)
  );
}

function isColumnProfile(x: unknown): x is ColumnProfile {
  return (
    isRecord(x) && isStr(x.name) && SEMANTIC_TYPES.includes(x.type as SemanticType) && (x.typeSource === 'inferred' || x.typeSource === 'override') &&
    isNum(x.count) && isNum(x.missing) && isNum(x.invalid) &&
    isRecord(x.distinct) && isNum(x.distinct.estimate) && typeof x.distinct.exact === 'boolean' && isRecord(x.distinct.hll) && isNum(x.distinct.hll.p) && isStr(x.distinct.hll.registers) &&
    optional(x.numeric, isNumericSummary) && optional(x.lengths, isNumericSummary) && optional(x.frequent, isFrequent) &&
    optional(x.invalidExamples, (e) => Array.isArray(e) && e.every((i) => isRecord(i) && isStr(i.value) && isNum(i.line))) &&
    optional(x.badUtf8, (b) => isRecord(b) && isNum(b.count) && isNum(b.line))
  );
}

/** Why `x` is not a schema-1 profile, or undefined when it is one. */
export function profileProblem(x: unknown): string | undefined {
  if (!isRecord(x)) return 'not a JSON object';
  if (x.kind !== 'mlship-profile') return "not an MLShip profile (no \"kind\": \"mlship-profile\")";
  if (x.schema !== 1) return `unsupported profile schema ${JSON.stringify(x.schema)} (this MLShip reads schema 1)`;
  if (!isRecord(x.source) || !isStr(x.source.name)) return 'the profile has no source';
  if (!isNum(x.rows) || !isNum(x.malformedRows)) return 'the profile has no row counts';
  if (!isRecord(x.options) || !isNum(x.options.rowLimit) || !isNum(x.options.sketchK)) return 'the profile has no options';
  if (!Array.isArray(x.columns)) return 'the profile has no columns';
  const bad = x.columns.findIndex((c) => !isColumnProfile(c));
  if (bad >= 0) return `column ${bad + 1} of the profile is malformed`;
  if (!Array.isArray(x.problems)) return 'the profile has no problems list';
  return undefined;
}

export function isProfile(x: unknown): x is Profile {
  return profileProblem(x) === undefined;
}

export function isDriftChart(x: unknown): x is DriftChart {
  if (!isRecord(x) || !isNumArray(x.baseline) || !isNumArray(x.current)) return false;
  if (x.kind === 'histogram') return isNumArray(x.edges);
  if (x.kind === 'categories') return Array.isArray(x.labels) && x.labels.every(isStr);
  return false;
}

export function isColumnDrift(x: unknown): x is ColumnDrift {
  return (
    isRecord(x) && isStr(x.column) && SEMANTIC_TYPES.includes(x.type as SemanticType) && ['drift', 'stable', 'skipped'].includes(x.status as string) &&
    optional(x.note, isStr) && optional(x.method, (m) => DRIFT_METHODS.includes(m as DriftMethod)) && optional(x.score, isNum) &&
    optional(x.threshold, isNum) && isNum(x.severity) && typeof x.estimate === 'boolean' && optional(x.bound, isNum) &&
    isRecord(x.metrics) && isNum(x.metrics.missingBaseline) && isNum(x.metrics.missingCurrent) && isStr(x.explanation) && optional(x.chart, isDriftChart)
  );
}

function isSide(x: unknown): x is DriftSide {
  return isRecord(x) && isStr(x.name) && isStr(x.format) && isNum(x.rows) && isNum(x.columns) && typeof x.fromProfile === 'boolean';
}

export function isDriftReport(x: unknown): x is DriftReport {
  return (
    isRecord(x) && x.kind === 'mlship-drift-report' && x.schema === 1 && isSide(x.baseline) && isSide(x.current) &&
    (x.mode === 'evidently' || x.mode === 'effect-size') && isNum(x.rowLimit) &&
    Array.isArray(x.columns) && x.columns.every(isColumnDrift) && optional(x.prediction, isColumnDrift) &&
    Array.isArray(x.schemaChanges) && x.schemaChanges.every((s) => isRecord(s) && isStr(s.column) && ['added', 'removed', 'retyped'].includes(s.change as string)) &&
    isRecord(x.summary) && isNum(x.summary.compared) && isNum(x.summary.drifted) && isNum(x.summary.share) && isNum(x.summary.threshold) &&
    typeof x.summary.datasetDrift === 'boolean' && isStr(x.summary.verdict) &&
    optional(x.summary.cannotCompare, (c) => isRecord(c) && CANNOT_COMPARE_REASONS.includes(c.reason as CannotCompare['reason']) && isStr(c.message)) &&
    optional(x.summary.tooFewRows, (t) => isRecord(t) && isNum(t.minRows) && isStr(t.message)) &&
    Array.isArray(x.problems) && x.problems.every((p) => isRecord(p) && isStr(p.message) && ['baseline', 'current', 'config'].includes(p.side as string)) &&
    optional(x.unreadable, (u) => Array.isArray(u) && u.every((s) => s === 'baseline' || s === 'current'))
  );
}
