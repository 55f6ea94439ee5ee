import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  CsvParser,
  combineTypes,
  countCsvRows,
  countJsonlRows,
  inferValueType,
  parseCsv,
  readCsvMetadata,
  readChunksReused,
  readJsonlMetadata,
  readParquetMetadata,
  readParquetRowGroups,
  readSnapshotRows,
} from '../../../src/core/formats/tabular';
import { FormatError } from '../../../src/core/formats/types';
import type { TabularMetadata } from '../../../src/core/formats/types';
import { SAMPLES, fixture, withTempDir, writeTemp } from './helpers';

function prop(m: TabularMetadata, label: string): string | undefined {
  return m.properties.find((p) => p.label === label)?.value;
}

function props(m: TabularMetadata, label: string): string[] {
  return m.properties.filter((p) => p.label === label).map((p) => p.value);
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof FormatError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

const SMALL_CSV_COLUMNS = [
  { name: 'id', type: 'integer', nullable: false },
  { name: 'name', type: 'string', nullable: false },
  { name: 'comment', type: 'string', nullable: true },
  { name: 'amount', type: 'number', nullable: false },
  { name: 'created_at', type: 'datetime', nullable: true },
];

describe('CSV', () => {
  test('small.csv: quoted commas, escaped quotes and a newline inside quotes', async () => {
    const m = await readCsvMetadata(fixture('data', 'small.csv'));
    assert.equal(m.format, 'csv');
    assert.deepEqual(m.columns, SMALL_CSV_COLUMNS);
    assert.equal(m.rows, 4);
    assert.equal(prop(m, 'Delimiter'), 'comma');
    assert.equal(prop(m, 'Rows'), '4');
    assert.equal(prop(m, 'Line endings'), 'LF');
    assert.deepEqual(props(m, 'Warning'), []);
    assert.equal(await countCsvRows(fixture('data', 'small.csv')), 4);
  });

  test('small.tsv', async () => {
    const m = await readCsvMetadata(fixture('data', 'small.tsv'), { delimiter: '\t' });
    assert.equal(m.format, 'tsv');
    assert.deepEqual(m.columns, [
      { name: 'id', type: 'integer', nullable: false },
      { name: 'region', type: 'string', nullable: false },
      { name: 'score', type: 'number', nullable: true },
      { name: 'label', type: 'integer', nullable: false },
    ]);
    assert.equal(m.rows, 4);
    assert.equal(prop(m, 'Delimiter'), 'tab');
    assert.equal(await countCsvRows(fixture('data', 'small.tsv'), { delimiter: '\t' }), 4);
  });

  test('empty.csv', async () => {
    await rejectsWith(readCsvMetadata(fixture('data', 'empty.csv')), /^Empty file: 0 bytes — no header row in this CSV file$/);
    assert.equal(await countCsvRows(fixture('data', 'empty.csv')), 0);
  });

  test('CRLF line endings and a UTF-8 BOM give the same schema', async () => {
    const text = (await readFile(fixture('data', 'small.csv'), 'utf8')).replace(/\n/g, '\r\n');
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'crlf.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
      const m = await readCsvMetadata(path);
      assert.deepEqual(m.columns, SMALL_CSV_COLUMNS);
      assert.equal(m.rows, 4);
      assert.equal(prop(m, 'Line endings'), 'CRLF');
      assert.equal(prop(m, 'Encoding'), 'UTF-8 with BOM');
      assert.equal(await countCsvRows(path), 4);
      const rows = await readSnapshotRows(path, 'csv', 10);
      assert.equal(rows[1]?.['comment'], 'multi-line\r\ncomment here');
    });
  });

  test('the RFC 4180 parser', () => {
    assert.deepEqual(parseCsv('a,b\n1,"x ""y"" z"\n\n2,""\n3,"line1\nline2"'), [
      ['a', 'b'],
      ['1', 'x "y" z'],
      ['2', ''],
      ['3', 'line1\nline2'],
    ]);
    assert.deepEqual(parseCsv('a;b\r\n1;2\r\n', ';'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
    assert.deepEqual(parseCsv('\uFEFFa,b\n,\n'), [
      ['a', 'b'],
      ['', ''],
    ]);
    const p = new CsvParser(',');
    p.push('a,b\n1,"ab"c\n2,"open');
    p.push(' quote\n');
    p.end();
    assert.deepEqual(
      p.records.map((r) => [r.line, r.fields]),
      [
        [1, ['a', 'b']],
        [2, ['1', 'abc']],
        [3, ['2', 'open quote\n']],
      ],
    );
    assert.deepEqual(p.warnings, ['line 2: text after a closing quote', 'line 3: unterminated quoted field (the file ends inside quotes)']);
    assert.throws(() => new CsvParser('::'), /delimiter must be one character/);
  });

  test('a file larger than the sample: schema from the first 1,000 rows, exact count by scanning', async () => {
    const lines = ['id,note,score,flag,day'];
    for (let i = 0; i < 6000; i++) {
      const note = i % 7 === 0 ? `"quoted, with ""quotes""\nand a newline ${i}"` : `a somewhat longer free-text note number ${i}`;
      lines.push(`${i},${note},${(i / 3).toFixed(3)},${i % 2 === 0 ? 'true' : 'false'},2025-01-${String((i % 28) + 1).padStart(2, '0')}`);
    }
    const text = `${lines.join('\n')}\n`;
    assert.ok(text.length > 128 * 1024, 'the file spans several read chunks');
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'big.csv', text);
      const m = await readCsvMetadata(path);
      assert.equal(m.rows, undefined);
      assert.match(prop(m, 'Sampled rows') ?? '', /^1,000 \(first [\d,]+ bytes\)$/);
      assert.deepEqual(
        m.columns.map((c) => [c.name, c.type]),
        [
          ['id', 'integer'],
          ['note', 'string'],
          ['score', 'number'],
          ['flag', 'boolean'],
          ['day', 'date'],
        ],
      );
      assert.equal(await countCsvRows(path), 6000);
      const all = await readCsvMetadata(path, { sampleRows: 10_000 });
      assert.equal(all.rows, 6000);
      assert.equal(prop(all, 'Rows'), '6,000');
    });
  });

  test('the row count agrees with the parser on quotes inside unquoted fields and "" escapes', async () => {
    await withTempDir(async (dir) => {
      const cases: [string, string, string][] = [
        ['inches.csv', 'id,desc\n1,5" screen\n2,ok\n3,x\n', ','],
        ['space.csv', 'id,desc\n1, "a\n2,b\n', ','],
        ['escapes.csv', 'a,b\n"x""\ny",1\n"""",2\n3,ab""\n4,z\n', ','],
        ['bom.csv', '\uFEFF"a\nb",c\n1,2\n3,4"\n5,6\n', ','],
        ['tabs.tsv', 'a\tb\n1\t2" x\n2\t"q\nr"\n', '\t'],
      ];
      for (const [name, text, delimiter] of cases) {
        const path = await writeTemp(dir, name, text);
        const records = parseCsv(text, delimiter).length - 1;
        assert.equal(await countCsvRows(path, { delimiter }), records, name);
        assert.equal((await readCsvMetadata(path, { delimiter })).rows, records, name);
      }
      // A "" escape whose quotes straddle two 64 KiB read chunks, after a stray quote in an unquoted field.
      const head = 'a,b\n1,5" x\n2,"';
      const body = `${head}${'y'.repeat(64 * 1024 - head.length - 1)}""\nz"\n3,4\n`;
      const path = await writeTemp(dir, 'boundary.csv', body);
      assert.equal(await countCsvRows(path), 3);
      assert.equal(parseCsv(body).length - 1, 3);
    });
  });

  test('ragged rows, mixed types and a probable wrong delimiter are warnings', async () => {
    await withTempDir(async (dir) => {
      const ragged = await writeTemp(dir, 'ragged.csv', 'a,b,c\n1,x,2025-01-01\n2,y\n3,z,4,extra\nfoo,w,2025-01-02T10:00:00\n');
      const m = await readCsvMetadata(ragged);
      assert.deepEqual(
        m.columns.map((c) => [c.name, c.type, c.nullable]),
        [
          ['a', 'mixed', false],
          ['b', 'string', false],
          ['c', 'mixed', true],
          ['column_4', 'string', true],
        ],
      );
      assert.equal(props(m, 'Warning')[0], '2 rows have a different number of fields than the header (3); first at line 3 with 2');
      const semi = await writeTemp(dir, 'semi.csv', 'a;b;c\n1;2;3\n');
      const s = await readCsvMetadata(semi, { delimiter: ',' });
      assert.deepEqual(props(s, 'Warning'), ['only one column found; the delimiter may be semicolon rather than comma']);
      const dates = await writeTemp(dir, 'dates.csv', 'd\n2025-01-01\n2025-02-03T04:05:06Z\nNA\n');
      assert.deepEqual((await readCsvMetadata(dates)).columns, [{ name: 'd', type: 'datetime', nullable: true }]);
    });
  });

  test('a semicolon-delimited CSV is read with the delimiter sniffed, as profiling reads it', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'eu.csv', '\uFEFFid;amount;note\r\n1;3,5;"a;b\r\nc"\r\n2;4,25;plain\r\n');
      const m = await readCsvMetadata(path, { format: 'csv' });
      assert.equal(m.format, 'csv');
      assert.deepEqual(m.columns.map((c) => c.name), ['id', 'amount', 'note']);
      assert.equal(prop(m, 'Delimiter'), 'semicolon');
      assert.deepEqual(props(m, 'Warning'), []);
      assert.equal(m.rows, 2);
      assert.equal(await countCsvRows(path, { format: 'csv' }), 2);
      assert.deepEqual(await readSnapshotRows(path, 'csv', 5), [
        { id: 1, amount: '3,5', note: 'a;b\r\nc' },
        { id: 2, amount: '4,25', note: 'plain' },
      ]);
      // A TSV whose tabs split every line stays a TSV; one with no delimiter at all keeps the format's default.
      const tsv = await writeTemp(dir, 'x.tsv', 'a\tb,c\n1\t2,3\n');
      assert.deepEqual((await readCsvMetadata(tsv, { format: 'tsv' })).columns.map((c) => c.name), ['a', 'b,c']);
      const one = await writeTemp(dir, 'one.tsv', 'name\nx\n');
      assert.equal(prop(await readCsvMetadata(one, { format: 'tsv' }), 'Delimiter'), 'tab');
    });
  });

  test('a UTF-16 file (PowerShell > or Out-File) is an error that says so, not garbled columns', async () => {
    await withTempDir(async (dir) => {
      const le = await writeTemp(dir, 'ps.csv', Buffer.from('\uFEFFid,name\r\n1,x\r\n2,y\r\n', 'utf16le'));
      const message = /^This CSV file is UTF-16 encoded \(it starts with the UTF-16 little-endian byte order mark\); text data is read as UTF-8 — save it as UTF-8/;
      await rejectsWith(readCsvMetadata(le, { format: 'csv' }), message);
      await rejectsWith(countCsvRows(le, { format: 'csv' }), message);
      await rejectsWith(readSnapshotRows(le, 'csv', 5), message);
      const be = await writeTemp(dir, 'be.jsonl', Buffer.from('\uFEFF{"a":1}\n', 'utf16le').swap16());
      const jsonl = /^This JSON Lines file is UTF-16 encoded \(it starts with the UTF-16 big-endian byte order mark\)/;
      await rejectsWith(readJsonlMetadata(be), jsonl);
      await rejectsWith(countJsonlRows(be), jsonl);
      // The UTF-8 byte order mark is read as before.
      const utf8 = await writeTemp(dir, 'bom.csv', '\uFEFFid\n1\n');
      assert.deepEqual((await readCsvMetadata(utf8)).columns.map((c) => c.name), ['id']);
    });
  });

  test('counting stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(countCsvRows(fixture('data', 'small.csv'), { signal: controller.signal }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'AbortError');
      return true;
    });
  });

  test('value type inference', () => {
    assert.equal(inferValueType('42'), 'integer');
    assert.equal(inferValueType('-4.5e3'), 'number');
    assert.equal(inferValueType('.5'), 'number');
    assert.equal(inferValueType('TRUE'), 'boolean');
    assert.equal(inferValueType('2025-11-01'), 'date');
    assert.equal(inferValueType('2025-13-01'), 'string');
    assert.equal(inferValueType('2025-11-01 10:00'), 'datetime');
    assert.equal(inferValueType(''), 'null');
    assert.equal(inferValueType('N/A'), 'null');
    assert.equal(inferValueType('abc'), 'string');
    assert.deepEqual(combineTypes(['integer', 'number', 'null']), { type: 'number', nullable: true });
    assert.deepEqual(combineTypes(['null']), { type: 'null', nullable: true });
    assert.deepEqual(combineTypes(['integer', 'string']), { type: 'mixed', nullable: false });
  });

  test('the demo workspace CSV and TSV', async () => {
    const m = await readCsvMetadata(`${SAMPLES}/data/deliveries.csv`);
    assert.equal(m.rows, 360);
    assert.deepEqual(m.columns.slice(0, 3), [
      { name: 'order_id', type: 'string', nullable: false },
      { name: 'created_at', type: 'datetime', nullable: false },
      { name: 'distance_km', type: 'number', nullable: false },
    ]);
    assert.equal(await countCsvRows(`${SAMPLES}/data/deliveries.csv`), 360);
    const tsv = await readCsvMetadata(`${SAMPLES}/data/holdout.tsv`, { delimiter: '\t' });
    assert.equal(tsv.rows, await countCsvRows(`${SAMPLES}/data/holdout.tsv`, { delimiter: '\t' }));
  });
});

