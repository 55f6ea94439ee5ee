// Scaffold ML Feature's steps as data: going Back keeps every answer; changing the name, the language or the model
// keeps the later answers that still fit it (a folder typed, a task the new model serves, another version of the same
// model as the previous one) and drops the others, whose steps offer their default again; the counter follows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TensorSpec } from '../../../src/core/formats/types';
import type { ModelEntry, ModelVersionEntry } from '../../../src/core/registry/types';
import { scaffoldFlow, scaffoldRequest, type ModelAnswer, type OnnxChoice } from '../../../src/core/scaffold/scaffoldFlow';

const ROOT = '/ws';
const INPUT: TensorSpec = { name: 'input', dtype: 'float32', shape: ['N', 3] };
const probs = (classes: number | string): TensorSpec[] => [{ name: 'label', dtype: 'int64', shape: ['N'] }, { name: 'probabilities', dtype: 'float32', shape: ['N', classes] }];
const value: TensorSpec[] = [{ name: 'variable', dtype: 'float32', shape: ['N', 1] }];

function versionOf(name: string, version: string, file: string, lineage: ModelVersionEntry['lineage'] = []): ModelVersionEntry {
  return { id: `${name}@${version}`, modelId: name, modelName: name, version, aliases: [], path: `${ROOT}/${file}`, format: 'onnx', metrics: {}, params: {}, tags: {}, lineage, reference: `${name}/${version}`, otherFiles: [] };
}

function modelOf(name: string, versions: ModelVersionEntry[]): ModelEntry {
  return { id: name, name, source: 'folder', path: `${ROOT}/models/${name}`, versions };
}

function choiceOf(v: ModelVersionEntry, outputs: TensorSpec[]): OnnxChoice {
  return { kind: 'onnx', path: v.path.slice(ROOT.length + 1), name: v.modelName, version: v.version, reference: v.reference, metadata: { inputs: [INPUT], outputs, metadata: {} } };
}

const credit = modelOf('credit-risk', [
  versionOf('credit-risk', '3', 'models/credit-risk/3/model.onnx', [{ relPath: 'data/applications-2025-11.parquet', snapshotId: 's11' } as ModelVersionEntry['lineage'][number]]),
  versionOf('credit-risk', '2', 'models/credit-risk/2/model.onnx'),
  versionOf('credit-risk', '1', 'models/credit-risk/1/model.onnx'),
]);
const eta = modelOf('eta', [versionOf('eta', '1', 'models/eta/1/model.onnx')]);
const [credit3, credit2, credit1] = credit.versions as [ModelVersionEntry, ModelVersionEntry, ModelVersionEntry];
const eta1 = eta.versions[0] as ModelVersionEntry;

const catalog = (model: ModelEntry, version: ModelVersionEntry, outputs = probs(2)): ModelAnswer => ({ source: 'catalog', root: ROOT, model, version, choice: choiceOf(version, outputs) });
const file = (path: string, outputs = probs(2)): ModelAnswer => ({ source: 'file', root: ROOT, choice: { kind: 'onnx', path, metadata: { inputs: [INPUT], outputs, metadata: {} } } });
const DEFAULTS = { language: 'python' as const, threshold: 0.7, latencyMs: 50 };

