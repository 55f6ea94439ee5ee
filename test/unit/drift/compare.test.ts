// Drift reports: the sample workspace's drift is found and explained, methods follow Evidently's table (or effect
// sizes), settings from mlship.yaml apply, sketch estimates stay within their printed bound, and unreadable or
// unrelated inputs still give a report that says what is wrong.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isDriftReport, type ColumnDrift, type DriftReport } from '../../../src/shared/drift';
import { compareProfiles, DEFAULT_DRIFT_CONFIG, type DriftConfig } from '../../../src/core/drift/compare';
import { driftConfigFrom } from '../../../src/core/drift/config';
import { ksTwoSample, toValueCounts, wassersteinDistance, populationStd } from '../../../src/core/drift/exact';
import { reportToHtml } from '../../../src/core/drift/html';
import { profileRecords } from '../../../src/core/drift/profile';
import { reportToMarkdown, reportToText } from '../../../src/core/drift/report';
import { compareRecords, driftBetween, profileFileCached } from '../../../src/core/drift/run';
import { parseManifest } from '../../../src/core/config/manifest';
import { mulberry32 } from '../../../src/core/util/random';
import { SAMPLES, withTempDir, writeTemp } from '../formats/helpers';

const OCT = `${SAMPLES}/data/credit-risk/applications-2025-10.parquet`;
const NOV = `${SAMPLES}/data/credit-risk/applications-2025-11.parquet`;

function col(r: DriftReport, name: string): ColumnDrift {
  const c = [...r.columns, ...(r.prediction ? [r.prediction] : [])].find((x) => x.column === name);
  assert.ok(c, `column ${name}`);
  return c;
}

function config(over: Partial<DriftConfig> = {}): DriftConfig {
  return { ...DEFAULT_DRIFT_CONFIG, types: {}, columns: {}, ...over };
}

