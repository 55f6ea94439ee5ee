// Large CSV files profiled on worker threads give the profile a single pass gives: counts, exact values, frequent
// items and problem lines (absolute, across parts); a quoted newline across a cut falls back to one pass.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Profile } from '../../../src/shared/drift';
import { profileFile } from '../../../src/core/drift/profile';
import { mulberry32 } from '../../../src/core/util/random';
import { withTempDir, writeTemp } from '../formats/helpers';

const script = join(__dirname, 'partWorker.cjs');

function csv(rows: number, seed: number, longQuoteAt?: number): string {
  const rnd = mulberry32(seed);
  const lines = ['id,x,cat,note'];
  for (let i = 0; i < rows; i++) {
    const line = i + 2;
    if (line % 40_000 === 7) {
      lines.push('ragged,row');
      continue;
    }
    const x = line % 50_000 === 11 ? 'oops' : (rnd() * 100).toFixed(3);
    const note = longQuoteAt !== undefined && i === longQuoteAt ? `"a note\nacross lines\n${'z'.repeat(50)}"` : i % 1000 === 0 ? '"with, comma"' : 'plain';
    lines.push(`${i},${x},${['a', 'b', 'c'][i % 3]},${note}`);
  }
  return lines.join('\n') + '\n';
}

function comparable(p: Profile): unknown {
  return {
    rows: p.rows,
    malformed: p.malformedRows,
    problems: p.problems.map((x) => `${x.line}: ${x.message}`),
    columns: p.columns.map((c) => ({
      name: c.name, type: c.type, count: c.count, missing: c.missing, invalid: c.invalid, examples: c.invalidExamples,
      exact: c.numeric?.exact, min: c.numeric?.min, max: c.numeric?.max, mean: c.numeric ? Number(c.numeric.mean.toPrecision(10)) : undefined,
      frequent: c.frequent?.items, distinct: c.distinct.estimate,
    })),
  };
}

describe('parallel CSV profiling', () => {
  test('three threads give what one pass gives, problem lines included', async () => {
    await withTempDir(async (dir) => {
      const path = await writeTemp(dir, 'big.csv', csv(160_000, 1));
      const options = { rowLimit: 1_000_000 };
      const one = await profileFile(path, { options });
      const plans: { parts: number; fallback: boolean }[] = [];
      const three = await profileFile(path, { options, parallel: { script, workers: 3, minBytes: 0, onPlan: (p) => plans.push(p) } });
      assert.deepEqual(comparable(three), comparable(one));
      assert.match(three.problems.map((p) => p.message).join('\n'), /4 rows have a different number of fields than the header's 4 \(lines 7, 40,007, 80,007, 120,007\)/);
      assert.deepEqual(three.columns.find((c) => c.name === 'x')?.invalidExamples?.map((e) => e.line), [11, 50_011, 100_011, 150_011]);
      assert.deepEqual(plans, [{ parts: 3, fallback: false }]);
    });
  });

  test('a quoted newline across a cut: the parts are dropped and the file is read in one pass', async () => {
    await withTempDir(async (dir) => {
      const text = csv(90_000, 2);
      // Put a multi-line quoted field right where the first cut will land (a third of the data).
      const cut = Math.floor(text.length / 3);
      const lineStart = text.lastIndexOf('\n', cut) + 1;
      const spliced = `${text.slice(0, lineStart)}999999,1.0,a,"first line\n${'y'.repeat(20)}\nlast line"\n${text.slice(lineStart)}`;
      const path = await writeTemp(dir, 'quoted.csv', spliced);
      const one = await profileFile(path, { options: { rowLimit: 1_000_000 } });
      const plans: { parts: number; fallback: boolean }[] = [];
      const many = await profileFile(path, { options: { rowLimit: 1_000_000 }, parallel: { script, workers: 3, minBytes: 0, onPlan: (p) => plans.push(p) } });
      assert.deepEqual(plans, [{ parts: 3, fallback: true }]);
      assert.deepEqual(comparable(many), comparable(one));
      assert.ok(one.columns.find((c) => c.name === 'note')?.frequent?.items.some(([v]) => v.startsWith('first line\n')));
    });
  });

  test('CRLF line ends and a BOM: parts cut after a CRLF give what one pass gives', async () => {
    await withTempDir(async (dir) => {
      const text = '\uFEFF' + csv(60_000, 3).replace(/\n/g, '\r\n');
      const path = await writeTemp(dir, 'crlf.csv', text);
      const options = { rowLimit: 1_000_000 };
      const one = await profileFile(path, { options });
      const plans: { parts: number; fallback: boolean }[] = [];
      const two = await profileFile(path, { options, parallel: { script, workers: 2, minBytes: 0, onPlan: (p) => plans.push(p) } });
      assert.deepEqual(plans, [{ parts: 2, fallback: false }]);
      assert.deepEqual(comparable(two), comparable(one));
      assert.equal(one.columns[0]?.name, 'id');
      assert.deepEqual(two.columns.find((c) => c.name === 'x')?.invalidExamples?.map((e) => e.line), [11, 50_011]);
      assert.deepEqual(two.columns.find((c) => c.name === 'note')?.frequent?.items.map(([v]) => v).sort(), ['plain', 'with, comma']);
    });
  });
});
