// Python analyzer: detection of every predict kind, alias and assignment following, each rule's pass and fail,
// suppressions and severities, quick fixes (applied, reparsed, re-analyzed), hover checks, robustness and speed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { applyEdits, indentUnit } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor } from '../../../src/core/analysis/engine';
import { fixAllText } from '../../../src/core/analysis/fixAll';
import { loadGrammars, parse } from '../../../src/core/analysis/parser';
import { pythonAnalyzer } from '../../../src/core/analysis/python/analyzer';
import { type AnalysisConfig, type AnalysisResult, DEFAULT_CONFIG, type Finding, type PredictCall, type RuleId } from '../../../src/core/analysis/types';

const CORPUS = join(__dirname, '..', '..', 'corpus', 'python');

function analyze(src: string, config: AnalysisConfig = DEFAULT_CONFIG): AnalysisResult {
  return analyzeSource(src, 'python', config).result;
}

/** `line:rule` for every finding (1-based lines, as in an editor). */
function found(src: string, config: AnalysisConfig = DEFAULT_CONFIG): string[] {
  return analyze(src, config).findings.map((f) => `${f.range.start.line + 1}:${f.rule}`);
}

function rulesAt(src: string, line: number, config: AnalysisConfig = DEFAULT_CONFIG): RuleId[] {
  return analyze(src, config)
    .findings.filter((f) => f.range.start.line + 1 === line)
    .map((f) => f.rule)
    .sort();
}

function callAt(src: string, line: number, config: AnalysisConfig = DEFAULT_CONFIG): PredictCall | undefined {
  return analyze(src, config).calls.find((c) => c.range.start.line + 1 === line);
}

/** `line:rule` for every `# expect:` comment of a snippet, sorted. */
function expectedIn(src: string): string[] {
  return src.split('\n').flatMap((line, i) => (/# expect: (.*)$/.exec(line)?.[1]?.trim().split(/\s+/) ?? []).map((rule) => `${i + 1}:${rule}`)).sort();
}

function py(lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** Applies the first fix of `finding` and checks the result parses and no longer has the finding. */
function applyFix(src: string, finding: Finding, config: AnalysisConfig = DEFAULT_CONFIG): string {
  const fixes = fixesFor(finding, src, 'python', config);
  assert.ok(fixes.length > 0, `a fix for ${finding.rule} at line ${finding.range.start.line + 1}`);
  const fix = fixes[0];
  assert.ok(fix);
  assert.equal(fix.rule, finding.rule);
  const out = applyEdits(src, fix.edits);
  assert.equal(parse(out, 'python').rootNode.hasError, false, `the fixed code parses:\n${out}`);
  const beforeCount = analyze(src, config).findings.filter((f) => f.rule === finding.rule).length;
  const afterCount = analyze(out, config).findings.filter((f) => f.rule === finding.rule).length;
  assert.ok(afterCount < beforeCount, `${finding.rule} is gone after the fix:\n${out}`);
  return out;
}

function only(src: string, rule: RuleId, config: AnalysisConfig = DEFAULT_CONFIG): Finding {
  const f = analyze(src, config).findings.find((x) => x.rule === rule);
  assert.ok(f, `a ${rule} finding`);
  return f;
}

before(async () => {
  await loadGrammars();
});

describe('python analyzer: detection', () => {
  it('finds scikit-learn, xgboost, lightgbm and keras estimators from constructors and loaders', () => {
    const src = py([
      'import joblib',
      'import xgboost as xgb',
      'import lightgbm as lgb',
      'from sklearn.linear_model import LogisticRegression',
      'from tensorflow.keras.models import load_model',
      'm1 = joblib.load("a.joblib")',
      'm2 = LogisticRegression().fit(X, y)',
      'm3 = xgb.Booster(model_file="b.json")',
      'm4 = lgb.train(params, train_set)',
      'm5 = load_model("c.keras")',
      'a = m1.predict(X)',
      'b = m2.predict_proba(X)',
      'c = m3.predict(dm)',
      'd = m4.predict(X)',
      'e = m5.predict(X)',
      'f = m2.decision_function(X)',
    ]);
    const calls = analyze(src).calls;
    assert.deepEqual(
      calls.map((c) => [c.range.start.line + 1, c.kind, c.label]),
      [
        [11, 'estimator', 'model predict'],
        [12, 'estimator', 'scikit-learn predict_proba'],
        [13, 'estimator', 'xgboost predict'],
        [14, 'estimator', 'lightgbm predict'],
        [15, 'estimator', 'keras predict'],
        [16, 'estimator', 'scikit-learn decision_function'],
      ],
    );
    const c = calls[0];
    assert.ok(c);
    assert.deepEqual(c.range, { start: { line: 10, character: 4 }, end: { line: 10, character: 17 } });
  });

  it('takes model-like names (parameters, attributes, *_model) as estimators, and nothing else', () => {
    const src = py([
      'def a(model, X):',
      '    return model.predict(X)',
      'def b(self, X):',
      '    return self.churn_model.predict(X)',
      'def c(df, X):',
      '    return df.predict(X)',
      'def d(request, X):',
      '    return request.app.state.model.predict(X)',
      'def e(models, name, X):',
      '    return models[name].predict(X)',
      'def f(forecaster, X):',
      '    return forecaster.predict(X)',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => c.range.start.line + 1),
      [2, 4, 8, 10],
    );
  });

  it('follows imports, aliases and attributes to onnxruntime sessions; subprocess.run and list-like .run are not predictions', () => {
    const src = py([
      'import subprocess',
      'import onnxruntime as ort',
      'from onnxruntime import InferenceSession as IS',
      'sess = ort.InferenceSession("m.onnx")',
      'other = IS("n.onnx")',
      'alias = sess',
      'class S:',
      '    def __init__(self):',
      '        self.session = ort.InferenceSession("m.onnx")',
      '    def go(self, x):',
      '        return self.session.run(None, {"x": x})',
      'def go(x, jobs):',
      '    subprocess.run(["ls"])',
      '    jobs.run()',
      '    a = sess.run(None, {"x": x})',
      '    b = other.run(["y"], {"x": x})',
      '    return alias.run(None, {"x": x}), a, b',
    ]);
    const calls = analyze(src).calls;
    assert.deepEqual(
      calls.map((c) => [c.range.start.line + 1, c.kind]),
      [
        [11, 'onnxruntime'],
        [15, 'onnxruntime'],
        [16, 'onnxruntime'],
        [17, 'onnxruntime'],
      ],
    );
    assert.equal(calls[0]?.label, 'onnxruntime session.run');
  });

  it('finds Hugging Face pipeline results being called, through aliases and self attributes', () => {
    const src = py([
      'from transformers import pipeline as make_pipe',
      'nlp = make_pipe("sentiment-analysis")',
      'class T:',
      '    def __init__(self):',
      '        self.tagger = make_pipe("ner")',
      '    def tag(self, text):',
      '        return self.tagger(text)',
      'def s(text):',
      '    return nlp(text)[0]',
      'def not_hf(text):',
      '    return len(text)',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => [c.range.start.line + 1, c.kind]),
      [
        [7, 'hf-pipeline'],
        [9, 'hf-pipeline'],
      ],
    );
  });

  it('finds torch forward passes under no_grad / inference_mode only', () => {
    const src = py([
      'import torch',
      'model = torch.jit.load("m.pt")',
      'def train_step(x):',
      '    return model(x)',
      'def infer(x):',
      '    with torch.no_grad():',
      '        return model(x)',
      '@torch.inference_mode()',
      'def infer2(x, encoder):',
      '    h = encoder(x)',
      '    return torch.softmax(h, -1)',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => [c.range.start.line + 1, c.kind]),
      [
        [7, 'torch'],
        [10, 'torch'],
      ],
    );
  });

  it('finds HTTP inference by URL (literal, f-string, constant, concatenation) with requests, httpx and aiohttp', () => {
    const src = py([
      'import requests as rq',
      'import httpx',
      'import aiohttp',
      'from requests import post',
      'BASE = "http://models:8080"',
      'PREDICT_URL = BASE + "/v1/models/churn:predict"',
      'def a(x):',
      '    return rq.post(PREDICT_URL, json=x, timeout=1)',
      'def b(x, name):',
      '    return httpx.post(f"{BASE}/v2/models/{name}/infer", json=x)',
      'def c(x):',
      '    return post("http://svc/invocations", data=x, timeout=2)',
      'async def d(x):',
      '    async with aiohttp.ClientSession() as session:',
      '        async with session.post("http://gw/score", json=x) as r:',
      '            return await r.json()',
      'def not_inference(q):',
      '    rq.get("https://api.github.com/search", params=q)',
      '    return rq.post(BASE + "/feedback", json=q)',
    ]);
    const calls = analyze(src).calls;
    assert.deepEqual(
      calls.map((c) => [c.range.start.line + 1, c.kind, c.label]),
      [
        [8, 'remote', 'requests.post to /v1/models/churn:predict'],
        [10, 'remote', 'httpx.post to /v2/models/'],
        [12, 'remote', 'requests.post to /invocations'],
        [15, 'remote', 'aiohttp session.post to /score'],
      ],
    );
  });

  it('finds SageMaker invoke_endpoint and Vertex AI endpoint.predict', () => {
    const src = py([
      'import boto3',
      'from google.cloud import aiplatform',
      'rt = boto3.client("sagemaker-runtime")',
      's3 = boto3.client("s3")',
      'ep = aiplatform.Endpoint("projects/p/locations/l/endpoints/1")',
      'def go(body):',
      '    s3.get_object(Bucket="b", Key="k")',
      '    r = rt.invoke_endpoint(EndpointName="e", Body=body)',
      '    return ep.predict(instances=[body]), r',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => [c.range.start.line + 1, c.kind]),
      [
        [8, 'sagemaker'],
        [9, 'vertex'],
      ],
    );
  });

  it('counts user predictPatterns as custom calls (dotted names, aliases and *.method)', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, predictPatterns: [{ callee: 'scoring.score_batch', kind: 'local' }, { callee: '*.infer', kind: 'remote' }] };
    const src = py([
      'import scoring',
      'from scoring import score_batch as sb',
      'def a(rows, client):',
      '    x = scoring.score_batch(rows)',
      '    y = sb(rows)',
      '    z = client.infer(rows, timeout=1)',
      '    return x, y, z, client.infer(rows)',
    ]);
    const calls = analyze(src, config).calls;
    assert.deepEqual(
      calls.map((c) => [c.range.start.line + 1, c.kind, c.checks.timeout]),
      [
        [4, 'custom', 'n/a'],
        [5, 'custom', 'n/a'],
        [6, 'custom', 'pass'],
        [7, 'custom', 'fail'],
      ],
    );
    assert.equal(calls[0]?.label, 'custom scoring.score_batch');
    assert.deepEqual(rulesAt(src, 7, config), ['no-fallback', 'no-timeout', 'untraced-prediction']);
    assert.equal(analyze(src).calls.length, 0);
  });
});

describe('python analyzer: strings that span lines', () => {
  it('a line of a string written flush left (a prompt ending in `}}"""`) does not end the function the string is in', () => {
    const src = py([
      'from anthropic import Anthropic',
      'client = Anthropic(timeout=10)',
      'class Replies:',
      '    def classify(self, message):',
      '        prompt = f"""Classify: {message}',
      '{{"type": "question|comment"}}',
      '}}"""',
      '        try:',
      '            response = client.messages.create(model="m", max_tokens=100, messages=[{"role": "user", "content": prompt}])',
      '            return {"type": response.content[0].text}',
      '        except Exception:',
      '            return {"type": "comment"}',
    ]);
    const calls = analyze(src).calls;
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.checks.trace, 'fail');
  });
});

