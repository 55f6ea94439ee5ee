// A deployment watched end to end against the real local server on loopback: health and model version over OIP,
// p95 and throughput from /metrics, the prediction and feedback logs it writes, budgets breached with the reason,
// active probes with rows of the baseline snapshot, and the auth token sent but never shown.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DeploymentConfig } from '../../../src/core/config/manifest';
import { inProcessScorer, openLiveDrift, type LiveDrift } from '../../../src/core/deployments/liveDrift';
import { DeploymentMonitor, withSelector } from '../../../src/core/deployments/monitor';
import { OipClient, requestFromRows } from '../../../src/core/deployments/oip';
import type { RunningServer } from '../../../src/serve/server';
import { eventually, startCreditServer } from './localServer';

const ROOT = resolve(__dirname, '..', '..', '..');
const FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];
const BASELINE = join(ROOT, 'samples', 'data', 'credit-risk', 'applications-2025-10.parquet');

describe('DeploymentMonitor on the local server', () => {
  let dir: string;
  let server: RunningServer;
  let config: DeploymentConfig;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-'));
    server = await startCreditServer(dir);
    config = {
      name: 'credit-risk-local',
      model: 'credit-risk@champion',
      baseline: BASELINE,
      inference: { url: server.endpoint.url, model: 'credit-risk' },
      metrics: { scrape: server.endpoint.metricsUrl },
      predictions: { jsonl: 'predictions.jsonl' },
      feedback: { jsonl: 'feedback.jsonl' },
      budgets: { latency_p95_ms: 1000, fallback_rate: 0.05 },
    };
  });

  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function traffic(n: number): Promise<string[]> {
    const client = new OipClient({ url: server.endpoint.url, model: 'credit-risk' });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `t-${Date.now()}-${i}`;
      await client.infer({ id, inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [20 + i, 30000 + 1000 * i, 0.3, 2, i % 3, 12] }] });
      ids.push(id);
    }
    return ids;
  }

  it('is healthy with the model version before any traffic, and says there is none', async () => {
    const m = new DeploymentMonitor(config, { root: dir });
    const s = await m.poll();
    assert.equal(s.state, 'healthy', s.reason);
    assert.equal(s.modelVersion, '2');
    assert.equal(s.p95Ms, null);
    assert.match(s.reason, /no traffic measured yet|no data/);
    assert.equal(s.driftNote, 'no baseline to compare with');
    await m.close();
  });

  it('measures p95, throughput, confidence and accuracy from feedback as traffic flows', async () => {
    const m = new DeploymentMonitor(config, { root: dir });
    await m.poll();
    const ids = await traffic(40);
    const client = new OipClient({ url: server.endpoint.url, model: 'credit-risk' });
    for (const id of ids.slice(0, 10)) await client.feedback({ request_id: id, label: 0 });
    const s = await eventually(async () => {
      const polled = await m.poll();
      return polled.quality !== null && polled.p95Ms !== null && m.collected.predictions >= 40 ? polled : undefined;
    }, 'the 40 predictions and their feedback in the logs');
    assert.equal(s.state, 'healthy', s.reason);
    assert.ok(s.p95Ms !== null && s.p95Ms > 0 && s.p95Ms < 1000, `p95 ${s.p95Ms}`);
    assert.ok((s.throughput ?? 0) > 0);
    assert.equal(s.errorRate, 0);
    assert.equal(s.fallbackRate, 0);
    assert.ok(s.lowConfidenceShare !== null);
    assert.equal(s.quality?.metric, 'accuracy');
    assert.ok(s.quality?.coverage !== null && s.quality !== null && s.quality.coverage > 0 && s.quality.coverage <= 0.25);
    assert.match(s.reason, /p95 .* within 1\.00 s budget/);
    const end = Date.now() + 1;
    const d = await m.dashboard({ start: end - 60_000, end, stepMs: 5000 });
    assert.equal(d.latency.source, 'metrics');
    assert.ok(d.latency.p95.some((v) => v !== null));
    assert.equal(d.predictions.kind, 'labels');
    assert.ok(d.quality.withFeedback.reduce((a, b) => a + b, 0) >= 10);
    assert.deepEqual(m.collected.feedback >= 10, true);
    await m.close();
  });

  it('is Breaching budget with the reason when p95 is over its budget', async () => {
    const m = new DeploymentMonitor({ ...config, budgets: { latency_p95_ms: 0.0001 } }, { root: dir });
    await m.poll();
    await traffic(5);
    const s = await m.poll();
    assert.equal(s.state, 'breaching');
    assert.match(s.reason, /^p95 .* > 0\.00010 ms budget$/);
    await m.close();
  });

  it('computes the fallback rate from the log and breaches its budget', async () => {
    const log = join(dir, 'feature.jsonl');
    const now = Date.now();
    const line = (i: number, path: string) => JSON.stringify({ ts: new Date(now - 1000 + i).toISOString(), feature: 'credit-decision', model: 'credit-risk', model_version: '2', request_id: `f${i}`, input_hash: '', output: path === 'model' ? { label: 0 } : null, confidence: path === 'model' ? 0.9 : null, path, reason: path === 'model' ? null : 'timeout', latency_ms: 4, variant: 'on' });
    await writeFile(log, Array.from({ length: 18 }, (_, i) => line(i, 'model')).join('\n') + '\n');
    const m = new DeploymentMonitor({ name: 'feature', predictions: { jsonl: log }, budgets: { fallback_rate: 0.05, latency_p95_ms: 50 } }, { root: dir });
    let s = await m.poll();
    assert.equal(s.state, 'healthy', s.reason);
    assert.ok(s.p95Ms !== null, 'latency from the log when there are no metrics');
    await appendFile(log, `${line(18, 'fallback')}\n${line(19, 'abstain')}\n`);
    s = await m.poll();
    assert.equal(s.fallbackRate, 0.1);
    assert.equal(s.state, 'breaching');
    assert.equal(s.reason, 'fallback rate 10 % > 5.0 % budget');
    await m.close();
  });

  it('measures fallback, errors and latency on the requests that asked the model, not on those the flag kept from it', async () => {
    const log = join(dir, 'rollout.jsonl');
    const now = Date.now();
    // A feature at a 5 % rollout: 95 requests answered by the fallback because the flag is off (fast), 5 by the model.
    const line = (i: number, path: string, reason: string | null, ms: number) => JSON.stringify({ ts: new Date(now - 1000 + i).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${i}`, input_hash: '', output: { label: 0 }, confidence: path === 'model' ? 0.9 : null, path, reason, latency_ms: ms, variant: reason === 'flag_off' ? 'off' : 'on' });
    const lines = Array.from({ length: 100 }, (_, i) => (i % 20 === 0 ? line(i, 'model', null, 30 + i / 10) : line(i, 'fallback', 'flag_off', 0.2)));
    await writeFile(log, lines.join('\n') + '\n');
    const m = new DeploymentMonitor({ name: 'rollout', predictions: { jsonl: log }, budgets: { fallback_rate: 0.1, latency_p95_ms: 50 } }, { root: dir, now: () => now });
    let s = await m.poll();
    assert.equal(s.state, 'healthy', s.reason);
    assert.equal(s.fallbackRate, 0);
    assert.equal(s.errorRate, 0);
    assert.ok(s.p95Ms !== null && s.p95Ms >= 30, `p95 of the model path, not of the flag-off answers (${s.p95Ms})`);
    assert.ok((s.throughput ?? 0) > 0, 'flag-off requests are still traffic');
    // One of the six requests that asked the model fails: that is the fallback rate, 1 in 6.
    await appendFile(log, `${line(100, 'fallback', 'error', 50)}\n`);
    s = await m.poll();
    assert.equal(s.fallbackRate, 1 / 6);
    assert.equal(s.errorRate, 1 / 6);
    assert.equal(s.state, 'breaching');
    await m.close();
  });

  it('takes the version it serves from the model\'s answers in the log, not from the fallback\'s', async () => {
    const log = join(dir, 'versions.jsonl');
    const now = Date.now();
    // A scaffolded feature with the previous-version fallback: version 1 answers for the flag's "off" share and when
    // version 2 fails; DEFAULT_ANSWER (no model version) when version 1 cannot either.
    const line = (i: number, path: string, version: string | null) => JSON.stringify({ ts: new Date(now - 1000 + i).toISOString(), feature: 'f', model: 'm', model_version: version, request_id: `v${i}`, input_hash: '', output: { label: 0 }, confidence: null, path, reason: path === 'model' ? null : 'flag_off', latency_ms: 1, variant: 'off' });
    await writeFile(log, `${line(0, 'fallback', '1')}\n${line(1, 'fallback', null)}\n`);
    const m = new DeploymentMonitor({ name: 'versions', predictions: { jsonl: log } }, { root: dir, now: () => now });
    let s = await m.poll();
    assert.equal(s.modelVersion, undefined, 'no answer of the model yet');
    await appendFile(log, `${line(2, 'model', '2')}\n${line(3, 'fallback', '1')}\n${line(4, 'fallback', null)}\n`);
    s = await m.poll();
    assert.equal(s.modelVersion, '2');
    await m.close();
  });

  it('reads a log that does not exist yet as Unknown, not as a fault, until it has been seen', async () => {
    const log = join(dir, 'later.jsonl');
    let now = Date.now();
    const line = (i: number) => JSON.stringify({ ts: new Date(now - 1000 + i).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `l${i}`, input_hash: '', output: { label: 0 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 4, variant: 'on' });
    const m = new DeploymentMonitor({ name: 'later', predictions: { jsonl: log }, budgets: { latency_p95_ms: 50 } }, { root: dir, now: () => now });
    let s = await m.poll();
    assert.equal(s.state, 'unknown');
    assert.equal(s.reason, `no predictions logged yet (${log} does not exist yet)`);
    await writeFile(log, `${line(0)}\n${line(1)}\n`);
    s = await m.poll();
    assert.equal(s.state, 'healthy', s.reason);
    // Nothing logged for longer than the status window: nothing measured, so not Healthy either.
    now += 10 * 60_000;
    s = await m.poll();
    assert.equal(s.state, 'unknown');
    assert.equal(s.reason, 'no predictions logged in the last 5 min');
    await m.close();
  });

  it('compares the logged inputs of the status window with the baseline: PSI against drift_psi, the drifted features, the series', async () => {
    const opened: LiveDrift[] = [];
    const scorer = inProcessScorer(async () => {
      const { live } = await openLiveDrift(BASELINE);
      opened.push(live);
      return live;
    });
    const settings = { scorer, reason: 'baseline: of the deployment', mode: 'evidently' as const };
    const few = new DeploymentMonitor({ ...config, budgets: { drift_psi: 0.2 } }, { root: dir, drift: { ...settings, minRecords: 100_000 } });
    await few.poll();
    assert.match(few.status.driftNote ?? '', /^\d+ of the 100000 logged inputs needed \(last 60 min\)$/);
    assert.equal(few.status.drift, null);
    await few.close();
    const m = new DeploymentMonitor({ ...config, budgets: { drift_psi: 0.2 } }, { root: dir, drift: { ...settings, minRecords: 30 } });
    await m.poll();
    const earlier = m.collected.predictions;
    await traffic(40);
    const s = await eventually(async () => {
      const polled = await m.poll();
      return polled.drift && m.collected.predictions >= earlier + 40 ? polled : undefined;
    }, 'drift scored on the logged inputs');
    assert.equal(opened.length, 1, 'the baseline is profiled once');
    // The same numbers as the engine on the same rows: the highest per-feature PSI, and the features it flags.
    const logged = (await readFile(join(dir, 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { inputs: Record<string, unknown> }).inputs);
    assert.equal(logged.length, m.collected.predictions);
    const direct = (opened[0] as LiveDrift).score(logged);
    assert.ok(direct);
    const top = [...direct.features].filter((f) => f.psi !== null).sort((a, b) => (b.psi as number) - (a.psi as number))[0];
    assert.ok(top);
    assert.equal(s.drift?.feature, top.feature);
    assert.ok(Math.abs((s.drift?.score ?? 0) - (top.psi as number)) < 1e-12);
    assert.equal(s.drift?.statistic, 'psi');
    assert.deepEqual(s.driftedFeatures, direct.features.filter((f) => f.drifted).map((f) => f.feature));
    assert.ok((s.driftedFeatures ?? []).includes('income'), 'income 30k–69k in the traffic drifts');
    assert.equal(s.state, 'breaching');
    assert.match(s.reason, new RegExp(`drift \\(psi\\) of ${top.feature} \\d\\.\\d{3} > 0\\.200 budget`));
    const end = Date.now() + 1;
    const d = await m.dashboard({ start: end - 60_000, end, stepMs: 5000 });
    assert.ok(d.drift, d.driftNote);
    assert.equal(d.drift.baseline.reason, 'baseline: of the deployment');
    assert.equal(d.drift.windowRecords, logged.length);
    assert.equal(d.drift.features[0]?.window?.status, 'drift');
    assert.ok(d.drift.features.every((f) => f.scores.length === d.drift?.timestamps.length));
    assert.ok(d.drift.histograms.length > 0 && d.drift.histograms.length <= 4);
    assert.equal(opened.length, 1, 'still profiled once');
    await m.close();
  });

  it('says why there is no drift without a baseline', async () => {
    const m = new DeploymentMonitor(config, { root: dir, driftUnavailable: 'no baseline: set baseline: on the deployment' });
    const s = await m.poll();
    assert.equal(s.drift, null);
    assert.equal(s.driftNote, 'no baseline: set baseline: on the deployment');
    const end = Date.now();
    const d = await m.dashboard({ start: end - 60_000, end, stepMs: 5000 });
    assert.equal(d.drift, undefined);
    assert.equal(d.driftNote, 'no baseline: set baseline: on the deployment');
    await m.close();
  });

  it('probes with rows of the baseline snapshot, and explains rows that do not fit', async () => {
    const m = new DeploymentMonitor(config, { root: dir, featureNames: FEATURES });
    const ok = await m.probe(8);
    assert.equal(ok.ok, true, ok.error);
    assert.equal(ok.rows, 8);
    const bare = new DeploymentMonitor(config, { root: dir });
    const noNames = await bare.probe(4);
    await bare.close();
    assert.equal(noNames.ok, false);
    assert.match(noNames.error ?? '', /columns do not fit the model's inputs \(float_input: FP32 \[-1, 6\]\)/);
    const without = new DeploymentMonitor({ ...config, baseline: undefined }, { root: dir });
    const noBaseline = await without.probe();
    await without.close();
    assert.match(noBaseline.error ?? '', /no baseline snapshot/);
    // A baseline found by the drift rule (the served version's lineage here), not the deployment's own baseline:.
    const fromLineage = new DeploymentMonitor({ ...config, baseline: undefined }, { root: dir, featureNames: FEATURES, probeSnapshot: BASELINE });
    const lineageProbe = await fromLineage.probe(4);
    await fromLineage.close();
    assert.equal(lineageProbe.ok, true, lineageProbe.error);
    assert.equal(lineageProbe.rows, 4);
    assert.throws(() => requestFromRows({ inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 6] }] }, []), /no rows/);
    await m.close();
  });

  it('sends the auth token as a Bearer header and never puts it in a reason', async () => {
    const seen: (string | undefined)[] = [];
    const guarded = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error":"bad token"}');
    });
    await new Promise<void>((r) => guarded.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(guarded.address() as AddressInfo).port}`;
      const m = new DeploymentMonitor({ name: 'guarded', metrics: { scrape: `${url}/metrics` } }, { root: dir, token: () => Promise.resolve('s3cret-token') });
      const s = await m.poll();
      assert.equal(seen[0], 'Bearer s3cret-token');
      assert.equal(s.state, 'unreachable');
      assert.match(s.reason, /HTTP 401: bad token/);
      assert.ok(!JSON.stringify(s).includes('s3cret'));
    } finally {
      guarded.close();
    }
  });

  it('asks whether the server is live only when the model does not answer ready', async () => {
    let answers = { modelReady: 200, live: 200 };
    const asked: string[] = [];
    const oip = createServer((req, res) => {
      const path = req.url ?? '';
      asked.push(path);
      const status = path === '/v2/models/m/ready' ? answers.modelReady : path === '/v2/health/live' ? answers.live : path === '/v2/models/m' ? 200 : 404;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(path === '/v2/models/m' ? '{"name":"m","versions":["7"],"platform":"onnx","inputs":[],"outputs":[]}' : '{}');
    });
    await new Promise<void>((r) => oip.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(oip.address() as AddressInfo).port}`;
      const m = new DeploymentMonitor({ name: 'oip', inference: { url, model: 'm' } }, { root: dir });
      // Ready: one health request (and the model metadata on the first poll).
      let s = await m.poll();
      assert.deepEqual(asked, ['/v2/models/m/ready', '/v2/models/m']);
      assert.equal(s.state, 'healthy', s.reason);
      assert.equal(s.modelVersion, '7');
      asked.length = 0;
      await m.poll();
      assert.deepEqual(asked, ['/v2/models/m/ready']);
      // Not ready, server live: Degraded.
      answers = { modelReady: 503, live: 200 };
      asked.length = 0;
      s = await m.poll();
      assert.deepEqual(asked, ['/v2/models/m/ready', '/v2/health/live']);
      assert.equal(s.state, 'degraded');
      assert.equal(s.reason, 'the model is not ready');
      // Neither: Unreachable, the server says it is not live.
      answers = { modelReady: 503, live: 503 };
      s = await m.poll();
      assert.equal(s.state, 'unreachable');
      assert.equal(s.reason, `${url} answers but says it is not live`);
      await m.close();
    } finally {
      oip.close();
    }
  });

  it('builds PromQL selectors', () => {
    assert.equal(withSelector('m', undefined), 'm');
    assert.equal(withSelector('m', '{job="x"}'), 'm{job="x"}');
    assert.equal(withSelector('m', '{job="x"}', 'code=~"5.."'), 'm{job="x",code=~"5.."}');
    assert.equal(withSelector('m', '', 'a="b"'), 'm{a="b"}');
  });
});

describe('DeploymentMonitor on a local server whose model answers NaN', () => {
  let dir: string;
  let server: RunningServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-nan-'));
    server = await startCreditServer(dir);
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts the requests whose scores came back NaN as errors: the error rate from /metrics and from the log, Degraded', async () => {
    const withMetrics = new DeploymentMonitor({ name: 'scraped', inference: { url: server.endpoint.url, model: 'credit-risk' }, metrics: { scrape: server.endpoint.metricsUrl }, predictions: { jsonl: 'predictions.jsonl' }, budgets: { latency_p95_ms: 1000 } }, { root: dir });
    const logOnly = new DeploymentMonitor({ name: 'logged', predictions: { jsonl: 'predictions.jsonl' }, budgets: { latency_p95_ms: 1000 } }, { root: dir });
    await withMetrics.poll();
    await logOnly.poll();
    const client = new OipClient({ url: server.endpoint.url, model: 'credit-risk' });
    const failures: string[] = [];
    // 18 answers, and two rows sent with a missing income (NaN): the model scores them NaN.
    for (let i = 0; i < 20; i++) {
      const income = i % 10 === 3 ? 'NaN' : 30000 + 1000 * i;
      await client.infer({ id: `n-${i}`, inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [20 + i, income, 0.3, 2, i % 3, 12] }] }).catch((err: unknown) => failures.push(String(err)));
    }
    assert.equal(failures.length, 2);
    assert.match(failures[0] ?? '', /income is NaN/);
    const scraped = await eventually(async () => {
      const polled = await withMetrics.poll();
      return withMetrics.collected.predictions >= 20 ? polled : undefined;
    }, 'the 20 records in the log');
    assert.equal(scraped.errorRate, 2 / 20, 'from /metrics: 2 of 20 requests failed');
    assert.equal(scraped.fallbackRate, 2 / 20, 'from the log: 2 of 20 rows got no answer from the model');
    assert.equal(scraped.state, 'degraded', scraped.reason);
    assert.match(scraped.reason, /^errors on 10 % of requests$/);
    const logged = await logOnly.poll();
    assert.equal(logged.errorRate, 2 / 20, 'from the log: 2 of 20 records are errors');
    assert.equal(logged.state, 'degraded', logged.reason);
    const end = Date.now() + 1;
    for (const m of [withMetrics, logOnly]) {
      const d = await m.dashboard({ start: end - 60_000, end, stepMs: 5000 });
      assert.ok(d.errorRate.some((v) => v !== null && v > 0), 'the dashboard\'s error rate shows them');
      assert.equal(d.windowSummary.fallbackRate, 2 / 20);
    }
    await withMetrics.close();
    await logOnly.close();
  });
});

describe('DeploymentMonitor current throughput', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'mlship-throughput-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('from /metrics: the last minute of scrapes, 0 a minute after traffic stops while the 5 min window still has it', async () => {
    let total = 0;
    const metrics = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(
        [
          '# TYPE mlship_inference_request_duration_seconds histogram',
          `mlship_inference_request_duration_seconds_bucket{le="0.01"} ${total}`,
          `mlship_inference_request_duration_seconds_bucket{le="+Inf"} ${total}`,
          `mlship_inference_request_duration_seconds_sum ${total * 0.005}`,
          `mlship_inference_request_duration_seconds_count ${total}`,
          '# TYPE mlship_inference_requests_total counter',
          `mlship_inference_requests_total{code="200"} ${total}`,
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((r) => metrics.listen(0, '127.0.0.1', r));
    try {
      let now = Date.parse('2026-01-05T10:00:00Z');
      const scrape = `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`;
      const m = new DeploymentMonitor({ name: 'scraped', metrics: { scrape } }, { root: dir, now: () => now });
      // Two minutes at 12 req/s, polled every 10 s.
      let s = await m.poll();
      for (let k = 0; k < 12; k++) {
        total += 120;
        now += 10_000;
        s = await m.poll();
      }
      assert.equal(s.throughput, 12);
      // Traffic stops: a minute later the status window still holds two minutes of it, the current throughput none.
      for (let k = 0; k < 6; k++) {
        now += 10_000;
        s = await m.poll();
      }
      assert.ok(s.p95Ms !== null, 'the status window still has the requests');
      assert.equal(s.throughput, 0);
      await m.close();
    } finally {
      metrics.close();
    }
  });

  it('from the prediction log: the records of the last minute, 0 a minute after the last one', async () => {
    const T = Date.parse('2026-01-05T10:00:00Z');
    const lines: string[] = [];
    // 12 req/s for two minutes.
    for (let i = 0; i < 12 * 120; i++) {
      const t = T + Math.floor(i / 12) * 1000 + (i % 12) * 80 + 40;
      lines.push(JSON.stringify({ ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${i}`, input_hash: '', inputs: {}, output: { label: 1 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 4, variant: null }));
    }
    await writeFile(join(dir, 'p.jsonl'), `${lines.join('\n')}\n`);
    let now = T + 120_000;
    const m = new DeploymentMonitor({ name: 'logged', predictions: { jsonl: 'p.jsonl' } }, { root: dir, now: () => now });
    let s = await m.poll();
    assert.equal(s.throughput, 12);
    now += 61_000;
    s = await m.poll();
    assert.equal(s.p95Ms, 4, 'the status window still has the records');
    assert.equal(s.throughput, 0);
    await m.close();
  });
});
