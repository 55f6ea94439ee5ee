// What a poll costs is what arrived since the last one: a log line is read and parsed once, when its newline has
// been written (a character split between two writes included), and the status window's counts move with the records
// that enter and leave it — equal at every poll to counting the window again from the log, through out-of-order
// lines, rotation and trimmed history.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeploymentMonitor } from '../../../src/core/deployments/monitor';
import { JsonlTail, PredictionSource } from '../../../src/core/deployments/predictionLog';
import type { PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { emptyTally, SlidingTally, summarizeTally, summarizeWindow, tallyRecord } from '../../../src/core/deployments/series';
import { histogramIncrease, histogramQuantile, sumBuckets, type Bucket } from '../../../src/core/deployments/prometheus';
import type { ScrapePoint } from '../../../src/core/deployments/scrape';
import { seeded } from './seeded';

function randomRecord(random: () => number, t: number, id: string): PredictionRecord {
  const path = random() < 0.8 ? 'model' : random() < 0.5 ? 'fallback' : 'abstain';
  const reason = path === 'model' ? (random() < 0.1 ? 'low_confidence' : null) : random() < 0.5 ? 'error' : 'timeout';
  return {
    ts: new Date(t).toISOString(),
    feature: 'f',
    model: 'm',
    model_version: '1',
    request_id: id,
    input_hash: '',
    inputs: { x: Math.round(random() * 100) },
    output: path === 'model' ? { label: random() < 0.5 ? 1 : 0 } : null,
    confidence: path === 'model' && random() < 0.9 ? Math.round(random() * 100) / 100 : null,
    path,
    reason,
    latency_ms: random() < 0.95 ? Math.round(random() * 5000) / 100 : null,
    variant: null,
  };
}

describe('JsonlTail and sources read each line once, when it is complete', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'mlship-incremental-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('decodes a character split between two writes whole', async () => {
    const file = join(dir, 'utf8.jsonl');
    const line = Buffer.from('{"note":"café ✓"}\n', 'utf8');
    const cut = line.indexOf(Buffer.from('✓', 'utf8')) + 1; // inside the three bytes of ✓
    await writeFile(file, line.subarray(0, cut));
    const tail = new JsonlTail(file);
    assert.deepEqual((await tail.read()).lines, []);
    await appendFile(file, line.subarray(cut));
    assert.deepEqual((await tail.read()).lines, [{ text: '{"note":"café ✓"}', line: 1 }]);
    await tail.close();
  });

  it('parses a record appended in two writes once, after its newline, with no problem for the half', async () => {
    const file = join(dir, 'halves.jsonl');
    const random = seeded(1);
    const first = JSON.stringify(randomRecord(random, Date.parse('2026-01-05T10:00:00Z'), 'a'));
    const second = JSON.stringify(randomRecord(random, Date.parse('2026-01-05T10:00:01Z'), 'b'));
    await writeFile(file, `${first}\n${second.slice(0, 40)}`);
    const source = new PredictionSource({ file });
    const r1 = await source.read();
    assert.deepEqual(r1.records.map((r) => r.record.request_id), ['a']);
    assert.deepEqual(r1.problems, []);
    const r2 = await source.read();
    assert.deepEqual([r2.records.length, r2.problems.length], [0, 0]);
    await appendFile(file, `${second.slice(40)}\n`);
    const r3 = await source.read();
    assert.deepEqual(r3.records.map((r) => r.record.request_id), ['b']);
    assert.deepEqual(r3.problems, []);
    assert.deepEqual((await source.read()).records, []);
    await source.close();
  });

  it('drains a file renamed away before its successor exists, then reads the successor from its start', async () => {
    const file = join(dir, 'gap.jsonl');
    await writeFile(file, 'one\n');
    const tail = new JsonlTail(file);
    assert.deepEqual((await tail.read()).lines.map((l) => l.text), ['one']);
    await appendFile(file, 'two\n');
    await rename(file, `${file}.1`);
    const gap = await tail.read();
    assert.deepEqual(gap.lines.map((l) => l.text), ['two']);
    assert.equal(gap.missing, false, 'the old file is still being read');
    await appendFile(`${file}.1`, 'three\n');
    await writeFile(file, 'four\n');
    const next = await tail.read();
    assert.equal(next.rotated, true);
    assert.deepEqual(next.lines.map((l) => l.text), ['three', 'four']);
    assert.equal(next.lines[1]?.line, 1);
    await tail.close();
  });
});

