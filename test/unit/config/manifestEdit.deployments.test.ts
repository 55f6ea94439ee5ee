// Adding a deployment to mlship.yaml as a text edit: every other line stays as written (comments, flow maps, blank
// lines, CRLF), the result validates, and conflicts or invalid manifests are refused with nothing changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifest, type DeploymentConfig } from '../../../src/core/config/manifest';
import { addDeployment, ManifestEditError } from '../../../src/core/config/manifestEdit';

const ENTRY: DeploymentConfig = {
  name: 'credit-risk',
  model: 'models:/credit-risk/2',
  inference: { protocol: 'oip-v2', url: 'http://127.0.0.1:8081', model: 'credit-risk' },
  predictions: { jsonl: 'logs/credit-risk/predictions.jsonl' },
  budgets: { latency_p95_ms: 50, fallback_rate: 0.1 },
  flag: 'credit-risk-model',
};

function applied(before: string, change: ReturnType<typeof addDeployment>): string {
  let text = before;
  for (const e of [...change.edits].sort((a, b) => b.offset - a.offset)) text = text.slice(0, e.offset) + e.content + text.slice(e.offset + e.length);
  return text;
}

test('a new manifest holds version 1 and the deployment', () => {
  const change = addDeployment(null, ENTRY);
  assert.deepEqual(parseManifest(change.text).manifest?.deployments, [ENTRY]);
  assert.match(change.text, /\nversion: 1\ndeployments:\n {2}- name: credit-risk\n {4}model: models:\/credit-risk\/2\n {4}inference: \{ protocol: oip-v2, url: http:\/\/127\.0\.0\.1:8081, model: credit-risk \}\n/);
});

test('appended after the last deployment, in the list\'s own indentation, comments kept', () => {
  const before = 'version: 1   # keep me\nmodels: [models/]\ndeployments:\n    - name: churn   # the old one\n      model: churn/1\n\n# trailing comment\nflags: f.json\n';
  const change = addDeployment(before, ENTRY);
  assert.equal(applied(before, change), change.text);
  assert.ok(change.text.startsWith('version: 1   # keep me\nmodels: [models/]\ndeployments:\n    - name: churn   # the old one\n      model: churn/1\n    - name: credit-risk\n      model: models:/credit-risk/2\n'));
  assert.ok(change.text.endsWith('\n\n# trailing comment\nflags: f.json\n'));
  assert.deepEqual(parseManifest(change.text).manifest?.deployments?.map((d) => d.name), ['churn', 'credit-risk']);
  assert.equal(change.edits.length, 1);
  assert.equal(change.edits[0]?.length, 0);
});

test('a manifest without deployments:, with [], and with CRLF line ends', () => {
  for (const before of ['version: 1\n', 'version: 1', 'version: 1\ndeployments: []\nflags: x.json\n', 'version: 1\r\ndeployments:\r\n  - name: a\r\n']) {
    const change = addDeployment(before, ENTRY);
    const m = parseManifest(change.text).manifest;
    assert.ok(m?.deployments?.some((d) => d.name === 'credit-risk'), `${JSON.stringify(before)} → ${change.text}`);
    assert.equal(applied(before, change), change.text);
    if (before.includes('\r\n')) assert.ok(!/[^\r]\n/.test(change.text), 'CRLF kept');
    if (before.includes('flags:')) assert.equal(m?.flags, 'x.json');
  }
});

test('conflicts and invalid manifests are refused', () => {
  assert.throws(() => addDeployment('version: 1\ndeployments:\n  - name: credit-risk\n', ENTRY), (e: unknown) => e instanceof ManifestEditError && /already has a deployment named "credit-risk"/.test(e.message));
  assert.throws(() => addDeployment('version: 1\ndeployments: [{ name: a }]\n', ENTRY), /flow list/);
  assert.throws(() => addDeployment('version: 1\nmodels: [\n', ENTRY), /mlship\.yaml is not valid \(line/);
  assert.throws(() => addDeployment('version: 2\n', ENTRY), /not valid/);
});
