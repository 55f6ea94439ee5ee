// Drift over time in the monitor, from a prediction log alone: a busy hour of logged inputs is scored in bounded
// requests, each window once (a second dashboard asks for nothing new), and the series aligned with its drift points.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import type { DriftScorer } from '../../../src/core/deployments/driftSeries';
import { inProcessScorer, openLiveDrift, type LiveDrift } from '../../../src/core/deployments/liveDrift';
import { DeploymentMonitor } from '../../../src/core/deployments/monitor';
import { PredictionStore } from '../../../src/core/deployments/recordStore';
import { readSnapshotRows } from '../../../src/core/formats/tabular';

const DATA = join(resolve(__dirname, '..', '..', '..'), 'samples', 'data', 'credit-risk');
const OCT = join(DATA, 'applications-2025-10.parquet');
const NOV = join(DATA, 'applications-2025-11.parquet');

describe('DeploymentMonitor drift over time (prediction log only)', () => {
  let dir: string;
  let live: LiveDrift;
  const T = Date.parse('2026-01-05T10:00:00Z');
  const N = 24_000;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-monitor-drift-'));
    live = (await openLiveDrift(OCT)).live;
    const nov = (await readSnapshotRows(NOV, 'parquet', 10_000)).map(({ income, debt_ratio, age }) => ({ income, debt_ratio, age }));
    // 24,000 predictions over 20 minutes (20 a second); nothing logged 10:05–10:07.
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      const t = T + Math.floor((i * 1_200_000) / N);
      if (t >= T + 300_000 && t < T + 420_000) continue;
      lines.push(JSON.stringify({ ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${i}`, input_hash: '', inputs: nov[i % nov.length], output: { label: 0 }, confidence: 0.9, path: 'model', reason: null, latency_ms: 2, variant: null }));
    }
    await writeFile(join(dir, 'p.jsonl'), `${lines.join('\n')}\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('scores windows in bounded requests, each once, with gaps where nothing or too little was logged', async () => {
    const requests: number[][] = [];
    const inner = inProcessScorer(() => Promise.resolve(live));
    const scorer: DriftScorer = {
      baseline: () => inner.baseline(),
      score: (windows) => (requests.push(windows.map((w) => w.rows)), inner.score(windows)),
      detail: (inputs, top) => inner.detail(inputs, top),
    };
    const now = T + 1_200_000;
    const m = new DeploymentMonitor({ name: 'busy', predictions: { jsonl: 'p.jsonl' }, budgets: { drift_psi: 0.2 } }, { root: dir, now: () => now, drift: { scorer, reason: 'test', mode: 'evidently', minRecords: 500 } });
    await m.poll();
    assert.equal(m.status.drift?.statistic, 'psi');
    requests.length = 0;
    const d = await m.dashboard({ start: T, end: now, stepMs: 10_000 });
    const drift = d.drift;
    assert.ok(drift, d.driftNote);
    assert.equal(drift.stepMs, 10_000);
    assert.equal(drift.timestamps.length, 120);
    assert.ok(requests.length >= 2, `${requests.length} requests`);
    for (const r of requests) assert.ok(r.reduce((a, b) => a + b, 0) <= 20_000, `a request of ${r.reduce((a, b) => a + b, 0)} inputs`);
    const scored = requests.flat().length;
    assert.equal(scored, drift.records.filter((r) => r !== null).length, 'each window once');
    // 10:05–10:07 logged nothing: gaps; 10:07 reaches back (within the hour) to the last 500.
    const at = (t: number): number => drift.timestamps.indexOf(t);
    assert.equal(drift.records[at(T + 300_000)], null);
    assert.equal(drift.records[at(T + 410_000)], null);
    assert.equal(drift.records[at(T + 420_000)], 500);
    assert.equal(drift.records[at(T)], null, '200 in the first bucket and nothing before it: too few');
    assert.equal(drift.records[at(T + 20_000)], 500, 'widened back to the last 500');
    assert.equal(drift.records[at(T + 600_000)], 500);
    const income = drift.features.find((f) => f.feature === 'income');
    assert.ok(income && income.scores.length === 120);
    assert.equal(income.scores[at(T + 300_000)], null);
    assert.equal(drift.windowRecords, N - 2400);
    // A second look asks the scorer for nothing new.
    requests.length = 0;
    await m.dashboard({ start: T, end: now, stepMs: 10_000 });
    assert.equal(requests.length, 0);
    await m.close();
  });
  it('the status score stands while few inputs are new, and is recomputed after a tenth of the window or 30 s', async () => {
    let calls = 0;
    const inner = inProcessScorer(() => Promise.resolve(live));
    const scorer: DriftScorer = { baseline: () => inner.baseline(), score: (w) => (calls++, inner.score(w)), detail: (i, t) => inner.detail(i, t) };
    let now = T + 900_000;
    const m = new DeploymentMonitor({ name: 'busy', predictions: { jsonl: 'p.jsonl' }, budgets: { drift_psi: 0.2 } }, { root: dir, now: () => now, drift: { scorer, reason: 'test', mode: 'evidently', minRecords: 500 } });
    await m.poll();
    assert.equal(calls, 1);
    const first = m.status.drift;
    // 5 s later: 100 new inputs in a 5-minute window of 6,000 — the same score.
    now += 5_000;
    await m.poll();
    assert.equal(calls, 1);
    assert.deepEqual(m.status.drift, first);
    // 40 s after the first score: recomputed.
    now += 35_000;
    await m.poll();
    assert.equal(calls, 2);
    await m.close();
    // A 1-minute status window holds 1,200 inputs: 10 s bring 200 new ones, over a tenth, so it is rescored.
    calls = 0;
    const short = new DeploymentMonitor({ name: 'busy', predictions: { jsonl: 'p.jsonl' }, budgets: { drift_psi: 0.2 } }, { root: dir, now: () => now, statusWindowMs: 60_000, drift: { scorer, reason: 'test', mode: 'evidently', minRecords: 500 } });
    await short.poll();
    now += 2_000;
    await short.poll();
    assert.equal(calls, 1, '40 new inputs: the same score');
    now += 10_000;
    await short.poll();
    assert.equal(calls, 2, '240 new inputs: rescored');
    await short.close();
  });

  it('copies no inputs again for a status window that holds the same records (nothing logged since)', async () => {
    let calls = 0;
    const inner = inProcessScorer(() => Promise.resolve(live));
    const scorer: DriftScorer = { baseline: () => inner.baseline(), score: (w) => (calls++, inner.score(w)), detail: (i, t) => inner.detail(i, t) };
    // Each copy of a window's inputs into columns, counted (and still made).
    const copy = mock.method(PredictionStore.prototype, 'inputColumns');
    const copies = (): number => copy.mock.callCount();
    try {
      // 10 minutes after the last logged input: the status window is widened back to the last 500, which stay put.
      let now = T + 1_800_000;
      const m = new DeploymentMonitor({ name: 'idle', predictions: { jsonl: 'p.jsonl' }, budgets: { drift_psi: 0.2 } }, { root: dir, now: () => now, drift: { scorer, reason: 'test', mode: 'evidently', minRecords: 500 } });
      await m.poll();
      const first = m.status.drift;
      assert.ok(first);
      assert.deepEqual([calls, copies()], [1, 1]);
      for (let k = 0; k < 4; k++) {
        now += 40_000;
        await m.poll();
      }
      assert.deepEqual([calls, copies()], [1, 1], 'the same window: its score, without a copy or a request');
      assert.deepEqual(m.status.drift, first);
      await m.close();
    } finally {
      copy.mock.restore();
    }
  });
});
