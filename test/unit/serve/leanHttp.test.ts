// The local server's lean HTTP/1.1 layer for inference requests, over raw sockets: keep-alive, pipelining (answers in
// request order, also when a later request goes to node:http), bodies split across reads, `Connection: close`, and
// every request it does not serve itself — malformed heads, chunked bodies, HTTP/1.0, over-limit bodies, no Host —
// answered by node:http as before (400, 413, 200).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { resolve, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_PENDING_ANSWERS, parseLeanHead, serveInferenceLean, type LeanHttpOptions, type Responder } from '../../../src/serve/leanHttp';
import { startModelServer, type RunningServer } from '../../../src/serve/server';

const CREDIT = join(resolve(__dirname, '..', '..', '..'), 'test', 'fixtures', 'models', 'credit-risk-v2.onnx');
const PATH = '/v2/models/credit-risk/infer';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function inferBody(id: string): string {
  return JSON.stringify({ id, inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [30, 50000, 0.3, 2, 0, 24] }] });
}

function post(body: string, extra = ''): string {
  return `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

/** Parses every complete answer (Content-Length or chunked bodies) from the bytes a connection received. */
function parseAnswers(bytes: string): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = bytes.slice(at, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    let body = '';
    at = end + 4;
    if (headers['content-length'] !== undefined) {
      body = bytes.slice(at, at + Number(headers['content-length']));
      at += body.length;
    } else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', at);
        const size = parseInt(bytes.slice(at, lineEnd), 16);
        at = lineEnd + 2;
        if (size === 0) {
          at += 2;
          break;
        }
        body += bytes.slice(at, at + size);
        at += size + 2;
      }
    }
    answers.push({ status: Number(statusLine?.split(' ')[1]), headers, body });
  }
  return answers;
}

/**
 * Writes `parts` on one connection (with a pause between parts) and reads until `count` answers came or it closed.
 * `until: 'closed'`: reads until the server ends the connection, whatever the time it takes (for a test that expects
 * the close; a fixed wait after the answers would race the end on a loaded machine). Otherwise, once `count` answers
 * came, an end within 50 ms is noted (`closed`), and the connection is dropped.
 */
function exchange(port: number, parts: readonly string[], count: number, until: 'answers' | 'closed' = 'answers'): Promise<{ answers: Answer[]; closed: boolean }> {
  return new Promise((done, fail) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let closed = false;
    const finish = (): void => {
      socket.destroy();
      done({ answers: parseAnswers(received), closed });
    };
    socket.on('data', (c: Buffer) => {
      received += c.toString('latin1');
      if (until === 'answers' && parseAnswers(received).length >= count) setTimeout(finish, 50);
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('error', fail);
    socket.once('connect', () => {
      void (async () => {
        for (const p of parts) {
          socket.write(p);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    });
  });
}

describe('lean HTTP layer of the local server', () => {
  let server: RunningServer;
  let port: number;

  before(async () => {
    server = await startModelServer({ modelPath: CREDIT, modelName: 'credit-risk', modelVersion: '2', maxBodyBytes: 4096 });
    port = server.endpoint.port;
  });

  after(async () => {
    await server?.close();
  });

  it('answers pipelined inference requests on one connection in order, each with its own id', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const { answers, closed } = await exchange(port, [ids.map((id) => post(inferBody(id))).join('')], ids.length);
    assert.equal(closed, false);
    assert.deepEqual(
      answers.map((a) => [a.status, (JSON.parse(a.body) as { id: string }).id]),
      ids.map((id) => [200, id]),
    );
    for (const a of answers) {
      assert.equal(a.headers['content-type'], 'application/json');
      assert.ok(a.headers.date, 'a Date header');
    }
  });

  it('writes the head and the JSON node:http writes for the same request, for an answer and for an error', async () => {
    const chunked = (body: string): string => `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    for (const [body, status] of [[inferBody('same'), 200], ['{"inputs": [', 400], [JSON.stringify({ id: 'ünï', inputs: [{ name: 'float_input', shape: [2, 6], datatype: 'FP32', data: [0.1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5] }] }), 200]] as const) {
      const lean = (await exchange(port, [post(body)], 1)).answers[0];
      const http = (await exchange(port, [chunked(body)], 1)).answers[0];
      assert.equal(lean?.status, status);
      assert.equal(http?.status, status);
      assert.deepEqual(Object.keys(lean?.headers ?? {}), ['content-type', 'content-length', 'date', 'keep-alive']);
      assert.equal(lean?.headers['content-type'], 'application/json');
      assert.equal(Number(lean?.headers['content-length']), Buffer.byteLength(lean?.body ?? '', 'latin1'));
      assert.match(lean?.headers.date ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.equal(lean?.headers['keep-alive'], 'timeout=5');
      assert.equal(lean?.body, http?.body);
    }
  });

  it('reads a request split anywhere, byte by byte across the head and the body', async () => {
    const text = post(inferBody('split'));
    const parts = [text.slice(0, 7), text.slice(7, 40), text.slice(40, text.indexOf('\r\n\r\n') + 2), text.slice(text.indexOf('\r\n\r\n') + 2, -10), text.slice(-10)];
    const { answers } = await exchange(port, parts, 1);
    assert.equal(answers[0]?.status, 200);
    assert.equal((JSON.parse(answers[0]?.body ?? '{}') as { id: string }).id, 'split');
  });

  it('keeps answers in order when a pipelined request goes to node:http, and serves the connection there after', async () => {
    const parts = [post(inferBody('first')) + 'GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n' + post(inferBody('third'))];
    const { answers } = await exchange(port, parts, 3);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    assert.equal((JSON.parse(answers[0]?.body ?? '{}') as { id: string }).id, 'first');
    assert.deepEqual(JSON.parse(answers[1]?.body ?? '{}'), { live: true });
    assert.equal((JSON.parse(answers[2]?.body ?? '{}') as { id: string }).id, 'third');
  });

  it('reads each head for itself when the heads on a connection repeat and then change', async () => {
    // The same head three times (the layer parses it once), then the same head but for Connection: close, after a
    // head of another length (a longer id), and one that only node:http serves (chunked) in between.
    const body = inferBody('aa');
    const chunkedBody = inferBody('cc');
    const chunked = `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedBody.length.toString(16)}\r\n${chunkedBody}\r\n0\r\n\r\n`;
    const parts = [post(body), post(inferBody('bb')), post(inferBody('ab')), post(inferBody('longer')), post(inferBody('dd'), 'Connection: close\r\n'), post(inferBody('never'))];
    const lean = await exchange(port, [parts.join('')], 6);
    assert.equal(lean.closed, true);
    assert.deepEqual(
      lean.answers.map((a) => [a.status, (JSON.parse(a.body) as { id: string }).id, a.headers.connection]),
      [
        [200, 'aa', undefined],
        [200, 'bb', undefined],
        [200, 'ab', undefined],
        [200, 'longer', undefined],
        [200, 'dd', 'close'],
      ],
    );
    const mixed = await exchange(port, [post(body) + chunked + post(inferBody('ee'))], 3);
    assert.deepEqual(
      mixed.answers.map((a) => [a.status, (JSON.parse(a.body) as { id: string }).id]),
      [
        [200, 'aa'],
        [200, 'cc'],
        [200, 'ee'],
      ],
    );
  });

  it('closes after answering a request with Connection: close, and reads nothing after it', async () => {
    const { answers, closed } = await exchange(port, [post(inferBody('last'), 'Connection: close\r\n') + post(inferBody('never'))], 2, 'closed');
    assert.equal(closed, true);
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.headers.connection, 'close');
    assert.equal((JSON.parse(answers[0]?.body ?? '{}') as { id: string }).id, 'last');
  });

  it('answers a bad inference body with 400 and {"error"}, and keeps the connection', async () => {
    const { answers, closed } = await exchange(port, [post('{"inputs": [') + post(inferBody('after'))], 2);
    assert.equal(closed, false);
    assert.equal(answers[0]?.status, 400);
    assert.match((JSON.parse(answers[0]?.body ?? '{}') as { error: string }).error, /not valid JSON/);
    assert.equal(answers[1]?.status, 200);
  });

  it('leaves chunked bodies, HTTP/1.0 and Expect to node:http, which serves them', async () => {
    const body = inferBody('chunked');
    const chunked = `POST ${PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(20).toString(16)}\r\n${body.slice(0, 20)}\r\n${(body.length - 20).toString(16)}\r\n${body.slice(20)}\r\n0\r\n\r\n`;
    assert.equal((await exchange(port, [chunked], 1)).answers[0]?.status, 200);
    const old = `POST ${PATH} HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const r10 = await exchange(port, [old], 1, 'closed');
    assert.equal(r10.answers[0]?.status, 200);
    assert.equal(r10.answers[0]?.headers.connection, 'close');
    assert.equal(r10.closed, true, 'HTTP/1.0 without keep-alive closes');
    const expect = await exchange(port, [post(body, 'Expect: 100-continue\r\n')], 1);
    assert.ok(expect.answers.some((a) => a.status === 200));
  });

  it('leaves malformed heads to node:http: 400 and the connection closed', async () => {
    const bad = [
      `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}`,
      `POST ${PATH} HTTP/1.1\r\nHost: x\r\nNo colon here\r\nContent-Length: 2\r\n\r\n{}`,
      `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: -2\r\n\r\n{}`,
      `POST ${PATH} HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}`,
      `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n folded\r\n\r\n{}`,
    ];
    for (const text of bad) {
      const r = await exchange(port, [text], 1, 'closed');
      assert.equal(r.answers[0]?.status, 400, JSON.stringify(text));
      assert.equal(r.answers[0]?.headers.connection, 'close', JSON.stringify(text));
      assert.equal(r.closed, true, JSON.stringify(text));
    }
  });

  it('leaves a body over the limit to node:http: 413 with {"error"}', async () => {
    const big = JSON.stringify({ inputs: [{ name: 'float_input', shape: [1000, 6], datatype: 'FP32', data: new Array(6000).fill(1) }] });
    const r = await exchange(port, [post(big)], 1);
    assert.equal(r.answers[0]?.status, 413);
    assert.match(r.answers[0]?.body ?? '', /larger than 4096 bytes/);
  });

  it('reads only well-formed, simple heads of the inference paths', () => {
    const paths = new Set([PATH]);
    const head = (lines: string[]): string => lines.join('\r\n');
    assert.deepEqual(parseLeanHead(head([`POST ${PATH} HTTP/1.1`, 'Host: x', 'content-length: 12']), paths, 100), { bodyLength: 12, close: false });
    assert.deepEqual(parseLeanHead(head([`POST ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length:3', 'Connection: keep-alive, close']), paths, 100), { bodyLength: 3, close: true });
    const refused: [string, string[]][] = [
      ['another path', [`POST ${PATH}?x=1 HTTP/1.1`, 'Host: x', 'Content-Length: 1']],
      ['another method', [`PUT ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length: 1']],
      ['HTTP/1.0', [`POST ${PATH} HTTP/1.0`, 'Host: x', 'Content-Length: 1']],
      ['no Content-Length', [`POST ${PATH} HTTP/1.1`, 'Host: x']],
      ['over the limit', [`POST ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length: 101']],
      ['chunked', [`POST ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length: 1', 'Transfer-Encoding: chunked']],
      ['binary extension', [`POST ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length: 1', 'Inference-Header-Content-Length: 1']],
      ['upgrade', [`POST ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length: 1', 'Connection: Upgrade']],
      ['a space before the colon', [`POST ${PATH} HTTP/1.1`, 'Host: x', 'Content-Length : 1']],
      ['a control character', [`POST ${PATH} HTTP/1.1`, 'Host: x\u0001', 'Content-Length: 1']],
      ['a bare LF', [`POST ${PATH} HTTP/1.1`, 'Host: x\nContent-Length: 1']],
    ];
    for (const [what, lines] of refused) assert.equal(parseLeanHead(head(lines), paths, 100), undefined, what);
  });
});

/** The lean layer in front of a bare node:http server (which answers `node <method> <url> body=<n>`); its sockets. */
async function bare(handle: LeanHttpOptions['handle'], timeouts: { requestTimeoutMs?: number; keepAliveTimeoutMs?: number } = {}): Promise<{ port: number; sockets: Socket[]; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let n = 0;
    req.on('data', (c: Buffer) => (n += c.length));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`node ${req.method} ${req.url} body=${n}`);
    });
  });
  const lean = serveInferenceLean(server, { paths: new Set(['/infer']), maxBodyBytes: 1 << 20, requestTimeoutMs: timeouts.requestTimeoutMs ?? 60_000, requestTimeoutJson: '{"error":"too slow"}', keepAliveTimeoutMs: timeouts.keepAliveTimeoutMs ?? 5_000, handle });
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    sockets,
    server,
    close: () => {
      lean.closeAll();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const leanPost = (body: string, extra = ''): string => `POST /infer HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

/** Connects; collects what arrives and when the server ended or closed the connection. */
function client(port: number): Promise<{ socket: Socket; received: () => string; ended: () => boolean; closed: () => boolean }> {
  return new Promise((done) => {
    let text = '';
    let ended = false;
    let closed = false;
    const socket = connect({ host: '127.0.0.1', port }, () => done({ socket, received: () => text, ended: () => ended, closed: () => closed }));
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('end', () => (ended = true));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
  });
}

describe('lean HTTP layer on its own', () => {
  it('stops reading a pipelining client that does not read its answers, and serves it all once it reads', async () => {
    const pad = 'x'.repeat(20_000);
    let handled = 0;
    const s = await bare((body, _started, r) => {
      handled++;
      r.respond(200, JSON.stringify({ n: body.length, pad }));
    });
    try {
      const socket = connect({ host: '127.0.0.1', port: s.port });
      socket.pause();
      await new Promise((r) => socket.once('connect', r));
      const count = 4000;
      const one = leanPost('{}');
      for (let k = 0; k < count / 500; k++) {
        socket.write(one.repeat(500));
        await sleep(10);
      }
      await sleep(300);
      const server = s.sockets[0] as Socket;
      // Unbounded, the server would hold ~80 MB of answers (4000 × 20 kB) for a client that reads none.
      assert.ok(server.writableLength < 1_000_000, `the server holds ${server.writableLength} bytes of answers`);
      assert.ok(handled < count, `${handled} of ${count} requests read`);
      // The client reads: every answer comes, in order.
      let answers = 0;
      let text = '';
      const all = new Promise<void>((r) =>
        socket.on('data', (c: Buffer) => {
          text += c.toString('latin1');
          let at;
          while ((at = text.indexOf('HTTP/1.1 200 OK')) >= 0) {
            answers++;
            text = text.slice(at + 15);
          }
          if (answers === count) r();
        }),
      );
      socket.resume();
      await all;
      assert.equal(handled, count);
      socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('reads no more than MAX_PENDING_ANSWERS requests ahead of their answers', async () => {
    const waiting: Responder[] = [];
    const s = await bare((_body, _started, r) => void waiting.push(r));
    try {
      const c = await client(s.port);
      const count = MAX_PENDING_ANSWERS * 3 + 5;
      c.socket.write(leanPost('{}').repeat(count));
      await sleep(200);
      const read = waiting.length;
      assert.equal(read, MAX_PENDING_ANSWERS);
      let answered = 0;
      while (answered < count) {
        const r = waiting.shift();
        assert.ok(r, `request ${answered} was read`);
        r.respond(200, `{"k":${answered}}`);
        answered++;
        if (waiting.length === 0) await sleep(20);
      }
      await sleep(50);
      assert.equal((c.received().match(/HTTP\/1\.1 200/g) ?? []).length, count);
      c.socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('answers 408 to a request that trickles in for longer than the request timeout, and closes its connection', async () => {
    const s = await bare((_body, _started, r) => r.respond(200, '{}'), { requestTimeoutMs: 400, keepAliveTimeoutMs: 250 });
    try {
      // A head fed a line every 100 ms (the idle timer never fires), and a body fed a byte every 100 ms.
      const head = await client(s.port);
      head.socket.write('POST /infer HTTP/1.1\r\nHost: x\r\n');
      const body = await client(s.port);
      body.socket.write('POST /infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
      const t0 = Date.now();
      for (let i = 0; i < 20 && !(head.closed() && body.closed()); i++) {
        if (!head.closed()) head.socket.write(`X-${i}: a\r\n`);
        if (!body.closed()) body.socket.write('a');
        await sleep(100);
      }
      assert.ok(head.closed(), 'the trickled head was cut off');
      assert.ok(body.closed(), 'the trickled body was cut off');
      for (const c of [head, body]) assert.match(c.received(), /^HTTP\/1\.1 408 Request Timeout\r\n[^]*\r\nConnection: close\r\n\r\n\{"error":"too slow"\}$/);
      assert.ok(Date.now() - t0 < 1500, `closed after ${Date.now() - t0} ms`);
      // A pipelining client that keeps the connection busy with complete requests is not cut off.
      const busy = await client(s.port);
      for (let i = 0; i < 8; i++) {
        busy.socket.write(leanPost('{}'));
        await sleep(100);
      }
      assert.equal(busy.closed(), false);
      assert.equal((busy.received().match(/HTTP\/1\.1 200/g) ?? []).length, 8);
      busy.socket.destroy();
    } finally {
      await s.close();
    }
  });

  it('answers what is in flight when the client half-closes, then ends; drops an unfinished request at once', async () => {
    const s = await bare((body, _started, r) => void setTimeout(() => r.respond(200, `{"n":${body.length}}`), 100));
    try {
      const whole = await client(s.port);
      const t0 = Date.now();
      whole.socket.end(leanPost('abc') + leanPost('defg'));
      while (!whole.ended() && Date.now() - t0 < 3000) await sleep(20);
      assert.ok(whole.ended(), 'the server ended the connection');
      assert.ok(Date.now() - t0 < 2000, `ended after ${Date.now() - t0} ms`);
      assert.deepEqual(whole.received().match(/\{"n":\d+\}/g), ['{"n":3}', '{"n":4}']);

      // More requests than are read ahead of their answers, then the end: every one is still answered.
      const many = await client(s.port);
      const count = MAX_PENDING_ANSWERS * 3 + 5;
      const t2 = Date.now();
      many.socket.end(leanPost('abc').repeat(count));
      while (!many.ended() && Date.now() - t2 < 5000) await sleep(20);
      assert.ok(many.ended(), 'the server ended the connection');
      assert.equal((many.received().match(/\{"n":3\}/g) ?? []).length, count);

      const partial = await client(s.port);
      const t1 = Date.now();
      partial.socket.end(leanPost('abcdef').slice(0, -2));
      while (!partial.closed() && Date.now() - t1 < 3000) await sleep(20);
      assert.ok(partial.closed(), 'the server closed the connection');
      assert.ok(Date.now() - t1 < 2000, `closed after ${Date.now() - t1} ms`);
      assert.equal(partial.received(), '');
    } finally {
      await s.close();
    }
  });

  it('hands a head with bare LF line ends to node:http, which answers 400 at once', async () => {
    const s = await bare((_body, _started, r) => r.respond(200, '{}'));
    try {
      const c = await client(s.port);
      c.socket.write('POST /infer HTTP/1.1\nHost: x\nContent-Length: 2\n\nab');
      const t0 = Date.now();
      while (!c.closed() && Date.now() - t0 < 3000) await sleep(20);
      assert.match(c.received(), /^HTTP\/1\.1 400 /);
      assert.ok(Date.now() - t0 < 2000, `answered after ${Date.now() - t0} ms`);
      // A bare LF after a CRLF line too.
      const d = await client(s.port);
      d.socket.write('POST /infer HTTP/1.1\r\nHost: x\nContent-Length: 2\n\nab');
      const t1 = Date.now();
      while (!d.closed() && Date.now() - t1 < 3000) await sleep(20);
      assert.match(d.received(), /^HTTP\/1\.1 400 /);
    } finally {
      await s.close();
    }
  });

  it('hands node:http the end of a client that half-closed while the answers before the hand-over were written', async () => {
    // The lean request's answer takes 100 ms; the request after it goes to node:http once that answer is written. The
    // client's end arrives in the meantime: node:http must still get the bytes and the end, answer, and close.
    const s = await bare((body, _started, r) => void setTimeout(() => r.respond(200, `{"n":${body.length}}`), 100));
    try {
      for (const [next, want] of [
        ['POST /infer HTTP/1.1\nHost: x\nContent-Length: 2\n\nab', /^HTTP\/1\.1 400 /],
        ['GET /other HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 200 OK[^]*\r\nnode GET \/other body=0\r\n/],
      ] as const) {
        const c = await client(s.port);
        const t0 = Date.now();
        c.socket.end(leanPost('abc') + next);
        while (!c.closed() && Date.now() - t0 < 8000) await sleep(20);
        assert.ok(c.closed(), `the connection was closed (${JSON.stringify(next)})`);
        // Not held open until node:http's keep-alive timeout (5 s): the end reached it.
        assert.ok(Date.now() - t0 < 4500, `closed after ${Date.now() - t0} ms`);
        const received = c.received();
        const second = received.indexOf('HTTP/1.1', 1);
        assert.ok(second > 0, `node:http answered too: ${JSON.stringify(received)}`);
        assert.match(received.slice(0, second), /^HTTP\/1\.1 200 OK[^]*\{"n":3\}$/, 'the lean answer first');
        assert.match(received.slice(second), want);
      }
    } finally {
      await s.close();
    }
  });
});
