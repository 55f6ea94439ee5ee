// Following prediction and feedback logs: appends split mid-line, rotation by rename (the old file's tail is not
// lost), truncation, a start near the end of a big file, bad lines with their numbers, a URL source, and KServe's
// CloudEvents payload logs paired into prediction records.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CloudEventsAssembler, FeedbackSource, JsonlTail, parseCloudEvent, PredictionSource, KSERVE_REQUEST, KSERVE_RESPONSE } from '../../../src/core/deployments/predictionLog';
import type { PredictionRecord } from '../../../src/core/deployments/records';

/** A record as written: `model_version` is null when no model gave the answer. */
const record = (id: string, extra: Partial<Omit<PredictionRecord, 'model_version'>> & { model_version?: string | null } = {}): string =>
  JSON.stringify({ ts: '2026-01-05T10:00:00Z', feature: 'f', model: 'm', model_version: '2', request_id: id, input_hash: 'h', inputs: { a: 1 }, output: { label: 1, scores: { '0': 0.2, '1': 0.8 } }, confidence: 0.8, path: 'model', reason: null, latency_ms: 3.5, variant: null, ...extra });

describe('JsonlTail', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'mlship-tail-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('returns complete lines only, keeping a half-written line for the next read', async () => {
    const file = join(dir, 'a.jsonl');
    await writeFile(file, '{"n":1}\n{"n":2}\n{"n":');
    const tail = new JsonlTail(file);
    assert.deepEqual((await tail.read()).lines, [{ text: '{"n":1}', line: 1 }, { text: '{"n":2}', line: 2 }]);
    assert.deepEqual((await tail.read()).lines, []);
    await appendFile(file, '3}\n\n{"n":4}\n');
    assert.deepEqual((await tail.read()).lines, [{ text: '{"n":3}', line: 3 }, { text: '{"n":4}', line: 5 }]);
    await tail.close();
  });

  it('reads asked for at once read each line once, one after the other', async () => {
    const file = join(dir, 'concurrent.jsonl');
    await writeFile(file, '{"n":1}\n{"n":2}\n');
    const tail = new JsonlTail(file);
    const [first, second] = await Promise.all([tail.read(), tail.read()]);
    assert.deepEqual(first.lines.map((l) => l.text), ['{"n":1}', '{"n":2}']);
    assert.deepEqual(second.lines, []);
    await tail.close();
  });

  it('closed while a read runs: the read ends, the file is released, and later reads read nothing', async () => {
    const file = join(dir, 'closing.jsonl');
    await writeFile(file, '{"n":1}\n');
    // The descriptors of this process open on the log file (counting all of them would count the runtime's own, which
    // open and close on their own schedule).
    const openFiles = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false;
        }
      }).length;
    const before = openFiles();
    assert.equal(before, 0);
    // Closed before the read began: it reads nothing.
    const early = new JsonlTail(file);
    const unread = early.read();
    await early.close();
    assert.deepEqual((await unread).lines, []);
    // Closed at whatever point a read has reached (its stat, its open, its read): it ends, and nothing stays open.
    for (let turns = 1; turns <= 6; turns++) {
      const tail = new JsonlTail(file);
      const reading = tail.read();
      for (let t = 0; t < turns; t++) await new Promise((r) => setImmediate(r));
      await tail.close();
      assert.ok((await reading).lines.length <= 1);
      assert.equal(openFiles(), before, `closed after ${turns} turns`);
      await appendFile(file, '{"n":2}\n');
      assert.deepEqual((await tail.read()).lines, []);
      await writeFile(file, '{"n":1}\n');
    }
    assert.equal(openFiles(), before);
  });

  it('follows a rotation by rename: drains the old file, then reads the new one from its start', async () => {
    const file = join(dir, 'b.jsonl');
    await writeFile(file, 'one\n');
    const tail = new JsonlTail(file);
    assert.deepEqual((await tail.read()).lines.map((l) => l.text), ['one']);
    await appendFile(file, 'two\n');
    await rename(file, `${file}.1`);
    await writeFile(file, 'three\n');
    const r = await tail.read();
    assert.equal(r.rotated, true);
    assert.deepEqual(r.lines.map((l) => l.text), ['two', 'three']);
    assert.equal(r.lines[1]?.line, 1);
    await tail.close();
  });

  it('starts over when the file is truncated in place, and reports a missing file', async () => {
    const file = join(dir, 'c.jsonl');
    const tail = new JsonlTail(file);
    assert.equal((await tail.read()).missing, true);
    await writeFile(file, 'a\nb\nc\n');
    assert.equal((await tail.read()).lines.length, 3);
    await truncate(file, 0);
    await appendFile(file, 'd\n');
    const r = await tail.read();
    assert.equal(r.rotated, true);
    assert.deepEqual(r.lines.map((l) => l.text), ['d']);
    await tail.close();
  });

  it('can start near the end of a big file, skipping the line it lands in, and reads in bounded steps', async () => {
    const file = join(dir, 'd.jsonl');
    await writeFile(file, Array.from({ length: 1000 }, (_, i) => `line-${String(i).padStart(4, '0')}`).join('\n') + '\n');
    const tail = new JsonlTail(file, { tailBytes: 35 });
    const lines = (await tail.read()).lines.map((l) => l.text);
    assert.deepEqual(lines, ['line-0997', 'line-0998', 'line-0999']);
    await tail.close();
    const stepwise = new JsonlTail(file, { maxReadBytes: 1000 });
    let total = 0;
    for (let i = 0; i < 20; i++) total += (await stepwise.read()).lines.length;
    assert.equal(total, 1000);
    await stepwise.close();
  });

  it('skips an over-long line with a problem instead of growing without bound', async () => {
    const file = join(dir, 'e.jsonl');
    await writeFile(file, `ok\n${'x'.repeat(5000)}\nafter\n`);
    const tail = new JsonlTail(file, { maxLineBytes: 1000, maxReadBytes: 2000 });
    const seen: string[] = [];
    const problems: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await tail.read();
      seen.push(...r.lines.map((l) => l.text));
      problems.push(...r.problems.map((p) => p.message));
    }
    assert.deepEqual(seen, ['ok', 'after']);
    assert.match(problems[0] ?? '', /longer than 1000 bytes/);
    await tail.close();
  });
});

