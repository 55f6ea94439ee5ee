// Short number formats of drift explanations and reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeNumber, percent } from '../../../src/core/drift/text';

test('numbers keep three significant digits with a k/M/B suffix, and exponent notation past the billions', () => {
  const cases: [number, string][] = [
    [0, '0'], [42, '42'], [0.2871, '0.287'], [0.000123, '1.23e-4'], [38_240, '38.2k'], [1_254_000, '1.25M'], [-3.5e9, '-3.5B'],
    [999.4e9, '999B'], [999.6e9, '1.00e+12'], [1.5e15, '1.50e+15'], [4.95e199, '4.95e+199'], [-2e30, '-2.00e+30'],
    [Infinity, 'Infinity'], [Number.NaN, 'NaN'],
  ];
  for (const [x, text] of cases) assert.equal(describeNumber(x), text, String(x));
  assert.equal(percent(0.0591), '5.9 %');
});
