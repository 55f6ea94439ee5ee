// Drift of a current profile against a baseline profile, column by column, and for the dataset.
//
// Method choice (mode 'evidently', Evidently's defaults), with n = baseline values and k = distinct values of both:
//   numeric, n ≤ 1000: k > 5 → KS p-value; k ≤ 5 → chi-square (k > 2) or z-test (k ≤ 2)     (drift: p < 0.05)
//   numeric, n > 1000: k > 5 → Wasserstein / baseline std; k ≤ 5 → Jensen–Shannon          (drift: ≥ 0.1)
//   categorical/boolean: n ≤ 1000 → chi-square (k > 2) or z-test; n > 1000 → Jensen–Shannon
//   text: the length of the values, as numeric. id and datetime columns are not compared (they always move).
// Mode 'effect-size' never uses a p-value: numeric → normalized Wasserstein, categorical → Jensen–Shannon (and a
// requested KS reports its statistic D), so huge samples do not turn trivial shifts into drift.
// Statistics are exact when both sides carry exact values (up to the row limit, or ≤ 256 distinct values), and
// sketch estimates otherwise, marked `estimate` with the largest error the sketches allow (`bound`).
import type { CannotCompare, ColumnDrift, ColumnProfile, DriftChart, DriftMethod, DriftMode, DriftReport, DriftSide, NumericSummary, Profile, SchemaChange, SemanticType } from '../../shared/drift';
import { VERSION } from '../../shared/version';
import { groupDigits } from '../formats/randomAccess';
import { chiSquareAgainstBaseline, jensenShannonDistance, ksTwoSample, populationStabilityIndex, populationStd, proportionsZTest, wassersteinDistance, type ValueCounts } from './exact';
import { ksTwoSamplePValue } from './kolmogorov';
import { valueKindOf } from './problems';
import { KllSketch, type KllCdf } from './sketch/kll';
import { describeNumber, percent } from './text';

export interface MethodSetting {
  method?: DriftMethod;
  threshold?: number;
}

export interface ColumnSetting extends MethodSetting {
  type?: SemanticType;
  /** Leave the column out of the comparison. */
  skip?: boolean;
}

export interface DriftConfig {
  mode: DriftMode;
  /** Rows per side up to which statistics are exact (profiles keep every value up to it). */
  rowLimit: number;
  /** Dataset drift when at least this share of compared columns drift. */
  driftShare: number;
  /** Rows per side below which the report warns that its tests mean little (and `--fail-on-drift` cannot judge). */
  minRows: number;
  /** A change of the missing share by at least this much (absolute) flags a column. */
  missingChange: number;
  /** A share of current values in categories the baseline never had of at least this much flags a column. */
  unseenShare: number;
  /** Per semantic type. */
  types: Partial<Record<SemanticType, MethodSetting>>;
  /** Per column name. */
  columns: Record<string, ColumnSetting>;
  /** The model's output column: compared, reported as prediction drift, left out of the dataset share. */
  prediction?: string;
}

/**
 * Fewer rows than this on a side and a verdict means little: on 30 rows sampling noise alone moves a Jensen–Shannon
 * distance of four categories or a normed Wasserstein distance past 0.1, and a p-value test has almost no power.
 */
export const DEFAULT_MIN_ROWS = 100;

export const DEFAULT_DRIFT_CONFIG: DriftConfig = {
  mode: 'evidently',
  rowLimit: 100_000,
  driftShare: 0.5,
  minRows: DEFAULT_MIN_ROWS,
  missingChange: 0.1,
  unseenShare: 0.1,
  types: {},
  columns: {},
};

/** Default threshold of each method: p-values below it, distances at or above it, mean drift. */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMethod, number>> = { ks: 0.05, chisquare: 0.05, z: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.1 };
/** KS statistic D as an effect size (mode 'effect-size'). */
const KS_EFFECT_THRESHOLD = 0.1;
const P_VALUE_METHODS: readonly DriftMethod[] = ['ks', 'chisquare', 'z'];
const CATEGORY_CHART_LIMIT = 12;
const HISTOGRAM_BINS = 20;
const PSI_BINS = 10;

export const METHOD_LABELS: Readonly<Record<DriftMethod, string>> = {
  ks: 'Kolmogorov–Smirnov',
  chisquare: 'chi-square',
  z: 'z-test (proportions)',
  wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon',
  psi: 'PSI',
};

// ---------------------------------------------------------------------------------------------------------------
// Distributions of one column, exact or sketched

/** A numeric column (or text lengths) as an exact sample or a sketch CDF. */
interface NumericSide {
  n: number;
  min: number;
  max: number;
  exact?: ValueCounts;
  cdf: KllCdf;
  /** Rank error of `cdf` (0 when exact). */
  eps: number;
  summary: NumericSummary;
}

