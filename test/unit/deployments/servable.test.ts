// What a local deployment serves a catalog version or a bare ONNX file as: a standalone file reports one version
// wherever it is served from (Serve Model Locally on the catalog entry, `mlship serve <file>`), the one the scaffold
// records for it, not its file name.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { localDeploymentName, servableFromOnnx, servableFromVersion, serveOptionsFor } from '../../../src/core/deployments/local';
import { readOnnxMetadata } from '../../../src/core/formats/onnx';
import { discoverCatalog } from '../../../src/core/registry/catalog';
import { standaloneVersion } from '../../../src/core/registry/naming';

const SAMPLES = resolve(__dirname, '..', '..', '..', 'samples');

describe('servable models', () => {
  it('a version a file name ends with, else the ONNX header\'s model_version, else 1', () => {
    assert.equal(standaloneVersion('models/credit-risk-v2.onnx'), '2');
    assert.equal(standaloneVersion('C:\\models\\fraud-screen-2025-10-01.onnx', 7), '2025-10-01');
    assert.equal(standaloneVersion('/w/models/churn-gbt.onnx', 3), '3');
    assert.equal(standaloneVersion('/w/models/churn-gbt.onnx', 0), '1');
  });

  it('a standalone file served from the catalog and by its path reports the same version, and logs under it', async () => {
    const catalog = await discoverCatalog(SAMPLES);
    const entry = catalog.models.flatMap((m) => m.versions).find((v) => v.modelFile?.endsWith('churn-gbt.onnx'));
    assert.ok(entry, 'the sample catalog lists models/churn-gbt.onnx');
    const fromCatalog = servableFromVersion(entry);
    assert.ok(!('problem' in fromCatalog), JSON.stringify(fromCatalog));
    const file = join(SAMPLES, 'models', 'churn-gbt.onnx');
    const meta = await readOnnxMetadata(file);
    const fromPath = servableFromOnnx(file, meta, 'churn-gbt');
    assert.equal(fromCatalog.version, standaloneVersion(file, meta.onnx.modelVersion));
    assert.equal(fromPath.version, fromCatalog.version);
    assert.notEqual(fromCatalog.version, 'churn-gbt.onnx');
    assert.equal(fromCatalog.title, 'churn-gbt');
    assert.equal(localDeploymentName(fromCatalog), 'churn-gbt (local)');
    const options = serveOptionsFor(fromCatalog, { logDir: '/logs' });
    assert.equal(options.modelVersion, fromCatalog.version);
    assert.equal(options.predictionLog, join('/logs', `churn-gbt-${fromCatalog.version}.predictions.jsonl`));
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
