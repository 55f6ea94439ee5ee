// float32Text writes a float32 value exactly as String(number) does (the shortest decimal that reads back as the same
// double, the closest of those): on random bit patterns over the whole float32 range, on every float32 of short
// decimals (what data sent as JSON and stored as float32 holds), on whole binades, and around the edges of its exact
// path — powers of two (the lower half-interval is half as wide), powers of ten, the ends of its range (1e-6, 2^23),
// subnormals, ±0 and the largest float32.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float32Text } from '../../../src/core/deployments/float32Text';
import { jsonValuesText } from '../../../src/core/deployments/oipTensor';
import { seeded } from './seeded';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The values where float32Text and String differ (the first few), after trying `count` values from `next`. */
function mismatches(count: number, next: (i: number) => number): string[] {
  const bad: string[] = [];
  for (let i = 0; i < count && bad.length < 5; i++) {
    const x = next(i);
    if (Number.isNaN(x) || !Number.isFinite(x)) continue;
    const text = float32Text(x);
    if (text !== String(x)) bad.push(`${String(x)} written as ${text}`);
  }
  return bad;
}

/** The float32 of bit pattern `bits`. */
function fromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0] as number;
}

describe('float32Text', () => {
  it('writes random float32 bit patterns as String() does', () => {
    const random = seeded(32);
    assert.deepEqual(mismatches(1_000_000, () => fromBits(Math.floor(random() * 2 ** 32))), []);
  });

  it('writes random float32 values in [1e-6, 1e7) as String() does', () => {
    const random = seeded(33);
    assert.deepEqual(mismatches(1_000_000, () => Math.fround(10 ** (random() * 13 - 6))), []);
  });

  it('writes the float32 of short decimals as String() does', () => {
    for (let digits = 0; digits <= 9; digits++) {
      assert.deepEqual(mismatches(100_000, (i) => Math.fround((i - 50_000) / 10 ** digits)), [], `${digits} decimals`);
    }
    const random = seeded(34);
    assert.deepEqual(mismatches(300_000, () => Math.fround(Number((random() * 1000).toFixed(Math.floor(random() * 6))))), []);
  });

  it('writes every 4th float32 of a binade as String() does', () => {
    assert.deepEqual(mismatches(1 << 21, (i) => fromBits(0x3f800000 + i * 4)), []); // [1, 2)
    assert.deepEqual(mismatches(1 << 21, (i) => fromBits(0x3a800000 + i * 4 + 1)), []); // [2^-10, 2^-9)
  });

  it('writes the values around powers of two and ten, the range ends and the special values as String() does', () => {
    const around: number[] = [];
    for (let e = -149; e <= 127; e++) around.push(2 ** e);
    for (let e = -45; e <= 38; e++) around.push(Math.fround(10 ** e));
    around.push(1e-6, 2 ** 23, 2 ** 24, 1e17, 3.4028234663852886e38);
    for (const v of around) {
      f32[0] = v;
      const bits = u32[0] as number;
      assert.deepEqual(mismatches(201, (i) => fromBits(bits + i - 100)), [], `around ${v}`);
      assert.deepEqual(mismatches(201, (i) => -fromBits(bits + i - 100)), [], `around -${v}`);
    }
    for (const v of [0, -0, 1.401298464324817e-45, -1.401298464324817e-45, 1.1754942106924411e-38, 0.5, 0.25, 9.5, 1, -1]) assert.equal(float32Text(v), String(v));
  });

  it('is what jsonValuesText writes for float32 data, NaN and infinities as JSON strings', () => {
    const data = Float32Array.from([1.9, -0.1, 0, Number.NaN, 3.4e38, Infinity, -Infinity, 1e-7]);
    assert.equal(jsonValuesText(data, 0, data.length, false, false), '1.899999976158142,-0.10000000149011612,0,"NaN",3.3999999521443642e+38,"Infinity","-Infinity",1.0000000116860974e-7');
    assert.equal(jsonValuesText(data, 1, 2, false, false), '-0.10000000149011612');
  });

  it('writes long float32 runs of the longest texts whole, after shorter runs and between them', () => {
    // The longest texts: negative, just above 1e-6 (five zeros after the point, then up to 17 digits), and exponential.
    const random = seeded(35);
    const longest = (): number => (random() < 0.5 ? -Math.fround(1e-6 * (1 + random() * 8)) : -fromBits(0x00800000 + Math.floor(random() * 1000)));
    for (const length of [3, 64, 1000, 5, 10_000, 64]) {
      const data = Float32Array.from({ length }, longest);
      const expected = Array.from(data, (v) => String(v)).join(',');
      assert.equal(jsonValuesText(data, 0, length, false, false), expected, `${length} values`);
      assert.equal(jsonValuesText(data, 1, length, false, false), expected.slice(expected.indexOf(',') + 1), `${length} values from the second`);
    }
  });
});