function numericSide(s: NumericSummary): NumericSide {
  const sketch = KllSketch.fromState(s.kll);
  const cdf = sketch.cdf();
  const side: NumericSide = { n: s.kll.n, min: s.min, max: s.max, cdf, eps: s.exact ? 0 : cdf.rankError, summary: s };
  if (s.exact) {
    const total = s.exact.counts.reduce((a, b) => a + b, 0);
    side.exact = { values: Float64Array.from(s.exact.values), counts: Float64Array.from(s.exact.counts), total };
  }
  return side;
}

function fractionAtMost(side: NumericSide, x: number): number {
  if (!side.exact) return side.cdf.at(x);
  let c = 0;
  const { values, counts } = side.exact;
  for (let i = 0; i < values.length && (values[i] as number) <= x; i++) c += counts[i] as number;
  return c / side.exact.total;
}

function quantileOf(side: NumericSide, q: number): number {
  if (!side.exact) return side.cdf.quantile(q);
  const target = q * side.exact.total;
  let c = 0;
  for (let i = 0; i < side.exact.values.length; i++) {
    c += side.exact.counts[i] as number;
    if (c >= target) return side.exact.values[i] as number;
  }
  return side.max;
}

function stdOf(side: NumericSide): number {
  return side.exact ? populationStd(side.exact) : Math.sqrt(side.summary.m2 / side.n);
}

/** Category counts of a column: exact, or frequent items plus an "other" remainder. */
interface CategorySide {
  total: number;
  counts: Map<string, number>;
  exact: boolean;
  offset: number;
}

