// The live DriftScorer against the drift engine's own results: a window of logged inputs gets, per column, the same
// method, score, threshold and verdict as `mlship drift` on the same rows in a file; the baseline is profiled once and
// cached by content hash; histograms put both sides on the same bins; PSI is the drift_psi statistic.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { columnPsi } from '../../../src/core/drift/compare';
import { driftConfigFrom } from '../../../src/core/drift/config';
import { profileRecords } from '../../../src/core/drift/profile';
import { driftBetween, loadSide } from '../../../src/core/drift/run';
import { driftSeries, evenSample, MAX_WINDOW_RECORDS } from '../../../src/core/deployments/driftSeries';
import { columnsOf } from '../../../src/core/deployments/inputColumns';
import { inProcessScorer, openLiveDrift, type LiveDrift } from '../../../src/core/deployments/liveDrift';
import { readSnapshotRows } from '../../../src/core/formats/tabular';
import { isWindowDetail, isWindowScore, type FeatureWindowScore } from '../../../src/shared/deployments';
import type { DriftReport } from '../../../src/shared/drift';

const DATA = join(resolve(__dirname, '..', '..', '..'), 'samples', 'data', 'credit-risk');
const OCT = join(DATA, 'applications-2025-10.parquet');
const NOV = join(DATA, 'applications-2025-11.parquet');
/** What the model's prediction log carries: its inputs, not the ids, timestamps or label. */
const INPUTS = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed', 'region'];

const inputsOf = (rows: Record<string, unknown>[]): Record<string, unknown>[] => rows.map((r) => Object.fromEntries(INPUTS.map((k) => [k, r[k]])));

/** A window written as a JSONL file, for the report's own path (file reader, type inference). */
async function reportOn(dir: string, name: string, rows: Record<string, unknown>[]): Promise<DriftReport> {
  const file = join(dir, `${name}.jsonl`);
  await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return driftBetween(OCT, file);
}

