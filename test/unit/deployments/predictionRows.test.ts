// The local server writes its prediction log with predictionLogBytes() (predictionLogText() as UTF-8 bytes), straight
// from the typed tensors. Every line must be exactly JSON.stringify of the record predictionRecords() builds (the
// contract the log readers and the scaffolded code's input_hash rely on), for every kind of tensor, batch and key the
// server can meet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonValues } from '../../../src/core/deployments/oipTensor';
import { eachRowOutput, predictionLogBytes, predictionLogText, predictionRecords, rowOutput, type RecordContext, type TensorData } from '../../../src/core/deployments/predictionRows';
import { parsePredictionRecord, type PredictionOutput } from '../../../src/core/deployments/records';
import { seeded } from './seeded';

const ctx: RecordContext = { ts: '2026-11-26T05:30:00.123Z', feature: 'credit "risk"', model: 'credit-risk', modelVersion: '2', requestId: 'req-1', latencyMs: 1.234 };

const classifier = (rows: number): TensorData[] => [
  { name: 'label', dtype: 'int64', dims: [rows], data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % 2)) },
  { name: 'probabilities', dtype: 'float32', dims: [rows, 2], data: Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? 0.3 : 0.7) + i / 1000) },
];

const cases: { name: string; inputs: TensorData[]; outputs: TensorData[]; ctx?: Partial<RecordContext> }[] = [
  { name: 'one float32 row', inputs: [{ name: 'float_input', dtype: 'float32', dims: [1, 6], data: Float32Array.from([30, 50000, 0.1, 2, 0, 24]) }], outputs: classifier(1) },
  {
    name: 'feature names, a batch of three, class labels',
    inputs: [{ name: 'float_input', dtype: 'float32', dims: [3, 3], data: Float32Array.from([1.5, Number.NaN, Infinity, -0, 1e21, 1e-7, -Infinity, 3, 4]) }],
    outputs: classifier(3),
    ctx: { featureNames: ['income', 'age', 'zeta'], classLabels: ['no', 'yes'] },
  },
  { name: 'feature names that sort differently', inputs: [{ name: 'x', dtype: 'float64', dims: [1, 3], data: Float64Array.from([1, 2, 3]) }], outputs: classifier(1), ctx: { featureNames: ['b', 'A', 'a'] } },
  { name: 'feature names that are array indexes', inputs: [{ name: 'x', dtype: 'float32', dims: [1, 3], data: Float32Array.from([1, 2, 3]) }], outputs: classifier(1), ctx: { featureNames: ['2', '0', 'z'] } },
  { name: 'duplicate feature names', inputs: [{ name: 'x', dtype: 'float32', dims: [1, 3], data: Float32Array.from([1, 2, 3]) }], outputs: classifier(1), ctx: { featureNames: ['a', 'b', 'a'] } },
  { name: '__proto__ as a feature name', inputs: [{ name: 'x', dtype: 'float32', dims: [1, 2], data: Float32Array.from([1, 2]) }], outputs: classifier(1), ctx: { featureNames: ['__proto__', 'b'] } },
  {
    name: 'several inputs of every kind, two rows',
    inputs: [
      { name: 'zcount', dtype: 'int64', dims: [2, 1], data: BigInt64Array.from([9007199254740993n, -4n]) },
      { name: 'flag', dtype: 'bool', dims: [2], data: Uint8Array.from([1, 0]) },
      { name: 'words', dtype: 'string', dims: [2, 2], data: ['é"\\\n', 'b', '', 'd'] },
      { name: 'half', dtype: 'float16', dims: [2, 2], data: Uint16Array.from([0x3c00, 0x7c00, 0x7e00, 0xc000]) },
      { name: 'wide', dtype: 'float32', dims: [2, 65], data: new Float32Array(130).fill(0.5) },
      { name: '7', dtype: 'int32', dims: [2, 0], data: new Int32Array(0) },
    ],
    outputs: [{ name: 'variable', dtype: 'float32', dims: [2, 1], data: Float32Array.from([0.25, Number.NaN]) }],
  },
  {
    name: 'inputs in an order the canonical JSON changes, regressor',
    inputs: [
      { name: 'b', dtype: 'uint8', dims: [2, 2], data: Uint8Array.from([1, 2, 3, 4]) },
      { name: 'a', dtype: 'int32', dims: [2], data: Int32Array.from([-1, 2147483647]) },
    ],
    outputs: [{ name: 'value', dtype: 'float64', dims: [2], data: Float64Array.from([0.1 + 0.2, -5]) }],
  },
  { name: 'outputs without the batch dimension', inputs: [{ name: 'x', dtype: 'float32', dims: [2, 1], data: Float32Array.from([1, 2]) }], outputs: [{ name: 'label', dtype: 'string', dims: [1], data: ['spam'] }] },
  { name: 'no rows', inputs: [{ name: 'x', dtype: 'float32', dims: [0, 3], data: new Float32Array(0) }], outputs: classifier(0) },
];

