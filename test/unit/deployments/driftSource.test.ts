// A deployment's drift baseline: its own baseline:, else drift.baselines.<model>, else the training snapshot of the
// version it serves (lineage, on the sample workspace), else drift.baseline; resolved against the workspace folder.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/config/manifest';
import { deploymentDriftSource, probeRowsSource } from '../../../src/core/deployments/driftSource';
import { discoverCatalog } from '../../../src/core/registry/catalog';
import { findModelVersion } from '../../../src/core/registry/resolve';
import { SAMPLES } from '../formats/helpers';

describe('deploymentDriftSource', () => {
  test('follows the baseline rule, most specific first', async () => {
    const manifest = parseManifest(await readFile(join(SAMPLES, 'mlship.yaml'), 'utf8')).manifest;
    const catalog = await discoverCatalog(SAMPLES, manifest ? { manifest } : {});
    const served = findModelVersion([catalog], 'models:/credit-risk@champion', SAMPLES);
    assert.ok(served);
    const lineage = deploymentDriftSource({ model: 'models:/credit-risk@champion' }, undefined, served, SAMPLES);
    assert.deepEqual(lineage, { baseline: join(SAMPLES, 'data/credit-risk/applications-2025-10.parquet'), reason: 'training data of credit-risk version 2 (@champion, Production)', mode: 'evidently' });
    const perModel = deploymentDriftSource({ model: 'credit-risk@champion' }, { baselines: { 'credit-risk': 'data/holdout.tsv' }, mode: 'effect-size' }, served, SAMPLES);
    assert.deepEqual(perModel, { baseline: join(SAMPLES, 'data/holdout.tsv'), reason: 'drift.baselines.credit-risk in mlship.yaml', mode: 'effect-size' });
    const own = deploymentDriftSource({ model: 'credit-risk@champion', baseline: '/data/x.parquet' }, { baselines: { 'credit-risk': 'data/holdout.tsv' } }, served, SAMPLES);
    assert.deepEqual(own, { baseline: '/data/x.parquet', reason: 'baseline: of the deployment in mlship.yaml', mode: 'evidently' });
    const workspace = deploymentDriftSource({ model: 'unknown-model' }, { baseline: 'data/holdout.tsv' }, undefined, SAMPLES);
    assert.ok('reason' in workspace && workspace.reason === 'drift.baseline in mlship.yaml');
    assert.deepEqual(deploymentDriftSource({}, undefined, undefined, SAMPLES), { unavailable: 'no baseline: set baseline: on the deployment, or drift.baselines in mlship.yaml' });
  });

  test('Probe Now takes its rows from the same baseline, when it is a data snapshot', async () => {
    const manifest = parseManifest(await readFile(join(SAMPLES, 'mlship.yaml'), 'utf8')).manifest;
    const catalog = await discoverCatalog(SAMPLES, manifest ? { manifest } : {});
    const served = findModelVersion([catalog], 'models:/credit-risk@champion', SAMPLES);
    // No baseline: of its own: the lineage's training snapshot.
    assert.deepEqual(probeRowsSource(deploymentDriftSource({ model: 'models:/credit-risk@champion' }, undefined, served, SAMPLES)), {
      snapshot: join(SAMPLES, 'data/credit-risk/applications-2025-10.parquet'),
      reason: 'training data of credit-risk version 2 (@champion, Production)',
    });
    const profile = probeRowsSource(deploymentDriftSource({ baseline: 'baselines/credit-risk.profile.json' }, undefined, undefined, SAMPLES));
    assert.deepEqual(profile, { unavailable: 'Its baseline credit-risk.profile.json holds no rows to send (not CSV, TSV, JSONL or Parquet); to probe with real rows, set baseline: on the deployment to a data snapshot.' });
    const none = probeRowsSource(deploymentDriftSource({}, undefined, undefined, SAMPLES));
    assert.ok('unavailable' in none && /give it a baseline snapshot/.test(none.unavailable));
  });
});
