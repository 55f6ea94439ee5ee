// Dynamic batching in the local server (src/serve/batcher.ts) on real models: concurrent requests that share a run
// get exactly what single onnxruntime-node runs give them, requests that cannot share a run (other dimensions beyond
// the batch one, other requested outputs) run apart, a failing shared run is run again request by request so only the
// bad request gets an error, and `maxBatch: 1` turns batching off.
//
// Equality is bit for bit: on these models (MatMul, Relu, Softmax, ArgMax, tree ensembles, Gather) with one intra-op
// thread, onnxruntime's CPU kernels compute each output row from its own input row in the same order whatever the
// number of rows, so a row's result does not depend on its neighbours in the batch. (A model whose kernels pick a
// different algorithm by batch size could differ in the last bits; these do not, and the tests would show it.)
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { decodeTensor, type DecodedTensor } from '../../../src/core/deployments/oipTensor';
import { parseExposition } from '../../../src/core/deployments/prometheus';
import { parsePredictionRecord } from '../../../src/core/deployments/records';
import { DynamicBatcher, isBatchable } from '../../../src/serve/batcher';
import { ServedModel } from '../../../src/serve/model';
import { startModelServer } from '../../../src/serve/server';

const ROOT = resolve(__dirname, '..', '..', '..');
const MLP = join(ROOT, 'test', 'fixtures', 'serve', 'mlp.onnx');
const MLP_DEEP = join(ROOT, 'test', 'fixtures', 'serve', 'mlp-deep.onnx');
const LOOKUP = join(ROOT, 'test', 'fixtures', 'serve', 'lookup.onnx');
const ROWS = join(ROOT, 'test', 'fixtures', 'serve', 'rows.onnx');
const CREDIT = join(ROOT, 'test', 'fixtures', 'models', 'credit-risk-v2.onnx');
const ETA = join(ROOT, 'test', 'fixtures', 'models', 'delivery-eta-v2.onnx');

/** Deterministic rows: request `r` of width `w`, `n` rows. */
function rows(r: number, n: number, w: number): number[][] {
  return Array.from({ length: n }, (_, j) => Array.from({ length: w }, (_, i) => Math.round(Math.sin(r * 31 + j * 17 + i * 7) * 3000) / 100));
}

function fp32(name: string, data: number[][]): DecodedTensor {
  return decodeTensor({ name, shape: [data.length, data[0]?.length ?? 0], datatype: 'FP32', data }, 0);
}

type Plain = Record<string, { dims: number[]; data: (number | bigint)[] }>;

/** One onnxruntime-node run of one request, in this process, with the server's session options. */
async function single(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, outputs?: string[]): Promise<Plain> {
  const out = outputs ? await session.run(feeds, outputs) : await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { dims: [...t.dims], data: Array.from(t.data as ArrayLike<number | bigint>) }]));
}

function plain(outputs: readonly { name: string; dims: readonly number[]; data: ArrayLike<unknown> }[]): Plain {
  return Object.fromEntries(outputs.map((o) => [o.name, { dims: [...o.dims], data: Array.from(o.data as ArrayLike<number | bigint>) }]));
}

function session(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
}

