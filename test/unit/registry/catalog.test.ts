import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/config/manifest';
import { discoverCatalog, metadataMetrics } from '../../../src/core/registry/catalog';
import { versionLabel, versionTitle } from '../../../src/core/registry/naming';
import { findModelVersion } from '../../../src/core/registry/resolve';
import { choiceFromVersion, previousVersion } from '../../../src/core/scaffold/modelChoice';
import type { Catalog, ModelEntry } from '../../../src/core/registry/types';

const repo = join(__dirname, '..', '..', '..');
const samples = join(repo, 'samples');

function model(c: Catalog, name: string): ModelEntry {
  const m = c.models.find((x) => x.name === name);
  assert.ok(m, `model ${name} discovered (found: ${c.models.map((x) => x.name).join(', ')})`);
  return m;
}

describe('discoverCatalog on the sample workspace', () => {
  let c: Catalog;
  before(async () => {
    const manifest = parseManifest(await readFile(join(samples, 'mlship.yaml'), 'utf8')).manifest;
    assert.ok(manifest);
    c = await discoverCatalog(samples, { manifest });
  });

  test('finds every model kind, and nothing inside mlruns twice', () => {
    assert.deepEqual(c.models.map((m) => m.name).sort(), ['churn-gbt', 'credit-risk', 'credit-risk-truncated', 'credit_model', 'delivery-eta', 'image-tagger', 'scaler', 'sentiment-distilbert', 'tinyllama-q4']);
    assert.deepEqual(c.problems, []);
  });

  test('MLflow registry: versions newest first, aliases, stage, metrics, signature, lineage; deleted versions skipped', () => {
    const m = model(c, 'credit-risk');
    assert.equal(m.source, 'mlflow');
    assert.deepEqual(m.versions.map((v) => v.version), ['2', '1']);
    const [v2, v1] = m.versions;
    assert.deepEqual(v2?.aliases, ['champion']);
    assert.deepEqual(v1?.aliases, ['challenger']);
    assert.equal(v2?.stage, 'Production');
    assert.equal(v1?.stage, 'Archived');
    assert.equal(v2?.reference, 'models:/credit-risk@champion');
    assert.equal(v2?.format, 'onnx');
    assert.deepEqual(v2?.metadata?.inputs, [{ name: 'float_input', dtype: 'float32', shape: ['N', 6] }]);
    assert.equal(v2?.metrics.auc?.toFixed(4), "0.7971");
    assert.ok(v2?.modelFile?.startsWith(join(samples, 'mlruns', '1')), 're-rooted onto the local mlruns');
    assert.equal(v2?.lineage[0]?.relPath, 'data/credit-risk/applications-2025-10.parquet');
    assert.equal(v2?.lineage[0]?.snapshotId, `snapshot:${join(samples, 'data/credit-risk/applications-2025-10.parquet')}`);
  });

  test('versioned folders with model cards', () => {
    const m = model(c, 'delivery-eta');
    assert.equal(m.source, 'folder');
    assert.deepEqual(m.versions.map((v) => v.version), ['v2', 'v1']);
    assert.equal(m.versions[0]?.metadata?.inputs[0]?.shape?.[1], 5);
    assert.ok(Object.keys(m.versions[0]?.metrics ?? {}).includes('mae'));
    assert.equal(m.versions[0]?.lineage[0]?.snapshotId, `snapshot:${join(samples, 'data/deliveries.csv')}`);
    const tagger = model(c, 'image-tagger');
    assert.equal(tagger.versions[0]?.format, 'savedmodel');
    assert.deepEqual(tagger.versions[0]?.metadata?.inputs[0]?.shape, [null, 224, 224, 3]);
  });

  test('metrics from ONNX metadata_props: known metric names and metrics.* keys; other keys ignored', () => {
    const churn = model(c, 'churn-gbt').versions[0];
    assert.deepEqual(Object.keys(churn?.metrics ?? {}), ['holdout_auc']);
    assert.ok((churn?.metrics.holdout_auc ?? 0) > 0.5);
    assert.deepEqual(metadataMetrics({ accuracy: '0.91', 'metrics.ece': '0.03', 'metric:f1': 'n/a', target: 'churned', holdout_auc: '', rmse: '1e3' }), { accuracy: 0.91, ece: 0.03, rmse: 1000 });
  });

  test('header-only formats and unsafe pickles', () => {
    assert.equal(model(c, 'sentiment-distilbert').versions[0]?.format, 'huggingface');
    assert.equal(model(c, 'tinyllama-q4').versions[0]?.metadata?.formatLabel, 'GGUF v3');
    const pkl = model(c, 'credit_model').versions[0];
    assert.equal(pkl?.format, 'pickle');
    assert.match(pkl?.metadata?.unsafe ?? '', /arbitrary code/);
  });

  test('a corrupt model is an error on its own node only', () => {
    const v = model(c, 'credit-risk-truncated').versions[0];
    assert.match(v?.error?.message ?? '', /Truncated ONNX file/);
    assert.equal(v?.error?.file, join(samples, 'models', 'broken', 'credit-risk-truncated.onnx'));
    assert.equal(c.models.filter((m) => m.versions.some((x) => x.error)).length, 1);
  });

  test('data snapshots grouped by dataset, with DVC-tracked data that is not pulled', () => {
    const apps = c.datasets.find((d) => d.name === 'applications');
    assert.deepEqual(apps?.snapshots.map((s) => [s.label, s.metadata?.rows]), [['2025-11', 1500], ['2025-10', 2000]]);
    const tx = c.datasets.find((d) => d.name === 'transactions')?.snapshots[0];
    assert.equal(tx?.present, false);
    assert.equal(tx?.dvc?.md5, '425349bae7e311fdc40c27b776b4d131');
    assert.equal(tx?.dvc?.trackedBy, 'data/transactions.csv.dvc');
    const features = c.datasets.find((d) => d.name === 'train-features')?.snapshots[0];
    assert.equal(features?.dvc?.stage, 'featurize');
    const feedback = c.datasets.find((d) => d.name === 'feedback');
    assert.deepEqual(feedback?.snapshots.map((s) => s.label), ['2025-11-15', '2025-11-14']);
  });
});

