// The default baseline of a snapshot comes from the lineage of the model trained on its dataset (MLflow inputs,
// model cards, ONNX metadata_props), or from mlship.yaml.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/config/manifest';
import { defaultBaseline } from '../../../src/core/drift/baseline';
import { discoverCatalog } from '../../../src/core/registry/catalog';
import type { Catalog, SnapshotEntry } from '../../../src/core/registry/types';
import { SAMPLES, fixture, withTempDir } from '../formats/helpers';

function snapshot(c: Catalog, rel: string): SnapshotEntry {
  const s = c.datasets.flatMap((d) => d.snapshots).find((x) => x.relPath === rel);
  assert.ok(s, rel);
  return s;
}

describe('default baseline', () => {
  test('newer credit-risk applications → the champion\'s training snapshot, from MLflow lineage', async () => {
    const manifest = parseManifest(await readFile(join(SAMPLES, 'mlship.yaml'), 'utf8')).manifest;
    const c = await discoverCatalog(SAMPLES, manifest ? { manifest } : {});
    const b = defaultBaseline(c, snapshot(c, 'data/credit-risk/applications-2025-11.parquet'), undefined);
    assert.deepEqual(b, {
      relPath: 'data/credit-risk/applications-2025-10.parquet',
      snapshotId: snapshot(c, 'data/credit-risk/applications-2025-10.parquet').id,
      reason: 'training data of credit-risk version 2 (@champion, Production)',
      model: 'credit-risk',
    });
    assert.equal(defaultBaseline(c, snapshot(c, 'data/credit-risk/applications-2025-10.parquet'), undefined), undefined, 'the training snapshot itself has no default');
    const configured = defaultBaseline(c, snapshot(c, 'data/credit-risk/applications-2025-11.parquet'), { baselines: { 'credit-risk': 'data/holdout.tsv' } });
    assert.equal(configured?.relPath, 'data/holdout.tsv');
    assert.equal(configured?.reason, 'drift.baselines.credit-risk in mlship.yaml');
    const workspace = defaultBaseline(c, snapshot(c, 'data/feedback/feedback-2025-11-15.jsonl'), { baseline: './data/feedback/feedback-2025-11-14.jsonl' });
    assert.equal(workspace?.relPath, 'data/feedback/feedback-2025-11-14.jsonl');
    assert.equal(workspace?.reason, 'drift.baseline in mlship.yaml');
  });

  test('ONNX metadata_props training_data counts as lineage', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'models'), { recursive: true });
      await mkdir(join(dir, 'data', 'credit-risk'), { recursive: true });
      await copyFile(fixture('models', 'credit-risk-v2.onnx'), join(dir, 'models', 'scorer.onnx'));
      for (const m of ['10', '11']) await copyFile(join(SAMPLES, `data/credit-risk/applications-2025-${m}.parquet`), join(dir, `data/credit-risk/applications-2025-${m}.parquet`));
      const c = await discoverCatalog(dir);
      const v = c.models.find((m) => m.name === 'scorer')?.versions[0];
      assert.equal(v?.metadata?.metadata['training_data'], 'data/credit-risk/applications-2025-10.parquet');
      assert.deepEqual(v?.lineage.map((l) => [l.label, l.relPath, Boolean(l.snapshotId)]), [['training data (model metadata)', 'data/credit-risk/applications-2025-10.parquet', true]]);
      const b = defaultBaseline(c, snapshot(c, 'data/credit-risk/applications-2025-11.parquet'), undefined);
      assert.equal(b?.reason, 'training data of scorer');
    });
  });
});
