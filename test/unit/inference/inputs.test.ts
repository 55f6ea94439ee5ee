import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TensorSpec } from '../../../src/core/formats/types';
import { buildInputs, normalizeDtype, parseFeatureNames, toFloat16Bits } from '../../../src/core/inference/inputs';
import { mulberry32 } from '../../../src/core/util/random';

const creditRisk: TensorSpec[] = [{ name: 'float_input', dtype: 'float32', shape: ['N', 6] }];
const features = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'employment_years'];

function feed(built: ReturnType<typeof buildInputs>, name: string): NonNullable<ReturnType<typeof buildInputs>['feeds'][string]> {
  const f = built.feeds[name];
  assert.ok(f, `no feed for ${name}`);
  return f;
}

describe('buildInputs shapes', () => {
  it('uses batchSize for a symbolic first dimension and keeps fixed ones', () => {
    const built = buildInputs(creditRisk, { batchSize: 8 });
    const f = feed(built, 'float_input');
    assert.equal(f.dtype, 'float32');
    assert.deepEqual(f.dims, [8, 6]);
    assert.ok(f.data instanceof Float32Array);
    assert.equal(f.data.length, 48);
  });

  it('defaults to a batch of 1', () => {
    assert.deepEqual(feed(buildInputs(creditRisk), 'float_input').dims, [1, 6]);
  });

  it('sets other symbolic or unknown dimensions to 1 and says so', () => {
    const built = buildInputs([{ name: 'tokens', dtype: 'int64', shape: ['batch', 'sequence', null] }], { batchSize: 2 });
    assert.deepEqual(feed(built, 'tokens').dims, [2, 1, 1]);
    assert.ok(built.notes.some((n) => n.includes('tokens') && n.includes("'sequence'") && n.includes('set to 1')));
  });

  it('treats null, 0 and negative first dimensions as the batch', () => {
    for (const first of [null, 0, -1, '']) {
      assert.deepEqual(feed(buildInputs([{ name: 'x', dtype: 'float32', shape: [first, 3] }], { batchSize: 4 }), 'x').dims, [4, 3]);
    }
  });

  it('keeps a fixed first dimension and notes that the batch size does not apply', () => {
    const built = buildInputs([{ name: 'image', dtype: 'float32', shape: [1, 3, 4, 4] }], { batchSize: 16 });
    assert.deepEqual(feed(built, 'image').dims, [1, 3, 4, 4]);
    assert.ok(built.notes.some((n) => n.includes('fixed first dimension')));
  });

  it('gives an unknown rank the shape [batch]', () => {
    const built = buildInputs([{ name: 'x', dtype: 'float64', shape: null }], { batchSize: 3 });
    assert.deepEqual(feed(built, 'x').dims, [3]);
    assert.ok(feed(built, 'x').data instanceof Float64Array);
  });

  it('builds a scalar for an empty shape', () => {
    const f = feed(buildInputs([{ name: 'temperature', dtype: 'float32', shape: [] }]), 'temperature');
    assert.deepEqual(f.dims, []);
    assert.equal(f.data.length, 1);
  });

  it('builds every input of a multi-input model in signature order', () => {
    const specs: TensorSpec[] = [
      { name: 'input_ids', dtype: 'int64', shape: ['batch', 'seq'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'seq'] },
      { name: 'flag', dtype: 'bool', shape: [1] },
      { name: 'label', dtype: 'string', shape: ['batch'] },
    ];
    const built = buildInputs(specs, { batchSize: 2 });
    assert.deepEqual(Object.keys(built.feeds), ['input_ids', 'attention_mask', 'flag', 'label']);
    assert.ok(feed(built, 'input_ids').data instanceof BigInt64Array);
    assert.ok(feed(built, 'flag').data instanceof Uint8Array);
    assert.ok(Array.isArray(feed(built, 'label').data));
    assert.deepEqual(feed(built, 'label').dims, [2]);
  });

  it('returns no feeds for a model without inputs', () => {
    const built = buildInputs([]);
    assert.deepEqual(built.feeds, {});
    assert.ok(built.notes.length > 0);
  });
});

