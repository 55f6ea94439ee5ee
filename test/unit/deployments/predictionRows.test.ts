// The local server writes its prediction log with predictionLogText(), straight from the typed tensors. Every line
// must be exactly JSON.stringify of the record predictionRecords() builds (the contract the log readers and the
// scaffolded code's input_hash rely on), for every kind of tensor, batch and key the server can meet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eachRowOutput, predictionLogText, predictionRecords, type RecordContext, type TensorData } from '../../../src/core/deployments/predictionRows';
import type { PredictionOutput } from '../../../src/core/deployments/records';

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
      const seen: [PredictionOutput | null, number | null][] = [];
      const text = predictionLogText(c.inputs, c.outputs, context, (output, confidence) => seen.push([output, confidence]));
      assert.equal(text, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      assert.deepEqual(seen, records.map((r) => [r.output, r.confidence]));
      const counted: [PredictionOutput | null, number | null][] = [];
      eachRowOutput(c.inputs, c.outputs, context.classLabels, (output, confidence) => counted.push([output, confidence]));
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
