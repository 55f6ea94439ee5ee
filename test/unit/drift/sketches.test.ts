// The sketches stay within their documented bounds on adversarial orders (sorted, reversed, all equal) and across
// merges of random partitions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ByteFrequent } from '../../../src/core/drift/sketch/byteFrequent';
import { FrequentItems } from '../../../src/core/drift/sketch/frequent';
import { hashBytes, hashNumber, hashString, probeHash } from '../../../src/core/drift/sketch/hash';
import { HyperLogLog } from '../../../src/core/drift/sketch/hll';
import { KllSketch, kllRankError } from '../../../src/core/drift/sketch/kll';
import { sortedFloat64, sortFloat64 } from '../../../src/core/drift/sketch/sort';
import { mulberry32 } from '../../../src/core/util/random';

/** Largest |estimated CDF − true CDF| over every distinct value of the data (and between them). */
function maxRankError(sketch: KllSketch, data: number[]): number {
  const sorted = Float64Array.from(data).sort();
  const cdf = sketch.cdf();
  let worst = 0;
  for (let i = 0; i < sorted.length; ) {
    const v = sorted[i] as number;
    let j = i;
    while (j < sorted.length && sorted[j] === v) j++;
    worst = Math.max(worst, Math.abs(cdf.at(v) - j / sorted.length));
    i = j;
  }
  return worst;
}

function build(data: number[], k = 256, seed?: number): KllSketch {
  const s = new KllSketch(k, seed);
  for (const x of data) s.update(x);
  return s;
}

const N = 200_000;
const rnd = mulberry32(7);
const random = Array.from({ length: N }, () => rnd() * 1000);
const orders: Record<string, number[]> = {
  random,
  sorted: [...random].sort((a, b) => a - b),
  reversed: [...random].sort((a, b) => b - a),
  'all equal': new Array<number>(N).fill(42),
  'few distinct values': Array.from({ length: N }, () => Math.floor(rnd() * 7)),
  'sorted integers with ties': Array.from({ length: N }, (_, i) => Math.floor(i / 100)),
};

