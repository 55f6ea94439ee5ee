// The columnar store of prediction records (recordStore.ts) gives back what one object per record gave: the kept
// fields of every record through ring wrap-around, growth, eviction by time and re-sorting, and the same status
// counts, dashboard series, drift windows and feedback join as the same records held as objects.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planDriftWindows, widenedWindow } from '../../../src/core/deployments/driftSeries';
import { recordsOf } from '../../../src/core/deployments/inputColumns';
import { detectMetric, feedbackByRequest, scorePrediction, type QualityMetric } from '../../../src/core/deployments/feedback';
import { DeploymentMonitor } from '../../../src/core/deployments/monitor';
import { PredictionStore, type StoredPrediction } from '../../../src/core/deployments/recordStore';
import type { FeedbackRecord, PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { percentile } from '../../../src/core/stats/latency';
import { buildDashboard, emptyTally, logLatencies, SlidingTally, tallyRecord } from '../../../src/core/deployments/series';
import { seeded } from './seeded';

const pick = <T>(random: () => number, xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;

/** A record with every kind of field the store encodes differently: labels of each type, values, inputs of each kind. */
function randomRecord(random: () => number, t: number, id: string, regressor = false): PredictionRecord {
  const path = random() < 0.8 ? 'model' : pick(random, ['fallback', 'abstain'] as const);
  const reason = path === 'model' ? (random() < 0.1 ? 'low_confidence' : null) : pick(random, ['error', 'timeout', 'flag_off'] as const);
  const kind = random();
  const inputs: Record<string, unknown> | undefined =
    kind < 0.1 ? undefined : kind < 0.15 ? {} : kind < 0.7 ? { age: Math.round(random() * 80), income: random() * 1e5, debt: -0 } : kind < 0.9 ? { region: pick(random, ['EU', 'US', null, true]), x: random() } : { nested: { a: 1 }, x: 2 };
  const label = regressor ? undefined : pick(random, [0, 1, 'yes', 'no', true, false, `unique-${id}`, 2.5]);
  const value = regressor || random() < 0.1 ? Math.round(random() * 1000) / 10 : undefined;
  const output = random() < 0.1 ? null : { ...(label !== undefined ? { label } : {}), ...(value !== undefined ? { value } : {}), ...(!regressor && random() < 0.5 ? { scores: { '0': 0.3, '1': 0.7 } } : {}) };
  return {
    ts: new Date(t).toISOString(),
    feature: 'f',
    model: 'm',
    model_version: pick(random, ['1', '2', '']),
    request_id: id,
    input_hash: '',
    ...(inputs !== undefined ? { inputs } : {}),
    output,
    confidence: random() < 0.85 ? Math.round(random() * 100) / 100 : null,
    path,
    reason,
    latency_ms: random() < 0.9 ? Math.round(random() * 5000) / 100 : null,
    variant: null,
  };
}

const mean = (xs: readonly number[]): number | null => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Equal, or both numbers within rounding of running sums. */
function assertClose(actual: number | null, expected: number | null, message: string): void {
  if (actual === null || expected === null) assert.equal(actual, expected, message);
  else assert.ok(Math.abs(actual - expected) < 1e-9, `${message}: ${actual} vs ${expected}`);
}

/** The latency the status and the dashboard read from a record: none when the flag kept it from the model. */
const modelLatency = (r: Timed<PredictionRecord>): number[] => (r.record.latency_ms !== null && r.record.reason !== 'flag_off' ? [r.record.latency_ms] : []);

/** What the store keeps of a record, the way recordAt gives it back. */
function kept(r: Timed<PredictionRecord>): Timed<StoredPrediction> {
  const o = r.record.output;
  const hasInputs = r.record.inputs !== undefined && Object.keys(r.record.inputs).length > 0;
  return {
    t: r.t,
    record: {
      request_id: r.record.request_id,
      model_version: r.record.model_version,
      ...(hasInputs ? { inputs: r.record.inputs } : {}),
      output: o ? { ...(o.label !== undefined ? { label: o.label } : {}), ...(o.value !== undefined ? { value: o.value } : {}), ...(o.scores !== undefined ? { scores: {} } : {}) } : null,
      confidence: r.record.confidence,
      path: r.record.path,
      reason: r.record.reason,
      latency_ms: r.record.latency_ms,
    },
  };
}

function contents(store: PredictionStore): Timed<StoredPrediction>[] {
  return Array.from({ length: store.length }, (_, i) => store.recordAt(i));
}

const stableSort = (records: readonly Timed<PredictionRecord>[]): Timed<PredictionRecord>[] => [...records].sort((a, b) => a.t - b.t);

describe('PredictionStore', () => {
  it('gives every record back through wrap-around, growth and dropping from the front', () => {
    const random = seeded(3);
    const store = new PredictionStore(16);
    const held: Timed<PredictionRecord>[] = [];
    let t = Date.parse('2026-01-05T10:00:00Z');
    let seq = 0;
    for (let round = 0; round < 60; round++) {
      // Fill past the end of the ring (so slots wrap), sometimes past its capacity (so it grows while wrapped).
      const n = 1 + Math.floor(random() * (round % 7 === 6 ? 40 : 12));
      for (let i = 0; i < n; i++) {
        t += Math.floor(random() * 1000);
        const r = { t, record: randomRecord(random, t, `r${seq++}`) };
        assert.equal(store.push(r), false);
        held.push(r);
      }
      const drop = Math.floor(random() * held.length * 0.8);
      const before = store.firstSeq;
      store.dropFirst(drop);
      held.splice(0, drop);
      assert.equal(store.firstSeq, before + drop);
      assert.deepEqual(contents(store), held.map(kept), `round ${round}`);
      assert.equal(store.length, held.length);
    }
  });

  it('evicts by time: firstAfter finds the first record later than a time, and dropping up to it leaves exactly the newer ones', () => {
    const random = seeded(5);
    const store = new PredictionStore(16);
    const held: Timed<PredictionRecord>[] = [];
    const T = Date.parse('2026-01-05T10:00:00Z');
    let t = T;
    for (let i = 0; i < 500; i++) {
      // Runs of equal times, so the boundary falls inside them.
      if (random() < 0.7) t += Math.floor(random() * 200);
      const r = { t, record: randomRecord(random, t, `r${i}`) };
      store.push(r);
      held.push(r);
      if (i % 37 === 36) {
        const cutoff = t - Math.floor(random() * 20_000);
        const k = store.firstAfter(cutoff);
        assert.equal(k, held.findIndex((h) => h.t > cutoff) < 0 ? held.length : held.findIndex((h) => h.t > cutoff));
        store.dropFirst(k);
        held.splice(0, k);
        assert.ok(held.every((h) => h.t > cutoff));
        assert.deepEqual(contents(store), held.map(kept));
      }
    }
    store.dropFirst(store.length + 5);
    assert.equal(store.length, 0);
    assert.equal(store.firstAfter(T), 0);
  });

  it('re-sorts out-of-order records stably, as sorting the objects does', () => {
    const random = seeded(9);
    const store = new PredictionStore(16);
    const held: Timed<PredictionRecord>[] = [];
    let unordered = false;
    for (let i = 0; i < 300; i++) {
      const t = 1_700_000_000_000 + Math.floor(random() * 50) * 100;
      const r = { t, record: randomRecord(random, t, `r${i}`) };
      unordered = store.push(r) || unordered;
      held.push(r);
      if (i === 100) {
        store.dropFirst(40);
        held.splice(0, 40);
      }
    }
    assert.equal(unordered, true);
    store.sortByTime();
    assert.deepEqual(contents(store), stableSort(held).map(kept));
  });

  it('keeps labels right when its tables drop values no record uses any more (a label per request)', () => {
    const store = new PredictionStore(16);
    const held: Timed<PredictionRecord>[] = [];
    const random = seeded(13);
    for (let i = 0; i < 6000; i++) {
      const t = 1_700_000_000_000 + i;
      const r = { t, record: { ...randomRecord(random, t, `r${i}`), output: { label: `label-${i}` }, model_version: `v${i}`, inputs: { note: `text ${i}`, i } } };
      store.push(r);
      held.push(r);
      if (i % 500 === 499) {
        store.dropFirst(store.length - 100);
        held.splice(0, held.length - 100);
        assert.deepEqual(contents(store), held.map(kept), `after ${i}`);
      }
    }
  });
});

describe('PredictionStore against the same records as objects', () => {
  const T = Date.parse('2026-01-05T10:00:00Z');
  for (const seed of [21, 22, 23, 24]) {
    it(`gives the same tallies, latencies, dashboard series, drift windows and metric (random sequence ${seed})`, () => {
      const random = seeded(seed);
      const regressor = seed === 24;
      const records: Timed<PredictionRecord>[] = [];
      for (let i = 0; i < 3000; i++) {
        const t = T + Math.floor(random() * 600_000);
        records.push({ t, record: randomRecord(random, t, `r${i}`, regressor) });
      }
      const sorted = stableSort(records);
      const store = PredictionStore.from(records);
      assert.deepEqual(contents(store), sorted.map(kept));

      // Status window counts and latencies over random windows, and the sliding tally moving through them.
      const sliding = new SlidingTally();
      for (let k = 0; k < 40; k++) {
        const from = Math.floor((k / 40) * sorted.length * 0.9);
        const expected = emptyTally();
        for (const r of sorted.slice(from)) tallyRecord(expected, r.record, 1);
        assert.deepEqual(sliding.advance(store, from), expected);
        assert.deepEqual(logLatencies(store, from), sorted.slice(from).flatMap(modelLatency));
      }

      // The dashboard's log series, against the same computed from the objects bucket by bucket.
      const feedback = feedbackByRequest(sorted.filter(() => random() < 0.3).map((r) => ({ t: r.t + 1000, record: { ts: '', request_id: r.record.request_id, feature: 'f', label: regressor ? random() * 100 : pick(random, [0, 1, 'yes', true]), source: 'review', note: null } })));
      const d = buildDashboard({ deployment: 'd', start: T, end: T + 600_000, stepMs: 10_000, predictions: store, feedback, budgets: {} });
      const metric: QualityMetric = regressor ? 'mae' : 'accuracy';
      assert.equal(detectMetric(store), metric);
      assert.equal(detectMetric(sorted), metric);
      const n = d.timestamps.length;
      let modelScored = false;
      let fallbackScored = false;
      for (let i = 0; i < n; i++) {
        const inBucket = sorted.filter((r) => r.t >= T + i * 10_000 && r.t < T + (i + 1) * 10_000);
        const tally = emptyTally();
        for (const r of inBucket) tallyRecord(tally, r.record, 1);
        // Records the flag kept from the model count as traffic only (series.ts, RecordTally).
        const asked = tally.records - tally.flagOff;
        assert.equal(d.fallbackRate[i], asked > 0 ? tally.fallback / asked : null);
        assert.equal(d.lowConfidenceShare[i], tally.withConfidence > 0 ? tally.low / tally.withConfidence : null);
        assert.equal(d.errorRate[i], asked > 0 ? tally.errors / asked : null);
        const ms = inBucket.flatMap(modelLatency).sort((a, b) => a - b);
        assert.equal(d.latency.p50[i] !== null, ms.length > 0);
        if (ms.length > 0) assert.equal(d.latency.p95[i], percentile(ms, 95));
        const scoredOf = (of: readonly Timed<PredictionRecord>[]): number[] =>
          of.flatMap((r) => {
            const f = feedback.get(r.record.request_id);
            const s = f ? scorePrediction(r.record, f.record.label, metric) : undefined;
            return s === undefined ? [] : [s];
          });
        const scored = scoredOf(inBucket);
        assert.equal(d.quality.withFeedback[i], scored.length);
        assert.equal(d.quality.values[i], mean(scored));
        // Split by who answered, shown when the window has feedback on both the model's answers and the fallback's.
        const model = mean(scoredOf(inBucket.filter((r) => r.record.path === 'model')));
        const fallback = mean(scoredOf(inBucket.filter((r) => r.record.path !== 'model')));
        modelScored ||= model !== null;
        fallbackScored ||= fallback !== null;
        if (d.quality.model && d.quality.fallback) {
          assert.equal(d.quality.model[i], model);
          assert.equal(d.quality.fallback[i], fallback);
        }
        if (d.predictions.kind === 'labels') {
          const labelled = inBucket.filter((r) => r.record.output?.label !== undefined);
          for (const l of d.predictions.labels.filter((x) => x !== 'other')) {
            const share: number | null | undefined = d.predictions.shares[l]?.[i];
            assert.equal(share, labelled.length > 0 ? labelled.filter((r) => String(r.record.output?.label) === l).length / labelled.length : null, `label ${l} bucket ${i}`);
          }
        }
      }
      assert.equal(d.quality.model !== undefined && d.quality.fallback !== undefined, modelScored && fallbackScored, 'split by path exactly when feedback covers both');

      // Drift windows: the same keys and the same inputs (rebuilt from the columns) as the objects give.
      const withInputs = sorted.filter((r) => r.record.inputs !== undefined && Object.keys(r.record.inputs).length > 0);
      const inputStore = PredictionStore.from(withInputs);
      const w = widenedWindow(inputStore, 100, withInputs.length, 500, T);
      assert.ok(w);
      const from = Math.min(100, withInputs.length - 500);
      const expectedKey = `${(withInputs[from] as Timed<PredictionRecord>).t}|${(withInputs[withInputs.length - 1] as Timed<PredictionRecord>).t}|${withInputs.length - from}`;
      assert.equal(w.key, expectedKey);
      const span = withInputs.length - from;
      assert.deepEqual(recordsOf(w.inputs), Array.from({ length: Math.min(span, 2000) }, (_, i) => (withInputs[from + (span <= 2000 ? i : Math.floor((i * span) / 2000))] as Timed<PredictionRecord>).record.inputs));
      const plan = planDriftWindows(inputStore, T, T + 600_000, { stepMs: 60_000, minRecords: 100 });
      const planFromObjects = planDriftWindows(withInputs, T, T + 600_000, { stepMs: 60_000, minRecords: 100 });
      assert.deepEqual(plan, planFromObjects);
      assert.ok(plan.windows.some((x) => x !== null));
    });
  }
});

/** A temp folder with empty prediction (p.jsonl) and feedback (f.jsonl) logs, and a monitor following both on `now`. */
async function followedLogs(name: string, now: () => number, options: { historyMs?: number } = {}): Promise<{ dir: string; monitor: DeploymentMonitor }> {
  const dir = await mkdtemp(join(tmpdir(), `mlship-store-${name}-`));
  await writeFile(join(dir, 'p.jsonl'), '');
  await writeFile(join(dir, 'f.jsonl'), '');
  const monitor = new DeploymentMonitor({ name, predictions: { jsonl: 'p.jsonl' }, feedback: { jsonl: 'f.jsonl' } }, { root: dir, now, maxRecords: 100_000, ...options });
  return { dir, monitor };
}

describe('the feedback join on the store', () => {
  it('scores feedback that arrives before, with and after its prediction, through out-of-order lines and re-sorting', async () => {
    let now = Date.parse('2026-01-05T10:00:00Z');
    const { dir, monitor } = await followedLogs('join', () => now);
    try {
      const random = seeded(31);
      const predictions = new Map<string, PredictionRecord>();
      const latest = new Map<string, FeedbackRecord>();
      const late: FeedbackRecord[] = [];
      let deferred: [string, PredictionRecord][] = [];
      for (let poll = 0; poll < 30; poll++) {
        // Predictions held back last poll are written now, after their feedback was.
        const lines: [string, PredictionRecord][] = deferred;
        deferred = [];
        const feedback: FeedbackRecord[] = [...late.splice(0)];
        for (let i = 0; i < 20; i++) {
          const id = `p${poll}-${i}`;
          const t = now - Math.floor(random() * (random() < 0.2 ? 20_000 : 3000));
          const r = { ...randomRecord(random, t, id), output: { label: pick(random, [0, 1]) } };
          (random() < 0.1 ? deferred : lines).push([id, r]);
          const f: FeedbackRecord = { ts: new Date(now).toISOString(), request_id: id, feature: 'f', label: pick(random, [0, 1, '1', true]), source: 'review', note: null };
          // Feedback is written in the same poll as its prediction, or a poll later, sometimes twice (the later one
          // counts), sometimes never; for the predictions held back, a poll before them.
          const when = random();
          if (when < 0.6) feedback.push(f);
          else if (when < 0.85) late.push(f);
        }
        await appendFile(join(dir, 'p.jsonl'), lines.map(([, r]) => `${JSON.stringify(r)}\n`).join(''));
        for (const [id, r] of lines) predictions.set(id, r);
        for (const f of feedback) {
          await appendFile(join(dir, 'f.jsonl'), `${JSON.stringify(f)}\n`);
          latest.set(f.request_id, f);
          if (random() < 0.2) {
            const again = { ...f, label: f.label === 1 ? 0 : 1 };
            await appendFile(join(dir, 'f.jsonl'), `${JSON.stringify(again)}\n`);
            latest.set(f.request_id, again);
          }
        }
        const status = await monitor.poll();
        const scores = [...latest].flatMap(([id, f]) => {
          const p = predictions.get(id);
          const s = p ? scorePrediction(p, f.label, 'accuracy') : undefined;
          return s === undefined ? [] : [s];
        });
        assert.equal(status.quality?.value ?? null, scores.length > 0 ? scores.reduce((a, b) => a + b, 0) / scores.length : null, `poll ${poll}`);
        const scoresOf = (model: boolean): number[] =>
          [...latest].flatMap(([id, f]) => {
            const p = predictions.get(id);
            const s = p && (p.path === 'model') === model ? scorePrediction(p, f.label, 'accuracy') : undefined;
            return s === undefined ? [] : [s];
          });
        assertClose(status.quality?.model ?? null, mean(scoresOf(true)), `poll ${poll}: model`);
        assertClose(status.quality?.fallback ?? null, mean(scoresOf(false)), `poll ${poll}: fallback`);
        assert.equal(status.quality?.coverage ?? null, scores.length > 0 ? scores.length / predictions.size : null, `poll ${poll}`);
        now += 5000;
      }
      await monitor.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('feedback over a long run', () => {
  it('keeps aged-out requests in the accuracy but not in memory, and trims feedback once in a while, not every poll', async () => {
    let now = Date.parse('2026-01-05T10:00:00Z');
    const historyMs = 200_000;
    const { dir, monitor } = await followedLogs('long', () => now, { historyMs });
    try {
      const random = seeded(47);
      const latest = new Map<string, number>();
      const feedbackTimes: number[] = [];
      let trims = 0;
      let before = 0;
      for (let poll = 0; poll < 80; poll++) {
        const predictions: string[] = [];
        const feedback: string[] = [];
        for (let i = 0; i < 30; i++) {
          const id = `p${poll}-${i}`;
          const r = { ...randomRecord(random, now - Math.floor(random() * 3000), id), output: { label: pick(random, [0, 1]) } };
          predictions.push(JSON.stringify(r));
          // Feedback on every prediction; on some, a second answer that replaces the first.
          for (let k = random() < 0.2 ? 2 : 1; k > 0; k--) {
            const label = pick(random, [0, 1]);
            feedback.push(JSON.stringify({ ts: new Date(now).toISOString(), request_id: id, feature: 'f', label, source: 'review', note: null }));
            latest.set(id, scorePrediction(r, label, 'accuracy') as number);
            feedbackTimes.push(now);
          }
        }
        await appendFile(join(dir, 'p.jsonl'), predictions.map((l) => `${l}\n`).join(''));
        await appendFile(join(dir, 'f.jsonl'), feedback.map((l) => `${l}\n`).join(''));
        const status = await monitor.poll();
        // The accuracy covers every request ever scored, long after its prediction left the store.
        assertClose(status.quality?.value ?? null, mean([...latest.values()]), `poll ${poll}`);
        const kept = monitor.collected;
        assert.ok(kept.scoredRequests <= kept.predictions, `poll ${poll}: ${kept.scoredRequests} scored requests remembered, ${kept.predictions} predictions kept`);
        const inHistory = feedbackTimes.filter((t) => t >= now - historyMs).length;
        const inSlack = feedbackTimes.filter((t) => t >= now - historyMs - historyMs / 10).length;
        assert.ok(kept.feedback >= inHistory && kept.feedback <= inSlack, `poll ${poll}: ${kept.feedback} feedback kept, ${inHistory} in the history window`);
        if (kept.feedback < before) trims++;
        before = kept.feedback;
        now += 5000;
      }
      // 40 polls past the history window, a trim each 20 s (a tenth of it) at most: 10 trims, not 40.
      assert.ok(trims > 0 && trims <= 11, `${trims} trims`);
      await monitor.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
