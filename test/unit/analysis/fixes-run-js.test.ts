// The JavaScript/TypeScript quick fixes, run: every fallback, confidence and timeout fix the corpus offers is applied,
// then the fixed file runs under node with its packages stubbed to fail (test/fixtures/run/jsharness.mjs). The
// function holding the call must return through its fallback, never throw, never hang.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/analysis/edits';
import { analyzeSource, fixesFor } from '../../../src/core/analysis/engine';
import { loadGrammars, parse } from '../../../src/core/analysis/parser';
import { type AnalysisConfig, DEFAULT_CONFIG, type Finding, type Language, type RuleId } from '../../../src/core/analysis/types';
import { countUnfixedEscapes, type FixCase, type Mode, runFixedCases, runJs as harness } from '../../fixRuns';
import { corpusFiles } from '../../corpusFiles';

const RULES: RuleId[] = ['no-fallback', 'no-confidence', 'no-timeout'];
/**
 * The harness waits out each timeout the fixed code sets; the hosted-model default (30 s) would make every hosted SDK
 * run take that long, so hosted calls get 100 ms here. Model servers keep the default (the latency budget, 50 ms).
 */
const CONFIG: AnalysisConfig = { ...DEFAULT_CONFIG, hostedModelTimeoutMs: 100 };
function apply(src: string, f: Finding, lang: Language): { text: string; title: string } | undefined {
  const fix = fixesFor(f, src, lang, CONFIG)[0];
  return fix ? { text: applyEdits(src, fix.edits), title: fix.title } : undefined;
}

/** Every remaining finding of `rule` in the file fixed, one at a time, as "Fix all" does. */
function fixAll(src: string, lang: Language, rule: RuleId): { text: string; count: number } {
  let text = src;
  let count = 0;
  for (let round = 0; round < 30; round++) {
    const f = analyzeSource(text, lang, CONFIG).result.findings.find((x) => x.rule === rule && fixesFor(x, text, lang, CONFIG).length > 0);
    const next = f ? apply(text, f, lang) : undefined;
    if (!next || next.text === text) break;
    text = next.text;
    count++;
  }
  return { text, count };
}

/** The file's top-level names, exposed to the harness at the end of the module. */
function withScope(src: string, lang: Language): string {
  const tree = parse(src, lang);
  const names = new Set<string>();
  try {
    for (const c of tree.rootNode.namedChildren) {
      const d = c?.type === 'export_statement' ? c.childForFieldName('declaration') : c;
      if (!d) continue;
      if (/^(?:function_declaration|class_declaration|generator_function_declaration|abstract_class_declaration)$/.test(d.type)) {
        const n = d.childForFieldName('name')?.text;
        if (n) names.add(n);
      }
      if (d.type === 'lexical_declaration' || d.type === 'variable_declaration') {
        for (const v of d.namedChildren) {
          const n = v?.type === 'variable_declarator' ? v.childForFieldName('name') : null;
          if (n?.type === 'identifier') names.add(n.text);
        }
      }
    }
  } finally {
    tree.delete();
  }
  const entries = [...names].map((n) => `${n}: typeof ${n} === 'undefined' ? undefined : ${n}`);
  // Components a snippet renders without declaring them (`<ImageDrop …/>`) are stubs.
  const missing = new Set<string>();
  for (const m of src.matchAll(/<([A-Z][\w$]*)[\s/>]/g)) {
    const n = m[1] as string;
    if (!new RegExp(`(?:import|function|class|const|let|var)\\s[^;\\n]*\\b${n}\\b`).test(src)) missing.add(n);
  }
  const head = [...missing].map((n) => `const ${n} = globalThis.__mlshipModule('${n}');`).join('\n');
  return `${head}${head ? '\n' : ''}${src}\n;globalThis.__mlshipScope = { ${entries.join(', ')} };\n`;
}

function extensionFor(path: string, src: string): string {
  if (path.endsWith('.tsx')) return '.tsx';
  if (path.endsWith('.ts')) return '.mts';
  return /^\s*(?:import|export)\s/m.test(src) ? '.mjs' : '.cjs';
}

function sameRange(a: Finding, b: Finding): boolean {
  return a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character && a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;
}

/** The callee of the predict call (`session.run`, `fetch`): what the function holding it contains once compiled. */
function calleeOf(src: string, f: Finding): string {
  const line = src.split('\n')[f.range.start.line] ?? '';
  return /^[\w$.]+/.exec(line.slice(f.range.start.character).replace(/^await\s+/, ''))?.[0] ?? 'module';
}

describe('JavaScript/TypeScript quick fixes run on their failure paths', () => {
  const cases: FixCase[] = [];
  const skipped: string[] = [];
  let dir: string;

  before(async () => {
    await loadGrammars();
    dir = await mkdtemp(join(tmpdir(), 'mlship-jsfix-'));
    for (const { path, lang } of corpusFiles()) {
      if (lang === 'python') continue;
      const src = readFileSync(path, 'utf8');
      const { result } = analyzeSource(src, lang, CONFIG);
      for (const f of result.findings) {
        if (!RULES.includes(f.rule)) continue;
        const name = `${basename(path)}:${f.range.start.line + 1} ${f.rule}`;
        const first = apply(src, f, lang);
        if (!first) {
          skipped.push(`${name} (no fix offered)`);
          continue;
        }
        // Fix all: the file's other timeouts (a call left without one hangs in `timeout` mode), then every fallback.
        const timed = f.rule === 'no-timeout' ? fixAll(first.text, lang, 'no-timeout') : { text: first.text, count: 0 };
        const rest = fixAll(timed.text, lang, 'no-fallback');
        // The call's own fallback fix (when it had none): its function is then found by the fallback it calls.
        const own = f.rule === 'no-fallback' ? f : result.findings.find((x) => x.rule === 'no-fallback' && sameRange(x, f));
        const ownTitle = own ? (fixesFor(own, src, lang, CONFIG)[0]?.title ?? '') : '';
        const ourFallback = own !== undefined;
        const named = /fall back to (\w+)\(\)/.exec(ownTitle)?.[1];
        // Top-level code (a script): its fix wraps statements of the program, and the harness runs the module itself.
        const topLevel = ownTitle === 'Wrap in try/catch with a fallback';
        const marker = named ? `${named}(` : f.rule === 'no-confidence' ? 'CONFIDENCE_THRESHOLD)' : topLevel ? 'module' : calleeOf(src, f);
        const modes: Mode[] = f.rule === 'no-confidence' ? (ourFallback ? ['lowconf', 'raise'] : ['lowconf']) : f.rule === 'no-timeout' ? ['timeout'] : ['raise'];
        cases.push({ name, rule: f.rule, ext: extensionFor(path, src), fixed: withScope(rest.text, lang), target: marker, modes, ourFallback, original: withScope(src, lang), originalTarget: calleeOf(src, f) });
      }
    }
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('every fixed function returns through its fallback when the model throws, hangs or is unsure', async () => {
    assert.ok(cases.length >= 30, `${cases.length} fixes to run (skipped: ${skipped.join('; ')})`);
    const { failures, runs } = await runFixedCases(cases, dir, harness);
    console.log(`  ${runs} runs of ${cases.length} fixed snippets; not run: ${skipped.length ? skipped.join('; ') : 'none'}`);
    assert.deepEqual(failures, []);
  });

  test('the harness catches the failure: the same functions before their fallback fix throw', async () => {
    const { escaped, total, held } = await countUnfixedEscapes(cases, dir, harness);
    assert.equal(escaped, total, `every unfixed call lets the model's error out (${escaped}/${total}; held: ${held.join(', ')})`);
  });
});
