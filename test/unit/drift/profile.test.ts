// Profiles from real files: CSV dialects, JSON Lines, Parquet; every bad-input case of acceptance 3 gives a clear
// message with the file and line and never a crash; merging profiles of random partitions equals profiling the whole.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import type { ColumnProfile, Profile } from '../../../src/shared/drift';
import { isProfile } from '../../../src/shared/drift';
import { mergeProfiles } from '../../../src/core/drift/merge';
import { profileFile, profileRecords } from '../../../src/core/drift/profile';
import { KllSketch, kllRankError } from '../../../src/core/drift/sketch/kll';
import { FormatError } from '../../../src/core/formats/types';
import { mulberry32 } from '../../../src/core/util/random';
import { SAMPLES, fixture, withTempDir, writeTemp } from '../formats/helpers';

function col(p: Profile, name: string): ColumnProfile {
  const c = p.columns.find((x) => x.name === name);
  assert.ok(c, `column ${name} in ${p.columns.map((x) => x.name).join(', ')}`);
  return c;
}

function problemText(p: Profile): string {
  return p.problems.map((x) => `${x.line ?? '-'}: ${x.message}`).join('\n');
}

async function profileText(name: string, text: string | Buffer, options: Parameters<typeof profileFile>[1] = {}): Promise<Profile> {
  return withTempDir(async (dir) => profileFile(await writeTemp(dir, name, text), options));
}

describe('profiling CSV/TSV', () => {
  test('RFC 4180 quoting, CRLF line endings and a BOM', async () => {
    const p = await profileText('q.csv', '\uFEFFid,name,amount\r\n1,"Smith, Jr.",10.5\r\n2,"say ""hi""",7\r\n3,plain,\r\n');
    assert.deepEqual(p.columns.map((c) => c.name), ['id', 'name', 'amount']);
    assert.equal(p.rows, 3);
    assert.equal(p.malformedRows, 0);
    assert.deepEqual(col(p, 'name').frequent?.items.map(([v]) => v).sort(), ['Smith, Jr.', 'plain', 'say "hi"']);
    const amount = col(p, 'amount');
    assert.equal(amount.type, 'numeric');
    assert.equal(amount.missing, 1);
    assert.equal(amount.numeric?.mean, 8.75);
    assert.equal(isProfile(JSON.parse(JSON.stringify(p))), true);
  });

  test('sniffs a semicolon delimiter; TSV files use tabs', async () => {
    const p = await profileText('semi.csv', 'a;b;c\n1;x;2.5\n2;y;3.5\n');
    assert.deepEqual(p.columns.map((c) => c.name), ['a', 'b', 'c']);
    assert.equal(col(p, 'c').numeric?.max, 3.5);
    const t = await profileFile(`${SAMPLES}/data/holdout.tsv`);
    assert.equal(t.rows, 500);
    assert.equal(col(t, 'region').type, 'categorical');
    assert.equal(col(t, 'application_id').type, 'id');
  });

  test('infers numeric, categorical, boolean, datetime, id and text columns; mlship.yaml types override', async () => {
    const rows = ['user_id,age,plan,active,signup,bio,zip'];
    const rnd = mulberry32(1);
    for (let i = 0; i < 300; i++) {
      const bio = `I like ${['hiking', 'chess', 'baking', 'music'][i % 4]} and ${Math.floor(rnd() * 1e9)} other things mostly on weekends`;
      rows.push(`${1000 + i},${20 + (i % 50)},${['free', 'pro', 'team'][i % 3]},${i % 2 ? 'true' : 'false'},2025-0${1 + (i % 9)}-1${i % 10},${bio},0${1000 + (i % 40)}`);
    }
    const p = await profileText('types.csv', rows.join('\n'), { types: { zip: 'categorical' } });
    assert.deepEqual(
      p.columns.map((c) => [c.name, c.type, c.typeSource]),
      [['user_id', 'id', 'inferred'], ['age', 'numeric', 'inferred'], ['plan', 'categorical', 'inferred'], ['active', 'boolean', 'inferred'], ['signup', 'datetime', 'inferred'], ['bio', 'text', 'inferred'], ['zip', 'categorical', 'override']],
    );
    assert.equal(col(p, 'zip').frequent?.items.length, 40);
    assert.ok((col(p, 'bio').lengths?.mean ?? 0) > 40);
  });

  test('a large file streams across chunk boundaries; exact values up to the row limit, sketches beyond', async () => {
    const lines = ['x,cat,small'];
    const rnd = mulberry32(3);
    for (let i = 0; i < 150_000; i++) lines.push(`${(rnd() * 1000).toFixed(3)},${['a', 'b', 'c', 'd'][i % 4]},"${i % 7}"`);
    const p = await profileText('big.csv', lines.join('\n') + '\n', { options: { rowLimit: 100_000 } });
    assert.equal(p.rows, 150_000);
    const x = col(p, 'x');
    assert.equal(x.numeric?.exact, undefined, 'more than rowLimit values and many distinct: no exact values');
    assert.ok(x.numeric && x.numeric.kll.n === 150_000);
    assert.equal(col(p, 'small').numeric?.exact?.values.length, 7, 'few distinct values stay exact at any size');
    assert.deepEqual(col(p, 'cat').frequent?.items, [['a', 37_500], ['b', 37_500], ['c', 37_500], ['d', 37_500]]);
    const small = await profileText('small.csv', lines.slice(0, 1001).join('\n'));
    assert.equal(col(small, 'x').numeric?.exact?.counts.reduce((a, b) => a + b, 0), 1000);
  });
});

