// Which inference outputs are no answer (NaN or ±Infinity in a float output), on which rows, whose fault (the
// inputs sent NaN: 422; the model made it from finite inputs: 500), and the message the local server answers with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstNonFinite, nonFiniteAnswer } from '../../../src/core/deployments/nonFinite';
import type { TensorData } from '../../../src/core/deployments/predictionRows';

const input = (rows: number[][], name = 'float_input'): TensorData => ({ name, dtype: 'float32', dims: [rows.length, rows[0]?.length ?? 0], data: Float32Array.from(rows.flat()) });
const scores = (rows: number[][], name = 'probabilities'): TensorData => ({ name, dtype: 'float32', dims: [rows.length, 2], data: Float32Array.from(rows.flat()) });
const labels = (n: number): TensorData => ({ name: 'label', dtype: 'int64', dims: [n], data: new BigInt64Array(n) });

describe('firstNonFinite', () => {
  it('finds NaN and ±Infinity in float data of every form, and nothing in finite or non-float data', () => {
    assert.equal(firstNonFinite({ dtype: 'float32', data: Float32Array.from([0, -0, 1e-45, 3.4e38, -1]) }), -1);
    assert.equal(firstNonFinite({ dtype: 'float32', data: Float32Array.from([0, Number.NaN]) }), 1);
    assert.equal(firstNonFinite({ dtype: 'float64', data: Float64Array.from([Number.MAX_VALUE, -Infinity]) }), 1);
    assert.equal(firstNonFinite({ dtype: 'float64', data: [1, 2, Infinity] }), 2);
    // float16 as its bits (a Uint16Array): 0x7bff is 65504, the largest finite half; 0x7c00 +Infinity, 0xfc00
    // -Infinity, 0x7e00 NaN.
    assert.equal(firstNonFinite({ dtype: 'float16', data: Uint16Array.from([0x3c00, 0x7bff, 0xfbff]) }), -1);
    assert.equal(firstNonFinite({ dtype: 'float16', data: Uint16Array.from([0x3c00, 0x7c00]) }), 1);
    assert.equal(firstNonFinite({ dtype: 'float16', data: Uint16Array.from([0xfc00]) }), 0);
    assert.equal(firstNonFinite({ dtype: 'float16', data: Uint16Array.from([0, 0x7e00]) }), 1);
    // Integer, bool and string tensors hold no NaN (a uint16 0x7c00 is 31744, not a half).
    assert.equal(firstNonFinite({ dtype: 'uint16', data: Uint16Array.from([0x7c00]) }), -1);
    assert.equal(firstNonFinite({ dtype: 'int64', data: BigInt64Array.from([1n]) }), -1);
    assert.equal(firstNonFinite({ dtype: 'string', data: ['NaN'] }), -1);
  });
});

