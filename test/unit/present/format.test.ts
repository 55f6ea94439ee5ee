import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compactCount } from '../../../src/core/present/format';

describe('compactCount', () => {
  test('three significant digits, and a count that rounds up to the next unit is written in it', () => {
    const cases: [number, string][] = [
      [999, '999'], [1234, '1.2K'], [123_456, '123K'], [1_234_567, '1.2M'],
      [99_960, '100K'], [999_500, '1.0M'], [999_999_999, '1.0B'], [2_500_000_000_000_000, '2500T'],
    ];
    assert.deepEqual(cases.map(([n]) => compactCount(n)), cases.map(([, text]) => text));
  });
});
