// Deployments in words: the view's rows, `mlship status` text and the text dashboard, from fixed statuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessHealth } from '../../../src/core/deployments/health';
import { buildDashboard } from '../../../src/core/deployments/series';
import { dashboardText, deploymentDetails, deploymentRow, deploymentRowChange, deploymentRowTraits, statusBarSummary, statusFacts, statusReport } from '../../../src/core/present/deployments';
import { deploymentRowKind } from '../../../src/core/present/rowKinds';
import type { DeploymentStatus } from '../../../src/shared/deployments';

function status(over: Partial<DeploymentStatus> & Pick<DeploymentStatus, 'name'>): DeploymentStatus {
  const p95 = over.p95Ms ?? null;
  const h = assessHealth({ reachable: { ok: true }, p95Ms: p95, drift: over.drift ?? null, fallbackRate: over.fallbackRate ?? null, errorRate: 0, sourceProblems: [], budgets: { latency_p95_ms: 50, fallback_rate: 0.05 } });
  return { state: h.state, reason: h.reason, reasons: h.reasons, checks: h.checks, p95Ms: p95, errorRate: 0, fallbackRate: null, lowConfidenceShare: 0.1, throughput: 12.5, drift: null, driftNote: 'drift engine not connected', quality: { metric: 'accuracy', value: 0.91, coverage: 0.3 }, checkedAt: '2026-01-05T10:00:00.000Z', modelVersion: '2', model: 'models:/credit-risk@champion', url: 'http://127.0.0.1:8081', ...over };
}