describe('python analyzer: serving SDKs', () => {
  it('a SavedModel signature, BentoML runners and SageMaker SDK predictors are predictions', () => {
    const src = readFileSync(join(CORPUS, 'serving_sdk_shapes.py'), 'utf8');
    const r = analyze(src);
    assert.deepEqual(r.calls.map((c) => c.label), [
      'TensorFlow SavedModel signature',
      'TensorFlow SavedModel signature',
      'BentoML runner predict_proba.async_run',
      'BentoML runner predict.async_run',
      'SageMaker Predictor.predict',
      'SageMaker Predictor.predict',
      'SageMaker Predictor.predict_async',
    ]);
    // A predictor's timeout is its session's (one handed in is not seen); an asynchronous inference's answer is where
    // its output will be.
    assert.deepEqual(r.calls.map((c) => c.checks.timeout).slice(4), ['fail', 'n/a', 'fail']);
    const patient = py([
      'import boto3',
      'from botocore.config import Config',
      'from sagemaker.predictor import Predictor',
      'from sagemaker.session import Session',
      'def score(body):',
      '    p = Predictor("churn", sagemaker_session=Session(sagemaker_runtime_client=boto3.client("sagemaker-runtime", config=Config(read_timeout=20))))',
      '    return p.predict(body)',
    ]);
    assert.equal(analyze(patient).calls[0]?.checks.timeout, 'pass');
    assert.equal(r.calls[6]?.checks.trace, 'n/a');
    assert.deepEqual(found(src).sort(), expectedIn(src));
    // Without bentoml imported, `.predict.run(…)` is not a runner.
    assert.deepEqual(found(py(['def f(x, runner):', '    return runner.predict.run(x)'])), []);
  });

  it('a predictor handed in with `initial_args=`, a Booster given a DMatrix, a reply sent to a chat, a label rebinding its score name', () => {
    const src = py([
      'import json',
      'import numpy as np',
      'import onnxruntime as ort',
      'import pickle',
      'import xgboost as xgb',
      'with open("model.bin", "rb") as f:',
      '    model = pickle.load(f)  # mlship: ignore[unsafe-model-load]',
      'def remote(row, predictor):',
      '    return predictor.predict(row, initial_args={"ContentType": "text/csv"})',
      'def fraud(features):',
      '    dtest = xgb.DMatrix(np.array([features]))',
      '    return float(model.predict(dtest)[0])',
      'from openai import OpenAI',
      'client = OpenAI(timeout=10)',
      'async def on_text(update, context):',
      '    r = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": update.message.text}])',
      '    await update.message.reply_text(r.choices[0].message.content)',
      'def top(x, labels):',
      '    session = ort.InferenceSession("resnet.onnx")',
      '    x = session.run([], {"input": x})[0]',
      '    x = np.argmax(x)',
      '    name = labels[str(x.item())]',
      '    return json.dumps({"class": name})',
    ]);
    const r = analyze(src);
    // An argmax over a Booster's probabilities, and over a model server's scores, is still the label.
    const argmaxed = py([
      'import numpy as np',
      'import requests',
      'import xgboost as xgb',
      'import joblib',
      'bst = joblib.load("booster.joblib")  # mlship: ignore[unsafe-model-load]',
      'LABELS = ["a", "b", "c"]',
      'def local(x):',
      '    return LABELS[int(np.argmax(bst.predict(xgb.DMatrix(x))))]',
      'def served(x):',
      '    probs = requests.post("http://tfserving:8501/v1/models/m:predict", json={"instances": [x]}, timeout=5).json()["predictions"][0]',
      '    return LABELS[int(np.argmax(probs))]',
    ]);
    assert.deepEqual(analyze(argmaxed).calls.map((c) => c.checks.confidence), ['fail', 'fail']);
    assert.equal(r.calls[0]?.label, 'SageMaker Predictor.predict');
    assert.equal(r.calls[0]?.checks.timeout, 'n/a', 'the predictor was built elsewhere: its session is not seen');
    assert.equal(r.calls[1]?.checks.confidence, 'n/a', 'a Booster gives a probability');
    assert.equal(r.calls[2]?.checks.trace, 'fail', 'the reply leaves with no model name');
    assert.equal(r.calls[3]?.checks.confidence, 'fail', 'x holds the label from the argmax on: what is read from it is the label');
  });

  it("a model server's answer read by its label field is the hard label; with its score read too it travels with it", () => {
    const src = readFileSync(join(CORPUS, 'model_server_answer_fields.py'), 'utf8');
    const r = analyze(src);
    assert.deepEqual(r.calls.map((c) => c.checks.confidence), ['fail', 'pass', 'fail', 'n/a']);
    assert.deepEqual(found(src).sort(), expectedIn(src));
  });

  it('the model version in the answer (returned, or in a response) traces it', () => {
    const src = py([
      'import joblib',
      'from flask import jsonify',
      'model = joblib.load("m.joblib")  # mlship: ignore[unsafe-model-load]',
      'def a(x):',
      '    p = model.predict_proba(x)[0, 1]',
      '    return jsonify({"p": float(p), "model_version": "churn-3"})',
      'def b(x):',
      '    p = model.predict_proba(x)[0, 1]',
      '    answer = {"p": float(p), "model_version": "churn-3"}',
      '    return answer',
      'def c(x):',
      '    p = model.predict_proba(x)[0, 1]',
      '    return {"p": float(p)}',
    ]);
    assert.deepEqual(analyze(src).calls.map((c) => c.checks.trace), ['pass', 'pass', 'fail']);
  });

  it('a prediction stored on a local object goes where the object goes; a model key of the answer traces it, one of the request does not', () => {
    const src = py([
      'import requests',
      'from openai import OpenAI',
      'client = OpenAI(timeout=10)',
      'def reply(chat, q):',
      '    text = client.chat.completions.create(model="gpt-4o", messages=q).choices[0].message.content',
      '    chat.reply = text',
      '    chat.save()',
      '    return chat',
      'def named(q):',
      '    text = client.chat.completions.create(model="gpt-4o", messages=q).choices[0].message.content',
      '    return {"text": text, "model_used": "gpt-4o"}',
      'def request_only(q):',
      '    return requests.post("http://llm.internal/v1/chat/completions", json={"model": "llama3", "messages": q}, timeout=5).json()["choices"][0]["message"]["content"]',
    ]);
    assert.deepEqual(analyze(src).calls.map((c) => c.checks.trace), ['fail', 'pass', 'fail']);
    // The model a request names is not the one that answered.
    const asked = py(['from openai import OpenAI', 'client = OpenAI(timeout=10)', 'def ask(cfg, q):', '    return client.chat.completions.create(model=cfg.model, messages=q).choices[0].message.content']);
    assert.equal(analyze(asked).calls[0]?.checks.trace, 'fail');
  });

  it('an endpoint passed by in-file callers, by position or keyword; not into *args', () => {
    const src = py([
      'import requests',
      'def fetch(url, x):',
      '    return requests.post(url, json=x, timeout=2).json()',
      'def fetch_star(*parts, url=None):',
      '    return requests.post(url or parts[0], timeout=2).json()',
      'def main():',
      '    fetch("https://scoring.internal/predict", 1)',
      '    fetch_star("https://scoring.internal/predict", "x")',
      'main()',
    ]);
    assert.deepEqual(analyze(src).calls.map((c) => c.label), ['requests.post to /predict']);
  });

  it('a Streamlit page runs itself: what its own functions return is only shown', () => {
    const src = readFileSync(join(CORPUS, 'streamlit_wrapper_page.py'), 'utf8');
    assert.deepEqual(found(src).sort(), expectedIn(src));
    assert.equal(analyze(src).calls[0]?.checks.trace, 'n/a');
    // The same function in a module with no page code is returned to its importers.
    const lib = src.slice(0, src.indexOf('st.title'));
    assert.equal(analyze(lib).calls[0]?.checks.trace, 'fail');
    // A page whose code sits in its own entry function, called at module level, runs it too.
    const page = [
      'import requests',
      'import streamlit as st',
      'def fetch_score(url, x):',
      '    return requests.get(url, params={"x": x}, timeout=2).json()',
      'def main():',
      '    st.write(fetch_score("https://scoring.internal/predict", st.text_input("x")))',
    ];
    assert.equal(analyze(py([...page, 'main()'])).calls[0]?.checks.trace, 'n/a');
    // Without that call the module's functions are for its importers. (The endpoint reaches `fetch_score` from its caller.)
    assert.equal(analyze(py(page)).calls[0]?.checks.trace, 'fail');
  });
});

