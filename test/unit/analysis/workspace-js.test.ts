// Light inter-file resolution for JavaScript/TypeScript: a module's summary (what its exported names and factories
// hold) and the analysis of a file that imports them, on a temporary workspace of real files.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor, mayExportSymbols, needsAnalysis, summarizeSource } from '../../../src/core/analysis/engine';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG, type PredictCall } from '../../../src/core/analysis/types';
import { FileWorkspaceResolver } from '../../../src/core/analysis/workspace';
import { runJs } from '../../fixRuns';

const FILES: Record<string, string> = {
  'package.json': '{ "name": "app" }\n',
  'tsconfig.json': '{}\n',
  'src/lib/httpClient.ts': `import axios from 'axios';
export const mlClient = axios.create({ baseURL: process.env.ML_SERVICE_URL, timeout: 60_000 });
export const plainClient = axios.create({ baseURL: 'http://ranker:9000' });
`,
  'src/lib/api-utils.ts': `import OpenAI from 'openai';
export const openai = new OpenAI({ baseURL: 'https://api.together.xyz/v1', apiKey: process.env.TOGETHER_KEY });
`,
  'src/ml/session.ts': `import * as ort from 'onnxruntime-node';
let cached: ort.InferenceSession | undefined;
export async function getSession() {
  cached ??= await ort.InferenceSession.create('models/churn.onnx');
  return cached;
}
export const SCORING_URL = 'http://scorer:8080/v1/models/churn:predict';
`,
  'src/llm.js': `const OpenAI = require('openai');
const client = new OpenAI({ timeout: 5000, maxRetries: 1 });
const detector = null;
module.exports = { client, detector };
`,
  'src/services/chat.service.ts': `import { mlClient } from '../lib/httpClient';
export async function ask(question: string) {
  const res = await mlClient.post('/api/v1/chat', { question });
  return res.data;
}
`,
  'src/app/api/feedback/route.ts': `import { openai } from '@/lib/api-utils';
export async function POST(req: Request) {
  const { text } = await req.json();
  const completion = await openai.chat.completions.create({ model: 'mistral-7b', messages: [{ role: 'user', content: text }] });
  return Response.json({ feedback: completion.choices[0].message.content });
}
`,
  'src/score.ts': `import { getSession, SCORING_URL } from './ml/session';
export async function churn(feeds: Record<string, unknown>) {
  const session = await getSession();
  const out = await session.run(feeds);
  const remote = await fetch(SCORING_URL, { method: 'POST', body: JSON.stringify(feeds) });
  return { out, remote: await remote.json() };
}
`,
  'src/summarize.js': `const { client } = require('./llm');
async function summarize(text) {
  const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
  return r.choices[0].message.content;
}
module.exports = { summarize };
`,
  'src/lib/format.ts': `export const PAGE_SIZE = 20;
export function formatScore(score: number): string {
  return score.toFixed(2);
}
export const predictLabel = (p: number) => (p > 0.5 ? 'yes' : 'no');
`,
  'src/config.ts': `export const SCORER = 'http://scorer:8080/v2/models/churn/infer';
`,
  'src/view.ts': `import { formatScore, predictLabel, PAGE_SIZE } from './lib/format';
import { missing } from './nowhere';
export function row(p: number) {
  return { text: formatScore(p), label: predictLabel(p), size: PAGE_SIZE, missing };
}
`,
};