describe('buildInputs generated values', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = feed(buildInputs(creditRisk, { batchSize: 4, seed: 7 }), 'float_input').data;
    const b = feed(buildInputs(creditRisk, { batchSize: 4, seed: 7 }), 'float_input').data;
    const c = feed(buildInputs(creditRisk, { batchSize: 4, seed: 8 }), 'float_input').data;
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('does not depend on the order of the inputs', () => {
    const x: TensorSpec = { name: 'x', dtype: 'float32', shape: [2, 2] };
    const y: TensorSpec = { name: 'y', dtype: 'float32', shape: [2, 2] };
    assert.deepEqual(feed(buildInputs([x, y]), 'y').data, feed(buildInputs([y, x]), 'y').data);
    assert.notDeepEqual(feed(buildInputs([x, y]), 'x').data, feed(buildInputs([x, y]), 'y').data);
  });

  it('draws values in a plausible range per dtype', () => {
    const n = 1000;
    const floats = feed(buildInputs([{ name: 'f', dtype: 'float32', shape: [n] }]), 'f').data as Float32Array;
    assert.ok(floats.every((v) => v >= -1 && v < 1));
    assert.ok(Math.min(...floats) < -0.9 && Math.max(...floats) > 0.9);

    const ints = feed(buildInputs([{ name: 'i', dtype: 'int64', shape: [n] }]), 'i').data as BigInt64Array;
    assert.ok(ints.every((v) => v >= 0n && v <= 9n));
    assert.equal(new Set(ints).size, 10);

    const bytes = feed(buildInputs([{ name: 'u', dtype: 'uint8', shape: [n] }]), 'u').data as Uint8Array;
    assert.ok(Math.max(...bytes) > 200);

    const bools = feed(buildInputs([{ name: 'b', dtype: 'bool', shape: [n] }]), 'b').data as Uint8Array;
    assert.deepEqual(new Set(bools), new Set([0, 1]));

    const strings = feed(buildInputs([{ name: 's', dtype: 'string', shape: [n] }]), 's').data as string[];
    assert.ok(strings.every((s) => typeof s === 'string' && s.length > 0));
  });

  it('says the values are generated, with the seed', () => {
    const built = buildInputs(creditRisk, { seed: 123 });
    assert.ok(built.notes.some((n) => n.includes('pseudo-random') && n.includes('123')));
  });

  it('produces the typed array each dtype needs', () => {
    const expected: [string, new (n: number) => ArrayLike<unknown>][] = [
      ['float32', Float32Array],
      ['float64', Float64Array],
      ['float16', Uint16Array],
      ['int8', Int8Array],
      ['int16', Int16Array],
      ['int32', Int32Array],
      ['int64', BigInt64Array],
      ['uint8', Uint8Array],
      ['uint16', Uint16Array],
      ['uint32', Uint32Array],
      ['uint64', BigUint64Array],
      ['bool', Uint8Array],
    ];
    for (const [dtype, ctor] of expected) {
      assert.ok(feed(buildInputs([{ name: 'x', dtype, shape: [3] }]), 'x').data instanceof ctor, dtype);
    }
  });

  it('accepts dtype aliases', () => {
    assert.equal(normalizeDtype('float'), 'float32');
    assert.equal(normalizeDtype('double'), 'float64');
    assert.equal(normalizeDtype('tensor(int64)'), 'int64');
    assert.equal(normalizeDtype('BOOL'), 'bool');
    assert.equal(normalizeDtype('map(int64,float32)'), undefined);
    assert.equal(feed(buildInputs([{ name: 'x', dtype: 'float', shape: [1] }]), 'x').dtype, 'float32');
  });
});