describe('JSON Lines', () => {
  test('events.jsonl: union of keys and types; the malformed line is a warning', async () => {
    const m = await readJsonlMetadata(fixture('data', 'events.jsonl'));
    assert.equal(m.format, 'jsonl');
    assert.deepEqual(m.columns, [
      { name: 'ts', type: 'datetime', nullable: false },
      { name: 'request_id', type: 'string', nullable: false },
      { name: 'feature', type: 'string', nullable: false },
      { name: 'label', type: 'integer', nullable: false },
      { name: 'source', type: 'string', nullable: false },
      { name: 'note', type: 'string', nullable: true },
    ]);
    assert.equal(m.rows, 4);
    assert.equal(prop(m, 'Invalid lines'), '1 of 4 sampled');
    const warnings = props(m, 'Warning');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^line 3: invalid JSON/);
    assert.equal(await countJsonlRows(fixture('data', 'events.jsonl')), 4);
  });

  test('keys that appear later are nullable; arrays and objects are list and struct', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'x.jsonl', '{"a":1}\n\n{"a":2.5,"b":[1],"c":{"k":1}}\r\n[1,2]\n{"a":3,"b":null,"c":{}}');
      const m = await readJsonlMetadata(path);
      assert.deepEqual(m.columns, [
        { name: 'a', type: 'number', nullable: false },
        { name: 'b', type: 'list', nullable: true },
        { name: 'c', type: 'struct', nullable: true },
      ]);
      assert.deepEqual(props(m, 'Warning'), ['line 4: not a JSON object']);
      assert.equal(m.rows, 4);
      assert.equal(await countJsonlRows(path), 4);
      const rows = await readSnapshotRows(path, 'jsonl', 10);
      assert.deepEqual(rows, [{ a: 1 }, { a: 2.5, b: [1], c: { k: 1 } }, { a: 3, b: null, c: {} }]);
    });
  });

  test('a file where no line parses, and an empty file', async () => {
    await withTempDir(async (dir) => {
      await rejectsWith(readJsonlMetadata(await writeTemp(dir, 'bad.jsonl', 'not json\n{oops\n')), /^Not valid JSON Lines: none of the first 2 non-blank lines parse as JSON \(line 1: /);
      await rejectsWith(readJsonlMetadata(await writeTemp(dir, 'empty.jsonl', '')), /^Empty file: 0 bytes/);
      await rejectsWith(readJsonlMetadata(await writeTemp(dir, 'blank.jsonl', '\n\n  \n')), /^Empty file: no JSON lines/);
    });
  });

  test('a first line longer than the 16 MiB sample is reported as such, not as an empty file', async () => {
    await withTempDir(async (dir) => {
      const line = JSON.stringify({ a: 'x'.repeat(17 * 1024 * 1024) });
      const path = await writeTemp(dir, 'long.jsonl', `\n${line}\n{"a":"y"}\n`);
      const message = /^Line 2 is longer than the 16,777,216 bytes read to sample the file \(no line break in them\) — JSON Lines holds one JSON value per line/;
      await rejectsWith(readJsonlMetadata(path), message);
      await rejectsWith(readSnapshotRows(path, 'jsonl', 5), message);
      // After complete lines, a long one ends the sample instead.
      const later = await writeTemp(dir, 'later.jsonl', `{"a":"y"}\n${line}\n`);
      const m = await readJsonlMetadata(later);
      assert.equal(m.rows, undefined);
      assert.match(prop(m, 'Sampled rows') ?? '', /^1 \(first /);
    });
  });
});

