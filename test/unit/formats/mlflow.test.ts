import assert from 'node:assert/strict';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseMlflowSchema, readMlflowRegistry } from '../../../src/core/formats/mlflow';
import type { MlflowModelVersion, MlflowRegisteredModel, MlflowRegistry } from '../../../src/core/formats/mlflow';
import { SAMPLES, fixture, withTempDir } from './helpers';

const MLRUNS = fixture('mlflow', 'mlruns');
const RUN_V1 = '83ed94685d5ba48227bb819fce0d458b';
const RUN_V2 = '7ef9c3483d46bf1d1bbce2e1dc8d16b2';

function model(reg: MlflowRegistry, name: string): MlflowRegisteredModel {
  const m = reg.models.find((x) => x.name === name);
  assert.ok(m, `model ${name}`);
  return m;
}

function version(m: MlflowRegisteredModel, n: number): MlflowModelVersion {
  const v = m.versions.find((x) => x.version === n);
  assert.ok(v, `version ${n}`);
  return v;
}

/** A copy of the fixture mlruns folder in a temp dir (as <tmp>/mlruns). */
async function withCopy<T>(fn: (mlruns: string) => Promise<T>): Promise<T> {
  return withTempDir(async (tmp) => {
    const dir = join(tmp, 'mlruns');
    await cp(MLRUNS, dir, { recursive: true });
    return fn(dir);
  });
}