describe('buildInputs from a data snapshot', () => {
  const rows: Record<string, unknown>[] = [
    { age: 35, income: 52000, debt_ratio: 0.31, credit_lines: 4, late_payments: 0, employment_years: 6, target: 0 },
    { age: 52, income: 88000, debt_ratio: 0.12, credit_lines: 7, late_payments: 1, employment_years: 20, target: 0 },
    { age: 23, income: '21000', debt_ratio: null, credit_lines: 2, late_payments: true, employment_years: 1, target: 1 },
  ];

  it('maps rows to a single 2-D input in feature-name order', () => {
    const built = buildInputs(creditRisk, { batchSize: 2, rows, featureNames: features });
    const f = feed(built, 'float_input');
    assert.deepEqual(f.dims, [2, 6]);
    assert.deepEqual(Array.from(f.data as Float32Array), [35, 52000, Math.fround(0.31), 4, 0, 6, 52, 88000, Math.fround(0.12), 7, 1, 20]);
    assert.ok(built.notes.some((n) => n.includes('data snapshot') && n.includes('feature-name order')));
    assert.ok(!built.notes.some((n) => n.includes('pseudo-random')));
  });

  it('follows the feature order, not the column order of the snapshot', () => {
    const reversed = [...features].reverse();
    const f = feed(buildInputs(creditRisk, { rows, featureNames: reversed }), 'float_input');
    assert.deepEqual(Array.from(f.data as Float32Array), [6, 0, 4, Math.fround(0.31), 52000, 35]);
  });

  it('coerces strings and booleans, fills missing values with NaN for floats, and says so', () => {
    const built = buildInputs(creditRisk, { batchSize: 3, rows, featureNames: features });
    const third = Array.from((feed(built, 'float_input').data as Float32Array).slice(12, 18));
    assert.equal(third[1], 21000);
    assert.ok(Number.isNaN(third[2]));
    assert.equal(third[4], 1);
    assert.ok(built.notes.some((n) => n.includes('1 missing') && n.includes('NaN')));
  });

  it('fills missing values with 0 for integer inputs', () => {
    const built = buildInputs([{ name: 'x', dtype: 'int64', shape: [null, 2] }], { rows: [{ a: 5, b: 'n/a' }], featureNames: ['a', 'b'] });
    assert.deepEqual(Array.from(feed(built, 'x').data as BigInt64Array), [5n, 0n]);
    assert.ok(built.notes.some((n) => n.includes('filled with 0')));
  });

  it('repeats rows when the snapshot is smaller than the batch', () => {
    const built = buildInputs(creditRisk, { batchSize: 5, rows: rows.slice(0, 2), featureNames: features });
    const data = feed(built, 'float_input').data as Float32Array;
    assert.deepEqual(Array.from(data.slice(24, 30)), Array.from(data.slice(0, 6)));
    assert.ok(built.notes.some((n) => n.includes('repeated')));
  });

  it('takes its width from the feature names when the width is symbolic', () => {
    const built = buildInputs([{ name: 'X', dtype: 'float64', shape: ['N', 'F'] }], { rows, featureNames: ['age', 'income'] });
    assert.deepEqual(feed(built, 'X').dims, [1, 2]);
    assert.deepEqual(Array.from(feed(built, 'X').data as Float64Array), [35, 52000]);
  });

  it('notes missing features but still uses the snapshot', () => {
    const built = buildInputs([{ name: 'X', dtype: 'float32', shape: ['N', 2] }], { rows, featureNames: ['age', 'shoe_size'] });
    const data = Array.from(feed(built, 'X').data as Float32Array);
    assert.equal(data[0], 35);
    assert.ok(Number.isNaN(data[1]));
    assert.ok(built.notes.some((n) => n.includes('shoe_size')));
  });

  it('feeds one input per column when inputs are named after columns', () => {
    const specs: TensorSpec[] = [
      { name: 'age', dtype: 'float32', shape: [null, 1] },
      { name: 'income', dtype: 'int64', shape: [null, 1] },
      { name: 'late_payments', dtype: 'bool', shape: [null] },
    ];
    const built = buildInputs(specs, { batchSize: 3, rows });
    assert.deepEqual(Array.from(feed(built, 'age').data as Float32Array), [35, 52, 23]);
    assert.deepEqual(feed(built, 'age').dims, [3, 1]);
    assert.deepEqual(Array.from(feed(built, 'income').data as BigInt64Array), [52000n, 88000n, 21000n]);
    assert.deepEqual(Array.from(feed(built, 'late_payments').data as Uint8Array), [0, 1, 1]);
    assert.ok(built.notes.some((n) => n.includes('one input per column')));
  });

  it('feeds string columns to string inputs', () => {
    const built = buildInputs([{ name: 'city', dtype: 'string', shape: ['N', 1] }], { batchSize: 2, rows: [{ city: 'Lyon' }, { city: null }] });
    assert.deepEqual(feed(built, 'city').data, ['Lyon', '']);
  });

  it('falls back to generated values when the snapshot does not fit, and says why', () => {
    const wrongWidth = buildInputs(creditRisk, { rows, featureNames: ['age', 'income'] });
    assert.ok(wrongWidth.notes.some((n) => n.includes('6 columns but 2 feature names')));
    assert.ok(wrongWidth.notes.some((n) => n.includes('pseudo-random')));

    const noNames = buildInputs(creditRisk, { rows });
    assert.ok(noNames.notes.some((n) => n.includes('no feature names')));
    assert.ok(noNames.notes.some((n) => n.includes('pseudo-random')));

    const noColumns = buildInputs(creditRisk, { rows, featureNames: ['a', 'b', 'c', 'd', 'e', 'f'] });
    assert.ok(noColumns.notes.some((n) => n.includes("None of the 6 feature names")));
  });

  it('does not use the matrix mapping for several inputs or string inputs', () => {
    const two: TensorSpec[] = [
      { name: 'a', dtype: 'float32', shape: ['N', 2] },
      { name: 'b', dtype: 'float32', shape: ['N', 2] },
    ];
    assert.ok(buildInputs(two, { rows, featureNames: ['age', 'income'] }).notes.some((n) => n.includes('pseudo-random')));
    const text: TensorSpec[] = [{ name: 'x', dtype: 'string', shape: ['N', 2] }];
    assert.ok(buildInputs(text, { rows, featureNames: ['age', 'income'] }).notes.some((n) => n.includes('pseudo-random')));
  });
});

