// Drift statistics on exact data, defined as SciPy defines them (ks_2samp, wasserstein_distance, jensenshannon,
// chisquare) so that reports agree with Evidently and with anyone checking in a notebook. Numeric samples are passed
// as value counts (sorted distinct values with their multiplicities): the same numbers as the raw samples for every
// statistic here, and much smaller when values repeat. NaN is a missing value and is never part of a sample.
import { ksTwoSamplePValue, type KsResult } from './kolmogorov';
import { chi2Sf, normalTwoSidedP } from './special';

/** A numeric sample as sorted distinct values and their counts. */
export interface ValueCounts {
  values: Float64Array;
  counts: Float64Array;
  /** Sum of counts. */
  total: number;
}

/** Value counts of a sample; NaN values are dropped. */
export function toValueCounts(sample: ArrayLike<number>): ValueCounts {
  let n = 0;
  const sorted = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i] as number;
    if (!Number.isNaN(v)) sorted[n++] = v;
  }
  const xs = sorted.subarray(0, n).sort();
  return countSorted(xs);
}

/** Value counts of an already sorted, NaN-free sample. */
export function countSorted(xs: Float64Array): ValueCounts {
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < xs.length; ) {
    const v = xs[i] as number;
    let j = i + 1;
    while (j < xs.length && xs[j] === v) j++;
    values.push(v);
    counts.push(j - i);
    i = j;
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), total: xs.length };
}

/**
 * Walks the union of both samples' values in order, calling `visit` with each value, the next value (Infinity at
 * the end) and both empirical CDFs at the value.
 */
function walkCdfs(a: ValueCounts, b: ValueCounts, visit: (x: number, next: number, fa: number, fb: number) => void): void {
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? (a.values[i] as number) : Infinity;
    const vb = j < b.values.length ? (b.values[j] as number) : Infinity;
    const x = Math.min(va, vb);
    if (va === x) ca += a.counts[i++] as number;
    if (vb === x) cb += b.counts[j++] as number;
    const na = i < a.values.length ? (a.values[i] as number) : Infinity;
    const nb = j < b.values.length ? (b.values[j] as number) : Infinity;
    visit(x, Math.min(na, nb), ca / a.total, cb / b.total);
  }
}

/** The two-sample Kolmogorov–Smirnov statistic and its two-sided p-value (scipy.stats.ks_2samp, method 'auto'). */
export function ksTwoSample(a: ValueCounts, b: ValueCounts): KsResult {
  if (a.total === 0 || b.total === 0) throw new RangeError('The KS test needs a non-empty sample on both sides.');
  let maxS = -Infinity;
  let minS = Infinity;
  walkCdfs(a, b, (_x, _next, fa, fb) => {
    const diff = fa - fb;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  });
  const d = Math.max(maxS, Math.min(Math.max(-minS, 0), 1));
  return ksTwoSamplePValue(d, a.total, b.total);
}

/** The first Wasserstein (earth mover's) distance between two samples (scipy.stats.wasserstein_distance). */
export function wassersteinDistance(a: ValueCounts, b: ValueCounts): number {
  if (a.total === 0 || b.total === 0) throw new RangeError('The Wasserstein distance needs a non-empty sample on both sides.');
  let sum = 0;
  walkCdfs(a, b, (x, next, fa, fb) => {
    if (next !== Infinity) sum += Math.abs(fa - fb) * (next - x);
  });
  return sum;
}

/** Population standard deviation (ddof = 0, NumPy's np.std) of a sample given as value counts. */
export function populationStd(a: ValueCounts): number {
  if (a.total === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < a.values.length; i++) mean += (a.values[i] as number) * (a.counts[i] as number);
  mean /= a.total;
  let ss = 0;
  for (let i = 0; i < a.values.length; i++) ss += (a.counts[i] as number) * ((a.values[i] as number) - mean) ** 2;
  return Math.sqrt(ss / a.total);
}

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** Jensen–Shannon distance between two (unnormalized) distributions (scipy.spatial.distance.jensenshannon). */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base = 2): number {
  if (p.length !== q.length) throw new RangeError('Both distributions need the same categories.');
  const sp = p.reduce((s, x) => s + x, 0);
  const sq = q.reduce((s, x) => s + x, 0);
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / sp;
    const qi = (q[i] as number) / sq;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  const js = (left + right) / Math.log(base);
  return Math.sqrt(Math.max(0, js) / 2);
}

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
}

/** Pearson's chi-square goodness of fit of observed against expected counts (scipy.stats.chisquare, ddof 0). */
export function chiSquareTest(observed: readonly number[], expected: readonly number[]): ChiSquareResult {
  if (observed.length !== expected.length) throw new RangeError('Observed and expected counts need the same categories.');
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i] as number;
    const e = expected[i] as number;
    stat += e === 0 ? (o === 0 ? 0 : Infinity) : ((o - e) * (o - e)) / e;
  }
  const dof = observed.length - 1;
  return { statistic: stat, pValue: stat === Infinity ? 0 : chi2Sf(stat, dof), dof };
}

/**
 * Chi-square test of the current category counts against the baseline's, as Evidently runs it: the baseline counts
 * scaled to the current total are the expected counts.
 */
export function chiSquareAgainstBaseline(baseline: readonly number[], current: readonly number[]): ChiSquareResult {
  const nb = baseline.reduce((s, x) => s + x, 0);
  const nc = current.reduce((s, x) => s + x, 0);
  return chiSquareTest(current, baseline.map((b) => (b * nc) / nb));
}

/** Two-proportion z-test p-value for a binary column (Evidently's "z" test): share of `first` in each sample. */
export function proportionsZTest(baselineFirst: number, baselineTotal: number, currentFirst: number, currentTotal: number): number {
  const p1 = baselineFirst / baselineTotal;
  const p2 = currentFirst / currentTotal;
  const P = (baselineFirst + currentFirst) / (baselineTotal + currentTotal);
  const denom = Math.sqrt(P * (1 - P) * (1 / baselineTotal + 1 / currentTotal));
  if (denom === 0) return p1 === p2 ? 1 : 0;
  return normalTwoSidedP((p1 - p2) / denom);
}

/** The share used in place of an empty bin by PSI (both sides), as Evidently does. */
export const PSI_EMPTY_BIN_SHARE = 1e-4;

/**
 * Population Stability Index between bin shares: Σ (b − c) · ln(b / c). A share of 0 on either side is replaced by
 * 1e-4 (or, when the side's smallest non-zero share is below 1e-4, by that share / 10⁶), Evidently's rule, so an
 * empty bin adds a large but finite term.
 */
export function populationStabilityIndex(baselineShares: readonly number[], currentShares: readonly number[]): number {
  const fill = (xs: readonly number[]): number[] => {
    const nonZero = xs.filter((x) => x > 0);
    const min = nonZero.length ? Math.min(...nonZero) : PSI_EMPTY_BIN_SHARE;
    const eps = min <= PSI_EMPTY_BIN_SHARE ? min / 1e6 : PSI_EMPTY_BIN_SHARE;
    return xs.map((x) => (x === 0 ? eps : x));
  };
  const b = fill(baselineShares);
  const c = fill(currentShares);
  let psi = 0;
  for (let i = 0; i < b.length; i++) psi += ((b[i] as number) - (c[i] as number)) * Math.log((b[i] as number) / (c[i] as number));
  return psi;
}

export type { KsResult };
