// The drift panel's messages, the worker's messages and the profile/report contracts are validated on receipt.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { driftBetween } from '../../../src/core/drift/run';
import { profileRecords } from '../../../src/core/drift/profile';
import { driftReportView, profileView } from '../../../src/core/present/drift';
import { isDriftReport, isProfile, profileProblem, type DriftReport } from '../../../src/shared/drift';
import { isDriftPanelState, isDriftWebviewToHost, isHostToDriftWebview } from '../../../src/shared/driftMessages';
import { isWorkerRequest, isWorkerResponse } from '../../../src/shared/driftWorker';
import { SAMPLES, withTempDir, writeTemp } from '../formats/helpers';

describe('drift contracts', () => {
  test('a report and its panel view pass their validators; tampered ones do not', async () => {
    const report = await driftBetween(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`, `${SAMPLES}/data/credit-risk/applications-2025-11.parquet`);
    const view = driftReportView(report, 'training data of credit-risk version 2');
    assert.ok(isHostToDriftWebview({ type: 'show', view, report }));
    assert.ok(isDriftPanelState(JSON.parse(JSON.stringify({ view, report }))));
    assert.ok(!isHostToDriftWebview({ type: 'show', view: { ...view, columns: [{ ...view.columns[0], status: 'exploded' }] } }));
    assert.ok(!isHostToDriftWebview({ type: 'show', view, report: { ...report, schema: 2 } }));
    assert.ok(!isDriftReport({ ...report, columns: [{ column: 1 }] }));
    assert.ok(!isHostToDriftWebview({ type: 'eval', code: 'x' }));
  });

  test('the panel view is formatted for people', async () => {
    const report = await driftBetween(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`, `${SAMPLES}/data/credit-risk/applications-2025-11.parquet`);
    const view = driftReportView(report, 'training data of credit-risk version 2');
    assert.equal(view.title, 'Drift: applications-2025-11.parquet vs applications-2025-10.parquet');
    assert.match(view.subtitle, /^Baseline applications-2025-10\.parquet \(2,000 rows\) — training data of credit-risk version 2 · current applications-2025-11\.parquet \(1,500 rows\)/);
    assert.deepEqual(view.cards.map(([k]) => k), ['Rows', 'Columns', 'Drifted', 'Verdict']);
    const income = view.columns.find((c) => c.column === 'income');
    assert.equal(income?.score, '0.317');
    assert.equal(income?.threshold, '≥ 0.1');
    assert.equal(income?.method, 'Wasserstein (normed)');
    assert.equal(income?.chart?.labels.length, 20);
    assert.match(income?.chart?.labels[0] ?? '', /^[\d.]+k? – [\d.]+k$/);
    assert.deepEqual(income?.facts.find(([k]) => k === 'missing'), ['missing', '0 % → 5.9 %']);
  });

  test('the Verdict card says when it cannot compare, and why; a header-only file shows no missing share', async () => {
    await withTempDir(async (dir) => {
      const deliveries = `${SAMPLES}/data/deliveries.csv`;
      const card = (r: DriftReport) => driftReportView(r).cards.find(([k]) => k === 'Verdict')?.[1];
      const unrelated = driftReportView(await driftBetween(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`, deliveries));
      assert.deepEqual(unrelated.cards.find(([k]) => k === 'Verdict'), ['Verdict', 'cannot compare: no column in common']);
      assert.equal(unrelated.cannotJudge, true);
      assert.match(unrelated.verdict, /^Cannot compare: .* have no column in common/);
      const header = await writeTemp(dir, 'header.csv', (await readFile(deliveries, 'utf8')).split('\n')[0] + '\n');
      const headerOnly = driftReportView(await driftBetween(deliveries, header));
      assert.deepEqual(headerOnly.cards.find(([k]) => k === 'Verdict'), ['Verdict', 'cannot compare: no rows']);
      assert.ok(isHostToDriftWebview({ type: 'show', view: headerOnly }));
      for (const c of headerOnly.columns) {
        assert.equal(c.facts.find(([k]) => k === 'missing'), undefined, `${c.column}: no "missing 0 % → 0 %" for a file without rows`);
        assert.doesNotMatch(c.explanation, /every value is missing/);
      }
      assert.equal(card(await driftBetween(deliveries, await writeTemp(dir, 'empty.csv', ''))), 'cannot compare: a file cannot be read');
      const few = await driftBetween(deliveries, await writeTemp(dir, 'few.csv', (await readFile(deliveries, 'utf8')).split('\n').slice(0, 3).join('\n')));
      assert.equal(card(few), 'too few rows to judge (no drift on these)');
      assert.equal(driftReportView(few).cannotJudge, true);
      const fine = await driftBetween(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`, `${SAMPLES}/data/credit-risk/applications-2025-11.parquet`);
      assert.equal(card(fine), 'no dataset drift');
      assert.equal(driftReportView(fine).cannotJudge, undefined);
    });
  });

  test('a profile view has a chart for numeric and categorical columns', () => {
    const p = profileRecords(Array.from({ length: 50 }, (_, i) => ({ x: i, c: i % 3 ? 'a' : 'b' })), { name: 'window' });
    assert.ok(isProfile(JSON.parse(JSON.stringify(p))));
    assert.match(profileProblem({ ...p, schema: 2 }) ?? '', /unsupported profile schema 2/);
    const v = profileView(p);
    assert.ok(isHostToDriftWebview({ type: 'show', view: v }));
    assert.equal(v.columns[0]?.chart?.kind, 'histogram');
    assert.deepEqual(v.columns[1]?.chart?.labels, ['a', 'b']);
  });

  test('webview and worker messages', () => {
    assert.ok(isDriftWebviewToHost({ type: 'ready' }));
    assert.ok(isDriftWebviewToHost({ type: 'export', format: 'html' }));
    assert.ok(!isDriftWebviewToHost({ type: 'export', format: 'exe' }));
    assert.ok(isWorkerRequest({ type: 'compare', baseline: 'a.csv', current: 'b.csv', cacheDir: '/tmp/x' }));
    assert.ok(!isWorkerRequest({ type: 'compare', baseline: 'a.csv' }));
    assert.ok(!isWorkerRequest({ type: 'shell', command: 'rm' }));
    assert.ok(isWorkerResponse({ type: 'progress', side: 'current', bytes: 1, totalBytes: 2, rows: 3 }));
    assert.ok(!isWorkerResponse({ type: 'profile', profile: { kind: 'x' }, cached: false }));
  });
});