describe('deployment presentation', () => {
  it("row menus: a baseline found by the drift rule counts, not only the deployment's own baseline:", () => {
    const lineage = { baseline: '/ws/data/credit-risk/applications-2025-10.parquet', reason: 'training data of credit-risk version 2 (@champion)', mode: 'evidently' as const };
    const inference = { url: 'http://127.0.0.1:8081', model: 'credit-risk' };
    assert.deepEqual(deploymentRowTraits({ inference }, lineage, false), { local: false, inference: true, baseline: true });
    assert.equal(deploymentRowKind(deploymentRowTraits({ inference }, lineage, false)), 'mlship.deployment.configured.inference.baseline');
    assert.deepEqual(deploymentRowTraits({}, { unavailable: 'no baseline' }, true), { local: true, inference: false, baseline: false });
  });

  it('status bar: the worst state does not hide the other states that are not healthy', () => {
    const st = (name: string, state: DeploymentStatus['state'], reason = 'why'): Pick<DeploymentStatus, 'name' | 'state' | 'reason'> => ({ name, state, reason });
    assert.equal(statusBarSummary([]), undefined);
    const two = statusBarSummary([st('a', 'healthy'), st('prod', 'breaching', 'p95 62.1 ms > 50.0 ms budget'), st('staging', 'unreachable', 'Connection refused')]);
    assert.equal(two?.worst, 'breaching');
    assert.equal(two?.text, '$(error) 1 breaching budget, 1 unreachable');
    assert.equal(two?.counts, '1 breaching budget · 1 unreachable · 1 healthy');
    assert.deepEqual(two?.lines, ['prod: Breaching budget — p95 62.1 ms > 50.0 ms budget', 'staging: Unreachable — Connection refused', 'a: Healthy — why']);
    assert.equal(two?.label, 'MLShip deployments: 1 breaching budget, 1 unreachable, 1 healthy');
    const many = statusBarSummary([st('a', 'unknown'), st('b', 'degraded'), st('c', 'degraded'), st('d', 'unreachable'), st('e', 'unreachable'), st('f', 'healthy')]);
    assert.equal(many?.text, '$(warning) 2 unreachable, 2 degraded, +1 more', 'two states in the text, the rest counted');
    assert.equal(many?.counts, '2 unreachable · 2 degraded · 1 unknown · 1 healthy');
    assert.equal(statusBarSummary([st('a', 'healthy'), st('b', 'healthy')])?.text, '$(pass) 2 healthy');
    assert.equal(statusBarSummary([st('a', 'unknown'), st('b', 'healthy')])?.text, '$(circle-outline) 1 unknown');
  });

  it('describes a deployment in the view: health, model, p95 vs budget, drift, fallback, traffic, accuracy', () => {
    const rows = deploymentDetails(status({ name: 'prod', p95Ms: 62.1, fallbackRate: 0.01 }));
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]));
    assert.equal(byLabel.Health?.description, 'Breaching budget — p95 62.1 ms > 50.0 ms budget');
    assert.equal(byLabel.Health?.icon, 'error');
    assert.equal(byLabel.Model?.description, 'models:/credit-risk@champion · version 2');
    assert.equal(byLabel.Latency?.description, 'p95 62.1 ms / 50.0 ms');
    assert.equal(byLabel.Latency?.icon, 'error');
    assert.equal(byLabel.Drift?.description, 'drift engine not connected');
    assert.equal(byLabel['Fallback rate']?.description, '1.0 % / 5.0 %');
    assert.equal(byLabel.Accuracy?.description, '91 % (feedback on 30 % of predictions)');
    const split = deploymentDetails(status({ name: 'prod', quality: { metric: 'accuracy', value: 0.75, coverage: 0.3, model: 0.9, fallback: 0.6 } }));
    assert.equal(split.find((r) => r.label === 'Accuracy')?.description, '75 % (feedback on 30 % of predictions; model 90 % · fallback 60 %)');
    assert.equal(byLabel.Endpoint?.description, 'http://127.0.0.1:8081');
    assert.equal(statusFacts(status({ name: 'x', p95Ms: 12 })), 'v2 · p95 12.0 ms / 50.0 ms · fallback – / 5.0 % · 13 req/s');
    // A served standalone file reports its file name as its version: shown as it is, not as `vchurn-gbt.onnx`.
    assert.match(statusFacts(status({ name: 'x', p95Ms: 12, modelVersion: 'churn-gbt.onnx' })), /^churn-gbt\.onnx · p95/);
    // The details, the status report and the dashboard name a reported version as the catalog does: `version 2` for
    // v2, a file name as it is (not `version churn-gbt.onnx`).
    assert.equal(deploymentDetails(status({ name: 'x', model: 'credit-risk', modelVersion: 'v2' })).find((r) => r.label === 'Model')?.description, 'credit-risk · version 2');
    assert.equal(deploymentDetails(status({ name: 'x', model: 'churn-gbt', modelVersion: 'churn-gbt.onnx' })).find((r) => r.label === 'Model')?.description, 'churn-gbt · churn-gbt.onnx');
    assert.match(statusReport([status({ name: 'x', model: 'churn-gbt', modelVersion: 'churn-gbt.onnx' })]), /model churn-gbt \(churn-gbt\.onnx\)/);
  });

  it('prints mlship status with the reason and the facts of each deployment', () => {
    const text = statusReport([status({ name: 'prod', p95Ms: 62.1 }), status({ name: 'canary-eu', p95Ms: 10 })]);
    assert.equal(text.split('\n')[0], 'prod       Breaching budget — p95 62.1 ms > 50.0 ms budget');
    assert.match(text, /model models:\/credit-risk@champion \(version 2\) · p95 62\.1 ms \/ 50\.0 ms · fallback – \/ 5\.0 % · drift: drift engine not connected · errors 0 % · 12\.5 req\/s · accuracy 91 % \(feedback on 30 % of predictions\)/);
    assert.match(text, /canary-eu {2}Healthy — p95 10\.0 ms within 50\.0 ms budget/);
    assert.match(statusReport([]), /No deployments in mlship.yaml/);
  });

  it('summarises the dashboard as text: gaps as dashes, drift per feature with its verdict, PSI and explanation', () => {
    const base = { deployment: 'prod', start: 0, end: 60_000, stepMs: 10_000, predictions: [], feedback: new Map(), budgets: { latency_p95_ms: 50 } };
    const none = dashboardText(status({ name: 'prod', p95Ms: 10 }), buildDashboard({ ...base, driftNote: 'no baseline: set baseline: on the deployment' }));
    assert.match(none, /^# prod\n\nHealthy — /);
    assert.match(none, /latency p50 \/ p95 \/ p99: – \/ – \/ – \(budget 50\.0 ms\); p95 range no data over 0 points/);
    assert.match(none, /accuracy from feedback: – \(0 predictions with feedback/);
    // The window's accuracy beside the window's count: 3 of 4 right over the minute, the latest bucket's one answer wrong.
    const pred = (id: string, t: number, label: number) => ({ t, record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: id, input_hash: '', output: { label }, confidence: 0.9, path: 'model' as const, reason: null, latency_ms: 5, variant: null } });
    const predictions = [pred('a', 1000, 1), pred('b', 11_000, 1), pred('c', 21_000, 1), pred('d', 55_000, 0)];
    const feedback = new Map(predictions.map((p) => [p.record.request_id, { t: 56_000, record: { ts: '', request_id: p.record.request_id, feature: 'f', label: 1, source: 'review' as const, note: null } }]));
    assert.match(dashboardText(status({ name: 'prod' }), buildDashboard({ ...base, predictions, feedback })), /accuracy from feedback: 0\.750 \(4 predictions with feedback in the window; coverage 100 %\)/);
    assert.match(none, /- drift: no baseline: set baseline: on the deployment/);
    const text = dashboardText(
      status({ name: 'prod', p95Ms: 10 }),
      buildDashboard({
        ...base,
        drift: {
          baseline: { name: 'applications-2025-10.parquet', rows: 2000, reason: 'training data of credit-risk 2' },
          timestamps: [0],
          stepMs: 60_000,
          records: [600],
          minRecords: 500,
          features: [
            { feature: 'debt_ratio', method: 'wasserstein', scoreKind: 'distance', threshold: 0.1, scores: [0.57], psi: [0.41], window: { score: 0.574, psi: 0.412, status: 'drift', explanation: 'debt_ratio: median 0.267 → 0.375 (+40 %)' } },
            { feature: 'age', method: 'ks', scoreKind: 'p-value', threshold: 0.05, scores: [null], psi: [null] },
          ],
          histograms: [],
          windowRecords: 600,
          mode: 'evidently',
          psiBudget: 0.2,
        },
      }),
    );
    assert.match(text, /- drift against applications-2025-10\.parquet \(2,000 rows; training data of credit-risk 2\), 600 logged inputs in this window\n/);
    assert.match(text, / {2}- debt_ratio: DRIFT wasserstein 0\.574 \(drift at or above 0\.1\) · PSI 0\.412 \/ 0\.2 — debt_ratio: median 0\.267 → 0\.375 \(\+40 %\)\n/);
    assert.match(text, / {2}- age: ks – \(drift below 0\.05\) · PSI – \/ 0\.2\n/);
  });

  it("shows a deployment's row: state and facts, the icon of its state, every reason in the tooltip", () => {
    const row = deploymentRow(status({ name: 'prod_eu', p95Ms: 62.1, fallbackRate: 0.01 }), 'mlship.deployment.configured.inference');
    assert.equal(row.label, 'prod_eu');
    assert.equal(row.description, 'Breaching budget · v2 · p95 62.1 ms / 50.0 ms · fallback 1.0 % / 5.0 % · 13 req/s');
    assert.equal(row.icon, 'error');
    assert.equal(row.color, 'list.errorForeground');
    assert.equal(row.contextValue, 'mlship.deployment.configured.inference');
    // Markdown: the name is not emphasis, the reason and the endpoint are plain text.
    assert.equal(row.tooltip, '**prod\\_eu** — Breaching budget\n\n• p95 62\\.1 ms \\> 50\\.0 ms budget  \nv2 · p95 62\\.1 ms / 50\\.0 ms · fallback 1\\.0 % / 5\\.0 % · 13 req/s  \nhttp://127\\.0\\.0\\.1:8081');
    assert.equal(row.accessibility, 'prod_eu: Breaching budget, p95 62.1 ms > 50.0 ms budget');
    assert.deepEqual(row.details, deploymentDetails(status({ name: 'prod_eu', p95Ms: 62.1, fallbackRate: 0.01 })));
    const down = deploymentRow(status({ name: 'prod', state: 'unreachable', reason: 'Connection refused by 127.0.0.1:9', reasons: ['Connection refused by 127.0.0.1:9'] }), 'x');
    assert.equal(down.description, 'Unreachable · Connection refused by 127.0.0.1:9');
    assert.equal(down.icon, 'debug-disconnect');
  });

  it('redraws a row only when what it shows changed, and otherwise only the rows under it that changed', () => {
    const at = (over: Partial<DeploymentStatus>, kind = 'mlship.deployment.local.inference') => deploymentRow(status({ name: 'credit-risk 2 (local)', p95Ms: 12, ...over }), kind);
    const first = at({});
    assert.deepEqual(deploymentRowChange(undefined, first), { redraw: 'row' });
    // Polled again, nothing new: nothing is redrawn, so an open hover stays.
    assert.deepEqual(deploymentRowChange(first, at({})), { redraw: 'none' });
    // Only the time of the check moved: only the Checked row under it.
    const checked = first.details.findIndex((d) => d.label === 'Checked');
    assert.deepEqual(deploymentRowChange(first, at({ checkedAt: '2026-01-05T10:00:02.000Z' })), { redraw: 'details', indices: [checked] });
    // Error rate and low-confidence share are on the Traffic row only.
    const traffic = first.details.findIndex((d) => d.label === 'Traffic');
    assert.deepEqual(deploymentRowChange(first, at({ lowConfidenceShare: 0.2, checkedAt: '2026-01-05T10:00:02.000Z' })), { redraw: 'details', indices: [traffic, checked] });
    // What the row itself shows: its facts, its state, its tooltip's reasons, its menus, the rows under it.
    assert.deepEqual(deploymentRowChange(first, at({ p95Ms: 13 })), { redraw: 'row' });
    assert.deepEqual(deploymentRowChange(first, at({ throughput: 20 })), { redraw: 'row' });
    assert.deepEqual(deploymentRowChange(first, at({ reasons: [first.accessibility, 'prediction log: not found'] })), { redraw: 'row' });
    assert.deepEqual(deploymentRowChange(first, at({}, 'mlship.deployment.local')), { redraw: 'row' });
    assert.deepEqual(deploymentRowChange(first, at({ quality: null })), { redraw: 'row' });
    // A detail row that gains a colour, or loses its tooltip, is redrawn.
    const near = at({ p95Ms: 45 });
    const latency = near.details.findIndex((d) => d.label === 'Latency');
    assert.equal(near.details[latency]?.color, 'list.warningForeground');
    assert.deepEqual(deploymentRowChange({ ...near, details: near.details.map((d, i) => (i === latency ? { label: d.label, description: d.description, icon: d.icon } : d)) }, near), { redraw: 'details', indices: [latency] });
  });
});
