import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { LatencyBenchmarkResult } from '../../../src/shared/serve';
import { describeSnapshot, describeVersion } from '../../../src/core/present/details';
import { sourceLabel } from '../../../src/core/present/format';
import { discoverCatalog } from '../../../src/core/registry/catalog';
import type { Catalog } from '../../../src/core/registry/types';
import { summarizeLatencies } from '../../../src/core/stats/latency';
import { isDetailsView, type DetailsSection } from '../../../src/shared/detailsMessages';

const samples = join(__dirname, '..', '..', '..', 'samples');

function section(sections: DetailsSection[], title: string): DetailsSection {
  const s = sections.find((x) => x.title === title);
  assert.ok(s, `section ${title} (have: ${sections.map((x) => x.title).join(', ')})`);
  return s;
}

describe('details views', () => {
  let c: Catalog;
  before(async () => {
    c = await discoverCatalog(samples);
  });

  test('a model version: overview, signature, metrics, lineage link and actions', () => {
    const m = c.models.find((x) => x.name === 'credit-risk');
    const v = m?.versions[0];
    assert.ok(m && v);
    const view = describeVersion(m, v, { trusted: true, sha256: 'ab'.repeat(32) });
    assert.ok(isDetailsView(view), 'valid against the webview contract');
    assert.equal(view.title, 'credit-risk — version 2');
    assert.deepEqual(view.badges.map((b) => b.text), ['@champion', 'Production']);
    assert.deepEqual(view.actions, ['benchmark', 'copyReference', 'revealInExplorer']);
    const inputs = section(view.sections, 'Inputs');
    assert.ok(inputs.kind === 'table');
    assert.deepEqual(inputs.rows, [['float_input', 'float32', '[N, 6]']]);
    const lineage = section(view.sections, 'Lineage');
    assert.ok(lineage.kind === 'links');
    assert.equal(lineage.links[0]?.targetId, `snapshot:${join(samples, 'data/credit-risk/applications-2025-10.parquet')}`);
    const overview = section(view.sections, 'Overview');
    assert.ok(overview.kind === 'properties');
    assert.ok(overview.rows.some(([k, val]) => k === 'SHA-256' && val === 'ab'.repeat(32)));
  });

  test('the overview names each source as the models tree does, and each version as the title does', () => {
    const row = (name: string, key: string): string | undefined => {
      const m = c.models.find((x) => x.name === name);
      const v = m?.versions[0];
      assert.ok(m && v, name);
      const overview = section(describeVersion(m, v, { trusted: true }).sections, 'Overview');
      assert.ok(overview.kind === 'properties');
      return overview.rows.find(([k]) => k === key)?.[1];
    };
    assert.equal(row('credit-risk', 'Source'), 'MLflow registry');
    assert.equal(row('delivery-eta', 'Source'), 'Versioned folder');
    assert.equal(row('churn-gbt', 'Source'), 'File');
    // MLflow's numbers and the folder `v2` both read `version N`; a single file is named by its file.
    assert.match(row('credit-risk', 'Version') ?? '', /^version \d+$/);
    assert.equal(row('delivery-eta', 'Version'), 'version 2');
    assert.equal(row('churn-gbt', 'Version'), 'churn-gbt.onnx');
    assert.deepEqual((['mlflow', 'folder', 'files', 'file'] as const).map((s) => sourceLabel(s)), ['MLflow registry', 'versioned folder', 'versioned files', 'file']);
  });

  test('Restricted Mode offers no benchmark; a broken version shows its problem first', () => {
    const m = c.models.find((x) => x.name === 'credit-risk');
    const v = m?.versions[0];
    assert.ok(m && v);
    assert.ok(!describeVersion(m, v, { trusted: false }).actions.includes('benchmark'));
    const broken = c.models.find((x) => x.name === 'credit-risk-truncated');
    const bv = broken?.versions[0];
    assert.ok(broken && bv);
    const view = describeVersion(broken, bv, { trusted: true });
    assert.equal(view.sections[0]?.title, 'Problem');
    assert.ok(!view.actions.includes('benchmark'));
    assert.deepEqual(view.badges.map((b) => b.text), ['unreadable']);
  });

  test('benchmark results come first, with percentiles and the budget verdict', () => {
    const m = c.models.find((x) => x.name === 'credit-risk');
    const v = m?.versions[0];
    assert.ok(m && v);
    const samplesMs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100];
    const benchmark: LatencyBenchmarkResult = {
      modelPath: v.modelFile ?? '', coldStartMs: 12, firstRunMs: 3, latency: summarizeLatencies(samplesMs), samplesMs, throughput: 69.4,
      totalMeasuredMs: 145, measureWallMs: 150, runs: 10, warmupRuns: 2, batchSize: 1,
      inputs: [{ name: 'float_input', dtype: 'float32', dims: [1, 6] }], outputs: [], notes: ['rows from data/x.parquet'],
      runtime: { name: 'onnxruntime-node', version: '1.30.0', executionProvider: 'cpu' }, startedAt: '2026-01-01T00:00:00Z',
    };
    const view = describeVersion(m, v, { trusted: true, benchmark, latencyBudgetMs: 20 });
    assert.equal(view.sections[0]?.title, 'Latency budget');
    const verdict = view.sections[0];
    assert.ok(verdict?.kind === 'text');
    assert.equal(verdict.tone, 'error');
    assert.match(verdict.text, /p95 latency 59.1 ms exceeds the 20.0 ms budget/);
    const table = section(view.sections, 'Benchmark latency');
    assert.ok(table.kind === 'table');
    assert.deepEqual(table.rows.map((r) => r[0]), ['p50', 'p90', 'p95', 'p99', 'mean ± sd', 'min / max', 'throughput', 'cold start (session)', 'first run']);
    assert.equal(table.rows[0]?.[1], '5.50 ms');
  });

  test('a DVC snapshot that is not pulled says how to get it', () => {
    const d = c.datasets.find((x) => x.name === 'transactions');
    const s = d?.snapshots[0];
    assert.ok(d && s);
    const view = describeSnapshot(s, d.name, {});
    assert.ok(isDetailsView(view));
    const first = view.sections[0];
    assert.ok(first?.kind === 'text');
    assert.match(first.text, /dvc pull data\/transactions\.csv/);
    assert.deepEqual(view.badges.map((b) => b.text), ['DVC · not pulled']);
  });

  test('a Parquet snapshot lists its schema', () => {
    const d = c.datasets.find((x) => x.name === 'applications');
    const s = d?.snapshots[1];
    assert.ok(d && s);
    const schema = section(describeSnapshot(s, d.name, { rows: 2000 }).sections, 'Schema');
    assert.ok(schema.kind === 'table');
    assert.equal(schema.rows.length, 10);
    assert.ok(schema.rows.some((r) => r[0] === 'income'));
  });
});
