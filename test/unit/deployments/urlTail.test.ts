// Following a JSONL log behind a URL: against a real nginx (byte ranges) only what is new is sent, a replaced log is
// read again, a log longer than the read cap is followed from its end; against a server that ignores ranges, what
// was read before is skipped. Every line is returned once.
import assert from 'node:assert/strict';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FeedbackSource, UrlTail } from '../../../src/core/deployments/predictionLog';
import { startNginx, type NginxServer } from './nginxServer';

const line = (i: number, pad = 0): string => `${JSON.stringify({ i, pad: 'x'.repeat(pad) })}\n`;
const lines = (from: number, to: number, pad = 0): string => Array.from({ length: to - from }, (_, k) => line(from + k, pad)).join('');
const numbers = (r: { lines: { text: string }[] }): number[] => r.lines.map((l) => (JSON.parse(l.text) as { i: number }).i);
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, k) => a + k);

describe('UrlTail against nginx (byte ranges)', () => {
  let nginx: NginxServer;
  before(async () => (nginx = await startNginx()));
  after(async () => nginx?.close());

  it('reads only what was appended, holds back a line still being written, and numbers lines as in the document', async () => {
    const file = join(nginx.root, 'append.jsonl');
    await writeFile(file, lines(0, 200, 40));
    const tail = new UrlTail(`${nginx.url}/append.jsonl`);
    assert.deepEqual(numbers(await tail.read()), range(0, 200));
    const size = Buffer.byteLength(lines(0, 200, 40));
    await appendFile(file, lines(200, 203, 40) + line(203, 40).slice(0, 10));
    const r = await tail.read();
    assert.deepEqual(numbers(r), [200, 201, 202]);
    assert.deepEqual(r.lines.map((l) => l.line), [201, 202, 203]);
    assert.equal(r.rotated, false);
    assert.deepEqual(numbers(await tail.read()), []);
    await appendFile(file, line(203, 40).slice(10));
    assert.deepEqual(numbers(await tail.read()), [203]);
    const requests = await nginx.requests();
    assert.deepEqual(requests.map((q) => q.status), [206, 206, 206, 206]);
    // After the first read, each asks only for the bytes after what was read (and the few before it): not the log.
    for (const q of requests.slice(1)) assert.ok(q.bytes < 600, `${q.range}: ${q.bytes} bytes of a ${size}-byte log`);
  });

  it('reads a log replaced by another (rotated, truncated) again from its start, and says so', async () => {
    const file = join(nginx.root, 'rotate.jsonl');
    await writeFile(file, lines(0, 50));
    const tail = new UrlTail(`${nginx.url}/rotate.jsonl`);
    assert.deepEqual(numbers(await tail.read()), range(0, 50));
    // Rotated: a new, longer log (the bytes where the old one ended differ).
    await rename(file, `${file}.1`);
    await writeFile(file, lines(1000, 1100));
    const rotated = await tail.read();
    assert.equal(rotated.rotated, true);
    assert.deepEqual(numbers(rotated), range(1000, 1100));
    // Truncated to less than what was read.
    await writeFile(file, lines(2000, 2003));
    const truncated = await tail.read();
    assert.equal(truncated.rotated, true);
    assert.deepEqual(numbers(truncated), range(2000, 2003));
    assert.deepEqual(truncated.lines.map((l) => l.line), [1, 2, 3]);
    // Emptied, then written again.
    await writeFile(file, '');
    assert.deepEqual(numbers(await tail.read()), []);
    await appendFile(file, lines(3000, 3002));
    assert.deepEqual(numbers(await tail.read()), [3000, 3001]);
  });

  it('follows a log longer than the read cap from its end, and catches up with a burst over several reads', async () => {
    const file = join(nginx.root, 'long.jsonl');
    await writeFile(file, lines(0, 5000, 20));
    const maxBytes = 16 * 1024;
    const tail = new UrlTail(`${nginx.url}/long.jsonl`, { maxBytes });
    const first = numbers(await tail.read());
    // The last lines only, starting at a whole line, ending at the last.
    assert.ok(first.length > 300 && first.length < 5000, `${first.length} lines`);
    assert.deepEqual(first, range(5000 - first.length, 5000));
    await appendFile(file, lines(5000, 8000, 20));
    const seen: number[] = [];
    let reads = 0;
    for (let r = numbers(await tail.read()); r.length > 0; r = numbers(await tail.read())) {
      seen.push(...r);
      reads++;
    }
    assert.deepEqual(seen, range(5000, 8000));
    assert.ok(reads >= 5, `${reads} reads of at most ${maxBytes} bytes`);
    for (const q of await nginx.requests()) assert.ok(q.bytes <= maxBytes, `${q.range}: ${q.bytes} bytes`);
  });

  it('skips a line longer than a whole read with a problem, and goes on with the next', async () => {
    const file = join(nginx.root, 'huge-line.jsonl');
    const tail = new UrlTail(`${nginx.url}/huge-line.jsonl`, { maxBytes: 16 * 1024 });
    await writeFile(file, lines(0, 3));
    assert.deepEqual(numbers(await tail.read()), [0, 1, 2]);
    await appendFile(file, `${JSON.stringify({ i: -1, pad: 'y'.repeat(40_000) })}\n${lines(3, 6)}`);
    const seen: number[] = [];
    const problems: string[] = [];
    for (let k = 0; k < 10; k++) {
      const r = await tail.read();
      seen.push(...numbers(r));
      problems.push(...r.problems.map((p) => `line ${p.line}: ${p.message}`));
    }
    assert.deepEqual(seen, [3, 4, 5]);
    assert.deepEqual(problems.length, 1, problems.join('; '));
    assert.match(problems[0] as string, /^line 4: a line longer than \d+ bytes was skipped$/);
  });

  it('reads feedback served by nginx each record once, poll after poll', async () => {
    const file = join(nginx.root, 'feedback.jsonl');
    const fb = (i: number): string => `${JSON.stringify({ ts: '2026-01-05T10:00:00Z', request_id: `r${i}`, feature: 'f', label: i % 2, source: 'review', note: null })}\n`;
    await writeFile(file, fb(0) + fb(1));
    const source = new FeedbackSource({ url: `${nginx.url}/feedback.jsonl` });
    assert.deepEqual((await source.read()).records.map((r) => r.record.request_id), ['r0', 'r1']);
    await appendFile(file, fb(2));
    assert.deepEqual((await source.read()).records.map((r) => r.record.request_id), ['r2']);
    assert.deepEqual((await source.read()).records, []);
  });
});

describe('UrlTail against a server that ignores ranges', () => {
  let server: Server;
  let body = Buffer.alloc(0);
  let url = '';
  before(async () => {
    server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log.jsonl`;
  });
  after(() => server.close());

  it('returns only the new lines of the whole document it is sent, and the whole of a replaced one', async () => {
    body = Buffer.from(lines(0, 10));
    const tail = new UrlTail(url);
    assert.deepEqual(numbers(await tail.read()), range(0, 10));
    body = Buffer.from(lines(0, 12) + line(12).slice(0, 5));
    assert.deepEqual(numbers(await tail.read()), [10, 11]);
    body = Buffer.from(lines(0, 13));
    assert.deepEqual(numbers(await tail.read()), [12]);
    body = Buffer.from(lines(500, 520));
    const replaced = await tail.read();
    assert.equal(replaced.rotated, true);
    assert.deepEqual(numbers(replaced), range(500, 520));
  });
});