describe('numbers from CSV bytes', () => {
  test('plain decimals, quoted numbers, exponents, missing and invalid values and ragged rows give the numbers of the same values in memory', async () => {
    const rnd = mulberry32(11);
    const lines = ['x,y,tag'];
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      if (i % 130 === 7) {
        lines.push(`${i},1`); // ragged: skipped, not in the records
        continue;
      }
      const x = Math.round(rnd() * 1e6) / 100;
      const y = Math.floor(rnd() * 50);
      const [text, value]: [string, unknown] =
        i % 50 === 3 ? [`"${x}"`, x] : i % 70 === 5 ? [`${x * 100}e-2`, (x * 100) / 100] : i % 90 === 1 ? ['', null] : i % 110 === 9 ? ['abc', 'abc'] : [String(x), x];
      lines.push(`${text},${y},t${i % 3}`);
      records.push({ x: value, y, tag: `t${i % 3}` });
    }
    const options = { options: { rowLimit: 1000 } };
    const fromCsv = await profileText('numbers.csv', lines.join('\n') + '\n', options);
    const inMemory = profileRecords(records, options);
    assert.equal(fromCsv.rows, records.length);
    for (const name of ['x', 'y']) {
      const [a, b] = [col(fromCsv, name), col(inMemory, name)];
      assert.deepEqual([a.count, a.missing, a.invalid, a.distinct, a.numeric], [b.count, b.missing, b.invalid, b.distinct, b.numeric], name);
    }
    assert.ok((col(fromCsv, 'x').invalid ?? 0) > 0 && col(fromCsv, 'x').missing > 0);
  });
});

