// randomUuid() stands in for crypto.randomUUID() in the local server's request ids: the same format (version 4,
// variant 10, lower-case hex), random in every other digit, never the same id twice, across refills of its pool.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomUuid } from '../../../src/core/util/uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  it('makes version 4 UUIDs like crypto.randomUUID(), all different, every random digit varying', () => {
    const seen = new Set<string>();
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 5000; i++) {
      const id = randomUuid();
      assert.match(id, V4);
      assert.equal(id.length, 36);
      seen.add(id);
      for (let c = 0; c < 36; c++) (digits[c] as Set<string>).add(id[c] as string);
    }
    assert.equal(seen.size, 5000);
    for (let c = 0; c < 36; c++) {
      const values = (digits[c] as Set<string>).size;
      if ([8, 13, 18, 23].includes(c)) assert.equal(values, 1, `dash at ${c}`);
      else if (c === 14) assert.equal(values, 1, 'version digit');
      else if (c === 19) assert.equal(values, 4, 'variant digit: 8, 9, a, b');
      else assert.equal(values, 16, `digit ${c} takes every hex value`);
    }
  });

  it('gives strings that stay as they were when later ids are made', () => {
    const first = randomUuid();
    const copy = `${first}`;
    for (let i = 0; i < 300; i++) randomUuid();
    assert.equal(first, copy);
  });
});
