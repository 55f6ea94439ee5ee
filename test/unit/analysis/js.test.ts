// The JavaScript / TypeScript / TSX analyzer: predict-call detection, the four checks, suppressions, quick fixes
// and robustness. Snippets mark expected findings with `// expect: rule …` on the line where the finding starts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor } from '../../../src/core/analysis/engine';
import { fixAllText } from '../../../src/core/analysis/fixAll';
import { languageForPath, loadGrammars, parse } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG, type AnalysisConfig, type AnalysisResult, type Language, type PredictCall, type RuleId } from '../../../src/core/analysis/types';
import { runJs } from '../../fixRuns';

const CORPUS = join(__dirname, '..', '..', 'corpus', 'js');

const EXPECT = /\/\/\s*expect:\s*([a-z- ]+)/;

function analyze(src: string, lang: Language = 'typescript', config: AnalysisConfig = DEFAULT_CONFIG): AnalysisResult {
  const { result, tree } = analyzeSource(src, lang, config);
  tree.delete();
  return result;
}

function expectedOf(src: string): string[] {
  const out: string[] = [];
  src.split('\n').forEach((line, i) => {
    for (const r of EXPECT.exec(line)?.[1]?.trim().split(/\s+/) ?? []) out.push(`${i + 1}:${r}`);
  });
  return out.sort();
}

function actualOf(result: AnalysisResult): string[] {
  return result.findings.map((f) => `${f.range.start.line + 1}:${f.rule}`).sort();
}

/** Analyzes a snippet and compares the findings with its `// expect:` comments. */
function check(src: string, lang: Language = 'typescript', config: AnalysisConfig = DEFAULT_CONFIG): AnalysisResult {
  const result = analyze(src, lang, config);
  assert.deepEqual(actualOf(result), expectedOf(src), `findings of:\n${src}`);
  return result;
}

function calls(src: string, lang: Language = 'typescript', config: AnalysisConfig = DEFAULT_CONFIG): PredictCall[] {
  return analyze(src, lang, config).calls;
}

function kinds(src: string, lang: Language = 'typescript', config: AnalysisConfig = DEFAULT_CONFIG): string[] {
  return calls(src, lang, config).map((c) => c.kind);
}

/** Most rule tests look at one rule: the others are off. */
function only(rule: RuleId, base: AnalysisConfig = DEFAULT_CONFIG): AnalysisConfig {
  const severity = { ...base.severity };
  for (const k of Object.keys(severity) as RuleId[]) if (k !== rule) severity[k] = 'off';
  return { ...base, severity };
}

const count = (r: AnalysisResult, rule: RuleId) => r.findings.filter((f) => f.rule === rule).length;

/** Applies the first fix of the first finding of `rule`; checks that the result parses and the finding is gone. */
function applyFix(src: string, lang: Language, rule: RuleId, config: AnalysisConfig = DEFAULT_CONFIG): string {
  const { result, tree } = analyzeSource(src, lang, config);
  try {
    const finding = result.findings.find((f) => f.rule === rule);
    assert.ok(finding, `a ${rule} finding in:\n${src}`);
    const fixes = fixesFor(finding, src, lang, config, tree);
    assert.ok(fixes.length > 0, `a fix for ${rule}`);
    const fix = fixes[0];
    assert.ok(fix);
    assert.equal(fix.rule, rule);
    assert.equal(fix.fixAllSafe, rule !== 'no-confidence');
    const out = applyEdits(src, fix.edits);
    const t2 = parse(out, lang);
    try {
      assert.equal(t2.rootNode.hasError, false, `the fixed code parses:\n${out}`);
    } finally {
      t2.delete();
    }
    const after = analyze(out, lang, config);
    assert.equal(count(after, rule), count(result, rule) - 1, `the ${rule} finding is gone after the fix:\n${out}`);
    assert.equal(after.calls.length, result.calls.length, 'the fix keeps the predict calls');
    return out;
  } finally {
    tree.delete();
  }
}

before(async () => {
  await loadGrammars();
});