describe('KLL quantile sketch', () => {
  const bound = kllRankError(256);
  test(`documented rank error for k = 256 is ${(bound * 100).toFixed(2)} %`, () => {
    assert.ok(bound > 0.012 && bound < 0.014);
  });

  for (const [name, data] of Object.entries(orders)) {
    test(`${name} stream: rank error within the bound, min/max exact`, () => {
      for (const seed of [1, 2, 3]) {
        const s = build(data, 256, seed);
        const err = maxRankError(s, data);
        assert.ok(err <= bound, `seed ${seed}: rank error ${err} > ${bound}`);
        assert.equal(s.n, data.length);
        assert.equal(s.min, data.reduce((m, x) => Math.min(m, x), Infinity));
        assert.equal(s.max, data.reduce((m, x) => Math.max(m, x), -Infinity));
      }
    });
  }

  test('is exact while nothing has been compacted', () => {
    const data = [5, 1, 4, 1, 3];
    const s = build(data);
    const cdf = s.cdf();
    assert.equal(cdf.rankError, 0);
    assert.equal(cdf.at(1), 0.4);
    assert.equal(cdf.at(3.5), 0.6);
    assert.equal(cdf.quantile(0.5), 3);
  });

  test('merging sketches of random partitions stays within the bound (sorted and random data)', () => {
    for (const name of ['random', 'sorted', 'reversed']) {
      const data = orders[name] as number[];
      const parts = Array.from({ length: 13 }, () => new KllSketch(256));
      const prng = mulberry32(99);
      for (const x of data) (parts[Math.floor(prng() * parts.length)] as KllSketch).update(x);
      // Merge as a tree and as a chain.
      const chain = new KllSketch(256);
      for (const p of parts) chain.merge(KllSketch.fromState(p.toState()));
      assert.equal(chain.n, data.length);
      assert.ok(maxRankError(chain, data) <= bound, `${name}: chain merge error ${maxRankError(chain, data)}`);
      while (parts.length > 1) {
        const a = parts.pop() as KllSketch;
        (parts[0] as KllSketch).merge(a);
      }
      assert.ok(maxRankError(parts[0] as KllSketch, data) <= bound);
    }
  });

  test('a sketch of sorted values with repeats is the sketch of their value counts, within the bound', () => {
    const rnd = mulberry32(5);
    const data = Array.from({ length: 120_000 }, () => Math.round(rnd() * 5_000) / 10);
    const sorted = Float64Array.from(data).sort();
    const values: number[] = [];
    const counts: number[] = [];
    for (const v of sorted) {
      if (values[values.length - 1] === v) counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
      else {
        values.push(v);
        counts.push(1);
      }
    }
    const fromSorted = KllSketch.fromSorted(sorted);
    assert.deepEqual(fromSorted.toState(), KllSketch.fromWeighted(values, counts).toState());
    assert.equal(fromSorted.n, data.length);
    assert.ok(maxRankError(fromSorted, data) <= kllRankError(256));
    // Still a working sketch: more values, then the bound again.
    const more = Array.from({ length: 50_000 }, () => rnd() * 600);
    for (const x of more) fromSorted.update(x);
    assert.ok(maxRankError(fromSorted, [...data, ...more]) <= kllRankError(256));
  });

  test('serializes and restores the same answers', () => {
    const s = build(random.slice(0, 50_000));
    const r = KllSketch.fromState(JSON.parse(JSON.stringify(s.toState())));
    const a = s.cdf();
    const b = r.cdf();
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.999]) assert.equal(a.quantile(q), b.quantile(q));
    assert.equal(r.n, 50_000);
  });

  test('updateMany() gives the sketch that update() gives value by value, on every order and across merges', () => {
    for (const [name, data] of Object.entries(orders)) {
      const one = build(data, 256, 3);
      const many = new KllSketch(256, 3);
      const xs = Float64Array.from(data);
      // Uneven batches, as the profiler's queue and the row-limit hand-over produce them.
      for (let i = 0, step = 1; i < xs.length; i += step, step = (step * 7 + 3) % 1500) many.updateMany(xs, i, Math.min(xs.length, i + step));
      assert.deepEqual(many.toState(), one.toState(), name);
      // A restored sketch (level 0 as it was saved) goes on the same way too.
      const a = KllSketch.fromState(one.toState(), 5);
      const b = KllSketch.fromState(one.toState(), 5);
      a.updateMany(xs, 0, 10_000);
      for (let i = 0; i < 10_000; i++) b.update(xs[i] as number);
      assert.deepEqual(a.toState(), b.toState(), `${name}: after a restore`);
    }
  });

  test('level 0 filled by merges and restores of sketches over other ranges is still sorted right when compacted', () => {
    // Level 0 sorts with the bounds the sketch keeps for it: they must cover what merge(), fromState() and
    // fromWeighted() put there, or items would be lost or stale ones copied into the levels above. Every value is
    // used once, so a sketch must never hold a value twice, nor one it was never given.
    const rnd = mulberry32(23);
    const added = new Set<number>();
    /** A value never used before, pushed onto `into` (the values one sketch has seen). */
    const unique = (into: number[], from: number, width: number): number => {
      for (;;) {
        const x = from + Math.floor(rnd() * width * 1000) / 1000;
        if (!added.has(x)) {
          added.add(x);
          into.push(x);
          return x;
        }
      }
    };
    const check = (sketch: KllSketch, label: string, values: number[]): void => {
      const own = new Set(values);
      const seen = new Set<number>();
      sketch.toState().levels.forEach((level, h) => {
        for (let i = 0; i < level.length; i++) {
          const x = level[i] as number;
          if (h > 0 && i > 0) assert.ok((level[i - 1] as number) <= x, `${label}: level ${h} not sorted at ${i}`);
          assert.ok(own.has(x), `${label}: ${x} was never added to it`);
          assert.ok(!seen.has(x), `${label}: ${x} retained twice`);
          seen.add(x);
        }
      });
      assert.equal(sketch.n, values.length, label);
      assert.ok(maxRankError(sketch, values) <= kllRankError(64), `${label}: rank error ${maxRankError(sketch, values)}`);
    };
    const mergedValues: number[] = [];
    const merged = new KllSketch(64);
    for (let i = 0; i < 300; i++) merged.update(unique(mergedValues, 0, 100));
    for (const [from, width, n] of [[1000, 1000, 150], [-50, 10, 777], [5, 0.5, 40], [1e6, 100, 5000], [-1e5, 100, 1234]] as const) {
      const part = new KllSketch(64);
      for (let i = 0; i < n; i++) part.update(unique(mergedValues, from, width));
      merged.merge(KllSketch.fromState(part.toState()));
      for (let i = 0; i < 100; i++) merged.update(unique(mergedValues, 0, 100));
      check(merged, `after merging [${from}, ${from + width})`, mergedValues);
    }
    const weightedValues = [-3e6, 2e6, 3e6];
    for (const x of weightedValues) added.add(x);
    const weighted = KllSketch.fromWeighted(weightedValues, [1, 1, 1], 64);
    for (let i = 0; i < 600; i++) weighted.update(unique(weightedValues, 0, 100));
    check(weighted, 'fromWeighted', weightedValues);
    weighted.merge(merged);
    weightedValues.push(...mergedValues);
    for (let i = 0; i < 700; i++) weighted.update(unique(weightedValues, 0, 100));
    check(weighted, 'fromWeighted, merged', weightedValues);
    const restored = KllSketch.fromState(merged.toState());
    for (let i = 0; i < 700; i++) restored.update(unique(mergedValues, 0, 100));
    check(restored, 'restored', mergedValues);
  });

  test('keeps a bounded number of items', () => {
    const s = build(random);
    const retained = s.toState().levels.reduce((n, l) => n + l.length, 0);
    assert.ok(retained < 3 * 256 + 512 + 100, `retained ${retained}`);
  });
});

