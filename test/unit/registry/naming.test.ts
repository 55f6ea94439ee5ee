import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareVersions, isVersionName, namedVersion, splitVersionedStem, stemOf, versionLabel, versionTitle } from '../../../src/core/registry/naming';

describe('version names', () => {
  test('recognises version folders and rejects ordinary names', () => {
    for (const v of ['1', 'v2', 'V10', '1.4.0', 'version-3', 'v2-rc1', '2025-10-01', '20251001']) assert.ok(isVersionName(v), v);
    for (const n of ['models', 'credit-risk', 'latest', 'v', 'train', 'abc1']) assert.ok(!isVersionName(n), n);
  });

  test('a version reads the same for every source; a standalone file is named by its file', () => {
    const of = (modelId: string, version: string) => ({ modelId, version, modelName: 'credit-risk' });
    for (const [id, v] of [['mlflow:/w/mlruns:credit-risk', '2'], ['folder:/w/models/credit-risk', 'v2'], ['folder:/w/models/credit-risk', '2'], ['folder:/w/models/credit-risk', 'version-2']]) {
      assert.equal(versionLabel(of(id as string, v as string)), 'version 2', `${id} ${v}`);
      assert.equal(versionTitle(of(id as string, v as string)), 'credit-risk version 2');
    }
    assert.equal(versionLabel(of('folder:/w/models/x', '2025-10-01')), 'version 2025-10-01');
    assert.equal(versionLabel(of('folder:/w/models/x', 'latest')), 'latest');
    const file = { modelId: 'file:/w/models/churn-gbt.onnx', version: 'churn-gbt.onnx', modelName: 'churn-gbt' };
    assert.equal(versionLabel(file), 'churn-gbt.onnx');
    assert.equal(versionTitle(file), 'churn-gbt');
    // A version a server reports, with no catalog entry behind it: numbered versions read as the catalog's do.
    for (const v of ['2', 'v2', 'version-2']) assert.equal(namedVersion(v), 'version 2');
    assert.equal(namedVersion('churn-gbt.onnx'), 'churn-gbt.onnx');
  });

  test('compares naturally, newest last', () => {
    const sorted = ['v10', 'v9', 'v1', 'v2'].sort(compareVersions);
    assert.deepEqual(sorted, ['v1', 'v2', 'v9', 'v10']);
    assert.ok(compareVersions('1.10.0', '1.9.3') > 0);
    assert.ok(compareVersions('2025-11', '2025-10') > 0);
    assert.equal(compareVersions('3', '3'), 0);
  });

  test('splits dataset names from date or version tokens', () => {
    assert.deepEqual(splitVersionedStem('applications-2025-10'), { base: 'applications', version: '2025-10' });
    assert.deepEqual(splitVersionedStem('feedback-2025-11-14'), { base: 'feedback', version: '2025-11-14' });
    assert.deepEqual(splitVersionedStem('train_v3'), { base: 'train', version: 'v3' });
    assert.deepEqual(splitVersionedStem('events-20251114'), { base: 'events', version: '20251114' });
    assert.deepEqual(splitVersionedStem('2025-11-14'), { base: '', version: '2025-11-14' });
    assert.deepEqual(splitVersionedStem('holdout'), { base: 'holdout' });
  });

  test('strips data extensions', () => {
    assert.equal(stemOf('x.csv'), 'x');
    assert.equal(stemOf('part-0.snappy.parquet'), 'part-0');
    assert.equal(stemOf('logs.jsonl'), 'logs');
  });
});
