// Light inter-file resolution: a model, session or client built in another module of the workspace is recognized
// where it is imported (a factory function, a module-level object, an endpoint constant), and nothing is read outside
// the workspace folders.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyzeSource, summarizeSource } from '../../../src/core/analysis/engine';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { summarizePython } from '../../../src/core/analysis/python/context';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { FileWorkspaceResolver, moduleNamesOf, specifierName } from '../../../src/core/analysis/workspace';

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