describe('Scaffold ML Feature flow', () => {
  test('Back keeps every answer: each step opens on it, and forward again loses none', () => {
    const flow = scaffoldFlow(DEFAULTS);
    const answers: [string, unknown][] = [
      ['name', 'credit-risk'],
      ['language', 'typescript'],
      ['model', catalog(credit, credit3)],
      ['task', 'binary'],
      ['threshold', '0.8'],
      ['fallback', 'previous-version'],
      ['previous', { choice: choiceOf(credit1, probs(2)), versionId: credit1.id }],
      ['latency', '120'],
    ];
    for (const [key, v] of answers) {
      assert.equal(flow.current?.id, key);
      flow.set(key as never, v as never);
      flow.next();
    }
    const at = () => flow.current?.id;
    assert.equal(at(), 'percent');
    assert.deepEqual(flow.position(), { step: 9, total: 10 });
    while (at() !== 'name') assert.ok(flow.back());
    for (const [key, v] of answers) {
      assert.equal(flow.current?.id, key);
      assert.deepEqual(flow.get(key as never), v, key);
      flow.next();
    }
    assert.equal(flow.get('targetFolder'), 'src/features/credit-risk');
  });

  test('the counter: 9 steps from the palette, 8 from a version of the Models view, more for an endpoint, fewer for a regression', () => {
    assert.deepEqual(scaffoldFlow(DEFAULTS).position(), { step: 1, total: 9 });
    const preset = scaffoldFlow(DEFAULTS, catalog(credit, credit3));
    preset.set('name', 'churn-guard');
    preset.next();
    assert.equal(preset.current?.id, 'language');
    assert.deepEqual(preset.position(), { step: 2, total: 8 });
    const flow = scaffoldFlow(DEFAULTS);
    flow.set('model', { source: 'oip' });
    // URL, model, version, features and the class labels.
    assert.deepEqual(flow.position(), { step: 1, total: 14 });
    flow.set('task', 'regression');
    assert.deepEqual(flow.position(), { step: 1, total: 12 }, 'no labels, no threshold');
    flow.set('model', catalog(credit, credit3, value));
    assert.equal(flow.get('task'), 'regression', 'a regression model serves it');
    assert.deepEqual(flow.position(), { step: 1, total: 8 });
  });

  test('the target folder follows the name and the language, and a folder typed stays while the language can use it', () => {
    const flow = scaffoldFlow(DEFAULTS);
    flow.set('name', 'credit-risk');
    assert.equal(flow.get('targetFolder'), 'features/credit_risk');
    flow.set('targetFolder', 'features/credit_risk');
    assert.equal(flow.answered('targetFolder'), false, 'the default taken follows it');
    flow.set('language', 'typescript');
    assert.equal(flow.get('targetFolder'), 'src/features/credit-risk');
    flow.set('name', 'fraud-check');
    assert.equal(flow.get('targetFolder'), 'src/features/fraud-check');
    // Typed: kept while it is a folder this language can use.
    flow.set('targetFolder', 'services/scoring/fraud');
    flow.set('language', 'python');
    flow.set('name', 'fraud');
    assert.equal(flow.get('targetFolder'), 'services/scoring/fraud');
    // A TypeScript folder that is no Python package: dropped when the language becomes Python.
    flow.set('language', 'typescript');
    flow.set('targetFolder', 'services/fraud-check');
    assert.deepEqual(flow.set('language', 'python'), ['targetFolder']);
    assert.equal(flow.get('targetFolder'), 'features/fraud');
  });

  test('the task: picking the same model again keeps it; another model keeps a task it serves and drops one it does not', () => {
    const flow = scaffoldFlow(DEFAULTS);
    flow.set('model', catalog(credit, credit3, probs('C')));
    assert.equal(flow.get('task'), 'binary', 'from the outputs: the class count is not fixed');
    flow.set('task', 'multiclass');
    assert.deepEqual(flow.set('model', catalog(credit, credit3, probs('C'))), [], 'the same version again');
    assert.equal(flow.get('task'), 'multiclass');
    // Two classes: multiclass does not fit, the model's own task is offered.
    assert.deepEqual(flow.set('model', catalog(credit, credit2, probs(2))), ['task']);
    assert.equal(flow.get('task'), 'binary');
    // Regression, chosen for a classifier (its probabilities are floats): another classifier serves it too.
    flow.set('task', 'regression');
    flow.set('model', catalog(credit, credit1, probs(4)));
    assert.equal(flow.get('task'), 'regression');
    // An endpoint tells nothing against any task.
    flow.set('model', { source: 'oip' });
    assert.equal(flow.get('task'), 'regression');
    // A task taken as the model's default moves with the model.
    flow.set('model', catalog(credit, credit1, probs(4)));
    flow.set('task', 'multiclass');
    assert.equal(flow.answered('task'), false);
    flow.set('model', file('exports/churn.onnx', probs(2)));
    assert.equal(flow.get('task'), 'binary');
  });

  test('the previous version: another version of the same model stays; the model itself, or another model\'s version, goes', () => {
    const flow = scaffoldFlow(DEFAULTS);
    flow.set('model', catalog(credit, credit3));
    flow.set('fallback', 'previous-version');
    flow.set('previous', { choice: choiceOf(credit1, probs(2)), versionId: credit1.id });
    flow.set('model', catalog(credit, credit2));
    assert.equal(flow.get('previous')?.versionId, credit1.id);
    assert.deepEqual(flow.set('model', catalog(credit, credit1)), ['previous'], 'the model cannot be its own previous version');
    flow.set('model', catalog(credit, credit3));
    flow.set('previous', { choice: choiceOf(credit2, probs(2)), versionId: credit2.id });
    assert.deepEqual(flow.set('model', catalog(eta, eta1)), ['previous']);
    // A file chosen as the previous version stays for any other model file.
    flow.set('previous', { choice: { kind: 'onnx', path: 'exports/eta-old.onnx' } });
    flow.set('model', file('exports/eta-new.onnx'));
    assert.equal(flow.get('previous')?.choice.path, 'exports/eta-old.onnx');
    assert.deepEqual(flow.set('model', file('exports/eta-old.onnx')), ['previous']);
    assert.equal(flow.get('fallback'), 'previous-version', 'the fallback itself stays');
  });

  test('an endpoint: its answers are kept across a detour to a file, labels and the previous version re-checked', () => {
    const flow = scaffoldFlow(DEFAULTS);
    flow.set('model', { source: 'oip' });
    assert.equal(flow.get('oipUrl'), 'http://127.0.0.1:8081');
    flow.set('oipModel', 'eta');
    flow.set('oipVersion', '3');
    flow.set('labels', 'low, high');
    flow.set('fallback', 'previous-version');
    flow.set('previousVersion', '2');
    flow.set('model', file('models/eta.onnx'));
    flow.set('model', { source: 'oip' });
    assert.deepEqual([flow.get('oipModel'), flow.get('oipVersion'), flow.get('labels'), flow.get('previousVersion')], ['eta', '3', 'low, high', '2']);
    assert.deepEqual(flow.set('task', 'multiclass'), ['labels'], 'two labels are not a multiclass');
    assert.deepEqual(flow.set('oipVersion', '2'), ['previousVersion'], 'the previous version must differ');
  });

  test('the request: the answers, the defaults where none was given, and the version\'s training snapshot as baseline', () => {
    const flow = scaffoldFlow(DEFAULTS, catalog(credit, credit3));
    flow.set('name', 'credit-risk');
    flow.set('fallback', 'previous-version');
    flow.set('previous', { choice: choiceOf(credit2, probs(2)), versionId: credit2.id });
    flow.set('percent', '10%');
    const req = scaffoldRequest(flow.get);
    assert.equal(req.model.kind === 'onnx' && req.model.path, 'models/credit-risk/3/model.onnx');
    assert.equal(req.previous?.kind === 'onnx' && req.previous.path, 'models/credit-risk/2/model.onnx');
    assert.deepEqual(
      { name: req.name, language: req.language, task: req.task, threshold: req.threshold, latency: req.latencyBudgetMs, percent: req.initialPercent, folder: req.folder, baseline: req.baseline },
      { name: 'credit-risk', language: 'python', task: 'binary', threshold: 0.7, latency: 50, percent: 10, folder: 'features/credit_risk', baseline: 'data/applications-2025-11.parquet' },
    );
    // An endpoint: features and labels from the text typed; no threshold for a regression.
    const oip = scaffoldFlow(DEFAULTS);
    oip.set('name', 'eta');
    oip.set('model', { source: 'oip' });
    oip.set('oipModel', 'eta');
    oip.set('features', 'distance_km, items');
    oip.set('task', 'regression');
    const r = scaffoldRequest(oip.get);
    assert.deepEqual(r.model, { kind: 'oip', url: 'http://127.0.0.1:8081', model: 'eta' });
    assert.deepEqual(r.features, ['distance_km', 'items']);
    assert.equal(r.threshold, undefined);
    assert.equal(r.previous, undefined);
  });
});
