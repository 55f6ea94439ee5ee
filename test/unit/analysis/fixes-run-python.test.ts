// The Python quick fixes, run: every fallback, confidence and timeout fix the corpus offers is applied, then the fixed
// file is executed under /usr/bin/python3 with its models and inference servers stubbed to fail (test/fixtures/run/
// pyharness.py). The function holding the call must return through its fallback, never raise, never hang.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor } from '../../../src/core/analysis/engine';
import { loadGrammars, parse } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG, type Finding, type RuleId } from '../../../src/core/analysis/types';
import { corpusFiles } from '../../corpusFiles';
import { countUnfixedEscapes, type FixCase, type Mode, PYTHON, runFixedCases, runPython as harness } from '../../fixRuns';

const RULES: RuleId[] = ['no-fallback', 'no-confidence', 'no-timeout'];
/** After a fix, the finding of `rule` in the same function nearest to where the call was (lines move, calls change). */
function refind(src: string, rule: RuleId, target: string, near: number): Finding | undefined {
  const found = analyzeSource(src, 'python', DEFAULT_CONFIG).result.findings.filter((f) => f.rule === rule && targetOf(src, f.range.start.line) === target);
  return found.sort((a, b) => Math.abs(a.range.start.line - near) - Math.abs(b.range.start.line - near))[0];
}

function applyFirst(src: string, f: Finding): string | undefined {
  const fix = fixesFor(f, src, 'python', DEFAULT_CONFIG)[0];
  return fix ? applyEdits(src, fix.edits) : undefined;
}

/** `name`, `Class.method` or `module` for the code holding a line; undefined for nested functions. */
function targetOf(src: string, line: number): string | undefined {
  const tree = parse(src, 'python');
  try {
    const n = tree.rootNode.descendantForPosition({ row: line, column: 0 });
    const chain: string[] = [];
    for (let p: typeof n | null = n; p; p = p.parent) {
      if (p.type === 'function_definition') chain.unshift(`def:${p.childForFieldName('name')?.text ?? ''}`);
      if (p.type === 'class_definition') chain.unshift(`class:${p.childForFieldName('name')?.text ?? ''}`);
    }
    if (chain.length === 0) return 'module';
    if (chain.length === 1 && chain[0]?.startsWith('def:')) return chain[0].slice(4);
    if (chain.length === 2 && chain[0]?.startsWith('class:') && chain[1]?.startsWith('def:')) return `${chain[0].slice(6)}.${chain[1].slice(4)}`;
    return undefined;
  } finally {
    tree.delete();
  }
}

describe('Python quick fixes run on their failure paths', { skip: !existsSync(PYTHON) && `${PYTHON} is missing (apt-get install python3 python3-numpy)` }, () => {
  const cases: FixCase[] = [];
  const skipped: string[] = [];
  let dir: string;

  before(async () => {
    await loadGrammars();
    dir = await mkdtemp(join(tmpdir(), 'mlship-pyfix-'));
    for (const { path, lang } of corpusFiles()) {
      if (lang !== 'python') continue;
      const src = readFileSync(path, 'utf8');
      const { result } = analyzeSource(src, 'python', DEFAULT_CONFIG);
      for (const f of result.findings) {
        if (!RULES.includes(f.rule)) continue;
        const name = `${basename(path)}:${f.range.start.line + 1} ${f.rule}`;
        const first = applyFirst(src, f);
        if (!first) {
          skipped.push(`${name} (no fix offered)`);
          continue;
        }
        let fixed: string = first;
        const target = targetOf(src, f.range.start.line);
        if (!target) {
          skipped.push(`${name} (nested function)`);
          continue;
        }
        // Then every other unguarded call of the same function gets its fallback fix, as "Fix all" would do.
        let ourFallback = f.rule === 'no-fallback';
        for (let round = 0; round < 5; round++) {
          const fb = refind(fixed, 'no-fallback', target, f.range.start.line);
          const next: string | undefined = fb ? applyFirst(fixed, fb) : undefined;
          if (!next || next === fixed) break;
          fixed = next;
          ourFallback = true;
        }
        // A call whose fallback lives in its callers (or is suppressed) is run for what its own fix handles only.
        const modes: Mode[] = f.rule === 'no-confidence' ? (ourFallback ? ['lowconf', 'raise'] : ['lowconf']) : f.rule === 'no-timeout' ? ['timeout'] : ['raise'];
        cases.push({ name, rule: f.rule, target, originalTarget: target, fixed, modes, ourFallback, original: src, ext: '.py' });
      }
    }
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('every fixed function returns through its fallback when the model raises, times out or is unsure', async () => {
    assert.ok(cases.length >= 30, `${cases.length} fixes to run (skipped: ${skipped.join('; ')})`);
    const { failures, runs } = await runFixedCases(cases, dir, harness);
    console.log(`  ${runs} runs of ${cases.length} fixed snippets; not run: ${skipped.length ? skipped.join('; ') : 'none'}`);
    assert.deepEqual(failures, []);
  });

  test('the harness catches the failure: the same functions before their fallback fix raise', async () => {
    const { escaped, total, held } = await countUnfixedEscapes(cases, dir, harness);
    assert.equal(escaped, total, `every unfixed call lets the model's exception out (${escaped}/${total}; held: ${held.join(', ')})`);
  });
});