describe('Parquet', () => {
  test('small.parquet: schema, rows and row groups from the footer', async () => {
    const m = await readParquetMetadata(fixture('data', 'small.parquet'));
    assert.equal(m.format, 'parquet');
    assert.equal(m.rows, 8);
    assert.deepEqual(m.columns, [
      { name: 'id', type: 'integer', physicalType: 'INT32', nullable: false },
      { name: 'name', type: 'string', physicalType: 'BYTE_ARRAY (UTF8)', nullable: true },
      { name: 'score', type: 'number', physicalType: 'DOUBLE', nullable: true },
      { name: 'count', type: 'integer', physicalType: 'INT64', nullable: true },
      { name: 'flag', type: 'boolean', physicalType: 'BOOLEAN', nullable: true },
      { name: 'ts', type: 'datetime', physicalType: 'INT64 (TIMESTAMP_MILLIS)', nullable: false },
    ]);
    assert.equal(prop(m, 'Row groups'), '1');
    assert.equal(prop(m, 'Compression'), 'SNAPPY');
    assert.equal(prop(m, 'Created by'), 'hyparquet');
  });

  test('the demo workspace Parquet file has two row groups', async () => {
    const m = await readParquetMetadata(`${SAMPLES}/data/credit-risk/applications-2025-10.parquet`);
    assert.equal(m.rows, 2000);
    assert.equal(prop(m, 'Row groups'), '2');
    assert.deepEqual(
      m.columns.map((c) => c.name),
      ['application_id', 'applied_at', 'age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'months_employed', 'region', 'defaulted'],
    );
  });

  test('column data compressed with a codec that cannot be read (ZSTD) is a clear error before any row, and a warning in the metadata', async () => {
    await withTempDir(async (dir) => {
      const columnData = [
        { name: 'id', data: [1, 2, 3], type: 'INT32' as const, nullable: false },
        { name: 'note', data: ['a', 'b', null], type: 'STRING' as const },
      ];
      // The pages are left as they are; the footer records ZSTD, which is what the reader goes by.
      const zstd = await writeTemp(dir, 'polars.parquet', Buffer.from(parquetWriteBuffer({ columnData, codec: 'ZSTD', compressors: { ZSTD: (b: Uint8Array) => b } })));
      const m = await readParquetMetadata(zstd);
      assert.equal(prop(m, 'Compression'), 'ZSTD');
      assert.deepEqual(props(m, 'Warning'), ['rows cannot be read (profiling, benchmarks): ZSTD (id, note) is not uncompressed, Snappy, gzip or Brotli']);
      const message = /^Unsupported Parquet compression: ZSTD \(id, note\) — only uncompressed, Snappy, gzip or Brotli column data can be read; write the file again with compression='snappy'$/;
      await rejectsWith(readSnapshotRows(zstd, 'parquet', 2), message);
      await rejectsWith(readParquetRowGroups(zstd, () => assert.fail('no row group is read')), message);
      // gzip is read.
      const gzip = await writeTemp(dir, 'gzip.parquet', Buffer.from(parquetWriteBuffer({ columnData, codec: 'GZIP', compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) } })));
      assert.deepEqual(props(await readParquetMetadata(gzip), 'Warning'), []);
      assert.deepEqual(await readSnapshotRows(gzip, 'parquet', 5), [{ id: 1, note: 'a' }, { id: 2, note: 'b' }, { id: 3, note: null }]);
    });
  });

  test('empty, non-Parquet, truncated and corrupt footers', async () => {
    const real = await readFile(fixture('data', 'small.parquet'));
    await withTempDir(async (dir) => {
      await rejectsWith(readParquetMetadata(await writeTemp(dir, 'empty.parquet', Buffer.alloc(0))), /^Empty file: 0 bytes — not a Parquet file$/);
      await rejectsWith(readParquetMetadata(fixture('data', 'small.csv')), /^Not a Parquet file: expected magic 'PAR1' at the start and end, found "id,n" and /);
      await rejectsWith(readParquetMetadata(await writeTemp(dir, 'cut.parquet', real.subarray(0, real.length - 100))), /^Truncated Parquet file: it starts with 'PAR1' but does not end with it/);
      const corrupt = Buffer.from(real);
      corrupt.writeUInt32LE(0x7fffffff, corrupt.length - 8); // footer length larger than the file
      await rejectsWith(readParquetMetadata(await writeTemp(dir, 'corrupt.parquet', corrupt)), /^Invalid Parquet footer: /);
      await rejectsWith(readParquetMetadata(await writeTemp(dir, 'tiny.parquet', Buffer.from('PAR1PAR1'))), /^Not a Parquet file: 8 bytes is too small/);
    });
  });
});

