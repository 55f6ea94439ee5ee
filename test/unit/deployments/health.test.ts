// Health against budgets, feedback quality and the scheduler's timing, on exact inputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectMetric, feedbackByRequest, overallQuality, qualityOverTime, scorePrediction } from '../../../src/core/deployments/feedback';
import { assessHealth, worstState, type HealthInput } from '../../../src/core/deployments/health';
import type { FeedbackRecord, PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { alignedDelay, nextDelay, PollScheduler, type Clock } from '../../../src/core/deployments/scheduler';

const base: HealthInput = { reachable: { ok: true }, p95Ms: 10, drift: null, fallbackRate: 0.01, errorRate: 0, sourceProblems: [], budgets: { latency_p95_ms: 50, drift_psi: 0.2, fallback_rate: 0.05 } };

describe('assessHealth', () => {
  it('is Healthy within every budget, naming the measurements', () => {
    const h = assessHealth(base);
    assert.equal(h.state, 'healthy');
    assert.match(h.reason, /p95 10\.0 ms within 50\.0 ms budget/);
    assert.deepEqual(h.checks.map((c) => c.status), ['ok', 'unknown', 'ok']);
  });

  it('is Breaching budget when a value is over, listing each breach', () => {
    const h = assessHealth({ ...base, p95Ms: 62.1, fallbackRate: 0.2, drift: { feature: 'income', score: 0.31 } });
    assert.equal(h.state, 'breaching');
    assert.equal(h.reason, 'p95 62.1 ms > 50.0 ms budget; drift (PSI) of income 0.310 > 0.200 budget; fallback rate 20 % > 5.0 % budget');
  });

  it('is Degraded when not ready, erroring, a source fails or a value nears its budget', () => {
    assert.equal(assessHealth({ ...base, ready: false }).reason, 'the model is not ready');
    assert.match(assessHealth({ ...base, errorRate: 0.12 }).reason, /errors on 12 % of requests/);
    assert.equal(assessHealth({ ...base, sourceProblems: ['metrics: HTTP 500'] }).reason, 'metrics: HTTP 500');
    const near = assessHealth({ ...base, p95Ms: 45 });
    assert.equal(near.state, 'degraded');
    assert.match(near.reason, /p95 45\.0 ms is 90 % of the 50\.0 ms budget/);
  });

  it('is Unreachable with the connector reason, whatever else is measured', () => {
    const h = assessHealth({ ...base, reachable: { ok: false, reason: 'Connection refused by 127.0.0.1:8081' }, p95Ms: 500 });
    assert.equal(h.state, 'unreachable');
    assert.equal(h.reason, 'Connection refused by 127.0.0.1:8081');
  });

  it('ranks states worst first', () => {
    assert.equal(worstState(['healthy', 'degraded', 'unreachable']), 'unreachable');
    assert.equal(worstState(['healthy', 'breaching', 'unreachable']), 'breaching');
    assert.equal(worstState([]), undefined);
  });
});

const t0 = Date.parse('2026-01-05T10:00:00Z');
const pred = (id: string, t: number, output: PredictionRecord['output']): Timed<PredictionRecord> => ({
  t,
  record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: id, input_hash: '', output, confidence: null, path: 'model', reason: null, latency_ms: 1, variant: null },
});
const fb = (id: string, t: number, label: FeedbackRecord['label']): Timed<FeedbackRecord> => ({ t, record: { ts: new Date(t).toISOString(), request_id: id, feature: 'f', label, source: 'review', note: null } });

describe('feedback quality', () => {
  it('joins by request id (latest feedback wins) and scores accuracy per bucket with coverage', () => {
    const predictions = [pred('a', t0, { label: 1 }), pred('b', t0 + 1000, { label: 0 }), pred('c', t0 + 2000, { label: 'yes' }), pred('d', t0 + 61_000, { label: 1 }), pred('e', t0 + 62_000, { label: 0 })];
    const joined = feedbackByRequest([fb('a', t0 + 5000, 0), fb('a', t0 + 9000, 1), fb('b', t0 + 5000, '1'), fb('c', t0 + 5000, true), fb('d', t0 + 70_000, true), fb('zzz', t0, 1)]);
    assert.equal(joined.get('a')?.record.label, 1);
    const q = qualityOverTime(predictions, joined, { start: t0, step: 60_000, count: 3 }, 'accuracy');
    assert.deepEqual(q[0], { value: 1 / 3, coverage: 1, predictions: 3, withFeedback: 3, model: 1 / 3, fallback: null }, 'a right, b wrong, "yes" vs true wrong');
    assert.deepEqual(q[1], { value: 1, coverage: 0.5, predictions: 2, withFeedback: 1, model: 1, fallback: null }, 'true counts as 1');
    assert.deepEqual(q[2], { value: null, coverage: null, predictions: 0, withFeedback: 0, model: null, fallback: null }, 'a gap, not a zero');
  });

  it('scores a regressor by mean absolute error', () => {
    const predictions = [pred('a', t0, { value: 30 }), pred('b', t0, { value: 40 })];
    assert.equal(detectMetric(predictions), 'mae');
    const q = overallQuality(predictions, feedbackByRequest([fb('a', t0, 33), fb('b', t0, '39')]));
    assert.equal(q.metric, 'mae');
    assert.equal(q.value, 2);
    assert.equal(scorePrediction(predictions[0]?.record as PredictionRecord, 'n/a', 'mae'), undefined);
  });
});

