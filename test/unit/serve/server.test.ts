// Conformance of the local server with the Open Inference Protocol v2 REST spec, on the fixture models: health and
// metadata, infer with the spec's JSON shapes (flat and nested data, every datatype), `id` echoed, `{"error": …}` with
// 400/404/405/413, loopback only, outputs equal to onnxruntime-node's in this process, /metrics, prediction and
// feedback logs in design.md's record format; and answers holding NaN or ±Infinity refused with an error, counted as
// errors and logged as error records.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { parseExposition } from '../../../src/core/deployments/prometheus';
import { scrapePoint } from '../../../src/core/deployments/scrape';
import { parsePredictionRecord, parseFeedbackRecord } from '../../../src/core/deployments/records';
import { startModelServer, type RunningServer } from '../../../src/serve/server';

const ROOT = resolve(__dirname, '..', '..', '..');
const MODELS = join(ROOT, 'test', 'fixtures', 'models');
const CREDIT = join(MODELS, 'credit-risk-v2.onnx');
const CREDIT_FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed'];

interface Expected {
  file: string;
  kind: string;
  atol: number;
  input: { name: string; dtype: string; shape: number[]; rows: number[][]; featureNames: string[] };
  expected: Record<string, unknown[]>;
}

async function call(base: string, path: string, init: { method?: string; body?: unknown; raw?: string } = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    ...(init.body !== undefined || init.raw !== undefined ? { body: init.raw ?? JSON.stringify(init.body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

async function referenceOutputs(file: string, name: string, rows: number[][]): Promise<Record<string, { dims: number[]; data: unknown[] }>> {
  const session = await ort.InferenceSession.create(file);
  try {
    const out = await session.run({ [name]: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0]?.length ?? 0]) });
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v)) }]));
  } finally {
    await session.release();
  }
}