describe('frequent items (Misra–Gries)', () => {
  function zipf(n: number, distinct: number, seed: number): string[] {
    const prng = mulberry32(seed);
    const weights = Array.from({ length: distinct }, (_, i) => 1 / (i + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    const cum: number[] = [];
    let c = 0;
    for (const w of weights) cum.push((c += w / total));
    return Array.from({ length: n }, () => {
      const u = prng();
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cum[mid] as number) >= u) hi = mid;
        else lo = mid + 1;
      }
      return `v${lo}`;
    });
  }

  function trueCounts(xs: string[]): Map<string, number> {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  }

  test('is exact below capacity', () => {
    const f = new FrequentItems(10);
    for (const x of ['a', 'b', 'a', 'c', 'a', 'b']) f.add(x);
    assert.equal(f.exact, true);
    assert.deepEqual(f.items(), [['a', 3], ['b', 2], ['c', 1]]);
  });

  for (const order of ['random', 'sorted', 'reversed']) {
    test(`under-counts by at most offset ≤ n/(capacity+1) on a ${order} Zipf stream, merged or not`, () => {
      let xs = zipf(100_000, 5_000, 3);
      if (order === 'sorted') xs = [...xs].sort();
      if (order === 'reversed') xs = [...xs].sort().reverse();
      const truth = trueCounts(xs);
      const whole = new FrequentItems(100);
      for (const x of xs) whole.add(x);
      const parts = Array.from({ length: 7 }, () => new FrequentItems(100));
      const prng = mulberry32(5);
      for (const x of xs) (parts[Math.floor(prng() * 7)] as FrequentItems).add(x);
      const merged = new FrequentItems(100);
      for (const p of parts) merged.merge(FrequentItems.fromState(p.toState()));
      for (const f of [whole, merged]) {
        const s = f.toState();
        assert.ok(s.offset <= xs.length / 101, `offset ${s.offset}`);
        assert.ok(s.items.length <= 100);
        for (const [value, count] of truth) {
          const est = f.estimate(value);
          assert.ok(est <= count && count - est <= s.offset, `${value}: true ${count}, estimate ${est}, offset ${s.offset}`);
        }
        // The heavy hitters are all there.
        for (const [value, count] of truth) if (count > s.offset) assert.ok(f.estimate(value) > 0, `${value} (${count}) missing`);
      }
    });
  }
});