describe('JS analyzer: detection', () => {
  test('onnxruntime-node namespace import, module-level session (typescript)', () => {
    const cs = calls(`import * as ort from 'onnxruntime-node';
const session = await ort.InferenceSession.create('m.onnx');
export async function f(feeds: Record<string, ort.Tensor>) {
  const out = await session.run(feeds);
  return out;
}
`);
    assert.equal(cs.length, 1);
    const c = cs[0];
    assert.ok(c);
    assert.equal(c.kind, 'onnxruntime');
    assert.equal(c.label, 'onnxruntime session.run');
    // The call node, without the `await`.
    assert.deepEqual(c.range, { start: { line: 3, character: 20 }, end: { line: 3, character: 38 } });
  });

  test('named, aliased, default and require imports; destructuring; dynamic import', () => {
    assert.deepEqual(kinds(`import { InferenceSession as IS } from 'onnxruntime-web';\nconst s = await IS.create('m');\nawait s.run({});\n`, 'tsx'), ['onnxruntime']);
    assert.deepEqual(kinds(`import ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m');\nawait s.run({});\n`, 'javascript'), ['onnxruntime']);
    assert.deepEqual(kinds(`const ort = require('onnxruntime-node');\nasync function f(x) { const s = await ort.InferenceSession.create('m'); return s.run(x); }\n`, 'javascript'), ['onnxruntime']);
    assert.deepEqual(kinds(`const { InferenceSession } = require('onnxruntime-node');\nlet s;\nasync function load() { s = await InferenceSession.create('m'); }\nasync function f(x) { return s.run(x); }\n`, 'javascript'), ['onnxruntime']);
    assert.deepEqual(kinds(`const { InferenceSession: S } = await import('onnxruntime-common');\nconst s = await S.create('m');\nawait s.run({});\n`, 'javascript'), ['onnxruntime']);
    assert.deepEqual(kinds(`import * as ort from 'onnxruntime-node';\nconst alias = ort;\nconst create = alias.InferenceSession.create;\nconst s = await create('m');\nconst same = s;\nawait same.run({});\n`), ['onnxruntime']);
  });

  test('class fields, typed parameters, factory functions and the browser global', () => {
    const cls = `import * as ort from 'onnxruntime-node';
class Model {
  private session: ort.InferenceSession | null = null;
  async load() { this.session = await ort.InferenceSession.create('m.onnx'); }
  async predict(feeds: Record<string, ort.Tensor>) { return this.session!.run(feeds); }
}
`;
    assert.deepEqual(kinds(cls), ['onnxruntime']);
    assert.deepEqual(kinds(`import type { InferenceSession } from 'onnxruntime-common';\nexport async function f(s: InferenceSession) { return s.run({}); }\n`), ['onnxruntime']);
    assert.deepEqual(kinds(`import * as ort from 'onnxruntime-node';\nlet p: Promise<ort.InferenceSession> | undefined;\nfunction get() { p ??= ort.InferenceSession.create('m'); return p; }\nexport async function f() { const s = await get(); return s.run({}); }\n`), ['onnxruntime']);
    // onnxruntime-web loaded with a <script> tag: `ort` is a global.
    assert.deepEqual(kinds(`async function f(x) { const s = await ort.InferenceSession.create('m.onnx'); return s.run({ x }); }\n`, 'javascript'), ['onnxruntime']);
    // An ONNX file that injects the session: named like a session, in a file that uses onnxruntime.
    assert.deepEqual(kinds(`import { Tensor } from 'onnxruntime-node';\nexport async function f(session, x) { return session.run({ x: new Tensor('float32', x) }); }\n`, 'javascript'), ['onnxruntime']);
  });

  test('transformers.js pipelines: direct, singleton class, promise .then', () => {
    assert.deepEqual(kinds(`import { pipeline } from '@xenova/transformers';\nconst c = await pipeline('sentiment-analysis');\nexport const f = async (t: string) => c(t);\n`), ['hf-pipeline']);
    const singleton = `import { pipeline } from '@huggingface/transformers';
class P {
  static instance = null;
  static async getInstance() { this.instance ??= pipeline('text-classification', 'm'); return this.instance; }
}
export async function f(text) { const classifier = await P.getInstance(); return classifier(text); }
`;
    const cs = calls(singleton, 'javascript');
    assert.equal(cs.length, 1);
    assert.equal(cs[0]?.kind, 'hf-pipeline');
    assert.equal(cs[0]?.label, "transformers.js pipeline('text-classification')");
    assert.deepEqual(kinds(`import { pipeline } from '@huggingface/transformers';\nconst p = pipeline('fill-mask');\nexport const f = (t) => p.then((m) => m(t));\n`, 'javascript'), ['hf-pipeline']);
  });

  test('tfjs models: loaders, executeAsync, model-named objects', () => {
    assert.deepEqual(kinds(`import * as tf from '@tensorflow/tfjs';\nconst m = await tf.loadLayersModel('/m.json');\nexport const f = (x: tf.Tensor) => m.predict(x);\n`), ['tfjs']);
    assert.deepEqual(kinds(`const tf = require('@tensorflow/tfjs-node');\nasync function f(x) { const g = await tf.loadGraphModel('file://m'); return g.executeAsync(x); }\n`, 'javascript'), ['tfjs']);
    assert.deepEqual(kinds(`const tf = require('@tensorflow/tfjs-node');\nasync function f(x) { const g = await tf.node.loadSavedModel('m'); return g.predict(x); }\n`, 'javascript'), ['tfjs']);
    assert.deepEqual(kinds(`import * as tf from '@tensorflow/tfjs';\nexport function f(model: unknown, x: tf.Tensor) { return (model as tf.LayersModel).predict(x); }\n`), ['tfjs']);
    assert.deepEqual(kinds(`import '@tensorflow/tfjs';\nexport function f(classifier, x) { return classifier.predict(x); }\n`, 'javascript'), ['tfjs']);
  });

  test('remote inference: fetch, axios, got, undici and URLs from constants', () => {
    const src = `import axios from 'axios';
import got from 'got';
import { request, fetch as uFetch } from 'undici';
const BASE = 'http://model:8080';
const INFER = new URL('/v2/models/x/infer', process.env.BASE);
const api = axios.create({ baseURL: 'http://triton:8000/v2/models/resnet' });
export async function f(x: unknown) {
  await fetch('/predict', { method: 'POST' });
  await fetch(\`\${BASE}/invocations\`);
  await fetch(INFER);
  await fetch(BASE + '/score');
  await axios.post('https://x/v1/models/m:predict', x);
  await axios({ method: 'post', url: \`\${BASE}/predict\` });
  await axios.request({ url: '/infer' });
  await api.post('/infer', x);
  await got.post(\`\${BASE}/predict\`, { json: x });
  await request(\`\${BASE}/predict\`);
  await uFetch(\`\${BASE}/predict\`);
}
`;
    const cs = calls(src);
    assert.deepEqual(cs.map((c) => c.kind), Array(11).fill('remote'));
    assert.deepEqual(cs.map((c) => c.label), [
      'fetch to /predict',
      'fetch to /invocations',
      'fetch to /v2/models/x/infer',
      'fetch to /score',
      'axios.post to /v1/models/m:predict',
      'axios to /predict',
      'axios.request to /infer',
      'axios.post to /v2/models/resnet/infer',
      'got.post to /predict',
      'undici.request to /predict',
      'undici.fetch to /predict',
    ]);
  });

  test('SageMaker InvokeEndpointCommand sent through a client (v3) and invokeEndpoint (v2)', () => {
    const src = `import { SageMakerRuntimeClient, InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
const client = new SageMakerRuntimeClient({});
export async function f(body: string) {
  const cmd = new InvokeEndpointCommand({ EndpointName: 'e', Body: body });
  return client.send(cmd);
}
export async function g(body: string) { return client.send(new InvokeEndpointCommand({ EndpointName: 'e', Body: body })); }
`;
    assert.deepEqual(kinds(src), ['sagemaker', 'sagemaker']);
    assert.deepEqual(kinds(`const AWS = require('aws-sdk');\nconst rt = new AWS.SageMakerRuntime();\nasync function f(b) { return rt.invokeEndpoint({ EndpointName: 'e', Body: b }).promise(); }\n`, 'javascript'), ['sagemaker']);
  });

  test('look-alikes are not predictions', () => {
    const src = `import neo4j from 'neo4j-driver';
import axios from 'axios';
class Trend { predict(xs: number[]) { return xs[xs.length - 1]; } }
const model = new Trend();
export async function f(worker: { run(): void }, items: number[][], session: neo4j.Session) {
  worker.run();
  items.map((x) => x).run?.();
  model.predict([1]);
  const helper = { predict: (x: number) => x };
  helper.predict(1);
  await session.run('MATCH (n) RETURN n');
  await fetch('/api/users');
  await fetch('/api/predictions-dashboard');
  await axios.get('/api/feature-flags');
  const schedule = { run: () => 1 };
  schedule.run();
}
`;
    assert.deepEqual(calls(src), []);
  });

  test('user patterns: dotted names and *.method', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, predictPatterns: [{ callee: 'scoring.scoreBatch', kind: 'local' }, { callee: '*.infer', kind: 'remote' }] };
    const src = `import { scoring } from './scoring';
export async function f(rows: number[][], client: { infer(x: unknown, o?: object): Promise<number> }) {
  const a = scoring.scoreBatch(rows); // expect: no-fallback untraced-prediction
  const b = await client.infer(rows); // expect: no-fallback no-timeout untraced-prediction
  try {
    return [a, b, await client.infer(rows, { timeout: 100 })]; // expect: untraced-prediction
  } catch {
    return [];
  }
}
`;
    const result = check(src, 'typescript', config);
    assert.deepEqual(result.calls.map((c) => c.kind), ['custom', 'custom', 'custom']);
    assert.equal(result.calls[0]?.checks.timeout, 'n/a');
    assert.equal(result.calls[2]?.checks.timeout, 'pass');
    assert.deepEqual(calls(src), [], 'no patterns, no custom calls');
  });

  test('the same snippet in the three grammars', () => {
    const src = `const ort = require('onnxruntime-node');
async function score(x) {
  const session = await ort.InferenceSession.create('m.onnx');
  const out = await session.run({ x }); // expect: no-fallback untraced-prediction
  return out.y.data[0];
}
`;
    for (const lang of ['typescript', 'tsx', 'javascript'] as const) check(src, lang);
  });

  test('a React component (tsx) calling an inference API from a handler', () => {
    check(`import { useState } from 'react';
export function Form() {
  const [label, setLabel] = useState('');
  const onSubmit = async (text: string) => {
    const res = await fetch('/api/predict', { method: 'POST', body: text }); // expect: no-fallback no-timeout no-confidence
    setLabel((await res.json()).label);
  };
  return <form onSubmit={() => onSubmit('x')}><span>{label}</span></form>;
}
`, 'tsx');
  });
});

