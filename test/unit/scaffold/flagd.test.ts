// MLShip's TypeScript flagd evaluator against @openfeature/flagd-core: hashes, fractional bucketing on the committed
// vectors and the flagd-testbed edge keys, targeting operators, resolution reasons, and the share of "on" over 100,000
// ids for each rollout step.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bucketOf,
  FlagdEvaluator,
  fractionalVariant,
  murmur3Bytes,
  murmur3Utf16,
  murmur3Utf8,
  pickVariant,
  unsupportedOperations,
  type FlagdDefinition,
} from '../../../src/core/scaffold/flagd';
import { callerDefault, loadVectors, randomRules, referenceEvaluator } from './vectors';

const vectors = loadVectors();

describe('MurmurHash3', () => {
  test('murmur3Utf16 equals flagd-core on every committed string, ASCII and not', () => {
    for (const h of vectors.hashes) assert.equal(murmur3Utf16(h.input), h.flagdCore, JSON.stringify(h.input));
  });

  test('murmur3Utf8 equals an independent MurmurHash3 (scikit-learn) over UTF-8 on every committed string', () => {
    for (const h of vectors.hashes) assert.equal(murmur3Utf8(h.input), h.utf8, JSON.stringify(h.input));
  });

  test('the two agree on ASCII keys and differ on non-ASCII ones', () => {
    const isAscii = (s: string) => [...s].every((ch) => ch.charCodeAt(0) < 0x80);
    const nonAscii = vectors.hashes.filter((h) => !isAscii(h.input));
    assert.ok(nonAscii.length >= 20);
    for (const h of vectors.hashes) {
      if (isAscii(h.input)) assert.equal(murmur3Utf16(h.input), murmur3Utf8(h.input));
    }
    assert.ok(nonAscii.every((h) => h.flagdCore !== h.utf8));
  });

  test('published MurmurHash3 x86_32 values', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    assert.equal(murmur3Bytes(bytes('')), 0);
    assert.equal(murmur3Bytes(bytes(''), 1), 0x514e28b7);
    assert.equal(murmur3Bytes(bytes('hello')), 0x248bfa47);
    assert.equal(murmur3Bytes(bytes('The quick brown fox jumps over the lazy dog')), 0x2e4ff723);
  });

  test('flagd-testbed edge keys hash to 0, 1, 2^31-1, 2^31 and 2^32-1', () => {
    assert.deepEqual(
      vectors.edges.map((e) => murmur3Utf16(e.targetingKey)),
      [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1],
    );
    for (const e of vectors.edges) assert.equal(murmur3Utf16(e.targetingKey), e.hash);
  });
});

