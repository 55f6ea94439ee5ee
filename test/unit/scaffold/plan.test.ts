// The scaffold plan: what it creates and edits for good input, and clear errors — with nothing written — for bad input
// (acceptance 3): invalid names, path traversal, existing files, an invalid or hand-broken flag file, a flag key or
// deployment that exists.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readOnnxMetadata } from '../../../src/core/formats/onnx';
import { readWorkspace, writePlan } from '../../../src/core/scaffold/apply';
import { readRollout } from '../../../src/core/scaffold/flagFile';
import { configFeature, existingNameProblem, featureNameProblem, normalizeFolder, numberFromText, percentProblem, thresholdProblem, typedNumberProblem, planScaffold, ScaffoldError, taskProblem, type ScaffoldRequest, type WorkspaceView } from '../../../src/core/scaffold/plan';
import { taskFromOutputs } from '../../../src/core/scaffold/modelChoice';
import { parseManifest } from '../../../src/core/config/manifest';
import { REPO } from './combos';

type Meta = Extract<ScaffoldRequest['model'], { kind: 'onnx' }>['metadata'];

const EMPTY: WorkspaceView = { manifestText: null, flagFileText: null, kind: () => undefined };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScaffoldError) return err.problems;
    throw err;
  }
  assert.fail('expected a ScaffoldError');
}