describe('readSnapshotRows', () => {
  test('CSV values are typed by column; Parquet int64 becomes number', async () => {
    const csv = await readSnapshotRows(fixture('data', 'small.csv'), 'csv', 2);
    assert.deepEqual(csv, [
      { id: 1, name: 'Alice', comment: 'likes commas, and "quotes"', amount: 12.5, created_at: '2025-11-01T10:00:00Z' },
      { id: 2, name: 'Bob', comment: 'multi-line\ncomment here', amount: 7, created_at: '2025-11-02T11:30:00Z' },
    ]);
    const pq = await readSnapshotRows(fixture('data', 'small.parquet'), 'parquet', 3);
    assert.equal(pq.length, 3);
    assert.deepEqual(
      pq.map((r) => [r['id'], r['name'], r['count'], r['flag']]),
      [
        [1, 'a', 10, true],
        [2, 'b, with comma', 20, false],
        [3, null, 30, true],
      ],
    );
    const tsv = await readSnapshotRows(fixture('data', 'small.tsv'), 'tsv', 10);
    assert.deepEqual(tsv[2], { id: 3, region: 'east', score: null, label: 0 });
    assert.deepEqual(await readSnapshotRows(fixture('data', 'small.csv'), 'csv', 0), []);
  });

  test('Parquet int64s inside a list column become numbers too (JSON can carry the rows), and a null list is null', async () => {
    await withTempDir(async (dir) => {
      const schema = [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'INT64' as const, repetition_type: 'REQUIRED' as const },
        { name: 'tokens', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
        { name: 'element', type: 'INT64' as const, repetition_type: 'OPTIONAL' as const },
      ];
      const columnData = [
        { name: 'id', data: [1n, 2n] },
        { name: 'tokens', data: [[101n, 2n ** 60n], null] },
      ];
      const path = await writeTemp(dir, 'tokens.parquet', Buffer.from(parquetWriteBuffer({ schema, columnData })));
      const rows = await readSnapshotRows(path, 'parquet', 5);
      assert.deepEqual(rows, [{ id: 1, tokens: [101, '1152921504606846976'] }, { id: 2, tokens: null }]);
      assert.equal(JSON.stringify(rows), '[{"id":1,"tokens":[101,"1152921504606846976"]},{"id":2,"tokens":null}]');
    });
  });
});