describe('python analyzer: no-fallback', () => {
  const head = ['import logging', 'import joblib', 'logger = logging.getLogger(__name__)', 'model = joblib.load("m")  # mlship: ignore'];

  it('fails unguarded calls and passes calls in a try whose except returns or assigns a default', () => {
    const src = py([...head, 'def a(X):', '    return model.predict(X)', 'def b(X):', '    try:', '        return model.predict(X)', '    except Exception:', '        return None']);
    // A model of unknown kind whose output is handed on as the answer reads as a label (no-confidence).
    assert.deepEqual(rulesAt(src, 6), ['no-confidence', 'no-fallback', 'untraced-prediction']);
    assert.deepEqual(rulesAt(src, 9), ['no-confidence', 'untraced-prediction']);
    assert.equal(callAt(src, 9)?.checks.fallback, 'pass');
  });

  it('a decorator whose name says it catches guards the function and the calls it makes; one registering an error handler does not', () => {
    const src = py([
      ...head,
      'from shared.wrappers import api_exception_handler',
      '@api_exception_handler',
      'def handler(event, context):',
      '    return invoke(event)',
      'def invoke(event):',
      '    return model.predict([event["x"]])',
      '@app.exception_handler(ValueError)',
      'def on_error(request, exc):',
      '    return model.predict([[0]])',
    ]);
    assert.equal(callAt(src, 10)?.checks.fallback, 'pass');
    assert.equal(callAt(src, 13)?.checks.fallback, 'fail');
  });

  it('a handler whose last statement is a branch re-raising on every arm does not count; one arm that answers does', () => {
    const src = py([
      ...head,
      'def a(X):',
      '    try:',
      '        return model.predict(X)',
      '    except ValueError as e:',
      '        if "shape" in str(e):',
      '            raise RuntimeError("bad input") from e',
      '        elif "dtype" in str(e):',
      '            raise',
      '        else:',
      '            raise e',
      'def b(X):',
      '    try:',
      '        return model.predict(X)',
      '    except ValueError as e:',
      '        if "shape" in str(e):',
      '            raise',
      '        else:',
      '            return None',
      'def c(X):',
      '    try:',
      '        return model.predict(X)',
      '    except ValueError as e:',
      '        if "shape" in str(e):',
      '            raise',
    ]);
    assert.equal(callAt(src, 7)?.checks.fallback, 'fail');
    assert.equal(callAt(src, 17)?.checks.fallback, 'pass');
    // No `else`: the other path goes on past the handler.
    assert.equal(callAt(src, 25)?.checks.fallback, 'pass');
  });

  it('a handler with an earlier path that returns answers, whatever its last statement', () => {
    const src = py([
      ...head,
      'def a(X, quiet):',
      '    try:',
      '        return model.predict(X)',
      '    except ValueError:',
      '        if quiet:',
      '            return None',
      '        if X is None:',
      '            raise',
      '        else:',
      '            raise',
    ]);
    assert.equal(callAt(src, 7)?.checks.fallback, 'pass');
  });

  it('does not count handlers that only re-raise (also after logging), nor try/finally', () => {
    const src = py([
      ...head,
      'def a(X):',
      '    try:',
      '        return model.predict(X)',
      '    except ValueError:',
      '        raise',
      'def b(X):',
      '    try:',
      '        return model.predict(X)',
      '    except Exception as e:',
      '        logger.exception("failed")',
      '        raise RuntimeError("model") from e',
      'def c(X):',
      '    try:',
      '        return model.predict(X)',
      '    finally:',
      '        logger.info("done")',
      'def d(X):',
      '    try:',
      '        y = 1',
      '    except Exception:',
      '        return model.predict(X)',
    ]);
    for (const line of [7, 12, 18, 25]) assert.equal(callAt(src, line)?.checks.fallback, 'fail', `line ${line}`);
  });

  it('passes calls under contextlib.suppress, inside configured wrappers, and in functions decorated with one', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, fallbackWrappers: ['with_fallback', 'resilience.guarded'] };
    const src = py([
      ...head,
      'import contextlib',
      'import resilience',
      'from mylib import with_fallback',
      'def a(X):',
      '    with contextlib.suppress(Exception):',
      '        return model.predict(X)',
      'def b(X):',
      '    return with_fallback(lambda: model.predict(X), default=None)',
      '@resilience.guarded(default=0)',
      'def c(X):',
      '    return model.predict(X)',
      '@with_fallback',
      'def d(X):',
      '    return model.predict(X)',
    ]);
    for (const line of [10, 12, 15, 18]) assert.equal(callAt(src, line, config)?.checks.fallback, 'pass', `line ${line}`);
    assert.equal(callAt(src, 12)?.checks.fallback, 'fail', 'without the wrapper configured');
  });

  it('passes a helper whose every caller in the file is guarded (recursively), fails it when one caller is not', () => {
    const src = py([
      ...head,
      'def _raw(X):',
      '    return model.predict(X)',
      'def _mid(X):',
      '    return _raw(X)',
      'def api(X):',
      '    try:',
      '        return _mid(X)',
      '    except Exception:',
      '        return None',
      'def _other(X):',
      '    return model.predict_proba(X)',
      'def api2(X):',
      '    try:',
      '        a = _other(X)',
      '    except Exception:',
      '        a = None',
      '    return a, _other(X)',
      'def orphan(X):',
      '    return model.predict(X)',
      'def loop(X):',
      '    return loop(model.predict(X))',
    ]);
    assert.equal(callAt(src, 6)?.checks.fallback, 'pass');
    assert.equal(callAt(src, 15)?.checks.fallback, 'fail');
    assert.equal(callAt(src, 23)?.checks.fallback, 'fail');
    assert.equal(callAt(src, 25)?.checks.fallback, 'fail');
  });

  it('follows method calls through self and through instances of the class', () => {
    const src = py([
      ...head,
      'class Svc:',
      '    def predict(self, X):',
      '        return model.predict(X)',
      '    def safe(self, X):',
      '        try:',
      '            return self.predict(X)',
      '        except Exception:',
      '            return None',
      'svc = Svc()',
      'def route(X):',
      '    try:',
      '        return svc.predict(X)',
      '    except Exception:',
      '        return None',
    ]);
    assert.equal(callAt(src, 7)?.checks.fallback, 'pass');
  });
});

