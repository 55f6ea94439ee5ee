// The dashboard's pure shaping: charts built from real DashboardData (core's buildDashboard), gaps kept, budget lines,
// empty states that say what to do, min/max decimation, tables and CSV; and the panel's message validators.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/config/manifest';
import { deploymentDriftSource } from '../../../src/core/deployments/driftSource';
import type { DriftScorer } from '../../../src/core/deployments/driftSeries';
import { DeploymentMonitor } from '../../../src/core/deployments/monitor';
import type { PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { buildDashboard } from '../../../src/core/deployments/series';
import { dashboardSources } from '../../../src/core/present/deployments';
import { discoverCatalog } from '../../../src/core/registry/catalog';
import { findModelVersion } from '../../../src/core/registry/resolve';
import { isDashboardPanelState, isDashboardToHost, isHostToDashboard, type DashboardView } from '../../../src/shared/dashboardMessages';
import type { DashboardData, DeploymentStatus, FeatureDriftSeries } from '../../../src/shared/deployments';
import { allCsv, budgetsLine, chartCsv, decimate, driftCharts, exportName, formatTick, formatTime, formatValue, headerCards, isolatedRadii, layoutOf, mainCharts, roundTicks, sentences, SERIES_COLOURS, seriesStyle, tableOf, tickStep, topFeatures } from '../../../webview/dashboard/shape';
import { SAMPLES } from '../formats/helpers';

const latestOf = (values: readonly (number | null)[]): number | null => values.filter((v) => v !== null).pop() ?? null;

const T = Date.parse('2026-01-05T10:00:00Z');

const pred = (id: string, t: number, over: Partial<PredictionRecord> = {}): Timed<PredictionRecord> => ({
  t,
  record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '2', request_id: id, input_hash: '', inputs: { x: 1 }, output: { label: 1 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 5, variant: null, ...over },
});

function status(over: Partial<DeploymentStatus> = {}): DeploymentStatus {
  return {
    name: 'credit-risk-prod', state: 'breaching', reason: 'p95 62.0 ms > 50.0 ms budget', reasons: ['p95 62.0 ms > 50.0 ms budget', 'fallback 4.8 % ≥ 80 % of the 5 % budget'],
    checks: [
      { budget: 'latency_p95_ms', value: 62, limit: 50, status: 'breach', message: 'p95 62.0 ms > 50.0 ms budget' },
      { budget: 'fallback_rate', value: 0.048, limit: 0.05, status: 'near', message: 'fallback near budget' },
      { budget: 'drift_psi', value: 0.31, limit: 0.2, status: 'breach', message: 'income PSI 0.310 > 0.2' },
    ],
    modelVersion: '2', model: 'credit-risk', p95Ms: 62, errorRate: 0, fallbackRate: 0.048, lowConfidenceShare: 0.1, throughput: 12.5,
    drift: { feature: 'income', score: 0.31, statistic: 'psi' }, driftedFeatures: ['income'], quality: { metric: 'accuracy', value: 0.8, coverage: 0.3 }, checkedAt: new Date(T).toISOString(),
    ...over,
  };
}

const sources = { inference: true, metrics: false, predictions: true, feedback: true, baseline: true };

function viewOf(data: DashboardData | undefined, over: Partial<DashboardView> = {}): DashboardView {
  return { deploymentId: 'root|credit-risk-prod', name: 'credit-risk-prod', window: '15m', status: status(), ...(data ? { data } : {}), rollout: { kind: 'none', reason: 'no flag file' }, sources, ...over };
}

/** Log-based data over 30 s in 10 s buckets: traffic in the first and last bucket, none in the middle. */
function logData(): DashboardData {
  const predictions = [
    ...Array.from({ length: 20 }, (_, i) => pred(`a${i}`, T + i * 100, { latency_ms: i + 1, confidence: i < 5 ? 0.55 : 0.95, output: { label: i < 15 ? 1 : 0 } })),
    pred('f1', T + 2500, { path: 'fallback', reason: 'timeout', output: null, confidence: null, latency_ms: 100 }),
    pred('later', T + 25_000),
  ];
  return buildDashboard({ deployment: 'credit-risk-prod', start: T, end: T + 30_000, stepMs: 10_000, predictions, feedback: new Map(), budgets: { latency_p95_ms: 50, fallback_rate: 0.05 } });
}

function driftSeries(feature: string, status: 'drift' | 'stable', scores: (number | null)[]): FeatureDriftSeries {
  return { feature, method: 'wasserstein', scoreKind: 'distance', threshold: 0.1, scores, psi: scores.map((s) => (s === null ? null : s * 2)), window: { score: 0.2, psi: 0.4, status, explanation: `${feature}: median moved` } };
}

describe('dashboard charts from DashboardData', () => {
  test('latency has p50/p95/p99 with the p95 budget as a line; gaps stay null', () => {
    const data = logData();
    const charts = mainCharts(viewOf(data), data);
    assert.deepEqual(charts.map((c) => c.id), ['latency', 'throughput', 'errors', 'fallback', 'predictions', 'quality']);
    const lat = charts[0];
    assert.ok(lat);
    assert.deepEqual(lat.series.map((s) => s.label), ['p50', 'p95', 'p99']);
    assert.deepEqual(lat.limits, [{ label: 'p95 budget', value: 50 }]);
    assert.equal(lat.series[1]?.values[1], null, 'the empty middle bucket is a gap, not 0');
    assert.equal(lat.start, T);
    assert.equal(lat.end, T + 30_000);
    assert.match(lat.subtitle, /last p95 5\.00 ms · budget 50\.0 ms · from the prediction log/);
    assert.equal(lat.empty, undefined);
    const fb = charts[3];
    assert.deepEqual(fb?.limits, [{ label: 'fallback budget', value: 0.05 }]);
    assert.deepEqual(charts[4]?.series.map((s) => s.label), ['1', '0']);
  });

  test('empty states say what to configure or do', () => {
    const data = buildDashboard({ deployment: 'd', start: T, end: T + 30_000, stepMs: 10_000, predictions: [], feedback: new Map(), budgets: {} });
    const none = mainCharts(viewOf(data, { sources: { inference: false, metrics: false, predictions: false, feedback: false, baseline: false } }), data);
    assert.match(none[0]?.empty ?? '', /No latency source: give the deployment metrics: .* in mlship\.yaml/);
    assert.match(none[5]?.empty ?? '', /No feedback source: add feedback: \{ jsonl/);
    const idle = mainCharts(viewOf(data), data);
    assert.match(idle[1]?.empty ?? '', /No requests in this window yet/);
    assert.match(idle[5]?.empty ?? '', /No feedback yet\. Post outcomes to POST \/v2\/models\/<model>\/feedback/);
    // A feature's logs with no endpoint to replay against: the charts wait for the feature, they do not offer a replay.
    const logsOnly = mainCharts(viewOf(data, { sources: { inference: false, metrics: false, predictions: true, feedback: true, baseline: true } }), data);
    assert.match(logsOnly[1]?.empty ?? '', /^No predictions logged in this window yet\. They appear as the feature writes its prediction log/);
    assert.doesNotMatch(logsOnly[1]?.empty ?? '', /Replay/);
    assert.match(logsOnly[5]?.empty ?? '', /^No feedback yet\. It appears as outcomes are recorded in the feedback log/);
    const noDrift = driftCharts(viewOf(data, { sources: { ...sources, baseline: false } }), { ...data, driftNote: 'no baseline to compare with' });
    assert.equal(noDrift.overview, undefined);
    assert.match(noDrift.empty ?? '', /^No baseline to compare with\. No baseline for drift: give the deployment baseline:/);
  });

  test('a baseline from the lineage or drift.baseline counts as a baseline; the note and the advice read as one sentence each', async () => {
    // The sample workspace with a deployment that names no baseline: and no predictions:, and a workspace drift.baseline.
    const text = `${await readFile(join(SAMPLES, 'mlship.yaml'), 'utf8')}\ndrift: { baseline: data/holdout.tsv }\ndeployments:\n  - name: credit-risk-staging\n    model: credit-risk@champion\n`;
    const manifest = parseManifest(text).manifest;
    const config = manifest?.deployments?.[0];
    assert.ok(manifest && config);
    const catalog = await discoverCatalog(SAMPLES, { manifest });
    const drift = deploymentDriftSource(config, manifest.drift, findModelVersion([catalog], config.model ?? '', SAMPLES), SAMPLES);
    assert.ok('baseline' in drift, 'the lineage names the baseline');
    const staging = dashboardSources(config, drift, false);
    assert.equal(staging.baseline, true);
    assert.equal(dashboardSources(config, { unavailable: 'no baseline' }, false).baseline, false);
    // What the monitor says of drift without a prediction log, as the panel shows it.
    const unused: DriftScorer = { baseline: () => Promise.reject(new Error('unused')), score: () => Promise.reject(new Error('unused')), detail: () => Promise.reject(new Error('unused')) };
    const m = new DeploymentMonitor(config, { root: SAMPLES, drift: { scorer: unused, reason: 'reason' in drift ? drift.reason : '', mode: 'evidently' } });
    const data = await m.dashboard({ start: T, end: T + 30_000, stepMs: 10_000 });
    const shown = driftCharts(viewOf(data, { sources: staging }), data).empty ?? '';
    assert.doesNotMatch(shown, /No baseline for drift/);
    assert.doesNotMatch(shown, /\.\./);
    assert.match(shown, /^No prediction log is configured, so there are no inputs to compare with the baseline\. Give the deployment a prediction log \(predictions: /);
    await m.close();
    assert.equal(sentences('no baseline to compare with', 'Done.', 'Really?', ' '), 'No baseline to compare with. Done. Really?');
  });

  test('the quality and fallback subtitles give the whole window, not its latest bucket beside the window\'s count', () => {
    // Two whole buckets (4 right; 2 of 4 right), then the bucket the window ends in, 1 s old: one fallback answer, wrong.
    const predictions = [
      ...[0, 1, 2, 3].map((i) => pred(`a${i}`, T + i * 1000, { output: { label: 1 } })),
      ...[0, 1, 2, 3].map((i) => pred(`b${i}`, T + 10_000 + i * 1000, { output: { label: i % 2 } })),
      pred('c0', T + 20_200, { path: 'fallback', reason: 'timeout', output: { label: 0 }, confidence: null }),
    ];
    const fb = (id: string) => [id, { t: T + 20_500, record: { ts: '', request_id: id, feature: 'f', label: 1, source: 'review' as const, note: null } }] as const;
    const data = buildDashboard({ deployment: 'd', start: T + 21_000 - 900_000, end: T + 21_000, stepMs: 10_000, predictions, feedback: new Map(predictions.map((p) => fb(p.record.request_id))), budgets: { fallback_rate: 0.05 } });
    assert.equal(latestOf(data.quality.values), 0, 'the latest bucket alone reads 0 %');
    const charts = mainCharts(viewOf(data), data);
    assert.equal(charts.find((c) => c.id === 'quality')?.subtitle, 'accuracy 67 % (model 75 %, fallback 0 %) over 9 predictions with feedback in this window (100 % of predictions)');
    assert.equal(charts.find((c) => c.id === 'fallback')?.subtitle, 'fallback 11 % (budget 5.0 %) · low confidence 0 % in this window');
  });

  test('an unreachable deployment\'s empty charts say it is unreachable, not to send traffic', () => {
    const data = buildDashboard({ deployment: 'd', start: T, end: T + 30_000, stepMs: 10_000, predictions: [], feedback: new Map(), budgets: {} });
    const down = viewOf(data, { status: status({ state: 'unreachable', reason: 'connection refused at http://127.0.0.1:8081' }) });
    const charts = mainCharts(down, data);
    for (const id of ['latency', 'throughput', 'quality']) {
      const empty = charts.find((c) => c.id === id)?.empty ?? '';
      assert.match(empty, /^No requests in this window: credit-risk-prod is unreachable \(connection refused at http:\/\/127\.0\.0\.1:8081\)\. Traffic shows once it answers again/, id);
      assert.doesNotMatch(empty, /Replay|replay|Send traffic/, id);
    }
  });

  test('a stopped local deployment\'s budgets line says it is stopped, not that no budgets are set', () => {
    const gone = viewOf(undefined, { deploymentId: 'local:4242', status: status({ state: 'unknown', checks: [] }), gone: 'This local deployment is no longer running.' });
    assert.equal(budgetsLine(undefined, gone), 'Stopped: budgets are not checked while the local deployment is not running.');
    assert.equal(budgetsLine(undefined, { ...gone, deploymentId: 'root|credit-risk-prod' }), 'Not watched: budgets are not checked.');
    assert.match(budgetsLine(undefined, viewOf(undefined, { status: status({ checks: [] }) })), /^No budgets set/);
  });

  test('during a rollout, quality from feedback shows the model and the fallback apart', () => {
    // Two model answers (one right) and two fallback answers with the flag off (both wrong), all with feedback.
    const predictions = [
      pred('m1', T + 100, { output: { label: 1 } }),
      pred('m2', T + 200, { output: { label: 0 } }),
      pred('f1', T + 300, { path: 'fallback', reason: 'flag_off', output: { label: 0 }, confidence: null, variant: 'off' }),
      pred('f2', T + 400, { path: 'fallback', reason: 'flag_off', output: { label: 0 }, confidence: null, variant: 'off' }),
    ];
    const fb = (id: string) => [id, { t: T + 1000, record: { ts: '', request_id: id, feature: 'f', label: 1, source: 'review' as const, note: null } }] as const;
    const data = buildDashboard({ deployment: 'd', start: T, end: T + 10_000, stepMs: 10_000, predictions, feedback: new Map([fb('m1'), fb('m2'), fb('f1'), fb('f2')]), budgets: {} });
    assert.deepEqual([data.quality.values[0], data.quality.model?.[0], data.quality.fallback?.[0]], [0.25, 0.5, 0]);
    const quality = mainCharts(viewOf(data), data).find((c) => c.id === 'quality');
    assert.deepEqual(quality?.series.map((s) => s.label), ['model accuracy', 'fallback accuracy', 'feedback coverage']);
    assert.match(quality?.subtitle ?? '', /^accuracy 25 % \(model 50 %, fallback 0 %\)/);
    const card = headerCards(viewOf(data, { status: status({ quality: { metric: 'accuracy', value: 0.25, coverage: 1, model: 0.5, fallback: 0 } }) })).find((c) => c.label === 'Accuracy (feedback)');
    assert.equal(card?.value, 'model 50 % · fallback 0 %');
    // Feedback on the model's answers only: one line, as before.
    const modelOnly = buildDashboard({ deployment: 'd', start: T, end: T + 10_000, stepMs: 10_000, predictions, feedback: new Map([fb('m1')]), budgets: {} });
    assert.equal(modelOnly.quality.model, undefined);
    assert.deepEqual(mainCharts(viewOf(modelOnly), modelOnly).find((c) => c.id === 'quality')?.series.map((s) => s.label), ['accuracy', 'feedback coverage']);
  });

  test('drift: PSI per feature against the budget, then the drifted features first with their thresholds', () => {
    const data = logData();
    const drift: DashboardData['drift'] = {
      baseline: { name: 'applications 2025-10', rows: 1500, reason: 'the baseline of the deployment' },
      timestamps: [T, T + 20_000], stepMs: 20_000, records: [50, 50], minRecords: 50,
      features: [driftSeries('age', 'stable', [0.01, 0.02]), driftSeries('income', 'drift', [0.05, null]), { ...driftSeries('region', 'stable', [0.5, 0.6]), method: 'chisquare', scoreKind: 'p-value', threshold: 0.05 }],
      histograms: [], windowRecords: 100, mode: 'evidently', psiBudget: 0.2,
    };
    const d = driftCharts(viewOf(data), { ...data, drift });
    assert.deepEqual(d.overview?.series.map((s) => s.label), ['age', 'income', 'region']);
    assert.deepEqual(d.overview?.limits, [{ label: 'drift_psi budget', value: 0.2 }]);
    assert.deepEqual(d.features.map((f) => [f.title, f.flagged]), [['income', true], ['age', false], ['region', false]]);
    assert.equal(d.features[0]?.series[0]?.values[1], null);
    assert.deepEqual(d.features[0]?.limits, [{ label: 'threshold', value: 0.1 }]);
    assert.match(d.features[2]?.subtitle ?? '', /chisquare p-value 0\.200 · drift below 0\.05/);
    assert.equal(d.features[2]?.yMax, 1);
    assert.equal(d.features[0]?.xs, drift.timestamps, 'drift charts use the drift points');
    assert.equal(d.features[0]?.start, T, 'and the same window as the other charts');
    assert.deepEqual(topFeatures(drift.features, 1).map((f) => f.feature), ['income']);
  });

  test('layout: the most drifted features changing rebuilds only the drift section; a new window, the whole page', () => {
    const data = logData();
    const driftWith = (scores: Record<string, number>): DashboardData => ({
      ...data,
      drift: {
        baseline: { name: 'applications 2025-10', rows: 1500, reason: 'the baseline of the deployment' },
        timestamps: [T, T + 20_000], stepMs: 20_000, records: [50, 50], minRecords: 50,
        features: Object.entries(scores).map(([f, score]) => ({ ...driftSeries(f, score > 0.1 ? 'drift' : 'stable', [score, score]), window: { score, psi: score * 2, status: score > 0.1 ? 'drift' : 'stable', explanation: f } })),
        histograms: [], windowRecords: 100, mode: 'evidently', psiBudget: 0.2,
      },
    });
    const layout = (d: DashboardData, over: Partial<DashboardView> = {}) => {
      const v = viewOf(d, over);
      const drift = driftCharts(v, d);
      return layoutOf(v, [...mainCharts(v, d), ...(drift.overview ? [drift.overview] : []), ...drift.features], { intro: 'x', verdict: { id: 'drift-verdict' } });
    };
    const before = layout(driftWith({ debt_ratio: 0.5, income: 0.3, age: 0.09, late_payments: 0.08, credit_lines: 0.07 }));
    // The drift engine lists the features most drifted first: credit_lines overtakes late_payments.
    const swapped = layout(driftWith({ debt_ratio: 0.5, income: 0.3, age: 0.09, credit_lines: 0.08, late_payments: 0.07 }));
    assert.equal(swapped.main, before.main, 'the traffic and quality charts stay');
    assert.notEqual(swapped.drift, before.drift, 'the fourth most drifted feature changed: the drift section is built again');
    assert.deepEqual(layout(driftWith({ debt_ratio: 0.6, income: 0.2, age: 0.09, late_payments: 0.08, credit_lines: 0.07 })), before, 'new scores only: updated in place');
    assert.notEqual(layout(driftWith({ debt_ratio: 0.5 }), { window: '1h' }).main, before.main);
  });

  test('header cards carry values against budgets, tones, drifted features and the rollout', () => {
    const cards = headerCards(viewOf(logData(), { rollout: { kind: 'linked', flagKey: 'credit-risk', file: 'flags/flags.flagd.json', percent: 25, effectivePercent: 25, killSwitch: false } }));
    const card = (label: string) => cards.find((c) => c.label === label);
    assert.deepEqual(card('p95 latency'), { label: 'p95 latency', value: '62.0 ms / 50.0 ms', tone: 'error', title: 'p95 62.0 ms > 50.0 ms budget' });
    assert.equal(card('Fallback')?.tone, 'warning');
    assert.equal(card('Drift')?.value, 'income PSI 0.310 / 0.2');
    assert.equal(card('Drift')?.title, 'Drifted: income');
    assert.equal(card('Accuracy (feedback)')?.value, '80 % · 30 % with feedback');
    assert.equal(card('Model')?.value, 'credit-risk · version 2');
    // The version reads as in the deployment's Model row whatever the server reported; a name that is no number as it is.
    const modelCard = (over: Partial<DeploymentStatus>) => headerCards(viewOf(undefined, { status: status(over) })).find((c) => c.label === 'Model')?.value;
    assert.equal(modelCard({ model: 'models:/credit-risk@champion', modelVersion: 'v3' }), 'credit-risk@champion · version 3');
    assert.equal(modelCard({ model: undefined, modelVersion: 'churn-gbt.onnx' }), 'churn-gbt.onnx');
    assert.equal(modelCard({ model: undefined, modelVersion: undefined }), 'unknown');
    assert.equal(card('Rollout')?.value, 'credit-risk: 25 %');
    const killed = headerCards(viewOf(undefined, { rollout: { kind: 'linked', flagKey: 'x', file: 'f', percent: 40, effectivePercent: 0, killSwitch: true } }));
    assert.equal(killed.find((c) => c.label === 'Rollout')?.value, 'x: off (kill switch; 40 % when on)');
    assert.equal(budgetsLine(logData(), viewOf(undefined)), 'Budgets: p95 50.0 ms · fallback 5.0 %');
    assert.match(budgetsLine({ ...logData(), budgets: {} }, viewOf(undefined)), /^No budgets set/);
  });
});

describe('min/max decimation', () => {
  test('keeps each group\'s min and max in time order, so a spike survives', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((i) => (i === 537 ? 100 : i % 7));
    const pts = decimate(xs, ys, 100);
    assert.ok(pts.length <= 100, String(pts.length));
    assert.ok(pts.some((p) => p.y === 100 && p.x === 537));
    for (let i = 1; i < pts.length; i++) assert.ok((pts[i]?.x ?? 0) > (pts[i - 1]?.x ?? 0), 'time order');
  });

  test('a group without data is one null point (a gap stays a gap); short series pass through', () => {
    const xs = Array.from({ length: 400 }, (_, i) => i * 10);
    const ys = xs.map((_, i) => (i >= 100 && i < 200 ? null : 1));
    const pts = decimate(xs, ys, 40);
    assert.ok(pts.some((p) => p.y === null));
    assert.ok(pts.filter((p) => p.x >= 1000 && p.x < 2000).every((p) => p.y === null));
    assert.deepEqual(decimate([1, 2, 3], [1, null, 3], 100), [{ x: 1, y: 1 }, { x: 2, y: null }, { x: 3, y: 3 }]);
  });

  test('8,640 points become at most the budget per series, the extremes kept', () => {
    const xs = Array.from({ length: 8640 }, (_, i) => T + i * 10_000);
    const ys = xs.map((_, i) => Math.sin(i / 50));
    const pts = decimate(xs, ys, 1200);
    assert.ok(pts.length <= 1200 && pts.length >= 1000, String(pts.length));
    assert.equal(Math.max(...pts.map((p) => p.y ?? -2)), Math.max(...ys));
  });
});

describe('tables, CSV and formatting', () => {
  test('a chart\'s table lists buckets with data, newest first, formatted in its unit', () => {
    const data = logData();
    const lat = mainCharts(viewOf(data), data)[0];
    assert.ok(lat);
    const t = tableOf(lat);
    assert.deepEqual(t.columns, ['Time', 'p50', 'p95', 'p99']);
    assert.equal(t.total, 2, 'the empty bucket is not a row');
    assert.equal(t.rows[0]?.[0], formatTime(T + 20_000, 30_000));
    assert.equal(tableOf(lat, 1).rows.length, 1);
  });

  test('CSV: ISO times, raw numbers, empty cells for gaps, quoted labels; all charts in long format', () => {
    const data = logData();
    const charts = mainCharts(viewOf(data), data);
    const csv = chartCsv(charts[0] as (typeof charts)[number]).trim().split('\n');
    assert.equal(csv[0], 'time,p50,p95,p99,p95 budget');
    assert.equal(csv[1]?.split(',')[0], new Date(T).toISOString());
    assert.equal(csv[2], `${new Date(T + 10_000).toISOString()},,,,50`);
    const all = allCsv(charts).trim().split('\n');
    assert.equal(all[0], 'chart,series,time,value');
    assert.ok(all.includes(`Latency,p95,${new Date(T + 10_000).toISOString()},`));
    const quoted = chartCsv({ ...(charts[0] as (typeof charts)[number]), series: [{ label: 'a,"b"', values: [1, null, 2] }], limits: [] });
    assert.equal(quoted.split('\n')[0], 'time,"a,""b"""');
  });

  test('values and names', () => {
    assert.equal(formatValue('ms', 62.04), '62.0 ms');
    assert.equal(formatValue('share', 0.048), '4.8 %');
    assert.equal(formatValue('p-value', 0.0001), '1.0e-4');
    assert.equal(formatValue('rps', null), '–');
    assert.equal(exportName('credit-risk 2 (local)', 'Accuracy from feedback', '1h', 'csv'), 'credit-risk-2-local-Accuracy-from-feedback-1h.csv');
  });
});

describe('dashboard messages', () => {
  test('valid messages pass both ways; malformed ones do not', () => {
    const view = viewOf(logData());
    assert.ok(isHostToDashboard({ type: 'show', view, paused: false }));
    assert.ok(!isHostToDashboard({ type: 'show', view: { ...view, window: '2d' }, paused: false }));
    assert.ok(!isHostToDashboard({ type: 'show', view: { ...view, data: { ...view.data, timestamps: 'x' } }, paused: false }));
    assert.ok(isDashboardToHost({ type: 'window', window: '24h' }));
    assert.ok(isDashboardToHost({ type: 'export', file: { format: 'png', name: 'a.png', base64: 'iVBORw0KGgo=' } }));
    assert.ok(!isDashboardToHost({ type: 'export', file: { format: 'png', name: 'a.png', base64: '<script>' } }));
    assert.ok(!isDashboardToHost({ type: 'export', file: { format: 'csv', name: '', text: 'x' } }));
    assert.ok(isDashboardToHost({ type: 'timing', phase: 'update', ms: 3.2, points: 51840 }));
    assert.ok(!isDashboardToHost({ type: 'timing', phase: 'update', ms: Number.NaN, points: 1 }));
    assert.ok(isDashboardPanelState({ deploymentId: 'a', name: 'a', window: '1h', paused: true }));
    assert.ok(!isDashboardPanelState({ deploymentId: 'a', name: 'a', window: '1h' }));
  });
});

describe('axis and points', () => {
  test('round tick steps for each window; seconds only under a minute', () => {
    assert.equal(tickStep(15 * 60_000), 120_000);
    assert.equal(tickStep(60 * 60_000), 600_000);
    assert.equal(tickStep(6 * 3_600_000), 3_600_000);
    assert.equal(tickStep(24 * 3_600_000), 10_800_000);
    assert.match(formatTick(T, 30_000), /^\d\d:\d\d:\d\d$/);
    assert.match(formatTick(T, 120_000), /^\d\d:\d\d$/);
  });

  test('a value between two gaps gets a dot, others none', () => {
    assert.deepEqual(isolatedRadii([{ x: 0, y: null }, { x: 1, y: 5 }, { x: 2, y: null }, { x: 3, y: 1 }, { x: 4, y: 2 }]), [0, 2.5, 0, 0, 0]);
    assert.deepEqual(isolatedRadii([{ x: 0, y: 3 }]), [2.5]);
  });
});

describe('series styles', () => {
  test('the 8 series of the PSI chart are told apart: five colours that differ in every theme, then dotted; the legend has a swatch for each', async () => {
    const styles = Array.from({ length: 8 }, (_, i) => seriesStyle(i));
    assert.equal(new Set(styles.map((x) => `${x.slot}/${x.dotted}`)).size, 8);
    assert.deepEqual(styles.slice(SERIES_COLOURS).map((x) => x.dotted), [true, true, true]);
    assert.ok(styles.slice(0, SERIES_COLOURS).every((x) => !x.dotted));
    const css = await readFile(join(__dirname, '..', '..', '..', 'media', 'dashboard.css'), 'utf8');
    for (let slot = 0; slot < SERIES_COLOURS; slot++) assert.match(css, new RegExp(`\\.swatch\\.s${slot} \\{ color: var\\(--vscode-charts-`), `swatch s${slot}`);
    assert.match(css, /\.swatch\.dotted \{ background: repeating-linear-gradient/);
    // Not yellow, close to orange in light themes.
    assert.doesNotMatch(css, /\.swatch\.s\d \{ color: var\(--vscode-charts-yellow/);
  });
});

describe('round ticks', () => {
  test('ticks fall on whole steps of local time inside the window', () => {
    const start = T + 37_000;
    const ticks = roundTicks(start, start + 15 * 60_000, 120_000);
    assert.equal(ticks.length, 7);
    for (const t of ticks) {
      const d = new Date(t);
      assert.equal(d.getSeconds(), 0);
      assert.equal(d.getMinutes() % 2, 0);
      assert.ok(t >= start && t <= start + 15 * 60_000);
    }
  });
});
