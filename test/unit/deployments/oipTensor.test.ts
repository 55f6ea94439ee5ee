// OIP JSON tensors out of the server: encodeTensorJson (the text the server answers with, written straight from the
// typed data) is exactly JSON.stringify(encodeTensor(…)) for every datatype and the values JSON cannot carry as
// numbers, and what it writes decodes back to the same typed data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTensor, encodeTensor, encodeTensorJson } from '../../../src/core/deployments/oipTensor';
import { toFloat16Bits } from '../../../src/core/inference/inputs';

const CASES: { dtype: string; data: ArrayLike<unknown> }[] = [
  { dtype: 'float32', data: Float32Array.from([0.1, -2.5, 1e-8, 3.4e38, Number.NaN, Infinity, -Infinity, -0]) },
  { dtype: 'float64', data: Float64Array.from([0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, -Infinity]) },
  { dtype: 'float16', data: Uint16Array.from([0.5, -1.25, 65504, Infinity, -Infinity, Number.NaN].map(toFloat16Bits)) },
  { dtype: 'int64', data: BigInt64Array.from([0n, -5n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n)]) },
  { dtype: 'uint64', data: BigUint64Array.from([0n, 2n ** 64n - 1n]) },
  { dtype: 'int32', data: Int32Array.from([-2147483648, 0, 2147483647]) },
  { dtype: 'uint8', data: Uint8Array.from([0, 255]) },
  { dtype: 'bool', data: Uint8Array.from([1, 0, 1]) },
  { dtype: 'string', data: ['plain', 'quote " and \\ and\nnewline', 'é', ''] },
];

describe('encodeTensorJson', () => {
  it('writes what JSON.stringify(encodeTensor(…)) writes, for every datatype', () => {
    for (const c of CASES) {
      const dims = [1, c.data.length];
      assert.equal(encodeTensorJson('out "x"', c.dtype, dims, c.data), JSON.stringify(encodeTensor('out "x"', c.dtype, dims, c.data)), c.dtype);
    }
  });

  it('decodes back to the same data, NaN and infinities included (−0 comes back as 0, as JSON writes it)', () => {
    for (const c of CASES) {
      const json = JSON.parse(encodeTensorJson('t', c.dtype, [c.data.length], c.data)) as Record<string, unknown>;
      const back = decodeTensor(json, 0);
      assert.equal(back.dtype, c.dtype);
      assert.deepEqual(Array.from(back.data as ArrayLike<unknown>), Array.from(c.data, (v) => (Object.is(v, -0) ? 0 : v)), c.dtype);
    }
  });

  it('refuses a type the protocol cannot carry', () => {
    assert.throws(() => encodeTensorJson('m', 'map(int64,float)', [1], []), /cannot carry/);
  });
});