describe('JS/TS light inter-file resolution', () => {
  let root: string;
  let resolver: FileWorkspaceResolver;

  before(async () => {
    await loadGrammars();
    root = await mkdtemp(join(tmpdir(), 'mlship-ws-js-'));
    for (const [rel, text] of Object.entries(FILES)) {
      await mkdir(dirname(join(root, rel)), { recursive: true });
      await writeFile(join(root, rel), text);
    }
    resolver = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource });
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const analyze = (rel: string): PredictCall[] => {
    const path = join(root, rel);
    const lang = rel.endsWith('.js') ? 'javascript' : 'typescript';
    const { result, tree } = analyzeSource(FILES[rel] as string, lang, DEFAULT_CONFIG, undefined, { path, resolver });
    tree.delete();
    return result.calls;
  };

  test('summaries: exported clients, instances, factories and URL constants', () => {
    const http = summarizeSource(FILES['src/lib/httpClient.ts'] as string, 'typescript');
    assert.deepEqual(http.get('mlClient'), { kind: 'http-client', factory: false, timeout: true, urlName: 'ML_SERVICE_URL' });
    assert.deepEqual(http.get('plainClient'), { kind: 'http-client', factory: false, timeout: false, url: 'http://ranker:9000' });
    assert.deepEqual(summarizeSource(FILES['src/lib/api-utils.ts'] as string, 'typescript').get('openai'), { kind: 'llm-client', factory: false, sdk: 'openai', timeout: false });
    const ml = summarizeSource(FILES['src/ml/session.ts'] as string, 'typescript');
    assert.deepEqual(ml.get('getSession'), { kind: 'onnx-session', factory: true });
    assert.deepEqual(ml.get('SCORING_URL'), { kind: 'inference-url', factory: false, url: 'http://scorer:8080/v1/models/churn:predict' });
    const cjs = summarizeSource(FILES['src/llm.js'] as string, 'javascript');
    assert.deepEqual(cjs.get('client'), { kind: 'llm-client', factory: false, sdk: 'openai', timeout: true });
    assert.equal(cjs.has('detector'), false, 'a null placeholder holds nothing');
  });

  test('an axios instance from another module: its timeout there counts', () => {
    const [call] = analyze('src/services/chat.service.ts');
    assert.ok(call, 'mlClient.post is a prediction');
    assert.equal(call.kind, 'remote');
    assert.equal(call.checks.timeout, 'pass');
    assert.equal(call.checks.fallback, 'fail');
    assert.equal(call.checks.trace, 'fail');
  });

  test('an axios instance another module builds on an endpoint-named base URL: a relative path through it is a prediction, and its timeout fix holds when the server hangs', async () => {
    const dir = await mkdtemp(join(root, 'instance-'));
    await mkdir(join(dir, 'constants'));
    await mkdir(join(dir, 'services'));
    const client = `import axios from 'axios';
const { SENTIMENT_ML_MODEL_URL } = process.env;
export const sentimentClient = axios.create({ baseURL: SENTIMENT_ML_MODEL_URL, method: 'POST', responseType: 'json' });
export const cmsClient = axios.create({ baseURL: process.env.CMS_BASE, timeout: 2000 });
`;
    await writeFile(join(dir, 'constants', 'clients.js'), client);
    const summary = summarizeSource(client, 'javascript');
    assert.deepEqual(summary.get('sentimentClient'), { kind: 'http-client', factory: false, timeout: false, urlName: 'SENTIMENT_ML_MODEL_URL' });
    assert.deepEqual(summary.get('cmsClient'), { kind: 'http-client', factory: false, timeout: true }, 'a base URL that names no model server');
    const service = `import { sentimentClient, cmsClient } from '../constants/clients.js';
export async function sentimentOf(sentence) {
  try {
    const { data } = await sentimentClient.request({ url: '/model', params: { sentence } });
    return data;
  } catch (err) {
    console.warn('sentiment model unavailable; using fallback', err);
    return null;
  }
}
export async function pageOf(slug) {
  const { data } = await cmsClient.get(\`/pages/\${slug}\`);
  return data;
}
`;
    const file = join(dir, 'services', 'sentiment.js');
    const context = { path: file, resolver };
    const { result, tree } = analyzeSource(service, 'javascript', DEFAULT_CONFIG, undefined, context);
    tree.delete();
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1} ${c.kind} ${c.checks.fallback} ${c.checks.timeout}`), ['4 remote pass fail'], 'the CMS page is no prediction');
    const finding = result.findings.find((f) => f.rule === 'no-timeout');
    assert.ok(finding);
    const fix = fixesFor(finding, service, 'javascript', DEFAULT_CONFIG, undefined, context)[0];
    assert.ok(fix, 'a timeout fix is offered');
    await writeFile(file, `${applyEdits(service, fix.edits)}\nglobalThis.__mlshipScope = { sentimentOf };\n`);
    const run = await runJs(file, 'timeout', 'sentimentClient.request', true);
    assert.ok(run.ok && run.fallbacks > 0, JSON.stringify(run));
    await writeFile(file, `${service}\nglobalThis.__mlshipScope = { sentimentOf };\n`);
    assert.equal((await runJs(file, 'timeout', 'sentimentClient.request', true)).ok, false, 'without a timeout the request waits for ever');
  });

  test('an OpenAI client imported through the @/ alias, built without a timeout', () => {
    const [call] = analyze('src/app/api/feedback/route.ts');
    assert.ok(call);
    assert.match(call.label, /chat\.completions\.create/);
    assert.equal(call.checks.timeout, 'fail');
  });

  test('a hosted answer handed back whole by another module: traced where it is handed on whole, not where its text is read; evaluation code is no model-running function', async () => {
    const dir = await mkdtemp(join(root, 'answer-'));
    const lib = `import OpenAI from 'openai';
const openai = new OpenAI({ timeout: 10_000 });
export async function ask(q: string) {
  return await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });
}
export async function evaluateAnswers(qs: string[]) {
  const out = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: qs.join('\\n') }] });
  return out.choices[0].message.content;
}
`;
    await writeFile(join(dir, 'ask.ts'), lib);
    const summary = summarizeSource(lib, 'typescript');
    assert.deepEqual(summary.get('ask'), { kind: 'predict-wrapper', factory: false, wraps: { label: 'OpenAI-style chat.completions.create', returnsLabel: false, traced: false, answer: true, promise: true } });
    assert.equal(summary.has('evaluateAnswers'), false);
    const route = "import { ask } from './ask';\nexport async function POST(req: Request) {\n  const text = (await ask(await req.text())).choices[0].message.content;\n  return Response.json({ text });\n}\nexport async function PUT(req: Request) {\n  const r = await ask(await req.text());\n  return Response.json(r);\n}\n";
    const { result, tree } = analyzeSource(route, 'typescript', DEFAULT_CONFIG, undefined, { path: join(dir, 'route.ts'), resolver });
    tree.delete();
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1} ${c.checks.trace}`), ['3 fail', '7 pass']);
  });

  test('a singleton class of another module whose static getInstance() gives a transformers.js pipeline', async () => {
    const dir = await mkdtemp(join(root, 'single-'));
    await writeFile(join(dir, 'pipeline.ts'), `import { Pipeline, pipeline } from '@xenova/transformers';
export class PipelineSingleton {
  private static instance?: Pipeline;
  static async getInstance(): Promise<Pipeline> {
    if (!this.instance) this.instance = await pipeline('token-classification', 'Xenova/bert-base-NER');
    return this.instance;
  }
}
`);
    const route = "import { PipelineSingleton } from './pipeline';\nexport async function GET(req: Request) {\n  const classifier = await PipelineSingleton.getInstance();\n  return Response.json(await classifier(new URL(req.url).searchParams.get('text')));\n}\n";
    const { result, tree } = analyzeSource(route, 'typescript', DEFAULT_CONFIG, undefined, { path: join(dir, 'route.ts'), resolver });
    tree.delete();
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1} ${c.kind}`), ['4 hf-pipeline']);
    // The same class exported as the module's default.
    await writeFile(join(dir, 'defaultPipeline.js'), "import { pipeline } from '@xenova/transformers';\nexport default class P {\n  static instance = null;\n  static async getInstance() {\n    if (this.instance === null) this.instance = pipeline('text-classification', 'Xenova/sst2');\n    return this.instance;\n  }\n}\n");
    const viaDefault = "import P from './defaultPipeline';\nexport async function GET(req) {\n  const classifier = await P.getInstance();\n  return Response.json(await classifier(await req.text()));\n}\n";
    const d = analyzeSource(viaDefault, 'javascript', DEFAULT_CONFIG, undefined, { path: join(dir, 'route.js'), resolver });
    d.tree.delete();
    assert.deepEqual(d.result.calls.map((c) => `${c.range.start.line + 1} ${c.kind}`), ['4 hf-pipeline']);
    // A function returning an object of a class whose method runs a model.
    await writeFile(join(dir, 'scorer.ts'), "import * as ort from 'onnxruntime-node';\nconst session = await ort.InferenceSession.create('m.onnx');\nclass Scorer {\n  async score(x: Float32Array) {\n    const out = await session.run({ x: new ort.Tensor('float32', x, [1, x.length]) });\n    return Array.from(out.probabilities.data as Float32Array);\n  }\n}\nexport function getScorer() {\n  return new Scorer();\n}\n");
    const viaFactory = "import { getScorer } from './scorer';\nexport async function POST(req: Request) {\n  const scores = await getScorer().score(new Float32Array(await req.arrayBuffer()));\n  return Response.json({ scores });\n}\n";
    const f = analyzeSource(viaFactory, 'typescript', DEFAULT_CONFIG, undefined, { path: join(dir, 'use.ts'), resolver });
    f.tree.delete();
    assert.deepEqual(f.result.calls.map((c) => `${c.range.start.line + 1} ${c.kind} ${c.checks.fallback}`), ['3 custom fail']);
  });

  test("SvelteKit's $lib alias: src/lib of the project", async () => {
    await mkdir(join(root, 'src', 'lib', 'util'), { recursive: true });
    await writeFile(join(root, 'src', 'lib', 'util', 'openai.ts'), "import OpenAI from 'openai';\nexport const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n");
    const route = "import { json } from '@sveltejs/kit';\nimport { openai } from '$lib/util/openai.js';\nexport const POST = async ({ request }) => {\n  const res = await openai.chat.completions.create(await request.json());\n  return json({ text: res.choices[0].message.content });\n};\n";
    const path = join(root, 'src', 'routes', 'chat', '+server.ts');
    const { result, tree } = analyzeSource(route, 'typescript', DEFAULT_CONFIG, undefined, { path, resolver });
    tree.delete();
    assert.deepEqual(result.calls.map((c) => c.checks.timeout), ['fail'], 'the client there has no timeout');
  });

  test('the @/ alias in a workspace with no package.json: the workspace folder (then its src/) is where it starts', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'mlship-ws-bare-'));
    try {
      const files: Record<string, string> = {
        'lib/aws.ts': `import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
export const bedrock = new BedrockRuntimeClient({ region: process.env.AWS_REGION });
export const patientBedrock = new BedrockRuntimeClient({ requestHandler: new NodeHttpHandler({ requestTimeout: 20_000 }) });
`,
        'app/api/summary/route.ts': `import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { bedrock, patientBedrock } from '@/lib/aws';
export async function POST(req: Request) {
  const { text } = await req.json();
  const body = JSON.stringify({ prompt: text, max_tokens: 200 });
  const quick = await bedrock.send(new InvokeModelCommand({ modelId: 'anthropic.claude-v2', body }));
  const slow = await patientBedrock.send(new InvokeModelCommand({ modelId: 'anthropic.claude-v2', body }));
  return Response.json({ quick: quick.body.transformToString(), slow: slow.body.transformToString() });
}
`,
      };
      for (const [rel, text] of Object.entries(files)) {
        await mkdir(dirname(join(bare, rel)), { recursive: true });
        await writeFile(join(bare, rel), text);
      }
      const r = new FileWorkspaceResolver({ roots: [bare], summarize: summarizeSource });
      const { result, tree } = analyzeSource(files['app/api/summary/route.ts'] as string, 'typescript', DEFAULT_CONFIG, undefined, { path: join(bare, 'app/api/summary/route.ts'), resolver: r });
      tree.delete();
      assert.deepEqual(result.calls.map((c) => c.checks.timeout), ['fail', 'pass']);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  test('a session from an imported factory and an imported inference URL constant', () => {
    const calls = analyze('src/score.ts');
    assert.deepEqual(calls.map((c) => c.kind), ['onnxruntime', 'remote']);
    assert.match(calls[1]?.label ?? '', /:predict/);
  });

  test('CommonJS: require of a module that exports a client with a timeout', () => {
    const [call] = analyze('src/summarize.js');
    assert.ok(call);
    assert.equal(call.checks.timeout, 'pass');
  });

  test('without a resolver the imported session stays unknown; the URL is still known by its name', () => {
    const { result, tree } = analyzeSource(FILES['src/score.ts'] as string, 'typescript', DEFAULT_CONFIG);
    tree.delete();
    assert.deepEqual(result.calls.map((c) => c.label), ['fetch to SCORING_URL']);
  });

  test('a function, class or object of another module that runs a model: its calls are predict calls, and the fallback fix runs', async () => {
    const dir = await mkdtemp(join(root, 'wrap-'));
    const model = `import * as ort from 'onnxruntime-node';
import { pipeline } from '@huggingface/transformers';

const session = await ort.InferenceSession.create('models/churn.onnx');
const classifier = await pipeline('text-classification', 'Xenova/distilbert-sst2');

export async function predictLabel(features: number[]): Promise<number> {
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(features), [1, features.length]) });
  const probs = Array.from(out.probabilities.data as Float32Array);
  return probs.indexOf(Math.max(...probs));
}