describe('readChunksReused', () => {
  test('the chunks, read from an offset, are the file\'s bytes; a chunk is a view that the next read reuses', async () => {
    await withTempDir(async (dir) => {
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
      const path = await writeTemp(dir, 'x.csv', data);
      for (const start of [0, 1, 777, data.length - 3, data.length]) {
        const copies: Buffer[] = [];
        const views: Buffer[] = [];
        for await (const chunk of readChunksReused(path, undefined, 256, start)) {
          assert.ok(chunk.length <= 256);
          copies.push(Buffer.from(chunk));
          views.push(chunk);
        }
        assert.deepEqual(Buffer.concat(copies), data.subarray(start), `from ${start}`);
        // Two buffers in turn: a view handed out two chunks earlier shares its memory with the latest.
        if (views.length >= 3) assert.equal(views[0]?.buffer, views[2]?.buffer);
      }
    });
  });

  test('a reader that stops early, an abort and a missing file', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'x.csv', Buffer.alloc(4096, 0x61));
      let n = 0;
      for await (const chunk of readChunksReused(path, undefined, 100)) {
        assert.equal(chunk[0], 0x61);
        if (++n === 3) break;
      }
      assert.equal(n, 3);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(async () => {
        for await (const _ of readChunksReused(path, controller.signal, 100)) void _;
      }, (err: unknown) => err instanceof Error && err.name === 'AbortError');
      await assert.rejects(async () => {
        for await (const _ of readChunksReused(`${path}.missing`, undefined, 100)) void _;
      }, FormatError);
    });
  });
});