describe('the sample workspace: November applications vs the training snapshot', () => {
  let report: DriftReport;
  test('flags the shifted and re-mixed columns and leaves the stable ones alone', async () => {
    report = await driftBetween(OCT, NOV);
    assert.equal(isDriftReport(JSON.parse(JSON.stringify(report))), true);
    const status = Object.fromEntries(report.columns.map((c) => [c.column, c.status]));
    assert.deepEqual(status, {
      debt_ratio: 'drift', income: 'drift', region: 'drift',
      age: 'stable', defaulted: 'stable', months_employed: 'stable', credit_lines: 'stable', late_payments: 'stable',
      application_id: 'skipped', applied_at: 'skipped',
    });
    assert.deepEqual(report.columns.slice(0, 3).map((c) => c.column), ['debt_ratio', 'income', 'region'], 'most drifted first');
    assert.equal(report.summary.compared, 8);
    assert.equal(report.summary.drifted, 3);
    assert.equal(report.summary.datasetDrift, false);
    assert.match(report.summary.verdict, /^No dataset drift: 3 of 8 columns drifted \(38 %\), below the 50 % threshold\.$/);
  });

  test('uses Evidently\'s methods for more than 1,000 rows, exactly, and explains each column in one line', () => {
    const income = col(report, 'income');
    assert.equal(income.method, 'wasserstein');
    assert.equal(income.estimate, false);
    assert.equal(income.threshold, 0.1);
    assert.match(income.explanation, /^income: median 52k → 44\.3k \(−15 %\), missing 0 % → 5\.9 %$/);
    const region = col(report, 'region');
    assert.equal(region.method, 'jensenshannon');
    assert.match(region.explanation, /^region: 'north' 31 % → 26 %, 1 new category \('central', 13 % of values\)$/);
    assert.equal(region.metrics.newCategories, 1);
    assert.equal(col(report, 'late_payments').method, 'jensenshannon', 'five or fewer distinct values: Jensen–Shannon');
    assert.equal(col(report, 'application_id').explanation, 'application_id: identifier, not compared');
    assert.equal(region.chart?.kind, 'categories');
    assert.equal(col(report, 'income').chart?.kind, 'histogram');
  });

  test('renders as text, Markdown and a small self-contained HTML page', () => {
    const text = reportToText(report);
    assert.match(text, /^Baseline: applications-2025-10\.parquet — 2,000 rows, 10 columns$/m);
    assert.match(text, /^DRIFT +debt_ratio +numeric +Wasserstein \(normed\) +0\.574 +≥ 0\.1 +debt_ratio: median 0\.267 → 0\.375 \(\+40 %\)$/m);
    const md = reportToMarkdown(report);
    assert.match(md, /^\| \*\*drift\*\* \| region \| categorical \| Jensen–Shannon \|/m);
    const html = reportToHtml(report);
    assert.ok(html.length < 100_000, `${html.length} bytes`);
    assert.doesNotMatch(html, /<script|src=|href="http/);
    assert.match(html, /<caption>income: share of values per bin<\/caption>/);
  });

  test('a saved profile works as the baseline and gives the same numbers', async () => {
    await withTempDir(async (dir) => {
      const { profile } = await profileFileCached(OCT, {}, undefined);
      const saved = await writeTemp(dir, 'baseline.json', JSON.stringify(profile));
      const fromProfile = await driftBetween(saved, NOV);
      assert.equal(fromProfile.baseline.fromProfile, true);
      for (const c of report.columns) assert.equal(col(fromProfile, c.column).score, c.score, c.column);
    });
  });

  test('profiles are cached by content hash', async () => {
    await withTempDir(async (dir) => {
      const first = await profileFileCached(OCT, {}, dir);
      const second = await profileFileCached(OCT, {}, dir);
      assert.equal(first.cached, false);
      assert.equal(second.cached, true);
      assert.equal(second.profile.source.sha256?.length, 64);
      assert.deepEqual(second.profile.columns, JSON.parse(JSON.stringify(first.profile.columns)));
      const other = await profileFileCached(OCT, { options: { rowLimit: 5000 } }, dir);
      assert.equal(other.cached, false, 'other settings, other entry');
    });
  });
});

describe('settings from mlship.yaml', () => {
  test('per-column and per-type methods, thresholds, types, skips and the prediction column', async () => {
    const m = parseManifest(`version: 1
drift:
  mode: evidently
  driftShare: 0.3
  prediction: defaulted
  types:
    categorical: { method: chisquare }
  columns:
    income: { method: psi, threshold: 0.1 }
    age: { skip: true }
    late_payments: { type: categorical }
`);
    assert.deepEqual(m.issues, []);
    const cfg = driftConfigFrom(m.manifest?.drift);
    const r = await driftBetween(OCT, NOV, { config: cfg });
    assert.equal(col(r, 'income').method, 'psi');
    assert.equal(col(r, 'income').threshold, 0.1);
    assert.ok((col(r, 'income').metrics.psi ?? 0) > 0.1);
    assert.equal(col(r, 'income').status, 'drift');
    assert.equal(col(r, 'region').method, 'chisquare');
    assert.equal(col(r, 'region').scoreKind, 'p-value');
    assert.equal(col(r, 'age').status, 'skipped');
    assert.equal(col(r, 'late_payments').type, 'categorical');
    assert.equal(r.prediction?.column, 'defaulted');
    assert.ok(!r.columns.some((c) => c.column === 'defaulted'), 'the prediction column is not a feature');
    assert.equal(r.summary.compared, 6);
    assert.equal(r.summary.datasetDrift, true, '3 of 6 ≥ 30 %');
    assert.match(r.summary.verdict, /The prediction column "defaulted" (drifted|is stable)\./);
  });

  test('a date/time column with a method set and few distinct days is explained in dates, not epoch milliseconds', () => {
    const days = (list: string[]) => profileRecords(Array.from({ length: 200 }, (_, i) => ({ d: list[i % list.length] })));
    const r = compareProfiles(days(['2024-01-01', '2024-01-02', '2024-01-03']), days(['2024-01-01', '2024-01-02T06:30:00Z']), config({ columns: { d: { method: 'chisquare' } } }));
    const d = col(r, 'd');
    assert.equal(d.method, 'chisquare');
    assert.equal(d.explanation, "d: '2024-01-02T06:30:00.000Z' 0 % → 50 %");
    assert.doesNotMatch(d.explanation, /\d{13}/);
    const times = compareProfiles(days(['2024-01-01']), days(['2024-01-01', '2024-01-02T06:30:00Z']), config({ columns: { d: { method: 'z' } } }));
    assert.equal(col(times, 'd').explanation, "d: '2024-01-01' 100 % → 50 %");
  });

  test('invalid drift settings are reported at their line', () => {
    const r = parseManifest('version: 1\ndrift:\n  mode: loose\n  columns:\n    income: { method: median }\n');
    assert.equal(r.manifest, undefined);
    assert.deepEqual(r.issues.map((i) => i.line), [3, 5]);
    assert.match(r.issues[1]?.message ?? '', /'drift\.columns\.income\.method' must be one of "ks"/);
  });
});

describe('methods and sample sizes', () => {
  const rnd = mulberry32(21);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() || 1e-12)) * Math.cos(2 * Math.PI * rnd());

  test('small samples use p-value tests (KS, chi-square, z)', () => {
    const a = profileRecords(Array.from({ length: 300 }, (_, i) => ({ x: normal(), c: ['a', 'b', 'c'][i % 3], b: i % 2 === 0 })));
    const b = profileRecords(Array.from({ length: 200 }, (_, i) => ({ x: normal() + 1, c: ['a', 'b', 'c'][i % 3], b: i % 4 === 0 })));
    const r = compareProfiles(a, b);
    assert.deepEqual([col(r, 'x').method, col(r, 'c').method, col(r, 'b').method], ['ks', 'chisquare', 'z']);
    assert.equal(col(r, 'x').status, 'drift');
    assert.equal(col(r, 'c').status, 'stable');
    assert.equal(col(r, 'b').status, 'drift');
    assert.ok((col(r, 'x').score ?? 1) < 1e-6);
  });

  test('effect-size mode does not flag a trivial shift that a p-value flags on a large sample', () => {
    const big = (shift: number) => profileRecords(Array.from({ length: 300_000 }, () => ({ x: normal() + shift })));
    const a = big(0);
    const b = big(0.03);
    const pValue = compareProfiles(a, b, config({ columns: { x: { method: 'ks' } } }));
    assert.equal(col(pValue, 'x').status, 'drift', 'KS p-value flags a 0.03-sigma shift at n = 300,000');
    const effect = compareProfiles(a, b, config({ mode: 'effect-size', columns: { x: { method: 'ks' } } }));
    assert.equal(col(effect, 'x').status, 'stable');
    assert.equal(col(effect, 'x').scoreKind, 'distance');
    assert.equal(col(compareProfiles(a, b, config({ mode: 'effect-size' })), 'x').method, 'wasserstein');
  });

  test('beyond the row limit: sketch estimates within their printed bound of the exact values', () => {
    const n = 150_000;
    const xa = Array.from({ length: n }, () => normal() * 10 + 50);
    const xb = Array.from({ length: n }, () => normal() * 12 + 53);
    const a = profileRecords(xa.map((x) => ({ x })), { options: { rowLimit: 100_000 } });
    const b = profileRecords(xb.map((x) => ({ x })), { options: { rowLimit: 100_000 } });
    for (const method of ['ks', 'wasserstein'] as const) {
      const r = compareProfiles(a, b, config({ mode: 'effect-size', columns: { x: { method } } }));
      const c = col(r, 'x');
      assert.equal(c.estimate, true);
      assert.ok(c.bound !== undefined && c.bound > 0);
      const ea = toValueCounts(xa);
      const eb = toValueCounts(xb);
      const exact = method === 'ks' ? ksTwoSample(ea, eb).statistic : wassersteinDistance(ea, eb) / populationStd(ea);
      assert.ok(Math.abs((c.score as number) - exact) <= (c.bound), `${method}: estimate ${c.score} exact ${exact} bound ${c.bound}`);
      assert.match(reportToText(r), /≈.* ±/);
    }
  });
});

