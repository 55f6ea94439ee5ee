// The Prometheus connector: the text exposition parser, histogram_quantile semantics and counter resets on known
// inputs, then against a real Prometheus scraping the local server — our quantiles over its raw bucket rates must
// equal its own histogram_quantile, and its error bodies come through.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeploymentMonitor } from '../../../src/core/deployments/monitor';
import {
  counterIncrease,
  ExpositionError,
  histogramIncrease,
  histogramQuantile,
  histogramSeries,
  parseExposition,
  PrometheusApiClient,
  PrometheusApiError,
  type Bucket,
} from '../../../src/core/deployments/prometheus';
import { startModelServer, type RunningServer } from '../../../src/serve/server';
import { startPrometheus, type PrometheusServer } from './prometheusServer';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('Prometheus text exposition', () => {
  it('parses families, types, help, escaped labels, special values and timestamps', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      '# A normal comment.',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'nan_metric NaN',
      '# TYPE rpc_duration_seconds histogram',
      'rpc_duration_seconds_bucket{le="0.05"} 24054',
      'rpc_duration_seconds_bucket{le="+Inf"} 144320',
      'rpc_duration_seconds_sum 53423',
      'rpc_duration_seconds_count 144320',
    ].join('\n');
    const f = parseExposition(text);
    assert.equal(f.get('http_requests_total')?.type, 'counter');
    assert.equal(f.get('http_requests_total')?.help, 'The total number of HTTP requests.');
    assert.deepEqual(f.get('http_requests_total')?.samples[1], { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 });
    assert.deepEqual(f.get('msdos_file_access_time_seconds')?.samples[0]?.labels, { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    assert.equal(f.get('something_weird')?.samples[0]?.value, Infinity);
    assert.ok(Number.isNaN(f.get('nan_metric')?.samples[0]?.value));
    const h = f.get('rpc_duration_seconds');
    assert.equal(h?.type, 'histogram');
    assert.equal(h?.samples.length, 4);
    const [series] = histogramSeries(h);
    assert.deepEqual(series?.buckets, [{ le: 0.05, count: 24054 }, { le: Infinity, count: 144320 }]);
    assert.equal(series?.count, 144320);
  });

  it('rejects what is not the text format with the line number', () => {
    const bad: [string, number, RegExp][] = [
      ['<!doctype html><html>', 1, /expected a metric name/],
      ['{"status":"success"}', 1, /expected a metric name/],
      ['ok 1\nhalf_written_metric{le="0.1"', 2, /not closed|expected/],
      ['a 1\nb 2\nc twelve', 3, /"twelve" is not a number/],
      ['# TYPE x flavour', 1, /unknown metric type/],
      ['x{a=b} 1', 1, /must be quoted/],
    ];
    for (const [text, line, message] of bad) {
      assert.throws(() => parseExposition(text), (err: Error) => err instanceof ExpositionError && err.line === line && message.test(err.message), text);
    }
  });
});

describe('histogram_quantile semantics', () => {
  const b = (pairs: [number, number][]): Bucket[] => pairs.map(([le, count]) => ({ le, count }));

  it('interpolates linearly inside the bucket the rank falls in', () => {
    // 100 observations: 50 ≤ 0.1, 90 ≤ 0.5, 100 ≤ 1.
    const buckets = b([[0.1, 50], [0.5, 90], [1, 100], [Infinity, 100]]);
    assert.equal(histogramQuantile(0.5, buckets), 0.1);
    assert.ok(Math.abs(histogramQuantile(0.7, buckets) - (0.1 + 0.4 * (20 / 40))) < 1e-12);
    assert.ok(Math.abs(histogramQuantile(0.95, buckets) - (0.5 + 0.5 * (5 / 10))) < 1e-12);
    assert.equal(histogramQuantile(0.25, buckets), 0.05); // from 0 inside the first bucket
    assert.equal(histogramQuantile(0, buckets), 0);
    assert.equal(histogramQuantile(1, buckets), 1);
  });

  it('returns the second-highest bound when the rank falls in +Inf, and the bound of a first bucket ≤ 0', () => {
    assert.equal(histogramQuantile(0.99, b([[1, 10], [2, 20], [Infinity, 100]])), 2);
    assert.equal(histogramQuantile(0.1, b([[-1, 50], [0, 60], [Infinity, 100]])), -1);
  });

  it('follows Prometheus on the special cases', () => {
    assert.equal(histogramQuantile(-0.1, b([[1, 1], [Infinity, 1]])), -Infinity);
    assert.equal(histogramQuantile(1.1, b([[1, 1], [Infinity, 1]])), Infinity);
    assert.ok(Number.isNaN(histogramQuantile(Number.NaN, b([[1, 1], [Infinity, 1]]))));
    assert.ok(Number.isNaN(histogramQuantile(0.5, b([[Infinity, 10]]))), 'fewer than two buckets');
    assert.ok(Number.isNaN(histogramQuantile(0.5, b([[1, 10], [2, 10]]))), 'no +Inf bucket');
    assert.ok(Number.isNaN(histogramQuantile(0.5, b([[1, 0], [Infinity, 0]]))), 'no observations');
    assert.ok(Number.isNaN(histogramQuantile(0.5, [])));
  });

  it('sorts and merges buckets, and forces counts monotonic', () => {
    const unsorted = b([[Infinity, 100], [1, 100], [0.5, 90], [0.1, 50]]);
    assert.ok(Math.abs(histogramQuantile(0.95, unsorted) - 0.75) < 1e-12);
    // Duplicate bounds (two series summed) and a dip (scrape skew) are handled as Prometheus does.
    assert.equal(histogramQuantile(0.5, b([[0.1, 25], [0.1, 25], [0.5, 90], [Infinity, 100]])), 0.1);
    assert.equal(histogramQuantile(0.5, b([[0.1, 60], [0.5, 55], [Infinity, 100]])), histogramQuantile(0.5, b([[0.1, 60], [0.5, 60], [Infinity, 100]])));
  });

  it('treats a counter that went down as reset', () => {
    assert.equal(counterIncrease(undefined, 5), 0);
    assert.equal(counterIncrease(10, 15), 5);
    assert.equal(counterIncrease(100, 7), 7);
    const before = b([[0.1, 40], [Infinity, 50]]);
    assert.deepEqual(histogramIncrease(before, b([[0.1, 45], [Infinity, 60]])), b([[0.1, 5], [Infinity, 10]]));
    assert.deepEqual(histogramIncrease(before, b([[0.1, 3], [Infinity, 4]])), b([[0.1, 3], [Infinity, 4]]), 'restart: all is new');
  });
});

