// input_hash of prediction records: the server's canonical JSON (written for speed, once per logged row) must give the
// same hash as the plain definition the scaffolded code uses (src/core/scaffold/templates/typescript/feature.ts), or
// records of one feature would hash alike inputs differently depending on who wrote them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, inputHash } from '../../../src/core/deployments/records';

/** The scaffolded code's definition, as generated. */
function plainCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(plainCanonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${plainCanonical(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const plainHash = (x: unknown): string => createHash('sha256').update(plainCanonical(x)).digest('hex').slice(0, 16);

describe('inputHash', () => {
  const cases: unknown[] = [
    { age: 30, income: 52000.5, region: 'north', approved: true, missing: null },
    { b: [1, 2.5, -0, 1e21, 1e-7, Number.NaN, Infinity], a: { z: 'é"\\\n', y: [] } },
    { features: Array.from({ length: 64 }, (_, i) => Math.fround(Math.sin(i))) },
    { gone: undefined, list: [undefined, null, 'x'] },
    [],
    {},
    'text',
    0.1 + 0.2,
    null,
  ];

  it('gives the same canonical JSON and hash as the scaffolded definition', () => {
    for (const c of cases) {
      assert.equal(canonicalJson(c), plainCanonical(c), JSON.stringify(c));
      assert.equal(inputHash(c), plainHash(c));
    }
  });

  it('is 16 hex digits and ignores key order', () => {
    assert.match(inputHash({ a: 1 }), /^[0-9a-f]{16}$/);
    assert.equal(inputHash({ a: 1, b: { c: 2, d: 3 } }), inputHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(inputHash({ a: 1 }), inputHash({ a: 2 }));
  });
});