describe('buildInputs errors', () => {
  it('names the input with an unsupported dtype', () => {
    assert.throws(
      () => buildInputs([{ name: 'x', dtype: 'float32', shape: [1] }, { name: 'zipmap', dtype: 'map(int64,float32)', shape: null }]),
      (error: unknown) => error instanceof Error && error.message.includes('"zipmap"') && error.message.includes('map(int64,float32)'),
    );
    assert.throws(() => buildInputs([{ name: 'z', dtype: 'complex64', shape: [1] }]), /Input "z".*complex64/);
  });

  it('refuses absurdly large inputs, naming them', () => {
    assert.throws(() => buildInputs([{ name: 'huge', dtype: 'float32', shape: [100000, 100000] }]), /Input "huge".*smaller batch/);
  });

  it('rejects a batch size that is not a whole number ≥ 1', () => {
    assert.throws(() => buildInputs(creditRisk, { batchSize: 0 }), RangeError);
    assert.throws(() => buildInputs(creditRisk, { batchSize: 1.5 }), RangeError);
  });
});

describe('parseFeatureNames', () => {
  it('reads comma-separated and JSON lists from metadata', () => {
    assert.deepEqual(parseFeatureNames({ feature_names: 'age, income ,debt' }), ['age', 'income', 'debt']);
    assert.deepEqual(parseFeatureNames({ feature_names: '["a", "b,c"]' }), ['a', 'b,c']);
    assert.deepEqual(parseFeatureNames("['x', 'y']"), ['x', 'y']);
    assert.equal(parseFeatureNames({ other: 'x' }), undefined);
    assert.equal(parseFeatureNames(''), undefined);
    assert.equal(parseFeatureNames(undefined), undefined);
  });
});

describe('helpers', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    for (let i = 0; i < 100; i++) {
      const v = a();
      assert.equal(v, b());
      assert.ok(v >= 0 && v < 1);
    }
  });

  it('converts to float16 bits', () => {
    assert.equal(toFloat16Bits(0), 0x0000);
    assert.equal(toFloat16Bits(-0), 0x8000);
    assert.equal(toFloat16Bits(1), 0x3c00);
    assert.equal(toFloat16Bits(-2), 0xc000);
    assert.equal(toFloat16Bits(0.5), 0x3800);
    assert.equal(toFloat16Bits(65504), 0x7bff);
    assert.equal(toFloat16Bits(1e6), 0x7c00);
    assert.equal(toFloat16Bits(Number.NEGATIVE_INFINITY), 0xfc00);
    assert.equal(toFloat16Bits(Number.NaN) & 0x7c00, 0x7c00);
    assert.equal(toFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
    assert.equal(toFloat16Bits(1 / 3), 0x3555);
  });
});