describe('LiveDrift (the scorer of deployments\' logged inputs)', () => {
  let dir: string;
  let live: LiveDrift;
  let november: Record<string, unknown>[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-live-drift-'));
    live = (await openLiveDrift(OCT)).live;
    november = inputsOf(await readSnapshotRows(NOV, 'parquet', 10_000));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('gives each column the drift report\'s method, score, threshold and verdict on the same rows', async () => {
    for (const [name, rows] of [['november', november], ['first-300', november.slice(0, 300)], ['october-tail', inputsOf(await readSnapshotRows(OCT, 'parquet', 10_000)).slice(-700)]] as const) {
      const report = await reportOn(dir, name, rows);
      const scored = live.score(rows);
      assert.ok(scored, name);
      assert.equal(scored.records, rows.length);
      assert.equal(scored.compared, rows.length);
      const compared = report.columns.filter((c) => c.status !== 'skipped' && INPUTS.includes(c.column));
      assert.deepEqual(scored.features.map((f) => f.feature).sort(), compared.map((c) => c.column).sort(), `${name}: the label and ids are not compared`);
      for (const c of compared) {
        const f: FeatureWindowScore | undefined = scored.features.find((x) => x.feature === c.column);
        assert.ok(f);
        assert.equal(f.method, c.method, `${name} ${c.column}`);
        assert.equal(f.threshold, c.threshold);
        assert.equal(f.scoreKind, c.scoreKind);
        assert.ok(Math.abs(f.score - (c.score as number)) <= 1e-12 * Math.max(1, Math.abs(f.score)), `${name} ${c.column}: ${f.score} vs ${c.score}`);
        assert.equal(f.drifted, c.status === 'drift', `${name} ${c.column}`);
      }
      // Drifted first, as the report orders them.
      const firstStable = scored.features.findIndex((f) => !f.drifted);
      assert.ok(firstStable === -1 || scored.features.slice(firstStable).every((f) => !f.drifted));
    }
    // November's shifted debt_ratio and income and its new region flag; the stable columns stay stable.
    const nov = live.score(november);
    assert.deepEqual(nov?.features.filter((f) => f.drifted).map((f) => f.feature).sort(), ['debt_ratio', 'income', 'region']);
  });

  it('computes PSI per feature, the drift_psi statistic, as the engine does for the column', async () => {
    const scored = live.score(november);
    const current = profileRecords(november, { name: 'nov' });
    const { profile } = await loadSide(OCT, {});
    for (const f of scored?.features ?? []) {
      const b = profile.columns.find((c) => c.name === f.feature);
      const c = current.columns.find((x) => x.name === f.feature);
      assert.ok(b && c);
      const expected = columnPsi(b, c);
      assert.ok(f.psi !== null && expected !== undefined && Math.abs(f.psi - expected) < 1e-12, `${f.feature}: ${f.psi} vs ${expected}`);
    }
    const psi = Object.fromEntries((scored?.features ?? []).map((f) => [f.feature, f.psi as number]));
    assert.ok((psi.debt_ratio ?? 0) > 0.2, `debt_ratio PSI ${psi.debt_ratio}`);
    assert.ok((psi.age ?? 1) < 0.1, `age PSI ${psi.age}`);
  });

  it('draws baseline and live on the same bins: the report\'s chart, with the baseline\'s shares of its own rows', async () => {
    const detail = live.detail(november, 3);
    assert.ok(detail);
    assert.equal(detail.histograms.length, 3);
    assert.deepEqual(detail.histograms.map((h) => h.feature), detail.features.slice(0, 3).map((f) => f.feature));
    const report = await reportOn(dir, 'november-detail', november);
    const october = await readSnapshotRows(OCT, 'parquet', 10_000);
    for (const h of detail.histograms) {
      const col = report.columns.find((c) => c.column === h.feature);
      assert.deepEqual(h.chart, col?.chart, h.feature);
      assert.equal(h.explanation, col?.explanation);
      assert.equal(detail.explanations[h.feature], col?.explanation);
      assert.ok(Math.abs(h.chart.baseline.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      assert.ok(Math.abs(h.chart.current.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      if (h.chart.kind === 'histogram') {
        const edges = h.chart.edges;
        assert.equal(h.chart.baseline.length, edges.length - 1);
        // The baseline's share in each bin, counted from its raw rows.
        const values = october.map((r) => r[h.feature]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        const counts = new Array<number>(edges.length - 1).fill(0);
        for (const v of values) {
          let i = edges.findIndex((e, k) => k > 0 && v <= e);
          if (i === -1) i = edges.length - 1;
          const bin = Math.max(0, i - 1);
          counts[bin] = (counts[bin] ?? 0) + 1;
        }
        counts.forEach((n, i) => assert.ok(Math.abs(n / values.length - (h.chart.baseline[i] as number)) < 1e-9, `${h.feature} bin ${i}`));
      }
    }
    assert.ok(detail.histograms.some((h) => h.chart.kind === 'categories' && h.chart.labels.includes('central')), 'region\'s new category is drawn');
  });

  it('compares a long window on an even sample, the same one every time; a window with no baseline column is null', () => {
    const long = Array.from({ length: 5 }, () => november).flat();
    const a = live.score(long);
    const b = live.score(long);
    assert.equal(a?.records, long.length);
    assert.equal(a?.compared, MAX_WINDOW_RECORDS);
    assert.deepEqual(a, b);
    assert.deepEqual(evenSample([1, 2, 3, 4, 5, 6], 3), [1, 3, 5]);
    assert.equal(live.score([{ unrelated: 1 }, { other: 'x' }]), null);
    const partial = live.score(november.map((r) => ({ income: r.income })));
    assert.deepEqual(partial?.features.map((f) => f.feature), ['income']);
  });

  it('a feature logged with no usable value (all null, or text for a number) is reported drifted, not left out', async () => {
    // income stops being logged (null), age arrives as text; the rest are November's.
    const rows = november.slice(0, 600).map((r) => ({ ...r, income: null, age: `${String(r.age)} years` }));
    const report = await reportOn(dir, 'unusable', rows);
    assert.equal(report.columns.find((c) => c.column === 'income')?.status, 'drift', 'the report flags income');
    const scored = live.score(rows);
    assert.ok(scored);
    assert.equal(isWindowScore(scored), true);
    assert.deepEqual(scored.features.map((f) => f.feature).filter((f) => f === 'income' || f === 'age'), [], 'no test score for them');
    assert.deepEqual([...(scored.unscored ?? [])].sort((a, b) => a.feature.localeCompare(b.feature)), [
      { feature: 'age', explanation: 'age: values that are not numbers 0 % → 100 %' },
      { feature: 'income', explanation: 'income: missing 0 % → 100 %' },
    ]);
    const detail = live.detail(rows, 4);
    assert.ok(detail && isWindowDetail(detail));
    assert.deepEqual(detail.unscored, scored.unscored);
    assert.equal(detail.explanations.income, 'income: missing 0 % → 100 %');
    // The dashboard's drift section and its text form carry them.
    const plan = { timestamps: [0], stepMs: 60_000, windows: [{ key: 'k', records: rows.length }], short: 0, all: { key: 'k', records: rows.length }, inWindow: rows.length };
    const series = driftSeries({ plan, scores: [scored], detail, baseline: { name: 'october', rows: 1, reason: 'test' }, mode: 'evidently', minRecords: 500 });
    assert.deepEqual(series.unscored, detail.unscored);
    // A window where nothing is unscored says nothing about it.
    assert.equal(live.score(november.slice(0, 600))?.unscored, undefined);
  });

  it('profiles a baseline snapshot once, cached by content hash; a saved profile is a baseline too', async () => {
    const cacheDir = join(dir, 'cache');
    const first = await openLiveDrift(OCT, undefined, cacheDir);
    const second = await openLiveDrift(OCT, undefined, cacheDir);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.deepEqual(second.live.score(november), first.live.score(november));
    const profileFile = join(dir, 'october.profile.json');
    await writeFile(profileFile, JSON.stringify((await loadSide(OCT, {})).profile));
    const fromProfile = await openLiveDrift(profileFile);
    assert.deepEqual(fromProfile.live.score(november), first.live.score(november));
    let opens = 0;
    const scorer = inProcessScorer(() => (opens++, Promise.resolve(first.live)));
    assert.deepEqual(await scorer.baseline(), { name: 'applications-2025-10.parquet', rows: 2000 });
    await scorer.score([columnsOf(november.slice(0, 100)), columnsOf(november.slice(100, 200))]);
    assert.equal(opens, 1);
  });

  it('rejects a baseline it cannot read with the file named, and tries again on the next call', async () => {
    const missing = join(dir, 'later.csv');
    const scorer = inProcessScorer(async () => (await openLiveDrift(missing)).live);
    await assert.rejects(scorer.baseline(), /later\.csv/);
    await writeFile(missing, 'income,age\n1,2\n3,4\n');
    assert.deepEqual(await scorer.baseline(), { name: 'later.csv', rows: 2 });
  });

  it('uses the methods and thresholds mlship.yaml sets for the drift report', async () => {
    const config = driftConfigFrom({ columns: { income: { method: 'psi', threshold: 0.5 } } });
    const custom = (await openLiveDrift(OCT, config)).live;
    const f = custom.score(november)?.features.find((x) => x.feature === 'income');
    assert.equal(f?.method, 'psi');
    assert.equal(f?.threshold, 0.5);
    assert.equal(f?.score, f?.psi);
  });
});
