// What a local deployment serves a catalog version or a bare ONNX file as: a standalone file is one model and version
// wherever it is served from (Serve Model Locally on the catalog entry, `mlship serve <file>`), the ones the scaffold
// records for it, not its file name.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { localDeploymentName, servableFromOnnx, servableFromVersion, serveOptionsFor } from '../../../src/core/deployments/local';
import { readOnnxMetadata } from '../../../src/core/formats/onnx';
import { discoverCatalog } from '../../../src/core/registry/catalog';
import { standaloneModel } from '../../../src/core/registry/naming';
import { choiceFromVersion } from '../../../src/core/scaffold/modelChoice';
import { planScaffold } from '../../../src/core/scaffold/plan';

const SAMPLES = resolve(__dirname, '..', '..', '..', 'samples');

describe('servable models', () => {
  it('a version a file name ends with, else the ONNX header\'s model_version, else 1', () => {
    assert.deepEqual(standaloneModel('models/credit-risk-v2.onnx'), { name: 'credit-risk', version: '2', named: true });
    assert.deepEqual(standaloneModel('C:\\models\\fraud-screen-2025-10-01.onnx', 7), { name: 'fraud-screen', version: '2025-10-01', named: true });
    assert.deepEqual(standaloneModel('/w/models/churn-gbt.onnx', 3), { name: 'churn-gbt', version: '3', named: false });
    assert.deepEqual(standaloneModel('/w/models/churn-gbt.onnx', 0), { name: 'churn-gbt', version: '1', named: false });
    // A version run into the name is the architecture's (`yolov8`), not the model's; a name that is a version keeps it.
    assert.deepEqual(standaloneModel('/w/models/yolov8.onnx', 4), { name: 'yolov8', version: '4', named: false });
    assert.deepEqual(standaloneModel('/w/models/mobilenetv2.onnx'), { name: 'mobilenetv2', version: '1', named: false });
    assert.deepEqual(standaloneModel('/w/models/v3.onnx'), { name: 'v3', version: '3', named: false });
  });

  it('a standalone file served from the catalog and by its path reports the same version, and logs under it', async () => {
    const catalog = await discoverCatalog(SAMPLES);
    const entry = catalog.models.flatMap((m) => m.versions).find((v) => v.modelFile?.endsWith('churn-gbt.onnx'));
    assert.ok(entry, 'the sample catalog lists models/churn-gbt.onnx');
    const fromCatalog = servableFromVersion(entry);
    assert.ok(!('problem' in fromCatalog), JSON.stringify(fromCatalog));
    const file = join(SAMPLES, 'models', 'churn-gbt.onnx');
    const meta = await readOnnxMetadata(file);
    const fromPath = servableFromOnnx(file, meta);
    assert.equal(fromCatalog.version, standaloneModel(file, meta.onnx.modelVersion).version);
    assert.equal(fromPath.name, 'churn-gbt');
    assert.equal(fromPath.version, fromCatalog.version);
    assert.notEqual(fromCatalog.version, 'churn-gbt.onnx');
    assert.equal(fromCatalog.title, 'churn-gbt');
    assert.equal(localDeploymentName(fromCatalog), 'churn-gbt (local)');
    const options = serveOptionsFor(fromCatalog, { logDir: '/logs' });
    assert.equal(options.modelVersion, fromCatalog.version);
    assert.equal(options.predictionLog, join('/logs', `churn-gbt-${fromCatalog.version}.predictions.jsonl`));
  });

  it('a file whose name carries its version is that model and version from the catalog, by its path and in a scaffold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlship-servable-'));
    try {
      mkdirSync(join(dir, 'models'));
      const file = join(dir, 'models', 'credit-risk-v2.onnx');
      copyFileSync(resolve(__dirname, '..', '..', 'fixtures', 'models', 'credit-risk-v2.onnx'), file);
      const catalog = await discoverCatalog(dir);
      const model = catalog.models.find((m) => m.versions.some((v) => v.modelFile?.endsWith('credit-risk-v2.onnx')));
      const entry = model?.versions[0];
      assert.ok(model && entry, 'the catalog lists models/credit-risk-v2.onnx');
      const fromCatalog = servableFromVersion(entry);
      assert.ok(!('problem' in fromCatalog), JSON.stringify(fromCatalog));
      const fromPath = servableFromOnnx(file, await readOnnxMetadata(file));
      for (const s of [fromCatalog, fromPath]) {
        assert.equal(s.name, 'credit-risk');
        assert.equal(s.version, '2');
        assert.equal(s.title, 'credit-risk version 2');
        assert.equal(localDeploymentName(s), 'credit-risk v2 (local)');
        assert.equal(serveOptionsFor(s, { logDir: '/logs' }).predictionLog, join('/logs', 'credit-risk-2.predictions.jsonl'));
      }
      // The scaffold's model step on the same catalog entry.
      const choice = await choiceFromVersion(dir, model, entry);
      const plan = planScaffold({ name: 'credit-risk', language: 'python', task: 'binary', fallback: 'constant', model: choice }, { manifestText: null, flagFileText: null, kind: () => undefined });
      assert.equal(plan.spec.model.name, fromCatalog.name);
      assert.equal(plan.spec.model.version, fromCatalog.version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a registry version keeps its own version', async () => {
    const catalog = await discoverCatalog(SAMPLES);
    const eta = catalog.models.find((m) => m.name === 'delivery-eta')?.versions.find((v) => v.version === 'v2');
    assert.ok(eta);
    const s = servableFromVersion(eta);
    assert.ok(!('problem' in s));
    assert.equal(s.version, 'v2');
    assert.equal(s.title, 'delivery-eta version 2');
    assert.equal(localDeploymentName(s), 'delivery-eta v2 (local)');
  });
});
