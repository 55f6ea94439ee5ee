// The local server's latency histogram is observed as plain numbers (FixedLabelsHistogram) and must read at /metrics
// exactly as prom-client's own Histogram reads for the same observations: the same text, bucket for bucket, sum and
// count to the last digit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS, METRIC } from '../../../src/core/deployments/metricNames';
import { createMetrics, FixedLabelsHistogram } from '../../../src/serve/metrics';
import { seeded } from '../deployments/seeded';

const HELP = 'Time to answer an inference request, from arrival to the end of the response.';

/** prom-client's Histogram as the server used it: labelled, zeroed, observed through a child. */
function reference(labels: Record<string, string>): { registry: Registry; observe(v: number): void } {
  const registry = new Registry();
  const h = new Histogram({ name: METRIC.latency, help: HELP, labelNames: Object.keys(labels), buckets: [...LATENCY_BUCKETS_SECONDS], registers: [registry] });
  h.zero(labels);
  const child = h.labels(labels);
  return { registry, observe: (v) => child.observe(v) };
}

describe('FixedLabelsHistogram', () => {
  it('reads as prom-client’s Histogram for the same observations, before and after any', async () => {
    const random = seeded(5);
    const labels = { model: 'credit "risk"\\\n', version: 'é2' };
    const ref = reference(labels);
    const registry = new Registry();
    const ours = new FixedLabelsHistogram(METRIC.latency, HELP, LATENCY_BUCKETS_SECONDS, labels, registry);
    assert.equal(await registry.metrics(), await ref.registry.metrics(), 'no observations');
    // Bounds exactly, just above them, zero, tiny, above the last bound, and many sums that round.
    const values = [0, 1e-9, 0.1 + 0.2, 10, 10.000001, 1e6, ...LATENCY_BUCKETS_SECONDS, ...LATENCY_BUCKETS_SECONDS.map((b) => b * (1 + Number.EPSILON))];
    for (let i = 0; i < 2000; i++) values.push(random() ** 3 * 0.05);
    for (const v of values) {
      ours.observeValue(v);
      ref.observe(v);
    }
    assert.equal(await registry.metrics(), await ref.registry.metrics());
    assert.deepEqual(await registry.getMetricsAsJSON().then((m) => m[0]?.values.map((x) => [x.labels, x.value])), await ref.registry.getMetricsAsJSON().then((m) => m[0]?.values.map((x) => [x.labels, x.value])));
  });

  it('refuses values that are not finite, as prom-client does, and keeps its counts', async () => {
    const registry = new Registry();
    const ours = new FixedLabelsHistogram('h', 'help', [1], { model: 'm' }, registry);
    ours.observeValue(0.5);
    for (const v of [Number.NaN, Infinity, -Infinity]) assert.throws(() => ours.observeValue(v), TypeError);
    assert.match(await registry.metrics(), /h_count\{model="m"\} 1\n/);
  });

  it('is the latency histogram of the server metrics, next to the counters', async () => {
    const metrics = createMetrics('m', '1');
    const ref = reference({ model: 'm', version: '1' });
    for (const v of [0.0004, 0.002, 0.0021]) {
      metrics.observeLatency(v);
      ref.observe(v);
    }
    const text = await metrics.metrics();
    const refText = await ref.registry.metrics();
    assert.ok(text.startsWith(refText.trimEnd()), text);
  });
});
