// "Set as Baseline" edits mlship.yaml in place: comments, order and spacing stay as they were.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/config/manifest';
import { setBaselineInManifest } from '../../../src/core/config/manifestEdit';
import { LocatedFormatError } from '../../../src/core/formats/types';

const SAMPLE = `# MLShip workspace manifest.
version: 1
models: [models/]   # where models are
mlflow: { trackingUri: ./mlruns }
`;

describe('setting a drift baseline in mlship.yaml', () => {
  test('appends a drift block and keeps every other byte', () => {
    const r = setBaselineInManifest(SAMPLE, 'data/a.parquet', 'credit-risk');
    assert.equal(r.text, `${SAMPLE}drift:\n  baselines:\n    credit-risk: data/a.parquet\n`);
    assert.equal(r.previous, undefined);
    assert.deepEqual(parseManifest(r.text).manifest?.drift, { baselines: { 'credit-risk': 'data/a.parquet' } });
  });

  test('replaces an existing value in place and reports the one it replaced', () => {
    const text = `version: 1\ndrift:\n  mode: effect-size # keep\n  baseline: data/old.csv   # the old one\n  rowLimit: 50000\n`;
    const r = setBaselineInManifest(text, 'data/new.csv');
    assert.equal(r.previous, 'data/old.csv');
    assert.equal(r.text, `version: 1\ndrift:\n  mode: effect-size # keep\n  baseline: data/new.csv   # the old one\n  rowLimit: 50000\n`);
  });

  test('inserts into an existing drift block, with its indentation', () => {
    const text = `version: 1\ndrift:\n    mode: evidently\n    baselines:\n        churn: data/c.csv\n# trailing comment\n`;
    const r = setBaselineInManifest(text, 'data/d.csv', 'delivery-eta');
    assert.equal(r.text, `version: 1\ndrift:\n    mode: evidently\n    baselines:\n        churn: data/c.csv\n        delivery-eta: data/d.csv\n# trailing comment\n`);
    const w = setBaselineInManifest(r.text, 'data/w.csv');
    assert.match(w.text, /^ {4}baseline: data\/w\.csv$/m);
    assert.deepEqual(parseManifest(w.text).issues, []);
  });

  test('quotes values YAML would read differently; creates the file when there is none', () => {
    assert.match(setBaselineInManifest(undefined, 'data/2025: q1.csv').text, /^ {2}baseline: "data\/2025: q1\.csv"$/m);
    assert.equal(setBaselineInManifest(undefined, 'data/x.csv').text, 'version: 1\ndrift:\n  baseline: data/x.csv\n');
    assert.match(setBaselineInManifest('version: 1\ndrift: { mode: evidently }\n', 'data/x.csv').text, /baseline: data\/x\.csv/);
  });

  test('a file with a YAML error is not touched', () => {
    assert.throws(() => setBaselineInManifest('version: 1\nmodels: [a\n', 'x.csv'), (e: unknown) => e instanceof LocatedFormatError && /YAML error at line/.test(e.message));
  });
});
