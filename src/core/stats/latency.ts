// Pure latency statistics: percentiles, summaries and budget checks. No I/O, no runtime dependencies.
import type { LatencySummary } from '../../shared/serve';

export type { LatencySummary };

/** Which statistic of a summary a budget is compared against. */
export type LatencyStatistic = 'p50' | 'p90' | 'p95' | 'p99' | 'mean' | 'max';

export interface BudgetComparison {
  withinBudget: boolean;
  /** observed / budget: below 1 is within budget, 1.5 means 50 % over. */
  ratio: number;
  /** The statistic that was compared, and its value in ms. */
  statistic: LatencyStatistic;
  observedMs: number;
  budgetMs: number;
  /** One sentence for people, e.g. "p95 latency 12.4 ms is within the 20 ms budget (62 % of budget)." */
  message: string;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of values that are already sorted ascending.
 *
 * Uses linear interpolation between the closest ranks — the same definition as numpy's default
 * (`method='linear'`), Excel's PERCENTILE.INC and R's type 7: with n values at zero-based ranks 0…n−1, the percentile
 * sits at fractional rank h = (n − 1) · p / 100 and is `v[⌊h⌋] + (h − ⌊h⌋) · (v[⌊h⌋ + 1] − v[⌊h⌋])`. So p = 0 is the
 * minimum, p = 100 the maximum, p = 50 the usual median, and a single value is every percentile.
 *
 * The input is not checked for order (that would cost O(n) per call); pass sorted values.
 * @throws RangeError for an empty array or p outside [0, 100].
 */
export function percentile(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length;
  if (n === 0) {
    throw new RangeError('Cannot take a percentile of no values.');
  }
  if (!(p >= 0 && p <= 100)) {
    throw new RangeError(`Percentile must be between 0 and 100, got ${p}.`);
  }
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  // 0 ≤ lo ≤ hi ≤ n − 1: both ranks are in range.
  const vLo = sortedValues[lo] as number;
  const vHi = sortedValues[hi] as number;
  const fraction = h - lo;
  return fraction === 0 ? vLo : vLo + fraction * (vHi - vLo);
}

/**
 * Summarise latency samples (ms, any order; the input array is not modified).
 * @throws RangeError when there are no samples or a sample is not a finite number ≥ 0.
 */
export function summarizeLatencies(samplesMs: readonly number[]): LatencySummary {
  const count = samplesMs.length;
  if (count === 0) {
    throw new RangeError('Cannot summarise latencies: there are no samples.');
  }
  const sorted = Float64Array.from(samplesMs);
  for (let i = 0; i < count; i++) {
    const v = sorted[i] as number;
    if (!Number.isFinite(v) || v < 0) {
      throw new RangeError(`Latency sample ${i} is not a finite, non-negative number of milliseconds: ${v}.`);
    }
  }
  sorted.sort();

  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i] as number;
  const mean = sum / count;
  // Two-pass variance: numerically stable enough for latency-sized values and exact for small integers.
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const d = (sorted[i] as number) - mean;
    squares += d * d;
  }
  const stddev = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;

  return {
    count,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    mean,
    stddev,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

/**
 * Compare one statistic of a summary (p95 by default) against a latency budget in ms.
 * Being exactly at the budget counts as within it.
 * @throws RangeError when the budget is not a finite number > 0.
 */
export function compareToBudget(
  summary: LatencySummary,
  budgetMs: number,
  statistic: LatencyStatistic = 'p95',
): BudgetComparison {
  if (!Number.isFinite(budgetMs) || budgetMs <= 0) {
    throw new RangeError(`A latency budget must be a positive number of milliseconds, got ${budgetMs}.`);
  }
  const observedMs = summary[statistic];
  const ratio = observedMs / budgetMs;
  const withinBudget = observedMs <= budgetMs;
  const label = `${statistic} latency`;
  const message = withinBudget
    ? `${label} ${formatMs(observedMs)} is within the ${formatMs(budgetMs)} budget (${formatPercent(ratio)} of budget).`
    : `${label} ${formatMs(observedMs)} exceeds the ${formatMs(budgetMs)} budget by ${formatPercent(ratio - 1)}.`;
  return { withinBudget, ratio, statistic, observedMs, budgetMs, message };
}

/**
 * Milliseconds for display with sensible precision: "0.042 ms", "1.23 ms", "12.3 ms", "123 ms", "1.50 s".
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs >= 100) return `${ms.toFixed(0)} ms`;
  if (abs >= 10) return `${ms.toFixed(1)} ms`;
  if (abs >= 1) return `${ms.toFixed(2)} ms`;
  if (abs === 0) return '0 ms';
  return `${ms.toPrecision(2)} ms`;
}

function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${Math.abs(pct) >= 10 ? pct.toFixed(0) : pct.toFixed(1)} %`;
}