describe('dynamic batching', () => {
  it('knows which signatures can be batched', async () => {
    for (const [file, want] of [[MLP, true], [CREDIT, true], [LOOKUP, true], [ROWS, false]] as const) {
      const m = await ServedModel.load(file, { intraOpNumThreads: 1 });
      assert.equal(isBatchable(m.inputs, m.outputs), want, file);
      await m.release();
    }
    const fixed = [{ name: 'x', dtype: 'float32', shape: [1, 6], datatype: 'FP32' as const }];
    const dynamic = [{ name: 'y', dtype: 'float32', shape: ['N', 2], datatype: 'FP32' as const }];
    assert.equal(isBatchable(fixed, dynamic), false, 'a fixed first input dimension');
    assert.equal(isBatchable(dynamic, fixed), false, 'a fixed first output dimension');
    assert.equal(isBatchable(dynamic, [{ name: 's', dtype: 'float32', shape: [], datatype: 'FP32' }]), false, 'a scalar output');
    assert.equal(isBatchable(dynamic, dynamic), true, 'the same symbol');
    assert.equal(isBatchable(dynamic, [{ name: 'd', dtype: 'float32', shape: ['num_detections', 4], datatype: 'FP32' }]), false, 'an output of another symbol');
    assert.equal(isBatchable(dynamic, [{ name: 'u', dtype: 'float32', shape: [null, 2], datatype: 'FP32' }]), false, 'an unnamed output dimension');
    assert.equal(isBatchable([{ name: 'u', dtype: 'float32', shape: [null, 2], datatype: 'FP32' }], [{ name: 'v', dtype: 'float32', shape: [null, 2], datatype: 'FP32' }]), false, 'unnamed dimensions');
    assert.equal(isBatchable([...dynamic, { name: 'z', dtype: 'float32', shape: ['B', 2], datatype: 'FP32' }], dynamic), false, 'inputs of two symbols');
  });

  for (const file of [MLP, MLP_DEEP, CREDIT, ETA]) {
    it(`gives each request of a shared run exactly what a single run gives it (${file.split('/').pop()})`, async () => {
      const model = await ServedModel.load(file, { intraOpNumThreads: 1 });
      const reference = await session(file);
      try {
        const input = model.inputs[0];
        assert.ok(input?.shape);
        const width = input.shape[1] as number;
        const batcher = new DynamicBatcher((i, o, s) => model.run(i, o, s), 32);
        // 40 requests of 1 to 3 rows, all queued before the first run: runs of up to 32 rows.
        const requests = Array.from({ length: 40 }, (_, r) => rows(r, 1 + (r % 3), width));
        const answers = await Promise.all(requests.map((data) => batcher.submit([fp32(input.name, data)])));
        assert.ok(batcher.stats.largestBatch > 1, `requests shared runs (${JSON.stringify(batcher.stats)})`);
        assert.ok(batcher.stats.runs < requests.length / 4, `40 requests in ${batcher.stats.runs} runs`);
        for (const [r, data] of requests.entries()) {
          const want = await single(reference, { [input.name]: new ort.Tensor('float32', Float32Array.from(data.flat()), [data.length, width]) });
          assert.deepStrictEqual(plain(answers[r] ?? []), want, `request ${r} (${data.length} rows)`);
        }
      } finally {
        await model.release();
        await reference.release();
      }
    });
  }

  it('concatenates and splits every OIP datatype (typed arrays, 64-bit integers, FP16, BOOL, BYTES)', async () => {
    const model = await ServedModel.load(join(ROOT, 'test', 'fixtures', 'serve', 'dtypes.onnx'), { intraOpNumThreads: 1 });
    try {
      const batcher = new DynamicBatcher((i, o, s) => model.run(i, o, s), 32);
      // Request r: 1 + r % 2 rows of every datatype, values that differ per request and row.
      const request = (r: number): DecodedTensor[] => {
        const n = 1 + (r % 2);
        const cells = (f: (k: number) => unknown): unknown[][] => Array.from({ length: n }, (_, j) => [f(r * 10 + j * 2), f(r * 10 + j * 2 + 1)]);
        const tensors = [
          { name: 'bool_in', datatype: 'BOOL', data: cells((k) => k % 3 === 0) },
          { name: 'uint8_in', datatype: 'UINT8', data: cells((k) => k % 256) },
          { name: 'uint16_in', datatype: 'UINT16', data: cells((k) => k * 300) },
          { name: 'uint32_in', datatype: 'UINT32', data: cells((k) => k * 70000) },
          { name: 'uint64_in', datatype: 'UINT64', data: cells((k) => `${18446744073709551615n - BigInt(k)}`) },
          { name: 'int8_in', datatype: 'INT8', data: cells((k) => (k % 256) - 128) },
          { name: 'int16_in', datatype: 'INT16', data: cells((k) => -k * 300) },
          { name: 'int32_in', datatype: 'INT32', data: cells((k) => -k * 70000) },
          { name: 'int64_in', datatype: 'INT64', data: cells((k) => `${-9223372036854775808n + BigInt(k)}`) },
          { name: 'fp16_in', datatype: 'FP16', data: cells((k) => k / 4) },
          { name: 'fp32_in', datatype: 'FP32', data: cells((k) => k / 3) },
          { name: 'fp64_in', datatype: 'FP64', data: cells((k) => Math.PI * k) },
          { name: 'bytes_in', datatype: 'BYTES', data: cells((k) => `row ${k} é`) },
        ];
        return tensors.map((t, i) => decodeTensor({ ...t, shape: [n, 2] }, i));
      };
      const requests = Array.from({ length: 7 }, (_, r) => request(r));
      const answers = await Promise.all(requests.map((inputs) => batcher.submit(inputs)));
      assert.equal(batcher.stats.runs, 1, 'the seven requests shared one run');
      for (const [r, inputs] of requests.entries()) {
        const alone = await model.run(inputs);
        assert.deepStrictEqual(plain(answers[r] ?? []), plain(alone), `request ${r}`);
        for (const t of inputs) assert.deepStrictEqual(Array.from(answers[r]?.find((o) => o.name === t.name.replace('_in', '_out'))?.data ?? []), Array.from(t.data as ArrayLike<unknown>), t.name);
      }
    } finally {
      await model.release();
    }
  });

  it('runs requests apart when their other dimensions or requested outputs differ, and never beyond maxBatch rows', async () => {
    const lookup = await ServedModel.load(LOOKUP, { intraOpNumThreads: 1 });
    const reference = await session(LOOKUP);
    const sizes: number[] = [];
    try {
      const batcher = new DynamicBatcher(async (inputs, outputs, atStart) => {
        const out = await lookup.run(inputs, outputs, atStart);
        sizes.push(out[0]?.dims[0] ?? 0);
        return out;
      }, 4);
      const index = (data: number[][]): DecodedTensor => decodeTensor({ name: 'index', shape: [data.length, data[0]?.length ?? 0], datatype: 'INT64', data }, 0);
      // K = 1 and K = 2 interleaved: two kinds that must not share a run; 6 one-row requests of each, at most 4 rows a run.
      const requests = Array.from({ length: 12 }, (_, r) => (r % 2 === 0 ? [[r % 3]] : [[r % 3, (r + 1) % 3]]));
      const answers = await Promise.all(requests.map((data) => batcher.submit([index(data)])));
      assert.deepEqual(sizes, [4, 4, 2, 2], 'runs of one kind each, in arrival order, at most 4 rows');
      for (const [r, data] of requests.entries()) {
        const want = await single(reference, { index: new ort.Tensor('int64', BigInt64Array.from(data.flat().map(BigInt)), [1, data[0]?.length ?? 0]) });
        assert.deepStrictEqual(plain(answers[r] ?? []), want, `request ${r}`);
      }
    } finally {
      await lookup.release();
      await reference.release();
    }

    const mlp = await ServedModel.load(MLP, { intraOpNumThreads: 1 });
    const mlpReference = await session(MLP);
    try {
      const runs: string[] = [];
      const batcher = new DynamicBatcher(async (inputs, outputs, atStart) => {
        const out = await mlp.run(inputs, outputs, atStart);
        runs.push(`${out[0]?.dims[0]}:${outputs?.join(',') ?? 'all'}`);
        return out;
      }, 32);
      const asked = [undefined, ['label'], undefined, ['label'], ['probabilities'], undefined];
      const answers = await Promise.all(asked.map((outputs, r) => batcher.submit([fp32('features', rows(r, 1, 64))], outputs)));
      assert.deepEqual(runs, ['3:all', '2:label', '1:probabilities']);
      for (const [r, outputs] of asked.entries()) {
        const data = rows(r, 1, 64);
        const want = await single(mlpReference, { features: new ort.Tensor('float32', Float32Array.from(data.flat()), [1, 64]) }, outputs);
        assert.deepStrictEqual(plain(answers[r] ?? []), want, `request ${r} asking for ${outputs?.join(', ') ?? 'every output'}`);
      }
    } finally {
      await mlp.release();
      await mlpReference.release();
    }
  });

  it('takes a run\'s batch when the run starts: requests queued after it was asked for, before it started, share it', async () => {
    const model = await ServedModel.load(MLP, { intraOpNumThreads: 1 });
    try {
      const sizes: number[] = [];
      const batcher = new DynamicBatcher(async (inputs, outputs, atStart) => {
        const out = await model.run(inputs, outputs, atStart);
        sizes.push(out[0]?.dims[0] ?? 0);
        return out;
      }, 2);
      const request = (r: number): Promise<unknown> => batcher.submit([fp32('features', rows(r, 1, 64))]);
      // A, B and C queued at once: the first run takes A and B (2 rows at most). A's answer queues D's arrival for the
      // next turn before the batcher asks for the run of C; D arrives before that run starts, and shares it.
      let late: Promise<unknown> | undefined;
      const first = request(0).then(() => {
        late = new Promise((resolve) => setImmediate(() => resolve(request(3))));
      });
      await Promise.all([first, request(1), request(2)]);
      await late;
      assert.deepEqual(sizes, [2, 2], 'A and B in one run, C and D in the next');
      assert.deepEqual(batcher.stats, { runs: 2, reruns: 0, requests: 4, largestBatch: 2 });
    } finally {
      await model.release();
    }
  });

  it('runs the requests of a failing shared run again one by one: only the bad one gets the error', async () => {
    const lookup = await ServedModel.load(LOOKUP, { intraOpNumThreads: 1 });
    try {
      const sizes: number[] = [];
      const batcher = new DynamicBatcher((i, o, s) => {
        sizes.push(i[0]?.dims[0] ?? 0);
        return lookup.run(i, o, s);
      }, 32);
      const index = (k: number): DecodedTensor => decodeTensor({ name: 'index', shape: [1, 1], datatype: 'INT64', data: [k] }, 0);
      const settled = await Promise.allSettled([0, 1, 7, 2].map((k) => batcher.submit([index(k)])));
      assert.deepEqual(sizes, [1, 1, 1, 1, 1], 'one shared run (its batch taken at its start), then each request alone');
      // The shared run and the four runs again alone are all model runs; each request is answered once.
      assert.deepEqual(batcher.stats, { runs: 5, reruns: 4, requests: 4, largestBatch: 4 }, 'one shared run of four, then four reruns');
      assert.deepEqual(
        settled.map((s) => (s.status === 'fulfilled' ? Array.from(s.value[0]?.data as Float32Array) : 'rejected')),
        [[1, 2], [3, 4], 'rejected', [5, 6]],
      );
      assert.match(String((settled[2] as PromiseRejectedResult).reason), /Running the model failed: .*idx=7/i);
      const ok = await batcher.submit([index(2)]);
      assert.deepEqual(Array.from(ok[0]?.data as Float32Array), [5, 6]);
    } finally {
      await lookup.release();
    }
  });

  it('falls back to one request per run when a model output does not follow the batch dimension', async () => {
    // A signature can call a dimension "N" that is not the batch: here a run whose output always has 2 rows, whatever
    // it is given (the sum over the rows, twice). Shared runs cannot be split; the batcher notices and stops batching.
    const calls: number[] = [];
    const batcher = new DynamicBatcher(async (inputs, _outputs, atStart) => {
      // Starts at the end of this event-loop turn, as onnxruntime-node's runs do.
      await new Promise((resolve) => setImmediate(resolve));
      const t = (atStart?.() ?? inputs)[0] as DecodedTensor;
      calls.push(t.dims[0] ?? 0);
      const sum = Array.from(t.data as Float32Array).reduce((a, b) => a + b, 0);
      return [{ name: 'total', dtype: 'float32', dims: [2], data: Float32Array.from([sum, sum]) }];
    }, 32);
    const one = (v: number): DecodedTensor[] => [decodeTensor({ name: 'x', shape: [1, 1], datatype: 'FP32', data: [v] }, 0)];
    const first = await Promise.all([1, 2, 3].map((v) => batcher.submit(one(v))));
    assert.deepEqual(first.map((o) => Array.from(o[0]?.data as Float32Array)), [[1, 1], [2, 2], [3, 3]]);
    const second = await Promise.all([4, 5].map((v) => batcher.submit(one(v))));
    assert.deepEqual(second.map((o) => Array.from(o[0]?.data as Float32Array)), [[4, 4], [5, 5]]);
    assert.deepEqual(calls, [3, 1, 1, 1, 1, 1], 'one shared run found unsplittable, then one run per request');
    assert.deepEqual(batcher.stats, { runs: 6, reruns: 3, requests: 5, largestBatch: 3 });
  });

  it('runs the oldest request alone when the model run never calls back before it starts', async () => {
    const calls: number[] = [];
    const batcher = new DynamicBatcher(async (inputs) => {
      await new Promise((resolve) => setImmediate(resolve));
      const t = inputs[0] as DecodedTensor;
      calls.push(t.dims[0] ?? 0);
      return [{ name: 'y', dtype: 'float32', dims: [...t.dims], data: Float32Array.from(t.data as Float32Array, (v) => v * 2) }];
    }, 32);
    const one = (v: number): DecodedTensor[] => [decodeTensor({ name: 'x', shape: [1, 1], datatype: 'FP32', data: [v] }, 0)];
    const answers = await Promise.all([1, 2, 3].map((v) => batcher.submit(one(v))));
    assert.deepEqual(answers.map((o) => Array.from(o[0]?.data as Float32Array)), [[2], [4], [6]]);
    assert.deepEqual(calls, [1, 1, 1]);
    assert.deepEqual(batcher.stats, { runs: 3, reruns: 0, requests: 3, largestBatch: 1 });
  });

  it('turns off with maxBatch 1: one request per run', async () => {
    const model = await ServedModel.load(MLP, { intraOpNumThreads: 1 });
    try {
      const batcher = new DynamicBatcher((i, o, s) => model.run(i, o, s), 1);
      await Promise.all(Array.from({ length: 6 }, (_, r) => batcher.submit([fp32('features', rows(r, 1, 64))])));
      assert.deepEqual(batcher.stats, { runs: 6, reruns: 0, requests: 6, largestBatch: 1 });
    } finally {
      await model.release();
    }
    assert.throws(() => new DynamicBatcher(() => Promise.resolve([]), 0), /maxBatch must be a whole number ≥ 1/);
  });
});