describe('predictionLogText', () => {
  for (const c of cases) {
    it(`writes JSON.stringify of each record: ${c.name}`, () => {
      const context = { ...ctx, ...c.ctx };
      const records = predictionRecords(c.inputs, c.outputs, context);
      const seen: [PredictionOutput['label'], number | null][] = [];
      const text = predictionLogText(c.inputs, c.outputs, context, (label, confidence) => seen.push([label, confidence]));
      assert.equal(text, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      assert.deepEqual(seen, records.map((r) => [r.output?.label, r.confidence]));
      const seenBytes: [PredictionOutput['label'], number | null][] = [];
      assert.equal(Buffer.from(predictionLogBytes(c.inputs, c.outputs, context, (label, confidence) => seenBytes.push([label, confidence]))).toString('utf8'), text);
      assert.deepEqual(seenBytes, seen);
      const counted: [PredictionOutput['label'], number | null][] = [];
      eachRowOutput(c.inputs, c.outputs, context.classLabels, (label, confidence) => counted.push([label, confidence]));
      assert.deepEqual(counted, seen);
    });
  }

  it('logs a row of the server answer with its feature names and the scaffolded input hash', () => {
    const line = JSON.parse(predictionLogText(cases[1]!.inputs, cases[1]!.outputs, { ...ctx, featureNames: ['income', 'age', 'zeta'] }).split('\n')[0]!) as Record<string, unknown>;
    assert.deepEqual(line.inputs, { income: 1.5, age: 'NaN', zeta: 'Infinity' });
    assert.equal(line.request_id, 'req-1/0');
    assert.match(String(line.input_hash), /^[0-9a-f]{16}$/);
  });
});

/** rowOutput() as it read the outputs before it went straight to the typed data: every output's row as JSON values. */
function referenceRowOutput(outputs: readonly TensorData[], rows: number, r: number, classLabels?: readonly string[]): { output: PredictionOutput | null; confidence: number | null } {
  const FLOAT = /^float(16|32|64)?$|^double$/;
  const perRow = outputs.map((t) => {
    const per = rows > 0 ? Math.floor(t.data.length / rows) : 0;
    return { t, values: jsonValues(t.dtype, Array.from({ length: per }, (_, i) => t.data[r * per + i])) };
  });
  const isLabel = (x: unknown): x is string | number | boolean => typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
  const label = perRow.find(({ t, values }) => values.length === 1 && !FLOAT.test(t.dtype)) ?? perRow.find(({ t, values }) => values.length === 1 && /label|class/i.test(t.name));
  const scores = perRow.find(({ t, values }) => values.length > 1 && FLOAT.test(t.dtype) && t !== label?.t);
  if (scores) {
    const nums = scores.values.map((v) => (typeof v === 'number' ? v : Number(v)));
    const keys = nums.map((_, i) => classLabels?.[i] ?? String(i));
    let best = 0;
    nums.forEach((v, i) => (v > (nums[best] as number) ? (best = i) : undefined));
    const raw = label?.values[0];
    const confidence = Math.max(...nums);
    return { output: { label: isLabel(raw) ? raw : keys[best], scores: Object.fromEntries(keys.map((k, i) => [k, nums[i] as number])) }, confidence: Number.isFinite(confidence) && confidence >= 0 && confidence <= 1 ? confidence : null };
  }
  if (label) return { output: isLabel(label.values[0]) ? { label: label.values[0] } : null, confidence: null };
  const value = perRow.find(({ t, values }) => values.length === 1 && FLOAT.test(t.dtype));
  return value && typeof value.values[0] === 'number' ? { output: { value: value.values[0] }, confidence: null } : { output: null, confidence: null };
}

describe('rowOutput', () => {
  const scores = (dtype: string, data: number[], rows = 1): TensorData => ({ name: 'probabilities', dtype, dims: [rows, data.length / rows], data: dtype === 'float64' ? Float64Array.from(data) : dtype === 'float16' ? Uint16Array.from(data) : Float32Array.from(data) });
  const outputCases: { name: string; outputs: TensorData[]; rows?: number; classLabels?: string[] }[] = [
    { name: 'label and scores', outputs: classifier(1) },
    { name: 'scores only, the best wins, ties to the first', outputs: [scores('float32', [0.2, 0.4, 0.4])] },
    { name: 'NaN and infinite scores', outputs: [scores('float64', [Number.NaN, 0.5, Infinity])] },
    { name: 'float16 scores', outputs: [scores('float16', [0x3800, 0x3400])] },
    { name: 'scores above 1 (no confidence)', outputs: [scores('float32', [2, 3])] },
    { name: 'negative zero', outputs: [scores('float64', [-0, 0])] },
    { name: 'class labels that are array indexes, out of order', outputs: [scores('float32', [0.1, 0.2, 0.7])], classLabels: ['2', '0', 'x'] },
    { name: 'duplicate class labels', outputs: [scores('float32', [0.1, 0.9])], classLabels: ['a', 'a'] },
    { name: '__proto__ as a class label', outputs: [scores('float32', [0.6, 0.4])], classLabels: ['__proto__', 'b'] },
    { name: 'fewer class labels than scores', outputs: [scores('float32', [0.6, 0.3, 0.1])], classLabels: ['a'] },
    { name: 'a string label', outputs: [{ name: 'out', dtype: 'string', dims: [1], data: ['spam'] }, scores('float32', [0.1, 0.9])] },
    { name: 'a bool label', outputs: [{ name: 'out', dtype: 'bool', dims: [1], data: Uint8Array.from([1]) }] },
    { name: 'a huge int64 label', outputs: [{ name: 'label', dtype: 'int64', dims: [1], data: BigInt64Array.from([9007199254740993n]) }] },
    { name: 'a float label found by its name', outputs: [{ name: 'predicted_class', dtype: 'float32', dims: [1], data: Float32Array.from([2]) }, scores('float32', [0.1, 0.9])] },
    { name: 'a regressor', outputs: [{ name: 'variable', dtype: 'float32', dims: [1, 1], data: Float32Array.from([0.25]) }] },
    { name: 'a regressor giving NaN', outputs: [{ name: 'variable', dtype: 'float64', dims: [1], data: Float64Array.from([Number.NaN]) }] },
    { name: 'an output without values', outputs: [{ name: 'empty', dtype: 'float32', dims: [1, 0], data: new Float32Array(0) }] },
    { name: 'no outputs', outputs: [] },
    { name: 'every row of a batch of three', outputs: classifier(3), rows: 3 },
  ];
  for (const c of outputCases) {
    it(`reads the outputs as their JSON values say: ${c.name}`, () => {
      const rows = c.rows ?? 1;
      for (let r = 0; r < rows; r++) {
        const got = rowOutput(c.outputs, rows, r, c.classLabels);
        const want = referenceRowOutput(c.outputs, rows, r, c.classLabels);
        assert.deepEqual(got, want);
        assert.equal(JSON.stringify(got), JSON.stringify(want));
        assert.deepEqual(Object.keys(got.output?.scores ?? {}), Object.keys(want.output?.scores ?? {}));
      }
    });

    it(`and the prediction log writes that output and confidence, and gives them to the sink: ${c.name}`, () => {
      const rows = c.rows ?? 1;
      const inputs: TensorData[] = [{ name: 'x', dtype: 'float32', dims: [rows, 1], data: Float32Array.from({ length: rows }, (_, i) => i) }];
      const context: RecordContext = { ...ctx, ...(c.classLabels ? { classLabels: c.classLabels } : {}) };
      // Twice: the second time with the layouts made the first time.
      for (let round = 0; round < 2; round++) {
        const labels: [PredictionOutput['label'], number | null][] = [];
        const text = Buffer.from(predictionLogBytes(inputs, c.outputs, context, (label, confidence) => labels.push([label, confidence]))).toString('utf8');
        const records = predictionRecords(inputs, c.outputs, context);
        assert.equal(text, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
        assert.deepEqual(labels, records.map((r) => [r.output?.label, r.confidence]));
      }
    });
  }
});

describe('error records (a request answered with an error instead of its outputs)', () => {
  const error = 'Output "probabilities" holds NaN in 1 of 3 rows (row 1), although the inputs of row 1 are finite: the model is broken for these inputs.';
  for (const c of cases) {
    it(`writes one error record per row, as JSON.stringify of the records, and gives no row to the sink: ${c.name}`, () => {
      const context: RecordContext = { ...ctx, ...c.ctx, error };
      const records = predictionRecords(c.inputs, c.outputs, context);
      const plain = predictionRecords(c.inputs, c.outputs, { ...ctx, ...c.ctx });
      assert.equal(records.length, plain.length, 'a record for every row, the answered ones too');
      records.forEach((r, i) => {
        const p = plain[i] as (typeof plain)[number];
        assert.deepEqual(Object.keys(r), ['ts', 'feature', 'model', 'model_version', 'request_id', 'input_hash', 'inputs', 'output', 'confidence', 'path', 'reason', 'error', 'latency_ms', 'variant']);
        assert.deepEqual({ ...r, output: p.output, confidence: p.confidence, path: p.path, reason: p.reason, error: undefined }, { ...p, error: undefined }, 'the same request id, inputs and hash as the answer\'s record');
        assert.deepEqual([r.output, r.confidence, r.path, r.reason, r.error], [null, null, 'abstain', 'error', error]);
        const parsed = parsePredictionRecord(JSON.parse(JSON.stringify(r)));
        assert.ok(parsed.ok && parsed.value.record.reason === 'error' && parsed.value.record.path === 'abstain');
      });
      const seen: unknown[] = [];
      const text = predictionLogText(c.inputs, c.outputs, context, (...row) => seen.push(row));
      assert.equal(text, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      assert.equal(Buffer.from(predictionLogBytes(c.inputs, c.outputs, context, (...row) => seen.push(row))).toString('utf8'), text);
      assert.deepEqual(seen, []);
      // And the next request, answered, is written as before (the layouts made for it are not the error's).
      assert.equal(Buffer.from(predictionLogBytes(c.inputs, c.outputs, { ...ctx, ...c.ctx })).toString('utf8'), plain.map((r) => `${JSON.stringify(r)}\n`).join(''));
    });
  }
});

describe('predictionLogText, one request after another', () => {
  it('writes each request with its own inputs and feature names when they change between requests', () => {
    const order = [0, 1, 1, 2, 0, 3, 3, 2, 6, 6, 7, 0, 9, 0];
    for (const i of order) {
      const c = cases[i]!;
      for (const names of [c.ctx?.featureNames, undefined, ['p', 'q', 'r']]) {
        const context: RecordContext = { ...ctx, ...c.ctx };
        if (names) context.featureNames = names;
        else delete context.featureNames;
        const text = predictionLogText(c.inputs, c.outputs, context);
        assert.equal(text, predictionRecords(c.inputs, c.outputs, context).map((r) => `${JSON.stringify(r)}\n`).join(''), `${c.name}, feature names ${String(names)}`);
        assert.equal(Buffer.from(predictionLogBytes(c.inputs, c.outputs, context)).toString('utf8'), text, `${c.name} as bytes, feature names ${String(names)}`);
      }
    }
  });
});

describe('predictionLogBytes on random batches', () => {
  it('writes the bytes of predictionLogText: short decimals, odd values, several rows, non-ASCII and unsorted names', () => {
    const random = seeded(71);
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const odd = [0, -0, Number.NaN, Infinity, -Infinity, 1e-7, -1.1754943508222875e-38, 3.4028234663852886e38, 2 ** 23, 1e-6];
    const value = (): number => {
      const p = random();
      if (p < 0.5) return Number((random() * 200 - 100).toFixed(Math.floor(random() * 5)));
      if (p < 0.8) return odd[Math.floor(random() * odd.length)] as number;
      u32[0] = Math.floor(random() * 2 ** 32);
      return f32[0] as number;
    };
    const names = ['é', 'ключ', 'a', 'Z', '😀', 'x"y', 'b\\', 'α', 'ab', 'A'];
    for (let round = 0; round < 300; round++) {
      const rows = 1 + Math.floor(random() * 4);
      const width = 1 + Math.floor(random() * 70);
      const inputs: TensorData[] = [{ name: names[round % names.length] as string, dtype: 'float32', dims: [rows, width], data: Float32Array.from({ length: rows * width }, value) }];
      if (random() < 0.3) inputs.push({ name: 'ω', dtype: 'float64', dims: [rows, 2], data: Float64Array.from({ length: rows * 2 }, value) });
      const classes = 2 + Math.floor(random() * 3);
      // Scores as a model gives them, or odd ones (NaN, -0, short decimals, above 1); now and then a label output
      // next to them, or a regressor's value alone.
      const score = round % 3 === 0 ? value : random;
      const kind = round % 5;
      const outputs: TensorData[] =
        kind === 4
          ? [{ name: 'variable', dtype: round % 2 === 0 ? 'float32' : 'float64', dims: [rows, 1], data: round % 2 === 0 ? Float32Array.from({ length: rows }, value) : Float64Array.from({ length: rows }, value) }]
          : [{ name: 'probabilities', dtype: 'float32', dims: [rows, classes], data: Float32Array.from({ length: rows * classes }, score) }];
      if (kind === 1) outputs.unshift({ name: 'label', dtype: 'int64', dims: [rows], data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i - 1)) });
      if (kind === 2) outputs.push({ name: 'label', dtype: 'string', dims: [rows], data: Array.from({ length: rows }, (_, i) => `é"${i}\\`) });
      const context: RecordContext = { ...ctx, requestId: `req-${round}-é`, latencyMs: Math.round(random() * 1e6) / 1e3 };
      if (inputs.length === 1 && random() < 0.6) context.featureNames = Array.from({ length: width }, (_, i) => `${names[(i * 7 + round) % names.length] as string}${i}`);
      const labelSets = [names.map((n) => `kls-${n}`), ['__proto__', 'b', 'c', 'd'], ['3', '1', 'x', '0'], ['b', 'a', 'b', 'a']];
      if (random() < 0.5) context.classLabels = (labelSets[round % labelSets.length] as string[]).slice(0, classes);
      const text = predictionLogText(inputs, outputs, context);
      assert.equal(Buffer.from(predictionLogBytes(inputs, outputs, context)).toString('utf8'), text, `round ${round}`);
      assert.equal(text, predictionRecords(inputs, outputs, context).map((r) => `${JSON.stringify(r)}\n`).join(''), `round ${round} as records`);
    }
  });
});

/** Stands in for the runtime's Float16Array (Node 20 has none): what onnxruntime-common gives float16 outputs as there. */
class Float16Array extends Float32Array {}

describe('float16 outputs as values', () => {
  it('reads float16 scores given as floats (a Float16Array where the runtime has one) as values, and bits as bits', () => {
    // 0x3400 is 0.25 and 0x3a00 0.75; a Float32Array named Float16Array stands in for one (Node 20 has none).
    for (const data of [Uint16Array.from([0x3400, 0x3a00]), Float16Array.from([0.25, 0.75])]) {
      const scores: TensorData = { name: 'probabilities', dtype: 'float16', dims: [1, 2], data };
      assert.deepEqual(rowOutput([scores], 1, 0, ['no', 'yes']), { output: { label: 'yes', scores: { no: 0.25, yes: 0.75 } }, confidence: 0.75 });
    }
  });
});
