// Light inter-file resolution: a model, session or client built in another module of the workspace is recognized
// where it is imported (a factory function, a module-level object, an endpoint constant), and nothing is read outside
// the workspace folders.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { existsSync } from 'node:fs';
import { applyEdits } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor, summarizeSource } from '../../../src/core/analysis/engine';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { summarizePython } from '../../../src/core/analysis/python/context';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { FileWorkspaceResolver, moduleNamesOf, specifierName } from '../../../src/core/analysis/workspace';
import { PYTHON, runPython } from '../../fixRuns';

describe('workspace resolver (Python)', () => {
  let root: string;
  before(async () => {
    await loadGrammars();
    root = await mkdtemp(join(tmpdir(), 'mlship-ws-'));
    await mkdir(join(root, 'app', 'ml'), { recursive: true });
    await writeFile(join(root, 'app', '__init__.py'), '');
    await writeFile(join(root, 'app', 'ml', '__init__.py'), '');
    await writeFile(join(root, 'app', 'ml', 'loader.py'), [
      'import functools',
      'import onnxruntime as ort',
      'from transformers import pipeline',
      '',
      'SCORER_URL = "http://scorer.internal/v1/models/churn:predict"',
      'sentiment = pipeline("sentiment-analysis")',
      '',
      '@functools.lru_cache',
      'def get_session():',
      '    return ort.InferenceSession("model.onnx")',
      '',
      'def helper():',
      '    return 42',
      '',
    ].join('\n'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('summarizes factories, module-level models and endpoint constants', () => {
    const summary = summarizeSource(`import onnxruntime as ort\nURL = "http://x/predict"\ndef get():\n    s = ort.InferenceSession("m")\n    return s\n`, 'python');
    assert.deepEqual(summary.get('get'), { kind: 'onnx-session', factory: true });
    assert.equal(summary.get('URL')?.kind, 'inference-url');
  });

  test('a module is summarized from its text: the tree is never parsed for it', async () => {
    const source = await readFile(join(root, 'app', 'ml', 'loader.py'), 'utf8');
    const noParse = () => assert.fail('the summary asked for the tree');
    const summary = summarizePython(source, noParse);
    assert.deepEqual([...summary.keys()].sort(), ['SCORER_URL', 'get_session', 'sentiment']);
    assert.deepEqual(summary, summarizeSource(source, 'python'));
    const broken = 'x = = 1\nURL = "http://x/predict"\n';
    assert.equal(summarizePython(broken, noParse).get('URL')?.kind, 'inference-url', 'with a syntax error elsewhere too');
    assert.deepEqual(summarizePython(broken, noParse), summarizeSource(broken, 'python'));
  });

  test('an imported factory, pipeline and URL constant make predict calls', () => {
    const resolver = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource });
    const path = join(root, 'app', 'api.py');
    const src = [
      'import requests',
      'from app.ml.loader import get_session, sentiment, SCORER_URL, helper',
      'from .ml import loader',
      '',
      'def score(feed):',
      '    sess = get_session()',
      '    return sess.run(None, feed)',
      '',
      'def mood(text):',
      '    return sentiment(text)[0]["label"]',
      '',
      'def remote(x):',
      '    return requests.post(SCORER_URL, json=x).json()',
      '',
      'def other():',
      '    return helper()',
      '',
    ].join('\n');
    const { result } = analyzeSource(src, 'python', DEFAULT_CONFIG, undefined, { path, resolver });
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1}:${c.kind}`), ['7:onnxruntime', '10:hf-pipeline', '13:remote']);
    assert.ok(result.findings.some((f) => f.rule === 'no-timeout' && f.range.start.line === 12));
    // Without the resolver the imported pipeline is an unknown function (the session and the URL are recognized by
    // their shape and their name).
    const alone = analyzeSource(src, 'python', DEFAULT_CONFIG).result;
    assert.deepEqual(alone.calls.map((c) => c.range.start.line + 1), [7, 13]);
  });

  test('a function or predictor class of another module that runs a model: its calls are predict calls, and the fallback fix runs', async () => {
    const dir = await mkdtemp(join(root, 'wrap-'));
    await writeFile(join(dir, 'scoring.py'), [
      'import joblib',
      'import onnxruntime as ort',
      '',
      'model = joblib.load("model.joblib")',
      '',
      'def predict_label(rows):',
      '    return model.predict(rows)',
      '',
      'def safe_label(rows):',
      '    try:',
      '        return model.predict(rows)',
      '    except Exception:',
      '        return None',
      '',
      'def warm_up():',
      '    model.predict([[0.0]])',
      '',
      'class Scorer:',
      '    def __init__(self, path):',
      '        self.session = ort.InferenceSession(path)',
      '',
      '    def predict(self, text):',
      '        out = self.session.run(None, {"x": text})',
      '        return {"scores": out[0].tolist(), "model_version": "v3"}',
      '',
    ].join('\n'));
    const summary = summarizeSource(await readFile(join(dir, 'scoring.py'), 'utf8'), 'python');
    assert.deepEqual(summary.get('predict_label'), { kind: 'predict-wrapper', factory: false, wraps: { label: 'model predict', returnsLabel: true, traced: false } });
    assert.deepEqual(summary.get('Scorer'), { kind: 'predict-wrapper', factory: true, methods: { predict: { label: 'onnxruntime session.run', returnsLabel: false, traced: true } } });
    // One that catches its own errors, or hands back no prediction, is not one.
    assert.equal(summary.get('safe_label'), undefined);
    assert.equal(summary.get('warm_up'), undefined);
    const app = [
      'from flask import Flask, jsonify, request',
      'from scoring import Scorer, predict_label, safe_label, warm_up',
      '',
      'app = Flask(__name__)',
      'scorer = Scorer("model.onnx")',
      '',
      '@app.post("/label")',
      'def label():',
      '    y = predict_label([request.json["x"]])',
      '    return jsonify({"label": int(y[0])})',
      '',
      '@app.post("/scores")',
      'def scores():',
      '    return jsonify(scorer.predict(request.json["text"]))',
      '',
      '@app.post("/safe")',
      'def safe():',
      '    warm_up()',
      '    return jsonify({"label": safe_label([request.json["x"]])})',
      '',
    ].join('\n');
    const resolver = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource });
    const context = { path: join(dir, 'app.py'), resolver };
    const { result, tree } = analyzeSource(app, 'python', DEFAULT_CONFIG, undefined, context);
    tree.delete();
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1} ${c.checks.fallback} ${c.checks.confidence} ${c.checks.timeout} ${c.checks.trace}`), [
      '9 fail fail n/a fail', // the hard label it returns is sent as the answer, with no version
      '14 fail n/a n/a pass', // scores, and the version the method puts with them
    ]);
    // A function of the module that returns an object of the class.
    await writeFile(join(dir, 'factory.py'), 'from scoring import Scorer\n\ndef get_scorer():\n    return Scorer("model.onnx")\n');
    await writeFile(join(dir, 'factory2.py'), 'import onnxruntime as ort\n\nclass S:\n    def __init__(self):\n        self.s = ort.InferenceSession("m.onnx")\n    def predict(self, x):\n        return self.s.run(None, {"x": x})[0].tolist()\n\ndef get_scorer():\n    return S()\n');
    const viaFactory = 'from factory2 import get_scorer\n\nscorer = get_scorer()\n\ndef handle(x):\n    return {"scores": scorer.predict(x)}\n';
    const f = analyzeSource(viaFactory, 'python', DEFAULT_CONFIG, undefined, { path: join(dir, 'api.py'), resolver });
    f.tree.delete();
    assert.deepEqual(f.result.calls.map((c) => `${c.range.start.line + 1} ${c.checks.fallback}`), ['6 fail']);
    // A test calls the code it tests: not a predict call there.
    const test = 'from scoring import predict_label\n\ndef test_label():\n    assert predict_label([[1.0]])[0] == 1\n';
    assert.deepEqual(analyzeSource(test, 'python', DEFAULT_CONFIG, undefined, { path: join(dir, 'test_scoring.py'), resolver }).result.calls, []);
    // The fallback fix, run with the model of scoring.py raising: the handler answers through its fallback.
    if (!existsSync(PYTHON)) return;
    const finding = result.findings.find((f) => f.rule === 'no-fallback' && f.range.start.line === 8);
    assert.ok(finding);
    const fix = fixesFor(finding, app, 'python', DEFAULT_CONFIG, undefined, context)[0];
    assert.ok(fix);
    const fixed = applyEdits(app, fix.edits);
    await writeFile(join(dir, 'app.py'), fixed);
    const run = await runPython(join(dir, 'app.py'), 'raise', 'label', true);
    assert.ok(run.ok && run.fallbacks > 0, `${JSON.stringify(run)}\n${fixed}`);
    await writeFile(join(dir, 'app.py'), app);
    const unfixed = await runPython(join(dir, 'app.py'), 'raise', 'label', true);
    assert.ok(!unfixed.ok, 'before the fix the model failure reaches the handler');
  });

  test('not a model-running function for the other modules: evaluation code, a function a decorator may guard, a name bound again, one hidden by a parameter', async () => {
    const dir = await mkdtemp(join(root, 'notwrap-'));
    await writeFile(join(dir, 'ev.py'), [
      'import joblib',
      'import openai',
      'from resilience import with_retry',
      '',
      'model = joblib.load("model.joblib")',
      'client = openai.OpenAI(timeout=10)',
      '',
      'def evaluate(rows, labels):',
      '    correct = 0',
      '    for x, y in zip(rows, labels):',
      '        correct += int(model.predict([x])[0] == y)',
      '    return correct / len(rows)',
      '',
      '@with_retry(attempts=3)',
      'def guarded(x):',
      '    return model.predict([x])[0]',
      '',
      'def rebound(x):',
      '    return model.predict([x])[0]',
      '',
      'rebound = with_retry(rebound)',
      '',
      'def predict(x):',
      '    return model.predict([x])[0]',
      '',
      'def ask(q):',
      '    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])',
      '',
    ].join('\n'));
    const summary = summarizeSource(await readFile(join(dir, 'ev.py'), 'utf8'), 'python');
    assert.deepEqual([...summary].filter(([, v]) => v.kind === 'predict-wrapper').map(([k]) => k).sort(), ['ask', 'predict']);
    assert.deepEqual(summary.get('ask')?.wraps, { label: 'openai chat.completions.create', returnsLabel: false, traced: false, answer: true });
    const app = [
      'from ev import ask, evaluate, predict',
      '',
      'def handler(x, predict=None):',
      '    return {"label": predict(x)}',
      '',
      'def text(q):',
      '    return ask(q).choices[0].message.content',
      '',
      'def whole(q):',
      '    return ask(q)',
      '',
    ].join('\n');
    const resolver = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource });
    const { result, tree } = analyzeSource(app, 'python', DEFAULT_CONFIG, undefined, { path: join(dir, 'app.py'), resolver });
    tree.delete();
    // The parameter hides the import; the hosted answer read for its text has lost its model, handed on whole it has it.
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1} ${c.checks.trace}`), ['7 fail', '10 pass']);
  });

  test('a boto3 SageMaker or Bedrock runtime client built in another module: its timeout there counts', async () => {
    const dir = await mkdtemp(join(root, 'aws-'));
    await writeFile(join(dir, 'clients.py'), [
      'import boto3',
      'from botocore.config import Config',
      'runtime = boto3.client("runtime.sagemaker", region_name="us-east-1")',
      'bedrock = boto3.client("bedrock-runtime", config=Config(read_timeout=20, connect_timeout=2))',
      '',
    ].join('\n'));
    const summary = summarizeSource(await readFile(join(dir, 'clients.py'), 'utf8'), 'python');
    assert.deepEqual(summary.get('runtime'), { kind: 'aws-runtime', factory: false, sdk: 'sagemaker', timeout: false });
    assert.deepEqual(summary.get('bedrock'), { kind: 'aws-runtime', factory: false, sdk: 'bedrock', timeout: true });
    const resolver = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource });
    const src = [
      'from .clients import runtime, bedrock',
      '',
      'def score(body):',
      '    r = runtime.invoke_endpoint(EndpointName="churn", Body=body)',
      '    return r["Body"].read()',
      '',
      'def ask(body):',
      '    r = bedrock.invoke_model(modelId="anthropic.claude-v2", body=body)',
      '    return r["body"].read()',
      '',
    ].join('\n');
    const { result } = analyzeSource(src, 'python', DEFAULT_CONFIG, undefined, { path: join(dir, 'api.py'), resolver });
    assert.deepEqual(result.calls.map((c) => c.checks.timeout), ['fail', 'pass']);
  });

  test('a Keras loading helper of another module, given an HDF5 path, is an unsafe load where it is called', async () => {
    const dir = await mkdtemp(join(root, 'keras-'));
    await mkdir(join(dir, 'utils'));
    await writeFile(join(dir, 'utils', '__init__.py'), [
      'import tensorflow as tf',
      '',
      'def load_model(path):',
      '    model = tf.keras.models.load_model(path, compile=False)',
      '    return model.compile(optimizer="adam")',
      '',
      'def load_default():',
      '    return tf.keras.models.load_model("models/default.keras")',
      '',
    ].join('\n'));
    const summary = summarizeSource(await readFile(join(dir, 'utils', '__init__.py'), 'utf8'), 'python');
    assert.equal(summary.get('load_model')?.kerasLoader, true);
    assert.equal(summary.get('load_default')?.kerasLoader, undefined, 'its path is its own, not a parameter');
    const resolver = new FileWorkspaceResolver({ roots: [dir], summarize: summarizeSource });
    const src = [
      'from utils import load_model',
      '',
      'legacy = load_model("./models/my_model.h5")',
      'current = load_model("./models/my_model.keras")',
      '',
    ].join('\n');
    const { result } = analyzeSource(src, 'python', DEFAULT_CONFIG, undefined, { path: join(dir, 'app.py'), resolver });
    assert.deepEqual(result.findings.filter((f) => f.rule === 'unsafe-model-load').map((f) => f.range.start.line), [2]);
  });

  test('a model file the training code beside the service saved: its estimator says whether predictions are labels', async () => {
    const dir = await mkdtemp(join(root, 'saved-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src', 'train_model.py'), [
      'import joblib',
      'from lightgbm import LGBMRegressor',
      'model = LGBMRegressor()',
      'model.fit(train_x, train_y)',
      'joblib.dump(model, "model.joblib")',
      '',
    ].join('\n'));
    await writeFile(join(dir, 'train_churn.py'), [
      'import pickle',
      'from sklearn.linear_model import LogisticRegression',
      'clf = LogisticRegression(max_iter=500)',
      'clf.fit(X, y)',
      'with open("models/churn.pkl", "wb") as f:',
      '    pickle.dump(clf, f)',
      '',
    ].join('\n'));
    const resolver = new FileWorkspaceResolver({ roots: [dir], summarize: summarizeSource });
    const src = [
      'import joblib',
      'import pickle',
      'from fastapi import FastAPI',
      'app = FastAPI()',
      'size_model = joblib.load("model.joblib")',
      'CHURN_PATH = "models/churn.pkl"',
      'churn = pickle.load(open(CHURN_PATH, "rb"))',
      'other = joblib.load("other.joblib")',
      '',
      '@app.get("/estimate")',
      'def estimate(size: int):',
      '    return {"y": size_model.predict([[size]])[0]}',
      '',
      '@app.get("/churn")',
      'def will_churn(tenure: int):',
      '    return {"churn": churn.predict([[tenure]])[0]}',
      '',
      '@app.get("/other")',
      'def other_answer(x: int):',
      '    return {"answer": other.predict([[x]])[0]}',
      '',
    ].join('\n');
    const { result } = analyzeSource(src, 'python', DEFAULT_CONFIG, undefined, { path: join(dir, 'src', 'api.py'), resolver });
    // The regressor's output is a number; the classifier's is a label (no score compared); an unknown model's answer, a label.
    assert.deepEqual(result.calls.map((c) => c.checks.confidence), ['n/a', 'fail', 'fail']);
    assert.equal(resolver.savedModelKind(join(dir, 'src', 'api.py'), 'churn.pkl'), 'classifier', 'from the folder above');
  });

  test('a changed module is summarized again; modules outside the workspace folders are not read', async () => {
    const resolver = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource });
    const loader = join(root, 'app', 'ml', 'loader.py');
    assert.equal(resolver.lookup(join(root, 'app', 'api.py'), 'app.ml.loader', 'get_session')?.kind, 'onnx-session');
    await writeFile(loader, 'def get_session():\n    return None\n');
    const later = new Date(Date.now() + 5000);
    await utimes(loader, later, later);
    assert.equal(resolver.lookup(join(root, 'app', 'api.py'), 'app.ml.loader', 'get_session'), undefined);
    const outside = new FileWorkspaceResolver({ roots: [join(root, 'elsewhere')], summarize: summarizeSource });
    assert.equal(outside.resolveModule(join(root, 'app', 'api.py'), 'app.ml.loader'), undefined);
  });

  test('a snapshot resolver (one `mlship check` run) asks the disk once per path, and again for a file it was told changed', async () => {
    const dir = await mkdtemp(join(root, 'snap-'));
    const model = join(dir, 'model.py');
    await writeFile(model, 'import onnxruntime as ort\ndef load():\n    return ort.InferenceSession("m.onnx")\n');
    let summaries = 0;
    const summarize = (source: string, lang: Parameters<typeof summarizeSource>[1]) => (summaries++, summarizeSource(source, lang));
    const resolver = new FileWorkspaceResolver({ roots: [root], summarize, snapshot: true });
    const from = join(dir, 'api.py');
    assert.equal(resolver.lookup(from, '.model', 'load')?.kind, 'onnx-session');
    assert.equal(resolver.lookup(join(dir, 'other.py'), '.model', 'load')?.kind, 'onnx-session');
    assert.equal(summaries, 1);
    // A module that appears after the first lookup is not seen: the run's view of the disk is fixed…
    assert.equal(resolver.lookup(from, '.late', 'load'), undefined);
    await writeFile(join(dir, 'late.py'), 'import onnxruntime as ort\ndef load():\n    return ort.InferenceSession("m.onnx")\n');
    assert.equal(resolver.lookup(from, '.late', 'load'), undefined);
    // …and a file the run rewrote itself (`--fix`) is read again, even with the same modification time.
    await writeFile(model, 'def load():\n    return None\n');
    assert.equal(resolver.lookup(from, '.model', 'load')?.kind, 'onnx-session');
    resolver.forget(model);
    assert.equal(resolver.lookup(from, '.model', 'load'), undefined);
    assert.equal(summaries, 2);
    // Without `snapshot`, the new module is found.
    assert.equal(new FileWorkspaceResolver({ roots: [root], summarize }).lookup(from, '.late', 'load')?.kind, 'onnx-session');
  });

  test('the name a module specifier ends in, and the names a file answers to (which new file an import may find)', () => {
    const names = (specs: string[]) => specs.map(specifierName);
    assert.deepEqual(names(['app.ml.loader', '.model', '..utils.io', './late', '../lib/ml.js', '@/lib/session', '~/ml/index']), ['loader', 'model', 'io', 'late', 'ml', 'session', 'index']);
    assert.deepEqual(moduleNamesOf('/w/app/ml/loader.py'), ['loader']);
    assert.deepEqual(moduleNamesOf('/w/app/ml/__init__.py'), ['__init__', 'ml']);
    assert.deepEqual(moduleNamesOf('/w/web/lib/index.ts'), ['index', 'lib']);
    assert.deepEqual(moduleNamesOf('/w/web/late.ts'), ['late']);
  });
});
