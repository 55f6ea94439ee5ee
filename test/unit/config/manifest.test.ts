import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/config/manifest';

describe('mlship.yaml', () => {
  test('accepts the documented sketch', () => {
    const text = `version: 1
models: [models/, "**/*.onnx"]
data: [data/]
mlflow: { trackingUri: ./mlruns }
deployments:
  - name: credit-risk-prod
    model: credit-risk@champion
    baseline: data/train-2025-10.parquet
    inference: { protocol: oip-v2, url: http://127.0.0.1:8081, model: credit-risk }
    metrics: { scrape: http://127.0.0.1:8081/metrics }
    predictions: { jsonl: logs/credit-risk.jsonl }
    budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 }
flags: flags/flags.flagd.json
`;
    const r = parseManifest(text);
    assert.deepEqual(r.issues, []);
    assert.equal(r.manifest?.deployments?.[0]?.budgets?.latency_p95_ms, 50);
    assert.deepEqual(r.manifest?.models, ['models/', '**/*.onnx']);
  });

  test('the sample workspace manifest is valid', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', 'samples', 'mlship.yaml'), 'utf8');
    assert.deepEqual(parseManifest(text).issues, []);
  });

  test('reports schema problems on the line of the offending key or value', () => {
    const r = parseManifest('version: 1\nmodels: models/\ndeployments:\n  - name: x\n    budgets: { latency_p95_ms: -3, fallback_rate: 2 }\n    bogus: 1\n');
    assert.equal(r.manifest, undefined);
    const byLine = r.issues.map((i) => [i.line, i.message] as const);
    assert.deepEqual(byLine.map(([l]) => l), [2, 5, 5, 6]);
    assert.match(byLine[0]?.[1] ?? '', /'models' must be an array/);
    assert.match(byLine[1]?.[1] ?? '', /latency_p95_ms' must be > 0/);
    assert.match(byLine[2]?.[1] ?? '', /fallback_rate' must be ≤ 1/);
    assert.match(byLine[3]?.[1] ?? '', /Unknown key 'bogus'/);
    assert.equal(r.issues[3]?.column, 5);
  });

  test('reports YAML syntax errors with a position and never throws', () => {
    const r = parseManifest('version: 1\nmodels: [models/\n');
    assert.equal(r.manifest, undefined);
    assert.equal(r.issues.length >= 1, true);
    assert.match(r.issues[0]?.message ?? '', /YAML syntax error/);
    assert.ok((r.issues[0]?.line ?? 0) >= 2);
  });

  test('requires a version and rejects unknown versions', () => {
    assert.match(parseManifest('models: [a/]\n').issues[0]?.message ?? '', /missing the required key 'version'/);
    const r = parseManifest('version: 2\n');
    assert.match(r.issues[0]?.message ?? '', /must be one of 1/);
    assert.equal(r.issues[0]?.line, 1);
  });

  test('an empty file is an issue, not a crash', () => {
    assert.match(parseManifest('').issues[0]?.message ?? '', /empty/);
  });

  test('flags: names the flag file; an empty or non-string value is reported on its line', () => {
    assert.equal(parseManifest('version: 1\nflags: ops/features.flagd.json\n').manifest?.flags, 'ops/features.flagd.json');
    for (const bad of ['flags: ""\n', 'flags: [a.json]\n']) {
      const r = parseManifest(`version: 1\n${bad}`);
      assert.equal(r.manifest, undefined, bad);
      assert.equal(r.issues[0]?.line, 2, bad);
    }
  });

  test('duplicate keys are reported', () => {
    const r = parseManifest('version: 1\ndata: [a/]\ndata: [b/]\n');
    assert.equal(r.manifest, undefined);
    assert.equal(r.issues[0]?.line, 3);
  });
});

describe('mlship.yaml deployments', () => {
  test('accepts every documented deployment key', () => {
    const r = parseManifest(`version: 1
deployments:
  - name: credit-risk-prod
    model: models:/credit-risk@champion
    baseline: data/credit-risk/applications-2025-10.parquet
    inference: { protocol: oip-v2, url: "http://127.0.0.1:8081", model: credit-risk, version: "2", timeout_ms: 2000 }
    metrics: { prometheus: "http://127.0.0.1:9090", selector: '{job="credit-risk"}', latency_histogram: http_request_duration_seconds }
    predictions: { url: "http://logs.internal/credit-risk.jsonl", format: kserve }
    feedback: { jsonl: logs/feedback.jsonl }
    budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 }
    poll_interval_s: 5
`);
    assert.deepEqual(r.issues, []);
    const d = r.manifest?.deployments?.[0];
    assert.equal(d?.inference?.timeout_ms, 2000);
    assert.equal(d?.predictions?.format, 'kserve');
    assert.equal(d?.feedback?.jsonl, 'logs/feedback.jsonl');
    assert.equal(d?.poll_interval_s, 5);
  });

  test('rejects a bad log format, a too-short poll interval and duplicate names, on their lines', () => {
    const r = parseManifest('version: 1\ndeployments:\n  - name: a\n    predictions: { jsonl: p.jsonl, format: csv }\n    poll_interval_s: 0.1\n');
    assert.deepEqual(r.issues.map((i) => i.line), [4, 5]);
    assert.match(r.issues[0]?.message ?? '', /must be one of "mlship", "kserve"/);
    assert.match(r.issues[1]?.message ?? '', /poll_interval_s' must be ≥ 1/);
    const dup = parseManifest('version: 1\ndeployments:\n  - name: a\n    metrics: { scrape: "http://x/metrics" }\n  - name: a\n    metrics: { scrape: "http://y/metrics" }\n');
    assert.equal(dup.manifest, undefined);
    assert.equal(dup.issues[0]?.line, 5);
    assert.match(dup.issues[0]?.message ?? '', /listed twice/);
  });

  test('warns about a deployment with nothing to watch, and keeps the manifest', () => {
    const r = parseManifest('version: 1\ndeployments:\n  - name: lonely\n    budgets: { latency_p95_ms: 20 }\n');
    assert.equal(r.issues[0]?.severity, 'warning');
    assert.equal(r.issues[0]?.line, 3);
    assert.match(r.issues[0]?.message ?? '', /nothing to watch/);
    assert.equal(r.manifest?.deployments?.[0]?.name, 'lonely');
  });
});
