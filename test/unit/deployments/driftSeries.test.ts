// Drift over time on exact inputs: which windows of logged inputs are compared (aligned buckets, widened back to
// minRecords, gaps where nothing was logged or too little), and the per-feature series built from their scores.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftSeries, niceStep, planDriftWindows, withInputs } from '../../../src/core/deployments/driftSeries';
import { columnsOf, recordsOf } from '../../../src/core/deployments/inputColumns';
import type { PredictionRecord, Timed } from '../../../src/core/deployments/records';
import type { WindowDetail, WindowScore } from '../../../src/shared/deployments';

const T = Date.parse('2026-01-05T10:00:00Z');
const rec = (t: number, x: number | undefined): Timed<PredictionRecord> => ({
  t,
  record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${t}`, input_hash: '', ...(x === undefined ? {} : { inputs: { x } }), output: { label: 1 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 5, variant: null },
});
/** `n` records evenly spread over [from, from + spanMs). */
const spread = (from: number, spanMs: number, n: number): Timed<PredictionRecord>[] => Array.from({ length: n }, (_, i) => rec(from + Math.floor((i * spanMs) / n), i));

const score = (records: number, x: number, psi: number, drifted = x >= 0.1): WindowScore => ({
  records,
  compared: records,
  features: [{ feature: 'x', method: 'wasserstein', scoreKind: 'distance', score: x, threshold: 0.1, drifted, psi }],
});

describe('planDriftWindows', () => {
  it('aligns drift points to their step, at most DRIFT_POINTS of them', () => {
    assert.equal(niceStep(1), 1000);
    assert.equal(niceStep(25_000), 30_000);
    assert.equal(niceStep(3 * 86_400_000 + 1), 4 * 86_400_000);
    const plan = planDriftWindows([], T + 7_000, T + 3600_000 + 7_000);
    assert.equal(plan.stepMs, 30_000, 'one hour in 120 points of 30 s');
    assert.equal(plan.timestamps[0], T);
    assert.ok(plan.timestamps.every((t) => t % 30_000 === 0));
    assert.equal(plan.timestamps.length, 121);
    assert.ok(plan.windows.every((w) => w === null), 'no logged inputs: all gaps');
    assert.equal(plan.all, null);
    assert.equal(plan.inWindow, 0);
  });

  it('widens a bucket with too few inputs back to the last minRecords, leaves empty buckets and short history as gaps', () => {
    // 0–60 s: 50 records; 60–120 s: 10; 120–180 s: nothing; 180–240 s: 120.
    const records = [...spread(T, 60_000, 50), ...spread(T + 60_000, 60_000, 10), ...spread(T + 180_000, 60_000, 120)];
    const plan = planDriftWindows(records, T, T + 240_000, { stepMs: 60_000, minRecords: 40, lookbackMs: 3600_000 });
    assert.deepEqual(plan.timestamps, [T, T + 60_000, T + 120_000, T + 180_000]);
    assert.equal(plan.windows[0]?.records, 50);
    assert.equal(plan.windows[1]?.records, 40, 'widened back into the previous bucket');
    assert.equal(plan.windows[1]?.inputs?.rows, 40);
    assert.deepEqual(recordsOf(plan.windows[1]?.inputs ?? columnsOf([])).slice(-10), records.slice(50, 60).map((r) => r.record.inputs));
    assert.equal(plan.windows[2], null, 'nothing logged: a gap, not a zero');
    assert.equal(plan.windows[3]?.records, 120);
    assert.equal(plan.short, 0);
    assert.equal(plan.all?.records, 180);
    assert.equal(plan.inWindow, 180);
    // The same records always make the same key, so a window is scored once.
    const again = planDriftWindows(records, T, T + 240_000, { stepMs: 60_000, minRecords: 40, lookbackMs: 3600_000 });
    assert.deepEqual(again.windows.map((w) => w?.key), plan.windows.map((w) => w?.key));
    // A lookback too short to find 40: the bucket is a gap and counted as short.
    const short = planDriftWindows(records, T, T + 240_000, { stepMs: 60_000, minRecords: 40, lookbackMs: 60_000 });
    assert.equal(short.windows[1], null);
    assert.equal(short.short, 1);
    // Too few in the whole window: no detail comparison.
    assert.equal(planDriftWindows(records.slice(0, 30), T, T + 240_000, { stepMs: 60_000, minRecords: 40 }).all, null);
  });

  it('compares only records that logged their inputs', () => {
    const records = [rec(T, 1), rec(T + 1, undefined), { ...rec(T + 2, 0), record: { ...rec(T + 2, 0).record, inputs: {} } }, rec(T + 3, 4)];
    assert.deepEqual(withInputs(records).map((r) => r.t), [T, T + 3]);
  });

  it('samples a long window evenly before it crosses to the scorer', () => {
    const plan = planDriftWindows(spread(T, 60_000, 5000), T, T + 60_000, { stepMs: 60_000, minRecords: 100 });
    assert.equal(plan.windows[0]?.records, 5000);
    assert.equal(plan.windows[0]?.inputs?.rows, 2000);
  });
});

describe('driftSeries', () => {
  const records = [...spread(T, 60_000, 50), ...spread(T + 180_000, 60_000, 60)];
  const plan = planDriftWindows(records, T, T + 240_000, { stepMs: 60_000, minRecords: 40 });
  const baseline = { name: 'train.parquet', rows: 2000, reason: 'training data of m 1' };

  it('builds per-feature series with gaps as null, the window verdict and explanation, histograms from the detail', () => {
    const detail: WindowDetail = {
      records: 110,
      compared: 110,
      features: [
        { feature: 'x', method: 'wasserstein', scoreKind: 'distance', score: 0.3, threshold: 0.1, drifted: true, psi: 0.4 },
        { feature: 'region', method: 'jensenshannon', scoreKind: 'distance', score: 0.02, threshold: 0.1, drifted: false, psi: 0.01 },
      ],
      explanations: { x: 'x: median 1 → 2 (+100 %)', region: "region: 'north' 30 % → 31 %" },
      histograms: [{ feature: 'x', status: 'drift', method: 'wasserstein', scoreKind: 'distance', score: 0.3, threshold: 0.1, explanation: 'x: median 1 → 2 (+100 %)', chart: { kind: 'histogram', edges: [0, 1, 2], baseline: [0.5, 0.5], current: [0.2, 0.8] } }],
    };
    const scores = plan.windows.map((w, i) => (w ? score(w.records, i === 0 ? 0.05 : 0.3, i === 0 ? 0.02 : 0.5) : null));
    const d = driftSeries({ plan, scores, detail, baseline, mode: 'evidently', minRecords: 40, psiBudget: 0.2 });
    assert.deepEqual(d.timestamps, plan.timestamps);
    assert.deepEqual(d.records, [50, null, null, 60]);
    assert.deepEqual(d.features.map((f) => f.feature), ['x', 'region'], 'the window\'s order: drifted first');
    const x = d.features[0];
    assert.deepEqual(x?.scores, [0.05, null, null, 0.3]);
    assert.deepEqual(x?.psi, [0.02, null, null, 0.5]);
    assert.deepEqual(x?.window, { score: 0.3, psi: 0.4, status: 'drift', explanation: 'x: median 1 → 2 (+100 %)' });
    assert.deepEqual(d.features[1]?.scores, [null, null, null, null], 'a feature only in the detail has an empty series');
    assert.equal(d.histograms.length, 1);
    assert.equal(d.psiBudget, 0.2);
    assert.equal(d.windowRecords, 110);
    assert.equal(d.note, undefined);
  });

  it('says why the chart is empty', () => {
    const empty = planDriftWindows([], T, T + 240_000, { stepMs: 60_000 });
    assert.equal(driftSeries({ plan: empty, scores: empty.windows.map(() => null), detail: null, baseline, mode: 'evidently', minRecords: 500 }).note, 'No prediction in this window logged its inputs.');
    const few = planDriftWindows(records.slice(0, 20), T, T + 240_000, { stepMs: 60_000, minRecords: 500 });
    assert.match(driftSeries({ plan: few, scores: few.windows.map(() => null), detail: null, baseline, mode: 'evidently', minRecords: 500 }).note ?? '', /^Too few logged inputs to compare yet: 20 in this window, and each drift point needs 500\.$/);
    assert.equal(driftSeries({ plan, scores: plan.windows.map(() => null), detail: null, baseline, mode: 'evidently', minRecords: 40 }).note, 'The logged inputs share no column with the baseline.');
  });

  it('orders features by how far past the threshold they went without a detail (p-values by their log)', () => {
    const scores: (WindowScore | null)[] = plan.windows.map((w) =>
      w
        ? {
            records: w.records,
            compared: w.records,
            features: [
              { feature: 'a', method: 'ks', scoreKind: 'p-value', score: 0.2, threshold: 0.05, drifted: false, psi: 0.01 },
              { feature: 'b', method: 'ks', scoreKind: 'p-value', score: 1e-6, threshold: 0.05, drifted: true, psi: 0.3 },
              { feature: 'c', method: 'wasserstein', scoreKind: 'distance', score: 0.15, threshold: 0.1, drifted: true, psi: 0.1 },
            ],
          }
        : null,
    );
    const d = driftSeries({ plan, scores, detail: null, baseline, mode: 'evidently', minRecords: 40 });
    assert.deepEqual(d.features.map((f) => f.feature), ['b', 'c', 'a']);
    assert.equal(d.features[0]?.scoreKind, 'p-value');
  });
});