describe('local OIP v2 server', () => {
  let dir: string;
  let server: RunningServer;
  let base: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-serve-'));
    server = await startModelServer({
      modelPath: CREDIT,
      modelName: 'credit-risk',
      modelVersion: '2',
      feature: 'credit-decision',
      predictionLog: join(dir, 'predictions.jsonl'),
      feedbackLog: join(dir, 'feedback.jsonl'),
      featureNames: CREDIT_FEATURES,
      classLabels: ['0', '1'],
      maxBodyBytes: 64 * 1024,
    });
    base = server.endpoint.url;
  });

  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the health, server metadata and model metadata endpoints with the spec shapes', async () => {
    assert.deepEqual((await call(base, '/v2/health/live')).json, { live: true });
    assert.deepEqual((await call(base, '/v2/health/ready')).json, { ready: true });
    const meta = await call(base, '/v2');
    assert.equal(meta.status, 200);
    assert.equal(meta.json.name, 'mlship');
    assert.equal(typeof meta.json.version, 'string');
    assert.ok(Array.isArray(meta.json.extensions));
    const model = await call(base, '/v2/models/credit-risk');
    assert.deepEqual(model.json, {
      name: 'credit-risk',
      versions: ['2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 6] }],
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
    assert.deepEqual((await call(base, '/v2/models/credit-risk/versions/2')).json, model.json);
    assert.deepEqual((await call(base, '/v2/models/credit-risk/ready')).json, { name: 'credit-risk', ready: true });
    assert.deepEqual((await call(base, '/v2/models/credit-risk/versions/2/ready')).json, { name: 'credit-risk', ready: true });
    assert.match(model.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('infers with flat and nested data, echoes the id, and equals onnxruntime-node on every fixture model', async () => {
    const expected = (JSON.parse(await readFile(join(MODELS, 'expected-outputs.json'), 'utf8')) as { models: Expected[] }).models;
    for (const m of expected) {
      const s = m.file === 'credit-risk-v2.onnx' ? server : await startModelServer({ modelPath: join(MODELS, m.file), modelName: 'm', modelVersion: '1' });
      try {
        const name = s === server ? 'credit-risk' : 'm';
        const ref = await referenceOutputs(join(MODELS, m.file), m.input.name, m.input.rows);
        for (const [shape, data] of [['nested', m.input.rows], ['flat', m.input.rows.flat()]] as const) {
          const id = `${m.file}-${shape}`;
          const r = await call(s.endpoint.url, `/v2/models/${name}/infer`, { body: { id, inputs: [{ name: m.input.name, shape: m.input.shape, datatype: 'FP32', data }] } });
          assert.equal(r.status, 200, JSON.stringify(r.json));
          assert.equal(r.json.id, id);
          assert.equal(r.json.model_name, name);
          const outputs = r.json.outputs as { name: string; shape: number[]; datatype: string; data: number[] }[];
          assert.deepEqual(outputs.map((o) => o.name).sort(), Object.keys(ref).sort());
          for (const o of outputs) {
            const want = ref[o.name];
            assert.ok(want);
            assert.deepEqual(o.shape, want.dims, `${m.file} ${o.name} shape`);
            assert.deepEqual(o.data, want.data, `${m.file} ${o.name} equals onnxruntime-node`);
            assert.equal(o.datatype, o.name === 'label' ? 'INT64' : 'FP32');
            // And within the fixture's tolerance of scikit-learn's float64 reference.
            const sk = (m.expected[o.name] ?? []).flat() as number[];
            o.data.forEach((v, i) => assert.ok(Math.abs(v - (sk[i] as number)) <= m.atol, `${m.file} ${o.name}[${i}] ${v} vs ${sk[i]}`));
          }
        }
      } finally {
        if (s !== server) await s.close();
      }
    }
  });

  it('returns only the requested outputs and makes up an id when none is given', async () => {
    const r = await call(base, '/v2/models/credit-risk/versions/2/infer', { body: { inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [30, 50000, 0.3, 2, 0, 24] }], outputs: [{ name: 'probabilities' }] } });
    assert.equal(r.status, 200);
    assert.equal(r.json.model_version, '2');
    assert.match(String(r.json.id), /^[0-9a-f-]{36}$/);
    assert.deepEqual((r.json.outputs as { name: string }[]).map((o) => o.name), ['probabilities']);
  });

  it('round-trips every OIP datatype through a model of Identity nodes', async () => {
    const s = await startModelServer({ modelPath: join(ROOT, 'test', 'fixtures', 'serve', 'dtypes.onnx'), modelName: 'dtypes', modelVersion: '1' });
    try {
      const inputs = [
        { name: 'bool_in', datatype: 'BOOL', data: [[true, false], [false, true]] },
        { name: 'uint8_in', datatype: 'UINT8', data: [[0, 255], [7, 8]] },
        { name: 'uint16_in', datatype: 'UINT16', data: [[0, 65535], [1, 2]] },
        { name: 'uint32_in', datatype: 'UINT32', data: [[0, 4294967295], [1, 2]] },
        { name: 'uint64_in', datatype: 'UINT64', data: [[0, 9007199254740991], [1, '18446744073709551615']] },
        { name: 'int8_in', datatype: 'INT8', data: [[-128, 127], [0, 1]] },
        { name: 'int16_in', datatype: 'INT16', data: [[-32768, 32767], [0, 1]] },
        { name: 'int32_in', datatype: 'INT32', data: [[-2147483648, 2147483647], [0, 1]] },
        { name: 'int64_in', datatype: 'INT64', data: [[-9007199254740991, 42], ['-9223372036854775808', 1]] },
        { name: 'fp16_in', datatype: 'FP16', data: [[0.5, -2], [65504, 0.0999755859375]] },
        { name: 'fp32_in', datatype: 'FP32', data: [[0.5, -1.25], [3.4028234663852886e38, 1]] },
        { name: 'fp64_in', datatype: 'FP64', data: [[0.1, -1e300], [Math.PI, 2]] },
        { name: 'bytes_in', datatype: 'BYTES', data: [['a', 'héllo'], ['', '日本']] },
      ];
      const r = await call(s.endpoint.url, '/v2/models/dtypes/infer', { body: { id: 'dt', inputs: inputs.map((i) => ({ ...i, shape: [2, 2] })) } });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const byName = new Map((r.json.outputs as { name: string; datatype: string; shape: number[]; data: unknown[] }[]).map((o) => [o.name, o]));
      for (const i of inputs) {
        const o = byName.get(i.name.replace('_in', '_out'));
        assert.ok(o, i.name);
        assert.equal(o.datatype, i.datatype);
        assert.deepEqual(o.shape, [2, 2]);
        // 64-bit values beyond 2^53 come back as strings, exactly.
        assert.deepEqual(o.data, i.data.flat(), i.name);
      }
      // A 64-bit integer beyond ±2^53 sent as a JSON number has already lost digits: 400, asking for a string.
      const all = (int64: unknown): unknown => ({ inputs: inputs.map((i) => ({ ...i, shape: [2, 2], ...(i.name === 'int64_in' ? { data: int64 } : {}) })) });
      const raw = JSON.stringify(all([[1, 2], [3, 0]])).replace('[[1,2],[3,0]]', '[[1,2],[3,9007199254740993]]');
      const lossy = await call(s.endpoint.url, '/v2/models/dtypes/infer', { raw });
      assert.equal(lossy.status, 400);
      assert.match(String(lossy.json.error), /input "int64_in": element 3 \(9007199254740992\) is not exact.*as strings/);
    } finally {
      await s.close();
    }
  });

  it('answers malformed requests with 400 and {"error"}, naming what is wrong', async () => {
    const infer = (body: unknown, raw?: string) => call(base, '/v2/models/credit-risk/infer', raw !== undefined ? { raw } : { body });
    const input = (over: Record<string, unknown>) => ({ inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6], ...over }] });
    const cases: [string, Promise<{ status: number; json: Record<string, unknown> }>, RegExp][] = [
      ['invalid JSON', infer(undefined, '{"inputs": ['), /not valid JSON/],
      ['not an object', infer([1, 2]), /JSON object/],
      ['no inputs', infer({ inputs: [] }), /"inputs" must be a non-empty array/],
      ['id not a string', infer({ id: 5, ...input({}) }), /"id" must be a string/],
      ['unknown datatype', infer(input({ datatype: 'FLOAT' })), /"datatype" must be one of BOOL/],
      ['wrong datatype for the model', infer(input({ datatype: 'FP64' })), /must be FP32, got FP64/],
      ['too few elements', infer(input({ data: [1, 2, 3] })), /has 3 elements but shape \[1, 6\] needs 6/],
      ['nested data not matching the shape', infer(input({ shape: [2, 3], data: [[1, 2, 3], [4, 5]] })), /data\[1\]" should be an array of 3/],
      ['wrong width', infer(input({ shape: [1, 5], data: [1, 2, 3, 4, 5] })), /dimension 1 must be 6, got 5/],
      ['wrong rank', infer(input({ shape: [6], data: [1, 2, 3, 4, 5, 6] })), /must have 2 dimensions/],
      ['a string in FP32 data', infer(input({ data: [1, 2, 'x', 4, 5, 6] })), /element 2 \("x"\) is not a number/],
      ['unknown input', infer({ inputs: [{ name: 'nope', shape: [1], datatype: 'FP32', data: [1] }] }), /Unknown input "nope"/],
      ['missing name', infer({ inputs: [{ shape: [1], datatype: 'FP32', data: [1] }] }), /"name" must be a non-empty string/],
      ['negative shape', infer(input({ shape: [-1, 6] })), /"shape" must be an array of whole numbers/],
      ['unknown output', infer({ ...input({}), outputs: [{ name: 'nope' }] }), /Unknown output "nope"/],
      ['int out of range', call(base, '/v2/models/credit-risk/infer', { body: { inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [1, 2, 3, 4, 5, null] }] } }), /element 5 \(null\) is not a number/],
    ];
    for (const [what, pending, message] of cases) {
      const r = await pending;
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.json)}`);
      assert.deepEqual(Object.keys(r.json), ['error'], what);
      assert.match(String(r.json.error), message, what);
    }
  });

  it('answers 404 for unknown models, versions and paths, and 405 for the wrong method', async () => {
    for (const path of ['/v2/models/other', '/v2/models/other/infer', '/v2/models/credit-risk/versions/9', '/v2/models/credit-risk/versions/9/infer', '/v2/nope', '/predict', '/v2/models/credit-risk/explain']) {
      const r = await call(base, path, path.endsWith('infer') ? { body: { inputs: [] } } : {});
      assert.equal(r.status, 404, path);
      assert.equal(typeof r.json.error, 'string', path);
    }
    assert.match(String((await call(base, '/v2/models/other')).json.error), /Unknown model "other"; this server serves "credit-risk"/);
    const wrong = await call(base, '/v2/models/credit-risk/infer', { method: 'GET' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.equal(typeof wrong.json.error, 'string');
  });

  it('answers 400 to a requested output the protocol cannot carry, and to an output asked for twice', async () => {
    const s = await startModelServer({ modelPath: join(ROOT, 'test', 'fixtures', 'serve', 'sequence.onnx'), modelName: 'seq', modelVersion: '1' });
    try {
      const ask = (outputs: string[]) => call(s.endpoint.url, '/v2/models/seq/infer', { body: { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }], outputs: outputs.map((name) => ({ name })) } });
      const sequence = await ask(['rows']);
      assert.equal(sequence.status, 400);
      assert.match(String(sequence.json.error), /Output "rows" is a non-tensor the Open Inference Protocol cannot carry; ask for y/);
      const twice = await ask(['y', 'y']);
      assert.equal(twice.status, 400);
      assert.match(String(twice.json.error), /Output "y" is asked for twice/);
      const ok = await ask(['y']);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json.outputs, [{ name: 'y', datatype: 'FP32', shape: [1, 2], data: [1, 2] }]);
    } finally {
      await s.close();
    }
  });

  it('answers a request head over 16 KiB with 431 and {"error"}, as node:http does, not a generic 400', async () => {
    const answer = await new Promise<string>((done) => {
      let text = '';
      const socket = connect({ host: '127.0.0.1', port: server.endpoint.port }, () => {
        socket.write(`POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`);
      });
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('close', () => done(text));
      socket.on('error', () => undefined);
    });
    assert.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: string };
    assert.match(json.error, /larger than 16 KiB/);
  });

  it('answers a request not received within the request timeout with 408 and {"error"}, and closes the connection', async () => {
    const logs: string[] = [];
    const s = await startModelServer({ modelPath: CREDIT, modelName: 'credit-risk', modelVersion: '2' }, (level, message) => logs.push(`${level}: ${message}`), { requestMs: 400, keepAliveMs: 250 });
    try {
      const stalled = (part: string): Promise<{ text: string; ms: number }> =>
        new Promise((done) => {
          let text = '';
          const t0 = Date.now();
          const socket = connect({ host: '127.0.0.1', port: s.endpoint.port }, () => socket.write(part));
          socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
          socket.on('close', () => done({ text, ms: Date.now() - t0 }));
          socket.on('error', () => undefined);
        });
      const body = JSON.stringify({ inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [30, 50000, 0.3, 2, 0, 24] }] });
      const parts = {
        // A chunked body (read by node:http): one chunk, then the client stalls.
        'node:http': 'POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"inputs": [{"na\r\n',
        // A request in the common form (read by the lean layer): its head and half its body.
        lean: `POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 40)}`,
        // Only part of the head.
        head: 'POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\n',
      };
      const answers = await Promise.all(Object.values(parts).map(stalled));
      for (const [i, reader] of Object.keys(parts).entries()) {
        const answer = answers[i] as { text: string; ms: number };
        assert.match(answer.text, /^HTTP\/1\.1 408 Request Timeout\r\n/, reader);
        assert.match(answer.text, /\r\nConnection: close\r\n/, reader);
        const json = JSON.parse(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4)) as { error: string };
        assert.equal(json.error, 'The request was not received within 0.4 s. Send it again.', reader);
        assert.ok(answer.ms >= 400, `${reader}: answered after ${answer.ms} ms, before the request timeout`);
      }
      assert.deepEqual(logs.filter((l) => !l.startsWith('info:')), []);
      // Still serving afterwards.
      assert.equal((await fetch(`${s.endpoint.url}/v2/health/live`)).status, 200);
    } finally {
      await s.close();
    }
  });

  it('neither counts nor logs as a server error a client that goes away in the middle of its body', async () => {
    const logs: string[] = [];
    const s = await startModelServer({ modelPath: CREDIT, modelName: 'credit-risk', modelVersion: '2' }, (level, message) => logs.push(`${level}: ${message}`));
    try {
      // A chunked body (read by node:http), cut half way.
      await new Promise<void>((done) => {
        const socket = connect({ host: '127.0.0.1', port: s.endpoint.port }, () => {
          socket.write('POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"inputs": [{"na\r\n');
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => done());
        socket.on('error', () => undefined);
      });
      await new Promise((r) => setTimeout(r, 100));
      const metrics = parseExposition(await (await fetch(`${s.endpoint.url}/metrics`)).text());
      assert.deepEqual(metrics.get('mlship_inference_requests_total')?.samples.filter((x) => x.value > 0) ?? [], []);
      assert.deepEqual(logs.filter((l) => !l.startsWith('info:')), []);
    } finally {
      await s.close();
    }
  });

  it('bounds the request body: 413 with {"error"} beyond the limit, whether declared or streamed', async () => {
    const big = JSON.stringify({ inputs: [{ name: 'float_input', shape: [20000, 6], datatype: 'FP32', data: new Array(120000).fill(1) }] });
    const declared = await call(base, '/v2/models/credit-risk/infer', { raw: big });
    assert.equal(declared.status, 413);
    assert.match(String(declared.json.error), /larger than 65536 bytes/);
    // Chunked, with no Content-Length: the server counts as it reads.
    const streamed = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = httpRequest(`${base}/v2/models/credit-risk/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      for (let i = 0; i < 10; i++) req.write(big.slice(i * 10000, (i + 1) * 10000));
      req.end();
    });
    assert.equal(streamed.status, 413);
    assert.match(streamed.body, /"error":/);
    // Still serving afterwards.
    assert.equal((await call(base, '/v2/health/live')).status, 200);
  });

  it('listens on 127.0.0.1 only', async () => {
    assert.match(server.endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a?.address as string);
    for (const address of others) {
      const error = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
        const socket = connect({ host: address, port: server.endpoint.port });
        socket.once('connect', () => {
          socket.destroy();
          done(undefined);
        });
        socket.once('error', (err) => done(err));
      });
      assert.equal(error?.code, 'ECONNREFUSED', `reachable on ${address}`);
    }
    const v6 = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
      const socket = connect({ host: '::1', port: server.endpoint.port });
      socket.once('connect', () => {
        socket.destroy();
        done(undefined);
      });
      socket.once('error', (err) => done(err));
    });
    assert.ok(v6 !== undefined, 'not reachable on ::1');
  });

  it('exposes Prometheus metrics: a latency histogram, requests by code, predictions and low confidence', async () => {
    const res = await fetch(`${base}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parseExposition(await res.text());
    const latency = families.get('mlship_inference_request_duration_seconds');
    assert.equal(latency?.type, 'histogram');
    const count = latency?.samples.find((s) => s.name.endsWith('_count'));
    assert.ok(count && count.value >= 3, `count ${count?.value}`);
    assert.deepEqual(count?.labels, { model: 'credit-risk', version: '2' });
    const inf = latency?.samples.find((s) => s.labels.le === '+Inf');
    assert.equal(inf?.value, count?.value);
    const requests = families.get('mlship_inference_requests_total');
    assert.ok((requests?.samples.find((s) => s.labels.code === '400')?.value ?? 0) >= 16);
    assert.ok((requests?.samples.find((s) => s.labels.code === '413')?.value ?? 0) >= 1);
    assert.equal(requests?.samples.find((s) => s.labels.code === '200')?.value, count?.value);
    assert.ok((families.get('mlship_predictions_total')?.samples[0]?.value ?? 0) >= 11, 'a batch of five counts five predictions');
    assert.ok(families.has('mlship_low_confidence_predictions_total'));
    assert.ok((families.get('mlship_prediction_labels_total')?.samples.length ?? 0) >= 1);
  });

  it('accepts feedback and writes design.md records to the prediction and feedback logs', async () => {
    const r = await call(base, '/v2/models/credit-risk/infer', { body: { id: 'req-feedback', inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [45, 120000, 0.1, 3, 0, 100] }] } });
    assert.equal(r.status, 200);
    const fb = await call(base, '/v2/models/credit-risk/feedback', { body: { request_id: 'req-feedback', label: 1, source: 'review', note: 'charged off' } });
    assert.deepEqual(fb.json, { accepted: true, request_id: 'req-feedback' });
    for (const [body, message] of [
      [{ label: 1 }, /"request_id"/],
      [{ request_id: 'x' }, /"label"/],
      [{ request_id: 'x', label: 1, source: 'guess' }, /"source" must be one of user_override, flag, review/],
    ] as const) {
      const bad = await call(base, '/v2/models/credit-risk/feedback', { body });
      assert.equal(bad.status, 400);
      assert.match(String(bad.json.error), message);
    }
    const other = await startModelServer({ modelPath: CREDIT, modelName: 'x', modelVersion: '1' });
    try {
      const off = await call(other.endpoint.url, '/v2/models/x/feedback', { body: { request_id: 'a', label: 1 } });
      assert.equal(off.status, 501);
    } finally {
      await other.close();
    }
    await server.close();
    const lines = (await readFile(join(dir, 'predictions.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = lines.find((l) => l.request_id === 'req-feedback');
    assert.ok(last);
    assert.deepEqual(Object.keys(last).sort(), ['confidence', 'feature', 'input_hash', 'inputs', 'latency_ms', 'model', 'model_version', 'output', 'path', 'reason', 'request_id', 'ts', 'variant']);
    assert.equal(last.feature, 'credit-decision');
    assert.equal(last.model, 'credit-risk');
    assert.equal(last.model_version, '2');
    assert.deepEqual(last.inputs, { age: 45, income: 120000, debt_ratio: 0.10000000149011612, credit_lines: 3, late_payments: 0, months_employed: 100 });
    const output = last.output as { label: number; scores: Record<string, number> };
    assert.deepEqual(Object.keys(output.scores), ['0', '1']);
    assert.equal(output.label, (output.scores['1'] ?? 0) > (output.scores['0'] ?? 0) ? 1 : 0);
    assert.equal(last.confidence, Math.max(output.scores['0'] ?? 0, output.scores['1'] ?? 0));
    assert.equal(last.path, 'model');
    assert.equal(last.reason, null);
    assert.ok(typeof last.latency_ms === 'number' && last.latency_ms > 0);
    assert.match(String(last.input_hash), /^[0-9a-f]{16}$/);
    assert.ok(parsePredictionRecord(last).ok);
    // A batch of five rows from the nested request is five records with row-suffixed ids.
    assert.equal(lines.filter((l) => String(l.request_id).startsWith('credit-risk-v2.onnx-nested/')).length, 5);
    const feedback = (await readFile(join(dir, 'feedback.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(feedback.length, 1);
    assert.deepEqual({ ...feedback[0], ts: undefined }, { ts: undefined, request_id: 'req-feedback', feature: 'credit-decision', label: 1, source: 'review', note: 'charged off' });
    assert.ok(parseFeedbackRecord(feedback[0]).ok);
    // Closed: the port is free again.
    await assert.rejects(fetch(`${base}/v2/health/live`));
  });
});

describe('local OIP v2 server: answers holding NaN or ±Infinity', () => {
  const DIVIDE = join(ROOT, 'test', 'fixtures', 'serve', 'divide.onnx');
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-serve-nan-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const rowsOf = (rows: number[][]) => ({ inputs: [{ name: 'x', shape: [rows.length, 2], datatype: 'FP32', data: rows }] });

  it('a request that asks for the label alone is checked on the scores the label comes from, and answered with the label alone', async () => {
    const log = join(dir, 'divide-label.jsonl');
    const s = await startModelServer({ modelPath: DIVIDE, modelName: 'divide', modelVersion: '1', predictionLog: log, classLabels: ['no', 'yes'] }, () => undefined);
    try {
      const infer = (id: string, rows: number[][]) => call(s.endpoint.url, '/v2/models/divide/infer', { body: { id, ...rowsOf(rows), outputs: [{ name: 'label' }] } });
      // The label next to NaN scores is made up: refused, as when every output is asked for.
      const nan = await infer('zeros', [[0, 0]]);
      assert.equal(nan.status, 500, JSON.stringify(nan.json));
      assert.match(String(nan.json.error), /^Output "probabilities" holds NaN in 1 of 1 row \(row 0\)/);
      const ok = await infer('fine', [[1, 3]]);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json.outputs, [{ name: 'label', datatype: 'INT64', shape: [1], data: [1] }]);
      // Asked in another order, both come back in that order.
      const both = await call(s.endpoint.url, '/v2/models/divide/infer', { body: { ...rowsOf([[1, 3]]), outputs: [{ name: 'probabilities' }, { name: 'label' }] } });
      assert.deepEqual((both.json.outputs as { name: string }[]).map((o) => o.name), ['probabilities', 'label']);
    } finally {
      await s.close();
    }
    const records = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => [r.request_id, r.path, r.reason]).slice(0, 2), [
      ['zeros', 'abstain', 'error'],
      ['fine', 'model', null],
    ]);
    // The log has the scores the answer left out: the confidence is known.
    assert.equal(records[1]?.confidence, 0.75);
  });

  it('answers a model that makes NaN or ±Infinity from finite inputs with a 500 {"error"} naming the output and rows, logs every row as an error, and keeps serving', async () => {
    const logs: string[] = [];
    const log = join(dir, 'divide.jsonl');
    const s = await startModelServer({ modelPath: DIVIDE, modelName: 'divide', modelVersion: '1', predictionLog: log, classLabels: ['no', 'yes'] }, (level, message) => logs.push(`${level}: ${message}`));
    try {
      const infer = (id: string, rows: number[][]) => call(s.endpoint.url, '/v2/models/divide/infer', { body: { id, ...rowsOf(rows) } });
      const nan = await infer('zeros', [[0, 0]]);
      assert.equal(nan.status, 500, JSON.stringify(nan.json));
      assert.deepEqual(Object.keys(nan.json), ['error']);
      assert.equal(
        nan.json.error,
        'Output "probabilities" holds NaN in 1 of 1 row (row 0), although the inputs of row 0 are finite: the model is broken for these inputs (check how it was trained and exported, e.g. with onnxruntime on the same rows).',
      );
      const inf = await infer('opposite', [[1, -1]]);
      assert.equal(inf.status, 500);
      assert.match(String(inf.json.error), /^Output "probabilities" holds Infinity and -Infinity in 1 of 1 row/);
      // A batch with one bad row: none of it is answered (a label next to NaN scores looks like an answer), and
      // the message says which row to leave out.
      const batch = await infer('batch', [[1, 3], [0, 0], [2, 2]]);
      assert.equal(batch.status, 500);
      assert.match(String(batch.json.error), /^Output "probabilities" holds NaN in 1 of 3 rows \(row 1\), .* None of the 3 rows was answered: send the others again without row 1\.$/);
      // Still serving, and a finite answer is an answer.
      const ok = await infer('fine', [[1, 3]]);
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json.outputs, [
        { name: 'label', datatype: 'INT64', shape: [1], data: [1] },
        { name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: [0.25, 0.75] },
      ]);
      assert.equal((await call(s.endpoint.url, '/v2/health/ready')).status, 200);

      // /metrics: the failed requests by their status, their rows as abstained predictions, no latency observed for them.
      const families = parseExposition(await (await fetch(`${s.endpoint.url}/metrics`)).text());
      const requests = families.get('mlship_inference_requests_total')?.samples ?? [];
      assert.equal(requests.find((x) => x.labels.code === '500')?.value, 3);
      assert.equal(requests.find((x) => x.labels.code === '200')?.value, 1);
      const predictions = families.get('mlship_predictions_total')?.samples ?? [];
      assert.equal(predictions.find((x) => x.labels.path === 'model')?.value, 1);
      assert.equal(predictions.find((x) => x.labels.path === 'abstain')?.value, 5, 'the rows of the three failed requests');
      assert.deepEqual((families.get('mlship_prediction_labels_total')?.samples ?? []).map((x) => [x.labels.label, x.value]), [['1', 1]], 'no label counted for a row without an answer');
      assert.equal(families.get('mlship_inference_request_duration_seconds')?.samples.find((x) => x.name.endsWith('_count'))?.value, 1);
      // As the dashboard reads it: 3 of 4 requests failed; the low-confidence share's whole is the answered row only.
      const point = scrapePoint(families, Date.now());
      assert.deepEqual(point.requests, { total: 4, errors: 3 });
      assert.equal(point.predictions, 1);

      // The server log: one line for the first such request (the later ones within 10 s are counted in the next).
      assert.deepEqual(logs.filter((l) => !l.startsWith('info:')), [
        'error: Request zeros answered 500: Output "probabilities" holds NaN in 1 of 1 row (row 0), although the inputs of row 0 are finite: the model is broken for these inputs (check how it was trained and exported, e.g. with onnxruntime on the same rows).',
      ]);
    } finally {
      await s.close();
    }
    const records = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => [r.request_id, r.path, r.reason]), [
      ['zeros', 'abstain', 'error'],
      ['opposite', 'abstain', 'error'],
      ['batch/0', 'abstain', 'error'],
      ['batch/1', 'abstain', 'error'],
      ['batch/2', 'abstain', 'error'],
      ['fine', 'model', null],
    ]);
    for (const r of records.slice(0, 5)) {
      assert.equal(r.output, null);
      assert.equal(r.confidence, null);
      assert.match(String(r.error), /^Output "probabilities" holds /);
      assert.ok(parsePredictionRecord(r).ok);
    }
    assert.deepEqual(records[0]?.inputs, { x: [0, 0] });
    assert.equal(records[2]?.error, batch500(records));
    assert.deepEqual(records[5]?.output, { label: 1, scores: { no: 0.25, yes: 0.75 } });
    assert.equal(records[5]?.confidence, 0.75);
  });

  /** The error text the batch's records carry: the one its answer gave. */
  function batch500(records: Record<string, unknown>[]): unknown {
    const texts = new Set(records.filter((r) => String(r.request_id).startsWith('batch/')).map((r) => r.error));
    assert.equal(texts.size, 1, 'every row of the batch carries the request\'s error');
    return [...texts][0];
  }

  it('answers NaN scores from NaN inputs with a 422 that names the features sent as NaN, on both HTTP layers', async () => {
    const logs: string[] = [];
    const s = await startModelServer({ modelPath: CREDIT, modelName: 'credit-risk', modelVersion: '2', featureNames: CREDIT_FEATURES }, (level, message) => logs.push(`${level}: ${message}`));
    try {
      const body = JSON.stringify({ id: 'missing-income', inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [41, 'NaN', 0.3, 2, 0, 24] }] });
      const r = await call(s.endpoint.url, '/v2/models/credit-risk/infer', { raw: body });
      assert.equal(r.status, 422, JSON.stringify(r.json));
      assert.equal(
        r.json.error,
        'Output "probabilities" holds NaN in 1 of 1 row (row 0): the model cannot score the NaN or infinite values it was sent (row 0: income is NaN). Send finite values (impute missing ones) or leave such rows out.',
      );
      // The status line as each layer writes it: the lean layer (Content-Length) and node:http (chunked).
      const raw = (head: string, payload: string): Promise<string> =>
        new Promise((done) => {
          let text = '';
          const socket = connect({ host: '127.0.0.1', port: s.endpoint.port }, () => socket.write(`${head}${payload}`));
          socket.on('data', (c: Buffer) => {
            text += c.toString('latin1');
            if (text.includes('"}')) socket.destroy();
          });
          socket.on('close', () => done(text));
          socket.on('error', () => undefined);
        });
      const lean = await raw(`POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`, body);
      assert.match(lean, /^HTTP\/1\.1 422 Unprocessable Entity\r\n/);
      const chunked = await raw('POST /v2/models/credit-risk/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
      assert.match(chunked, /^HTTP\/1\.1 422 Unprocessable Entity\r\n/);
      assert.match(chunked, /"error":"Output \\"probabilities\\" holds NaN in 1 of 1 row/);
      // The same row with income given is answered.
      const ok = await call(s.endpoint.url, '/v2/models/credit-risk/infer', { body: { inputs: [{ name: 'float_input', shape: [1, 6], datatype: 'FP32', data: [41, 52000, 0.3, 2, 0, 24] }] } });
      assert.equal(ok.status, 200);
      const requests = parseExposition(await (await fetch(`${s.endpoint.url}/metrics`)).text()).get('mlship_inference_requests_total')?.samples ?? [];
      assert.equal(requests.find((x) => x.labels.code === '422')?.value, 3);
      assert.equal(logs.filter((l) => l.startsWith('warn:')).length, 1, 'a warning (the request sent NaN), once within 10 s');
      assert.match(logs.find((l) => l.startsWith('warn:')) ?? '', /^warn: Request missing-income answered 422: /);
    } finally {
      await s.close();
    }
  });

  it('counts the abstained rows without a prediction log too, and fails only the requests whose own rows are bad when runs are shared', async () => {
    // The 256-layer MLP takes long enough per run that concurrent requests queue and share runs; a NaN in a row's
    // features makes that row's scores NaN, and no other row's.
    const s = await startModelServer({ modelPath: join(ROOT, 'test', 'fixtures', 'serve', 'mlp-deep.onnx'), modelName: 'deep', modelVersion: '1', maxBatch: 8 });
    try {
      assert.ok(s.batcher, 'the deep MLP is batchable');
      const row = (bad: boolean): (number | string)[] => Array.from({ length: 64 }, (_, i) => (bad && i === 3 ? 'NaN' : ((i * 7) % 10) / 10));
      const burst = (bad: (i: number) => boolean) => Promise.all(Array.from({ length: 24 }, (_, i) => call(s.endpoint.url, '/v2/models/deep/infer', { body: { id: `r${i}`, inputs: [{ name: 'features', shape: [1, 64], datatype: 'FP32', data: row(bad(i)) }] } })));
      // A first burst opens the client's connections (requests on new connections arrive one handshake apart).
      await burst(() => false);
      const before = { ...s.batcher.stats };
      const answers = await burst((i) => i % 4 === 1);
      answers.forEach((a, i) => {
        if (i % 4 === 1) {
          assert.equal(a.status, 422, `r${i}: ${JSON.stringify(a.json)}`);
          assert.match(String(a.json.error), /^Output "probabilities" holds NaN in 1 of 1 row \(row 0\): .* \(row 0: features holds NaN\)/);
        } else {
          assert.equal(a.status, 200, `r${i}: ${JSON.stringify(a.json)}`);
          assert.equal(a.json.id, `r${i}`);
        }
      });
      assert.ok(s.batcher.stats.runs - before.runs < 24, `the 24 requests shared runs (${JSON.stringify(before)} before, ${JSON.stringify(s.batcher.stats)} after)`);
      const families = parseExposition(await (await fetch(`${s.endpoint.url}/metrics`)).text());
      const predictions = families.get('mlship_predictions_total')?.samples ?? [];
      assert.equal(predictions.find((x) => x.labels.path === 'model')?.value, 24 + 18);
      assert.equal(predictions.find((x) => x.labels.path === 'abstain')?.value, 6);
      const requests = families.get('mlship_inference_requests_total')?.samples ?? [];
      assert.deepEqual([requests.find((x) => x.labels.code === '200')?.value, requests.find((x) => x.labels.code === '422')?.value], [24 + 18, 6]);
    } finally {
      await s.close();
    }
  });
});