describe('python analyzer: no-confidence', () => {
  const head = ['import numpy as np', 'from sklearn.linear_model import LogisticRegression, LinearRegression', 'clf = LogisticRegression().fit(X, y)', 'reg = LinearRegression().fit(X, y)'];

  it('fails a classifier hard label and passes when a probability or derived score is compared to a threshold', () => {
    const src = py([
      ...head,
      'def a(x):',
      '    return clf.predict(x)',
      'def b(x):',
      '    label = clf.predict(x)',
      '    probs = clf.predict_proba(x)',
      '    score = probs[:, 1]',
      '    if score >= 0.8:',
      '        return label',
      'def c(x):',
      '    label = clf.predict(x)',
      '    conf = np.max(clf.predict_proba(x), axis=1)',
      '    return [l for l, p in zip(label, conf) if p > 0.9]',
      'def d(x):',
      '    label = clf.predict(x)',
      '    return label, clf.predict_proba(x).max()',
    ]);
    assert.equal(callAt(src, 6)?.checks.confidence, 'fail');
    assert.equal(callAt(src, 8)?.checks.confidence, 'pass');
    assert.equal(callAt(src, 14)?.checks.confidence, 'pass');
    // Returned with its score: the caller can act on the confidence.
    assert.equal(callAt(src, 18)?.checks.confidence, 'pass');
    assert.match(callAt(src, 18)?.confidenceReason ?? '', /score is returned, sent or logged/);
    assert.match(callAt(src, 6)?.confidenceReason ?? '', /decides/);
  });

  it('knows classifiers by class, by predict_proba/classes_ on the same receiver, and by name; never flags regressors or predict_proba', () => {
    const src = py([
      ...head,
      'import joblib',
      'm = joblib.load("m")  # mlship: ignore',
      'n = joblib.load("n")  # mlship: ignore',
      'def a(x, text_clf, regressor):',
      '    print(m.classes_)',
      '    return m.predict(x), n.predict(x), text_clf.predict(x), regressor.predict(x), reg.predict(x), clf.predict_proba(x)',
    ]);
    const calls = analyze(src).calls.filter((c) => c.range.start.line === 9);
    assert.deepEqual(
      calls.map((c) => c.checks.confidence),
      ['fail', 'n/a', 'fail', 'n/a', 'n/a', 'n/a'],
    );
  });

  it('fails argmax over model outputs (onnxruntime, torch, keras) unless the max score is thresholded', () => {
    const src = py([
      'import numpy as np',
      'import onnxruntime as ort',
      'sess = ort.InferenceSession("m.onnx")',
      'def a(x):',
      '    out = sess.run(None, {"x": x})[0]',
      '    return int(np.argmax(out))',
      'def b(x):',
      '    logits = sess.run(None, {"x": x})[0]',
      '    probs = np.exp(logits) / np.exp(logits).sum()',
      '    label = probs.argmax()',
      '    if probs[label] < 0.6:',
      '        return None',
      '    return int(label)',
      'def c(x):',
      '    return sess.run(None, {"x": x})[0]',
    ]);
    assert.equal(callAt(src, 5)?.checks.confidence, 'fail');
    assert.equal(callAt(src, 8)?.checks.confidence, 'pass');
    assert.equal(callAt(src, 15)?.checks.confidence, 'n/a');
  });

  it('fails a pipeline label used without comparing its score', () => {
    const src = py([
      'from transformers import pipeline',
      'clf = pipeline("sentiment-analysis")',
      'def a(t):',
      '    return clf(t)[0]["label"]',
      'def b(t):',
      '    r = clf(t)[0]',
      '    if r["score"] < 0.8:',
      '        return None',
      '    return r["label"]',
      'def c(t):',
      '    results = clf(t)',
      '    return [r.label for r in results]',
      'def d(t):',
      '    return clf(t)',
    ]);
    assert.equal(callAt(src, 4)?.checks.confidence, 'fail');
    assert.equal(callAt(src, 6)?.checks.confidence, 'pass');
    assert.equal(callAt(src, 11)?.checks.confidence, 'fail');
    assert.equal(callAt(src, 14)?.checks.confidence, 'n/a');
  });

  it('reads top-1 labels taken in less common ways, and scores returned where they are read', () => {
    const src = readFileSync(join(CORPUS, 'top_label_shapes.py'), 'utf8');
    const r = analyze(src);
    // Zero-shot top label alone / with ranked["scores"][0]; torch.max over a forward pass written inside it, index
    // alone / with its softmax score; a Keras network's outputs returned whole / its argmax picking the answer.
    assert.deepEqual(r.calls.map((c) => c.checks.confidence), ['fail', 'pass', 'fail', 'pass', 'n/a', 'fail']);
    assert.deepEqual(found(src).sort(), expectedIn(src));
    const hf = py(['from transformers import pipeline', 'clf = pipeline("sentiment-analysis")', 'def f(t):', '    r = clf(t)[0]', '    return {"label": r["label"], "score": r["score"]}']);
    assert.equal(callAt(hf, 4)?.checks.confidence, 'pass');
  });
});

describe('python analyzer: no-timeout', () => {
  it('a URL a parameter defaults to is the request\'s endpoint', () => {
    const src = py([
      'import requests',
      'BACKEND = "http://fastapi:8000/predict"',
      'def process(image, server_url: str = BACKEND, retries=3):',
      '    return requests.post(server_url, data=image, timeout=10).json()',
      'def typed(image, server_url: Union[str, None] = BACKEND, opts=dict(server_url=None)):',
      '    return requests.post(server_url, data=image, timeout=10).json()',
      'def other(image, server_url):',
      '    return requests.post(server_url, data=image, timeout=10).json()',
    ]);
    assert.equal(callAt(src, 4)?.label, 'requests.post to /predict');
    assert.equal(callAt(src, 6)?.label, 'requests.post to /predict', 'an annotation with a comma, a keyword of the same name inside another default');
    assert.equal(callAt(src, 8), undefined, 'a parameter with no default and no name saying so is any URL');
  });

  it('Gemini: a call with a timeout in its request options passes; the fix writes one there', () => {
    const src = py([
      'import google.generativeai as genai',
      'from google import genai as gg',
      'model = genai.GenerativeModel("gemini-1.5-flash")',
      'client = gg.Client()',
      'def a(p):',
      '    return model.generate_content(p).text',
      'def b(p):',
      '    return model.generate_content(p, request_options={"timeout": 10}).text',
      'def c(p):',
      '    return client.models.generate_content(model="gemini-2.0-flash", contents=p).text',
    ]);
    assert.deepEqual([6, 8, 10].map((l) => callAt(src, l)?.checks.timeout), ['fail', 'pass', 'fail']);
    const fixed = applyFix(src, only(src, 'no-timeout'));
    assert.match(fixed, /generate_content\(p, request_options=\{"timeout": HOSTED_MODEL_TIMEOUT_S\}\)\.text/);
  });

  it('fails requests without timeout, passes httpx by default, fails timeout=None', () => {
    const src = py([
      'import requests, httpx',
      'URL = "http://m/predict"',
      'def go(x):',
      '    a = requests.post(URL, json=x)',
      '    b = requests.post(URL, json=x, timeout=0.5)',
      '    c = httpx.post(URL, json=x)',
      '    d = httpx.post(URL, json=x, timeout=None)',
      '    e = requests.post(URL, **x)',
      '    return a, b, c, d, e',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => c.checks.timeout),
      ['fail', 'pass', 'pass', 'fail', 'pass'],
    );
  });

  it('uses the client or session configuration (httpx.Client timeout, aiohttp ClientSession timeout) and asyncio.wait_for', () => {
    const src = py([
      'import asyncio, aiohttp, httpx, requests',
      'URL = "http://m/infer"',
      'slow = httpx.Client(timeout=None)',
      'fast = httpx.Client(timeout=1.0)',
      's = requests.Session()',
      'async def go(x):',
      '    a = slow.post(URL, json=x)',
      '    b = fast.post(URL, json=x)',
      '    c = s.post(URL, json=x)',
      '    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as t:',
      '        d = await t.post(URL, json=x)',
      '    async with aiohttp.ClientSession() as u:',
      '        e = await u.post(URL, json=x)',
      '        f = await asyncio.wait_for(u.post(URL, json=x), 0.5)',
      '    return a, b, c, d, e, f',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => c.checks.timeout),
      ['fail', 'pass', 'fail', 'pass', 'fail', 'pass'],
    );
  });

  it('checks boto3 client Config timeouts and Vertex timeout=, and is n/a for local predictions', () => {
    const src = py([
      'import boto3',
      'from botocore.config import Config',
      'from google.cloud import aiplatform',
      'CFG = Config(read_timeout=1, connect_timeout=1)',
      'plain = boto3.client("sagemaker-runtime")',
      'tuned = boto3.client("sagemaker-runtime", config=CFG)',
      'inline = boto3.client("sagemaker-runtime", config=Config(retries={"max_attempts": 2}))',
      'ep = aiplatform.Endpoint("e")',
      'def go(b, model):',
      '    r1 = plain.invoke_endpoint(EndpointName="e", Body=b)',
      '    r2 = tuned.invoke_endpoint(EndpointName="e", Body=b)',
      '    r3 = inline.invoke_endpoint(EndpointName="e", Body=b)',
      '    r4 = ep.predict(instances=[b])',
      '    r5 = ep.predict(instances=[b], timeout=2)',
      '    return r1, r2, r3, r4, r5, model.predict(b)',
    ]);
    assert.deepEqual(
      analyze(src).calls.map((c) => c.checks.timeout),
      ['fail', 'pass', 'fail', 'fail', 'pass', 'n/a'],
    );
  });
});