describe('fractional bucketing', () => {
  test('bucket = (hash × totalWeight) >> 32 at the edges', () => {
    assert.equal(bucketOf(0, 100), 0);
    assert.equal(bucketOf(2 ** 31 - 1, 100), 49);
    assert.equal(bucketOf(2 ** 31, 100), 50);
    assert.equal(bucketOf(2 ** 32 - 1, 100), 99);
    assert.equal(bucketOf(2 ** 32 - 1, 2147483647), 2147483646);
    assert.equal(bucketOf(-1, 100), 99, 'a signed hash is read as unsigned');
  });

  test('first variant whose running weight sum exceeds the bucket; all-zero weights pick nothing', () => {
    const buckets = [
      { variant: 'on', weight: 5 },
      { variant: 'off', weight: 95 },
    ];
    assert.equal(pickVariant(0, buckets), 'on');
    assert.equal(pickVariant(Math.floor((5 / 100) * 2 ** 32) - 1, buckets), 'on');
    assert.equal(pickVariant(Math.ceil((5 / 100) * 2 ** 32), buckets), 'off');
    assert.equal(pickVariant(2 ** 32 - 1, [{ variant: 'a', weight: 0 }, { variant: 'b', weight: 0 }]), undefined);
  });

  test('flagd-testbed edge keys resolve to the variants the testbed expects', () => {
    const ev = new FlagdEvaluator(vectors.definition);
    for (const e of vectors.edges) {
      assert.equal(fractionalVariant(e.targetingKey, [{ variant: 'lower', weight: 50 }, { variant: 'upper', weight: 50 }]), e.variant);
      assert.equal(ev.resolveString('fractional-hash-edge-flag', 'fallback', { targetingKey: e.targetingKey }).value, e.variant);
    }
  });

  test('every committed case resolves exactly as flagd-core resolved it (value, variant, reason, error code)', () => {
    const ev = new FlagdEvaluator(vectors.definition);
    assert.ok(vectors.cases.length > 800);
    for (const c of vectors.cases) {
      const r = ev.resolve(typeof callerDefault(vectors.definition, c.flag) === 'boolean' ? 'boolean' : 'string', c.flag, callerDefault(vectors.definition, c.flag), c.context);
      const label = `${c.flag} ${JSON.stringify(c.context)}`;
      assert.equal(r.value, c.value, label);
      assert.equal(r.variant, c.variant, label);
      assert.equal(r.reason, c.reason, label);
      assert.equal(r.errorCode, c.errorCode, label);
    }
  });

  test('agrees with a live flagd-core on 2,000 more keys (ASCII and not) for every rollout flag', () => {
    const ours = new FlagdEvaluator(vectors.definition);
    const reference = referenceEvaluator(vectors.definition);
    const alphabet = ['a', 'Z', '7', '-', '@', 'é', 'ß', 'Ω', 'ア', '中', '가', 'ﬁ', '😀', '🚀'];
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < 2000; i++) {
      const key = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      for (const flag of ['rollout-5', 'rollout-25', 'three-way']) {
        const want = reference(flag, { targetingKey: key });
        const got = ours.resolve(flag === 'three-way' ? 'string' : 'boolean', flag, callerDefault(vectors.definition, flag), { targetingKey: key });
        assert.equal(got.value, want.value, `${flag} ${key}`);
        assert.equal(got.variant, want.variant, `${flag} ${key}`);
      }
    }
  });

  test('over 100,000 ids the share of "on" is within ±0.5 points of 5, 25, 50 and 100 %', () => {
    for (const p of [5, 25, 50, 100]) {
      const buckets = [
        { variant: 'on', weight: p },
        { variant: 'off', weight: 100 - p },
      ];
      let on = 0;
      for (let i = 0; i < 100_000; i++) if (fractionalVariant(`credit-risk-model${`user-${i}`}`, buckets) === 'on') on++;
      const share = on / 1000;
      assert.ok(Math.abs(share - p) <= 0.5, `${p} %: observed ${share} %`);
    }
  });

  test('raising the percentage never turns a user off (on comes first, the total stays 100)', () => {
    const steps = [5, 25, 50, 100];
    for (let i = 0; i < 5000; i++) {
      const key = `checkout-model` + `u${i}`;
      let wasOn = false;
      for (const p of steps) {
        const on = fractionalVariant(key, [{ variant: 'on', weight: p }, { variant: 'off', weight: 100 - p }]) === 'on';
        assert.ok(on || !wasOn, `${key} turned off at ${p} %`);
        wasOn = on;
      }
    }
  });
});