describe('HyperLogLog', () => {
  test('estimates distinct counts within 3 standard errors, exact-ish when small', () => {
    for (const n of [1, 10, 1000, 50_000, 300_000]) {
      const h = new HyperLogLog();
      for (let i = 0; i < n; i++) h.add(hashString(`id-${i}`));
      for (let i = 0; i < n; i++) h.add(hashString(`id-${i}`));
      const est = h.estimate();
      assert.ok(Math.abs(est - n) <= Math.max(1, 3 * h.standardError * n), `n=${n}: estimate ${est}`);
    }
  });

  test('merge of parts equals the sketch of the whole', () => {
    const whole = new HyperLogLog();
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 20_000; i++) {
      const h = hashNumber(i * 0.5);
      whole.add(h);
      (i % 3 ? a : b).add(h);
    }
    a.merge(HyperLogLog.fromState(b.toState()));
    assert.deepEqual(a.registers, whole.registers);
  });

  test('hashes a value the same from bytes, strings and across -0/+0', () => {
    const s = 'café, naïve';
    const bytes = Buffer.from(s, 'utf8');
    assert.equal(hashString(s), hashBytes(bytes, 0, bytes.length));
    const padded = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    assert.equal(hashBytes(padded, 2, 2 + bytes.length), hashString(s));
    assert.equal(hashNumber(-0), hashNumber(0));
    assert.notEqual(hashNumber(1), hashNumber(2));
  });
});

describe('sortFloat64 (the sketches\' batch sort)', () => {
  const rnd = mulberry32(17);
  const cases: Record<string, number[]> = {
    uniform: Array.from({ length: 5000 }, () => rnd() * 100),
    'log-normal with repeats': Array.from({ length: 5000 }, () => Math.round(Math.exp(4 + 3 * rnd()) * 100) / 100),
    'one far outlier (a crowded bucket)': [...Array.from({ length: 3000 }, () => rnd()), 1e300],
    'many zeros and negatives, −0 and +0': Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 0 : i % 7 === 0 ? -0 : -rnd() * 1e-300)),
    'all equal': new Array<number>(1000).fill(3.5),
    sorted: Array.from({ length: 1000 }, (_, i) => i),
    reversed: Array.from({ length: 1000 }, (_, i) => -i),
    'infinities and NaN': [3, Infinity, -Infinity, Number.NaN, 1, 2, ...Array.from({ length: 100 }, () => rnd())],
    small: [3, 1, 2],
  };
  for (const [name, data] of Object.entries(cases)) {
    test(`${name}: the typed array's order (−0 and +0 compare equal)`, () => {
      const expected = Float64Array.from(data).sort();
      for (const [from, to] of [[0, data.length], [1, Math.max(1, data.length - 1)]] as const) {
        const got = Float64Array.from(data);
        sortFloat64(got, from, to);
        const want = Float64Array.from(data);
        want.subarray(from, to).sort();
        for (let i = 0; i < data.length; i++) assert.ok(Object.is(got[i], want[i]) || got[i] === want[i], `${name} [${from}, ${to}) at ${i}: ${got[i]} ≠ ${want[i]}`);
      }
      assert.equal(expected.length, data.length);
    });
  }
  test('sortedFloat64: the same order from the bounds it is given, the input untouched when it answers with its scratch array', () => {
    for (const [name, data] of Object.entries(cases)) {
      if (!data.every((x) => Number.isFinite(x))) continue;
      const input = Float64Array.from([...data, 7, 8]);
      const n = data.length;
      const before = input.slice();
      const lo = Math.min(...data);
      const hi = Math.max(...data);
      for (const [bounds, label] of [[[lo, hi], 'known bounds'], [[-Infinity, Infinity], 'unknown bounds']] as const) {
        const a = before.slice();
        const out = sortedFloat64(a, n, bounds[0], bounds[1]);
        const want = Float64Array.from(data).sort();
        for (let i = 0; i < n; i++) assert.ok(out[i] === want[i], `${name}, ${label}, at ${i}: ${out[i]} ≠ ${want[i]}`);
        if (out !== a) assert.deepEqual(a, before, `${name}, ${label}: input changed`);
        assert.deepEqual(a.subarray(n), before.subarray(n), `${name}, ${label}: items past n changed`);
      }
    }
  });
});

