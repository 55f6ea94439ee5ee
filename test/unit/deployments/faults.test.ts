// Acceptance 1: connectors against servers that fail in every way a network can — refused, slow beyond the
// timeout, HTTP 500, a garbage body, truncated JSON, a huge body, a connection closed mid-response — end in the right
// state with a reason, back off and retry, leave gaps in the series, and never leak an unhandled rejection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectorError, DEFAULT_TIMEOUT_MS, errorDetail, httpGet } from '../../../src/core/deployments/http';
import { DeploymentMonitor } from '../../../src/core/deployments/monitor';
import { OipClient } from '../../../src/core/deployments/oip';
import { ExpositionError } from '../../../src/core/deployments/prometheus';
import { scrapeMetrics } from '../../../src/core/deployments/scrape';
import { PollScheduler } from '../../../src/core/deployments/scheduler';
import { refusedUrl, startFaultServer, type Fault, type FaultServer } from './faultServers';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

describe('connectors against fault servers', () => {
  const servers = new Map<Fault, FaultServer>();
  let refused: string;

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    for (const f of ['slow', 'http500', 'garbage', 'truncated-json', 'huge', 'huge-declared', 'close-mid-response', 'html'] as const) servers.set(f, await startFaultServer(f));
    refused = await refusedUrl();
  });

  after(async () => {
    for (const s of servers.values()) await s.close();
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  const url = (f: Fault): string => (servers.get(f) as FaultServer).url;

  // A deadline is short only where it is what a case checks (the slow server): elsewhere a short one would race the
  // exchange on a loaded machine, and the case would end in a timeout instead of its own failure.
  it('classifies each failure of a plain HTTP call', async () => {
    const kind = async (u: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> => {
      try {
        await httpGet(`${u}/v2/health/live`, { timeoutMs, maxBytes: 64 * 1024 });
        return 'ok';
      } catch (err) {
        assert.ok(err instanceof ConnectorError, String(err));
        return err.kind;
      }
    };
    assert.equal(await kind(refused), 'refused');
    assert.equal(await kind(url('slow'), 300), 'timeout');
    assert.equal(await kind(url('http500')), 'http');
    assert.equal(await kind(url('huge')), 'too-large');
    assert.equal(await kind(url('huge-declared')), 'too-large');
    assert.equal(await kind(url('close-mid-response')), 'closed');
    // A garbage or truncated body is a successful HTTP exchange; it is the reader that rejects it.
    assert.equal(await kind(url('garbage')), 'ok');
  });

  it('an error body that ends its sentence does not give the message two full stops', () => {
    assert.equal(errorDetail('{"error": "Send finite values or leave such rows out."}'), ': Send finite values or leave such rows out');
    assert.equal(errorDetail('model exploded.\n'), ': model exploded');
    assert.equal(errorDetail('{"error": "no model"}'), ': no model');
    assert.equal(errorDetail('  '), '');
  });

  it('says what went wrong in words, with the HTTP error body', async () => {
    await assert.rejects(httpGet(`${url('http500')}/x`), /answered HTTP 500: model exploded/);
    await assert.rejects(httpGet(`${refused}/x`), /Connection refused by 127\.0\.0\.1:\d+: nothing is listening there/);
    await assert.rejects(httpGet(`${url('slow')}/x`, { timeoutMs: 200 }), /did not answer within 200 ms/);
    await assert.rejects(httpGet(`${url('huge')}/x`, { maxBytes: 1000 }), /more than the 1000 bytes MLShip reads/);
    await assert.rejects(httpGet(`${url('close-mid-response')}/x`), /closed the connection in the middle of its answer/);
  });

  it('the OIP client rejects garbage, truncated JSON and HTML as invalid answers', async () => {
    for (const f of ['garbage', 'truncated-json', 'html'] as const) {
      const client = new OipClient({ url: url(f), model: 'm' });
      await assert.rejects(client.modelMetadata(), (err: Error) => err instanceof ConnectorError && err.kind === 'invalid', f);
    }
    await assert.rejects(new OipClient({ url: url('truncated-json'), model: 'm' }).infer({ inputs: [] }), /truncated JSON/);
  });

  it('the metrics scrape rejects a body that is not the exposition format, naming the line', async () => {
    await assert.rejects(scrapeMetrics(`${url('garbage')}/metrics`), (err: Error) => err instanceof ExpositionError && /Line 1/.test(err.message));
    await assert.rejects(scrapeMetrics(`${url('html')}/metrics`), ExpositionError);
    await assert.rejects(scrapeMetrics(`${url('huge')}/metrics`, { maxBytes: 4096 }), /more than the 4096 bytes/);
  });

  it('a deployment on each fault server ends in the right state with the reason', async () => {
    // The monitor reads up to 4 MiB of an answer: the huge server declares its size, so the case does not hang on
    // reading 4 MiB (the streamed huge body is read above, up to smaller limits). Only the slow case has a short
    // deadline: it is the one that checks it.
    const cases: [string, string, RegExp, string, number | undefined][] = [
      ['refused', refused, /Connection refused/, 'unreachable', undefined],
      ['slow', url('slow'), /did not answer within 300 ms/, 'unreachable', 300],
      ['http500', url('http500'), /not live/, 'unreachable', undefined],
      ['close-mid-response', url('close-mid-response'), /closed the connection in the middle/, 'unreachable', undefined],
      ['huge-declared', url('huge-declared'), /sent 67108864 bytes, more than the 4194304 MLShip reads/, 'unreachable', undefined],
    ];
    for (const [what, base, reason, state, timeout] of cases) {
      const inference = { url: base, model: 'm', ...(timeout !== undefined ? { timeout_ms: timeout } : {}) };
      const m = new DeploymentMonitor({ name: what, inference, budgets: { latency_p95_ms: 50 } }, { root: '/' });
      const s = await m.poll();
      assert.equal(s.state, state, `${what}: ${s.reason}`);
      assert.match(s.reason, reason, what);
      assert.equal(s.p95Ms, null, `${what}: no made-up latency`);
    }
    // Metrics-only deployments: the scrape decides reachability; garbage is a reason, not a crash.
    for (const [f, reason] of [['garbage', /not in the Prometheus text format/], ['truncated-json', /not in the Prometheus text format/], ['html', /Line 1/]] as const) {
      const m = new DeploymentMonitor({ name: f, metrics: { scrape: `${url(f)}/metrics` } }, { root: '/' });
      const s = await m.poll();
      assert.equal(s.state, 'unreachable', f);
      assert.match(s.reason, reason, f);
    }
    // A reachable server whose metrics fail is degraded, and says which source failed.
    const mixed = new DeploymentMonitor({ name: 'mixed', inference: { url: refused, model: 'm' }, metrics: { scrape: `${url('http500')}/metrics` } }, { root: '/' });
    assert.equal((await mixed.poll()).state, 'unreachable');
  });

  it('the dashboard has gaps, not zeros, where a failing source gave no data', async () => {
    const m = new DeploymentMonitor({ name: 'gaps', metrics: { scrape: `${url('http500')}/metrics` } }, { root: '/' });
    const start = Date.now();
    await m.poll();
    await m.poll();
    const d = await m.dashboard({ start: start - 60_000, end: Date.now() + 1, stepMs: 10_000 });
    assert.ok(d.latency.p95.every((v) => v === null));
    assert.ok(d.throughput.every((v) => v === null));
    assert.ok(d.errorRate.every((v) => v === null));
  });

  it('polls of a failing deployment back off with jitter and keep retrying', async () => {
    const m = new DeploymentMonitor({ name: 'retry', inference: { url: refused, model: 'm', timeout_ms: 200 } }, { root: '/' });
    const delays: number[] = [];
    const scheduler = new PollScheduler({ maxBackoffMs: 400 });
    let polls = 0;
    await new Promise<void>((resolve) => {
      scheduler.add({
        id: 'retry',
        intervalMs: 20,
        poll: async (signal) => {
          const s = await m.poll(signal);
          polls++;
          const state = scheduler.state('retry');
          if (state?.lastDelayMs !== undefined) delays.push(state.lastDelayMs);
          if (polls === 6) resolve();
          return s.state !== 'unreachable';
        },
      });
    });
    scheduler.stop();
    assert.equal(polls, 6);
    // Delays after failures 1..5: within [d/2, d] of min(400, 20·2ⁿ), growing until the cap.
    delays.forEach((d, i) => {
      const cap = Math.min(400, 20 * 2 ** (i + 1));
      assert.ok(d >= cap / 2 && d <= cap, `delay ${i + 1}: ${d} for cap ${cap}`);
    });
    assert.ok((delays[4] ?? 0) > (delays[0] ?? 0));
  });
});
