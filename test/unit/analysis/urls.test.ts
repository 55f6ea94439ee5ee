// Inference URL patterns (shared by both analyzers): the defaults, user entries from mlship.yaml and the VS Code
// setting (added to the defaults), names that say inference, and their effect on detection.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { analyzeSource } from '../../../src/core/analysis/engine';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { analysisConfig } from '../../../src/core/analysis/settings';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/types';
import { DEFAULT_INFERENCE_URLS, inferenceUrlMatcher, isHostedModelUrl, isInferenceUrlName } from '../../../src/core/analysis/urls';
import { parseManifest } from '../../../src/core/config/manifest';

describe('inference URL patterns', () => {
  before(async () => {
    await loadGrammars();
  });

  test('the defaults: model servers and hosted model APIs, not ordinary APIs or polling', () => {
    const m = inferenceUrlMatcher();
    const yes = [
      'http://scorer:8080/predict',
      'http://scorer:8080/api/predict/',
      'http://kserve/v2/models/churn/infer',
      'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/endpoints/1:predict',
      'http://torchserve:8080/predictions/resnet',
      'https://api-inference.huggingface.co/models/gpt2',
      'https://router.huggingface.co/hf-inference/models/distilbert',
      'https://api.openai.com/v1/chat/completions',
      'https://api.together.xyz/v1/completions',
      'http://localhost:8000/v1/embeddings',
      'http://localhost:11434/api/generate',
      'http://localhost:3000/ollama/api/chat',
      'http://localhost:11434/api/v1/ollama/generate',
      'https://api.replicate.com/v1/predictions',
      'https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/x/invocations',
      '${…}/v1/predictions',
    ];
    const no = ['https://api.example.com/users/1', 'https://api.replicate.com/v1/predictions/abc123', 'http://x/v1/models', '/api/chat/history', 'https://example.com/scores', 'http://x/ollama/models'];
    for (const u of yes) assert.equal(m.test(u), true, u);
    for (const u of no) assert.equal(m.test(u), false, u);
    assert.ok(DEFAULT_INFERENCE_URLS.length > 10);
  });

  test('user entries add to the defaults: substrings (case-insensitive) and /regex/flags; a broken regex is a substring', () => {
    const m = inferenceUrlMatcher(['/v1/Rank', '/\\/api\\/v\\d+\\/classify$/i', '/(unclosed/', '  ']);
    assert.equal(m.test('http://ranker/V1/rank?x=1'), true);
    assert.equal(m.test('http://svc/api/v3/classify'), true);
    assert.equal(m.test('http://svc/api/v3/classify/batch'), false);
    assert.equal(m.test('http://x/(unclosed/y'), true);
    assert.equal(m.test('http://scorer/predict'), true, 'defaults stay');
  });

  test('names that say inference', () => {
    for (const n of ['MODEL_URL', 'PREDICTION_ENDPOINT', 'inferenceUrl', 'scoringApi', 'mlServiceUrl', 'OLLAMA_HOST']) assert.equal(isInferenceUrlName(n), true, n);
    for (const n of ['API_URL', 'endpoint', 'modelName', 'BASE_URL', 'userServiceUrl']) assert.equal(isInferenceUrlName(n), false, n);
  });

  test('settings: analysis.inferenceUrls (mlship.yaml) and mlship.diagnostics.inferenceUrls, both kept', () => {
    const { manifest, issues } = parseManifest('version: 1\nanalysis:\n  inferenceUrls: ["/v1/rank"]\n');
    assert.deepEqual(issues.filter((i) => i.severity === 'error'), []);
    const config = analysisConfig(manifest, { diagnostics: { inferenceUrls: ['/score-batch', 42 as unknown as string] } });
    assert.deepEqual(config.inferenceUrls, ['/v1/rank', '/score-batch']);
    assert.equal(analysisConfig(undefined, undefined).inferenceUrls, undefined);
  });

  test('hosted model APIs and LLM servers, told from model servers (their timeout is hostedModelTimeoutMs)', () => {
    const hosted = [
      'https://api-inference.huggingface.co/models/gpt2',
      'https://router.huggingface.co/hf-inference/models/distilbert',
      'https://x1.us-east-1.aws.endpoints.huggingface.cloud',
      'https://api.openai.com/v1/chat/completions',
      'http://vllm:8000/v1/completions',
      'https://api.openai.com/v1/embeddings',
      'http://localhost:11434/api/generate',
      'https://api.replicate.com/v1/predictions',
      'https://api.cohere.com/v2/chat',
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:generateContent',
    ];
    const servers = ['http://scorer:8080/predict', 'http://kserve/v2/models/churn/infer', 'http://torchserve:8080/predictions/resnet', 'https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/e/invocations', 'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/endpoints/1:predict'];
    for (const u of hosted) assert.ok(isHostedModelUrl(u) && inferenceUrlMatcher().test(u), u);
    for (const u of servers) assert.ok(!isHostedModelUrl(u) && inferenceUrlMatcher().test(u), u);
  });

  test('settings: hostedModelTimeoutMs from mlship.yaml, overridden by mlship.diagnostics; not a number above 0 keeps the default', () => {
    const { manifest, issues } = parseManifest('version: 1\nanalysis:\n  timeoutMs: 200\n  hostedModelTimeoutMs: 60000\n');
    assert.deepEqual(issues, []);
    assert.deepEqual([analysisConfig(manifest, undefined).timeoutMs, analysisConfig(manifest, undefined).hostedModelTimeoutMs], [200, 60_000]);
    assert.equal(analysisConfig(manifest, { diagnostics: { hostedModelTimeoutMs: 10_000 } }).hostedModelTimeoutMs, 10_000);
    for (const bad of [0, -5, '9000' as unknown as number]) assert.equal(analysisConfig(undefined, { diagnostics: { hostedModelTimeoutMs: bad } }).hostedModelTimeoutMs, DEFAULT_CONFIG.hostedModelTimeoutMs);
    // The latency budget drives the model-server timeout, never the hosted one.
    assert.equal(analysisConfig(undefined, { latencyBudgetMs: 80 }).hostedModelTimeoutMs, 30_000);
  });

  test('a custom pattern makes a call an inference call', () => {
    const src = "export async function rank(items) {\n  const r = await fetch('http://ranker:9000/v1/rank', { method: 'POST', body: JSON.stringify(items) });\n  return r.json();\n}\n";
    assert.deepEqual(analyzeSource(src, 'javascript', DEFAULT_CONFIG).result.calls, []);
    const calls = analyzeSource(src, 'javascript', { ...DEFAULT_CONFIG, inferenceUrls: ['/v1/rank'] }).result.calls;
    assert.deepEqual(calls.map((c) => [c.label, c.checks.timeout]), [['fetch to /v1/rank', 'fail']]);
  });
});
