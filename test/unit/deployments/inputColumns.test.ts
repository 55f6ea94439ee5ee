// Windows of logged inputs in columns (the form the live drift worker is sent them in): the store's columns and
// records turned into columns both come back as the records the store rebuilds, through every kind of input the store
// keeps (numbers, strings, booleans, null, -0, inputs that fit no column, keys in different orders and widths, ring
// wrap-around), survive the IPC channel's structured clone, and a tampered window is refused on receipt.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { columnsOf, recordsOf } from '../../../src/core/deployments/inputColumns';
import { PredictionStore } from '../../../src/core/deployments/recordStore';
import type { PredictionRecord, Timed } from '../../../src/core/deployments/records';
import { isInputColumns, isLiveDriftRequest } from '../../../src/shared/driftWorker';
import { seeded } from './seeded';

const T = Date.parse('2026-01-05T10:00:00Z');

function randomInputs(random: () => number, i: number): Record<string, unknown> {
  const k = random();
  if (k < 0.3) return { age: Math.round(random() * 80), income: random() * 1e5, debt: k < 0.05 ? -0 : random() };
  if (k < 0.5) return { income: random() * 1e5, age: 30 };
  if (k < 0.65) return { region: [null, 'EU', 'US', true, false, `r${i}`, 'é ☃ 💡'][Math.floor(random() * 7)], x: random() < 0.5 ? 1e-300 : 'n/a' };
  if (k < 0.75) return { nested: { a: [1, 2] }, x: 2 };
  if (k < 0.8) return { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 };
  if (k < 0.85) return Object.fromEntries(Array.from({ length: 300 }, (_, j) => [`w${j}`, j]));
  return { x: random() * 10 - 5 };
}

const record = (t: number, i: number, inputs: Record<string, unknown>): Timed<PredictionRecord> => ({ t, record: { ts: new Date(t).toISOString(), feature: 'f', model: 'm', model_version: '1', request_id: `r${i}`, input_hash: '', inputs, output: null, confidence: null, path: 'model', reason: null, latency_ms: null, variant: null } });

describe('InputColumns', () => {
  it('gives back what the store rebuilds, for any rows of it, through wrap-around and dropping', () => {
    const random = seeded(11);
    const store = new PredictionStore(16);
    let i = 0;
    for (let round = 0; round < 40; round++) {
      const n = 1 + Math.floor(random() * 30);
      for (let k = 0; k < n; k++, i++) store.push(record(T + i, i, randomInputs(random, i)));
      store.dropFirst(Math.floor(random() * store.length * 0.6));
      const indices = Array.from({ length: Math.floor(random() * store.length) }, () => Math.floor(random() * store.length)).sort((a, b) => a - b);
      const cols = store.inputColumns(indices);
      assert.ok(isInputColumns(cols), `round ${round}`);
      assert.deepEqual(recordsOf(cols), indices.map((x) => store.inputs(x)), `round ${round}`);
      // What crosses the IPC channel (advanced serialization is V8's structured clone) arrives unchanged.
      const sent = deserialize(serialize(cols)) as unknown;
      assert.ok(isInputColumns(sent));
      assert.deepEqual(recordsOf(sent), recordsOf(cols));
    }
  });

  it('turns records into columns and back unchanged, keys in their order', () => {
    const random = seeded(12);
    const records = Array.from({ length: 500 }, (_, i) => randomInputs(random, i));
    records.push({}, { 'key with "quotes"': 'v', '': 0 });
    const cols = columnsOf(records);
    assert.ok(isInputColumns(cols));
    const back = recordsOf(cols);
    assert.deepEqual(back, records);
    back.forEach((r, i) => assert.deepEqual(Object.keys(r), Object.keys(records[i] as object)));
    assert.deepEqual(recordsOf(columnsOf([])), []);
  });

  it('refuses a window whose codes point at nothing, or that is not columns at all', () => {
    const cols = columnsOf([{ region: 'EU', x: 1 }, { region: 'US', x: 2 }, { nested: [1] }]);
    assert.ok(isInputColumns(cols));
    assert.ok(!isInputColumns({ ...cols, rows: 4 }), 'rows and columns disagree');
    assert.ok(!isInputColumns({ ...cols, schema: Int32Array.from([0, 5, -2]) }), 'no such key list');
    assert.ok(!isInputColumns({ ...cols, schema: Int32Array.from([0, 0, 0]) }), 'a whole object with no row');
    assert.ok(!isInputColumns({ ...cols, atoms: [Int32Array.from([1, 9, 0]), null] }), 'no such atom');
    assert.ok(!isInputColumns({ ...cols, numbers: [[1, 2, 0], [1, 2, 0]] }), 'plain arrays are not columns');
    assert.ok(!isInputColumns({ ...cols, schemas: [['region']] , numbers: [] , atoms: [] }), 'keys without columns');
    assert.ok(!isInputColumns(JSON.parse(JSON.stringify(cols))), 'what a JSON channel would deliver');
    assert.ok(isLiveDriftRequest({ type: 'live-detail', seq: 2, id: 'prod', inputs: cols, top: 4 }));
    assert.ok(!isLiveDriftRequest({ type: 'live-detail', seq: 2, id: 'prod', inputs: recordsOf(cols), top: 4 }));
  });
});