/** A date/time (epoch milliseconds) as a category label: the day alone at midnight UTC, else the ISO date-time. */
function dateLabel(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** `type` is the column's compared type: date/time values are labelled as dates, not epoch milliseconds. */
function categorySide(c: ColumnProfile, type?: SemanticType): CategorySide | undefined {
  if (c.frequent) {
    return { total: c.frequent.total, counts: new Map(c.frequent.items), exact: c.frequent.offset === 0, offset: c.frequent.offset };
  }
  // Low-cardinality numeric (and date/time) columns compared as categories.
  if (c.numeric?.exact) {
    const counts = new Map<string, number>();
    const label = type === 'datetime' ? dateLabel : String;
    c.numeric.exact.values.forEach((v, i) => counts.set(label(v), c.numeric?.exact?.counts[i] as number));
    return { total: c.numeric.exact.counts.reduce((a, b) => a + b, 0), counts, exact: true, offset: 0 };
  }
  return undefined;
}

const OTHER = '(other)';

/** Aligned count vectors over the union of categories (plus the unlisted remainder when a side is not exact). */
function alignCategories(a: CategorySide, b: CategorySide): { keys: string[]; base: number[]; cur: number[] } {
  const keys = [...new Set([...a.counts.keys(), ...b.counts.keys()])].sort();
  const base = keys.map((k) => a.counts.get(k) ?? 0);
  const cur = keys.map((k) => b.counts.get(k) ?? 0);
  const restA = a.total - base.reduce((s, x) => s + x, 0);
  const restB = b.total - cur.reduce((s, x) => s + x, 0);
  if (restA > 0 || restB > 0) {
    keys.push(OTHER);
    base.push(Math.max(0, restA));
    cur.push(Math.max(0, restB));
  }
  return { keys, base, cur };
}

// ---------------------------------------------------------------------------------------------------------------
// Numeric statistics, exact or from sketches with a bound

interface NumericStats {
  ksD: number;
  ksP: number;
  ksBoundD: number;
  ksBoundP: number;
  wasserstein: number;
  wassersteinBound: number;
  norm: number;
  estimate: boolean;
}

function numericStats(a: NumericSide, b: NumericSide): NumericStats {
  const norm = Math.max(stdOf(a), 0.001);
  if (a.exact && b.exact) {
    const ks = ksTwoSample(a.exact, b.exact);
    return { ksD: ks.statistic, ksP: ks.pValue, ksBoundD: 0, ksBoundP: 0, wasserstein: wassersteinDistance(a.exact, b.exact), wassersteinBound: 0, norm, estimate: false };
  }
  // Both CDFs are step functions that only change at their retained values: evaluate them at the union of steps.
  const points = new Set<number>();
  for (const s of [a, b]) {
    if (s.exact) for (const v of s.exact.values) points.add(v);
    else for (const v of s.cdf.steps()) points.add(v);
  }
  const xs = Float64Array.from(points).sort();
  let d = 0;
  let w = 0;
  let prevX = Number.NaN;
  let prevDiff = 0;
  for (const x of xs) {
    if (!Number.isNaN(prevX)) w += prevDiff * (x - prevX);
    const diff = Math.abs(fractionAtMost(a, x) - fractionAtMost(b, x));
    if (diff > d) d = diff;
    prevX = x;
    prevDiff = diff;
  }
  const eps = a.eps + b.eps;
  const p = ksTwoSamplePValue(d, a.n, b.n).pValue;
  const pLow = ksTwoSamplePValue(Math.min(1, d + eps), a.n, b.n).pValue;
  const pHigh = ksTwoSamplePValue(Math.max(0, d - eps), a.n, b.n).pValue;
  const range = Math.max(a.max, b.max) - Math.min(a.min, b.min);
  return { ksD: d, ksP: p, ksBoundD: eps, ksBoundP: Math.max(p - pLow, pHigh - p), wasserstein: w, wassersteinBound: eps * range, norm, estimate: true };
}

/** PSI over ten bins at the baseline's deciles; values outside go to the end bins. */
function numericPsi(a: NumericSide, b: NumericSide): number {
  const edges: number[] = [];
  for (let i = 1; i < PSI_BINS; i++) {
    const q = quantileOf(a, i / PSI_BINS);
    if (edges.length === 0 || q > (edges[edges.length - 1] as number)) edges.push(q);
  }
  const shares = (s: NumericSide): number[] => {
    const out: number[] = [];
    let prev = 0;
    for (const e of edges) {
      const at = fractionAtMost(s, e);
      out.push(Math.max(0, at - prev));
      prev = at;
    }
    out.push(Math.max(0, 1 - prev));
    return out;
  };
  return populationStabilityIndex(shares(a), shares(b));
}

// ---------------------------------------------------------------------------------------------------------------
// One column

interface Choice {
  method: DriftMethod;
  threshold: number;
  /** In effect-size mode KS is scored by its statistic. */
  ksAsDistance: boolean;
}

function chooseMethod(kind: 'num' | 'cat', n: number, distinct: number, setting: MethodSetting, mode: DriftMode): Choice {
  let method = setting.method;
  if (!method) {
    if (mode === 'effect-size') method = kind === 'num' && distinct > 5 ? 'wasserstein' : 'jensenshannon';
    else if (n <= 1000) method = kind === 'num' && distinct > 5 ? 'ks' : distinct > 2 ? 'chisquare' : 'z';
    else method = kind === 'num' && distinct > 5 ? 'wasserstein' : 'jensenshannon';
  }
  if (mode === 'effect-size' && (method === 'chisquare' || method === 'z')) method = 'jensenshannon';
  const ksAsDistance = mode === 'effect-size' && method === 'ks';
  const threshold = setting.threshold ?? (ksAsDistance ? KS_EFFECT_THRESHOLD : DEFAULT_THRESHOLDS[method]);
  return { method, threshold, ksAsDistance };
}

function severityOf(score: number, threshold: number, pValue: boolean): number {
  if (pValue) {
    if (score <= 0) return 100;
    return Math.min(100, Math.log(score) / Math.log(threshold));
  }
  return threshold > 0 ? score / threshold : score > 0 ? 100 : 0;
}

function missingShare(c: ColumnProfile): number {
  return c.count ? c.missing / c.count : 0;
}

function numericChart(a: NumericSide, b: NumericSide, integer: boolean): DriftChart {
  const lo = Math.min(a.min, b.min);
  const hi = Math.max(a.max, b.max);
  const edges: number[] = [];
  if (lo === hi) edges.push(lo - 0.5, hi + 0.5);
  else if (integer && hi - lo + 1 <= 40) for (let v = lo; v <= hi + 1; v++) edges.push(v - 0.5);
  else for (let i = 0; i <= HISTOGRAM_BINS; i++) edges.push(lo + ((hi - lo) * i) / HISTOGRAM_BINS);
  const shares = (s: NumericSide): number[] => {
    const out: number[] = [];
    let prev = 0;
    for (let i = 1; i < edges.length; i++) {
      const at = i === edges.length - 1 ? 1 : fractionAtMost(s, (edges[i] as number) - (integer ? 0 : 1e-12 * Math.abs(edges[i] as number)));
      out.push(Math.max(0, at - prev));
      prev = at;
    }
    return out;
  };
  return { kind: 'histogram', edges, baseline: shares(a), current: shares(b) };
}

function categoryChart(keys: string[], base: number[], cur: number[]): DriftChart {
  const tb = base.reduce((s, x) => s + x, 0) || 1;
  const tc = cur.reduce((s, x) => s + x, 0) || 1;
  const rows = keys.map((k, i) => ({ k, b: (base[i] as number) / tb, c: (cur[i] as number) / tc }));
  rows.sort((x, y) => Math.max(y.b, y.c) - Math.max(x.b, x.c) || (x.k < y.k ? -1 : 1));
  const shown = rows.slice(0, CATEGORY_CHART_LIMIT);
  const rest = rows.slice(CATEGORY_CHART_LIMIT);
  if (rest.length) shown.push({ k: `${rest.length} more`, b: rest.reduce((s, r) => s + r.b, 0), c: rest.reduce((s, r) => s + r.c, 0) });
  return { kind: 'categories', labels: shown.map((r) => r.k), baseline: shown.map((r) => r.b), current: shown.map((r) => r.c) };
}

function skipped(column: string, type: SemanticType, base: ColumnProfile, cur: ColumnProfile, note: string): ColumnDrift {
  return {
    column, type, status: 'skipped', note, severity: 0, estimate: false,
    metrics: { missingBaseline: missingShare(base), missingCurrent: missingShare(cur) },
    explanation: `${column}: ${note}`,
  };
}

function validCount(c: ColumnProfile): number {
  return c.count - c.missing - c.invalid;
}

/**
 * A column with no value of its type on a side (every present value invalid): skipped, and drifted when the share of
 * invalid or of missing values (`mb`, `mc`) moved by at least `missingChange`.
 */
function noValidValues(column: string, type: SemanticType, base: ColumnProfile, cur: ColumnProfile, mb: number, mc: number, config: DriftConfig): ColumnDrift {
  const which = validCount(base) === 0 && validCount(cur) === 0 ? 'on either side' : validCount(base) === 0 ? 'in the baseline' : 'in the current data';
  const what = valueKindOf(type);
  const r = skipped(column, type, base, cur, `nothing to compare: no value ${which} is valid, they are not ${what} (see the problems; set drift.columns.${column}.type in mlship.yaml if the type is wrong)`);
  const ib = base.invalid / base.count;
  const ic = cur.invalid / cur.count;
  return flagShareMove(r, Math.max(Math.abs(ic - ib), Math.abs(mc - mb)), config, () => `${column}: values that are not ${what} ${percent(ib)} → ${percent(ic)}${Math.abs(mc - mb) >= 0.01 ? `, ${missingChange(mb, mc)}` : ''}`);
}

/** A skipped column flagged as drift when a share of its values moved by at least `missingChange`, with `explain`'s text. */
function flagShareMove(r: ColumnDrift, moved: number, config: DriftConfig, explain: () => string): ColumnDrift {
  if (moved >= config.missingChange) {
    r.status = 'drift';
    r.severity = moved / config.missingChange;
    r.explanation = explain();
  }
  return r;
}

function missingChange(mb: number, mc: number): string {
  return `missing ${percent(mb)} → ${percent(mc)}`;
}

function missingNote(column: string, mb: number, mc: number): string {
  return `${column}: ${missingChange(mb, mc)}`;
}

export function compareColumn(base: ColumnProfile, cur: ColumnProfile, config: DriftConfig): ColumnDrift {
  const name = base.name;
  const setting: ColumnSetting = { ...config.types[cur.type === 'empty' ? base.type : cur.type], ...config.columns[name] };
  const type: SemanticType = setting.type ?? (base.type === 'empty' ? cur.type : base.type);
  const mb = missingShare(base);
  const mc = missingShare(cur);
  if (setting.skip) return skipped(name, type, base, cur, 'skipped in mlship.yaml');
  // No rows at all is not "every value missing": there is no missing share to compare, so nothing flags the column.
  if (base.count === 0 || cur.count === 0) {
    return skipped(name, type, base, cur, base.count === 0 && cur.count === 0 ? 'neither side has rows' : `the ${base.count === 0 ? 'baseline' : 'current data'} has no rows`);
  }
  if (base.type === 'empty' || cur.type === 'empty') {
    const which = base.type === 'empty' && cur.type === 'empty' ? 'both sides' : base.type === 'empty' ? 'the baseline' : 'the current data';
    return flagShareMove(skipped(name, type, base, cur, `every value is missing in ${which}`), Math.abs(mc - mb), config, () => missingNote(name, mb, mc));
  }
  if (!setting.type && base.type !== cur.type && !(isStringType(base.type) && isStringType(cur.type))) {
    return skipped(name, type, base, cur, `type changed from ${base.type} to ${cur.type}, not compared (set drift.columns.${name}.type in mlship.yaml to compare it as one type)`);
  }
  if (type === 'id') return skipped(name, type, base, cur, 'identifier, not compared');
  if (type === 'datetime' && !setting.method) return skipped(name, type, base, cur, 'date/time, not compared (set a method in mlship.yaml to compare it)');
  // Values of the wrong type are left out of the statistics: a side left with none has nothing to test, which is
  // neither "stable" nor a type change.
  if (validCount(base) === 0 || validCount(cur) === 0) return noValidValues(name, type, base, cur, mb, mc, config);

  const textLengths = type === 'text';
  const numericKind = type === 'numeric' || type === 'datetime' || textLengths;
  const bn = textLengths ? base.lengths : base.numeric;
  const cn = textLengths ? cur.lengths : cur.numeric;
  const metrics: ColumnDrift['metrics'] = { missingBaseline: mb, missingCurrent: mc };
  let out: ColumnDrift;

  if (numericKind && bn && cn) {
    const a = numericSide(bn);
    const b = numericSide(cn);
    const distinct = a.exact && b.exact ? new Set([...a.exact.values, ...b.exact.values]).size : Math.max(base.distinct.estimate, cur.distinct.estimate);
    const choice = chooseMethod('num', a.n, distinct, setting, config.mode);
    const stats = numericStats(a, b);
    metrics.ksStatistic = stats.ksD;
    metrics.ksPValue = stats.ksP;
    metrics.wasserstein = stats.wasserstein;
    metrics.wassersteinNormalized = stats.wasserstein / stats.norm;
    let score: number;
    let bound: number | undefined;
    let estimate = stats.estimate;
    const cats = choice.method === 'jensenshannon' || choice.method === 'chisquare' || choice.method === 'z' ? [categorySide(base, type), categorySide(cur, type)] : undefined;
    switch (choice.method) {
      case 'ks':
        score = choice.ksAsDistance ? stats.ksD : stats.ksP;
        bound = choice.ksAsDistance ? stats.ksBoundD : stats.ksBoundP;
        break;
      case 'wasserstein':
        score = stats.wasserstein / stats.norm;
        bound = stats.wassersteinBound / stats.norm;
        break;
      case 'psi':
        score = numericPsi(a, b);
        metrics.psi = score;
        break;
      default: {
        const [ca, cb] = cats ?? [];
        if (ca && cb) {
          const al = alignCategories(ca, cb);
          score = categoricalScore(choice.method, al, metrics);
          estimate = !ca.exact || !cb.exact;
        } else {
          // Too many values for category counts: fall back to the distribution test.
          score = stats.wasserstein / stats.norm;
          bound = stats.wassersteinBound / stats.norm;
          choice.method = 'wasserstein';
          choice.threshold = setting.threshold ?? DEFAULT_THRESHOLDS.wasserstein;
        }
      }
    }
    const pValue = P_VALUE_METHODS.includes(choice.method) && !choice.ksAsDistance;
    const drifted = pValue ? score < choice.threshold : score >= choice.threshold;
    const asCategories = cats?.[0] && cats[1] && choice.method !== 'wasserstein' ? alignCategories(cats[0], cats[1]) : undefined;
    out = {
      column: name, type, status: drifted ? 'drift' : 'stable', method: choice.method, score, scoreKind: pValue ? 'p-value' : 'distance',
      threshold: choice.threshold, severity: severityOf(score, choice.threshold, pValue), estimate, metrics,
      explanation: asCategories ? explainCategories(name, asCategories, undefined) : explainNumeric(name, a, b, type, textLengths),
      chart: numericChart(a, b, (bn.integer && cn.integer) || textLengths),
    };
    if (estimate && bound !== undefined && Number.isFinite(bound)) out.bound = bound;
    if (choice.ksAsDistance) out.note = 'KS statistic D (effect-size mode)';
    if (textLengths) out.note = 'compared by the length of the text';
  } else {
    const ca = categorySide(base);
    const cb = categorySide(cur);
    if (!ca || !cb) return skipped(name, type, base, cur, `cannot compare a ${base.type} column with a ${cur.type} one`);
    const al = alignCategories(ca, cb);
    const distinct = al.keys.filter((k) => k !== OTHER).length;
    const choice = chooseMethod('cat', ca.total, distinct, setting, config.mode);
    if (choice.method === 'ks' || choice.method === 'wasserstein') {
      choice.method = 'jensenshannon';
      choice.threshold = setting.threshold ?? DEFAULT_THRESHOLDS.jensenshannon;
    }
    const score = categoricalScore(choice.method, al, metrics);
    const pValue = P_VALUE_METHODS.includes(choice.method);
    const drifted = pValue ? score < choice.threshold : score >= choice.threshold;
    const unseen = unseenCategories(ca, cb);
    if (unseen) {
      metrics.unseenShare = unseen.share;
      metrics.newCategories = unseen.keys.length;
    }
    out = {
      column: name, type, status: drifted ? 'drift' : 'stable', method: choice.method, score, scoreKind: pValue ? 'p-value' : 'distance',
      threshold: choice.threshold, severity: severityOf(score, choice.threshold, pValue), estimate: !ca.exact || !cb.exact, metrics,
      explanation: explainCategories(name, al, unseen),
      chart: categoryChart(al.keys, al.base, al.cur),
    };
    if (out.estimate) out.note = `category counts from frequent-items sketches (within ${Math.max(ca.offset, cb.offset)} of the true counts)`;
  }

  // Missing values and new categories flag a column on their own.
  const missingDelta = Math.abs(mc - mb);
  if (missingDelta >= 0.01) out.explanation += `, ${missingChange(mb, mc)}`;
  if (missingDelta >= config.missingChange) {
    out.status = 'drift';
    out.severity = Math.max(out.severity, missingDelta / config.missingChange);
  }
  const unseenShare = out.metrics.unseenShare ?? 0;
  if (unseenShare >= config.unseenShare) {
    out.status = 'drift';
    out.severity = Math.max(out.severity, unseenShare / config.unseenShare);
  }
  return out;
}

/**
 * PSI of one column against its baseline, whatever method the report uses for it: numeric (and datetime) columns on
 * the baseline's deciles, text by length, categorical and boolean columns per category. Undefined when the column
 * has no values on one side or its two sides cannot be compared. Budgets named `drift_psi` are checked against it.
 */
export function columnPsi(base: ColumnProfile, cur: ColumnProfile): number | undefined {
  if (base.type === 'empty' || cur.type === 'empty') return undefined;
  const bn = base.type === 'text' ? base.lengths : base.numeric;
  const cn = base.type === 'text' ? cur.lengths : cur.numeric;
  if ((base.type === 'numeric' || base.type === 'datetime' || base.type === 'text') && bn && cn) return numericPsi(numericSide(bn), numericSide(cn));
  const ca = categorySide(base);
  const cb = categorySide(cur);
  if (!ca || !cb) return undefined;
  const al = alignCategories(ca, cb);
  const tb = al.base.reduce((s, x) => s + x, 0);
  const tc = al.cur.reduce((s, x) => s + x, 0);
  return tb > 0 && tc > 0 ? populationStabilityIndex(al.base.map((x) => x / tb), al.cur.map((x) => x / tc)) : undefined;
}

function categoricalScore(method: DriftMethod, al: { keys: string[]; base: number[]; cur: number[] }, metrics: ColumnDrift['metrics']): number {
  const js = jensenShannonDistance(al.base, al.cur, 2);
  metrics.jensenShannon = js;
  const tb = al.base.reduce((s, x) => s + x, 0);
  const tc = al.cur.reduce((s, x) => s + x, 0);
  const chi = chiSquareAgainstBaseline(al.base, al.cur);
  metrics.chiSquarePValue = al.keys.length > 1 ? chi.pValue : 1;
  switch (method) {
    case 'chisquare':
      return metrics.chiSquarePValue;
    case 'z': {
      // Share of the first category (in sorted order), as Evidently does.
      if (al.keys.length < 2) return 1;
      return proportionsZTest(al.base[0] as number, tb, al.cur[0] as number, tc);
    }
    case 'psi': {
      const psi = populationStabilityIndex(al.base.map((x) => x / tb), al.cur.map((x) => x / tc));
      metrics.psi = psi;
      return psi;
    }
    default:
      return js;
  }
}

function unseenCategories(a: CategorySide, b: CategorySide): { keys: string[]; share: number } | undefined {
  if (!a.exact) return undefined;
  const keys = [...b.counts.keys()].filter((k) => !a.counts.has(k));
  const count = keys.reduce((s, k) => s + (b.counts.get(k) ?? 0), 0);
  return { keys, share: b.total ? count / b.total : 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Explanations

function explainNumeric(name: string, a: NumericSide, b: NumericSide, type: SemanticType, lengths: boolean): string {
  const ma = quantileOf(a, 0.5);
  const mbv = quantileOf(b, 0.5);
  const what = lengths ? 'length median' : 'median';
  const unit = lengths ? ' characters' : '';
  const fmt = (x: number) => (type === 'datetime' ? new Date(x).toISOString().slice(0, 10) : describeNumber(x));
  let change = '';
  if (type !== 'datetime' && ma !== 0 && ma !== mbv) change = ` (${mbv >= ma ? '+' : '−'}${percent(Math.abs(mbv - ma) / Math.abs(ma))})`;
  let text = `${name}: ${what} ${fmt(ma)} → ${fmt(mbv)}${unit}${change}`;
  // When the median hardly moves, say how the spread or the tails moved.
  if (ma === mbv && !lengths) {
    const pa = quantileOf(a, 0.9);
    const pb = quantileOf(b, 0.9);
    if (pa !== pb) text += `; 90th percentile ${fmt(pa)} → ${fmt(pb)}`;
  }
  return text;
}

function explainCategories(name: string, al: { keys: string[]; base: number[]; cur: number[] }, unseen: { keys: string[]; share: number } | undefined): string {
  const tb = al.base.reduce((s, x) => s + x, 0) || 1;
  const tc = al.cur.reduce((s, x) => s + x, 0) || 1;
  const isNew = new Set(unseen?.keys ?? []);
  let best = -1;
  let bestDelta = -1;
  al.keys.forEach((k, i) => {
    if (k === OTHER || isNew.has(k)) return;
    const d = Math.abs((al.cur[i] as number) / tc - (al.base[i] as number) / tb);
    if (d > bestDelta) {
      bestDelta = d;
      best = i;
    }
  });
  const parts: string[] = [];
  if (best >= 0) parts.push(`'${al.keys[best] as string}' ${percent((al.base[best] as number) / tb)} → ${percent((al.cur[best] as number) / tc)}`);
  if (unseen && unseen.keys.length) {
    const countOf = (k: string) => al.cur[al.keys.indexOf(k)] ?? 0;
    const top = [...unseen.keys].sort((x, y) => countOf(y) - countOf(x))[0] as string;
    const n = unseen.keys.length;
    parts.push(`${n} new categor${n === 1 ? 'y' : 'ies'} (${n === 1 ? `'${top}'` : `'${top}' and ${n - 1} more`}, ${percent(unseen.share)} of values)`);
  }
  return parts.length ? `${name}: ${parts.join(', ')}` : name;
}

// ---------------------------------------------------------------------------------------------------------------
// The report

function sideOf(p: Profile, fromProfile: boolean): DriftSide {
  const side: DriftSide = { name: p.source.name, format: p.source.format, rows: p.rows, columns: p.columns.length, fromProfile };
  if (p.source.path) side.path = p.source.path;
  if (p.source.sha256) side.sha256 = p.source.sha256;
  return side;
}

export interface CompareOptions {
  baselineFromProfile?: boolean;
  currentFromProfile?: boolean;
}

/** Compares two profiles; never throws on data problems (they are in `problems`). */
export function compareProfiles(baseline: Profile, current: Profile, config: DriftConfig = DEFAULT_DRIFT_CONFIG, options: CompareOptions = {}): DriftReport {
  const report: DriftReport = {
    schema: 1, kind: 'mlship-drift-report', createdBy: `mlship ${VERSION}`,
    baseline: sideOf(baseline, options.baselineFromProfile ?? false), current: sideOf(current, options.currentFromProfile ?? false),
    mode: config.mode, rowLimit: config.rowLimit, columns: [], schemaChanges: [],
    summary: { compared: 0, drifted: 0, share: 0, threshold: config.driftShare, datasetDrift: false, verdict: '' },
    problems: [],
  };
  for (const [side, p] of [['baseline', baseline], ['current', current]] as const) {
    for (const prob of p.problems) report.problems.push({ side, message: prob.message, ...(p.source.path ? { file: p.source.path } : {}), ...(prob.line !== undefined ? { line: prob.line } : {}) });
  }
  const byName = new Map(current.columns.map((c) => [c.name, c]));
  const changes: SchemaChange[] = [];
  for (const b of baseline.columns) {
    const c = byName.get(b.name);
    if (!c) {
      changes.push({ column: b.name, change: 'removed', from: b.type });
      continue;
    }
    if (b.type !== c.type && b.type !== 'empty' && c.type !== 'empty' && !(isStringType(b.type) && isStringType(c.type))) changes.push({ column: b.name, change: 'retyped', from: b.type, to: c.type });
    const drift = compareColumn(b, c, config);
    if (config.prediction && b.name === config.prediction) report.prediction = drift;
    else report.columns.push(drift);
  }
  for (const c of current.columns) if (!baseline.columns.some((b) => b.name === c.name)) changes.push({ column: c.name, change: 'added', to: c.type });
  report.schemaChanges = changes;
  if (config.prediction && !report.prediction) {
    report.problems.push({ side: 'config', message: `prediction column "${config.prediction}" is not in both the baseline and the current data` });
  }
  const common = baseline.columns.filter((b) => byName.has(b.name)).length;
  if (baseline.columns.length && current.columns.length && common === 0) {
    const list = (p: Profile) => p.columns.slice(0, 6).map((c) => c.name).join(', ') + (p.columns.length > 6 ? ', …' : '');
    report.problems.push({ side: 'config', message: `the baseline and the current data have no column in common (baseline: ${list(baseline)}; current: ${list(current)}) — is this the right baseline?` });
  }
  report.columns.sort((x, y) => rank(y) - rank(x) || y.severity - x.severity || x.column.localeCompare(y.column));
  const compared = report.columns.filter((c) => c.status !== 'skipped');
  const drifted = compared.filter((c) => c.status === 'drift').length;
  const share = compared.length ? drifted / compared.length : 0;
  const datasetDrift = compared.length > 0 && share >= config.driftShare;
  report.summary = {
    compared: compared.length, drifted, share, threshold: config.driftShare, datasetDrift,
    verdict: verdictOf(compared.length, drifted, share, config.driftShare, datasetDrift, report.prediction),
  };
  const predictionCompared = report.prediction !== undefined && report.prediction.status !== 'skipped';
  const cannot = cannotCompareOf(baseline, current, common, compared.length + (predictionCompared ? 1 : 0));
  if (cannot) {
    report.summary.cannotCompare = cannot;
    report.summary.verdict = cannot.message;
  } else {
    const few = tooFewRowsOf(baseline, current, config.minRows);
    if (few) {
      report.summary.tooFewRows = { minRows: config.minRows, message: few };
      report.summary.verdict = `Too few rows to judge drift: ${few} ${report.summary.verdict.replace(/^(No dataset drift|Dataset drift): /, 'On these rows, ')}`;
    }
  }
  return report;
}

/** "applications.parquet (the baseline)" */
function named(p: Profile, side: 'baseline' | 'current'): string {
  return `${p.source.name} (the ${side === 'baseline' ? 'baseline' : 'current data'})`;
}

/** Why nothing can be compared, when nothing can: no rows, no column in common, no column both sides can compare. */
function cannotCompareOf(baseline: Profile, current: Profile, common: number, comparable: number): CannotCompare | undefined {
  if (baseline.rows === 0 && current.rows === 0) {
    return { reason: 'no-rows', message: `Cannot compare: neither ${named(baseline, 'baseline')} nor ${named(current, 'current')} has any rows; compare files with data rows.` };
  }
  if (baseline.rows === 0 || current.rows === 0) {
    const empty = baseline.rows === 0 ? named(baseline, 'baseline') : named(current, 'current');
    return { reason: 'no-rows', message: `Cannot compare: ${empty} has no rows; compare a file with data rows.` };
  }
  if (common === 0) {
    return { reason: 'no-common-column', message: `Cannot compare: ${named(baseline, 'baseline')} and ${named(current, 'current')} have no column in common; check that this is the right baseline (see the problems).` };
  }
  if (comparable === 0) {
    return { reason: 'no-comparable-column', message: `Cannot compare: none of the ${common} column${common === 1 ? '' : 's'} in both ${baseline.source.name} and ${current.source.name} can be compared (see why each was skipped, and the problems).` };
  }
  return undefined;
}

/** The small-sample warning, when a side has fewer rows than the tests need. */
function tooFewRowsOf(baseline: Profile, current: Profile, minRows: number): string | undefined {
  const small = ([[baseline, 'baseline'], [current, 'current']] as const).filter(([p]) => p.rows < minRows);
  if (!small.length) return undefined;
  const sides = small.map(([p, side]) => `${named(p, side)} has ${groupDigits(p.rows)} row${p.rows === 1 ? '' : 's'}`).join(' and ');
  return `${sides}; drift tests need at least ${groupDigits(minRows)} rows per side to tell drift from chance. Compare more rows, or set drift.minRows in mlship.yaml.`;
}

function isStringType(t: SemanticType): boolean {
  return t === 'categorical' || t === 'text' || t === 'id';
}

function rank(c: ColumnDrift): number {
  return c.status === 'drift' ? 2 : c.status === 'stable' ? 1 : 0;
}

function verdictOf(compared: number, drifted: number, share: number, threshold: number, datasetDrift: boolean, prediction: ColumnDrift | undefined): string {
  const pred = prediction ? (prediction.status === 'drift' ? ` The prediction column "${prediction.column}" drifted.` : ` The prediction column "${prediction.column}" is stable.`) : '';
  if (compared === 0) return `No feature column could be compared.${pred}`;
  const cols = `${drifted} of ${compared} column${compared === 1 ? '' : 's'} drifted (${percent(share)})`;
  return datasetDrift ? `Dataset drift: ${cols}, at or above the ${percent(threshold)} threshold.${pred}` : `No dataset drift: ${cols}, below the ${percent(threshold)} threshold.${pred}`;
}