describe('python analyzer: untraced-prediction', () => {
  const head = ['import logging', 'import joblib', 'logger = logging.getLogger(__name__)', 'MODEL_VERSION = "1"', 'model = joblib.load("m")  # mlship: ignore'];

  it('a streamed answer put together with `+=` goes where the accumulator goes', () => {
    const src = py([
      'import replicate',
      'from flask import Flask, render_template',
      'app = Flask(__name__)',
      '@app.post("/predict")',
      'def predict():',
      '    result = ""',
      '    output = replicate.run("meta/llama-2-7b-chat", input={"prompt": "hi"})',
      '    for chunk in output:',
      '        result += chunk',
      '    return render_template("index.html", text=result)',
    ]);
    assert.equal(callAt(src, 7)?.checks.trace, 'fail');
  });

  it('a count made from predictions is not an accumulator of them; an answer read after it is handed back is not whole', () => {
    const src = py([
      'import joblib',
      'from openai import OpenAI',
      'model = joblib.load("m")  # mlship: ignore',
      'client = OpenAI(timeout=10)',
      'def accuracy_of(rows, labels):',
      '    hits = 0',
      '    for x, y in zip(rows, labels):',
      '        hits += int(model.predict([x])[0] == y)',
      '    return hits / len(rows)',
      'def ask(p, raw=False):',
      '    r = client.chat.completions.create(model="gpt-4o", messages=p)',
      '    if raw:',
      '        return r',
      '    return r.choices[0].message.content',
    ]);
    assert.equal(callAt(src, 8)?.checks.trace, 'n/a');
    assert.equal(callAt(src, 11)?.checks.trace, 'fail');
  });

  it('a hosted answer handed back whole names its model; a value read from it does not', () => {
    const src = py([
      'from openai import OpenAI',
      'from google.cloud import aiplatform',
      'client = OpenAI(timeout=10)',
      'endpoint = aiplatform.Endpoint("projects/p/locations/l/endpoints/1")',
      'def a(p):',
      '    r = client.chat.completions.create(model="gpt-4o", messages=p)',
      '    return r',
      'def b(p):',
      '    r = client.chat.completions.create(model="gpt-4o", messages=p).choices[0].message.content',
      '    return r',
      'def c(x):',
      '    return endpoint.predict(x, timeout=5)',
      'def d(x):',
      '    return endpoint.predict(x, timeout=5).predictions',
    ]);
    assert.deepEqual([6, 9, 12, 14].map((l) => callAt(src, l)?.checks.trace), ['pass', 'fail', 'pass', 'fail']);
  });

  it('passes when the function logs or records anything mentioning a version', () => {
    const src = py([
      ...head,
      'def a(x):',
      '    y = model.predict(x)',
      '    logger.info("pred", extra={"model_version": MODEL_VERSION})',
      '    return y',
      'def b(x, span):',
      '    y = model.predict(x)',
      '    span.set_attribute("model.version", MODEL_VERSION)',
      '    return y',
      'def c(x):',
      '    y = model.predict(x)',
      '    record = {"model_version": MODEL_VERSION, "y": y}',
      '    logger.info("pred", extra=record)',
      '    return y',
      'def d(x):',
      '    y = model.predict(x)',
      '    print(f"served by {MODEL_VERSION}")',
      '    return y',
      'def e(x):',
      '    y = model.predict(x)',
      '    logger.info("pred %s", y)',
      '    return {"y": y, "model_version": MODEL_VERSION}',
      'def f(x):',
      '    y = model.predict(x)',
      '    logger.info("pred %s", y)',
      '    return {"y": y}',
    ]);
    // A version word in a message or another name (`conversion_rate`) is no model version.
    const words = py([
      ...head,
      'def g(x, bad):',
      '    if bad:',
      '        return {"error": "unsupported API version"}',
      '    y = model.predict(x)',
      '    return {"y": y, "conversion_rate": 0.1}',
    ]);
    assert.equal(analyze(words).calls[0]?.checks.trace, 'fail');
    // e: the version travels with the answer, as the rule's page says.
    assert.deepEqual(
      analyze(src).calls.map((c) => c.checks.trace),
      ['pass', 'pass', 'pass', 'pass', 'pass', 'fail'],
    );
  });

  it('is n/a for a discarded result and for module-level code that sends or stores nothing', () => {
    const src = py([...head, 'def warm(x):', '    model.predict(x)', 'y = model.predict(X)', 'logger.info("batch done")', 'z = model.predict(X)', 'pd.DataFrame({"z": z}).to_csv("out.csv")']);
    assert.deepEqual(
      analyze(src).calls.map((c) => c.checks.trace),
      ['n/a', 'n/a', 'fail'],
    );
    const traced = src.replace('logger.info("batch done")', 'logger.info("batch done", extra={"version": MODEL_VERSION})');
    assert.deepEqual(
      analyze(traced).calls.map((c) => c.checks.trace),
      ['n/a', 'n/a', 'pass'],
    );
  });
});

describe('python analyzer: unsafe-model-load', () => {
  it('flags pickle-based loaders through aliases, torch.load without weights_only and np.load with allow_pickle', () => {
    const src = py([
      'import pickle as pkl',
      'import joblib, cloudpickle, dill, torch, json, yaml',
      'import numpy as np',
      'import onnxruntime as ort',
      'from joblib import load',
      'from safetensors.torch import load_file',
      'a = pkl.load(f)',
      'b = pkl.loads(data)',
      'c = load("m.joblib")',
      'd = joblib.load("m.joblib")',
      'e = cloudpickle.load(f)',
      'g = dill.load(f)',
      'h = torch.load("m.pt")',
      'i = torch.load("m.pt", weights_only=True)',
      'j = np.load("x.npy", allow_pickle=True)',
      'k = np.load("x.npy")',
      'l = json.load(f)',
      'm = yaml.safe_load(f)',
      'n = load_file("m.safetensors")',
      'o = ort.InferenceSession("m.onnx")',
    ]);
    assert.deepEqual(
      analyze(src)
        .findings.filter((f) => f.rule === 'unsafe-model-load')
        .map((f) => f.range.start.line + 1),
      [7, 8, 9, 10, 11, 12, 13, 15],
    );
    const f = only(src, 'unsafe-model-load');
    assert.deepEqual(f.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 15 } });
  });
});

describe('python analyzer: suppressions, severities and hover data', () => {
  const src = py([
    'import joblib',
    'clf = joblib.load("m")  # mlship: ignore[unsafe-model-load]',
    'def a(x):',
    '    # mlship: ignore[no-fallback]',
    '    return clf.predict(x)',
    'def b(x):',
    '    return clf.predict(x)  # mlship: ignore',
  ]);

  it('drops suppressed findings and marks the check suppressed', () => {
    assert.deepEqual(found(src), ['5:no-confidence', '5:untraced-prediction']);
    const calls = analyze(src).calls;
    assert.equal(calls[0]?.checks.fallback, 'suppressed');
    assert.deepEqual(calls[1]?.checks, { fallback: 'suppressed', confidence: 'suppressed', timeout: 'n/a', trace: 'suppressed' });
  });

  it('honours ignore-file and severity off', () => {
    assert.deepEqual(found(`# mlship: ignore-file[no-confidence, untraced-prediction]\n${src}`), []);
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, severity: { ...DEFAULT_CONFIG.severity, 'no-confidence': 'off', 'untraced-prediction': 'error' } };
    const findings = analyze(src, config).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.severity]),
      [['untraced-prediction', 'error']],
    );
  });

  it('reports every check of a guarded call for the hover', () => {
    const guarded = py([
      'import logging',
      'from sklearn.ensemble import RandomForestClassifier',
      'logger = logging.getLogger(__name__)',
      'clf = RandomForestClassifier().fit(X, y)',
      'def a(x):',
      '    try:',
      '        p = clf.predict_proba(x)[:, 1]',
      '    except Exception:',
      '        return None',
      '    logger.info("scored", extra={"model_version": "7"})',
      '    return p > 0.5',
    ]);
    const call = callAt(guarded, 7);
    assert.ok(call);
    assert.equal(call.kind, 'estimator');
    assert.equal(call.label, 'scikit-learn predict_proba');
    assert.deepEqual(call.checks, { fallback: 'pass', confidence: 'n/a', timeout: 'n/a', trace: 'pass' });
    assert.deepEqual(found(guarded), []);
  });

  it('carries the call index on findings', () => {
    const result = analyze(src);
    for (const f of result.findings) {
      assert.ok(f.callIndex !== undefined);
      assert.deepEqual(result.calls[f.callIndex]?.range.start, f.range.start);
    }
  });
});

