// merge(profile(A), profile(B)) ≈ profile(A ∪ B): counts add up, moments combine exactly (Chan et al.), sketches
// merge within their bounds, and exact value counts survive while the union still fits the row limit (or has at
// most 256 distinct values).
import type { ColumnProfile, FrequentState, NumericSummary, Profile, ProfileProblem, SemanticType } from '../../shared/drift';
import { VERSION } from '../../shared/version';
import { DISTINCT_TABLE_SIZE, histogramOf } from './accumulate';
import { FrequentItems } from './sketch/frequent';
import { HyperLogLog } from './sketch/hll';
import { KllSketch } from './sketch/kll';

function mergeExact(a: NumericSummary['exact'], b: NumericSummary['exact']): { values: number[]; counts: number[] } | undefined {
  if (!a || !b) return undefined;
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Infinity;
    const vb = j < b.values.length ? (b.values[j] as number) : Infinity;
    if (va === vb) {
      values.push(va);
      counts.push((a.counts[i++] as number) + (b.counts[j++] as number));
    } else if (va < vb) {
      values.push(va);
      counts.push(a.counts[i++] as number);
    } else {
      values.push(vb);
      counts.push(b.counts[j++] as number);
    }
  }
  return { values, counts };
}

/** Number of values a summary describes. */
function summaryCount(s: NumericSummary): number {
  return s.kll.n;
}

export function mergeNumeric(a: NumericSummary | undefined, b: NumericSummary | undefined, rowLimit: number, k: number): NumericSummary | undefined {
  if (!a) return b;
  if (!b) return a;
  const na = summaryCount(a);
  const nb = summaryCount(b);
  const n = na + nb;
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * nb) / n;
  const m2 = a.m2 + b.m2 + (delta * delta * na * nb) / n;
  const kll = KllSketch.fromState(a.kll);
  kll.merge(KllSketch.fromState(b.kll));
  let exact = mergeExact(a.exact, b.exact);
  if (exact && n > rowLimit && exact.values.length > DISTINCT_TABLE_SIZE) exact = undefined;
  const min = Math.min(a.min, b.min);
  const max = Math.max(a.max, b.max);
  const integer = a.integer && b.integer;
  const sketch = exact ? KllSketch.fromWeighted(exact.values, exact.counts, k) : kll;
  const out: NumericSummary = { min, max, mean, m2, integer, kll: sketch.toState(), histogram: histogramOf(min, max, integer, exact, sketch) };
  if (exact) out.exact = exact;
  return out;
}

function mergeFrequent(a: FrequentState | undefined, b: FrequentState | undefined): FrequentState | undefined {
  if (!a) return b;
  if (!b) return a;
  const f = FrequentItems.fromState(a);
  f.merge(FrequentItems.fromState(b));
  return f.toState();
}

function mergeType(a: SemanticType, b: SemanticType): SemanticType {
  if (a === b) return a;
  if (a === 'empty') return b;
  if (b === 'empty') return a;
  // Inferred text/id/categorical differ only by cardinality: keep the more general reading.
  const strings: SemanticType[] = ['categorical', 'text', 'id'];
  if (strings.includes(a) && strings.includes(b)) return a === 'categorical' || b === 'categorical' ? 'categorical' : 'text';
  return a;
}

export function mergeColumns(a: ColumnProfile, b: ColumnProfile, rowLimit: number, k: number): ColumnProfile {
  const hll = HyperLogLog.fromState(a.distinct.hll);
  hll.merge(HyperLogLog.fromState(b.distinct.hll));
  const numeric = mergeNumeric(a.numeric, b.numeric, rowLimit, k);
  const frequent = mergeFrequent(a.frequent, b.frequent);
  const lengths = mergeNumeric(a.lengths, b.lengths, Infinity, k);
  let distinct: ColumnProfile['distinct'];
  if (numeric?.exact) distinct = { estimate: numeric.exact.values.length, exact: true, hll: hll.toState() };
  else if (frequent && frequent.offset === 0) distinct = { estimate: frequent.items.length, exact: true, hll: hll.toState() };
  else distinct = { estimate: Math.round(hll.estimate()), exact: false, hll: hll.toState() };
  const out: ColumnProfile = {
    name: a.name,
    type: mergeType(a.type, b.type),
    typeSource: a.typeSource === 'override' || b.typeSource === 'override' ? 'override' : 'inferred',
    count: a.count + b.count,
    missing: a.missing + b.missing,
    invalid: a.invalid + b.invalid,
    distinct,
  };
  if (numeric) out.numeric = numeric;
  if (lengths) out.lengths = lengths;
  if (frequent) out.frequent = frequent;
  const examples = [...(a.invalidExamples ?? []), ...(b.invalidExamples ?? [])].sort((x, y) => x.line - y.line).slice(0, 5);
  if (examples.length) out.invalidExamples = examples;
  if (a.badUtf8 || b.badUtf8) {
    const lines = [a.badUtf8?.line, b.badUtf8?.line].filter((l): l is number => l !== undefined);
    out.badUtf8 = { count: (a.badUtf8?.count ?? 0) + (b.badUtf8?.count ?? 0), line: Math.min(...lines) };
  }
  return out;
}

/** An empty column of `rows` missing values (for a column only one side has). */
function allMissing(like: ColumnProfile, rows: number): ColumnProfile {
  return { name: like.name, type: 'empty', typeSource: like.typeSource, count: rows, missing: rows, invalid: 0, distinct: { estimate: 0, exact: true, hll: new HyperLogLog(like.distinct.hll.p).toState() } };
}

/** Merges profiles of parts of one dataset (e.g. daily files, or windows of prediction logs). */
export function mergeProfiles(a: Profile, b: Profile, name = `${a.source.name} + ${b.source.name}`): Profile {
  const rowLimit = Math.min(a.options.rowLimit, b.options.rowLimit);
  const k = a.options.sketchK;
  if (b.options.sketchK !== k) throw new RangeError(`Cannot merge profiles made with different sketch sizes (k = ${k} and ${b.options.sketchK})`);
  const names = [...a.columns.map((c) => c.name), ...b.columns.map((c) => c.name).filter((n) => !a.columns.some((c) => c.name === n))];
  const columns = names.map((n) => {
    const ca = a.columns.find((c) => c.name === n);
    const cb = b.columns.find((c) => c.name === n);
    if (ca && cb) return mergeColumns(ca, cb, rowLimit, k);
    if (ca) return mergeColumns(ca, allMissing(ca, b.rows), rowLimit, k);
    return mergeColumns(allMissing(cb as ColumnProfile, a.rows), cb as ColumnProfile, rowLimit, k);
  });
  const problems: ProfileProblem[] = [...a.problems.map((p) => ({ ...p, message: `${a.source.name}: ${p.message}` })), ...b.problems.map((p) => ({ ...p, message: `${b.source.name}: ${p.message}` }))];
  return {
    schema: 1, kind: 'mlship-profile', source: { name, format: a.source.format === b.source.format ? a.source.format : 'records' }, createdBy: `mlship ${VERSION}`,
    rows: a.rows + b.rows, malformedRows: a.malformedRows + b.malformedRows, options: { ...a.options, rowLimit }, columns, problems,
  };
}