describe('scaffold plan', () => {
  let credit: Meta;
  let credit1: Meta;
  let eta1: Meta;
  let eta2: Meta;
  const request = (over: Partial<ScaffoldRequest> = {}): ScaffoldRequest => ({
    name: 'credit-risk',
    language: 'python',
    task: 'binary',
    fallback: 'constant',
    model: { kind: 'onnx', path: 'models/credit-risk-v2.onnx', name: 'credit-risk', version: '2', metadata: credit },
    ...over,
  });

  before(async () => {
    const meta = async (f: string): Promise<Meta> => {
      const m = await readOnnxMetadata(join(REPO, f));
      return { ...m, modelVersion: m.onnx.modelVersion };
    };
    credit = await meta('test/fixtures/models/credit-risk-v2.onnx');
    credit1 = await meta('test/fixtures/models/credit-risk-v1.onnx');
    eta1 = await meta('test/fixtures/models/delivery-eta-v1.onnx');
    eta2 = await meta('test/fixtures/models/delivery-eta-v2.onnx');
  });

  test('a plan for a new workspace: files, a new flag file at 5 %, a new mlship.yaml with the deployment', () => {
    const plan = planScaffold(request({ baseline: 'data/credit-risk/applications-2025-10.parquet' }), EMPTY);
    assert.equal(plan.spec.folder, 'features/credit_risk');
    assert.deepEqual(plan.spec.featureNames, ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed']);
    assert.deepEqual(plan.spec.classLabels, [0, 1]);
    assert.equal(plan.spec.outputName, 'probabilities');
    assert.ok(plan.files.some((f) => f.path === 'features/credit_risk/predictor.py'));
    assert.ok(plan.files.every((f) => f.path.startsWith('features/credit_risk/')));
    assert.equal(plan.flagFile.path, 'flags/flags.flagd.json');
    assert.equal(plan.flagFile.before, null);
    assert.deepEqual(readRollout(plan.flagFile.after, 'f', 'credit-risk-model'), { flagKey: 'credit-risk-model', state: 'ENABLED', percent: 5, effectivePercent: 5, killSwitch: false });
    const manifest = parseManifest(plan.manifest.after).manifest;
    assert.deepEqual(manifest?.deployments?.[0], {
      name: 'credit-risk',
      model: 'credit-risk/2',
      baseline: 'data/credit-risk/applications-2025-10.parquet',
      predictions: { jsonl: 'logs/credit-risk/predictions.jsonl' },
      feedback: { jsonl: 'logs/credit-risk/feedback.jsonl' },
      budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.1 },
      flag: 'credit-risk-model',
    });
    assert.equal(plan.testCommand, 'python3 -m unittest discover -s features/credit_risk -t features');
  });

  test('the flag file and the folder come from mlship.yaml; existing flags and comments are kept', () => {
    const manifestText = '# our manifest\nversion: 1\nflags: config/rollouts.flagd.json   # rollouts\ndeployments:\n  - name: churn\n    model: churn/1\n\n# end\n';
    const flagFileText = '{\n    "flags": {\n        "churn-model": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}\n    }\n}\n';
    const plan = planScaffold(request({ language: 'typescript', folder: './web/src/credit/', initialPercent: 10 }), { manifestText, flagFileText, kind: () => undefined });
    assert.equal(plan.spec.folder, 'web/src/credit');
    assert.equal(plan.flagFile.path, 'config/rollouts.flagd.json');
    assert.ok(plan.flagFile.after.startsWith('{\n    "flags": {\n        "churn-model": {"state": "ENABLED"'));
    assert.match(plan.flagFile.after, /\n {8}"credit-risk-model": \{\n {12}"state": "ENABLED"/);
    assert.equal(readRollout(plan.flagFile.after, 'f', 'credit-risk-model').percent, 10);
    assert.ok(plan.manifest.after.startsWith('# our manifest\nversion: 1\nflags: config/rollouts.flagd.json   # rollouts\ndeployments:\n  - name: churn\n    model: churn/1\n  - name: credit-risk\n'));
    assert.ok(plan.manifest.after.endsWith('\n\n# end\n'));
    assert.equal(plan.testCommand, 'node --import tsx --test web/src/credit/*.test.ts');
  });

  test('OIP v2 endpoints: features are required, the deployment gets the inference URL', () => {
    const oip = { kind: 'oip' as const, url: 'http://127.0.0.1:8081/', model: 'credit-risk', version: '2' };
    assert.match(problemsOf(() => planScaffold(request({ model: oip }), EMPTY)).join('\n'), /Name the features/);
    const plan = planScaffold(request({ model: oip, features: ['a', 'b'], classLabels: ['no', 'yes'], defaultAnswer: 'no' }), EMPTY);
    assert.deepEqual(plan.spec.model, { kind: 'oip', url: 'http://127.0.0.1:8081', name: 'credit-risk', version: '2' });
    assert.deepEqual(plan.deployment.inference, { protocol: 'oip-v2', url: 'http://127.0.0.1:8081', model: 'credit-risk' });
    assert.equal(plan.spec.defaultAnswer, 'no');
    assert.match(problemsOf(() => planScaffold(request({ model: { ...oip, url: 'http://h:1/v2/models/x' }, features: ['a'] }), EMPTY))[0] ?? '', /base URL/);
    assert.match(problemsOf(() => planScaffold(request({ model: { ...oip, url: 'ftp://h' }, features: ['a'] }), EMPTY))[0] ?? '', /http/);
  });

  test('invalid names and values are refused with every problem listed', () => {
    for (const bad of ['', 'Credit-Risk', '1risk', 'credit risk', 'credit--risk', 'risk-', 'a'.repeat(49), 'crédit']) assert.ok(featureNameProblem(bad), bad);
    for (const good of ['credit-risk', 'churn', 'eta_v2', 'a1-b2']) assert.equal(featureNameProblem(good), undefined, good);
    const problems = problemsOf(() => planScaffold(request({ threshold: 1.5, latencyBudgetMs: 0, initialPercent: 150 }), EMPTY));
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /threshold must be a number from 0 to 1 .*\n.*latency budget.*\n.*initial rollout/s);
    assert.match(problemsOf(() => planScaffold(request({ name: 'Credit Risk' }), EMPTY))[0] ?? '', /not a valid feature name/);
    assert.match(problemsOf(() => planScaffold(request({ task: 'multiclass' }), EMPTY))[0] ?? '', /2 classes: choose task "binary"/);
    assert.match(problemsOf(() => planScaffold(request({ defaultAnswer: '7' }), EMPTY))[0] ?? '', /not a class label/);
    assert.match(problemsOf(() => planScaffold(request({ model: { kind: 'onnx', path: 'models/m.pkl', metadata: credit } }), EMPTY))[0] ?? '', /not an \.onnx file/);
  });

  test('names that break Python imports are refused for Python with what to do; TypeScript takes them', () => {
    assert.equal(featureNameProblem('class', 'python'), 'In Python, the package "class" is a Python keyword: Python cannot import a package of that name. Choose another feature name, e.g. class-model.');
    assert.match(featureNameProblem('import', 'python') ?? '', /"import" is a Python keyword/);
    assert.match(featureNameProblem('test', 'python') ?? '', /"test" is the name of a Python module .*standard library's test package.*Choose another feature name, e.g\. test-model\./);
    assert.match(featureNameProblem('json', 'python') ?? '', /"json" is the name of a Python module/);
    for (const ok of ['class', 'import', 'test']) assert.equal(featureNameProblem(ok, 'typescript'), undefined, ok);
    assert.equal(featureNameProblem('class-model', 'python'), undefined);
    assert.match(problemsOf(() => planScaffold(request({ name: 'class' }), EMPTY))[0] ?? '', /Python keyword/);
    assert.equal(planScaffold(request({ name: 'class', language: 'typescript' }), EMPTY).spec.folder, 'src/features/class');
    assert.match(problemsOf(() => planScaffold(request({ folder: 'features/test' }), EMPTY))[0] ?? '', /folder "test" is the name of a Python module .* e\.g\. features\/test_feature\./);
    assert.match(problemsOf(() => planScaffold(request({ folder: 'features/class' }), EMPTY))[0] ?? '', /must be a Python identifier \(letters, digits and _, not a keyword\)/);
  });

  test('typed numbers: 5% is a percentage, and a message echoes what was typed', () => {
    assert.equal(numberFromText('5%', true), 5);
    assert.equal(numberFromText(' 25 % ', true), 25);
    assert.ok(Number.isNaN(numberFromText('5%')));
    assert.equal(typedNumberProblem('5%', percentProblem, true), undefined);
    assert.equal(typedNumberProblem('abc', percentProblem, true), 'The initial rollout must be a whole percentage from 0 to 100, e.g. 5 or 5% (got "abc").');
    assert.equal(typedNumberProblem('high', thresholdProblem), 'The confidence threshold must be a number from 0 to 1 (got "high").');
    assert.equal(typedNumberProblem(' ', thresholdProblem), 'Enter a number.');
    assert.equal(planScaffold(request({ initialPercent: numberFromText('10%', true) }), EMPTY).flagFile.after.includes('["on", 10]'), true);
  });

  test('path traversal and absolute or odd target folders are refused', () => {
    for (const folder of ['../outside', 'features/../../x', '/etc/mlship', 'C:/temp', '~/x', 'node_modules/x', '.', '']) {
      const problems = problemsOf(() => planScaffold(request({ folder }), EMPTY));
      assert.equal(problems.length, 1, `${folder}: ${problems.join('; ')}`);
    }
    assert.match(problemsOf(() => planScaffold(request({ folder: 'features/credit-risk' }), EMPTY))[0] ?? '', /Python identifier/);
    assert.match(problemsOf(() => planScaffold(request({ model: { kind: 'onnx', path: '../m.onnx', metadata: credit } }), EMPTY))[0] ?? '', /leaves the workspace/);
    assert.deepEqual(normalizeFolder('src\\features\\credit-risk\\', 'typescript'), { folder: 'src/features/credit-risk' });
  });

  test('existing files are never overwritten: refused, or skipped when asked', () => {
    const ws: WorkspaceView = { ...EMPTY, kind: (p) => (p === 'features/credit_risk/fallback.py' ? 'file' : p === 'features' ? 'folder' : undefined) };
    assert.match(problemsOf(() => planScaffold(request(), ws))[0] ?? '', /This file exists and would be overwritten: features\/credit_risk\/fallback\.py/);
    const plan = planScaffold(request(), ws, { onExisting: 'skip' });
    assert.deepEqual(plan.skipped, ['features/credit_risk/fallback.py']);
    assert.ok(!plan.files.some((f) => f.path.endsWith('/fallback.py')));
    const file: WorkspaceView = { ...EMPTY, kind: (p) => (p === 'features' ? 'file' : undefined) };
    assert.match(problemsOf(() => planScaffold(request(), file))[0] ?? '', /features is a file/);
  });

  test('a folder that holds another feature is refused, skipping or not; skipping every file scaffolds nothing', () => {
    const folder = 'features/credit_risk';
    const all = (config: string | null, except: string[] = []): WorkspaceView => ({
      ...EMPTY,
      kind: (p) => (p === 'features' || p === folder ? 'folder' : p.startsWith(`${folder}/`) && !except.some((e) => p.endsWith(`/${e}`)) ? (p.endsWith('config.py') && config === null ? undefined : 'file') : undefined),
      text: (p) => (p === `${folder}/config.py` ? config : null),
    });
    const creditConfig = '"""Settings of credit-risk."""\nFEATURE = "credit-risk"\nFLAG_KEY = "credit-risk-model"\n';
    const churn = request({ name: 'churn', folder, fallback: 'constant' });
    for (const onExisting of ['skip', 'error'] as const) {
      const problems = problemsOf(() => planScaffold(churn, all(creditConfig), { onExisting }));
      assert.equal(problems[0], 'features/credit_risk already holds the feature "credit-risk" (features/credit_risk/config.py): churn would have no code of its own there. Choose another folder, e.g. features/churn.', onExisting);
    }
    // A predictor without settings naming the feature is someone else's code too.
    assert.match(problemsOf(() => planScaffold(churn, all(null), { onExisting: 'skip' }))[0] ?? '', /already holds predictor\.py of another feature: churn would have no code/);
    // The same feature's folder: its missing files are written; with none missing there is nothing to scaffold.
    const again = planScaffold(request(), all(creditConfig, ['fallback.py', 'test_fallback.py']), { onExisting: 'skip' });
    assert.deepEqual(again.files.map((f) => f.path), ['features/credit_risk/fallback.py', 'features/credit_risk/test_fallback.py']);
    assert.match(problemsOf(() => planScaffold(request(), all(creditConfig), { onExisting: 'skip' }))[0] ?? '', /^Every file of credit-risk exists in features\/credit_risk: skipping them leaves nothing to scaffold, so the flag and the deployment are not added either\./);
    assert.equal(configFeature("export const FEATURE = 'eta';\n"), 'eta');
  });

  test('an invalid or hand-broken flag file, or a flag that exists, is refused with its line', () => {
    const broken = '{\n  "flags": {\n    "x": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"},\n  }\n}\n';
    const problems = problemsOf(() => planScaffold(request(), { ...EMPTY, flagFileText: broken }));
    assert.match(problems[0] ?? '', /flags\/flags\.flagd\.json is not a valid flag file.*\n.*flags\/flags\.flagd\.json:4:3: error: Trailing comma/s);
    const invalid = '{"flags": {"x": {"state": "ON", "variants": {"on": true}, "defaultVariant": "on"}}}';
    assert.match(problemsOf(() => planScaffold(request(), { ...EMPTY, flagFileText: invalid }))[0] ?? '', /"state" of flag "x" must be "ENABLED" or "DISABLED"/);
    const taken = '{"flags": {"credit-risk-model": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}';
    assert.match(problemsOf(() => planScaffold(request(), { ...EMPTY, flagFileText: taken }))[0] ?? '', /Flag "credit-risk-model" already exists in flags\/flags\.flagd\.json \(line 1\)/);
  });

  test('a name whose flag or deployment exists is refused as it is typed, naming both; the plan refuses it before existing files', () => {
    const flags = '{"flags": {"credit-risk-model": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}';
    const manifest = 'version: 1\ndeployments:\n  - name: credit-risk\n    flag: credit-risk-model\n';
    assert.equal(
      existingNameProblem('credit-risk', { manifestText: manifest, flagFileText: flags }),
      '"credit-risk" exists: flag "credit-risk-model" is in flags/flags.flagd.json and mlship.yaml has a deployment "credit-risk". Choose another name, or change its rollout with mlship rollout credit-risk-model <percent>.',
    );
    assert.equal(existingNameProblem('credit-risk', { manifestText: manifest, flagFileText: null }), '"credit-risk" exists: mlship.yaml has a deployment "credit-risk". Choose another name.');
    assert.match(existingNameProblem('credit-risk', { manifestText: 'version: 1\nflags: ops/f.flagd.json\n', flagFileText: flags }) ?? '', /flag "credit-risk-model" is in ops\/f\.flagd\.json\. Choose another name, or change/);
    assert.equal(existingNameProblem('churn', { manifestText: manifest, flagFileText: flags }), undefined);
    assert.equal(existingNameProblem('credit-risk', { manifestText: null, flagFileText: null }), undefined);
    // With every file there too, skipping them is not what the plan asks about: the flag and the deployment are.
    const all: WorkspaceView = { manifestText: manifest, flagFileText: flags, kind: (p) => (p.startsWith('features') ? (p.includes('.') ? 'file' : 'folder') : undefined) };
    const problems = problemsOf(() => planScaffold(request(), all, { onExisting: 'skip' }));
    assert.equal(problems.filter((p) => /already (?:exists|has a deployment)/.test(p)).length, 2, problems.join('\n'));
  });

  test('an invalid mlship.yaml or a deployment that exists is refused', () => {
    assert.match(problemsOf(() => planScaffold(request(), { ...EMPTY, manifestText: 'version: 1\ndeployments:\n  - model: x\n' }))[0] ?? '', /mlship\.yaml is not valid \(line 3/);
    assert.match(problemsOf(() => planScaffold(request(), { ...EMPTY, manifestText: 'version: 1\ndeployments:\n  - name: credit-risk\n' }))[0] ?? '', /already has a deployment named "credit-risk"/);
    assert.match(problemsOf(() => planScaffold(request(), { ...EMPTY, manifestText: 'version: 1\ndeployments: [{ name: a }]\n' }))[0] ?? '', /flow list/);
  });

  test('models: no probabilities for a classifier, the previous version must take the same inputs', () => {
    const noProbs = { ...(credit as NonNullable<Meta>), outputs: [{ name: 'label', dtype: 'int64', shape: ['N'] }] };
    assert.match(problemsOf(() => planScaffold(request({ model: { kind: 'onnx', path: 'm.onnx', metadata: noProbs } }), EMPTY))[0] ?? '', /no class-probability output/);
    const eta = (path: string, metadata: Meta) => ({ kind: 'onnx' as const, path, name: 'delivery-eta', metadata });
    const mismatch = problemsOf(() => planScaffold(request({ task: 'regression', fallback: 'previous-version', model: eta('m2.onnx', eta2), previous: eta('m1.onnx', eta1) }), EMPTY));
    assert.match(mismatch[0] ?? '', /The previous version m1\.onnx cannot stand in for the model: it takes 3 features .* the model 5/);
    assert.match(problemsOf(() => planScaffold(request({ fallback: 'previous-version' }), EMPTY))[0] ?? '', /needs the previous model version/);
    const ok = planScaffold(request({ fallback: 'previous-version', previous: { kind: 'onnx', path: 'models/credit-risk-v1.onnx', name: 'credit-risk', version: '1', metadata: credit1 } }), EMPTY);
    assert.deepEqual(ok.spec.previous, { kind: 'onnx', path: 'models/credit-risk-v1.onnx', name: 'credit-risk', version: '1' });
  });

  test('taskProblem: what the plan says against a task for a model, for the steps that re-check a task when the model changes', () => {
    const onnx = (metadata: Meta) => ({ kind: 'onnx' as const, path: 'm.onnx', metadata });
    const planSays = (task: ScaffoldRequest['task'], metadata: Meta) => problemsOf(() => planScaffold(request({ task, fallback: 'constant', model: onnx(metadata) }), EMPTY))[0];
    assert.equal(taskProblem(onnx(credit), 'binary'), undefined);
    assert.equal(taskProblem(onnx(eta1), 'regression'), undefined);
    assert.equal(taskProblem(onnx(credit), 'multiclass'), planSays('multiclass', credit));
    assert.equal(taskProblem(onnx(eta1), 'binary'), planSays('binary', eta1));
    const threeLabels = { ...(credit as NonNullable<Meta>), metadata: { ...credit?.metadata, class_labels: 'low,mid,high' } };
    assert.match(taskProblem(onnx(threeLabels), 'binary') ?? '', /has 3 classes: choose task "multiclass"/);
    // The editor's task step has named the model already: the sentence is about "The model", not its long path.
    assert.equal(taskProblem(onnx(threeLabels), 'binary', 'The model'), 'The model has 3 classes: choose task "multiclass" (binary is for two).');
    const noFloats = { ...(credit as NonNullable<Meta>), outputs: [{ name: 'label', dtype: 'int64', shape: ['N'] }] };
    assert.equal(taskProblem(onnx(noFloats), 'regression'), planSays('regression', noFloats));
    // The task preselected from the outputs is one the plan accepts for them.
    assert.equal(taskFromOutputs(onnx(credit)), 'binary');
    assert.equal(taskFromOutputs(onnx(eta1)), 'regression');
    assert.equal(taskFromOutputs(onnx(threeLabels)), 'multiclass', 'three class labels in the metadata, whatever the shape says');
    const half = { ...(credit as NonNullable<Meta>), outputs: (credit as NonNullable<Meta>).outputs.map((o) => (o.dtype === 'float32' ? { ...o, dtype: 'float16' } : o)) };
    assert.equal(taskFromOutputs(onnx(half)), 'binary', 'float16 probabilities are a classifier\'s, as the plan reads them');
    assert.equal(taskProblem(onnx(half), 'binary'), undefined);
    assert.equal(taskFromOutputs(onnx(noFloats)), 'regression');
    // An endpoint, or a file whose header was not read, tells nothing against a task.
    assert.equal(taskProblem({ kind: 'oip', url: 'http://127.0.0.1:8081', model: 'm' }, 'multiclass'), undefined);
    assert.equal(taskProblem({ kind: 'onnx', path: 'm.onnx' }, 'multiclass'), undefined);
  });

  describe('on disk', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'mlship-plan-'));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    test('writePlan writes everything; a second run is refused and changes nothing', () => {
      const ws = join(root, 'a');
      mkdirSync(ws);
      writeFileSync(join(ws, 'mlship.yaml'), 'version: 1\n');
      const written = writePlan(ws, planScaffold(request(), readWorkspace(ws)));
      assert.ok(written.includes('flags/flags.flagd.json') && written.includes('mlship.yaml'));
      assert.ok(existsSync(join(ws, 'features/credit_risk/predictor.py')));
      const snapshot = () => readdirSync(ws, { recursive: true, encoding: 'utf8' }).sort().map((f) => `${f}:${statSync(join(ws, f)).isDirectory() ? '/' : readFileSync(join(ws, f), 'utf8')}`);
      const before = snapshot();
      assert.throws(() => planScaffold(request(), readWorkspace(ws)), ScaffoldError);
      assert.deepEqual(snapshot(), before);
    });

    test('the settings file on disk tells whose folder it is', () => {
      const ws = join(root, 'c');
      mkdirSync(ws);
      writePlan(ws, planScaffold(request(), readWorkspace(ws)));
      const problems = problemsOf(() => planScaffold(request({ name: 'churn', folder: 'features/credit_risk' }), readWorkspace(ws), { onExisting: 'skip' }));
      assert.match(problems[0] ?? '', /features\/credit_risk already holds the feature "credit-risk"/);
    });

    test('a plan gone stale (the flag file changed meanwhile) is not written', () => {
      const ws = join(root, 'b');
      mkdirSync(ws);
      const plan = planScaffold(request(), readWorkspace(ws));
      mkdirSync(join(ws, 'flags'));
      writeFileSync(join(ws, 'flags/flags.flagd.json'), '{"flags": {}}');
      assert.throws(() => writePlan(ws, plan), /changed since the scaffold was planned/);
      assert.ok(!existsSync(join(ws, 'features')));
      assert.ok(!existsSync(join(ws, 'mlship.yaml')));
    });
  });
});