describe('JS analyzer: hosted models, runtimes picked at run time, legacy APIs', () => {
  test('ONNX Runtime from require(cond ? …) and onnxjs sessions', () => {
    const out = calls(`const ort = require(process.env.WEB ? 'onnxruntime-web' : 'onnxruntime-node');
const onnx = require('onnxjs');
async function a(feeds) { const s = await ort.InferenceSession.create('m.onnx'); return s.run(feeds); }
async function b(t) { const s = new onnx.InferenceSession(); await s.loadModel('m.onnx'); return s.run([t]); }
`, 'javascript');
    assert.deepEqual(out.map((c) => c.label), ['onnxruntime session.run', 'onnxruntime session.run']);
  });

  test('SDK calls, their timeouts on the client or the call, and quick fixes with the SDK option', () => {
    const src = `import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenerativeAI } from '@google/generative-ai';
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
const { Configuration, OpenAIApi } = require('openai');
const claude = new Anthropic({ timeout: 10_000 });
const gemini = new GoogleGenerativeAI(process.env.KEY).getGenerativeModel({ model: 'gemini-1.5-flash' });
const bedrock = new BedrockRuntimeClient({ requestHandler: new NodeHttpHandler({ requestTimeout: 5000 }) });
const legacy = new OpenAIApi(new Configuration({ apiKey: 'k' }));
export async function all(text: string) {
  try {
    const a = await claude.messages.create({ model: 'claude-3-haiku', max_tokens: 100, messages: [] });
    const b = await gemini.generateContent(text); // expect: no-timeout
    const c = await bedrock.send(new InvokeModelCommand({ modelId: 'm', body: text }));
    const d = await legacy.createChatCompletion({ model: 'gpt-3.5-turbo', messages: [] }); // expect: no-timeout
    console.log(a, b, c, d);
  } catch {
    return null;
  }
}
`;
    const result = check(src);
    assert.deepEqual(result.calls.map((c) => c.label), ['Anthropic messages.create', 'Gemini model.generateContent', 'Bedrock InvokeModel', 'OpenAI-style createChatCompletion']);
    const fixed = applyFix(src, 'typescript', 'no-timeout');
    // Hosted model APIs get the hosted-model constant (mlship.diagnostics.hostedModelTimeoutMs), not the latency budget.
    assert.match(fixed, /generateContent\(text, \{ signal: AbortSignal\.timeout\(HOSTED_MODEL_TIMEOUT_MS\) \}\)/);
    assert.match(fixed, /const HOSTED_MODEL_TIMEOUT_MS = 30000; \/\/ ms; mlship\.diagnostics\.hostedModelTimeoutMs/);
    assert.doesNotMatch(fixed, /INFERENCE_TIMEOUT_MS/);
  });

  test('OpenAI request options: the fix adds { timeout } as the second argument', () => {
    const src = "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport async function ask(q) {\n  try {\n    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] });\n    return { text: r.choices[0].message.content, model: r.model };\n  } catch { return null; }\n}\n";
    assert.match(applyFix(src, 'javascript', 'no-timeout'), /content: q \}\] \}, \{ timeout: HOSTED_MODEL_TIMEOUT_MS \}\)/);
  });

  test('no-timeout: hosted model APIs and LLM servers get their own constant, model servers the latency budget', () => {
    const config = { ...DEFAULT_CONFIG, timeoutMs: 80, hostedModelTimeoutMs: 45_000 };
    const src = [
      "import axios from 'axios';",
      'export async function score(x) {',
      "  try { return (await fetch('http://scorer:8080/v1/models/churn:predict', { method: 'POST', body: x })).json(); } catch { return null; }",
      '}',
      'export async function complete(q) {',
      "  try { return (await fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: q })).json(); } catch { return null; }",
      '}',
      'export async function local(q) {',
      "  try { return (await axios.post('http://localhost:11434/api/generate', { prompt: q })).data; } catch { return null; }",
      '}',
      '',
    ].join('\n');
    // Fix all (every call is guarded already: the timeouts are the only fixes).
    const { text: fixed, count } = fixAllText(src, 'javascript', config);
    assert.equal(count, 3, fixed);
    assert.match(fixed, /churn:predict', \{ method: 'POST', body: x, signal: AbortSignal\.timeout\(INFERENCE_TIMEOUT_MS\) \}/);
    assert.match(fixed, /chat\/completions', \{ method: 'POST', body: q, signal: AbortSignal\.timeout\(HOSTED_MODEL_TIMEOUT_MS\) \}/);
    assert.match(fixed, /api\/generate', \{ prompt: q \}, \{ timeout: HOSTED_MODEL_TIMEOUT_MS \}/);
    assert.match(fixed, /const INFERENCE_TIMEOUT_MS = 80;/);
    assert.equal(fixed.match(/const HOSTED_MODEL_TIMEOUT_MS = 45000;/g)?.length, 1, fixed);
  });
});

describe('JS analyzer: no-fallback', () => {
  test('try/catch with a fallback guards; rethrowing or finally-only catches do not', () => {
    check(`import * as ort from 'onnxruntime-node';
const s = await ort.InferenceSession.create('m');
const log = console;
export async function a(f: Record<string, ort.Tensor>) {
  try { return await s.run(f); } catch { return null; }
}
export async function b(f: Record<string, ort.Tensor>) {
  try {
    return await s.run(f); // expect: no-fallback
  } catch (e) {
    log.warn('failed', e);
    throw e;
  }
}
export async function c(f: Record<string, ort.Tensor>) {
  try {
    return await s.run(f); // expect: no-fallback
  } finally {
    log.debug('done');
  }
}
export async function d(f: Record<string, ort.Tensor>) {
  try {
    return await s.run(f); // expect: no-fallback
  } catch (e) {
    throw new Error('wrapped: ' + String(e));
  }
}
export async function e(f: Record<string, ort.Tensor>) {
  try {
    return s.run(f); // expect: no-fallback
  } catch {
    return null;
  }
}
export async function g(f: Record<string, ort.Tensor>) {
  try {
    try {
      return await s.run(f);
    } catch (e) {
      throw e;
    }
  } catch {
    return null;
  }
}
export async function h(fs: Record<string, ort.Tensor>[]) {
  try {
    return await Promise.all(fs.map((f) => s.run(f)));
  } catch {
    return [];
  }
}
`, 'typescript', only('no-fallback'));
  });

  test('a fallback inside an error-first callback answers through the continuation the caller waits on', async () => {
    const src = readFileSync(join(CORPUS, 'error-first-continuations.js'), 'utf8');
    const { text: fixed, count } = fixAllText(src, 'javascript', DEFAULT_CONFIG);
    assert.equal(count, 2);
    // In the loader's callback (a try around the rest of it), and at the end of a Lambda handler's promise chain.
    assert.match(fixed, /return done\(null, intentOfFallback\(err, classifier\)\)/);
    // Named after the function the callback answers for, not after the path its loader reads.
    assert.match(fixed, /\/\*\* What intentOf\(\) answers when the model fails/);
    assert.match(fixed, /\.catch\(\(err\) => \{[^}]*return callback\(null, handlerFallback\(/);
    const dir = await mkdtemp(join(tmpdir(), 'mlship-continuation-'));
    try {
      const file = join(dir, 'service.cjs');
      for (const marker of ['intentOf', 'SCORING_URL']) {
        await writeFile(file, fixed);
        const run = await runJs(file, 'raise', marker);
        assert.ok(run.ok && run.fallbacks > 0 && run.answered > 0, `${marker}: ${JSON.stringify(run)}\n${fixed}`);
        await writeFile(file, src);
        const before = await runJs(file, 'raise', marker);
        assert.equal(before.answered, 0, `${marker}: before the fix the caller gets no answer and waits: ${JSON.stringify(before)}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('promise chains: .catch / .then(ok, err) guard unless the handler rethrows', () => {
    check(`export async function f(x) {
  const a = await fetch('/predict', { signal: AbortSignal.timeout(50) }).catch(() => null);
  const b = await fetch('/predict', { signal: AbortSignal.timeout(50) }).then((r) => r.json()).catch((e) => console.error(e));
  const c = await fetch('/predict', { signal: AbortSignal.timeout(50) }).then((r) => r.json(), () => ({ label: null }));
  const d = await fetch('/predict', { signal: AbortSignal.timeout(50) }).catch((e) => { throw e; }); // expect: no-fallback
  const e = await fetch('/predict', { signal: AbortSignal.timeout(50) }).catch((err) => Promise.reject(err)); // expect: no-fallback
  const g = await fetch('/predict', { signal: AbortSignal.timeout(50) }).finally(() => x.done()); // expect: no-fallback
  console.log({ modelVersion: x.version, a, b, c, d, e, g });
}
`, 'javascript');
  });

  test('configured fallback wrappers and decorators', () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, fallbackWrappers: ['withFallback', 'resilience.guard'] };
    const src = `import * as ort from 'onnxruntime-node';
import { withFallback, resilience } from './resilience';
const s = await ort.InferenceSession.create('m');
export const a = (f: Record<string, ort.Tensor>) => withFallback(() => s.run(f), null);
export const b = (f: Record<string, ort.Tensor>) => resilience.guard(async () => { const out = await s.run(f); return out; });
export const c = (f: Record<string, ort.Tensor>) => other(() => s.run(f)); // expect: no-fallback
class Service {
  @withFallback({ value: null })
  async score(f: Record<string, ort.Tensor>) { return s.run(f); }
}
`;
    const result = analyze(src, 'typescript', config);
    assert.deepEqual(result.findings.filter((f) => f.rule === 'no-fallback').map((f) => f.range.start.line + 1), [6]);
    assert.equal(count(analyze(src), 'no-fallback'), 4, 'without wrappers every call lacks a fallback');
  });

  test('guarded by the callers: every in-file call site handles errors', () => {
    check(`import * as ort from 'onnxruntime-node';
const s = await ort.InferenceSession.create('m');
const V = 'v1';
async function inner(f: Record<string, ort.Tensor>) {
  const out = await s.run(f);
  console.log({ modelVersion: V });
  return out;
}
async function middle(f: Record<string, ort.Tensor>) {
  return inner(f);
}
export async function outer(f: Record<string, ort.Tensor>) {
  try { return await middle(f); } catch { return null; }
}
export function chained(f: Record<string, ort.Tensor>) {
  return inner(f).catch(() => null);
}
const partly = async (f: Record<string, ort.Tensor>) => {
  const out = await s.run(f); // expect: no-fallback
  console.log({ modelVersion: V });
  return out;
};
export async function safe(f: Record<string, ort.Tensor>) {
  try { return await partly(f); } catch { return null; }
}
export const unsafe = (f: Record<string, ort.Tensor>) => partly(f);
async function passedAround(f: Record<string, ort.Tensor>) {
  const out = await s.run(f); // expect: no-fallback
  console.log({ modelVersion: V });
  return out;
}
export const handlers = [passedAround];
async function neverCalled(f: Record<string, ort.Tensor>) {
  const out = await s.run(f); // expect: no-fallback
  console.log({ modelVersion: V });
  return out;
}
class Svc {
  private async run(f: Record<string, ort.Tensor>) {
    const out = await s.run(f);
    console.log({ modelVersion: V });
    return out;
  }
  async safe(f: Record<string, ort.Tensor>) {
    try { return await this.run(f); } catch { return null; }
  }
}
`);
  });

  test('PredictCall.checks of a guarded call', () => {
    const [c] = calls(`import { pipeline } from '@xenova/transformers';
const clf = await pipeline('sentiment-analysis');
export async function f(text: string) {
  try {
    const [top] = await clf(text);
    console.info('sentiment', { modelVersion: 'sst2-v1' });
    return top.score >= 0.9 ? top.label : 'unsure';
  } catch {
    return 'unsure';
  }
}
`);
    assert.ok(c);
    assert.deepEqual(c.checks, { fallback: 'pass', confidence: 'pass', timeout: 'n/a', trace: 'pass' });
  });
});

describe('JS analyzer: no-confidence', () => {
  test('argmax without a threshold; thresholds on the max probability or a derived score', () => {
    check(`import * as tf from '@tensorflow/tfjs';
const model = await tf.loadLayersModel('/m.json');
const LABELS = ['a', 'b'];
const argMax = (xs: number[]) => xs.indexOf(Math.max(...xs));
export function a(x: tf.Tensor) {
  try {
    const p = model.predict(x) as tf.Tensor; // expect: no-confidence
    console.log({ modelVersion: 1 });
    return LABELS[p.argMax(-1).dataSync()[0]];
  } catch { return null; }
}
export function b(x: tf.Tensor) {
  try {
    const probs = (model.predict(x) as tf.Tensor).dataSync() as Float32Array; // expect: no-confidence
    console.log({ modelVersion: 1 });
    return LABELS[probs.indexOf(Math.max(...probs))];
  } catch { return null; }
}
export function c(x: tf.Tensor) {
  try {
    const probs = Array.from((model.predict(x) as tf.Tensor).dataSync());
    console.log({ modelVersion: 1 });
    const idx = argMax(probs);
    const score = probs[idx];
    if (score >= THRESHOLD) return LABELS[idx];
    return null;
  } catch { return null; }
}
export function d(x: tf.Tensor) {
  try {
    const out = Array.from((model.predict(x) as tf.Tensor).dataSync());
    console.log({ modelVersion: 1 });
    const best = out.reduce((bi, v, i, arr) => (v > arr[bi] ? i : bi), 0);
    if (out[best] < 0.6) return null;
    return LABELS[best];
  } catch { return null; }
}
export function e(x: tf.Tensor) {
  try {
    const out = Array.from((model.predict(x) as tf.Tensor).dataSync()); // expect: no-confidence
    console.log({ modelVersion: 1 });
    const best = out.reduce((bi, v, i, arr) => (v > arr[bi] ? i : bi), 0);
    for (let i = 0; i < out.length; i++) console.log(i);
    return LABELS[best];
  } catch { return null; }
}
export function regression(x: tf.Tensor) {
  try {
    const y = model.predict(x) as tf.Tensor;
    console.log({ modelVersion: 1 });
    return y.dataSync()[0];
  } catch { return null; }
}
`);
  });

  test('transformers.js labels without a score check; ONNX label outputs without probabilities', () => {
    const r = check(`import { pipeline } from '@xenova/transformers';
import * as ort from 'onnxruntime-node';
const clf = await pipeline('sentiment-analysis');
const s = await ort.InferenceSession.create('m');
export async function a(t: string) {
  try {
    const out = await clf(t); // expect: no-confidence
    console.log({ modelVersion: 'x' });
    return out[0].label;
  } catch { return null; }
}
export async function b(t: string) {
  try {
    const { label, score } = (await clf(t))[0];
    console.log({ modelVersion: 'x' });
    return score > MIN_SCORE ? label : null;
  } catch { return null; }
}
export async function c(f: Record<string, ort.Tensor>) {
  try {
    const r = await s.run(f); // expect: no-confidence
    console.log({ modelVersion: 'x' });
    return r['output_label'].data[0];
  } catch { return null; }
}
export async function d(f: Record<string, ort.Tensor>) {
  try {
    const r = await s.run(f);
    console.log({ modelVersion: 'x' });
    const p = r.probabilities.data as Float32Array;
    if (Math.max(...p) < 0.8) return null;
    return r.label.data[0];
  } catch { return null; }
}
export async function e(t: string) {
  try {
    const emb = await clf(t);
    console.log({ modelVersion: 'x' });
    return emb;
  } catch { return null; }
}
`);
    assert.deepEqual(r.calls.map((c) => c.checks.confidence), ['fail', 'pass', 'fail', 'pass', 'n/a']);
  });

  test('tfjs topk: the indices read out of it are the label; returned with the values, the scores travel with them', () => {
    const src = readFileSync(join(__dirname, '..', '..', 'corpus', 'js', 'tfjs-topk.js'), 'utf8');
    assert.deepEqual(check(src, 'javascript').calls.map((c) => c.checks.confidence), ['pass', 'fail']);
  });

  test('ofetch: Nuxt\'s auto-imported $fetch and an imported ofetch are HTTP calls whose `timeout` option bounds them', () => {
    const src = readFileSync(join(__dirname, '..', '..', 'corpus', 'js', 'nuxt-ofetch.ts'), 'utf8');
    const r = check(src, 'typescript');
    assert.deepEqual(r.calls.map((c) => c.checks.timeout), ['pass', 'fail', 'fail']);
    const fixed = applyFix(src, 'typescript', 'no-timeout');
    assert.match(fixed, /\$fetch\(SPACE_URL, \{ method: 'POST', body: \{ data: \[image\] \}, timeout: INFERENCE_TIMEOUT_MS \}\)/);
  });

  test('jQuery\'s $.post(url, data, success) takes no settings: the timeout fix writes it in its settings form, read as jQuery reads it', () => {
    const withUrl = (call: string) => `const URL = '/api/predict';\nexport function f(text, cb, handler) {\n  ${call}\n}\n`;
    const fixOf = (call: string) => {
      const src = withUrl(call);
      const finding = analyzeSource(src, 'javascript', DEFAULT_CONFIG).result.findings.find((f) => f.rule === 'no-timeout');
      assert.ok(finding, src);
      return { src, fix: fixesFor(finding, src, 'javascript', DEFAULT_CONFIG)[0] };
    };
    const fixed = (call: string) => {
      const { src, fix } = fixOf(call);
      assert.ok(fix, `a fix for ${call}`);
      // The settings form needs jQuery 1.12 / 2.2: offered, never applied by "Fix all".
      assert.equal(fix.fixAllSafe, false);
      assert.match(fix.title, /jQuery 1\.12/);
      const out = applyEdits(src, fix.edits);
      assert.equal(analyzeSource(out, 'javascript', DEFAULT_CONFIG).result.findings.filter((f) => f.rule === 'no-timeout').length, 0, out);
      return /\$\.\w+\(.*\);/s.exec(out)?.[0];
    };
    assert.equal(fixed("$.post(URL, JSON.stringify({ text }), (res) => show(res.score));"), '$.post({ url: URL, data: JSON.stringify({ text }), success: (res) => show(res.score), timeout: INFERENCE_TIMEOUT_MS });');
    assert.equal(fixed("$.post(URL, 'q=' + text, (res) => show(res.score));"), "$.post({ url: URL, data: 'q=' + text, success: (res) => show(res.score), timeout: INFERENCE_TIMEOUT_MS });");
    // A function where the data goes is the success callback, and what follows it the data type.
    assert.equal(fixed("$.post(URL, function (res) { show(res.score); }, 'json');"), "$.post({ url: URL, success: function (res) { show(res.score); }, dataType: 'json', timeout: INFERENCE_TIMEOUT_MS });");
    assert.equal(fixed('$.get(URL).done((res) => show(res.score));'), '$.get({ url: URL, timeout: INFERENCE_TIMEOUT_MS }).done((res) => show(res.score));');
    // No fix rather than a guess: an argument that could be either (a parameter, `cb || function`), a fourth argument
    // jQuery ignores, a comment the rewrite would drop.
    for (const call of ['$.post(URL, text, cb);', '$.post(URL, cb || function (r) { show(r); });', "$.post(URL, function (r) { show(r); }, 'json', undefined);", '$.post(URL, /* body */ JSON.stringify(text), (r) => show(r));']) assert.equal(fixOf(call).fix, undefined, call);
  });

  test('an async function handed to a helper is caught where the helper is awaited; a box position compared is no score threshold', () => {
    const src = readFileSync(join(__dirname, '..', '..', 'corpus', 'js', 'retry-wrapper-and-boxes.js'), 'utf8');
    const r = check(src, 'javascript');
    assert.deepEqual(r.calls.map((c) => c.checks.fallback), ['pass', 'fail', 'fail', 'pass']);
    assert.deepEqual(r.calls.map((c) => c.checks.confidence), ['n/a', 'n/a', 'fail', 'pass']);
    // A registration awaits the subscription, not the handler: a try around it catches nothing the handler throws.
    check(`const ort = require('onnxruntime-node');\nlet session;\nasync function start(channel) {\n  try {\n    await channel.consume('jobs', async (msg) => { await session.run(msg.feeds); }); // expect: no-fallback\n  } catch (e) {\n    console.error(e);\n  }\n}\nmodule.exports = { start };\n`, 'javascript');
    // Handed to a helper whose call is not awaited in the try (an event registration), nothing catches it.
    check(`const OpenAI = require('openai');\nconst openai = new OpenAI({ timeout: 5000 });\nfunction listen(bus) {\n  try {\n    bus.on('text', async (t) => { await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: t }] }); }); // expect: no-fallback\n  } catch (e) {\n    console.error(e);\n  }\n}\n`, 'javascript');
  });

  test('a branch or a lookup that only maps the label decides nothing: the mapped value decides where it goes', () => {
    const src = readFileSync(join(__dirname, '..', '..', 'corpus', 'js', 'label-mapping.js'), 'utf8');
    const r = check(src, 'javascript');
    // Mapped by if/else and returned with the score; looked up with find() and returned with it; a switch that returns;
    // a switch that assigns, then returned alone; a ternary returned alone; a branch whose arms act.
    assert.deepEqual(r.calls.map((c) => c.checks.confidence), ['pass', 'pass', 'fail', 'fail', 'fail', 'fail']);
    assert.match(r.calls[4]?.confidenceReason ?? '', /returned as the decision \(`COMPOST\.includes/);
    assert.match(r.calls[5]?.confidenceReason ?? '', /decides a branch/);
    // What a mapping picks leaves the function: the answer is the model's, with no version recorded.
    assert.deepEqual(r.calls.map((c) => c.checks.trace), ['fail', 'fail', 'fail', 'fail', 'fail', 'n/a']);
    // An arm that assigns the score (`p = probs[0]`) keeps it a score: returned with the mapped label, it passes.
    const withScore = "const tf = require('@tensorflow/tfjs-node');\nasync function f(model, x) {\n  const probs = Array.from(await model.predict(x).data()); // expect: no-fallback untraced-prediction\n  const idx = probs.indexOf(Math.max(...probs));\n  let name;\n  let p;\n  if (idx === 0) { name = 'cat'; p = probs[0]; } else { name = 'dog'; p = probs[1]; }\n  return { name, p };\n}\nmodule.exports = { f };\n";
    assert.equal(check(withScore, 'javascript').calls[0]?.checks.confidence, 'pass');
    // A check of the output's size that returns an empty value picks no answer.
    const sized = "const ort = require('onnxruntime-node');\nlet session;\nasync function a(feeds) {\n  const out = await session.run(feeds); // expect: no-fallback\n  const scores = Array.from(out.logits.data);\n  if (scores.length === 0) return [];\n  console.log(scores);\n}\nmodule.exports = { a };\n";
    assert.equal(check(sized, 'javascript').calls[0]?.checks.trace, 'n/a');
  });
});

describe('JS analyzer: no-timeout', () => {
  test('fetch signal, axios timeout and instances, got, undici, SageMaker clients', () => {
    check(`import axios from 'axios';
import got from 'got';
import { request } from 'undici';
import { SageMakerRuntimeClient, InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
const withTimeout = axios.create({ timeout: 500 });
const without = axios.create({ baseURL: 'http://m' });
const slow = new SageMakerRuntimeClient({ region: 'x' });
const fast = new SageMakerRuntimeClient({ requestHandler: new NodeHttpHandler({ requestTimeout: 900 }) });
const opts = { method: 'POST', signal: AbortSignal.timeout(100) };
export async function all(x: unknown, ctrl: AbortController, init: RequestInit) {
  try {
    console.log({ modelVersion: 1 });
    const r = [
      await fetch('/predict'), // expect: no-timeout
      await fetch('/predict', { method: 'POST' }), // expect: no-timeout
      await fetch('/predict', { method: 'POST', signal: AbortSignal.timeout(100) }),
      await fetch('/predict', { signal: ctrl.signal }),
      await fetch('/predict', opts),
      await fetch('/predict', { ...opts, body: '1' }),
      await fetch('/predict', init),
      await axios.post('/predict', x), // expect: no-timeout
      await axios.post('/predict', x, { timeout: 100 }),
      await axios.get('/predict', { timeout: 100 }),
      await axios({ url: '/predict', method: 'post' }), // expect: no-timeout
      await axios({ url: '/predict', timeout: 100 }),
      await withTimeout.post('/predict', x),
      await without.post('/predict', x), // expect: no-timeout
      await got.post('/predict', { json: x }), // expect: no-timeout
      await got.post('/predict', { json: x, timeout: { request: 100 } }),
      await request('/predict', { method: 'POST' }), // expect: no-timeout
      await request('/predict', { method: 'POST', headersTimeout: 100 }),
      await slow.send(new InvokeEndpointCommand({ EndpointName: 'e' })), // expect: no-timeout
      await fast.send(new InvokeEndpointCommand({ EndpointName: 'e' })),
      await slow.send(new InvokeEndpointCommand({ EndpointName: 'e' }), { abortSignal: AbortSignal.timeout(100) }),
      await Promise.race([fetch('/predict'), new Promise((_, reject) => setTimeout(reject, 100))]),
    ];
    return r;
  } catch {
    return [];
  }
}
`);
  });

  test('a global axios.defaults.timeout counts; local calls are n/a', () => {
    check(`const axios = require('axios');\naxios.defaults.timeout = 2000;\nasync function f(x) { try { const r = await axios.post('/predict', x); console.log({ modelVersion: r.data.v }); return r; } catch { return null; } }\n`, 'javascript');
    const [c] = calls(`import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m');\nexport const f = () => s.run({});\n`);
    assert.equal(c?.checks.timeout, 'n/a');
  });
});

describe('JS analyzer: untraced-prediction', () => {
  test('a version named in a recorded string counts; a message mentioning a model, the runtime version and a reassigned answer do not', () => {
    check(`import * as ort from 'onnxruntime-node';
import OpenAI from 'openai';
const s = await ort.InferenceSession.create('m');
const openai = new OpenAI({ timeout: 1000 });
export async function a(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); span.setAttribute('model.version', tag); return o; } catch { return null; }
}
export async function b(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); logger.info('model_version=%s', ver); return o; } catch { return null; }
}
export async function c(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); console.error('Error querying model:', f); return o; } catch { return null; } // expect: untraced-prediction
}
export async function d(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); console.log('node', process.version); return o; } catch { return null; } // expect: untraced-prediction
}
export async function e(p) {
  try {
    let res = await openai.chat.completions.create({ model: 'gpt-4o', messages: p }); // expect: untraced-prediction
    res = res.choices[0].message.content;
    return res;
  } catch { return null; }
}
`);
  });

  test("an answer returned from a function handed to an awaited helper goes where the helper's value goes", () => {
    check(`import OpenAI from 'openai';
const openai = new OpenAI({ timeout: 1000 });
export async function text(prompt: string) {
  try {
    const completion = await retryWithBackoff(async () => {
      return await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }); // expect: untraced-prediction
    }, 3);
    return completion.choices[0].message.content;
  } catch { return null; }
}
export async function whole(prompt: string) {
  try {
    const completion = await retryWithBackoff(async () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }), 3);
    return completion;
  } catch { return null; }
}
`);
  });

  test('a promise kept in a name is guarded where it is awaited, unless another await comes first; a field of the answer handed on through a helper is untraced', () => {
    check(`import OpenAI from 'openai';
const openai = new OpenAI({ timeout: 1000 });
export async function raced(q: string) {
  try {
    const pending = openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });
    return await Promise.race([pending, new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 500))]);
  } catch { return null; }
}
export async function early(q: string) {
  const pending = openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] }); // expect: no-fallback
  await loadConfig();
  try {
    return await pending;
  } catch { return null; }
}
export async function field(q: string) {
  try {
    const text = await retry(async () => {
      const r = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] }); // expect: untraced-prediction
      return r.choices[0].message.content;
    });
    return text;
  } catch { return null; }
}
`);
  });

  test('what a ReadableStream controller enqueues is sent: a streamed answer leaves through it', () => {
    check(`import OpenAI from 'openai';
const openai = new OpenAI({ timeout: 1000 });
export function answer(threadId: string) {
  return new ReadableStream({
    async pull(controller) {
      try {
        const run = await openai.beta.threads.runs.create(threadId, { assistant_id: 'asst_1', stream: true }); // expect: untraced-prediction
        for await (const event of run) if (event.event === 'thread.message.delta') controller.enqueue(event.data.delta.content[0].text.value);
      } catch {
        controller.enqueue('The tutor is unavailable.');
      }
      controller.close();
    },
  });
}
`);
  });

  test('a logging or recording call that mentions the model version', () => {
    check(`import * as ort from 'onnxruntime-node';
import { trace } from '@opentelemetry/api';
const s = await ort.InferenceSession.create('m');
const MODEL_VERSION = '7';
export async function a(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); logger.info({ MODEL_VERSION }); return o; } catch { return null; }
}
export async function b(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); trace.getActiveSpan()?.setAttribute('model.version', MODEL_VERSION); return o; } catch { return null; }
}
export async function c(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); recordPrediction({ model_version: MODEL_VERSION, o }); return o; } catch { return null; }
}
export async function d(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); console.log('prediction', o); return o; } catch { return null; } // expect: untraced-prediction
}
export async function e(f: Record<string, ort.Tensor>) {
  try { const o = await s.run(f); metrics.increment('predictions'); return o; } catch { return null; } // expect: untraced-prediction
}
export async function warm(f: Record<string, ort.Tensor>) {
  try { await s.run(f); } catch { /* warm-up only */ }
}
`);
    const cs = calls(`import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m');\nexport async function warm() { await s.run({}); }\n`);
    assert.equal(cs[0]?.checks.trace, 'n/a', 'a discarded result needs no trace');
  });
});

describe('JS analyzer: unsafe-model-load', () => {
  test('jpickle and pickleparser', () => {
    check(`const jpickle = require('jpickle');
const { Parser } = require('pickleparser');
const fs = require('fs');
const a = jpickle.loads(fs.readFileSync('m.pkl', 'binary')); // expect: unsafe-model-load
const p = new Parser();
const b = p.parse(fs.readFileSync('vocab.pkl')); // expect: unsafe-model-load
const c = JSON.parse(fs.readFileSync('weights.json', 'utf8'));
`, 'javascript');
  });
});

describe('JS analyzer: suppressions and severities', () => {
  const src = `async function f(x) {
  const a = await fetch('/predict', { body: x }); // mlship-ignore no-timeout
  // mlship-ignore no-fallback, untraced-prediction
  const b = await fetch('/predict', { body: x }); // expect: no-timeout
  const c = await fetch('/predict', { body: x }); // mlship-ignore
  return [a, b, c];
}
`;

  test('line and line-above comments; the check becomes suppressed', () => {
    const r = analyze(src, 'javascript');
    assert.deepEqual(actualOf(r), ['2:no-fallback', '2:untraced-prediction', '4:no-timeout']);
    assert.equal(r.calls[0]?.checks.timeout, 'suppressed');
    assert.equal(r.calls[1]?.checks.fallback, 'suppressed');
    assert.deepEqual(r.calls[2]?.checks, { fallback: 'suppressed', confidence: 'n/a', timeout: 'suppressed', trace: 'suppressed' });
  });

  test('file-level ignore', () => {
    assert.deepEqual(actualOf(analyze(`// mlship-ignore-file no-timeout\n${src}`, 'javascript')).filter((k) => k.endsWith('no-timeout')), []);
    assert.deepEqual(analyze(`// mlship-ignore-file\n${src}`, 'javascript').findings, []);
  });

  test("severity 'off' disables a rule; severities are applied", () => {
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, severity: { ...DEFAULT_CONFIG.severity, 'no-fallback': 'off', 'no-timeout': 'error' } };
    const r = analyze(`async function f(x) { return fetch('/predict', { body: x }); }\n`, 'javascript', config);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.severity]), [['no-timeout', 'error'], ['untraced-prediction', 'hint']]);
  });
});

describe('JS analyzer: quick fixes', () => {
  test('no-fallback: the rest of the function goes into try/catch; the catch returns the function\'s typed fallback (TS)', () => {
    const src = `import { pipeline } from '@xenova/transformers';

const clf = await pipeline('sentiment-analysis');

export async function label(t: string): Promise<{ label: string; score: number }> {
  const out = await clf(t);
  return out[0];
}

export function other() {}
`;
    const out = applyFix(src, 'typescript', 'no-fallback');
    assert.ok(out.includes(`  try {
    const out = await clf(t);
    return out[0];
  } catch (err) {
    console.error('Prediction failed; using fallback', err);
    return labelFallback(t);
  }
}

/** What label() answers when the model fails, times out or is not confident enough. */
function labelFallback(t: string): { label: string; score: number } {
  // TODO(mlship: fallback-stub): placeholder values; replace with the team's rule, then delete this line.
  return { label: '', score: 0 };
}

export function other() {}
`), out);
    assert.equal(count(analyze(out, 'typescript'), 'fallback-stub'), 1, 'the placeholder is reported until it is edited');
  });

  test('no-fallback: response handlers answer through res; discarded calls log; promise chains get .catch (JS, 4 spaces)', () => {
    const head = `const ort = require('onnxruntime-node');\nlet session;\n`;
    const route = applyFix(`${head}app.post('/v1/score', async (req, res) => {\n    const out = await session.run(req.body);\n    res.status(200).json({ score: out.score.data[0], model: 'v3', ok: true });\n});\n`, 'javascript', 'no-fallback');
    assert.ok(route.includes(`    try {\n        const out = await session.run(req.body);\n        res.status(200).json({ score: out.score.data[0], model: 'v3', ok: true });\n    } catch (err) {\n        console.error('Prediction failed; using fallback', err);\n        return v1ScoreHandlerFallback(req, res);\n    }\n`), route);
    assert.ok(route.includes(`function v1ScoreHandlerFallback(req, res) {\n    // TODO(mlship: fallback-stub)`), route);
    assert.ok(route.includes(`    return res.status(200).json({ score: null, model: 'v3', ok: true });\n}`), route);
    const warm = applyFix(`${head}async function warm(x) {\n    await session.run(x);\n    return true;\n}\n`, 'javascript', 'no-fallback');
    assert.ok(warm.includes(`    try {\n        await session.run(x);\n    } catch (err) {\n        console.error('Prediction failed; using fallback', err);\n    }\n    return true;\n`), warm);
    assert.doesNotMatch(warm, /Fallback\(/);
    const chain = applyFix(`${head}function f(x) {\n    return session.run(x);\n}\n`, 'javascript', 'no-fallback');
    assert.ok(chain.includes(`return session.run(x).catch((err) => { console.error('Prediction failed; using fallback', err); return fFallback(x); });`), chain);
    const reuse = applyFix(`${head}function fFallback(x) {\n    return 0;\n}\nasync function f(x) {\n    return await session.run(x);\n}\n`, 'javascript', 'no-fallback');
    assert.equal(reuse.match(/function fFallback/g)?.length, 1, 'an existing fallback of the function is reused');
  });

  test('no-fallback: multi-line statements are re-indented; tabs; CRLF; files without semicolons; expression arrows', () => {
    const tabbed = `import { pipeline } from '@xenova/transformers'\nconst clf = await pipeline('sentiment-analysis')\nexport async function f(t: string): Promise<string> {\n\tconst out = await clf(t, {\n\t\ttopk: 1,\n\t})\n\treturn out[0].label\n}\n`;
    const out = applyFix(tabbed, 'typescript', 'no-fallback');
    assert.ok(out.includes(`\ttry {\n\t\tconst out = await clf(t, {\n\t\t\ttopk: 1,\n\t\t})\n\t\treturn out[0].label\n\t} catch (err) {\n\t\tconsole.error('Prediction failed; using fallback', err)\n\t\treturn fFallback(t)\n\t}\n`), out);
    assert.ok(out.includes(`function fFallback(t: string): string {\n\t// TODO`) && out.includes(`\treturn ''\n}`), 'no semicolons in a file without them');
    const crlf = `const tf = require('@tensorflow/tfjs-node');\r\nlet model;\r\nfunction f(x) {\r\n  const y = model.predict(x);\r\n  return y;\r\n}\r\n`;
    const out2 = applyFix(crlf, 'javascript', 'no-fallback');
    assert.ok(!/[^\r]\n/.test(out2), 'CRLF line endings are kept');
    assert.ok(out2.includes('  try {\r\n    const y = model.predict(x);\r\n    return y;\r\n  } catch (err) {\r\n'), out2);
    const arrow = applyFix(`const tf = require('@tensorflow/tfjs-node');\nlet model;\nconst f = (x) => model.predict(x);\n`, 'javascript', 'no-fallback');
    assert.ok(arrow.includes(`const f = (x) => {\n  try {\n    return model.predict(x);\n  } catch (err) {\n    console.error('Prediction failed; using fallback', err);\n    return fFallback(x);\n  }\n};`), arrow);
  });

  test('no-confidence: an abstain branch returning the function\'s fallback, and CONFIDENCE_THRESHOLD after the imports', () => {
    const hf = `'use client';
import { pipeline } from '@xenova/transformers';
import { z } from 'zod';

const clf = await pipeline('sentiment-analysis');

export async function f(text: string) {
  try {
    const [top] = await clf(text);
    console.log({ modelVersion: 1 });
    return top.label;
  } catch {
    return null;
  }
}
`;
    const out = applyFix(hf, 'tsx', 'no-confidence');
    assert.ok(out.includes(`import { z } from 'zod';\n\nconst CONFIDENCE_THRESHOLD = 0.7;\n`), out);
    assert.ok(out.includes(`    const [top] = await clf(text);\n    if (top.score < CONFIDENCE_THRESHOLD) {\n      console.info('Prediction below the confidence threshold; using fallback', { confidence: top.score });\n      return fFallback(text);\n    }\n`), out);
    const config: AnalysisConfig = { ...DEFAULT_CONFIG, confidenceThreshold: 0.85 };
    const argmax = `const tf = require('@tensorflow/tfjs-node')
const LABELS = ['a', 'b']
let model
function f(x) {
  const pred = model.predict(x)
  const idx = pred.argMax(-1).dataSync()[0]
  return LABELS[idx]
}
`;
    const out2 = applyFix(argmax, 'javascript', 'no-confidence', config);
    assert.ok(out2.includes(`const tf = require('@tensorflow/tfjs-node')\n\nconst CONFIDENCE_THRESHOLD = 0.85\n`), out2);
    assert.ok(out2.includes(`  const idx = pred.argMax(-1).dataSync()[0]\n  if (pred.max(-1).dataSync()[0] < CONFIDENCE_THRESHOLD) {\n`), out2);
    assert.ok(out2.includes(`    return fFallback(x)\n  }\n`), out2);
    const onnx = `import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m');\nexport async function f(feeds: Record<string, ort.Tensor>) {\n  const r = await s.run(feeds);\n  return r.label.data[0];\n}\n`;
    const out3 = applyFix(onnx, 'typescript', 'no-confidence');
    assert.ok(out3.includes('  if (Math.max(...(r.probabilities.data as Float32Array)) < CONFIDENCE_THRESHOLD) {\n'), out3);
    const idx = `const probsOf = (x) => x;\nasync function f(session, feeds) {\n  const out = await session.run(feeds);\n  const probs = probsOf(out.logits.data);\n  const best = probs.indexOf(Math.max(...probs));\n  return best;\n}\nrequire('onnxruntime-node');\n`;
    const out4 = applyFix(idx, 'javascript', 'no-confidence');
    assert.ok(out4.includes('  if (probs[best] < CONFIDENCE_THRESHOLD) {\n'), out4);
    // A max-finding loop: after it, the value it kept, or the array read at the index it kept.
    const loop = (body: string) => `import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m');\nexport async function f(feeds) {\n  const p = (await s.run(feeds)).probs.data;\n${body}  return ['a', 'b'][k];\n}\n`;
    const out5 = applyFix(loop('  let k = 0;\n  let top = -1;\n  for (let i = 0; i < p.length; i++) {\n    if (p[i] > top) {\n      top = p[i];\n      k = i;\n    }\n  }\n'), 'javascript', 'no-confidence');
    assert.ok(out5.includes('    }\n  }\n  if (top < CONFIDENCE_THRESHOLD) {\n'), out5);
    const out6 = applyFix(loop('  let k = 0;\n  for (let i = 1; i < p.length; i++) if (p[i] > p[k]) k = i;\n'), 'javascript', 'no-confidence');
    assert.ok(out6.includes('k = i;\n  if (p[k] < CONFIDENCE_THRESHOLD) {\n'), out6);
    // Nested in a loop over a batch: after the loop that keeps the maximum, inside the outer one.
    const nested = `import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m');\nexport async function f(batch) {\n  for (const feeds of batch) {\n    const p = (await s.run(feeds)).probs.data;\n    let k = 0;\n    let top = -1;\n    for (let i = 0; i < p.length; i++) {\n      if (p[i] > top) {\n        top = p[i];\n        k = i;\n      }\n    }\n    if (k === 1) return 'b';\n  }\n  return 'a';\n}\n`;
    assert.ok(applyFix(nested, 'javascript', 'no-confidence').includes('      }\n    }\n    if (top < CONFIDENCE_THRESHOLD) {\n'));
    // No fix where it would be wrong: the kept value declared in the loop's header (out of scope after it), a loop
    // that keeps the smallest value (a distance: the nearest is the surest), a loop in a closure of the function.
    const noFix = (body: string): void => {
      const src = loop(body);
      const finding = analyzeSource(src, 'javascript', DEFAULT_CONFIG).result.findings.find((f) => f.rule === 'no-confidence');
      assert.ok(finding, src);
      assert.deepEqual(fixesFor(finding, src, 'javascript', DEFAULT_CONFIG), [], src);
    };
    // An argmax in a closure of the function is not where the check goes (its return would be the closure's): the
    // closure's answer, kept in the function, is.
    const closure = applyFix(loop('  const pick = (xs) => {\n    const i = xs.indexOf(Math.max(...xs));\n    return i;\n  };\n  const k = pick(p);\n'), 'javascript', 'no-confidence');
    assert.ok(closure.includes('    return i;\n  };\n  const k = pick(p);\n  if (p[k] < CONFIDENCE_THRESHOLD) {\n') && closure.includes('    return fFallback(feeds);\n'), closure);
    noFix('  let k = 0;\n  for (let i = 0, top = -1; i < p.length; i++) {\n    if (p[i] > top) {\n      top = p[i];\n      k = i;\n    }\n  }\n');
    noFix('  let k = 0;\n  let low = Infinity;\n  for (let i = 0; i < p.length; i++) if (p[i] < low) { low = p[i]; k = i; }\n');
    noFix('  const pick = () => {\n    let b = 0;\n    for (let i = 0; i < p.length; i++) if (p[i] > p[b]) b = i;\n    return b;\n  };\n  const k = pick();\n');
  });

  test("no-fallback in a callback nothing names: the fallback's doc comment says so", () => {
    const src = "import * as ort from 'onnxruntime-web';\nconst session = await ort.InferenceSession.create('m.onnx');\nsetTimeout(async () => {\n  const out = await session.run({ x: new ort.Tensor('float32', [1], [1]) });\n  document.title = String(out.label.data[0]);\n}, 10);\n";
    const fixed = applyFix(src, 'javascript', 'no-fallback');
    assert.match(fixed, /\/\*\* What the callback that calls the model answers when the model fails[^\n]*\*\/\nfunction predictionFallback\(\)/, fixed);
  });

  test('no-fallback at the top level: the statements using the prediction join the try, unless code outside reads what it would scope', () => {
    const head = "import { pipeline } from '@xenova/transformers';\nconst extractor = await pipeline('feature-extraction');\n";
    const script = `${head}const out = await extractor('q');\nconst v = out.data[0];\nconsole.log(v);\n`;
    const fixed = applyFix(script, 'javascript', 'no-fallback');
    assert.ok(fixed.includes("try {\n  const out = await extractor('q');\n  const v = out.data[0];\n  console.log(v);\n} catch (err) {"), fixed);
    // A function declared below reads `out`: scoped into a try, it would be out of its reach.
    const shared = `${head}const out = await extractor('q');\nconsole.log(out.data[0]);\nexport function first() {\n  return out.data[0];\n}\n`;
    const alone = applyFix(shared, 'javascript', 'no-fallback');
    assert.ok(alone.includes("let out;\ntry {\n  out = await extractor('q');\n} catch (err) {"), alone);
  });

  test('no-timeout: an LLM behind a model server (generation parameters in the request) gets the hosted timeout', () => {
    const src = (body: string) => `export async function ask(prompt) {\n  try {\n    const r = await fetch('http://tgi:8080/v2/models/llm/infer', { method: 'POST', body: JSON.stringify(${body}) });\n    return r.json();\n  } catch { return null; }\n}\n`;
    assert.match(applyFix(src('{ inputs: prompt, parameters: { max_new_tokens: 200 } }'), 'javascript', 'no-timeout'), /signal: AbortSignal\.timeout\(HOSTED_MODEL_TIMEOUT_MS\)/);
    assert.match(applyFix(src('{ temperature: prompt }'), 'javascript', 'no-timeout'), /signal: AbortSignal\.timeout\(INFERENCE_TIMEOUT_MS\)/);
  });

  test('no-timeout: a call written one argument a line with a trailing comma gets its options on a line of their own', () => {
    const axiosSrc = "import axios from 'axios';\nexport async function go(payload) {\n  try {\n    const r = await axios.post(\n      'http://scorer/predict',\n      payload,\n    );\n    return r.data;\n  } catch { return null; }\n}\n";
    const a = applyFix(axiosSrc, 'javascript', 'no-timeout');
    assert.ok(a.includes("      'http://scorer/predict',\n      payload,\n      { timeout: INFERENCE_TIMEOUT_MS },\n    );\n"), a);
    const fetchSrc = "export async function go() {\n  try {\n    const r = await fetch(\n      'http://scorer/predict',\n    );\n    return r.json();\n  } catch { return null; }\n}\n";
    const f = applyFix(fetchSrc, 'javascript', 'no-timeout');
    assert.ok(f.includes("      'http://scorer/predict',\n      { signal: AbortSignal.timeout(INFERENCE_TIMEOUT_MS) },\n    );\n"), f);
  });

  test('no-timeout: fetch options, with the INFERENCE_TIMEOUT_MS constant (mlship.diagnostics.timeoutMs)', () => {
    const fetchNoOpts = applyFix(`async function f() {\n  return fetch('/predict');\n}\n`, 'javascript', 'no-timeout');
    assert.ok(fetchNoOpts.includes(`fetch('/predict', { signal: AbortSignal.timeout(INFERENCE_TIMEOUT_MS) })`), fetchNoOpts);
    assert.ok(fetchNoOpts.startsWith('const INFERENCE_TIMEOUT_MS = 50; // ms; mlship.diagnostics.timeoutMs'), fetchNoOpts);
    const multi = applyFix(`async function f(x) {\n  return fetch('/predict', {\n    method: 'POST',\n    body: x,\n  });\n}\n`, 'javascript', 'no-timeout', { ...DEFAULT_CONFIG, latencyBudgetMs: 120, timeoutMs: 300 });
    assert.ok(multi.includes(`    body: x,\n    signal: AbortSignal.timeout(INFERENCE_TIMEOUT_MS),\n  });`), multi);
    assert.ok(multi.includes('const INFERENCE_TIMEOUT_MS = 300;'), multi);
    const spread = applyFix(`const opts = { method: 'POST' };\nasync function f() {\n  return fetch('/predict', opts);\n}\n`, 'javascript', 'no-timeout');
    assert.ok(spread.includes(`fetch('/predict', { ...opts, signal: AbortSignal.timeout(INFERENCE_TIMEOUT_MS) })`), spread);
    const existing = applyFix(`const INFERENCE_TIMEOUT_MS = 80;\nasync function f() {\n  return fetch('/predict');\n}\n`, 'javascript', 'no-timeout');
    assert.equal(existing.match(/const INFERENCE_TIMEOUT_MS/g)?.length, 1, 'an existing constant is used');
    assert.equal(count(analyze(`async function f(init) {\n  return fetch('/predict', init);\n}\n`, 'javascript'), 'no-timeout'), 0, 'options of unknown content count as set');
  });

  test('no-timeout: axios and friends', () => {
    const ax = `import axios from 'axios';\nimport got from 'got';\nimport { request } from 'undici';\n`;
    const T = 'INFERENCE_TIMEOUT_MS';
    assert.ok(applyFix(`${ax}export const a = (x: unknown) => axios.post('/predict', x);\n`, 'typescript', 'no-timeout').includes(`axios.post('/predict', x, { timeout: ${T} })`));
    assert.ok(applyFix(`${ax}export const a = () => axios.post('/predict');\n`, 'typescript', 'no-timeout').includes(`axios.post('/predict', undefined, { timeout: ${T} })`));
    assert.ok(applyFix(`${ax}export const a = () => axios.get('/predict', { params: { a: 1 } });\n`, 'typescript', 'no-timeout').includes(`{ params: { a: 1 }, timeout: ${T} }`));
    assert.ok(applyFix(`${ax}export const a = () => axios({ url: '/predict' });\n`, 'typescript', 'no-timeout').includes(`axios({ url: '/predict', timeout: ${T} })`));
    assert.ok(applyFix(`${ax}export const a = (x: unknown) => got.post('/predict', { json: x });\n`, 'typescript', 'no-timeout').includes(`{ json: x, timeout: { request: ${T} } }`));
    assert.ok(applyFix(`${ax}export const a = () => request('/predict');\n`, 'typescript', 'no-timeout').includes(`request('/predict', { headersTimeout: ${T}, bodyTimeout: ${T} })`));
    const sm = `import { SageMakerRuntimeClient, InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';\nconst c = new SageMakerRuntimeClient({});\nexport const a = () => c.send(new InvokeEndpointCommand({ EndpointName: 'e' }));\n`;
    assert.ok(applyFix(sm, 'typescript', 'no-timeout').includes(`{ abortSignal: AbortSignal.timeout(${T}) })`));
    const v2 = `const AWS = require('aws-sdk');\nconst rt = new AWS.SageMakerRuntime({ region: 'x' });\nasync function f(b) { return rt.invokeEndpoint({ EndpointName: 'e', Body: b }).promise(); }\n`;
    assert.ok(applyFix(v2, 'javascript', 'no-timeout').includes(`new AWS.SageMakerRuntime({ region: 'x', httpOptions: { timeout: ${T} } })`));
  });

  test('an error-first callback is a fallback when it handles the error, not when it only throws it again', () => {
    const sketch = (callback: string): string => [
      "const classifier = ml5.imageClassifier('MobileNet');",
      'function go(img) {',
      `  classifier.classify(img, ${callback}); // expect: EXPECTED`,
      '}',
    ].join('\n');
    const handled = ['(err, results) => { if (err) { show("try again"); return; } show(results); }', '(error, r) => { if (!error) console.log(r); }'];
    for (const cb of handled) check(sketch(cb).replace(' // expect: EXPECTED', ''), 'javascript');
    const rethrown = ['(error, results) => { if (error) throw error; console.log(results); }', '(err, results) => { if (err) { console.error(err); throw err; } console.log(results); }', '(results) => console.log(results)', '(err, results) => console.log(results)'];
    for (const cb of rethrown) check(sketch(cb).replace('EXPECTED', 'no-fallback'), 'javascript');
  });

  test('every fix of the corpus parses and removes its finding', () => {
    const dir = join(__dirname, '..', '..', 'corpus', 'js');
    let fixed = 0;
    for (const name of readdirSync(dir)) {
      const lang = languageForPath(name);
      if (!lang) continue;
      const src = readFileSync(join(dir, name), 'utf8');
      const { result, tree } = analyzeSource(src, lang, DEFAULT_CONFIG);
      try {
        for (const f of result.findings) {
          for (const fix of fixesFor(f, src, lang, DEFAULT_CONFIG, tree)) {
            const out = applyEdits(src, fix.edits);
            const t2 = parse(out, lang);
            assert.equal(t2.rootNode.hasError, false, `${name}: ${fix.title}`);
            t2.delete();
            assert.ok(count(analyze(out, lang), f.rule) < count(result, f.rule), `${name}:${f.range.start.line + 1}: ${fix.title} removes ${f.rule}`);
            fixed++;
          }
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(fixed >= 40, `${fixed} fixes checked`);
  });
});

describe('JS analyzer: robustness', () => {
  test('a value nested thousands of levels deep is analyzed (the tree is read without recursion)', () => {
    for (const depth of [150, 5000]) {
      const src = `import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m.onnx');\nexport async function f(x) {\n  const o = await s.run(x); // expect: no-fallback untraced-prediction\n  const shape = ${'['.repeat(depth)}x${']'.repeat(depth)};\n  return { o, shape };\n}\n`;
      check(src, 'typescript');
    }
  });

  const samples = [
    '',
    '\0\0\0',
    'const x = await session.run(',
    'fetch(`${',
    "import * as ort from 'onnxruntime-node'; const s = await ort.InferenceSession.create(); s.run(",
    'try { await fetch("/predict") } catch (e) { throw',
    '(((((((((((model.predict(x)',
    'class { this.session = ; async predict() { return this.session.run(x) } }',
    '<div onClick={() => fetch("/predict")}>{</div>',
    '}'.repeat(500) + 'fetch("/predict")',
    'x = ' + 'a + '.repeat(5000) + 'model.predict(x)',
    'const y = ' + '() => '.repeat(300) + 'fetch("/infer");',
    'function f(x) ' + '{ if (x) '.repeat(400) + 'await model.predict(x);' + ' }'.repeat(400) + ' }',
  ];

  test('garbage, truncated and pathological inputs never throw', () => {
    const dir = join(__dirname, '..', '..', 'corpus', 'js');
    const corpus = readdirSync(dir).map((n) => readFileSync(join(dir, n), 'utf8'));
    const inputs = [...samples];
    for (const src of corpus) for (const cut of [0.2, 0.5, 0.9]) inputs.push(src.slice(0, Math.floor(src.length * cut)));
    for (const src of inputs) {
      for (const lang of ['typescript', 'tsx', 'javascript'] as const) {
        const { result, tree } = analyzeSource(src, lang, { ...DEFAULT_CONFIG, predictPatterns: [{ callee: '*.infer', kind: 'remote' }], fallbackWrappers: ['safe'] });
        try {
          for (const f of result.findings.slice(0, 3)) fixesFor(f, src, lang, DEFAULT_CONFIG, tree);
        } finally {
          tree.delete();
        }
      }
    }
  });

  // Speed is measured by bench/analysis.ts; this checks that a large file is analyzed whole.
  test('a large file is analyzed whole', () => {
    const dir = join(__dirname, '..', '..', 'corpus', 'js');
    const parts = readdirSync(dir).filter((n) => n.endsWith('.ts')).map((n) => readFileSync(join(dir, n), 'utf8').replace(/^import .*$/gm, ''));
    let src = `import * as ort from 'onnxruntime-node';\nimport axios from 'axios';\nimport { pipeline } from '@xenova/transformers';\n`;
    while (src.length < 300_000) src += parts.join('\n');
    const r = analyze(src, 'typescript');
    assert.ok(r.calls.length > 100);
  });
});