export async function safeLabel(features: number[]): Promise<number | null> {
  try {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(features), [1, features.length]) });
    return (out.probabilities.data as Float32Array)[1] > 0.5 ? 1 : 0;
  } catch {
    return null;
  }
}

export class Sentiment {
  async score(text: string): Promise<{ label: string; score: number; modelVersion: string }> {
    const [top] = (await classifier(text)) as { label: string; score: number }[];
    return { label: top.label, score: top.score, modelVersion: 'sst2-v1' };
  }
}

export const sentiment = new Sentiment();
`;
    const route = `import { predictLabel, safeLabel, Sentiment, sentiment } from './model';

export async function POST(req: Request): Promise<Response> {
  const { features, text } = (await req.json()) as { features: number[]; text: string };
  const label = await predictLabel(features);
  const safe = await safeLabel(features);
  const mood = await sentiment.score(text);
  const again = await new Sentiment().score(text);
  return Response.json({ churn: label === 1, safe, mood, again });
}
`;
    await writeFile(join(dir, 'model.ts'), model);
    const summary = summarizeSource(model, 'typescript');
    assert.deepEqual(summary.get('predictLabel'), { kind: 'predict-wrapper', factory: false, wraps: { label: 'onnxruntime session.run', returnsLabel: true, traced: false, promise: true } });
    const score = { score: { label: "transformers.js pipeline('text-classification')", returnsLabel: false, traced: true, promise: true } };
    assert.deepEqual(summary.get('Sentiment'), { kind: 'predict-wrapper', factory: true, methods: score });
    assert.deepEqual(summary.get('sentiment'), { kind: 'predict-wrapper', factory: false, methods: score });
    assert.equal(summary.get('safeLabel'), undefined, 'it catches its own errors');
    const context = { path: join(dir, 'route.ts'), resolver };
    const { result, tree } = analyzeSource(route, 'typescript', DEFAULT_CONFIG, undefined, context);
    tree.delete();
    assert.deepEqual(result.calls.map((c) => `${c.range.start.line + 1} ${c.checks.fallback} ${c.checks.confidence} ${c.checks.timeout} ${c.checks.trace}`), [
      '5 fail fail n/a fail', // the bare label decides the answer, with no version
      '7 fail n/a n/a pass', // label, score and version come back together
      '8 fail n/a n/a pass',
    ]);
    // A test calls the code it tests.
    const spec = "import { predictLabel } from './model';\ntest('label', async () => { expect(await predictLabel([1, 2])).toBe(1); });\n";
    assert.deepEqual(analyzeSource(spec, 'typescript', DEFAULT_CONFIG, undefined, { path: join(dir, 'model.test.ts'), resolver }).result.calls, []);
    // The fallback fix, run with the model of model.ts failing: the handler answers through its fallback.
    const finding = result.findings.find((f) => f.rule === 'no-fallback' && f.range.start.line === 4);
    assert.ok(finding);
    const fix = fixesFor(finding, route, 'typescript', DEFAULT_CONFIG, undefined, context)[0];
    assert.ok(fix);
    const fixed = applyEdits(route, fix.edits);
    const file = join(dir, 'route.ts');
    await writeFile(file, `${fixed}\nglobalThis.__mlshipScope = { POST };\n`);
    const run = await runJs(file, 'raise', 'POST', true);
    assert.ok(run.ok && run.fallbacks > 0, `${JSON.stringify(run)}\n${fixed}`);
    await writeFile(file, `${route}\nglobalThis.__mlshipScope = { POST };\n`);
    assert.equal((await runJs(file, 'raise', 'POST', true)).ok, false, 'before the fix the model failure reaches the handler');
  });

  test('a check run follows the names imported from a module only when a scan of its text may find something there', () => {
    symlinkSync(join(root, 'src', 'ml', 'session.ts'), join(root, 'src', 'linked.ts'));
    const scanning = new FileWorkspaceResolver({ roots: [root], summarize: summarizeSource, scan: mayExportSymbols, snapshot: true });
    const from = join(root, 'src', 'view.ts');
    const may = (fromRel: string, specifier: string) => scanning.mayExport(join(root, fromRel), specifier);
    assert.equal(may('src/view.ts', './lib/format'), false, 'helpers and constants only');
    assert.equal(may('src/view.ts', './nowhere'), false, 'no such module: lookup finds nothing either');
    assert.equal(may('src/view.ts', './config'), true, 'an inference URL constant');
    assert.equal(may('src/score.ts', './ml/session'), true);
    assert.equal(may('src/services/chat.service.ts', '../lib/httpClient'), true);
    assert.equal(may('src/app/api/feedback/route.ts', '@/lib/api-utils'), true);
    assert.equal(may('src/summarize.js', './llm'), true);
    assert.equal(may('src/view.ts', './linked'), true, 'a symbolic link to a module resolves (the folder listing says "link")');
    assert.equal(resolver.mayExport(from, './lib/format'), true, 'the language server follows every import (files change under it)');
    const text = FILES['src/view.ts'] as string;
    assert.equal(needsAnalysis(text, 'typescript', DEFAULT_CONFIG, { path: from, resolver }), true);
    assert.equal(needsAnalysis(text, 'typescript', DEFAULT_CONFIG, { path: from, resolver: scanning }), false, 'nothing to parse');
    // What the scan keeps finds the same calls as following every import.
    for (const rel of Object.keys(FILES).filter((f) => /\.[jt]s$/.test(f))) {
      const lang = rel.endsWith('.js') ? 'javascript' : 'typescript';
      const calls = (r: FileWorkspaceResolver) => {
        const { result, tree } = analyzeSource(FILES[rel] as string, lang, DEFAULT_CONFIG, undefined, { path: join(root, rel), resolver: r });
        tree.delete();
        return result.calls.map((c) => `${c.kind} ${c.label} ${JSON.stringify(c.checks)}`);
      };
      assert.deepEqual(calls(scanning), calls(resolver), rel);
    }
    assert.equal(mayExportSymbols(FILES['src/lib/format.ts'] as string, 'typescript'), false);
    assert.equal(mayExportSymbols('import joblib\n', 'python'), true, 'Python modules are not scanned');
  });

  test('a scanned-out module is not parsed for a lookup, and is scanned again once it changes on disk', async () => {
    let summaries = 0;
    const counting = (source: string, lang: Parameters<typeof summarizeSource>[1]) => (summaries++, summarizeSource(source, lang));
    const scanning = new FileWorkspaceResolver({ roots: [root], summarize: counting, scan: mayExportSymbols });
    const util = join(root, 'src', 'util.ts');
    await writeFile(util, 'export const getSession = () => null;\n');
    const from = join(root, 'src', 'score.ts');
    assert.equal(scanning.lookup(from, './util', 'getSession'), undefined);
    assert.equal(scanning.mayExport(from, './util'), false);
    assert.equal(summaries, 0, 'ruled out by its text: not parsed');
    await writeFile(util, "import * as ort from 'onnxruntime-node';\nexport const getSession = () => ort.InferenceSession.create('m.onnx');\n");
    const later = new Date(Date.now() + 5000);
    await utimes(util, later, later);
    assert.equal(scanning.mayExport(from, './util'), true);
    assert.deepEqual(scanning.lookup(from, './util', 'getSession'), { kind: 'onnx-session', factory: true });
    assert.equal(summaries, 1);
  });
});
