// A dashboard rebuilt after every poll costs what its window holds, not what the monitor keeps: the records before the
// window are not visited (counted on the store), and drift windows scored before are planned without copying their
// inputs again. The series are the same as from the window's records alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planDriftWindows } from '../../../src/core/deployments/driftSeries';
import { PredictionStore } from '../../../src/core/deployments/recordStore';
import type { FeedbackRecord, PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { buildDashboard } from '../../../src/core/deployments/series';

const T = Date.parse('2026-01-05T10:00:00Z');
const HOUR = 3600_000;

const pred = (i: number, t: number): Timed<PredictionRecord> => ({
  t,
  record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${i}`, input_hash: '', inputs: { x: i % 7, y: i % 3 }, output: { label: i % 2 }, confidence: 0.9, path: i % 10 === 0 ? 'fallback' : 'model', reason: i % 10 === 0 ? 'error' : null, latency_ms: 1 + (i % 5), variant: null },
});

/** A store that counts reads of record times and request ids, and copies of inputs. */
class CountingStore extends PredictionStore {
  reads = 0;
  copiedRows = 0;
  override time(i: number): number {
    this.reads++;
    return super.time(i);
  }
  override requestId(i: number): string {
    this.reads++;
    return super.requestId(i);
  }
  override inputColumns(indices: readonly number[]): ReturnType<PredictionStore['inputColumns']> {
    this.copiedRows += indices.length;
    return super.inputColumns(indices);
  }
}

function storeOf<S extends PredictionStore>(store: S, records: readonly Timed<PredictionRecord>[]): S {
  for (const r of records) store.push(r);
  return store;
}

// 23 hours of history at one record every 2 s, then a 5-minute window at 2 records a second.
const history = Array.from({ length: 41_400 }, (_, i) => pred(i, T + i * 2000));
const start = T + 23 * HOUR;
const recent = Array.from({ length: 600 }, (_, i) => pred(100_000 + i, start + i * 500));
const feedback = new Map<string, Timed<FeedbackRecord>>(
  [...history, ...recent]
    .filter((_, i) => i % 4 === 0)
    .map((p) => [p.record.request_id, { t: p.t + 1000, record: { ts: new Date(p.t + 1000).toISOString(), request_id: p.record.request_id, feature: 'f', label: 1, source: 'review', note: null } }]),
);

describe('work per dashboard build follows the window, not the records kept', () => {
  it('visits the records of a 5-minute window only, with the same series as the window alone', () => {
    const all = storeOf(new CountingStore(), [...history, ...recent]);
    const window = { deployment: 'd', start, end: start + 300_000, stepMs: 10_000, predictions: all, feedback, budgets: {}, metric: 'accuracy' as const };
    const d = buildDashboard(window);
    // Reads of times and ids: a few per record of the window (and a bisection), never one per record kept.
    assert.ok(all.reads < 10 * recent.length, `${all.reads} reads for ${recent.length} records in the window (${all.length} kept)`);
    const alone = buildDashboard({ ...window, predictions: storeOf(new PredictionStore(), recent) });
    assert.deepEqual(d.quality, alone.quality);
    assert.deepEqual(d.fallbackRate, alone.fallbackRate);
    assert.deepEqual(d.predictions, alone.predictions);
    assert.ok(d.quality.values.some((v) => v !== null), 'the window has quality from feedback');
  });

  it('plans drift windows scored before without copying their inputs', () => {
    const inputs = storeOf(new CountingStore(), [...history, ...recent]);
    const first = planDriftWindows(inputs, start - HOUR, start + 300_000, { stepMs: 60_000, minRecords: 100 });
    const copied = inputs.copiedRows;
    assert.ok(copied > 0);
    const keys = new Set(first.windows.flatMap((w) => (w ? [w.key] : [])));
    // The next build, after a poll: every window but the newest was scored, and the whole window was compared.
    inputs.copiedRows = 0;
    const again = planDriftWindows(inputs, start - HOUR, start + 300_000, { stepMs: 60_000, minRecords: 100, scored: (k) => keys.has(k), detailed: (k) => k === first.all?.key });
    assert.equal(inputs.copiedRows, 0, 'no window was copied again');
    assert.deepEqual(
      again.windows.map((w) => w && { key: w.key, records: w.records }),
      first.windows.map((w) => w && { key: w.key, records: w.records }),
    );
    assert.equal(again.all?.key, first.all?.key);
    assert.equal(again.all?.inputs, undefined);
    // A window not scored yet still carries its inputs.
    const partly = planDriftWindows(inputs, start - HOUR, start + 300_000, { stepMs: 60_000, minRecords: 100, scored: (k) => k !== first.windows.at(-1)?.key });
    assert.ok(partly.windows.at(-1)?.inputs);
    assert.ok(partly.windows.slice(0, -1).every((w) => !w || w.inputs === undefined));
  });
});