describe('discoverCatalog on damaged and unusual workspaces', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-catalog-'));
    await cp(join(repo, 'test', 'fixtures', 'mlflow', 'mlruns'), join(root, 'mlruns'), { recursive: true });
    await mkdir(join(root, 'models'), { recursive: true });
    for (const f of ['truncated.onnx', 'empty.onnx', 'not-protobuf.onnx']) await copyFile(join(repo, 'test', 'fixtures', 'onnx', f), join(root, 'models', f));
    await copyFile(join(repo, 'test', 'fixtures', 'safetensors', 'bad-json.safetensors'), join(root, 'models', 'bad-json.safetensors'));
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'data', 'empty.csv'), '');
    await copyFile(join(repo, 'test', 'fixtures', 'dvc', 'broken.dvc'), join(root, 'data', 'broken.dvc'));
    await mkdir(join(root, 'node_modules', 'pkg'), { recursive: true });
    await copyFile(join(repo, 'test', 'fixtures', 'models', 'churn-gbt.onnx'), join(root, 'node_modules', 'pkg', 'hidden.onnx'));
    await mkdir(join(root, 'scratch'), { recursive: true });
    await copyFile(join(repo, 'test', 'fixtures', 'models', 'churn-gbt.onnx'), join(root, 'scratch', 'excluded.onnx'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('every bad file becomes an error on its node, the rest still loads', async () => {
    const c = await discoverCatalog(root, { exclude: ['**/scratch'] });
    const errors = Object.fromEntries(c.models.filter((m) => m.source === 'file').map((m) => [m.name, m.versions[0]?.error?.message ?? '']));
    assert.match(errors.truncated ?? '', /Truncated ONNX/);
    assert.match(errors.empty ?? '', /Empty file/);
    assert.match(errors['not-protobuf'] ?? '', /Not a valid ONNX model/);
    assert.match(errors['bad-json'] ?? '', /JSON/);
    assert.ok(!c.models.some((m) => m.name === 'hidden' || m.name === 'excluded'), 'node_modules and excluded folders are skipped');
    const broken = c.models.find((m) => m.name === 'broken-model');
    assert.ok(broken, 'the MLflow model with invalid YAML is listed');
    const problem = broken.error ?? broken.versions[0]?.error;
    assert.match(problem?.message ?? '', /YAML/i);
    assert.ok(problem?.line, 'with a line number');
    assert.ok(c.models.some((m) => m.source === 'mlflow' && m.versions.length > 0 && !m.versions[0]?.error), 'the healthy registry model still loads');
    const empty = c.datasets.flatMap((d) => d.snapshots).find((s) => s.relPath === 'data/empty.csv');
    assert.match(empty?.error?.message ?? '', /Empty file/);
    assert.ok(c.problems.some((p) => p.file.endsWith('broken.dvc') && p.line !== undefined), 'malformed .dvc reported with its line');
  });

  test('manifest roots replace whole-workspace discovery', async () => {
    const c = await discoverCatalog(root, { manifest: { version: 1, models: ['models/*.safetensors'], data: ['nowhere/'] } });
    assert.deepEqual(c.models.filter((m) => m.source === 'file').map((m) => m.name), ['bad-json']);
    assert.equal(c.datasets.length, 0);
  });
});

