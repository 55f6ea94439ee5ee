// The CSV scanner's fast path (a quote-free line split and its numeric fields parsed in one pass) reads every record
// exactly as the general path does — fields, lines, offsets, problems — whatever the chunk sizes, and the numbers it
// parses are the ones parseNumberBytes gives.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CsvScanner, parseIsoDateBytes, parseNumberBytes, type CsvRecordView, type CsvScanProblem } from '../../../src/core/formats/csvBytes';
import { mulberry32 } from '../../../src/core/util/random';

interface Seen {
  records: { fields: string[]; line: number; position: number }[];
  problems: CsvScanProblem[];
  /** Per record read on the fast path: [field index, number parsed by the scanner, parseNumberBytes of the field]. */
  numbers: [number, number, number][];
  fast: number;
}

function scan(data: Buffer, chunk: number, numericFields?: Uint8Array, options: { startOffset?: number; stopAt?: number; maxRecordBytes?: number } = {}): Seen {
  const seen: Seen = { records: [], problems: [], numbers: [], fast: 0 };
  const onRecord = (r: CsvRecordView): void => {
    const fields: string[] = [];
    for (let i = 0; i < r.count; i++) fields.push(`${r.escaped[i]}:${r.buf.toString('latin1', r.starts[i], r.ends[i])}`);
    seen.records.push({ fields, line: r.line, position: r.position });
    if (!r.parsed) return;
    seen.fast++;
    for (let i = 0; i < r.count; i++) {
      if (numericFields?.[i] === 1) seen.numbers.push([i, r.numbers[i] as number, parseNumberBytes(r.buf, r.starts[i] as number, r.ends[i] as number)]);
    }
  };
  const scanner = new CsvScanner(0x2c, onRecord, (p) => seen.problems.push({ ...p }), { ...options, ...(numericFields ? { numericFields } : {}) });
  for (let at = 0; at < data.length; at += chunk) if (!scanner.push(data.subarray(at, at + chunk))) break;
  scanner.end();
  return seen;
}

const TRICKY = Buffer.from(
  '\uFEFFid,x,y,name\r\n' +
    '1,12.5,-0,a\r\n' +
    '\r\n' +
    '2, 12 ,1e5,b\n' +
    '\n' +
    '3,+3,1.,"quoted, with comma"\n' +
    '4,.5,0012.50,"two\nlines"\n' +
    '5,12345678901234567,-,c\n' +
    '6,,abc,ab"c\n' +
    'ragged,row\n' +
    '7,0.1234567890123456789,9007199254740993,"x"tail\n' +
    '8,1e-400,-12.000,d,\n' +
    '9,NaN,3.25,last',
  'utf8',
);