describe('bad input: clear messages with file and line, no crash', () => {
  test('an empty file', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'empty.csv', '');
      await assert.rejects(profileFile(path), (err: unknown) => err instanceof FormatError && /Empty file: 0 bytes — no header row in empty\.csv/.test(err.message));
      const blank = await writeTemp(dir, 'blank.csv', '\n\n\n');
      await assert.rejects(profileFile(blank), /no header row in blank\.csv \(only blank lines\)/);
      const jsonl = await writeTemp(dir, 'empty.jsonl', '');
      await assert.rejects(profileFile(jsonl), /no JSON lines in empty\.jsonl/);
    });
  });

  test('a header only', async () => {
    const p = await profileText('header.csv', 'a,b,c\n');
    assert.equal(p.rows, 0);
    assert.deepEqual(p.columns.map((c) => c.type), ['empty', 'empty', 'empty']);
    assert.match(problemText(p), /^1: no data rows: header\.csv has a header only/m);
  });

  test('ragged rows are counted, reported with their lines and skipped', async () => {
    const p = await profileText('ragged.csv', 'a,b\n1,2\n3\n4,5,6\n7,8\n');
    assert.equal(p.rows, 2);
    assert.equal(p.malformedRows, 2);
    assert.match(problemText(p), /^3: 2 rows have a different number of fields than the header's 2 \(lines 3, 4\); skipped/m);
  });

  test('quoted newlines keep records whole and line numbers right', async () => {
    const p = await profileText('nl.csv', 'id,comment\n1,"multi\nline\ntext"\n2,ok\n3,x,extra\n');
    assert.equal(p.rows, 2);
    assert.deepEqual(col(p, 'comment').frequent?.items.map(([v]) => v).sort(), ['multi\nline\ntext', 'ok']);
    assert.match(problemText(p), /^6: 1 row has a different number of fields than the header's 2 \(line 6\)/m);
  });

  test('non-UTF-8 bytes are reported with the line and shown as replacement characters', async () => {
    const p = await profileText('latin1.csv', Buffer.concat([Buffer.from('name,score\nAnn,1\n'), Buffer.from([0x4a, 0x6f, 0x73, 0xe9]), Buffer.from(',2\n')]));
    assert.equal(p.rows, 2);
    assert.match(problemText(p), /^3: column "name": 1 value with invalid UTF-8 bytes \(shown as �\), first at line 3 — re-save the file as UTF-8/m);
    assert.ok(col(p, 'name').frequent?.items.some(([v]) => v === 'Jos\uFFFD'));
  });

  test('a 2 MB single line is skipped and reported; the rest is read', async () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const p = await profileText('long.csv', `a,b\n1,2\n${huge},9\n3,4\n`);
    assert.equal(p.rows, 2);
    assert.equal(p.malformedRows, 1);
    assert.match(problemText(p), /^3: 1 record longer than 1 MiB skipped \(line 3\)/m);
    assert.equal(col(p, 'a').numeric?.max, 3);
    const j = await profileText('long.jsonl', `{"a":1}\n{"a":"${huge}"}\n{"a":2}\n`);
    assert.equal(j.rows, 2);
    assert.match(problemText(j), /^2: 1 line longer than 1 MiB skipped \(line 2\)/m);
    await assert.rejects(profileText('oneline.csv', huge), /No header row: line 1 of oneline\.csv is longer than 1 MiB/);
  });

  test('an all-null column is typed empty and reported', async () => {
    const p = await profileText('nulls.csv', 'a,b\n1,\n2,NA\n3,null\n');
    assert.equal(col(p, 'b').type, 'empty');
    assert.equal(col(p, 'b').missing, 3);
    assert.match(problemText(p), /column "b": every value is missing \(3 rows\)/);
  });

  test('mixed types: in the sample → categories with advice; later → invalid values with their lines', async () => {
    const p = await profileText('mixed.csv', 'a,b\n1,x\n2,3\nhello,y\n');
    assert.equal(col(p, 'a').type, 'categorical');
    assert.match(problemText(p), /column "a" mixes types .*\(integer, string\); compared as categories — set drift\.columns\.a\.type/);
    const lines = ['n'];
    for (let i = 0; i < 1500; i++) lines.push(String(i));
    lines.push('oops', '1501');
    const late = await profileText('late.csv', lines.join('\n'));
    const n = col(late, 'n');
    assert.equal(n.type, 'numeric');
    assert.equal(n.invalid, 1);
    assert.deepEqual(n.invalidExamples, [{ value: 'oops', line: 1502 }]);
    assert.match(problemText(late), /^1502: column "n": 1 value is not numbers \(first at line 1502: "oops"\); left out of its statistics/m);
  });

  test('the type sample is the first 1,000 records even when they span several read chunks', async () => {
    // Rows of ~150 bytes: the 1,000 records of the sample take about 150 KiB, read in 64 KiB chunks. 150 words among
    // them (15 %) make the column mixed; the same words just after the sample are invalid numbers.
    const rows = (firstWord: number): string => {
      const out = ['n,note'];
      for (let i = 1; i <= 1200; i++) out.push(`${i >= firstWord && i < firstWord + 150 ? 'oops' : i},${'x'.repeat(140)}${i}`);
      return out.join('\n') + '\n';
    };
    const inSample = await profileText('sample-end.csv', rows(851));
    assert.equal(col(inSample, 'n').type, 'categorical');
    assert.match(problemText(inSample), /column "n" mixes types in its first 1,000 values/);
    const after = await profileText('sample-after.csv', rows(1001));
    assert.equal(col(after, 'n').type, 'numeric');
    assert.equal(col(after, 'n').invalid, 150);
  });

  test('a UTF-16 CSV or JSON Lines file: an error naming the encoding, not columns with garbled names', async () => {
    const utf16 = (text: string) => Buffer.from(`\uFEFF${text}`, 'utf16le');
    await assert.rejects(profileText('u.csv', utf16('id,name\n1,x\n')), (err: unknown) => err instanceof FormatError && /^This CSV file is UTF-16 encoded/.test(err.message));
    await assert.rejects(profileText('u.jsonl', utf16('{"a":1}\n')), (err: unknown) => err instanceof FormatError && /^This JSON Lines file is UTF-16 encoded/.test(err.message));
  });

  test('corrupt Parquet: a clear error naming the problem', async () => {
    const good = await readFile(fixture('data', 'small.parquet'));
    const truncated = good.subarray(0, good.length - 9);
    await assert.rejects(profileText('t.parquet', truncated), (err: unknown) => err instanceof FormatError && /Truncated Parquet file|Not a Parquet file/.test(err.message));
    // Data pages overwritten, footer intact.
    const corrupt = Buffer.from(good);
    for (let i = 4; i < 200 && i < corrupt.length - 100; i++) corrupt[i] = 0xff;
    await assert.rejects(profileText('c.parquet', corrupt), (err: unknown) => err instanceof FormatError && /Corrupt Parquet data in row group 1 \(rows 1–8\)/.test(err.message));
  });

  test('JSON Lines: invalid lines and non-objects are counted with their lines', async () => {
    const p = await profileText('e.jsonl', '{"a":1,"b":"x"}\n{"a":2,\n[1,2]\n\n{"a":3,"c":true}\n');
    assert.equal(p.rows, 2);
    assert.equal(p.malformedRows, 2);
    assert.match(problemText(p), /^2: 1 line is not valid JSON \(line 2; first: .*\); skipped/m);
    assert.match(problemText(p), /^3: 1 line is JSON but not an object \(line 3\)/m);
    assert.equal(col(p, 'c').missing, 1, 'a key that appears late is missing in earlier rows');
  });
});