describe('python analyzer: quick fixes', () => {
  it('wraps the rest of the function in try/except returning the function\'s fallback, adding logging and logger', () => {
    const src = py(['import joblib', '', 'model = joblib.load("m")  # mlship: ignore', '', '', 'def score(X) -> float:', '    y = model.predict(X)', '    return float(y[0])', '', '', 'def other():', '    return 1']);
    const f = only(src, 'no-fallback');
    const fixes = fixesFor(f, src, 'python', DEFAULT_CONFIG);
    assert.equal(fixes[0]?.title, 'Wrap in try/except: fall back to fallback_score()');
    assert.equal(fixes[0]?.fixAllSafe, true);
    const out = applyFix(src, f);
    assert.match(out, /import joblib\nimport logging\n\nlogger = logging\.getLogger\(__name__\)\n/);
    assert.match(out, / {4}try:\n {8}y = model\.predict\(X\)\n {8}return float\(y\[0\]\)\n {4}except Exception:\n {8}logger\.exception\("Prediction failed; using fallback"\)\n {8}return fallback_score\(X\)\n/);
    assert.match(out, /\n\n\ndef fallback_score\(X\) -> float:\n {4}"""What score\(\) answers[^"]*"""\n {4}# TODO\(mlship: fallback-stub\): [^\n]*\n {4}return 0\.0\n\n\ndef other\(\):/);
    assert.deepEqual(found(out).filter((x) => x.endsWith('fallback-stub')), ['20:fallback-stub']);
  });

  it('types the fallback after the annotation, the returned literal, dict keys or a local dataclass; passes parameters on', () => {
    const src = py([
      'from dataclasses import dataclass',
      'import joblib',
      'clf = joblib.load("m")  # mlship: ignore',
      '@dataclass',
      'class Verdict:',
      '    label: str',
      '    score: float',
      '    note: str = ""',
      'def a(x, *, k) -> tuple[str, float]:',
      '    return clf.predict(x), 1.0',
      'def b(x):',
      '    return {"label": str(clf.predict(x)[0]), "ok": bool(x), "status": 200}',
      'def c(x) -> Verdict:',
      '    return Verdict(clf.predict(x)[0], 0.9)',
      'class S:',
      '    def d(self, x, *rest, **opts) -> "Optional[int]":',
      '        return clf.predict(x)',
    ]);
    const values = analyze(src).findings.filter((f) => f.rule === 'no-fallback').map((f) => applyFix(src, f));
    assert.match(values[0] ?? '', /return fallback_a\(x, k=k\)\n[\s\S]*def fallback_a\(x, \*, k\) -> tuple\[str, float\]:[\s\S]*return \("", 0\.0\)/);
    assert.match(values[1] ?? '', /def fallback_b\(x\):[\s\S]*return \{"label": "", "ok": False, "status": 200\}/);
    assert.match(values[2] ?? '', /return Verdict\(label="", score=0\.0\)/);
    assert.match(values[3] ?? '', /return fallback_d\(x, \*rest, \*\*opts\)[\s\S]*def fallback_d\(x, \*rest, \*\*opts\) -> "Optional\[int\]":[\s\S]*return None/);
  });

  it('keeps an existing logger (under another name) and an existing fallback of the function', () => {
    const src = py([
      'import logging',
      'from sklearn.svm import SVC',
      'log = logging.getLogger("svc")',
      'clf = SVC().fit(X, y)',
      'def fallback_score(x):',
      '    return 0',
      'def score(x):',
      '    return clf.predict([x])[0]',
    ]);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.equal((out.match(/import logging/g) ?? []).length, 1);
    assert.equal((out.match(/def fallback_score/g) ?? []).length, 1);
    assert.doesNotMatch(out, /logger = /);
    assert.match(out, / {4}try:\n {8}return clf\.predict\(\[x\]\)\[0\]\n {4}except Exception:\n {8}log\.exception\("Prediction failed; using fallback"\)\n {8}return fallback_score\(x\)\n/);
  });

  it('logs and goes on for a prediction whose value is discarded (a warm-up call)', () => {
    const src = py(['import onnxruntime as ort', 'class W:', '    def __init__(self, p):', '        self.s = ort.InferenceSession(p)', '        self.s.run(None, {"x": 0})', '        self.ready = True']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, / {8}try:\n {12}self\.s\.run\(None, \{"x": 0\}\)\n {8}except Exception:\n {12}logger\.exception\("Prediction failed; using fallback"\)\n {8}self\.ready = True\n/);
    assert.doesNotMatch(out, /def fallback_/);
  });

  it('module level: the statements using the prediction go into the try; unpacked names get a tuple of the right arity', () => {
    const src = py(['import onnxruntime as ort', 'sess = ort.InferenceSession("m.onnx")', 'label, probs = sess.run(None, feed)', 'print(probs[0])', 'n = 3', 'print(n)']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, /\ntry:\n {4}label, probs = sess\.run\(None, feed\)\n {4}print\(probs\[0\]\)\nexcept Exception:\n {4}logger\.exception\("Prediction failed; using fallback"\)\n {4}label, probs = fallback_prediction\(feed\)\nn = 3\n/);
    assert.match(out, /def fallback_prediction\(\*inputs\):\n[\s\S]*?return \(None, None\)\n/);
  });

  it('preserves tabs, two-space indentation and CRLF line endings', () => {
    const tabs = 'import joblib\nm = joblib.load("m")  # mlship: ignore\nclass A:\n\tdef f(self, x):\n\t\tif x:\n\t\t\tr = m.predict(x)\n\t\t\treturn r\n';
    const outTabs = applyFix(tabs, only(tabs, 'no-fallback'));
    assert.match(outTabs, /\t\ttry:\n\t\t\tif x:\n\t\t\t\tr = m\.predict\(x\)\n\t\t\t\treturn r\n\t\texcept Exception:\n\t\t\tlogger\.exception/);
    assert.match(outTabs, /def fallback_f\(x\):\n\t"""/);
    assert.equal(indentUnit(outTabs, '    ', ':'), '\t');
    const two = 'import joblib\nm = joblib.load("m")  # mlship: ignore\ndef f(x):\n  if x:\n    r = m.predict(\n      x,\n    )\n    return r\n';
    const outTwo = applyFix(two, only(two, 'no-fallback'));
    assert.match(outTwo, /\n {2}try:\n {4}if x:\n {6}r = m\.predict\(\n {8}x,\n {6}\)\n {6}return r\n {2}except Exception:\n {4}logger\.exception\("Prediction failed; using fallback"\)\n {4}return fallback_f\(x\)\n/);
    assert.match(outTwo, /def fallback_f\(x\):\n {2}"""/);
    const crlf = two.replace(/\n/g, '\r\n');
    const outCrlf = applyFix(crlf, only(crlf, 'no-fallback'));
    assert.equal(outCrlf.replace(/\r\n/g, '').includes('\n'), false, 'only CRLF line endings');
  });

  it('wraps a compound statement whose header holds the call (async with session.post)', () => {
    const src = py([
      'import aiohttp',
      'async def go(x):',
      '    async with aiohttp.ClientSession() as s:',
      '        async with s.post("http://m/predict", json=x, timeout=1) as r:',
      '            data = await r.json()',
      '    return data',
    ]);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, / {4}try:\n {8}async with aiohttp\.ClientSession\(\) as s:\n {12}async with s\.post\("http:\/\/m\/predict", json=x, timeout=1\) as r:\n {16}data = await r\.json\(\)\n {8}return data\n {4}except Exception:\n {8}logger\.exception\("Prediction failed; using fallback"\)\n {8}return fallback_go\(x\)\n/);
  });

  it('switches a classifier to predict_proba with CONFIDENCE_THRESHOLD, returning the function\'s fallback below it', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, confidenceThreshold: 0.85 };
    const src = py([
      'from sklearn.linear_model import LogisticRegression',
      'clf = LogisticRegression().fit(X, y)',
      'def a(X):',
      '    label = clf.predict(X)',
      '    return label',
      'def b(x):',
      '    return clf.predict([x])[0]',
      'def c(x, out):',
      '    out.append(int(clf.predict([x])[0]))',
    ]);
    const findings = analyze(src, config).findings.filter((f) => f.rule === 'no-confidence');
    assert.equal(findings.length, 3);
    const fixes = fixesFor(findings[0] as Finding, src, 'python', config);
    assert.equal(fixes[0]?.fixAllSafe, false);
    const outA = applyFix(src, findings[0] as Finding, config);
    assert.match(outA, /\nCONFIDENCE_THRESHOLD = 0\.85\n/);
    assert.match(outA, / {4}proba = clf\.predict_proba\(X\)\n {4}confidence = proba\.max\(axis=1\)\n {4}if confidence\.min\(\) < CONFIDENCE_THRESHOLD:\n {8}logger\.info\("Prediction below the confidence threshold; using fallback", extra=\{"confidence": float\(confidence\.min\(\)\)\}\)\n {8}return fallback_a\(X\)\n {4}label = clf\.classes_\[proba\.argmax\(axis=1\)\]\n {4}return label\n/);
    const outB = applyFix(src, findings[1] as Finding, config);
    assert.match(outB, / {8}return fallback_b\(x\)\n {4}return clf\.classes_\[proba\.argmax\(axis=1\)\]\[0\]\n/);
    const outC = applyFix(src, findings[2] as Finding, config);
    assert.match(outC, / {4}out\.append\(int\(clf\.classes_\[proba\.argmax\(axis=1\)\]\[0\]\)\)\n/);
  });

  it('adds a timeout from a named constant (mlship.diagnostics.timeoutMs) to requests, httpx, aiohttp and Vertex calls', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, latencyBudgetMs: 250, timeoutMs: 250 };
    const src = py([
      'import requests, httpx',
      'from aiohttp import ClientSession',
      'from google.cloud import aiplatform',
      'URL = "http://m/predict"',
      'ep = aiplatform.Endpoint("e")',
      'async def go(x):',
      '    a = requests.post(URL, json=x,)',
      '    b = httpx.post(URL, json=x, timeout=None)',
      '    async with ClientSession() as s:',
      '        c = await s.post(URL, json=x)',
      '    d = ep.predict(instances=[x])',
      '    return a, b, c, d',
    ]);
    const timeouts = analyze(src, config).findings.filter((f) => f.rule === 'no-timeout');
    assert.equal(timeouts.length, 4);
    const outs = timeouts.map((f) => applyFix(src, f, config));
    for (const out of outs) assert.match(out, /\nINFERENCE_TIMEOUT_S = 0\.25 {2}# seconds; mlship\.diagnostics\.timeoutMs/);
    assert.match(outs[0] ?? '', /requests\.post\(URL, json=x, timeout=INFERENCE_TIMEOUT_S\)/);
    assert.match(outs[1] ?? '', /httpx\.post\(URL, json=x, timeout=INFERENCE_TIMEOUT_S\)/);
    assert.match(outs[2] ?? '', /\nimport aiohttp\n/);
    assert.match(outs[2] ?? '', /s\.post\(URL, json=x, timeout=aiohttp\.ClientTimeout\(total=INFERENCE_TIMEOUT_S\)\)/);
    assert.match(outs[3] ?? '', /ep\.predict\(instances=\[x\], timeout=INFERENCE_TIMEOUT_S\)/);
  });

  it('adds read/connect timeouts to the boto3 client, importing Config', () => {
    const src = py(['import boto3', 'rt = boto3.client("sagemaker-runtime")', 'def go(b):', '    try:', '        return rt.invoke_endpoint(EndpointName="e", Body=b)', '    except Exception:', '        return None']);
    const out = applyFix(src, only(src, 'no-timeout'));
    assert.match(out, /import boto3\nfrom botocore\.config import Config\n/);
    assert.match(out, /\nINFERENCE_TIMEOUT_S = 0\.05 {2}#/);
    // The line would pass 99 characters: the argument on a line of its own, one timeout a line.
    assert.match(out, /rt = boto3\.client\("sagemaker-runtime",\n {18}config=Config\(read_timeout=INFERENCE_TIMEOUT_S,\n {32}connect_timeout=INFERENCE_TIMEOUT_S\)\)\n/, out);
  });

  it('sets the timeout on an SDK client whose calls take none, in the unit its constructor takes', () => {
    const call = (client: string, method: string) => py(['from huggingface_hub import InferenceClient', 'from mistralai import Mistral', 'import cohere', client, 'def go(x):', '    try:', `        return c.${method}`, '    except Exception:', '        return None']);
    const hf = applyFix(call('c = InferenceClient("org/model", token="t")', 'text_classification(x)'), only(call('c = InferenceClient("org/model", token="t")', 'text_classification(x)'), 'no-timeout'));
    // Hosted model APIs: the hosted-model constant (mlship.diagnostics.hostedModelTimeoutMs), not the latency budget.
    assert.match(hf, /\nHOSTED_MODEL_TIMEOUT_S = 30\.0 {2}# seconds; mlship\.diagnostics\.hostedModelTimeoutMs[^\n]*\nc = InferenceClient\("org\/model", token="t", timeout=HOSTED_MODEL_TIMEOUT_S\)/);
    // A timeout of None is replaced, not repeated.
    const none = call('c = cohere.Client("key", timeout=None)', 'embed(texts=[x])');
    assert.match(applyFix(none, only(none, 'no-timeout')), /cohere\.Client\("key", timeout=HOSTED_MODEL_TIMEOUT_S\)/);
    const mistral = call('c = Mistral(api_key="k")', 'chat.complete(model="m", messages=x)');
    assert.match(applyFix(mistral, only(mistral, 'no-timeout')), /Mistral\(api_key="k", timeout_ms=int\(HOSTED_MODEL_TIMEOUT_S \* 1000\)\)/);
    // Built from a dict of options, or above the imports the constant would follow: no fix (it could not be checked).
    for (const src of [call('c = InferenceClient(**OPTIONS)', 'text_classification(x)'), py(['from huggingface_hub import InferenceClient', 'c = InferenceClient("org/model")', 'import json', 'def go(x):', '    try:', '        return c.text_classification(x)', '    except Exception:', '        return None'])]) {
      assert.deepEqual(fixesFor(only(src, 'no-timeout'), src, 'python', DEFAULT_CONFIG), [], src);
    }
  });

  it('hosted model APIs and LLM servers get their own timeout constant; model servers and Triton the latency budget', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, timeoutMs: 120, hostedModelTimeoutMs: 20_000 };
    const src = py([
      'import openai',
      'import requests',
      'client = openai.OpenAI()',
      'def score(x):',
      '    try:',
      '        return requests.post("http://scorer:8080/predict", json=x).json()',
      '    except Exception:',
      '        return None',
      'def ask(q):',
      '    try:',
      '        return client.chat.completions.create(model="m", messages=q)',
      '    except Exception:',
      '        return None',
      'def local(q):',
      '    try:',
      '        return requests.post("http://localhost:11434/api/generate", json=q).json()',
      '    except Exception:',
      '        return None',
    ]);
    // Fix all (every call is guarded already: the timeouts are the only fixes).
    const { text: out, count } = fixAllText(src, 'python', config);
    assert.equal(count, 3, out);
    assert.match(out, /\nINFERENCE_TIMEOUT_S = 0\.12 {2}#/);
    assert.equal(out.match(/\nHOSTED_MODEL_TIMEOUT_S = 20\.0 {2}#/g)?.length, 1, out);
    // Lines that would pass 99 characters get the argument on a line of their own, aligned with the parenthesis.
    assert.match(out, /\n {8}return requests\.post\("http:\/\/scorer:8080\/predict", json=x,\n {29}timeout=INFERENCE_TIMEOUT_S\)\.json\(\)\n/);
    assert.match(out, /create\(model="m", messages=q,\n {46}timeout=HOSTED_MODEL_TIMEOUT_S\)/);
    assert.match(out, /api\/generate", json=q,\n {29}timeout=HOSTED_MODEL_TIMEOUT_S\)/);
  });

  it('an LLM behind a model server (generation parameters in the request) gets the hosted timeout; a feature named temperature does not', () => {
    const sm = (payload: string) => py(['import json', 'import boto3', 'runtime = boto3.client("sagemaker-runtime")', 'def ask(prompt):', `    payload = ${payload}`, '    try:', '        r = runtime.invoke_endpoint(EndpointName="e", ContentType="application/json", Body=json.dumps(payload))', '        return json.loads(r["Body"].read())', '    except Exception:', '        return None']);
    const llm = sm('{"inputs": prompt, "parameters": {"max_new_tokens": 256, "top_p": 0.9}}');
    assert.match(applyFix(llm, only(llm, 'no-timeout')), /Config\(read_timeout=HOSTED_MODEL_TIMEOUT_S,\s+connect_timeout=HOSTED_MODEL_TIMEOUT_S\)/);
    const weather = sm('{"temperature": prompt, "humidity": 0.4}');
    assert.match(applyFix(weather, only(weather, 'no-timeout')), /Config\(read_timeout=INFERENCE_TIMEOUT_S,\s+connect_timeout=INFERENCE_TIMEOUT_S\)/);
  });

  it('boto3 timeouts too long for a line of their own go one a line, aligned inside Config(', () => {
    const src = py(['import boto3', 'runtime = boto3.client("sagemaker-runtime", region_name="eu-west-1", endpoint_url=ENDPOINT)', 'def score(body):', '    try:', '        return runtime.invoke_endpoint(EndpointName="m", Body=body)["Body"].read()', '    except Exception:', '        return None']);
    const out = applyFix(src, only(src, 'no-timeout'));
    assert.match(out, /endpoint_url=ENDPOINT,\n {23}config=Config\(read_timeout=INFERENCE_TIMEOUT_S,\n {37}connect_timeout=INFERENCE_TIMEOUT_S\)\)\n/, out);
    assert.ok(out.split('\n').every((l) => l.length <= 99), out);
  });

  it('code moved into a try keeps its blank lines blank (no trailing white space)', () => {
    const src = py(['import onnxruntime as ort', 'sess = ort.InferenceSession("m.onnx")', 'def go(x):', '    out = sess.run(None, {"x": x})', '', '    label = int(out[0][0])', '\t', '    return {"label": label, "score": float(out[1][0][label])}']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, /\n {8}out = sess\.run\(None, \{"x": x\}\)\n\n {8}label = int/, out);
    assert.match(out, /\n\t\n/, 'a line of white space stays as it was');
    assert.doesNotMatch(out, /\n {4,}\n/, out);
  });

  it('a fallback def added after the imports has two blank lines after it, also where code followed the imports directly', () => {
    const src = py(['import torch', 'model = torch.load("m.pt", weights_only=True)', 'model.eval()', 'x = torch.zeros(1, 3)', 'with torch.no_grad():', '    out = model(x)', 'print(out.argmax(1))']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, /\n {4}return None\n\n\nmodel = torch\.load/, out);
  });

  it("a function's fallback def gets two blank lines before the code after it, however many that code had", () => {
    const src = py(['import joblib', 'model = joblib.load("m.joblib")', 'def predict(x):', '    return {"y": float(model.predict([x])[0])}', '', 'if __name__ == "__main__":', '    print(predict([1.0]))']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, /\n {4}return \{"y": 0\.0\}\n\n\nif __name__/, out);
  });

  it('the indent unit comes from blocks: continuation lines of a script with none do not make it 2', () => {
    const src = py(['from openai import OpenAI', 'client = OpenAI()', 'response = client.chat.completions.create(', '  model="m",', '  messages=[],', ')', 'print(response)']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, /\ntry:\n {4}response = client\.chat\.completions\.create\(\n {6}model="m",/, out);
    assert.match(out, /\nexcept Exception:\n {4}logger\.exception/, out);
    // A blank line with a tab in a file indented with four spaces says nothing; most blocks decide.
    assert.equal(indentUnit('if a:\n\t\n    b()\nif c:\n    d()\n', '  ', ':'), '    ');
    assert.equal(indentUnit('x = f(\n  1,\n)\n', '    ', ':'), '    ');
  });

  it('a multi-line call with a trailing comma gets the timeout on a line of its own, indented as the arguments', () => {
    const src = py(['import requests', 'def go(x):', '    try:', '        r = requests.post(', '            "http://scorer/predict",', '            json={', '                "x": x,', '            },', '        )', '        return r.json()', '    except Exception:', '        return None']);
    const out = applyFix(src, only(src, 'no-timeout'));
    assert.match(out, /\n {12}json=\{\n {16}"x": x,\n {12}\},\n {12}timeout=INFERENCE_TIMEOUT_S,\n {8}\)\n/, out);
    // One line, or no trailing comma: the argument goes after the last one, on its line.
    const flat = py(['import requests', 'def go(x):', '    try:', '        return requests.post(', '            "http://scorer/predict", json=x', '        ).json()', '    except Exception:', '        return None']);
    assert.match(applyFix(flat, only(flat, 'no-timeout')), /json=x, timeout=INFERENCE_TIMEOUT_S\n {8}\)\.json\(\)/);
  });

  it('Triton: the HTTP client gets connection and network timeouts; the gRPC client has none to set (a call with client_timeout= has one)', () => {
    const grpc = (call: string) => py(['import tritonclient.grpc as grpcclient', 'client = grpcclient.InferenceServerClient(url="localhost:8001")', 'def go(inputs):', '    try:', `        return ${call}`, '    except Exception:', '        return None']);
    const without = grpc('client.infer("m", inputs)');
    assert.deepEqual(fixesFor(only(without, 'no-timeout'), without, 'python', DEFAULT_CONFIG), []);
    assert.ok(!found(grpc('client.infer("m", inputs, client_timeout=2.0)')).some((r) => r.endsWith(':no-timeout')));
    const http = without.replace('tritonclient.grpc as grpcclient', 'tritonclient.http as httpclient').replace('grpcclient.', 'httpclient.');
    assert.match(applyFix(http, only(http, 'no-timeout')), /httpclient\.InferenceServerClient\(url="localhost:8001", connection_timeout=INFERENCE_TIMEOUT_S, network_timeout=INFERENCE_TIMEOUT_S\)/);
  });

  it('module-level additions go after the imports above the call, not after an import further down the script', () => {
    const src = py(['import requests', 'URL = "http://scorer/predict"', 'r = requests.post(URL, json={})', 'print(r.json())', 'import json', 'print(json.dumps({}))']);
    const out = applyFix(src, only(src, 'no-timeout'));
    assert.ok(out.indexOf('INFERENCE_TIMEOUT_S = ') < out.indexOf('requests.post('), out);
  });

  it('a call of a function this file defines is not a model call, whatever its name: the generated fallback is not wrapped again', () => {
    // An evaluation function (its name says inference) in a file that imports torch: `fallback_evaluate_model()` in the
    // handler ends like a model's name, and was taken for a forward pass; "fix all" then wrapped it 50 times.
    const src = py(['import torch', 'import joblib', '', 'model = joblib.load("m.joblib")  # mlship: ignore', '', 'def evaluate_model(X):', '    y_pred = model.predict(X)', '    return {"accuracy": float((y_pred == 1).mean())}']);
    const out = applyFix(src, only(src, 'no-fallback'));
    assert.match(out, /return fallback_evaluate_model\(X\)/);
    assert.deepEqual(found(out).filter((r) => r.endsWith(':no-fallback')), []);
    assert.equal(fixAllText(src, 'python', DEFAULT_CONFIG).count, 1);
  });

  it('"fix all" undoes a fix that leaves as many findings of its rule, instead of applying it again and again', () => {
    // The team's predict pattern names the generated fallback: the fallback call in the handler is flagged in turn.
    const config = { ...DEFAULT_CONFIG, predictPatterns: [{ callee: '*.predict', kind: 'local' as const }, { callee: 'fallback_score', kind: 'local' as const }] };
    const src = py(['import json', '', 'def score(x):', '    out = scorer.predict(x)', '    return json.dumps(out)']);
    assert.equal(analyze(src, config).findings.filter((f) => f.rule === 'no-fallback').length, 1);
    assert.deepEqual(fixAllText(src, 'python', config), { text: src, count: 0 });
  });

  it('offers weights_only=True for torch.load', () => {
    const src = py(['import torch', 'net = torch.load("m.pt", map_location="cpu")']);
    const out = applyFix(src, only(src, 'unsafe-model-load'));
    assert.match(out, /torch\.load\("m\.pt", map_location="cpu", weights_only=True\)/);
  });

  it('fixes every fixable finding of the corpus into code that parses and no longer has the finding', () => {
    let fixed = 0;
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.py'))) {
      const src = readFileSync(join(CORPUS, file), 'utf8');
      for (const f of analyze(src).findings) {
        if (fixesFor(f, src, 'python', DEFAULT_CONFIG).length === 0) continue;
        applyFix(src, f);
        fixed++;
      }
    }
    assert.ok(fixed >= 30, `${fixed} fixes checked`);
  });
});

