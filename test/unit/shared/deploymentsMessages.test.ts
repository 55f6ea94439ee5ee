// The live drift worker's messages and the dashboard's drift data are validated on receipt: real ones (from the
// engine on the sample snapshots) pass, tampered ones do not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { driftSeries, planDriftWindows } from '../../../src/core/deployments/driftSeries';
import { columnsOf, recordsOf } from '../../../src/core/deployments/inputColumns';
import { openLiveDrift } from '../../../src/core/deployments/liveDrift';
import type { PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { buildDashboard } from '../../../src/core/deployments/series';
import { readSnapshotRows } from '../../../src/core/formats/tabular';
import { isDashboardData, isWindowDetail, isWindowScore } from '../../../src/shared/deployments';
import { isLiveDriftRequest, isLiveDriftResponse } from '../../../src/shared/driftWorker';
import { SAMPLES } from '../formats/helpers';

describe('live drift contracts', () => {
  test('scores, details and a whole dashboard from the engine pass; tampered ones do not', async () => {
    const { live } = await openLiveDrift(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`);
    const rows = (await readSnapshotRows(`${SAMPLES}/data/credit-risk/applications-2025-11.parquet`, 'parquet', 800)).map(({ income, debt_ratio, region }) => ({ income, debt_ratio, region }));
    const score = live.score(rows);
    const detail = live.detail(rows, 4);
    assert.ok(isWindowScore(JSON.parse(JSON.stringify(score))));
    assert.ok(isWindowDetail(JSON.parse(JSON.stringify(detail))));
    assert.ok(score && detail);
    assert.ok(!isWindowScore({ ...score, features: [{ ...score.features[0], score: '0.3' }] }));
    assert.ok(!isWindowScore({ ...score, features: [{ ...score.features[0], method: 'vibes' }] }));
    assert.ok(!isWindowDetail({ ...detail, histograms: [{ ...detail.histograms[0], chart: { kind: 'histogram', baseline: [1], current: [1] } }] }));
    assert.ok(isLiveDriftResponse({ type: 'live-scores', seq: 3, scores: [score, null] }));
    assert.ok(isLiveDriftResponse({ type: 'live-detail', seq: 4, detail }));
    assert.ok(!isLiveDriftResponse({ type: 'live-scores', scores: [score] }), 'no seq');
    assert.ok(!isLiveDriftResponse({ type: 'live-opened', seq: 1, baseline: { name: 'x' }, cached: false }));
    assert.ok(isLiveDriftRequest({ type: 'live-score', seq: 1, id: 'prod', windows: [columnsOf(rows)] }));
    assert.ok(!isLiveDriftRequest({ type: 'live-score', seq: 1, id: 'prod', windows: [rows] }), 'records, not columns');
    assert.ok(!isLiveDriftRequest({ type: 'live-open', seq: 1, id: 'prod' }), 'no baseline');

    const T = Date.parse('2026-01-05T10:00:00Z');
    const records: Timed<PredictionRecord>[] = rows.map((inputs, i) => ({ t: T + i * 100, record: { ts: new Date(T + i * 100).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${i}`, input_hash: '', inputs, output: { label: 0 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 2, variant: null } }));
    const plan = planDriftWindows(records, T, T + 120_000, { stepMs: 30_000, minRecords: 200 });
    const scores = plan.windows.map((w) => (w?.inputs ? live.score(recordsOf(w.inputs)) : null));
    const drift = driftSeries({ plan, scores, detail: plan.all?.inputs ? live.detail(recordsOf(plan.all.inputs), 4) : null, baseline: { name: 'oct', rows: 2000, reason: 'test' }, mode: 'evidently', minRecords: 200, psiBudget: 0.2 });
    const data = buildDashboard({ deployment: 'prod', start: T, end: T + 120_000, stepMs: 10_000, predictions: records, feedback: new Map(), budgets: { drift_psi: 0.2 }, drift });
    assert.ok(isDashboardData(JSON.parse(JSON.stringify(data))));
    assert.ok(drift.features.length === 3 && drift.histograms.length === 3);
    assert.ok(!isDashboardData({ ...data, drift: { ...drift, features: [{ ...drift.features[0], scores: [0.1] }] } }), 'a series not aligned with the drift points');
    assert.ok(!isDashboardData({ ...data, drift: { ...drift, mode: 'strict' } }));
  });
});
