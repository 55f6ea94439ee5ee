// The dashboard series builder on exact inputs: increases between scrapes (through a restart), gaps where data is
// missing, decimation of long windows, latency from the log when there are no metrics, prediction distributions,
// quality with coverage, and the drift section carried through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { feedbackByRequest } from '../../../src/core/deployments/feedback';
import type { FeedbackRecord, PredictionRecord, Timed } from '../../../src/core/deployments/records';
import type { ScrapePoint } from '../../../src/core/deployments/scrape';
import { bucketsFor, buildDashboard, recentThroughput, summarizeWindow } from '../../../src/core/deployments/series';
import { isDashboardData, type DashboardDrift } from '../../../src/shared/deployments';

const T = Date.parse('2026-01-05T10:00:00Z');
const hist = (n10: number, n50: number, total: number): ScrapePoint['latency'] => [
  { le: 10, count: n10 },
  { le: 50, count: n50 },
  { le: Infinity, count: total },
];

const pred = (id: string, t: number, over: Partial<PredictionRecord> = {}): Timed<PredictionRecord> => ({
  t,
  record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: id, input_hash: '', inputs: { x: 1 }, output: { label: 1 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 5, variant: null, ...over },
});

describe('buildDashboard', () => {
  it('turns consecutive scrapes into per-bucket percentiles, throughput and error rate, through a restart', () => {
    const scrapes: ScrapePoint[] = [
      { t: T, latency: hist(0, 0, 0), requests: { total: 0, errors: 0 } },
      { t: T + 10_000, latency: hist(90, 100, 100), requests: { total: 100, errors: 5 } },
      // 10–20 s: no scrape (the server was down): a gap.
      // Restarted: counters start again from 0, so the 40 observations are all new.
      { t: T + 30_000, latency: hist(0, 30, 40), requests: { total: 40, errors: 0 } },
    ];
    const d = buildDashboard({ deployment: 'd', start: T, end: T + 30_001, stepMs: 10_000, scrapes, predictions: [], feedback: new Map(), budgets: { latency_p95_ms: 50 } });
    assert.deepEqual(d.timestamps, [T, T + 10_000, T + 20_000, T + 30_000]);
    assert.equal(d.latency.source, 'metrics');
    assert.equal(d.latency.budgetMs, 50);
    assert.equal(d.latency.p95[0], null);
    assert.ok(Math.abs((d.latency.p95[1] as number) - (10 + 40 * (5 / 10))) < 1e-9);
    assert.equal(d.throughput[1], 10);
    assert.equal(d.errorRate[1], 0.05);
    assert.equal(d.latency.p95[2], null, 'a gap, not a zero');
    assert.equal(d.throughput[2], null);
    assert.equal(d.latency.p99[3], 50, 'the rank falls in +Inf: the highest finite bound');
    assert.equal(d.throughput[3], 2, '40 requests over the 20 s between the scrapes');
    assert.equal(d.errorRate[3], 0);
  });

  it('keeps buckets on whole multiples of the step, so a past bucket reads the same at the next rebuild', () => {
    // Two records a second until T+124 s, each with feedback (right for some, wrong for others); then nothing.
    const predictions = Array.from({ length: 249 }, (_, i) => pred(`r${i}`, T + i * 500, { output: { label: i % 2 }, latency_ms: 1 + (i % 13), confidence: i % 4 === 0 ? 0.5 : 0.9 }));
    const feedback = feedbackByRequest(predictions.map((p, i): Timed<FeedbackRecord> => ({ t: p.t + 100, record: { ts: '', request_id: p.record.request_id, feature: 'f', label: i % 3 === 0 ? 1 : 0, source: 'review', note: null } })));
    const at = (end: number) => buildDashboard({ deployment: 'd', start: end - 60_000, end, stepMs: 10_000, predictions, feedback, budgets: {} });
    const first = at(T + 124_200);
    const next = at(T + 128_300);
    for (const d of [first, next]) assert.ok(d.timestamps.every((t) => t % 10_000 === 0), `${d.timestamps.map((t) => (t - T) / 1000).join(', ')} s`);
    assert.equal(first.timestamps[first.timestamps.length - 1], T + 120_000, 'the last bucket is the one the window ends in');
    const shared = first.timestamps.filter((t) => next.timestamps.includes(t));
    assert.ok(shared.length >= 6);
    const same = (a: typeof first, b: typeof first, pick: (d: typeof first) => readonly (number | null)[], last = true) => {
      for (const t of shared.slice(0, last ? undefined : -1)) assert.equal(pick(b)[b.timestamps.indexOf(t)], pick(a)[a.timestamps.indexOf(t)], `${(t - T) / 1000} s`);
    };
    same(first, next, (d) => d.quality.values);
    same(first, next, (d) => d.quality.withFeedback);
    same(first, next, (d) => d.latency.p95);
    same(first, next, (d) => d.lowConfidenceShare);
    // Throughput is a rate over the part of a bucket that has passed: the last bucket's changes as it fills.
    same(first, next, (d) => d.throughput, false);
    const partial = first.throughput[first.throughput.length - 1] as number;
    assert.ok(Math.abs(partial - 9 / 4.2) < 1e-9, `${partial} req/s: 9 records over the 4.2 s of the last bucket so far`);
    assert.equal(first.throughput[first.throughput.length - 2], 2);
  });

  it('decimates a long window by widening the buckets', () => {
    const b = bucketsFor(T, T + 86_400_000, 10_000, 720);
    assert.equal(b.count, 720);
    assert.equal(b.step, 120_000);
    const scrapes: ScrapePoint[] = Array.from({ length: 8641 }, (_, i) => ({ t: T + i * 10_000, latency: hist(i, i * 2, i * 2), requests: { total: i * 2, errors: 0 } }));
    const d = buildDashboard({ deployment: 'd', start: T, end: T + 86_400_000, stepMs: 10_000, maxPoints: 720, scrapes, predictions: [], feedback: new Map(), budgets: {} });
    assert.equal(d.timestamps.length, 720);
    assert.equal(d.stepMs, 120_000);
    // Half of the observations each bucket are ≤ 10 ms and half in (10, 50].
    assert.ok(d.latency.p50.slice(1).every((v) => v === 10));
    assert.ok(Math.abs((d.throughput[5] as number) - 0.2) < 1e-9);
  });

  it('fills the buckets before the first pair of scrapes from the log (a reload keeps the history), and only those', () => {
    // The editor started at T+20 s: its scrapes cover 20–30 s; the log has requests from 0 s on.
    const scrapes: ScrapePoint[] = [
      { t: T + 20_000, latency: hist(0, 0, 0), requests: { total: 0, errors: 0 } },
      { t: T + 25_000, latency: hist(10, 10, 10), requests: { total: 10, errors: 0 } },
    ];
    const predictions = [
      ...Array.from({ length: 10 }, (_, i) => pred(`a${i}`, T + i * 100, { latency_ms: 30 + i })),
      ...Array.from({ length: 10 }, (_, i) => pred(`b${i}`, T + 21_000 + i * 100, { latency_ms: 400 })),
    ];
    const d = buildDashboard({ deployment: 'd', start: T, end: T + 30_000, stepMs: 10_000, scrapes, predictions, feedback: new Map(), budgets: {} });
    assert.equal(d.latency.source, 'metrics');
    assert.equal(d.latency.logBuckets, 1, 'one bucket with log records and no scrape');
    assert.equal(d.latency.p50[0], 34.5, 'from the log');
    assert.equal(d.throughput[0], 1);
    assert.equal(d.latency.p95[1], null, 'no scrape and no log record: a gap');
    assert.ok((d.latency.p95[2] as number) <= 10, 'covered by scrapes: /metrics, not the log (400 ms)');
    const none = buildDashboard({ deployment: 'd', start: T, end: T + 30_000, stepMs: 10_000, scrapes, predictions: predictions.slice(10), feedback: new Map(), budgets: {} });
    assert.equal(none.latency.logBuckets, undefined);
  });

  it('status p95: from the scrapes when they saw requests, else from the log records of the window', () => {
    const idle: ScrapePoint[] = [
      { t: T + 20_000, latency: hist(10, 10, 10), requests: { total: 10, errors: 0 } },
      { t: T + 25_000, latency: hist(10, 10, 10), requests: { total: 10, errors: 0 } },
    ];
    const logged = Array.from({ length: 20 }, (_, i) => pred(`l${i}`, T + i * 100, { latency_ms: 100 + i }));
    const s = summarizeWindow(idle, logged, 30_000);
    assert.equal(s.p95Ms, 118.05, 'the log, since the scrapes counted no request');
    assert.equal(s.throughput, 0, 'traffic now: the scrapes');
    const busy: ScrapePoint[] = [idle[0] as ScrapePoint, { t: T + 25_000, latency: hist(20, 20, 20), requests: { total: 20, errors: 0 } }];
    assert.ok((summarizeWindow(busy, logged, 30_000).p95Ms as number) <= 10, 'the scrapes saw requests: their histogram');
  });

  it('current throughput: the last minute of scrapes (else the last interval between two), else of log records', () => {
    const at = (s: number, total: number): ScrapePoint => ({ t: T + s * 1000, requests: { total, errors: 0 } });
    // 10 req/s until 120 s, then nothing.
    const scrapes = [at(0, 0), at(30, 300), at(60, 600), at(90, 900), at(120, 1200), at(150, 1200), at(180, 1200)];
    assert.equal(recentThroughput(scrapes.slice(0, 5), [], T + 120_000), 10);
    assert.equal(recentThroughput(scrapes.slice(0, 6), [], T + 150_000), 5, 'one step with traffic, one without');
    assert.equal(recentThroughput(scrapes, [], T + 180_000), 0, 'a minute after the last request');
    assert.equal(recentThroughput([at(0, 0), at(120, 600)], [], T + 130_000), 5, 'scrapes further apart than a minute: the last interval');
    assert.equal(recentThroughput([scrapes[4] as ScrapePoint, scrapes[3] as ScrapePoint], [], T + 120_000), 10, 'out of order');
    assert.equal(recentThroughput([at(10, 0), at(10, 5)], [], T + 20_000), null, 'no time between the scrapes');
    const logged = Array.from({ length: 90 }, (_, i) => pred(`r${i}`, T + i * 1000 + 500));
    assert.equal(recentThroughput([], logged, T + 90_000), 1);
    assert.equal(recentThroughput([], logged, T + 120_000), 0.5);
    assert.equal(recentThroughput([], logged, T + 150_000), 0);
  });

  it('takes latency, rates and distributions from the log when there are no metrics', () => {
    const predictions = [
      ...Array.from({ length: 20 }, (_, i) => pred(`a${i}`, T + i * 100, { latency_ms: i + 1, confidence: i < 5 ? 0.55 : 0.95, output: { label: i < 15 ? 1 : 0 } })),
      pred('f1', T + 2500, { path: 'fallback', reason: 'timeout', output: null, confidence: null, latency_ms: 100 }),
      pred('later', T + 25_000, { output: { label: 'other' } }),
    ];
    const d = buildDashboard({ deployment: 'd', start: T, end: T + 30_000, stepMs: 10_000, predictions, feedback: new Map(), budgets: {} });
    assert.equal(d.latency.source, 'log');
    assert.equal(d.latency.p50[0], 11);
    assert.equal(d.latency.p95[1], null);
    assert.equal(d.fallbackRate[0], 1 / 21);
    assert.equal(d.lowConfidenceShare[0], 5 / 20);
    assert.equal(d.throughput[0], 2.1);
    assert.equal(d.predictions.kind, 'labels');
    if (d.predictions.kind === 'labels') {
      assert.deepEqual(d.predictions.labels, ['1', '0', 'other']);
      assert.equal(d.predictions.shares['1']?.[0], 15 / 20);
      assert.equal(d.predictions.shares['other']?.[2], 1);
      assert.equal(d.predictions.shares['1']?.[1], null);
    }
  });

  it('charts a regressor as p10/p50/p90 of its values and its MAE from feedback with coverage', () => {
    const predictions = Array.from({ length: 10 }, (_, i) => pred(`r${i}`, T + i, { output: { value: i * 10 }, confidence: null }));
    const feedback = feedbackByRequest([0, 1, 2].map((i): Timed<FeedbackRecord> => ({ t: T + 100, record: { ts: '', request_id: `r${i}`, feature: 'f', label: i * 10 + 3, source: 'review', note: null } })));
    const d = buildDashboard({ deployment: 'd', start: T, end: T + 20_000, stepMs: 10_000, predictions, feedback, budgets: {} });
    assert.equal(d.predictions.kind, 'values');
    if (d.predictions.kind === 'values') assert.equal(d.predictions.p50[0], 45);
    assert.equal(d.quality.metric, 'mae');
    assert.equal(d.quality.values[0], 3);
    assert.equal(d.quality.coverage[0], 0.3);
    assert.deepEqual(d.quality.withFeedback, [3, 0]);
    assert.equal(d.quality.values[1], null);
  });

  it('carries the scored drift section, or why there is none, and validates as DashboardData', () => {
    const base = { deployment: 'd', start: T, end: T + 20_000, stepMs: 10_000, predictions: [pred('a', T)], feedback: new Map(), budgets: { drift_psi: 0.2 } };
    const drift: DashboardDrift = {
      baseline: { name: 'train.parquet', rows: 1000, reason: 'test' },
      timestamps: [T],
      stepMs: 60_000,
      records: [500],
      minRecords: 500,
      features: [{ feature: 'x', method: 'wasserstein', scoreKind: 'distance', threshold: 0.1, scores: [0.3], psi: [0.25] }],
      histograms: [],
      windowRecords: 500,
      mode: 'evidently',
      psiBudget: 0.2,
    };
    const d = buildDashboard({ ...base, drift });
    assert.deepEqual(d.drift, drift);
    assert.ok(isDashboardData(d));
    assert.ok(!isDashboardData({ ...d, drift: { ...drift, records: [500, null] } }), 'drift series must align with the drift timestamps');
    const none = buildDashboard({ ...base, driftNote: 'no baseline' });
    assert.equal(none.drift, undefined);
    assert.equal(none.driftNote, 'no baseline');
    assert.ok(isDashboardData(none));
  });
});