describe('python analyzer: corpus', () => {
  it('matches the # expect: annotations with precision and recall 1.0 per rule', () => {
    const stats = new Map<string, { tp: number; fp: number; fn: number }>();
    const stat = (r: string) => {
      let s = stats.get(r);
      if (!s) stats.set(r, (s = { tp: 0, fp: 0, fn: 0 }));
      return s;
    };
    const misses: string[] = [];
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.py'));
    assert.ok(files.length >= 36, `${files.length} corpus files`);
    for (const file of files) {
      const src = readFileSync(join(CORPUS, file), 'utf8');
      const expected = new Set<string>();
      src.split('\n').forEach((line, i) => {
        const m = /#\s*expect:\s*([\w -]+?)\s*$/.exec(line);
        for (const r of m?.[1]?.split(/\s+/) ?? []) expected.add(`${i}:${r}`);
      });
      const actual = new Set(analyze(src).findings.map((f) => `${f.range.start.line}:${f.rule}`));
      for (const a of actual) {
        const rule = a.slice(a.indexOf(':') + 1);
        if (expected.has(a)) stat(rule).tp++;
        else {
          stat(rule).fp++;
          misses.push(`unexpected ${file}:${Number.parseInt(a, 10) + 1} ${rule}`);
        }
      }
      for (const e of expected) {
        if (actual.has(e)) continue;
        stat(e.slice(e.indexOf(':') + 1)).fn++;
        misses.push(`missing ${file}:${Number.parseInt(e, 10) + 1} ${e.slice(e.indexOf(':') + 1)}`);
      }
    }
    assert.deepEqual(misses, []);
    assert.deepEqual([...stats.keys()].sort(), ['fallback-stub', 'no-confidence', 'no-fallback', 'no-timeout', 'unsafe-model-load', 'untraced-prediction']);
  });
});