describe('Parquet and records', () => {
  test('the sample workspace snapshot, from its Parquet file', async () => {
    const p = await profileFile(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`);
    assert.equal(p.rows, 2000);
    assert.equal(col(p, 'region').type, 'categorical');
    assert.equal(col(p, 'applied_at').type, 'datetime');
    assert.equal(col(p, 'defaulted').type, 'boolean');
    assert.equal(col(p, 'age').numeric?.exact?.counts.reduce((a, b) => a + b, 0), 2000);
  });

  test('records in memory (the inputs of a prediction-log window)', () => {
    const p = profileRecords([{ income: 50_000, region: 'north' }, { income: 61_000, region: 'south' }, { income: null, region: 'north', extra: 1 }]);
    assert.equal(p.rows, 3);
    assert.equal(col(p, 'income').missing, 1);
    assert.equal(col(p, 'extra').missing, 2);
    assert.deepEqual(col(p, 'region').frequent?.items, [['north', 2], ['south', 1]]);
  });
});

describe('merge(profile(A), profile(B)) ≈ profile(A ∪ B)', () => {
  const rnd = mulberry32(11);
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const N = 60_000;
  const records = Array.from({ length: N }, (_, i) => ({
    income: rnd() < 0.03 ? null : Math.round(Math.exp(10 + rnd() + rnd()) * 100) / 100,
    age: 18 + Math.floor(rnd() * 60),
    region: regions[Math.floor(rnd() * rnd() * regions.length)] as string,
    token: `t${Math.floor(rnd() * 3000)}`,
    n: i,
  }));
  const options = { rowLimit: 20_000, frequentCapacity: 200 };
  const whole = profileRecords(records, { options });

  for (const parts of [2, 5, 17]) {
    test(`${parts} random partitions`, () => {
      const prng = mulberry32(parts);
      const buckets = Array.from({ length: parts }, () => [] as (typeof records)[number][]);
      for (const r of records) (buckets[Math.floor(prng() * parts)] as (typeof records)[number][]).push(r);
      const profiles = buckets.map((b, i) => profileRecords(b, { options, name: `part ${i}` }));
      const merged = profiles.reduce((a, b) => mergeProfiles(JSON.parse(JSON.stringify(a)) as Profile, JSON.parse(JSON.stringify(b)) as Profile));
      assert.equal(merged.rows, whole.rows);
      for (const w of whole.columns) {
        const m = col(merged, w.name);
        assert.equal(m.count, w.count, w.name);
        assert.equal(m.missing, w.missing, w.name);
        assert.equal(m.distinct.hll.registers, w.distinct.hll.registers, `${w.name}: HLL registers`);
        if (w.numeric && m.numeric) {
          assert.equal(m.numeric.min, w.numeric.min);
          assert.equal(m.numeric.max, w.numeric.max);
          assert.ok(Math.abs(m.numeric.mean - w.numeric.mean) <= 1e-9 * Math.abs(w.numeric.mean), `${w.name} mean`);
          assert.ok(Math.abs(m.numeric.m2 - w.numeric.m2) <= 1e-7 * w.numeric.m2, `${w.name} m2`);
          assert.deepEqual(m.numeric.exact, w.numeric.exact, `${w.name}: exact value counts`);
          // Quantiles of the merged sketch are within the rank-error bound of the true ones.
          const sorted = records.map((r) => r[w.name as 'income' | 'age' | 'n']).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
          const cdf = KllSketch.fromState(m.numeric.kll).cdf();
          for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
            const v = sorted[Math.floor(q * (sorted.length - 1))] as number;
            let rank = 0;
            while (rank < sorted.length && (sorted[rank] as number) <= v) rank++;
            assert.ok(Math.abs(cdf.at(v) - rank / sorted.length) <= kllRankError(m.numeric.kll.k), `${w.name} q${q}`);
          }
        }
        if (w.frequent && m.frequent) {
          const truth = new Map<string, number>();
          for (const r of records) {
            const v = r[w.name as 'region' | 'token'];
            truth.set(v, (truth.get(v) ?? 0) + 1);
          }
          assert.equal(m.frequent.total, w.frequent.total);
          for (const [v, est] of m.frequent.items) {
            const t = truth.get(v) ?? 0;
            assert.ok(est <= t && t - est <= m.frequent.offset, `${w.name}=${v}: ${est} vs ${t} (offset ${m.frequent.offset})`);
          }
          assert.ok(m.frequent.offset <= w.frequent.total / (options.frequentCapacity + 1));
        }
      }
      assert.deepEqual(col(merged, 'region').frequent?.items, col(whole, 'region').frequent?.items, 'few categories: exact on both');
    });
  }
});
