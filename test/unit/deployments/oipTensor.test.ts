// OIP JSON tensors out of the server: writeTensorJson (the bytes the server answers with, written straight from the
// typed data) is exactly JSON.stringify(encodeTensor(…)) for every datatype and the values JSON cannot carry as
// numbers, and what it writes decodes back to the same typed data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteText } from '../../../src/core/deployments/byteText';
import { decodeTensor, encodeTensor, jsonValuesText, jsonValueText, writeTensorJson } from '../../../src/core/deployments/oipTensor';
import { toFloat16Bits } from '../../../src/core/inference/inputs';

const CASES: { dtype: string; data: ArrayLike<unknown> }[] = [
  { dtype: 'float32', data: Float32Array.from([0.1, -2.5, 1e-8, 3.4e38, Number.NaN, Infinity, -Infinity, -0]) },
  { dtype: 'float64', data: Float64Array.from([0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, -Infinity]) },
  { dtype: 'float16', data: Uint16Array.from([0.5, -1.25, 65504, Infinity, -Infinity, Number.NaN].map(toFloat16Bits)) },
  { dtype: 'int64', data: BigInt64Array.from([0n, -5n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n, -(2n ** 53n), 1n - 2n ** 53n, 2n ** 32n, 2n ** 32n - 1n, -(2n ** 32n), -(2n ** 31n), 2n ** 31n, -1n]) },
  // A view that does not start at its buffer's start.
  { dtype: 'int64', data: BigInt64Array.from([7n, -(2n ** 40n) - 3n, 12n]).subarray(1) },
  { dtype: 'uint64', data: BigUint64Array.from([0n, 2n ** 64n - 1n]) },
  { dtype: 'int32', data: Int32Array.from([-2147483648, 0, 2147483647]) },
  { dtype: 'uint8', data: Uint8Array.from([0, 255]) },
  { dtype: 'bool', data: Uint8Array.from([1, 0, 1]) },
  { dtype: 'string', data: ['plain', 'quote " and \\ and\nnewline', 'é', ''] },
];

/** writeTensorJson's bytes as text, written after other text in a buffer that must grow. */
function encodeTensorJson(name: string, dtype: string, dims: readonly number[], data: ArrayLike<unknown>): string {
  const out = new ByteText();
  out.text('x'.repeat(8190));
  const from = out.used;
  writeTensorJson(name, dtype, dims, data, out);
  assert.equal(out.buffer.toString('utf8', 0, from), 'x'.repeat(8190));
  return out.buffer.toString('utf8', from, out.used);
}

/** Stands in for the runtime's Float16Array (Node 20 has none): what onnxruntime-common gives float16 outputs as there. */
class Float16Array extends Float32Array {}

describe('writeTensorJson', () => {
  it('writes what JSON.stringify(encodeTensor(…)) writes, for every datatype', () => {
    for (const name of ['out "x"', 'plain', 'é\u0001\\', '']) {
      for (const c of CASES) {
        for (const dims of [[1, c.data.length], [c.data.length, 1, 1], [-1, 2147483648, 0, 12345678901]]) {
          assert.equal(encodeTensorJson(name, c.dtype, dims, c.data), JSON.stringify(encodeTensor(name, c.dtype, dims, c.data)), c.dtype);
        }
      }
    }
  });

  it('decodes float16 bits (a Uint16Array) but writes float16 values given as floats (a Float16Array) as they are', () => {
    // 0x3800 is 0.5 and 0x3e00 1.5; a runtime with Float16Array gives the values themselves (a
    // Float32Array named Float16Array stands in: Node 20 has none).
    for (const [data, want] of [[Uint16Array.from([0x3800, 0x3e00]), [0.5, 1.5]], [Float16Array.from([0.5, 1.5]), [0.5, 1.5]], [Float16Array.from([NaN, -Infinity]), ['NaN', '-Infinity']]] as const) {
      assert.deepEqual(encodeTensor('h', 'float16', [2], data).data, want);
      assert.equal(encodeTensorJson('h', 'float16', [2], data), JSON.stringify({ name: 'h', datatype: 'FP16', shape: [2], data: want }));
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

  it('refuses INT64 and UINT64 JSON numbers beyond ±2^53 (already rounded), and takes them as strings', () => {
    for (const datatype of ['INT64', 'UINT64'] as const) {
      // 2^53 + 1 is 9007199254740993; JSON.parse gives 9007199254740992.
      const parsed = JSON.parse(`{"name":"x","shape":[2],"datatype":"${datatype}","data":[1, 9007199254740993]}`) as unknown;
      assert.throws(() => decodeTensor(parsed, 0), /element 1 \(9007199254740992\) is not exact: .*send 64-bit integers that large as strings/);
      assert.deepEqual(Array.from(decodeTensor({ name: 'x', shape: [2], datatype, data: [9007199254740991, '9007199254740993'] }, 0).data as BigInt64Array), [9007199254740991n, 9007199254740993n]);
    }
    assert.throws(() => decodeTensor({ name: 'x', shape: [1], datatype: 'INT64', data: [-(2 ** 60)] }, 0), /not exact/);
  });

  it('refuses a type the protocol cannot carry', () => {
    assert.throws(() => encodeTensorJson('m', 'map(int64,float)', [1], []), /cannot carry/);
  });
});

describe('jsonValuesText', () => {
  // A seeded generator, so a failure shows the same data again.
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const special = [Number.NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, 5e-324, 0.1, 123456789];
  const value = (): number => (random() < 0.05 ? (special[Math.floor(random() * special.length)] as number) : (random() - 0.5) * 10 ** Math.floor(random() * 12 - 4));
  const kinds: { dtype: string; make: (values: number[]) => ArrayLike<unknown> }[] = [
    { dtype: 'float32', make: (v) => Float32Array.from(v) },
    { dtype: 'float64', make: (v) => Float64Array.from(v) },
    { dtype: 'int32', make: (v) => Int32Array.from(v, (x) => (Number.isFinite(x) ? x : 0)) },
    { dtype: 'uint8', make: (v) => Uint8Array.from(v, (x) => (Number.isFinite(x) ? x : 0)) },
    { dtype: 'bool', make: (v) => Uint8Array.from(v, (x) => (x > 0 ? 1 : 0)) },
    { dtype: 'float16', make: (v) => Uint16Array.from(v.map(toFloat16Bits)) },
    { dtype: 'plain', make: (v) => v },
  ];

  it('writes each value as jsonValueText() does, joined by commas, for any range of any array', () => {
    for (let round = 0; round < 400; round++) {
      const kind = kinds[round % kinds.length] as (typeof kinds)[number];
      const length = Math.floor(random() * 80);
      const data = kind.make(Array.from({ length }, value));
      const start = Math.floor(random() * (length + 1));
      const end = start + Math.floor(random() * (length - start + 1));
      const half = kind.dtype === 'float16';
      const bool = kind.dtype === 'bool';
      const expected = Array.from({ length: end - start }, (_, i) => jsonValueText(data[start + i], half, bool)).join(',');
      assert.equal(jsonValuesText(data, start, end, half, bool), expected, `${kind.dtype} [${start}, ${end}) of ${length}`);
    }
  });

  it('writes the text JSON.stringify writes for non-finite values inside an otherwise plain float array', () => {
    const data = Float32Array.from([1.5, Number.NaN, -Infinity, 0.1]);
    assert.equal(`[${jsonValuesText(data, 0, 4, false, false)}]`, JSON.stringify([1.5, 'NaN', '-Infinity', Math.fround(0.1)]));
    assert.equal(jsonValuesText(data, 3, 4, false, false), String(Math.fround(0.1)));
  });
});