describe('prediction and feedback sources', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'mlship-logs-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('parses design.md records and reports bad lines with their numbers', async () => {
    const file = join(dir, 'p.jsonl');
    // r2: a fallback's answer that no model gave (a rule or default) names no model version.
    await writeFile(file, [record('r1'), '{not json', JSON.stringify({ ts: 'yesterday', request_id: 'x' }), record('r2', { path: 'fallback', reason: 'timeout', output: null, confidence: null, model_version: null }), JSON.stringify({ ts: '2026-01-05T10:00:00Z', request_id: 'r3', path: 'maybe' })].join('\n') + '\n');
    const source = new PredictionSource({ file });
    const r = await source.read();
    assert.deepEqual(r.records.map((x) => x.record.request_id), ['r1', 'r2']);
    assert.equal(r.records[1]?.record.path, 'fallback');
    assert.equal(r.records[1]?.record.model_version, '');
    assert.equal(r.records[0]?.t, Date.parse('2026-01-05T10:00:00Z'));
    assert.deepEqual(r.problems.map((p) => [p.line, p.message]), [
      [2, 'not valid JSON'],
      [3, '"ts" is missing or not an ISO 8601 time'],
      [5, '"path" must be model, fallback or abstain (got "maybe")'],
    ]);
    await source.close();
  });

  it('reads the sample feedback log (other sources than the three are kept as they are)', async () => {
    const source = new FeedbackSource({ file: join(__dirname, '..', '..', '..', 'samples', 'data', 'feedback', 'feedback-2025-11-14.jsonl') });
    const r = await source.read();
    assert.ok(r.records.length > 5);
    assert.deepEqual(r.problems, []);
    assert.equal(r.records[0]?.record.source, 'collections');
    await source.close();
  });

  it('reads a log served over HTTP', async () => {
    const server = createServer((_req, res) => res.end(`${record('u1')}\n${record('u2')}\n`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log.jsonl`;
    try {
      const r = await new PredictionSource({ url }).read();
      assert.deepEqual(r.records.map((x) => x.record.request_id), ['u1', 'u2']);
    } finally {
      server.close();
    }
  });
});

describe('KServe CloudEvents payload logs', () => {
  const event = (type: string, id: string, time: string, data: unknown): Record<string, unknown> => ({ specversion: '1.0', type, source: 'http://localhost:9081/', id, time, datacontenttype: 'application/json', inferenceservicename: 'sklearn-iris', namespace: 'default', component: 'predictor', data });

  it('pairs v1 request and response events by id, one record per instance, with the latency between them', () => {
    const a = new CloudEventsAssembler(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    const req = parseCloudEvent(event(KSERVE_REQUEST, 'ev-1', '2026-01-05T10:00:00.000Z', { instances: [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]] }));
    const res = parseCloudEvent(event(KSERVE_RESPONSE, 'ev-1', '2026-01-05T10:00:00.012Z', { predictions: [1, 1] }));
    assert.ok(req.ok && res.ok);
    assert.deepEqual(a.add([req.value]), [], 'waits for the response');
    const records = a.add([res.value]);
    assert.equal(records.length, 2);
    assert.equal(records[0]?.record.request_id, 'ev-1/0');
    assert.deepEqual(records[0]?.record.inputs, { sepal_length: 6.8, sepal_width: 2.8, petal_length: 4.8, petal_width: 1.4 });
    assert.equal(records[1]?.record.output?.label, 1);
    assert.equal(records[0]?.record.latency_ms, 12);
    assert.equal(records[0]?.record.model, 'sklearn-iris');
  });

  it('reads v2 (OIP) payloads, base64 data, binary-mode header names, and rejects other events', () => {
    const a = new CloudEventsAssembler(['x', 'y']);
    const v2req = parseCloudEvent({ 'ce-type': KSERVE_REQUEST, 'ce-id': 'e2', 'ce-time': '2026-01-05T10:00:01Z', data_base64: Buffer.from(JSON.stringify({ inputs: [{ name: 'in', shape: [1, 2], datatype: 'FP32', data: [0.5, 2] }] })).toString('base64') });
    const v2res = parseCloudEvent({ type: KSERVE_RESPONSE, id: 'e2', time: '2026-01-05T10:00:01.004Z', data: { outputs: [{ name: 'label', shape: [1], datatype: 'INT64', data: [0] }, { name: 'probabilities', shape: [1, 2], datatype: 'FP32', data: [0.9, 0.1] }] } });
    assert.ok(v2req.ok && v2res.ok);
    const [rec] = a.add([v2res.value, v2req.value]);
    assert.deepEqual(rec?.record.inputs, { x: 0.5, y: 2 });
    assert.deepEqual(rec?.record.output, { label: 0, scores: { '0': 0.9, '1': 0.1 } });
    assert.equal(rec?.record.confidence, 0.9);
    assert.equal(parseCloudEvent({ type: 'com.example.other', id: '1' }).ok, false);
    assert.equal(parseCloudEvent({ type: KSERVE_REQUEST }).ok, false);
  });

  it('a kserve-format source turns a JSONL of events into prediction records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlship-kserve-'));
    try {
      const file = join(dir, 'events.jsonl');
      await writeFile(file, [event(KSERVE_REQUEST, 'k1', '2026-01-05T10:00:00Z', { instances: [[1, 2]] }), event(KSERVE_RESPONSE, 'k1', '2026-01-05T10:00:00.003Z', { predictions: [0] }), { type: 'junk' }].map((e) => JSON.stringify(e)).join('\n') + '\n');
      const source = new PredictionSource({ file }, { format: 'kserve' });
      const r = await source.read();
      await source.close();
      assert.deepEqual(r.records.map((x) => x.record.request_id), ['k1']);
      assert.equal(r.problems[0]?.line, 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