/** A clock driven by the test: timers fire when `advance` passes their time. */
class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
  get pending(): number {
    return this.timers.length;
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('PollScheduler', () => {
  it('polls at the interval, never two at once for one deployment', async () => {
    const clock = new ManualClock();
    const s = new PollScheduler({ clock });
    const starts: number[] = [];
    let release: (() => void) | undefined;
    s.add({ id: 'a', intervalMs: 1000, poll: () => (starts.push(clock.now()), new Promise<void>((r) => (release = r))) });
    await clock.advance(0);
    assert.deepEqual(starts, [0]);
    await clock.advance(5000); // still in flight: nothing else starts
    assert.deepEqual(starts, [0]);
    release?.();
    await clock.advance(0);
    await clock.advance(999);
    assert.deepEqual(starts, [0]);
    await clock.advance(1);
    assert.deepEqual(starts, [0, 6000]);
    s.stop();
  });

  it('backs off exponentially with equal jitter after failures, up to the cap, and resets on success', async () => {
    assert.equal(nextDelay(1000, 0, 0.5, 60_000), 1000);
    assert.equal(nextDelay(1000, 1, 0, 60_000), 1000);
    assert.equal(nextDelay(1000, 1, 0.999999, 60_000) < 2000, true);
    assert.equal(nextDelay(1000, 3, 0.5, 60_000), 6000);
    assert.equal(nextDelay(1000, 10, 1, 60_000), 60_000);
    const clock = new ManualClock();
    const s = new PollScheduler({ clock, random: () => 0.5, maxBackoffMs: 10_000 });
    let fail = true;
    const starts: number[] = [];
    s.add({ id: 'a', intervalMs: 1000, poll: () => Promise.resolve((starts.push(clock.now()), !fail)) });
    await clock.advance(0);
    await clock.advance(1500); // after failure 1: 0.75 × 2000
    await clock.advance(3000); // after failure 2: 0.75 × 4000
    await clock.advance(6000); // after failure 3: 0.75 × 8000
    assert.deepEqual(starts, [0, 1500, 4500, 10_500]);
    assert.equal(s.state('a')?.failures, 4);
    assert.equal(s.state('a')?.lastDelayMs, 7500, 'capped at 10 s, then jittered');
    fail = false;
    await clock.advance(7500);
    assert.equal(s.state('a')?.failures, 0);
    assert.equal(s.state('a')?.lastDelayMs, 1000);
    s.stop();
  });

  it('wakes deployments at the same interval together, an interval after each poll started, not lengthened on average', async () => {
    assert.equal(alignedDelay(0, 0, 5000), 5000);
    assert.equal(alignedDelay(0, 40, 5000), 4960, 'an interval after the start, not after the end');
    assert.equal(alignedDelay(260, 300, 5000), 5200, 'to the nearest half second');
    assert.equal(alignedDelay(30, 30, 1000), 970, 'a tenth of a short interval');
    assert.equal(alignedDelay(0, 6000, 5000), 5000, 'a poll longer than the interval: a whole interval of rest');
    let drift = 0;
    for (let start = 0; start < 500; start++) drift += start + alignedDelay(start, start, 5000) - (start + 5000);
    assert.equal(drift / 500, 0.5, 'half a millisecond longer on average (ties round up)');
    const clock = new ManualClock();
    const s = new PollScheduler({ clock });
    const starts: Record<string, number[]> = { a: [], b: [] };
    // a answers at once, b after 40 ms: the next polls still start together.
    s.add({ id: 'a', intervalMs: 5000, poll: () => Promise.resolve(void starts.a?.push(clock.now())) });
    s.add({ id: 'b', intervalMs: 5000, poll: () => (starts.b?.push(clock.now()), new Promise<void>((r) => clock.setTimeout(r, 40))) });
    await clock.advance(0);
    await clock.advance(10_100);
    assert.deepEqual(starts, { a: [0, 5000, 10_000], b: [0, 5000, 10_000] });
    s.stop();
  });

  it('counts a rejected poll as a failure and reports it', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const s = new PollScheduler({ clock, random: () => 0, onError: (_id, e) => errors.push(e) });
    s.add({ id: 'x', intervalMs: 100, poll: () => Promise.reject(new Error('boom')) });
    await clock.advance(0);
    assert.equal(s.state('x')?.failures, 1);
    assert.equal((errors[0] as Error).message, 'boom');
    s.stop();
  });

  it('pauses (nothing new starts), catches up on resume, polls now on demand, and aborts on stop', async () => {
    const clock = new ManualClock();
    const s = new PollScheduler({ clock });
    const starts: number[] = [];
    let signal: AbortSignal | undefined;
    s.add({ id: 'a', intervalMs: 1000, poll: (sig) => Promise.resolve(void (starts.push(clock.now()), (signal = sig))) });
    await clock.advance(0);
    s.pause();
    await clock.advance(5000);
    assert.deepEqual(starts, [0]);
    s.resume();
    await clock.advance(0);
    assert.deepEqual(starts, [0, 5000]);
    s.pollNow('a');
    await clock.advance(0);
    assert.deepEqual(starts, [0, 5000, 5000]);
    let hold: (() => void) | undefined;
    s.add({ id: 'b', intervalMs: 1000, poll: (sig) => ((signal = sig), new Promise<void>((r) => (hold = r))) });
    await clock.advance(0);
    s.stop();
    assert.equal(signal?.aborted, true);
    hold?.();
    await clock.advance(10_000);
    assert.equal(clock.pending, 0);
    assert.deepEqual(s.ids, []);
  });
});