describe('SlidingTally', () => {
  it('equals the window counted from scratch as records arrive, age out, are trimmed and re-sorted', () => {
    const random = seeded(7);
    let records: Timed<PredictionRecord>[] = [];
    const sliding = new SlidingTally();
    let t = 0;
    for (let step = 0; step < 400; step++) {
      const n = Math.floor(random() * 20);
      let unordered = false;
      for (let i = 0; i < n; i++) {
        t += Math.floor(random() * 300);
        // Now and then a line logged a little late.
        const at = random() < 0.05 ? t - Math.floor(random() * 2000) : t;
        if (records.length > 0 && at < (records[records.length - 1] as Timed<PredictionRecord>).t) unordered = true;
        records.push({ t: at, record: randomRecord(random, at, `r${step}-${i}`) });
      }
      if (unordered) {
        records.sort((a, b) => a.t - b.t);
        sliding.reset();
      }
      if (random() < 0.1 && records.length > 50) {
        const cut = Math.floor(random() * (random() < 0.5 ? 50 : records.length));
        records = records.slice(cut);
        sliding.dropped(cut);
      }
      // The window start mostly moves forward, and sometimes back (a clock set back).
      const start = t - (random() < 0.05 ? 20_000 : 5000);
      const from = records.findIndex((r) => r.t > start);
      const lo = from < 0 ? records.length : from;
      const expected = emptyTally();
      for (const r of records.slice(lo)) tallyRecord(expected, r.record, 1);
      assert.deepEqual(sliding.advance(records, lo), expected, `step ${step}`);
    }
  });
});

/** The status numbers of scrapes from their increases, pair by pair (resets: all a counter holds is new). */
function reference(scrapes: readonly ScrapePoint[]): ReturnType<typeof summarizeTally> {
  const sorted = [...scrapes].sort((a, b) => a.t - b.t);
  let latency: Bucket[] | undefined;
  let [requests, errors, predictions, low, seen] = [0, 0, 0, 0, false];
  for (let k = 1; k < sorted.length; k++) {
    const [prev, cur] = [sorted[k - 1] as ScrapePoint, sorted[k] as ScrapePoint];
    if (cur.latency) {
      const inc = histogramIncrease(prev.latency, cur.latency);
      latency = latency ? sumBuckets([latency, inc]) : inc;
    }
    if (cur.requests) {
      const p = prev.requests;
      const reset = !p || cur.requests.total < p.total || cur.requests.errors < p.errors;
      requests += cur.requests.total - (reset ? 0 : p.total);
      errors += cur.requests.errors - (reset ? 0 : p.errors);
    }
    if (cur.predictions !== undefined) {
      seen = true;
      const reset = cur.predictions < (prev.predictions ?? 0);
      predictions += cur.predictions - (reset ? 0 : (prev.predictions ?? 0));
      low += (cur.lowConfidence ?? 0) - (reset ? 0 : (prev.lowConfidence ?? 0));
    }
  }
  const seconds = ((sorted[sorted.length - 1] as ScrapePoint).t - (sorted[0] as ScrapePoint).t) / 1000;
  const p95 = latency ? histogramQuantile(0.95, latency) : Number.NaN;
  return { p95Ms: Number.isFinite(p95) ? p95 : null, throughput: seconds > 0 ? requests / seconds : null, errorRate: requests > 0 ? errors / requests : null, fallbackRate: null, lowConfidenceShare: seen && predictions > 0 ? low / predictions : null };
}

describe('status window over scrapes', () => {
  it('sums each step between scrapes once, equal at every poll to summing the window from fresh copies', () => {
    const random = seeded(11);
    const bounds = [
      [5, 10, 25, 50, Infinity],
      [5, 10, 25, 50, 100, Infinity],
    ];
    const scrapes: ScrapePoint[] = [];
    let counts = [0, 0, 0, 0, 0];
    let requests = { total: 0, errors: 0 };
    let predictions = 0;
    let low = 0;
    let shape = 0;
    const tally = emptyTally();
    for (let k = 0; k < 400; k++) {
      const r = random();
      if (r < 0.03) {
        // The server restarted: every counter from zero.
        counts = counts.map(() => 0);
        requests = { total: 0, errors: 0 };
        predictions = 0;
        low = 0;
      } else if (r < 0.05) {
        // A new set of bucket bounds (another server version).
        shape = 1 - shape;
        counts = (bounds[shape] as number[]).map(() => 0);
      }
      let running = 0;
      counts = counts.map((c) => (running += Math.floor(random() * 4)) + c);
      const errors = Math.floor(random() * 2);
      requests = { total: requests.total + errors + Math.floor(random() * 5), errors: requests.errors + errors };
      predictions += Math.floor(random() * 5);
      low += random() < 0.3 ? 1 : 0;
      const point: ScrapePoint = { t: 1000 * k + (random() < 0.05 ? -1500 : 0) };
      if (random() > 0.05) point.latency = (bounds[shape] as number[]).map((le, i) => ({ le, count: counts[i] ?? 0 }));
      if (random() > 0.05) point.requests = { ...requests };
      if (random() > 0.1) {
        point.predictions = predictions;
        point.lowConfidence = low;
      }
      scrapes.push(point);
      // Each poll sums the last 60 scrapes (cached steps) and a fresh copy of them (nothing cached): the same numbers.
      const window = scrapes.slice(-60);
      const fresh = structuredClone(window);
      const summary = summarizeTally(window, tally, () => [], 300_000);
      assert.deepEqual(summary, summarizeTally(fresh, tally, () => [], 300_000), `poll ${k}`);
      assert.deepEqual(summary, reference(fresh), `poll ${k}: the increases summed pair by pair`);
    }
  });
});

