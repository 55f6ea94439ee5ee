// Precision and recall per rule over the committed corpus of realistic snippets (test/corpus). Each expected finding
// is a trailing `# expect: rule …` / `// expect: rule …` comment on the line where the finding starts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeSource } from '../../../src/core/analysis/engine';
import { CORPUS_DIR, corpusFiles } from '../../corpusFiles';
import { loadGrammars } from '../../../src/core/analysis/parser';
import { RULE_IDS } from '../../../src/core/analysis/rules';
import { DEFAULT_CONFIG, type RuleId } from '../../../src/core/analysis/types';

const EXPECT = /(?:#|\/\/)\s*expect:\s*([a-z- ]+)/;

interface Tally {
  tp: number;
  fp: number;
  fn: number;
  misses: string[];
}

describe('diagnostics corpus', () => {
  const files = corpusFiles();
  const tally = Object.fromEntries(RULE_IDS.map((r) => [r, { tp: 0, fp: 0, fn: 0, misses: [] as string[] }])) as Record<RuleId, Tally>;

  before(async () => {
    await loadGrammars();
    for (const { path: file, lang } of files) {
      const source = readFileSync(file, 'utf8');
      const expected = new Set<string>();
      source.split('\n').forEach((line, i) => {
        const m = EXPECT.exec(line);
        for (const r of m?.[1]?.trim().split(/\s+/) ?? []) {
          assert.ok(RULE_IDS.includes(r as RuleId), `${relative(CORPUS_DIR, file)}:${i + 1}: unknown rule '${r}' in expect comment`);
          expected.add(`${i}:${r}`);
        }
      });
      const { result } = analyzeSource(source, lang, DEFAULT_CONFIG);
      const actual = new Set(result.findings.map((f) => `${f.range.start.line}:${f.rule}`));
      const where = (key: string) => `${relative(CORPUS_DIR, file)}:${Number(key.split(':')[0]) + 1}`;
      for (const key of actual) {
        const rule = key.split(':')[1] as RuleId;
        if (expected.has(key)) tally[rule].tp++;
        else {
          tally[rule].fp++;
          tally[rule].misses.push(`false positive at ${where(key)}`);
        }
      }
      for (const key of expected) {
        if (actual.has(key)) continue;
        const rule = key.split(':')[1] as RuleId;
        tally[rule].fn++;
        tally[rule].misses.push(`missed at ${where(key)}`);
      }
    }
  });

  test('has at least 60 snippets across Python, TypeScript, TSX and JavaScript', () => {
    assert.ok(files.length >= 60, `${files.length} snippets`);
    for (const ext of ['.py', '.ts', '.tsx', '.js']) assert.ok(files.some((f) => f.path.endsWith(ext)), `a ${ext} snippet`);
  });

  for (const rule of RULE_IDS) {
    test(`${rule}: precision and recall ≥ 0.95`, () => {
      const t = tally[rule];
      const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
      const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
      console.log(`  ${rule}: precision ${precision.toFixed(3)} recall ${recall.toFixed(3)} (tp ${t.tp}, fp ${t.fp}, fn ${t.fn})`);
      assert.ok(t.tp + t.fn >= 3, `${rule}: the corpus has at least 3 expected findings (has ${t.tp + t.fn})`);
      if (t.misses.length > 0) console.log(t.misses.map((m) => `    ${m}`).join('\n'));
      assert.ok(precision >= 0.95 && recall >= 0.95, `${rule}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n${t.misses.join('\n')}`);
    });
  }
});
