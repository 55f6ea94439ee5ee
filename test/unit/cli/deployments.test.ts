// `mlship serve`, `mlship status` and `mlship replay` on the sample workspace and real local servers.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../../src/cli/main';
import { readSnapshotRows } from '../../../src/core/formats/tabular';
import type { RunningServer } from '../../../src/serve/server';
import type { DeploymentStatus } from '../../../src/shared/deployments';
import { eventually, portIsFree, startCreditServer } from '../deployments/localServer';

const ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLES = join(ROOT, 'samples');
const FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];

async function run(cwd: string, args: string[], signal?: AbortSignal, onOut?: (s: string) => void): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { cwd, stdout: (s) => ((out += s), onOut?.(out)), stderr: (s) => (err += s), ...(signal ? { signal } : {}) });
  return { code, out, err };
}


describe('mlship serve', () => {
  let logs: string;
  before(async () => (logs = await mkdtemp(join(tmpdir(), 'mlship-serve-cli-'))));
  after(async () => rm(logs, { recursive: true, force: true }));

  it('serves a registry reference until Ctrl+C, prints the endpoint and a manifest snippet, then frees the port', async () => {
    const abort = new AbortController();
    let seen: ((url: string) => void) | undefined;
    const listening = new Promise<string>((done) => (seen = done));
    const finished = run(SAMPLES, ['serve', 'models:/credit-risk@champion', '--log-dir', logs, '--max-batch', '4'], abort.signal, (out) => {
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) seen?.(m[1] as string);
    });
    const base = await Promise.race([listening, finished.then((r) => Promise.reject(new Error(`serve ended: ${r.err}`)))]);
    const meta = (await (await fetch(`${base}/v2/models/credit-risk`)).json()) as { versions: string[] };
    assert.deepEqual(meta.versions, ['2']);
    const res = await fetch(`${base}/v2/models/credit-risk/infer`, { method: 'POST', body: JSON.stringify({ id: 'cli-1', inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [30, 40000, 0.2, 2, 0, 10] }] }) });
    assert.equal(res.status, 200);
    abort.abort();
    const r = await finished;
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Serving credit-risk version 2 \(.*model\.onnx\) on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.out, /deployments:\n {2}- name: "credit-risk v2 local"\n {4}model: models:\/credit-risk@champion\n/);
    assert.match(r.out, /baseline: data\/credit-risk\/applications-2025-10\.parquet/);
    assert.match(r.out, /batching: {4}up to 4 rows per run/);
    assert.match(r.out, /Stopped; port \d+ is free/);
    assert.equal(await portIsFree(Number(new URL(base).port)), true);
    const records = (await readFile(join(logs, 'credit-risk-2.predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { request_id: string; inputs: Record<string, number> });
    assert.equal(records[0]?.request_id, 'cli-1');
    assert.deepEqual(Object.keys(records[0]?.inputs ?? {}), FEATURES);
  });

  it('names what it cannot serve, and lists what it can', async () => {
    const missing = await run(SAMPLES, ['serve', 'models:/nope@champion', '--no-log']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /No ONNX model version "models:\/nope@champion"/);
    assert.match(missing.err, /Servable here: .*models:\/credit-risk@champion/);
    const gguf = await run(SAMPLES, ['serve', 'models/tinyllama/tinyllama-q4.gguf']);
    assert.equal(gguf.code, 2);
    assert.match(gguf.err, /only ONNX models can be served/);
    const usage = await run(SAMPLES, ['serve']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /Which model\?/);
    assert.equal((await run(SAMPLES, ['serve', 'x', '--port', 'http'])).code, 2);
    const batch = await run(SAMPLES, ['serve', 'x', '--max-batch', '0']);
    assert.equal(batch.code, 2);
    assert.match(batch.err, /--max-batch must be a whole number from 1 to 4096/);
  });
});