describe('python analyzer: robustness and speed', () => {
  it('never throws on truncated corpus files and garbage', () => {
    const samples: string[] = ['', '\n', '(((((', '"""unterminated', "f'{", 'def (:', 'model.predict(', 'with torch.no_grad(:\n  model(', '\t\t\tx = \\\n', ')]}', '#', '@', 'import', 'from . import', 'x = y = z ='];
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.py'))) {
      const src = readFileSync(join(CORPUS, file), 'utf8');
      for (const cut of [0.17, 0.33, 0.5, 0.71, 0.9]) samples.push(src.slice(0, Math.floor(src.length * cut)));
      samples.push(src.replace(/:\n/g, '\n'), src.replace(/\)/g, ''));
    }
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = 'model.predict(x)[0] try: except Exception: return "\'\'\' # mlship f"{ \n\t()[]{}=<>:,.;\\';
    for (let i = 0; i < 40; i++) {
      let s = '';
      for (let j = 0; j < 400; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      samples.push(s);
    }
    samples.push(`${'('.repeat(3000)}model.predict(x)${')'.repeat(3000)}`, `x = ${'['.repeat(2000)}`, 'def f():\n'.repeat(300) + '    return model.predict(x)');
    for (const s of samples) {
      const tree = parse(s, 'python');
      assert.doesNotThrow(() => pythonAnalyzer.analyze(tree, s, DEFAULT_CONFIG, {}));
      const { result } = analyzeSource(s, 'python', DEFAULT_CONFIG);
      for (const f of result.findings) assert.doesNotThrow(() => fixesFor(f, s, 'python', DEFAULT_CONFIG));
    }
  });

  // Speed against the parse is measured by bench/analysis.ts; this checks that a large module is analyzed whole.
  it('analyzes a 10,000-line module', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.py'));
    let src = '';
    for (let k = 0; src.split('\n').length < 10_000; k++) {
      for (const file of files) src += readFileSync(join(CORPUS, file), 'utf8').replace(/\bdef (\w+)/g, `def $1_${k}`) + '\n\n';
    }
    const tree = parse(src, 'python');
    const calls = pythonAnalyzer.analyze(tree, src, DEFAULT_CONFIG, {}).calls.length;
    tree.delete();
    assert.ok(calls > 500, `${calls} predict calls found`);
  });
});