describe('a real Prometheus scraping the local server', () => {
  let server: RunningServer;
  let prometheus: PrometheusServer;

  before(async () => {
    server = await startModelServer({ modelPath: join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx'), modelName: 'credit-risk', modelVersion: '2' });
    prometheus = await startPrometheus([`127.0.0.1:${server.endpoint.port}`]);
    // Traffic for ~5 s with varied batch sizes (so latencies spread over several buckets), while Prometheus scrapes.
    const until = Date.now() + 5000;
    let i = 0;
    while (Date.now() < until) {
      const rows = 1 + (i++ % 200);
      const res = await fetch(`${server.endpoint.url}/v2/models/credit-risk/infer`, {
        method: 'POST',
        body: JSON.stringify({ inputs: [{ name: 'float_input', shape: [rows, 6], datatype: 'FP32', data: new Array(rows * 6).fill(1) }] }),
      });
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 5));
    }
  });

  after(async () => {
    await prometheus?.close();
    await server?.close();
  });

  it('computes the same quantiles from the raw bucket rates as Prometheus does with histogram_quantile', async () => {
    const client = new PrometheusApiClient(prometheus.url, { timeoutMs: 5000 });
    const end = Math.floor(Date.now() / 1000);
    const range = { start: end - 4, end, step: 1 };
    for (const q of [0.5, 0.95, 0.99]) {
      const theirs = await client.queryRange({ query: `histogram_quantile(${q}, sum by (le) (rate(mlship_inference_request_duration_seconds_bucket[10s])))`, ...range });
      const raw = await client.queryRange({ query: 'sum by (le) (rate(mlship_inference_request_duration_seconds_bucket[10s]))', ...range });
      assert.equal(theirs.length, 1);
      const points = theirs[0]?.points ?? [];
      assert.ok(points.length >= 3, `${points.length} points`);
      let compared = 0;
      for (const [t, value] of points) {
        const buckets = raw.flatMap((s) => {
          const p = s.points.find(([pt]) => pt === t);
          return p ? [{ le: s.metric.le === '+Inf' ? Infinity : Number(s.metric.le), count: p[1] }] : [];
        });
        const ours = histogramQuantile(q, buckets);
        if (Number.isNaN(value)) assert.ok(Number.isNaN(ours));
        else assert.ok(Math.abs(ours - value) <= 1e-9 * Math.max(1, Math.abs(value)), `q=${q} t=${t}: ours ${ours} vs Prometheus ${value}`);
        compared++;
      }
      assert.ok(compared >= 3);
    }
  });

  it('surfaces the API error body of a bad query', async () => {
    const client = new PrometheusApiClient(prometheus.url);
    await assert.rejects(client.queryRange({ query: 'sum(rate(', start: 1, end: 2, step: 1 }), (err: Error) => {
      assert.ok(err instanceof PrometheusApiError);
      assert.equal(err.errorType, 'bad_data');
      assert.equal(err.status, 400);
      assert.match(err.message, /parse error/);
      return true;
    });
    await assert.rejects(client.queryRange({ query: 'up', start: 10, end: 1, step: 1 }), (err: Error) => err instanceof PrometheusApiError && /end timestamp must not be before start/.test(err.message));
  });

  it('a deployment read through Prometheus gets its p95, throughput and a dashboard series', async () => {
    const m = new DeploymentMonitor({ name: 'via-prometheus', metrics: { prometheus: prometheus.url, selector: '{job="mlship"}' }, budgets: { latency_p95_ms: 1000 } }, { root: '/', statusWindowMs: 10_000 });
    const s = await m.poll();
    assert.ok(s.p95Ms !== null && s.p95Ms > 0 && s.p95Ms < 1000, `p95 ${s.p95Ms}`);
    assert.ok((s.throughput ?? 0) > 0);
    assert.equal(s.errorRate, 0);
    assert.equal(s.state, 'healthy', s.reason);
    const end = Date.now();
    const d = await m.dashboard({ start: end - 8000, end, stepMs: 1000 });
    assert.equal(d.latency.source, 'prometheus');
    assert.ok(d.latency.p95.filter((v) => v !== null).length >= 3);
    const wrong = new DeploymentMonitor({ name: 'wrong-selector', metrics: { prometheus: prometheus.url, selector: '{job=~"("}' } }, { root: '/' });
    const ws = await wrong.poll();
    assert.equal(ws.state, 'degraded');
    assert.match(ws.reason, /Prometheus: Prometheus rejected the query \(bad_data/);
  });
});
