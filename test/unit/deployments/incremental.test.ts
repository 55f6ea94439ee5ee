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
import { emptyTally, SlidingTally, summarizeWindow, tallyRecord } from '../../../src/core/deployments/series';
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