describe('discoverCatalog: files whose names carry their versions', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlship-versioned-files-'));
    const fixtures = join(repo, 'test', 'fixtures', 'models');
    await mkdir(join(root, 'models', 'archive'), { recursive: true });
    await copyFile(join(fixtures, 'credit-risk-v1.onnx'), join(root, 'models', 'credit-risk-v1.onnx'));
    await copyFile(join(fixtures, 'credit-risk-v2.onnx'), join(root, 'models', 'credit-risk-v2.onnx'));
    await copyFile(join(fixtures, 'credit-risk-v2.onnx'), join(root, 'models', 'credit-risk-v10.onnx'));
    // The same name in another folder is another model; a version run into the name is no version; nor is a name alone.
    await copyFile(join(fixtures, 'credit-risk-v1.onnx'), join(root, 'models', 'archive', 'credit-risk-v1.onnx'));
    await copyFile(join(fixtures, 'churn-gbt.onnx'), join(root, 'models', 'yolov8.onnx'));
    await copyFile(join(fixtures, 'churn-gbt.onnx'), join(root, 'models', 'churn-gbt.onnx'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('one model per name and folder, a version per file, newest first, named as serving names them', async () => {
    const c = await discoverCatalog(root);
    assert.deepEqual(c.models.map((m) => `${m.name}:${m.source}:${m.versions.map((v) => v.version).join(',')}`).sort(), [
      'churn-gbt:file:churn-gbt.onnx', 'credit-risk:files:1', 'credit-risk:files:10,2,1', 'yolov8:file:yolov8.onnx',
    ]);
    const m = c.models.find((x) => x.source === 'files' && x.versions.length === 3) as ModelEntry;
    assert.equal(m.path, join(root, 'models', 'credit-risk-v10.onnx'));
    assert.deepEqual(m.versions.map((v) => [versionLabel(v), versionTitle(v), v.reference, v.modelFile]), [
      ['version 10', 'credit-risk version 10', 'models/credit-risk-v10.onnx', join(root, 'models', 'credit-risk-v10.onnx')],
      ['version 2', 'credit-risk version 2', 'models/credit-risk-v2.onnx', join(root, 'models', 'credit-risk-v2.onnx')],
      ['version 1', 'credit-risk version 1', 'models/credit-risk-v1.onnx', join(root, 'models', 'credit-risk-v1.onnx')],
    ]);
    assert.ok(m.versions.every((v) => v.metadata?.format === 'onnx' && !v.error));
    // The version before another is there to compare with or fall back to.
    assert.equal(previousVersion(m, m.versions[1] as ModelEntry['versions'][number])?.version, '1');
    const archived = c.models.find((x) => x.source === 'files' && x.versions.length === 1);
    assert.notEqual(archived?.id, m.id);
    assert.equal(archived?.versions[0]?.reference, 'models/archive/credit-risk-v1.onnx');
  });

  test('beside a registry model of the same name: names resolve to the registry, paths and the scaffold to the files', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'mlship-versioned-files-mlflow-'));
    try {
      await cp(join(repo, 'test', 'fixtures', 'mlflow', 'mlruns'), join(ws, 'mlruns'), { recursive: true });
      await mkdir(join(ws, 'exports'));
      for (const v of ['v1', 'v2']) await copyFile(join(repo, 'test', 'fixtures', 'models', `credit-risk-${v}.onnx`), join(ws, 'exports', `credit-risk-${v}.onnx`));
      const c = await discoverCatalog(ws);
      for (const ref of ['models:/credit-risk/2', 'credit-risk/2', 'credit-risk', 'credit-risk@champion', 'models:/credit-risk']) {
        assert.equal(findModelVersion([c], ref, ws)?.model.source, 'mlflow', ref);
      }
      const files = c.models.find((m) => m.source === 'files') as ModelEntry;
      const v2 = files.versions[0] as ModelEntry['versions'][number];
      assert.equal(findModelVersion([c], 'exports/credit-risk-v2.onnx', ws)?.version, v2);
      // The scaffold names the version by its file, which resolves to it.
      const choice = await choiceFromVersion(ws, files, v2);
      assert.equal(choice.reference, 'exports/credit-risk-v2.onnx');
      assert.equal(findModelVersion([c], choice.reference ?? '', ws)?.version, v2);
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });

  test('a model card beside several versions applies to none of them; two files of one format and version stay apart', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'mlship-versioned-files-card-'));
    try {
      await mkdir(join(ws, 'llm'));
      await mkdir(join(ws, 'solo'));
      await mkdir(join(ws, 'm'));
      const gguf = join(repo, 'test', 'fixtures', 'gguf', 'ok.gguf');
      const card = JSON.stringify({ aliases: ['champion'], metrics: { accuracy: 0.91 } });
      for (const f of ['llm/tiny-v1.gguf', 'llm/tiny-v2.gguf', 'solo/small-v3.gguf']) await copyFile(gguf, join(ws, f));
      for (const d of ['llm', 'solo']) await writeFile(join(ws, d, 'model_card.json'), card);
      for (const f of ['m/churn-v3.onnx', 'm/churn_v3.onnx']) await copyFile(join(repo, 'test', 'fixtures', 'models', 'churn-gbt.onnx'), join(ws, f));
      const c = await discoverCatalog(ws);
      const tiny = c.models.find((m) => m.name === 'tiny') as ModelEntry;
      assert.deepEqual(tiny.versions.map((v) => [v.version, v.aliases, v.metrics]), [['2', [], {}], ['1', [], {}]]);
      const small = c.models.find((m) => m.name === 'small') as ModelEntry;
      assert.deepEqual(small.versions.map((v) => [v.version, v.aliases, v.metrics.accuracy]), [['3', ['champion'], 0.91]]);
      const churn = c.models.filter((m) => m.versions.some((v) => v.reference.startsWith('m/')));
      assert.deepEqual(churn.map((m) => `${m.source}:${m.versions.map((v) => `${v.reference}+${v.otherFiles.length}`).join(',')}`).sort(), ['file:m/churn_v3.onnx+0', 'files:m/churn-v3.onnx+0']);
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });
});