describe('nonFiniteAnswer', () => {
  it('is undefined when every float output is finite', () => {
    assert.equal(nonFiniteAnswer([input([[1, 2]])], [labels(1), scores([[0.2, 0.8]])]), undefined);
    assert.equal(nonFiniteAnswer([input([[Number.NaN, 2]])], [labels(1), scores([[0.2, 0.8]])]), undefined, 'NaN inputs the model can score (a tree ensemble) are no error');
    assert.equal(nonFiniteAnswer([input([])], [labels(0), scores([])]), undefined);
  });

  it('is the request\'s fault (422) when the rows with NaN scores were sent NaN, naming the output, the rows and the features', () => {
    const a = nonFiniteAnswer([input([[30, Number.NaN, 0.3, 2, 0, Infinity]])], [labels(1), scores([[Number.NaN, Number.NaN]])], ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed']);
    assert.ok(a);
    assert.equal(a.status, 422);
    assert.equal(a.rows, 1);
    assert.deepEqual(a.badRows, [0]);
    assert.deepEqual(a.outputs, [{ name: 'probabilities', rows: [0], kinds: { nan: true, infinity: false, negativeInfinity: false } }]);
    assert.equal(
      a.message,
      'Output "probabilities" holds NaN in 1 of 1 row (row 0): the model cannot score the NaN or infinite values it was sent (row 0: income is NaN, months_employed is Infinity). Send finite values (impute missing ones) or leave such rows out.',
    );
    // Without feature names, the input by its name.
    assert.match(nonFiniteAnswer([input([[Number.NaN, 1]])], [scores([[Number.NaN, Number.NaN]])])?.message ?? '', /\(row 0: float_input holds NaN\)/);
  });

  it('is the model\'s fault (500) when a row with finite inputs got a non-finite answer, and says no row of the batch was answered', () => {
    const a = nonFiniteAnswer([input([[1, 3], [0, 0], [2, 2], [1, -1]], 'x')], [labels(4), scores([[0.25, 0.75], [Number.NaN, Number.NaN], [0.5, 0.5], [Infinity, -Infinity]])]);
    assert.ok(a);
    assert.equal(a.status, 500);
    assert.equal(a.rows, 4);
    assert.deepEqual(a.badRows, [1, 3]);
    assert.deepEqual(a.outputs[0]?.kinds, { nan: true, infinity: true, negativeInfinity: true });
    assert.equal(
      a.message,
      'Output "probabilities" holds NaN, Infinity and -Infinity in 2 of 4 rows (rows 1, 3), although the inputs of rows 1, 3 are finite: the model is broken for these inputs (check how it was trained and exported, e.g. with onnxruntime on the same rows). None of the 4 rows was answered: send the others again without rows 1, 3.',
    );
  });

  it('blames the model when only some of the bad rows were sent NaN, naming the rows whose inputs are finite', () => {
    const a = nonFiniteAnswer([input([[Number.NaN, 1], [0, 0], [1, 1]], 'x')], [scores([[Number.NaN, Number.NaN], [Number.NaN, Number.NaN], [0.5, 0.5]])]);
    assert.equal(a?.status, 500);
    assert.deepEqual(a?.badRows, [0, 1]);
    assert.match(a?.message ?? '', /in 2 of 3 rows \(rows 0, 1\), although the inputs of row 1 are finite/);
  });

  it('names every output that holds one, each with its rows, and shortens long row lists', () => {
    const rows = 20;
    const regression: TensorData = { name: 'value', dtype: 'float64', dims: [rows], data: Float64Array.from({ length: rows }, (_, i) => (i % 2 === 0 ? Number.NaN : i)) };
    const half: TensorData = { name: 'half', dtype: 'float16', dims: [rows, 1], data: Uint16Array.from({ length: rows }, (_, i) => (i === 19 ? 0xfc00 : 0x3c00)) };
    const a = nonFiniteAnswer([input(Array.from({ length: rows }, (_, i) => [i, 1]), 'x')], [regression, half]);
    assert.ok(a);
    assert.deepEqual(a.outputs.map((o) => [o.name, o.rows.length]), [['value', 10], ['half', 1]]);
    assert.equal(a.badRows.length, 11);
    assert.match(a.message, /^Output "value" holds NaN in 10 of 20 rows \(rows 0, 2, 4, 6, 8, 10, 12, 14 and 2 more\); output "half" holds -Infinity in 1 of 20 rows \(row 19\), although the inputs of rows 0, 2, 4, 6, 8, 10, 12, 14 and 3 more are finite/);
    assert.match(a.message, /send the others again without rows 0, 2, 4, 6, 8, 10, 12, 14 and 3 more\.$/);
  });

  it('spoils every row when the outputs do not follow the request\'s rows', () => {
    const a = nonFiniteAnswer([input([[1, 2], [3, 4], [5, 6]], 'x')], [{ name: 'y', dtype: 'float32', dims: [1, 2], data: Float32Array.from([Number.NaN, 1]) }]);
    assert.equal(a?.status, 500);
    assert.deepEqual(a?.badRows, [0, 1, 2]);
    assert.deepEqual(a?.outputs[0]?.rows, [0, 1, 2]);
    const sentNaN = nonFiniteAnswer([input([[1, 2], [Number.NaN, 4]], 'x')], [{ name: 'y', dtype: 'float32', dims: [1], data: Float32Array.from([Number.NaN]) }]);
    assert.equal(sentNaN?.status, 422);
    assert.match(sentNaN?.message ?? '', /\(x holds NaN\)/);
  });
});
