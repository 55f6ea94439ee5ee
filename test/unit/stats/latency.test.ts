import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareToBudget, formatMs, percentile, summarizeLatencies, type LatencySummary } from '../../../src/core/stats/latency';

const close = (actual: number, expected: number, message?: string): void => {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), message ?? `${actual} ≉ ${expected}`);
};

describe('percentile', () => {
  // 1..10, n = 10: rank h = 9p/100. Hand-computed: p50 → h 4.5 → 5 + 0.5·1; p90 → h 8.1 → 9 + 0.1·1; etc.
  const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('interpolates linearly between the closest ranks (hand-computed)', () => {
    close(percentile(oneToTen, 50), 5.5);
    close(percentile(oneToTen, 90), 9.1);
    close(percentile(oneToTen, 95), 9.55);
    close(percentile(oneToTen, 99), 9.91);
    close(percentile(oneToTen, 25), 3.25); // h = 2.25 → 3 + 0.25
  });

  it('hits exact ranks without interpolation', () => {
    assert.equal(percentile([10, 20, 30, 40, 50], 25), 20); // h = 1
    assert.equal(percentile([10, 20, 30, 40, 50], 50), 30); // h = 2
    assert.equal(percentile([10, 20, 30, 40, 50], 75), 40); // h = 3
  });

  it('gives the minimum at p0 and the maximum at p100', () => {
    assert.equal(percentile(oneToTen, 0), 1);
    assert.equal(percentile(oneToTen, 100), 10);
  });

  it('returns the only value for every p of a single sample', () => {
    for (const p of [0, 1, 50, 99, 100]) assert.equal(percentile([7.5], p), 7.5);
  });

  it('interpolates between two values', () => {
    close(percentile([2, 4], 50), 3);
    close(percentile([2, 4], 95), 3.9);
  });

  it('matches numpy.percentile(method="linear")', () => {
    // Values from numpy 1.24: np.percentile(a, p, method='linear') on the unsorted list
    // [12.5, 3.25, 7.0, 1.0, 9.75, 4.5, 15.0, 2.0, 6.25, 30.0, 8.0, 5.5].
    const sorted = [1.0, 2.0, 3.25, 4.5, 5.5, 6.25, 7.0, 8.0, 9.75, 12.5, 15.0, 30.0];
    const numpy: [number, number][] = [
      [0, 1.0],
      [10, 2.125],
      [25, 4.1875],
      [50, 6.625],
      [75, 10.4375],
      [90, 14.75],
      [95, 21.74999999999999],
      [99, 28.35000000000001],
      [100, 30.0],
    ];
    for (const [p, expected] of numpy) close(percentile(sorted, p), expected, `p${p}`);
  });

  it('accepts typed arrays', () => {
    close(percentile(Float64Array.from(oneToTen), 90), 9.1);
  });

  it('rejects an empty array and p outside [0, 100]', () => {
    assert.throws(() => percentile([], 50), RangeError);
    assert.throws(() => percentile([1, 2], -1), RangeError);
    assert.throws(() => percentile([1, 2], 100.5), RangeError);
    assert.throws(() => percentile([1, 2], Number.NaN), RangeError);
  });
});

describe('summarizeLatencies', () => {
  it('summarises unsorted samples (hand-computed)', () => {
    const s = summarizeLatencies([5, 1, 4, 2, 3]);
    assert.equal(s.count, 5);
    assert.equal(s.min, 1);
    assert.equal(s.max, 5);
    assert.equal(s.mean, 3);
    // Sample variance: (4 + 1 + 0 + 1 + 4) / (5 − 1) = 2.5.
    close(s.stddev, Math.sqrt(2.5));
    assert.equal(s.p50, 3);
    close(s.p90, 4.6); // h = 3.6 → 4 + 0.6
    close(s.p95, 4.8); // h = 3.8
    close(s.p99, 4.96); // h = 3.96
  });

  it('matches numpy mean and sample standard deviation', () => {
    const s = summarizeLatencies([12.5, 3.25, 7.0, 1.0, 9.75, 4.5, 15.0, 2.0, 6.25, 30.0, 8.0, 5.5]);
    close(s.mean, 8.729166666666666);
    close(s.stddev, 7.862785139600036); // np.std(a, ddof=1)
    close(s.p95, 21.74999999999999);
    close(s.p99, 28.35000000000001);
  });

  it('does not modify its input', () => {
    const samples = [3, 1, 2];
    summarizeLatencies(samples);
    assert.deepEqual(samples, [3, 1, 2]);
  });

  it('has a zero standard deviation for one sample', () => {
    const s = summarizeLatencies([0.25]);
    assert.deepEqual(s, { count: 1, min: 0.25, max: 0.25, mean: 0.25, stddev: 0, p50: 0.25, p90: 0.25, p95: 0.25, p99: 0.25 });
  });

  it('keeps percentiles ordered', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 10 + (i % 13 === 0 ? 50 : 0));
    const s = summarizeLatencies(samples);
    assert.ok(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max);
  });

  it('rejects no samples, negative and non-finite samples', () => {
    assert.throws(() => summarizeLatencies([]), RangeError);
    assert.throws(() => summarizeLatencies([1, -0.5]), /sample 1/);
    assert.throws(() => summarizeLatencies([1, Number.NaN]), RangeError);
    assert.throws(() => summarizeLatencies([Number.POSITIVE_INFINITY]), RangeError);
  });
});

describe('compareToBudget', () => {
  const summary: LatencySummary = { count: 100, min: 1, max: 40, mean: 6, stddev: 3, p50: 5, p90: 9, p95: 12, p99: 25 };

  it('compares p95 by default', () => {
    const c = compareToBudget(summary, 20);
    assert.equal(c.withinBudget, true);
    assert.equal(c.statistic, 'p95');
    assert.equal(c.observedMs, 12);
    close(c.ratio, 0.6);
    assert.equal(c.message, 'p95 latency 12.0 ms is within the 20.0 ms budget (60 % of budget).');
  });

  it('reports how far over budget a statistic is', () => {
    const c = compareToBudget(summary, 20, 'p99');
    assert.equal(c.withinBudget, false);
    close(c.ratio, 1.25);
    assert.equal(c.message, 'p99 latency 25.0 ms exceeds the 20.0 ms budget by 25 %.');
  });

  it('counts exactly the budget as within it', () => {
    const c = compareToBudget(summary, 5, 'p50');
    assert.equal(c.withinBudget, true);
    assert.equal(c.ratio, 1);
  });

  it('can compare mean and max', () => {
    assert.equal(compareToBudget(summary, 10, 'mean').withinBudget, true);
    assert.equal(compareToBudget(summary, 10, 'max').withinBudget, false);
  });

  it('rejects a budget that is not a positive number', () => {
    assert.throws(() => compareToBudget(summary, 0), RangeError);
    assert.throws(() => compareToBudget(summary, -5), RangeError);
    assert.throws(() => compareToBudget(summary, Number.NaN), RangeError);
  });
});

describe('formatMs', () => {
  it('uses a precision suited to the magnitude', () => {
    assert.equal(formatMs(0), '0 ms');
    assert.equal(formatMs(0.0421), '0.042 ms');
    assert.equal(formatMs(1.234), '1.23 ms');
    assert.equal(formatMs(12.34), '12.3 ms');
    assert.equal(formatMs(123.4), '123 ms');
    assert.equal(formatMs(1500), '1.50 s');
  });
});