describe('CSV scanner fast path', () => {
  const numeric = Uint8Array.from([1, 1, 1, 0]);

  for (const chunk of [1, 2, 7, 64, 1 << 20]) {
    test(`gives the general path's records and problems (BOM, CRLF, blank lines, quotes, ragged rows) in chunks of ${chunk}`, () => {
      const general = scan(TRICKY, chunk);
      const fast = scan(TRICKY, chunk, numeric);
      assert.deepEqual(fast.records, general.records);
      assert.deepEqual(fast.problems, general.problems);
      assert.ok(fast.fast > 0 || chunk < 16, 'plain lines were read on the fast path');
      for (const [i, parsed, reference] of fast.numbers) {
        if (!Number.isNaN(parsed)) assert.ok(Object.is(parsed, reference), `field ${i}: ${parsed} vs ${reference}`);
      }
    });
  }

  test('takes the fast path only for lines without a quote, and parses plain decimals there', () => {
    const fast = scan(TRICKY, 1 << 20, numeric);
    const lines = fast.records.map((r) => r.line);
    assert.deepEqual(lines, [1, 2, 4, 6, 7, 9, 10, 11, 12, 13, 14]);
    // Lines 6 and 7 (quoted fields), 10 (a quote inside a field), 12 (text after a quote) and 14 (no line end yet
    // when it is read) take the general path.
    assert.equal(fast.fast, 6);
    const parsed = fast.numbers.filter(([, x]) => !Number.isNaN(x)).map(([i, x]) => `${i}=${Object.is(x, -0) ? '-0' : x}`);
    assert.deepEqual(parsed, ['0=1', '1=12.5', '2=-0', '0=2', '0=5', '0=8', '2=-12']);
  });

  test('queues the numbers of records of full width only, and counts the fields it could not parse', () => {
    for (const chunk of [1, 7, 1 << 20]) {
      const queues = { values: new Float64Array(3 * 8), fills: new Int32Array(3), stride: 8 };
      const missed: number[] = [];
      const scanner = new CsvScanner(0x2c, (r) => {
        if (r.parsed && r.count === 4) missed.push(r.missed);
      }, () => {}, { numericFields: numeric, numberQueues: queues });
      for (let at = 0; at < TRICKY.length; at += chunk) scanner.push(TRICKY.subarray(at, at + chunk));
      scanner.end();
      const queued = [0, 1, 2].map((i) => [...queues.values.subarray(i * 8, i * 8 + (queues.fills[i] as number))].map((x) => (Object.is(x, -0) ? '-0' : String(x))));
      // Lines 1 (the header: three words), 2, 4 and 9 are read on the fast path with four fields; line 13
      // ("8,1e-400,-12.000,d,") has five, so its 8 and -12 are taken back.
      assert.deepEqual(queued, [['1', '2', '5'], ['12.5'], ['-0']], `chunks of ${chunk}`);
      if (chunk > 16) assert.deepEqual(missed, [3, 0, 2, 2]);
    }
  });

  test('keeps line numbers and offsets across a part boundary and over-long lines', () => {
    const text = Buffer.from('a,b\n1,2\n333,4\n5,6\n77,8\n');
    const general = scan(text, 3, undefined, { startOffset: 0, stopAt: 14, maxRecordBytes: 5 });
    const fast = scan(text, 3, Uint8Array.from([1, 1]), { startOffset: 0, stopAt: 14, maxRecordBytes: 5 });
    assert.deepEqual(fast.records, general.records);
    assert.deepEqual(fast.problems, general.problems);
    assert.deepEqual(fast.problems.map((p) => p.kind), ['long-record']);
  });

  test('parses random decimals as parseNumberBytes and Number() do', () => {
    const rnd = mulberry32(7);
    const values: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const int = Math.floor(rnd() * 10 ** Math.floor(rnd() * 12)).toString();
      const frac = rnd() < 0.7 ? `.${Math.floor(rnd() * 10 ** Math.floor(1 + rnd() * 8)).toString().padStart(Math.floor(rnd() * 9), '0')}` : '';
      values.push(`${rnd() < 0.3 ? '-' : ''}${rnd() < 0.1 ? '0' : ''}${int}${frac}`);
    }
    const data = Buffer.from(`v\n${values.join('\n')}\n`);
    const fast = scan(data, 4096, Uint8Array.from([1]));
    fast.numbers.shift(); // the header
    assert.equal(fast.numbers.length, values.length);
    fast.numbers.forEach(([, x], k) => {
      const text = values[k] as string;
      const expected = Number(text);
      if (!Number.isNaN(x)) assert.ok(Object.is(x, expected), `${text}: ${x} vs ${expected}`);
    });
    // Up to 15 significant digits are parsed on the fast path; longer ones are left to parseNumberBytes.
    const short = values.filter((v) => v.replace(/^[-0.]+/, '').replace('.', '').length <= 15).length;
    assert.equal(fast.numbers.filter(([, x]) => !Number.isNaN(x)).length, short);
  });

  test('dates and date-times from bytes are the milliseconds Date.UTC gives (leap years, roll-over, zones, years 0–99)', () => {
    const rnd = mulberry32(11);
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    const cases = ['1900-02-29', '2000-02-29', '2024-02-30', '2023-04-31', '0099-12-31', '0100-01-01', '9999-12-31T23:59:60Z', '1969-12-31T23:59:59.999', '2025-01-01T00:00+05:30', '2025-06-15 12:30:45.1234-0800'];
    for (let i = 0; i < 5000; i++) {
      const y = Math.floor(rnd() * 10_000);
      const date = `${pad(y, 4)}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 31), 2)}`;
      cases.push(rnd() < 0.5 ? date : `${date}T${pad(Math.floor(rnd() * 24), 2)}:${pad(Math.floor(rnd() * 60), 2)}:${pad(Math.floor(rnd() * 61), 2)}.${pad(Math.floor(rnd() * 1000), 3)}Z`);
    }
    for (const text of cases) {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|([+-])(\d{2}):?(\d{2}))?$/.exec(text);
      assert.ok(m, text);
      const num = (k: number): number => Number(m[k] ?? 0);
      const ms = Math.round(Number(`0.${m[7] ?? '0'}`) * 1000);
      const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (num(10) * 60 + num(11)) * 60_000 : 0;
      const expected = Date.UTC(num(1), num(2) - 1, num(3), num(4), num(5), num(6), ms) - offset;
      assert.equal(parseIsoDateBytes(Buffer.from(text), 0, text.length), expected, text);
    }
  });

  test('dates of the years whose month starts are kept (1900–2155) and around them, read twice', () => {
    for (let pass = 0; pass < 2; pass++) {
      for (let y = 1898; y <= 2157; y++) {
        for (let m = 1; m <= 12; m++) {
          for (const d of [1, 15, 28, 29, 31]) {
            const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
            assert.equal(parseIsoDateBytes(Buffer.from(text), 0, text.length), Date.UTC(y, m - 1, d), text);
          }
        }
      }
    }
  });
});