describe('mlship status and replay', () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-status-'));
    server = await startCreditServer(dir);
    const refused = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => done(port));
      });
    });
    await writeFile(
      join(dir, 'mlship.yaml'),
      `version: 1
deployments:
  - name: local
    inference: { url: "${server.endpoint.url}", model: credit-risk }
    metrics: { scrape: "${server.endpoint.metricsUrl}" }
    predictions: { jsonl: predictions.jsonl }
    feedback: { jsonl: feedback.jsonl }
    budgets: { latency_p95_ms: 5000, fallback_rate: 0.05 }
  - name: tight
    inference: { url: "${server.endpoint.url}", model: credit-risk }
    metrics: { scrape: "${server.endpoint.metricsUrl}" }
    budgets: { latency_p95_ms: 0.0001 }
  - name: gone
    inference: { url: "http://127.0.0.1:${refused}", model: credit-risk, timeout_ms: 500 }
`,
    );
  });

  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('replays a snapshot with shifted columns and feedback from its label column', async () => {
    const snapshot = join(SAMPLES, 'data', 'credit-risk', 'applications-2025-11.parquet');
    const r = await run(dir, ['replay', snapshot, '--deployment', 'local', '--feature-names', FEATURES.join(','), '--rate', '200', '--count', '40', '--shift', 'income*2,age+100', '--label-column', 'defaulted', '--feedback-share', '0.5', '--feedback-delay', '0.05']);
    // The drifted November snapshot lacks some incomes (its 9th row among the first 40): sent as NaN, which the
    // model cannot score, so the server answers that request with an error and the replay exits 1.
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /shifted: income×2, age\+100/);
    assert.match(r.out, /Done \(request count reached\) .*sent 40, answered 39, failed 1, feedback (\d+)/);
    assert.match(r.err, /^Last error: .* answered HTTP 422: Output "probabilities" holds NaN in 1 of 1 row \(row 0\): the model cannot score the NaN or infinite values it was sent \(row 0: income is NaN\)/);
    const feedback = Number(/feedback (\d+)\.\n$/.exec(r.out)?.[1]);
    assert.ok(feedback > 5 && feedback < 35, `feedback ${feedback}`);
    const lines = async (file: string): Promise<string[]> => (await readFile(join(dir, file), 'utf8')).trim().split('\n').filter((l) => l !== '');
    const records = (await eventually(async () => ((await lines('predictions.jsonl')).length >= 40 ? lines('predictions.jsonl') : undefined), '40 logged predictions')).map((l) => JSON.parse(l) as { inputs: { age: number }; reason: string | null });
    assert.ok(records.every((x) => x.inputs.age >= 100), 'ages shifted by +100');
    assert.equal(records.filter((x) => x.reason === 'error').length, 1, 'the request without an answer is logged as an error');
    await eventually(async () => (await lines('feedback.jsonl')).length === feedback, `${feedback} feedback records`);
  });

  it('warns when the snapshot lacks some of the model inputs (they are sent as missing values), and fails the requests the model cannot score', async () => {
    const partial = join(dir, 'partial.csv');
    await writeFile(partial, 'age,debt_ratio,credit_lines,late_payments\n41,0.3,2,0\n35,0.5,1,1\n');
    // A server of its own: these failures would count in the error rate of the deployment `mlship status` reads below.
    const own = await mkdtemp(join(tmpdir(), 'mlship-replay-partial-'));
    const other = await startCreditServer(own);
    try {
      const r = await run(dir, ['replay', partial, '--url', other.endpoint.url, '--model', 'credit-risk', '--feature-names', FEATURES.join(','), '--rate', '200', '--count', '2']);
      assert.match(r.err, /warning: 2 of the model's 6 inputs are not in the snapshot \(income, months_employed\): every request sends them as missing values \(NaN\)/);
      // This model cannot score them: every request is answered with an error, and the replay says so (exit 1).
      assert.equal(r.code, 1, r.err);
      assert.match(r.out, /sent 2, answered 0, failed 2/);
      assert.match(r.err, /Last error: .* answered HTTP 422: .*\(row 0: income is NaN, months_employed is NaN\)/);
    } finally {
      await other.close();
      await rm(own, { recursive: true, force: true });
    }
    const full = await run(dir, ['replay', join(SAMPLES, 'data', 'credit-risk', 'applications-2025-11.parquet'), '--deployment', 'local', '--feature-names', FEATURES.join(','), '--rate', '200', '--count', '1']);
    assert.equal(full.code, 0, full.err);
    assert.doesNotMatch(full.err, /warning/);
  });

  it('replays a snapshot without the label column when no feedback is asked (--for gives the feature order)', async () => {
    const rows = await readSnapshotRows(join(SAMPLES, 'data', 'credit-risk', 'applications-2025-11.parquet'), 'parquet', 5);
    const subset = join(dir, 'apps-subset.csv');
    await writeFile(subset, [FEATURES.join(','), ...rows.map((row) => FEATURES.map((f) => JSON.stringify(row[f] ?? '')).join(','))].join('\n') + '\n');
    const r = await run(SAMPLES, ['replay', subset, '--url', server.endpoint.url, '--model', 'credit-risk', '--for', 'models:/credit-risk@champion', '--rate', '200', '--count', '3']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /sent 3, answered 3, failed 0, feedback 0/);
    const feedback = await run(SAMPLES, ['replay', subset, '--url', server.endpoint.url, '--model', 'credit-risk', '--for', 'models:/credit-risk@champion', '--count', '1', '--feedback-share', '0.5']);
    assert.equal(feedback.code, 2, 'feedback asked: the label column is needed');
    assert.match(feedback.err, /apps-subset\.csv: The snapshot has no values in the label column "defaulted", so no feedback can be sent: .* \(--label-column COL, or --feedback-share 0\)/);
    // Without --for, a single 2-D input needs the column order: the error names the two flags that give it.
    const order = await run(SAMPLES, ['replay', subset, '--url', server.endpoint.url, '--model', 'credit-risk', '--count', '1']);
    assert.equal(order.code, 2);
    assert.match(order.err, /The snapshot's columns do not fit the model's inputs \(float_input: FP32 \[-1, 6\]\)\. Give the feature names .*\(--for <model version>, e\.g\. models:\/credit-risk@champion, reads them from the model; or --feature-names A,B,…\)/);
  });

  it('refuses bad replay arguments with the reason', async () => {
    const snapshot = join(SAMPLES, 'data', 'credit-risk', 'applications-2025-11.parquet');
    assert.match((await run(dir, ['replay', snapshot, '--deployment', 'local', '--shift', 'income^2'])).err, /is not a column shift/);
    assert.match((await run(dir, ['replay', snapshot, '--deployment', 'nope'])).err, /No deployment named "nope"/);
    assert.match((await run(dir, ['replay', snapshot])).err, /--deployment NAME, or --url and --model/);
    const noNames = await run(dir, ['replay', snapshot, '--deployment', 'local', '--count', '1']);
    assert.equal(noNames.code, 2);
    assert.match(noNames.err, /columns do not fit the model's inputs/);
    assert.match((await run(dir, ['replay', join(SAMPLES, 'mlship.yaml'), '--deployment', 'local'])).err, /is not a CSV, TSV, JSONL or Parquet file/);
  });

  it('prints each deployment against its budgets, worst first, and exits 1 on a breach', async () => {
    const r = await run(dir, ['status']);
    assert.equal(r.code, 1, r.err);
    const names = r.out.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(names, ['tight', 'gone', 'local']);
    assert.match(r.out, /tight +Breaching budget — p95 .* > 0\.00010 ms budget/);
    assert.match(r.out, /gone +Unreachable — Connection refused by 127\.0\.0\.1:\d+/);
    assert.match(r.out, /local +Healthy — p95 /);
    assert.match(r.out, /accuracy \d+ % \(feedback on/);
    const json = await run(dir, ['status', '--format', 'json', '--deployment', 'local']);
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.out) as { worst: string; deployments: { name: string; state: string; modelVersion: string; p95Ms: number }[] };
    assert.equal(parsed.worst, 'healthy');
    assert.equal(parsed.deployments[0]?.modelVersion, '2');
    assert.ok((parsed.deployments[0]?.p95Ms ?? 0) > 0);
    assert.equal((await run(dir, ['status', '--deployment', 'gone'])).code, 0, 'unreachable is not a breach by default');
    assert.equal((await run(dir, ['status', '--deployment', 'gone', '--fail-on', 'unreachable'])).code, 1);
    assert.equal((await run(dir, ['status', '--deployment', 'nobody'])).code, 2);
  });

  it('exits 2 on an invalid mlship.yaml, with the line', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'mlship-status-bad-'));
    try {
      await writeFile(join(bad, 'mlship.yaml'), 'version: 1\ndeployments:\n  - name: x\n    budgets: { latency_p95_ms: -1 }\n');
      const r = await run(bad, ['status']);
      assert.equal(r.code, 2);
      assert.match(r.err, /mlship\.yaml:4:\d+: error: .*latency_p95_ms' must be > 0/);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

describe('mlship status: drift of the logged inputs against the baseline', () => {
  let dir: string;
  const OCT = join(SAMPLES, 'data', 'credit-risk', 'applications-2025-10.parquet');
  const NOV = join(SAMPLES, 'data', 'credit-risk', 'applications-2025-11.parquet');

  /** A prediction log in the design.md format whose inputs are `rows`, logged over the last two minutes. */
  async function log(file: string, rows: Record<string, unknown>[]): Promise<void> {
    const now = Date.now();
    const lines = rows.map((r, i) => {
      const inputs = Object.fromEntries(['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed', 'region'].map((k) => [k, r[k] ?? null]));
      return JSON.stringify({ ts: new Date(now - 120_000 + i * 100).toISOString(), feature: 'credit-decision', model: 'credit-risk', model_version: '2', request_id: `${file}-${i}`, input_hash: '', inputs, output: { label: 0 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 3, variant: null });
    });
    await writeFile(join(dir, file), `${lines.join('\n')}\n`);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-status-drift-'));
    await log('november.jsonl', await readSnapshotRows(NOV, 'parquet', 600));
    await log('october.jsonl', (await readSnapshotRows(OCT, 'parquet', 1200)).slice(600));
    await log('few.jsonl', await readSnapshotRows(NOV, 'parquet', 100));
    await writeFile(
      join(dir, 'mlship.yaml'),
      `version: 1
drift:
  baselines: { credit-risk: "${OCT}" }
deployments:
  - name: drifted
    baseline: "${OCT}"
    predictions: { jsonl: november.jsonl }
    budgets: { drift_psi: 0.2 }
  - name: stable
    model: credit-risk@champion
    predictions: { jsonl: october.jsonl }
    budgets: { drift_psi: 0.2 }
  - name: few
    baseline: "${OCT}"
    predictions: { jsonl: few.jsonl }
    budgets: { drift_psi: 0.2 }
  - name: unbased
    predictions: { jsonl: october.jsonl }
`,
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('breaches drift_psi on the shifted inputs (exit 1), names the drifted features, and stays healthy on the baseline\'s own kind of data', async () => {
    const r = await run(dir, ['status']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /drifted +Breaching budget — drift \(psi\) of region \d\.\d{3} > 0\.200 budget/, 'region\'s new category moves its PSI most');
    assert.match(r.out, /drift region PSI \d\.\d{3} \/ 0\.2, drifted: debt_ratio, income, region/);
    assert.match(r.out, /stable +Healthy — .*drift \(psi\) of \w+ 0\.0\d\d within 0\.200 budget/, 'drift.baselines.credit-risk is its baseline');
    assert.match(r.out, /few +Healthy — .*\n.*drift: 100 of the 500 logged inputs needed \(last 60 min\)/);
    assert.match(r.out, /unbased .*\n.*drift: no baseline: set baseline: on the deployment, or drift\.baselines in mlship\.yaml/);
    const json = await run(dir, ['status', '--format', 'json', '--deployment', 'drifted,stable']);
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.out) as { deployments: DeploymentStatus[] };
    const drifted = parsed.deployments.find((d) => d.name === 'drifted');
    assert.equal(drifted?.drift?.statistic, 'psi');
    assert.equal(drifted?.drift?.feature, 'region');
    assert.deepEqual(drifted?.driftedFeatures, ['debt_ratio', 'income', 'region']);
    assert.equal(drifted?.checks.find((c) => c.budget === 'drift_psi')?.status, 'breach');
    assert.equal(parsed.deployments.find((d) => d.name === 'stable')?.state, 'healthy');
    assert.equal((await run(dir, ['status', '--deployment', 'stable'])).code, 0);
  });
});