describe('frequent items from bytes (ByteFrequent)', () => {
  test('count-if-present then add-absent keeps the summary that add() alone keeps, within offset ≤ n/(capacity+1)', () => {
    const rnd = mulberry32(23);
    // Identifiers (all distinct) mixed with a few heavy values.
    const values = Array.from({ length: 60_000 }, (_, i) => (rnd() < 0.2 ? `heavy-${Math.floor(rnd() * 5)}` : `id-${i}`));
    const decode = (b: Buffer, s: number, e: number): string => b.toString('utf8', s, e);
    const plain = new ByteFrequent(100, decode);
    const probed = new ByteFrequent(100, decode);
    const truth = new Map<string, number>();
    for (const v of values) {
      const bytes = Buffer.from(v);
      const h = hashBytes(bytes, 0, bytes.length);
      plain.add(bytes, 0, bytes.length, h);
      if (probed.countIfPresent(bytes, 0, bytes.length, h) < 0) probed.addAbsent(bytes, 0, bytes.length, h);
      truth.set(v, (truth.get(v) ?? 0) + 1);
    }
    const a = plain.toFrequentItems().toState();
    assert.deepEqual(probed.toFrequentItems().toState(), a);
    assert.ok(a.offset <= values.length / 101);
    for (const [v, c] of a.items) {
      const t = truth.get(v) as number;
      assert.ok(c <= t && t - c <= a.offset, `${v}: ${c} vs ${t}`);
    }
    for (let k = 0; k < 5; k++) assert.ok(a.items.some(([v]) => v === `heavy-${k}`));
  });

  test('the summary does not depend on the hash the table is probed with (probeHash or hashBytes)', () => {
    const rnd = mulberry32(29);
    const decode = (b: Buffer, s: number, e: number): string => b.toString('utf8', s, e);
    const byMurmur = new ByteFrequent(50, decode);
    const byProbe = new ByteFrequent(50, decode);
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(rnd() < 0.5 ? `v${Math.floor(rnd() * rnd() * 300)}` : `city_${i}`);
      byMurmur.add(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
      byProbe.add(bytes, 0, bytes.length, probeHash(bytes, 0, bytes.length));
    }
    assert.deepEqual(byProbe.toFrequentItems().toState(), byMurmur.toFrequentItems().toState());
  });

  test('all-distinct runs (an identifier column), then repeats: the same summary as FrequentItems keeps', () => {
    const decode = (b: Buffer, s: number, e: number): string => b.toString('utf8', s, e);
    // Long distinct runs empty the table at each reduction; the repeats in between leave counts above 1, so the
    // reductions after them take the general path; the distinct run at the end takes the short one again.
    const values: string[] = [];
    for (let i = 0; i < 1_000; i++) values.push(`id-${i}`);
    for (let i = 0; i < 300; i++) values.push(`hot-${i % 7}`, `id-${i}`);
    for (let i = 0; i < 2_000; i++) values.push(`late-${i}`);
    for (const capacity of [1, 10, 100]) {
      const bytes = new ByteFrequent(capacity, decode);
      const strings = new FrequentItems(capacity);
      for (const v of values) {
        const b = Buffer.from(v);
        bytes.add(b, 0, b.length, probeHash(b, 0, b.length));
        strings.add(v);
      }
      assert.deepEqual(bytes.toFrequentItems().toState(), strings.toState(), `capacity ${capacity}`);
    }
  });
});