describe('DeploymentMonitor status over a moving window', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'mlship-incremental-monitor-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('matches the window counted again from the whole log at every poll, keeping no more history than asked', async () => {
    const random = seeded(11);
    const file = join(dir, 'p.jsonl');
    await writeFile(file, '');
    const T = Date.parse('2026-01-05T10:00:00Z');
    let now = T;
    const windowMs = 60_000;
    const historyMs = 120_000;
    const monitor = new DeploymentMonitor({ name: 'moving', predictions: { jsonl: 'p.jsonl' } }, { root: dir, now: () => now, statusWindowMs: windowMs, historyMs, maxRecords: 100_000 });
    const written: Timed<PredictionRecord>[] = [];
    for (let poll = 0; poll < 80; poll++) {
      const lines: string[] = [];
      const n = poll % 10 === 9 ? 0 : 5 + Math.floor(random() * 40);
      for (let i = 0; i < n; i++) {
        // Mostly in order within the last 5 s; a few lines up to 8 s late.
        const t = now - Math.floor(random() * (random() < 0.1 ? 8000 : 5000));
        const r = randomRecord(random, t, `p${poll}-${i}`);
        written.push({ t, record: r });
        lines.push(JSON.stringify(r));
      }
      // The last line of a batch sometimes arrives in two writes, across polls.
      const text = lines.map((l) => `${l}\n`).join('');
      const split = random() < 0.3 && text.length > 10 ? text.length - 7 : text.length;
      await appendFile(file, text.slice(0, split));
      if (split < text.length) {
        await monitor.poll();
        await appendFile(file, text.slice(split));
      }
      const status = await monitor.poll();
      const inWindow = written.filter((r) => r.t > now - windowMs && r.t <= now).sort((a, b) => a.t - b.t);
      const expected = summarizeWindow([], inWindow, windowMs);
      assert.deepEqual(
        { fallbackRate: status.fallbackRate, lowConfidenceShare: status.lowConfidenceShare, p95Ms: status.p95Ms, errorRate: status.errorRate, throughput: status.throughput },
        { fallbackRate: expected.fallbackRate, lowConfidenceShare: expected.lowConfidenceShare, p95Ms: expected.p95Ms, errorRate: expected.errorRate, throughput: expected.throughput },
        `poll ${poll}`,
      );
      // History is trimmed (amortised: up to a tenth more), never into what the window needs.
      const kept = monitor.collected.predictions;
      const inHistory = written.filter((r) => r.t >= now - historyMs).length;
      assert.ok(kept >= inWindow.length && kept <= Math.ceil(inHistory * 1.12) + 50, `poll ${poll}: kept ${kept}, ${inHistory} in the history window`);
      now += 5000;
    }
    await monitor.close();
  });
});

describe('prediction record scores', () => {
  it('keeps the parsed scores when all are numbers, and only the numbers when some are not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlship-scores-'));
    const file = join(dir, 'p.jsonl');
    const base = { ts: '2026-01-05T10:00:00Z', request_id: 'r', path: 'model', confidence: 0.8 };
    await writeFile(file, `${JSON.stringify({ ...base, output: { label: 1, scores: { '0': 0.2, '1': 0.8 } } })}\n${JSON.stringify({ ...base, output: { label: 1, scores: { '0': 0.2, '1': 'high', '2': null } } })}\n`);
    const source = new PredictionSource({ file });
    const { records } = await source.read();
    assert.deepEqual(records.map((r) => r.record.output?.scores), [{ '0': 0.2, '1': 0.8 }, { '0': 0.2 }]);
    await source.close();
    await rm(dir, { recursive: true, force: true });
  });
});