async function editYaml(path: string, edit: (text: string) => string): Promise<void> {
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

describe('readMlflowRegistry on the fixture FileStore', () => {
  test('lists registered models; a version with invalid YAML becomes an error entry with file and line', async () => {
    const reg = await readMlflowRegistry(MLRUNS);
    assert.deepEqual(
      reg.models.map((m) => m.name),
      ['broken-model', 'credit-risk'],
    );
    assert.deepEqual(reg.problems, []);
    const broken = model(reg, 'broken-model');
    assert.equal(broken.error, undefined);
    assert.equal(broken.versions.length, 1);
    const err = broken.versions[0]?.error;
    assert.ok(err);
    assert.equal(err.line, 3);
    assert.equal(err.file, join(MLRUNS, 'models', 'broken-model', 'version-1', 'meta.yaml'));
    assert.match(err.message, /^models\/broken-model\/version-1\/meta\.yaml line 3: invalid YAML — /);
    assert.equal(broken.versions[0]?.version, 1);
  });

  test('credit-risk: description, tags, aliases; the Deleted_Internal version is skipped', async () => {
    const m = model(await readMlflowRegistry(MLRUNS), 'credit-risk');
    assert.equal(m.description, 'Probability of default for consumer credit applications (binary, defaulted=1).');
    assert.deepEqual(m.tags, { owner: 'risk-ml', task: 'binary-classification' });
    assert.deepEqual(m.aliases, { challenger: 1, champion: 2 });
    assert.deepEqual(
      m.versions.map((v) => [v.version, v.stage, v.aliases]),
      [
        [1, 'Archived', ['challenger']],
        [2, 'Production', ['champion']],
      ],
    );
    assert.equal(m.created?.getTime(), 1762162812345);
  });

  test('version 2: run metrics (latest step), params, tags, source re-rooted, MLmodel signature, datasets', async () => {
    const v = version(model(await readMlflowRegistry(MLRUNS), 'credit-risk'), 2);
    assert.equal(v.error, undefined);
    assert.deepEqual(v.warnings, []);
    assert.equal(v.status, 'READY');
    assert.equal(v.created?.getTime(), 1762353009117);
    assert.equal(v.runId, RUN_V2);
    assert.equal(v.runName, 'lr-all-features');
    assert.match(v.description ?? '', /^Adds credit_lines and months_employed; C=1\.0\. Better AUC/);
    assert.equal(v.source, `file:///home/ana/credit-risk/mlruns/1/${RUN_V2}/artifacts/model`);
    assert.equal(v.sourcePath, join(MLRUNS, '1', RUN_V2, 'artifacts', 'model'));
    assert.equal(v.registryDir, join(MLRUNS, 'models', 'credit-risk', 'version-2'));
    assert.deepEqual(v.tags, {
      approved_by: 'risk-committee',
      training_data: 'data/credit-risk/applications-2025-10.parquet',
      validation_status: 'approved',
    });
    assert.deepEqual(v.metrics, { accuracy: 0.822, auc: 0.7970982362794364, cv_auc: 0.7432608546539543, log_loss: 0.4075440786574601 });
    assert.equal(v.params['C'], '1.0');
    assert.equal(v.params['features'], 'age,income,debt_ratio,credit_lines,late_payments,months_employed');
    assert.equal(v.runTags['mlflow.source.git.commit'], '90341373c8036fb713cb307adc6646f9330c0808');
    assert.deepEqual(v.flavors, ['onnx', 'python_function']);
    assert.equal(v.modelUuid, '03ba5da767eccd2d57219bad0357de44');
    assert.equal(v.mlflowVersion, '2.16.2');
    assert.equal(v.utcTimeCreated, '2025-11-05 14:02:58.771042');
    assert.deepEqual(v.signature, {
      inputs: [{ name: 'float_input', dtype: 'float32', shape: [null, 6] }],
      outputs: [
        { name: 'label', dtype: 'int64', shape: [null] },
        { name: 'probabilities', dtype: 'float32', shape: [null, 2] },
      ],
    });
    assert.deepEqual(v.datasets, [
      {
        name: 'applications-2025-10',
        digest: '6ac76800',
        sourceUri: 'data/credit-risk/applications-2025-10.parquet',
        sourceType: 'local',
        context: 'training',
        sourcePath: join(fixture('mlflow'), 'data', 'credit-risk', 'applications-2025-10.parquet'),
      },
    ]);
  });

  test('version 1 comes from the other run', async () => {
    const v = version(model(await readMlflowRegistry(MLRUNS), 'credit-risk'), 1);
    assert.equal(v.runId, RUN_V1);
    assert.equal(v.runName, 'lr-baseline-4f');
    assert.equal(v.params['C'], '0.05');
    assert.equal(v.metrics['accuracy'], 0.804);
    assert.equal(v.modelUuid, 'c53a6e4ed9e690770016b418bfc4cc52');
    assert.equal(v.sourcePath, join(MLRUNS, '1', RUN_V1, 'artifacts', 'model'));
  });

  test('the demo workspace: dataset sources resolve to files in the workspace', async () => {
    const reg = await readMlflowRegistry(join(SAMPLES, 'mlruns'));
    const v = version(model(reg, 'credit-risk'), 2);
    assert.equal(v.datasets[0]?.sourcePath, join(SAMPLES, 'data', 'credit-risk', 'applications-2025-10.parquet'));
    await readFile(v.datasets[0]?.sourcePath ?? '');
    assert.equal(v.sourcePath, join(SAMPLES, 'mlruns', '1', RUN_V2, 'artifacts', 'model'));
  });

  test('a folder without a registry has no models', async () => {
    await withTempDir(async (dir) => {
      const reg = await readMlflowRegistry(dir);
      assert.deepEqual(reg.models, []);
    });
  });
});

describe('readMlflowRegistry on damaged or moved stores', () => {
  test('an invalid registered-model meta.yaml is an error on that model only; versions are still read', async () => {
    await withCopy(async (mlruns) => {
      await writeFile(join(mlruns, 'models', 'credit-risk', 'meta.yaml'), 'name: credit-risk\ndescription: [unclosed\n');
      const reg = await readMlflowRegistry(mlruns);
      const m = model(reg, 'credit-risk');
      assert.ok(m.error);
      // The unclosed flow sequence is reported where the parser gives up: the end of the file.
      assert.equal(m.error.line, 3);
      assert.match(m.error.message, /^models\/credit-risk\/meta\.yaml line 3: invalid YAML — /);
      assert.equal(m.error.file, join(mlruns, 'models', 'credit-risk', 'meta.yaml'));
      assert.deepEqual(
        m.versions.map((v) => v.version),
        [1, 2],
      );
      assert.deepEqual(m.aliases, { challenger: 1, champion: 2 }, 'aliases come from the aliases/ folder');
      assert.equal(model(reg, 'broken-model').versions.length, 1);
    });
  });

  test('without an MLmodel file, the signature comes from the run history tag; a broken MLmodel is a warning', async () => {
    await withCopy(async (mlruns) => {
      await rm(join(mlruns, '1', RUN_V2, 'artifacts', 'model', 'MLmodel'));
      await writeFile(join(mlruns, '1', RUN_V1, 'artifacts', 'model', 'MLmodel'), 'flavors:\n  onnx: {data: model.onnx\n');
      const m = model(await readMlflowRegistry(mlruns), 'credit-risk');
      const v2 = version(m, 2);
      assert.deepEqual(v2.flavors, ['onnx', 'python_function']);
      assert.equal(v2.signature?.inputs[0]?.shape?.[1], 6);
      assert.equal(v2.modelUuid, '03ba5da767eccd2d57219bad0357de44');
      const v1 = version(m, 1);
      assert.equal(v1.warnings.length, 1);
      assert.match(v1.warnings[0]?.message ?? '', new RegExp(`^1/${RUN_V1}/artifacts/model/MLmodel line \\d+: invalid YAML`));
      assert.equal(v1.modelUuid, 'c53a6e4ed9e690770016b418bfc4cc52', 'falls back to the history tag');
    });
  });

  test('sources: an existing absolute path, a path from another machine with the run id, runs:/ URIs, and unreachable URIs', async () => {
    await withCopy(async (mlruns) => {
      const v2Meta = join(mlruns, 'models', 'credit-risk', 'version-2', 'meta.yaml');
      const local = join(mlruns, '1', RUN_V2, 'artifacts', 'model');
      await editYaml(v2Meta, (t) => t.replace(/^(source|storage_location): .*$/gm, `$1: file://${local.split('/').map(encodeURIComponent).join('/')}`));
      let v = version(model(await readMlflowRegistry(mlruns), 'credit-risk'), 2);
      assert.equal(v.sourcePath, local);

      await editYaml(v2Meta, (t) => t.replace(/^(source|storage_location): .*$/gm, `$1: /srv/artifact-store/1/${RUN_V2}/artifacts/model`));
      v = version(model(await readMlflowRegistry(mlruns), 'credit-risk'), 2);
      assert.equal(v.sourcePath, local);

      await editYaml(v2Meta, (t) => t.replace(/^storage_location: .*\n/m, '').replace(/^source: .*$/m, `source: runs:/${RUN_V2}/model`));
      v = version(model(await readMlflowRegistry(mlruns), 'credit-risk'), 2);
      assert.equal(v.sourcePath, local);
      assert.equal(v.source, `runs:/${RUN_V2}/model`);

      await editYaml(v2Meta, (t) => t.replace(/^source: .*$/m, 'source: s3://models/credit-risk/2'));
      v = version(model(await readMlflowRegistry(mlruns), 'credit-risk'), 2);
      assert.equal(v.sourcePath, undefined);
      assert.deepEqual(v.flavors, ['onnx', 'python_function'], 'signature and flavors still come from the run');
    });
  });

  test('a missing run is a warning; run metrics keep the highest step and handle nan/inf; nested keys', async () => {
    await withCopy(async (mlruns) => {
      await rm(join(mlruns, '1', RUN_V1), { recursive: true });
      const metrics = join(mlruns, '1', RUN_V2, 'metrics');
      await writeFile(join(metrics, 'loss'), '100 0.9 0\n300 0.5 2\n200 0.7 1\n');
      await writeFile(join(metrics, 'weird'), '100 nan 0\n200 inf 1\n');
      await mkdir(join(metrics, 'val'), { recursive: true });
      await writeFile(join(metrics, 'val', 'auc'), '100 0.81 0\n');
      await mkdir(join(mlruns, '1', RUN_V2, 'params', 'opt'), { recursive: true });
      await writeFile(join(mlruns, '1', RUN_V2, 'params', 'opt', 'lr'), '0.01');
      await rm(join(mlruns, 'models', 'credit-risk', 'aliases'), { recursive: true });

      const m = model(await readMlflowRegistry(mlruns), 'credit-risk');
      assert.deepEqual(m.aliases, { challenger: 1, champion: 2 }, 'aliases fall back to meta.yaml');
      const v1 = version(m, 1);
      assert.deepEqual(v1.metrics, {});
      assert.equal(v1.sourcePath, undefined);
      assert.deepEqual(
        v1.warnings.map((w) => w.message),
        [`Run ${RUN_V1} of version 1 is not in this mlruns folder`],
      );
      const v2 = version(m, 2);
      assert.equal(v2.metrics['loss'], 0.5);
      assert.equal(v2.metrics['weird'], Infinity);
      assert.equal(v2.metrics['val/auc'], 0.81);
      assert.equal(v2.params['opt/lr'], '0.01');
    });
  });
});

describe('MLflow meta.yaml text that YAML 1.2 would read as a number', () => {
  test('a dataset digest such as 12345e67 or 01234589 (left unquoted by PyYAML) stays as written', async () => {
    await withCopy(async (mlruns) => {
      const dsMeta = join(mlruns, '1', 'datasets', '339042422a688a10a130cf7ac5e9f2ce', 'meta.yaml');
      await editYaml(dsMeta, (t) => t.replace('digest: 6ac76800', 'digest: 12345e67').replace('name: applications-2025-10', 'name: 2025e10'));
      const versionMeta = join(mlruns, 'models', 'credit-risk', 'version-2', 'meta.yaml');
      await editYaml(versionMeta, (t) => t.replace(/^description: [\s\S]*?(?=^last_updated)/m, 'description: 0123456789\n'));
      let v = version(model(await readMlflowRegistry(mlruns), 'credit-risk'), 2);
      assert.equal(v.datasets[0]?.digest, '12345e67');
      assert.equal(v.datasets[0]?.name, '2025e10');
      assert.equal(v.description, '0123456789');
      assert.equal(v.version, 2);
      assert.equal(v.created?.getTime(), 1762353009117);
      await editYaml(dsMeta, (t) => t.replace('digest: 12345e67', 'digest: 01234589'));
      v = version(model(await readMlflowRegistry(mlruns), 'credit-risk'), 2);
      assert.equal(v.datasets[0]?.digest, '01234589');
    });
  });
});

describe('parseMlflowSchema', () => {
  test('column-based and tensor-based specs', () => {
    assert.deepEqual(
      parseMlflowSchema(
        JSON.stringify([
          { type: 'double', name: 'income', required: true },
          { type: 'long', name: 'age' },
          { type: 'string', name: 'region' },
          { type: 'boolean', name: 'flag' },
          { type: 'array', items: { type: 'float' }, name: 'emb' },
          { type: 'datetime' },
        ]),
      ),
      [
        { name: 'income', dtype: 'float64', shape: [null] },
        { name: 'age', dtype: 'int64', shape: [null] },
        { name: 'region', dtype: 'string', shape: [null] },
        { name: 'flag', dtype: 'bool', shape: [null] },
        { name: 'emb', dtype: 'list(float32)', shape: [null] },
        { name: 'input_5', dtype: 'datetime', shape: [null] },
      ],
    );
    assert.deepEqual(parseMlflowSchema('[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 28, 28]}}]', 'output'), [
      { name: 'output_0', dtype: 'float64', shape: [null, 28, 28] },
    ]);
    assert.deepEqual(parseMlflowSchema(null), []);
    assert.throws(() => parseMlflowSchema('{"a": 1}'), /not a JSON list/);
  });
});