/** Writes `requests` (bodies for `path`) in one write on one connection; resolves to the answers' statuses and JSON. */
function pipelined(port: number, path: string, requests: readonly unknown[]): Promise<{ status: number; json: Record<string, unknown> }[]> {
  return new Promise((done, fail) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const answers = (): { status: number; json: Record<string, unknown> }[] => {
      const out: { status: number; json: Record<string, unknown> }[] = [];
      let at = 0;
      for (;;) {
        const end = received.indexOf('\r\n\r\n', at);
        if (end < 0) return out;
        const head = received.slice(at, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
        if (received.length < end + 4 + length) return out;
        out.push({ status: Number(head.split(' ')[1]), json: JSON.parse(received.slice(end + 4, end + 4 + length)) as Record<string, unknown> });
        at = end + 4 + length;
      }
    };
    socket.on('data', (c: Buffer) => {
      received += c.toString('utf8');
      const got = answers();
      if (got.length >= requests.length) {
        socket.destroy();
        done(got);
      }
    });
    socket.on('error', fail);
    socket.write(requests.map((r) => {
      const body = JSON.stringify(r);
      return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }).join(''));
  });
}

describe('dynamic batching in the local server', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlship-batch-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers concurrent HTTP requests with their own ids, outputs, log records and metrics', async () => {
    const log = join(dir, 'predictions.jsonl');
    const server = await startModelServer({ modelPath: MLP_DEEP, modelName: 'deep', modelVersion: '1', predictionLog: log, maxBatch: 8 });
    const reference = await session(MLP_DEEP);
    try {
      assert.ok(server.batcher, 'the deep MLP is batched');
      assert.equal(server.endpoint.maxBatch, 8);
      const url = `${server.endpoint.url}/v2/models/deep/infer`;
      const requests = Array.from({ length: 48 }, (_, r) => ({ id: `req-${r}`, data: rows(r, 1 + (r % 2), 64) }));
      const answers = await Promise.all(
        requests.map(async ({ id, data }) => {
          const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id, inputs: [{ name: 'features', shape: [data.length, 64], datatype: 'FP32', data }] }) });
          return { status: res.status, json: (await res.json()) as { id: string; outputs: { name: string; shape: number[]; data: number[] }[] } };
        }),
      );
      const stats = server.batcher.stats;
      assert.ok(stats.largestBatch > 1 && stats.runs < requests.length, `48 concurrent requests shared runs (${JSON.stringify(stats)})`);
      for (const [r, { id, data }] of requests.entries()) {
        const a = answers[r];
        assert.equal(a?.status, 200);
        assert.equal(a.json.id, id);
        const want = await single(reference, { features: new ort.Tensor('float32', Float32Array.from(data.flat()), [data.length, 64]) });
        for (const o of a.json.outputs) {
          assert.deepEqual(o.shape, want[o.name]?.dims, `${id} ${o.name} shape`);
          // JSON carries float32 values as their exact double value, and int64 labels as numbers.
          assert.deepStrictEqual(o.data, want[o.name]?.data.map(Number), `${id} ${o.name}`);
        }
      }
      // Each request's metrics are recorded after its batch's answers are written, but before the server reads
      // anything else: a scrape right after the answers finds every one of them.
      const metrics = parseExposition(await (await fetch(`${server.endpoint.url}/metrics`)).text());
      const rowCount = requests.reduce((n, q) => n + q.data.length, 0);
      assert.equal(metrics.get('mlship_inference_request_duration_seconds')?.samples.find((s) => s.name.endsWith('_count'))?.value, requests.length);
      assert.equal(metrics.get('mlship_inference_requests_total')?.samples.find((s) => s.labels.code === '200')?.value, requests.length);
      assert.equal(metrics.get('mlship_predictions_total')?.samples[0]?.value, rowCount);
      await server.close();
      const records = (await readFile(log, 'utf8')).trim().split('\n').map((l) => parsePredictionRecord(JSON.parse(l) as unknown));
      assert.equal(records.length, rowCount, 'one record per row');
      for (const { id, data } of requests) {
        const mine = records.filter((x) => x.ok && (x.value.record.request_id === id || x.value.record.request_id.startsWith(`${id}/`)));
        assert.equal(mine.length, data.length, `${id}: a record per row of its own`);
      }
    } finally {
      await server.close();
      await reference.release();
    }
  });

  it('answers only the bad request of a failing batch with {"error": …}, and counts and logs only it as failed', async () => {
    const log = join(dir, 'lookup-predictions.jsonl');
    const errors: string[] = [];
    const server = await startModelServer({ modelPath: LOOKUP, modelName: 'lookup', modelVersion: '1', predictionLog: log }, (level, message) => {
      if (level === 'error') errors.push(message);
    });
    try {
      const body = (k: number, id: string): unknown => ({ id, inputs: [{ name: 'index', shape: [1, 1], datatype: 'INT64', data: [k] }] });
      // In one write: the requests share a run, which index 9 fails.
      const ks = [0, 1, 9, 2, 0, 1, 2, 0];
      const answers = await pipelined(server.endpoint.port, '/v2/models/lookup/infer', ks.map((k, i) => body(k, `q${i}`)));
      assert.ok((server.batcher?.stats.largestBatch ?? 0) > 1, `requests shared a run (${JSON.stringify(server.batcher?.stats)})`);
      const table = [[1, 2], [3, 4], [5, 6]];
      for (const [i, k] of ks.entries()) {
        const a = answers[i];
        if (k === 9) {
          assert.equal(a?.status, 500, 'the bad request fails');
          assert.match(String(a.json.error), /Running the model failed: .*out of (data )?bounds.*idx=9/i);
        } else {
          assert.equal(a?.status, 200, `q${i} (index ${k}) is answered`);
          assert.deepEqual((a.json.outputs as { data: number[] }[])[0]?.data, table[k], `q${i}`);
        }
      }
      const metrics = parseExposition(await (await fetch(`${server.endpoint.url}/metrics`)).text());
      const samples = metrics.get('mlship_inference_requests_total')?.samples ?? [];
      const count = (code: string): number => samples.filter((s) => s.labels.code === code).reduce((n, s) => n + s.value, 0);
      assert.equal(count('500'), 1);
      assert.equal(count('200'), ks.length - 1);
      assert.equal(errors.length, 1, errors.join('\n'));
      await server.close();
      const records = (await readFile(log, 'utf8')).trim().split('\n');
      assert.equal(records.length, ks.length - 1, 'a log record for each answered request');
    } finally {
      await server.close();
    }
  });

  it('does not batch a model whose output rows are not the input rows, even when their counts match', async () => {
    // rows.onnx: y [M, 2] holds the rows of x [N, 2] with x[:, 0] > 0, twice. Alone, [[1, 1]] gives four values and
    // [[-1, 5]] none; were the two run together, y would have 2 rows (= the batch's) and be split one row to each.
    const server = await startModelServer({ modelPath: ROWS, modelName: 'rows', modelVersion: '1' });
    try {
      assert.equal(server.batcher, undefined, 'no batcher for an output whose first dimension is another symbol');
      const body = (id: string, row: number[]): unknown => ({ id, inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: row }] });
      for (let round = 0; round < 3; round++) {
        const answers = await pipelined(server.endpoint.port, '/v2/models/rows/infer', [body('a', [1, 1]), body('b', [-1, 5]), body('c', [2, 3]), body('d', [-2, 0])]);
        assert.deepEqual(
          answers.map((a) => [a.status, a.json.id, (a.json.outputs as { shape: number[]; data: number[] }[])[0]]),
          [
            [200, 'a', { name: 'y', datatype: 'FP32', shape: [2, 2], data: [1, 1, 1, 1] }],
            [200, 'b', { name: 'y', datatype: 'FP32', shape: [0, 2], data: [] }],
            [200, 'c', { name: 'y', datatype: 'FP32', shape: [2, 2], data: [2, 3, 2, 3] }],
            [200, 'd', { name: 'y', datatype: 'FP32', shape: [0, 2], data: [] }],
          ],
        );
      }
    } finally {
      await server.close();
    }
  });

  it('serves without a batcher when started with maxBatch 1', async () => {
    const server = await startModelServer({ modelPath: MLP, modelName: 'm', modelVersion: '1', maxBatch: 1 });
    try {
      assert.equal(server.batcher, undefined);
      assert.equal(server.endpoint.maxBatch, 1);
      const res = await fetch(`${server.endpoint.url}/v2/models/m/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 64], datatype: 'FP32', data: rows(0, 1, 64)[0] }] }) });
      assert.equal(res.status, 200);
    } finally {
      await server.close();
    }
  });
});