describe('targeting and resolution', () => {
  const def = (targeting: unknown, extra: Partial<FlagdDefinition> = {}): FlagdDefinition =>
    ({ ...extra, flags: { f: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting } } }) as FlagdDefinition;

  test('an operator MLShip does not implement resolves with PARSE_ERROR and names the operator', () => {
    const r = new FlagdEvaluator(def({ if: [{ map: [[1], { var: '' }] }, 'on', 'off'] })).resolveBoolean('f', true, {});
    assert.equal(r.reason, 'ERROR');
    assert.equal(r.errorCode, 'PARSE_ERROR');
    assert.equal(r.value, true);
    assert.match(r.errorMessage ?? '', /operator "map" is not supported.*supported: var, if/);
  });

  test('a $ref to a missing evaluator and a self-referencing evaluator are parse errors', () => {
    const missing = new FlagdEvaluator(def({ if: [{ $ref: 'nope' }, 'on', 'off'] })).resolveBoolean('f', false, {});
    assert.equal(missing.errorCode, 'PARSE_ERROR');
    assert.match(missing.errorMessage ?? '', /\$ref "nope" names no evaluator/);
    const loop = new FlagdEvaluator(def({ if: [{ $ref: 'a' }, 'on', 'off'] }, { $evaluators: { a: { or: [{ $ref: 'a' }] } } })).resolveBoolean('f', false, {});
    assert.equal(loop.errorCode, 'PARSE_ERROR');
    assert.match(loop.errorMessage ?? '', /refers to itself/);
  });

  test('an object with two keys is not an operation', () => {
    assert.match(unsupportedOperations({ if: [{ var: 'a', cat: 'b' }, 'on', 'off'] })[0]?.message ?? '', /exactly one key/);
    assert.deepEqual(unsupportedOperations({ fractional: [['on', 5], ['off', 95]] }), []);
  });

  test('missing flag, disabled flag, static flag, type mismatch, unknown variant', () => {
    const ev = new FlagdEvaluator({
      flags: {
        off: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
        fixed: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
        words: { state: 'ENABLED', variants: { a: 'x' }, defaultVariant: 'a' },
        ghost: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on', targeting: { if: [true, 'nope'] } },
        nodefault: { state: 'ENABLED', variants: { on: true }, defaultVariant: null },
      },
    });
    assert.deepEqual(ev.resolveBoolean('absent', true), { value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: "flag 'absent' not found" });
    assert.deepEqual(ev.resolveBoolean('off', false), { value: false, reason: 'DISABLED' });
    assert.deepEqual(ev.resolveBoolean('fixed', false), { value: true, variant: 'on', reason: 'STATIC' });
    assert.equal(ev.resolveBoolean('words', false).errorCode, 'TYPE_MISMATCH');
    assert.equal(ev.resolveString('words', 'z').value, 'x');
    assert.match(ev.resolveBoolean('ghost', false).errorMessage ?? '', /Variant 'nope' not found/);
    assert.deepEqual(ev.resolveBoolean('nodefault', false), { value: false, reason: 'DEFAULT' });
  });

  test('$flagd.timestamp is the evaluation time in seconds', () => {
    const ev = new FlagdEvaluator(def({ if: [{ '>': [{ var: '$flagd.timestamp' }, 1700000000] }, 'on', 'off'] }), () => 1800000000);
    assert.equal(ev.resolveBoolean('f', false).value, true);
    const early = new FlagdEvaluator(def({ if: [{ '>': [{ var: '$flagd.timestamp' }, 1700000000] }, 'on', 'off'] }), () => 1600000000);
    assert.equal(early.resolveBoolean('f', true).value, false);
  });
});

describe('random targeting rules', () => {
  test('3,000 generated rules × 4 contexts resolve as a live flagd-core resolves them', () => {
    const { definition, contexts } = randomRules(20260411, 3000, vectors);
    const ours = new FlagdEvaluator(definition);
    const reference = referenceEvaluator(definition);
    let errors = 0;
    for (const flag of Object.keys(definition.flags)) {
      for (const context of contexts) {
        const want = reference(flag, context);
        const got = ours.resolveString(flag, 'fallback', context);
        const label = `${JSON.stringify(definition.flags[flag]?.targeting)} with ${JSON.stringify(context)}`;
        assert.deepEqual([got.value, got.variant, got.reason, got.errorCode], [want.value, want.variant, want.reason, want.errorCode], label);
        if (got.reason === 'ERROR') errors++;
      }
    }
    assert.ok(errors > 0 && errors < 6000, `${errors} error results: the generator should exercise errors without being dominated by them`);
  });
});