describe('bad input still gives a report', () => {
  test('a baseline with no column in common: cannot compare, and the verdict says why', () => {
    const r = compareProfiles(profileRecords([{ a: 1, b: 'x' }], { name: 'base.csv' }), profileRecords([{ c: 1, d: 'y' }], { name: 'cur.csv' }));
    assert.equal(r.summary.compared, 0);
    assert.deepEqual(r.summary.cannotCompare?.reason, 'no-common-column');
    assert.equal(r.summary.verdict, 'Cannot compare: base.csv (the baseline) and cur.csv (the current data) have no column in common; check that this is the right baseline (see the problems).');
    assert.equal(r.summary.tooFewRows, undefined, 'nothing compared: no small-sample warning on top');
    assert.ok(isDriftReport(JSON.parse(JSON.stringify(r))));
    assert.match(r.problems.map((p) => p.message).join('\n'), /no column in common \(baseline: a, b; current: c, d\) — is this the right baseline\?/);
    assert.deepEqual(r.schemaChanges.map((s) => `${s.change} ${s.column}`), ['removed a', 'removed b', 'added c', 'added d']);
  });

  test('a header-only CSV: cannot compare (no rows), and no column reads as "every value missing" or drifts on missing shares', async () => {
    await withTempDir(async (dir) => {
      const base = await writeTemp(dir, 'base.csv', 'x,c\n' + Array.from({ length: 200 }, (_, i) => `${i % 5 ? i : ''},${i % 2 ? 'a' : 'b'}`).join('\n'));
      const header = await writeTemp(dir, 'header.csv', 'x,c\n');
      const r = await driftBetween(base, header);
      assert.equal(r.summary.cannotCompare?.reason, 'no-rows');
      assert.equal(r.summary.verdict, 'Cannot compare: header.csv (the current data) has no rows; compare a file with data rows.');
      assert.deepEqual(r.columns.map((c) => [c.status, c.explanation]), [['skipped', 'c: the current data has no rows'], ['skipped', 'x: the current data has no rows']], 'x is 20 % missing in the baseline: no drift from a 0 % share of no rows');
      const text = reportToText(r);
      assert.doesNotMatch(text, /every value is missing|missing 20 % → 0 %/);
      assert.doesNotMatch(reportToHtml(r), /missing 20 % → 0 %|missing 0 % → 0 %/);
      const both = compareProfiles(profileRecords([], { name: 'a.csv' }), profileRecords([], { name: 'b.csv' }));
      assert.equal(both.summary.verdict, 'Cannot compare: neither a.csv (the baseline) nor b.csv (the current data) has any rows; compare files with data rows.');
    });
  });

  test('columns in common but none comparable (identifiers, skipped in mlship.yaml): cannot compare', () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ id: `u${i}`, x: i }));
    const r = compareProfiles(profileRecords(rows, { name: 'a.csv' }), profileRecords(rows, { name: 'b.csv' }), config({ columns: { x: { skip: true } } }));
    assert.equal(r.summary.cannotCompare?.reason, 'no-comparable-column');
    assert.match(r.summary.verdict, /^Cannot compare: none of the 2 columns in both a\.csv and b\.csv can be compared/);
  });

  test('a verdict from too few rows carries a small-sample warning; drift.minRows sets the threshold', () => {
    const normal = mulberry32(7);
    const base = profileRecords(Array.from({ length: 2000 }, () => ({ x: normal() * 10, y: normal(), c: normal() < 0.5 ? 'a' : 'b' })), { name: 'base.csv' });
    const one = profileRecords([{ x: 50, y: 3, c: 'b' }], { name: 'one.csv' });
    const r = compareProfiles(base, one);
    assert.equal(r.summary.datasetDrift, true, 'the tests still say what they say');
    assert.equal(r.summary.tooFewRows?.minRows, 100);
    assert.match(r.summary.tooFewRows?.message ?? '', /^one\.csv \(the current data\) has 1 row; drift tests need at least 100 rows per side to tell drift from chance\. Compare more rows, or set drift\.minRows in mlship\.yaml\.$/);
    assert.match(r.summary.verdict, /^Too few rows to judge drift: one\.csv \(the current data\) has 1 row; .* On these rows, 3 of 3 columns drifted \(100 %\), at or above the 50 % threshold\.$/);
    assert.match(reportToText(r), /Too few rows to judge drift/);
    assert.ok(isDriftReport(JSON.parse(JSON.stringify(r))));
    assert.equal(compareProfiles(base, one, config({ minRows: 1 })).summary.tooFewRows, undefined);
    assert.equal(compareProfiles(base, base).summary.tooFewRows, undefined, '2,000 rows a side');
    const m = parseManifest('version: 1\ndrift:\n  minRows: 30\n');
    assert.deepEqual(m.issues, []);
    assert.equal(driftConfigFrom(m.manifest?.drift).minRows, 30);
  });

  test('a column whose type changed is a schema change, not a comparison', () => {
    const r = compareProfiles(profileRecords(Array.from({ length: 30 }, (_, i) => ({ zip: i, k: 'a' }))), profileRecords(Array.from({ length: 30 }, (_, i) => ({ zip: `Z${i}`, k: 'a' }))));
    assert.deepEqual(r.schemaChanges, [{ column: 'zip', change: 'retyped', from: 'numeric', to: 'id' }]);
    assert.match(col(r, 'zip').explanation, /^zip: type changed from numeric to id, not compared \(set drift\.columns\.zip\.type/);
  });

  test('an unreadable side: the problem names the file; the report renders', async () => {
    await withTempDir(async (dir) => {
      const empty = await writeTemp(dir, 'empty.csv', '');
      const r = await driftBetween(OCT, empty);
      assert.match(r.summary.verdict, /Cannot compare: the current data could not be read/);
      assert.equal(r.problems[0]?.file, empty);
      assert.match(r.problems[0]?.message ?? '', /Empty file: 0 bytes — no header row in empty\.csv/);
      assert.match(reportToText(r), /empty\.csv: Empty file/);
      const notProfile = await writeTemp(dir, 'x.json', '{"hello": 1}');
      const r2 = await driftBetween(notProfile, NOV);
      assert.match(r2.problems[0]?.message ?? '', /x\.json is not a usable profile: not an MLShip profile/);
      assert.ok(reportToHtml(r2).includes('Cannot compare'));
    });
  });

  test('ragged rows and invalid values in the current file are listed with their lines next to the drift', async () => {
    await withTempDir(async (dir) => {
      const base = await writeTemp(dir, 'b.csv', 'x,c\n' + Array.from({ length: 50 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n'));
      const cur = await writeTemp(dir, 'c.csv', 'x,c\n' + Array.from({ length: 50 }, (_, i) => (i === 10 ? '1,2,3' : i === 20 ? 'oops,a' : `${i + 30},${i % 2 ? 'a' : 'b'}`)).join('\n'));
      const r = await driftBetween(base, cur);
      assert.equal(col(r, 'x').status, 'drift');
      const problems = r.problems.map((p) => `${p.side} ${p.line}: ${p.message}`).join('\n');
      assert.match(problems, /current 12: 1 row has a different number of fields than the header's 2 \(line 12\); skipped/);
      assert.match(problems, /current 22: column "x": 1 value is not numbers \(first at line 22: "oops"\)/);
    });
  });
  test('a side where no value has the column\'s type: nothing to test, said so, and drifted when the invalid share moved', () => {
    const base = profileRecords(Array.from({ length: 300 }, (_, i) => ({ x: i % 17, f: i % 2 === 0 })), { name: 'train.csv' });
    // Logged as text and as 0/1: read with the baseline's types, every value is invalid.
    const r = compareRecords(base, Array.from({ length: 200 }, (_, i) => ({ x: 'n/a?', f: i % 2 })));
    for (const [name, what] of [['x', 'numbers'], ['f', 'true/false']] as const) {
      const c = col(r, name);
      assert.equal(c.status, 'drift', name);
      assert.equal(c.score, undefined, `${name}: no score from a test that could not run`);
      assert.equal(c.explanation, `${name}: values that are not ${what} 0 % → 100 %`);
      assert.match(c.note ?? '', /^nothing to compare: no value in the current data is valid/);
      assert.doesNotMatch(c.note ?? '', /cannot compare a numeric column with a numeric one/);
    }
    assert.equal(r.summary.datasetDrift, true);
    // Invalid on both sides alike: skipped with the reason, not stable.
    const same = compareProfiles(profileRecords([{ x: 'a' }, { x: 'b' }], { types: { x: 'numeric' } }), profileRecords([{ x: 'c' }], { types: { x: 'numeric' } }));
    assert.equal(col(same, 'x').status, 'skipped');
    assert.match(col(same, 'x').note ?? '', /^nothing to compare: no value on either side is valid, they are not numbers/);
  });
});

describe('windows of records against a baseline profile (the Deployments dashboard)', () => {
  test('per-feature drift of a window of prediction-log inputs', async () => {
    const { profile } = await profileFileCached(OCT, {}, undefined);
    const rnd = mulberry32(5);
    const window = Array.from({ length: 400 }, () => ({ age: 30 + Math.floor(rnd() * 30), income: 90_000 + rnd() * 40_000, region: rnd() < 0.5 ? 'north' : 'south' }));
    const r = compareRecords(profile, window);
    assert.equal(col(r, 'income').status, 'drift');
    assert.equal(col(r, 'income').method, 'wasserstein', 'baseline > 1,000 rows');
    assert.ok(r.schemaChanges.some((s) => s.change === 'removed' && s.column === 'debt_ratio'));
  });
});
