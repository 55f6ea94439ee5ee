// The JavaScript/TypeScript analyzer's shortcuts give the same answers as doing everything: the text pre-scan
// (files with no candidate are not analyzed), copying only the top-level statements that matter, and reusing the
// previous analysis after an edit (the language server passes the old tree).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { Tree } from 'web-tree-sitter';
import { generateSource } from '../../../bench/analysis';
import { analyzeSource, needsAnalysis } from '../../../src/core/analysis/engine';
import { runAnalysis, type Snapshot } from '../../../src/core/analysis/js/analyzer';
import { isRoot, type NameIndex, nameIndex, sameSelection, selectStatements } from '../../../src/core/analysis/js/prescan';
import { type Ast, buildAst, editedLineStarts, FUNCTION_TYPES, type JNode, lineStartsOf, setWalk, walkOf, type WalkKind } from '../../../src/core/analysis/js/ast';
import { type LayoutChecks, MemoryWalk, memoryWalkOf, walkRecord } from '../../../src/core/analysis/treeMemory';
import { changedRanges, loadGrammars, parse, treeSitterCursorModule, treeSitterMemory } from '../../../src/core/analysis/parser';
import { DEFAULT_CONFIG, type Language, type WorkspaceResolver } from '../../../src/core/analysis/types';
import { mulberry32 } from '../../../src/core/util/random';
import { corpusFiles } from '../../corpusFiles';
import { editTree, position, treeText } from './editTree';

/** Analyses that keep what the reanalysis after the next edit reuses, as the language server asks for. */
const KEEP = { keepForEdits: true };

const same = (a: { calls: unknown[]; findings: unknown[] } | undefined, b: { calls: unknown[]; findings: unknown[] } | undefined): boolean =>
  JSON.stringify({ c: a?.calls ?? [], f: a?.findings ?? [] }) === JSON.stringify({ c: b?.calls ?? [], f: b?.findings ?? [] });

/**
 * Edits `tree` (the parse of `text`) into `next`, reparses it incrementally (the old tree is deleted) and analyzes the
 * new tree selectively twice: reusing `previous`, and afresh. The caller deletes the returned tree.
 */
function reanalyzed(tree: Tree, text: string, next: string, previous: Snapshot | undefined) {
  editTree(tree, text, next);
  const nextTree = parse(next, 'typescript', tree);
  tree.delete();
  const incremental = runAnalysis(nextTree, next, DEFAULT_CONFIG, { selective: true, ...(previous ? { previous } : {}) });
  const fresh = runAnalysis(nextTree, next, DEFAULT_CONFIG, { selective: true });
  return { tree: nextTree, incremental, fresh };
}

type Rng = () => number;
const IMPORT_LINE_RE = /^import\b.*$/gm;

/**
 * One random edit of the kinds an editor makes: insert or delete a line, rename an imported binding (in the import
 * only, or everywhere), edit an import (module or names), or break the syntax (the next edit repairs it).
 */
function randomEdit(rng: Rng, text: string): { next: string; kind: string; breaks: boolean } {
  const lines = text.split('\n');
  const row = Math.floor(rng() * lines.length);
  const r = rng();
  const imports = [...text.matchAll(IMPORT_LINE_RE)];
  if (r < 0.2) return { next: [...lines.slice(0, row), lines[Math.floor(rng() * lines.length)] ?? '', ...lines.slice(row)].join('\n'), kind: 'insert line', breaks: false };
  if (r < 0.4) return { next: [...lines.slice(0, row), ...lines.slice(row + 1)].join('\n'), kind: 'delete line', breaks: false };
  if (r < 0.65 && imports.length > 0) {
    const imp = imports[Math.floor(rng() * imports.length)] as RegExpMatchArray;
    const names = [...(/^import\s+(?:type\s+)?([^'"]*?)\s+from/.exec(imp[0])?.[1] ?? '').matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0]).filter((n) => !['as', 'type'].includes(n));
    const at = imp.index ?? 0;
    const q = rng();
    if (names.length > 0 && q < 0.6) {
      const name = names[Math.floor(rng() * names.length)] as string;
      const renamed = `${name}Renamed`;
      const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
      // Only in the import (its users now name nothing), or everywhere (a rename refactoring).
      if (q < 0.3) return { next: text.slice(0, at) + imp[0].replace(re, renamed) + text.slice(at + imp[0].length), kind: `rename ${name} in its import`, breaks: false };
      return { next: text.replace(re, renamed), kind: `rename ${name} everywhere`, breaks: false };
    }
    // Another module, or one more imported name.
    const edited = q < 0.8 ? imp[0].replace(/(['"])([^'"]+)\1/, (_m, quote: string, mod: string) => `${quote}${mod}-next${quote}`) : imp[0].replace(/\{/, '{ extraName, ');
    return { next: text.slice(0, at) + edited + text.slice(at + imp[0].length), kind: 'edit an import', breaks: false };
  }
  const at = Math.floor(rng() * text.length);
  const junk = ['(', '{', '}', 'const ', '=> ', '"', '/*'][Math.floor(rng() * 7)] as string;
  return { next: text.slice(0, at) + junk + text.slice(at), kind: `break with ${JSON.stringify(junk)}`, breaks: true };
}

const STRING_RE = /'[^'\n]*'|"[^"\n]*"|`[^`]*`/g;
const COMMENT_RE = /\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
const DECLARED_RE = /\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g;

/** A random element of a non-empty list. */
/**
 * A one-line edit as the benchmark makes them: rename a name on a random non-blank line (`name_v{e}`), or type a space
 * or `#` at its end. `tree` is edited to match; the new text and where the edit landed are returned.
 */
function benchmarkEdit(rng: Rng, text: string, e: number, tree: Tree): { next: string; row: number; column: number; inserted: string } {
  const lines = text.split('\n');
  let row = Math.floor(rng() * (lines.length - 1));
  while (!(lines[row] ?? '').trim()) row = (row + 1) % (lines.length - 1);
  const line = lines[row] ?? '';
  const ids = [...line.matchAll(/[A-Za-z_]\w*/g)];
  const m = ids.length > 0 ? ids[Math.floor(rng() * ids.length)] : undefined;
  const [column, removed, inserted] = m && rng() < 0.6 ? [m.index, m[0].length, `${m[0]}_v${e}`] : [line.length, 0, rng() < 0.5 ? ' ' : '#'];
  const at = lines.slice(0, row).reduce((s, l) => s + l.length + 1, 0) + column;
  const next = text.slice(0, at) + inserted + text.slice(at + removed);
  tree.edit({ startIndex: at, oldEndIndex: at + removed, newEndIndex: at + inserted.length, startPosition: { row, column }, oldEndPosition: { row, column: column + removed }, newEndPosition: { row, column: column + inserted.length } });
  return { next, row, column, inserted };
}

function pickOf<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)] as T;
}

/**
 * One random edit inside the text's strings, template literals or comments (a character, a placeholder `${x}`, a
 * quote or a comment end that breaks them), or a rename of a declared binding (everywhere, or only where it is
 * declared so that its users name nothing).
 */
function randomInnerEdit(rng: Rng, text: string): { next: string; kind: string; breaks: boolean } {
  const r = rng();
  const at = (m: RegExpMatchArray): number => m.index ?? 0;
  const insertAt = (i: number, s: string): string => text.slice(0, i) + s + text.slice(i);
  if (r < 0.35) {
    const strings = [...text.matchAll(STRING_RE)].filter((m) => m[0].length >= 2);
    if (strings.length > 0) {
      const m = pickOf(rng, strings);
      const inside = at(m) + 1 + Math.floor(rng() * (m[0].length - 1));
      const ins = pickOf(rng, ['x', '/v2/models/', ' ', m[0].startsWith('`') ? '${x}' : '%', m[0][0] as string]);
      return { next: insertAt(inside, ins), kind: `${JSON.stringify(ins)} in a string`, breaks: ins === m[0][0] };
    }
  }
  if (r < 0.6) {
    const comments = [...text.matchAll(COMMENT_RE)];
    if (comments.length > 0) {
      const m = pickOf(rng, comments);
      const inside = at(m) + 2 + Math.floor(rng() * Math.max(1, m[0].length - 3));
      const ins = pickOf(rng, [' note', ' fetch(url) ', ' predict ', '*/', '\n']);
      return { next: insertAt(Math.min(inside, at(m) + m[0].length), ins), kind: `${JSON.stringify(ins)} in a comment`, breaks: ins === '*/' || ins === '\n' };
    }
  }
  const declared = [...new Set([...text.matchAll(DECLARED_RE)].map((m) => m[1] as string))];
  if (declared.length === 0) return { next: `${text}\n`, kind: 'newline at the end', breaks: false };
  const name = pickOf(rng, declared);
  const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  if (rng() < 0.5) return { next: text.replace(re, `${name}Renamed`), kind: `rename ${name} everywhere`, breaks: false };
  const decl = [...text.matchAll(DECLARED_RE)].find((m) => m[1] === name) as RegExpMatchArray;
  const nameAt = at(decl) + decl[0].length - name.length;
  return { next: `${text.slice(0, nameAt)}${name}Renamed${text.slice(nameAt + name.length)}`, kind: `rename ${name} where it is declared`, breaks: true };
}

/**
 * One random change of white space: a space, tab or line break typed, or one deleted, anywhere (between tokens, inside
 * a name, in strings, template literals, regexes and comments, where a line break ends a statement).
 */
function randomLayoutEdit(rng: Rng, text: string): { next: string; kind: string; breaks: boolean } {
  const spaces = [...text.matchAll(/\s/g)];
  if (rng() < 0.3 && spaces.length > 0) {
    const m = pickOf(rng, spaces);
    const at = m.index ?? 0;
    return { next: text.slice(0, at) + text.slice(at + 1), kind: `${JSON.stringify(m[0])} deleted`, breaks: false };
  }
  const at = Math.floor(rng() * text.length);
  const ins = pickOf(rng, [' ', '  ', '\n', '\t', ' \n']);
  return { next: text.slice(0, at) + ins + text.slice(at), kind: `${JSON.stringify(ins)} typed`, breaks: false };
}

const CLASS_RE = /^(?:export\s+)?class\s+[\w$]+[^{\n]*\{\n([\s\S]*?)\n\}\n/gm;

/**
 * One random edit inside the body of a class: a name renamed (a method's, a field's or any other), a line of the body
 * deleted or repeated, a space or a `#` typed at a line end (which the next edit undoes).
 */
function randomClassEdit(rng: Rng, text: string): { next: string; kind: string; breaks: boolean } {
  const classes = [...text.matchAll(CLASS_RE)];
  if (classes.length === 0) return { next: `${text}\n`, kind: 'newline at the end', breaks: false };
  const c = pickOf(rng, classes);
  const bodyStart = (c.index ?? 0) + c[0].length - (c[1] as string).length - 3;
  const lines = (c[1] as string).split('\n');
  const row = Math.floor(rng() * lines.length);
  const lineStart = bodyStart + lines.slice(0, row).reduce((n, l) => n + l.length + 1, 0);
  const line = lines[row] as string;
  const r = rng();
  const ids = [...line.matchAll(/[A-Za-z_$][\w$]*/g)];
  if (r < 0.45 && ids.length > 0) {
    const m = pickOf(rng, ids);
    const at = lineStart + (m.index ?? 0);
    return { next: `${text.slice(0, at)}${m[0]}_x${text.slice(at + m[0].length)}`, kind: `${m[0]} renamed in a class`, breaks: true };
  }
  if (r < 0.6) return { next: text.slice(0, lineStart) + text.slice(lineStart + line.length + 1), kind: 'class line deleted', breaks: true };
  if (r < 0.75) return { next: `${text.slice(0, lineStart)}${pickOf(rng, lines)}\n${text.slice(lineStart)}`, kind: 'class line repeated', breaks: true };
  const end = lineStart + line.length;
  const ins = rng() < 0.5 ? ' ' : '#';
  return { next: text.slice(0, end) + ins + text.slice(end), kind: `${JSON.stringify(ins)} typed in a class`, breaks: true };
}

describe('JS/TS analysis shortcuts', () => {
  let sources: { name: string; text: string; lang: Language }[];

  before(async () => {
    await loadGrammars();
    sources = corpusFiles()
      .filter((f) => f.lang !== 'python')
      .map((f) => ({ name: f.path, text: readFileSync(f.path, 'utf8'), lang: f.lang }));
    sources.push({ name: 'generated 1', text: generateSource('typescript', 1500, 21), lang: 'typescript' });
    sources.push({ name: 'generated 2', text: generateSource('typescript', 1500, 22), lang: 'typescript' });
  });

  test('the copy keeps document order, subtree ranges and enclosing functions', () => {
    for (const { text, lang } of sources.slice(0, 20)) {
      const ast = buildAst(parse(text, lang), text);
      ast.nodes.forEach((n, i) => {
        assert.equal(n.idx, i);
        let fn: JNode | null = null;
        for (let p = n.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) {
          fn = p;
          break;
        }
        assert.equal(n.fn, fn);
        for (const c of n.children) assert.ok(c.idx > n.idx && c.last <= n.last);
      });
    }
  });

  test('line starts carried over an edit (line breaks typed, deleted, replaced, at either end) equal those of the new text', () => {
    const rng = mulberry32(41);
    const pieces = ['', 'a', '\n', '\n\n', 'x\ny', '\r\n', 'abc\n', '\nabc'];
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: Math.floor(rng() * 12) }, () => pieces[Math.floor(rng() * pieces.length)]).join('');
      const start = Math.floor(rng() * (text.length + 1));
      const oldEnd = start + Math.floor(rng() * (text.length - start + 1));
      const inserted = pieces[Math.floor(rng() * pieces.length)] as string;
      const next = text.slice(0, start) + inserted + text.slice(oldEnd);
      const edit = { start, oldEnd, newEnd: start + inserted.length };
      assert.deepEqual(editedLineStarts(lineStartsOf(text), next, edit), lineStartsOf(next), JSON.stringify({ text, edit, inserted }));
    }
  });

  test('the walks from wasm memory and through the cursor functions copy the same tree as TreeCursor, also with syntax errors and left-out statements', () => {
    assert.ok(treeSitterCursorModule(), 'web-tree-sitter no longer exposes its cursor functions: the copy falls back to TreeCursor (slower)');
    const rng = mulberry32(17);
    const flat = (ast: Ast): string[] =>
      ast.nodes.map((n) => [n.type, n.named, n.field, n.start, n.end, n.idx, n.last, ast.skipped.has(n), n.name, n.children.map((c) => c.idx).join(' '), n.parent?.idx, n.fn?.idx].join(','));
    const record = (tree: Tree, kind: WalkKind): number[] => {
      setWalk(kind);
      const w = walkOf(tree);
      try {
        if (kind === 'memory') assert.ok(w instanceof MemoryWalk, `no memory walk for ${tree.language.name}: its layout was not confirmed (web-tree-sitter changed?)`);
        return walkRecord(w);
      } finally {
        w.delete();
      }
    };
    let compared = 0;
    let tokens = 0;
    const languages = new Set<string>();
    for (const { name, text: clean, lang } of sources) {
      // The text as it is, and broken in two places (ERROR and MISSING nodes).
      for (const text of [clean, ...[0, 1].map(() => {
        const at = Math.floor(rng() * clean.length);
        return clean.slice(0, at) + (['(', '{', '}', 'const ', '"'][Math.floor(rng() * 5)] as string) + clean.slice(at);
      })]) {
        const tree = parse(text, lang);
        const keep = rng() < 0.5 ? undefined : (_type: string, start: number) => start % 3 !== 0;
        try {
          // Every node, punctuation included (the copy leaves that out): type, field, offsets, depth.
          const viaCursor = record(tree, 'cursor');
          assert.deepEqual(record(tree, 'direct'), viaCursor, name);
          assert.deepEqual(record(tree, 'memory'), viaCursor, name);
          tokens += viaCursor.length / 5;
          languages.add(lang);
          setWalk('cursor');
          const copied = flat(buildAst(tree, text, keep));
          for (const kind of ['direct', 'memory'] as const) {
            setWalk(kind);
            assert.deepEqual(flat(buildAst(tree, text, keep)), copied, `${name} (${kind})`);
          }
          compared += copied.length;
        } finally {
          setWalk('memory');
          tree.delete();
        }
      }
    }
    assert.deepEqual([...languages].sort(), ['javascript', 'tsx', 'typescript']);
    assert.ok(compared > 10_000 && tokens > compared, `nodes compared: ${compared} copied, ${tokens} walked`);
  });

  test('a language whose sample walks differently from memory, or whose tables do not read as web-tree-sitter describes them, keeps the cursor walk', () => {
    const m = treeSitterMemory();
    assert.ok(m, 'web-tree-sitter no longer exposes its heap views');
    const tree = parse('const a = f(b);\n', 'typescript');
    const sample = (): Tree => parse('let x = { y: 1 };\n', 'typescript');
    const viaCursor = (t: Tree): number[] => {
      setWalk('direct');
      const w = walkOf(t);
      try {
        return walkRecord(w);
      } finally {
        w.delete();
        setWalk('memory');
      }
    };
    try {
      const agree: LayoutChecks = new WeakMap();
      assert.ok(memoryWalkOf(m, tree, sample, viaCursor, agree) instanceof MemoryWalk);
      // A walk that disagrees by one offset: rejected, and remembered (the sample is not walked again).
      const disagree: LayoutChecks = new WeakMap();
      let samples = 0;
      const off = (t: Tree): number[] => viaCursor(t).map((v, i) => (i === 2 ? v + 1 : v));
      const counted = (): Tree => (samples++, sample());
      assert.equal(memoryWalkOf(m, tree, counted, off, disagree), undefined);
      assert.equal(memoryWalkOf(m, tree, counted, viaCursor, disagree), undefined);
      assert.equal(samples, 1);
      // Heap views that do not hold the language's tables (all zeros): rejected before any sample is walked.
      const blank = { HEAPU8: new Uint8Array(m.HEAPU8.length), HEAPU16: new Uint16Array(m.HEAPU16.length), HEAPU32: new Uint32Array(m.HEAPU32.length) };
      assert.equal(memoryWalkOf(blank, tree, counted, viaCursor, new WeakMap()), undefined);
      assert.equal(samples, 1);
    } finally {
      tree.delete();
    }
  });

  test('a first analysis kept for the next edit copies every statement and gives the same calls and findings; the selection it keeps for the edits leaves statements out', () => {
    let left = 0;
    for (const { name, text, lang } of sources) {
      const tree = parse(text, lang);
      const full = runAnalysis(tree, text, DEFAULT_CONFIG, {});
      const selective = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true });
      assert.equal(selective?.ast.skipped.size ?? 0, 0, name);
      assert.ok(same(full, selective), name);
      const snapshot = selective?.snapshot;
      if (snapshot) left += snapshot.statements.length - [...snapshot.kept].length;
      tree.delete();
    }
    assert.ok(left > 20, `statements the selection leaves out: ${left}`);
  });

  test('the pre-scan: no candidate, no analysis', () => {
    const plain = "export function total(items) {\n  return items.reduce((s, x) => s + x.price, 0);\n}\n";
    assert.equal(needsAnalysis(plain, 'javascript', DEFAULT_CONFIG), false);
    const { result, tree } = analyzeSource(plain, 'javascript', DEFAULT_CONFIG);
    tree.delete();
    assert.deepEqual(result, { language: 'javascript', calls: [], findings: [] });
    assert.equal(needsAnalysis("const r = await fetch('/predict');", 'typescript', DEFAULT_CONFIG), true);
    assert.equal(needsAnalysis('// TODO(mlship: fallback-stub): placeholder\n', 'javascript', DEFAULT_CONFIG), true, 'a generated stub is reported from the text');
    assert.equal(needsAnalysis('const x = scoring.scoreBatch(rows);', 'javascript', { ...DEFAULT_CONFIG, predictPatterns: [{ callee: 'scoring.scoreBatch', kind: 'local' }] }), true);
    // A name imported from a workspace module may hold a client (only followed when a resolver can look it up).
    const imported = "import { mlClient } from '../lib/httpClient';\nexport const ask = (q) => mlClient.post('/v1/chat', { q });\n";
    const resolver: WorkspaceResolver = { lookup: () => undefined };
    assert.equal(needsAnalysis(imported, 'javascript', DEFAULT_CONFIG), false);
    assert.equal(needsAnalysis(imported, 'javascript', DEFAULT_CONFIG, { path: '/w/src/a.js', resolver }), true);
  });

  test('reanalysis after edits (with the old tree) equals a fresh analysis', () => {
    const rng = mulberry32(7);
    let compared = 0;
    for (const { name, text: original, lang } of sources.filter((s) => s.name.startsWith('generated') || /argmax|untraced|openai|tfjs-detector/.test(s.name))) {
      let text = original;
      let tree: Tree = analyzeSource(text, lang, DEFAULT_CONFIG, undefined, KEEP).tree;
      for (let e = 0; e < 25; e++) {
        const at = Math.floor(rng() * text.length);
        const r = rng();
        const [del, ins] = r < 0.35 ? [0, ' '] : r < 0.5 ? [1, ''] : r < 0.65 ? [0, '\n'] : r < 0.8 ? [0, 'x'] : [0, `${text.split('\n')[Math.floor(rng() * 40)] ?? ''}\n`];
        const next = text.slice(0, at) + ins + text.slice(at + del);
        tree.edit({ startIndex: at, oldEndIndex: at + del, newEndIndex: at + ins.length, startPosition: position(text, at), oldEndPosition: position(text, at + del), newEndPosition: position(next, at + ins.length) });
        const incremental = analyzeSource(next, lang, DEFAULT_CONFIG, tree, KEEP);
        const fresh = analyzeSource(next, lang, DEFAULT_CONFIG);
        // The incremental reparse gives the tree of a fresh parse (see parse), and the analysis the same results.
        assert.equal(treeText(incremental.tree), treeText(fresh.tree), `${name}, edit ${e}: ${JSON.stringify(ins)} at ${at}: tree`);
        compared++;
        assert.ok(same(incremental.result, fresh.result), `${name}, edit ${e}: ${JSON.stringify(ins)} at ${at}`);
        fresh.tree.delete();
        tree.delete();
        tree = incremental.tree;
        text = next;
      }
      tree.delete();
    }
    assert.ok(compared > 100, `${compared} edits compared`);
  });

  test('one-line edits as the benchmark makes them (rename a name, type at a line end): reanalysis equals a fresh analysis, TypeScript and Python', () => {
    for (const [lang, seed] of [['typescript', 31], ['python', 32]] as const) {
      const rng = mulberry32(seed);
      let text = generateSource(lang, 2000, seed);
      let tree: Tree = analyzeSource(text, lang, DEFAULT_CONFIG, undefined, KEEP).tree;
      let compared = 0;
      let withFindings = 0;
      for (let e = 0; e < 40; e++) {
        const { next, row, column, inserted } = benchmarkEdit(rng, text, e, tree);
        const incremental = analyzeSource(next, lang, DEFAULT_CONFIG, tree, KEEP);
        const fresh = analyzeSource(next, lang, DEFAULT_CONFIG);
        // The incremental reparse gives the tree of a fresh parse (see parse), and the analysis the same results.
        assert.equal(treeText(incremental.tree), treeText(fresh.tree), `${lang}, edit ${e}: ${JSON.stringify(inserted)} at ${row + 1}:${column + 1}: tree`);
        compared++;
        if (fresh.result.findings.length > 0) withFindings++;
        assert.ok(same(incremental.result, fresh.result), `${lang}, edit ${e}: ${JSON.stringify(inserted)} at ${row + 1}:${column + 1}`);
        fresh.tree.delete();
        tree.delete();
        tree = incremental.tree;
        text = next;
      }
      tree.delete();
      assert.ok(compared >= 30 && withFindings === compared, `${lang}: ${compared} edits compared, ${withFindings} with findings`);
    }
  });

  test('one-line edits piled up (never undone, syntax errors left in place): each incremental reparse and reanalysis equals a fresh parse and analysis of the text', () => {
    // The benchmark's 2,000-line TypeScript file and its edit sequence: its fifth edit turns `try {` into `try_v4 {`,
    // where tree-sitter's incremental reparse alone read the following `catch (err)` differently from a fresh parse.
    const rng = mulberry32(6);
    let text = generateSource('typescript', 2000, 5);
    let tree: Tree = analyzeSource(text, 'typescript', DEFAULT_CONFIG, undefined, KEEP).tree;
    let broken = 0;
    for (let e = 0; e < 24; e++) {
      const { next, row, column, inserted } = benchmarkEdit(rng, text, e, tree);
      const incremental = analyzeSource(next, 'typescript', DEFAULT_CONFIG, tree, KEEP);
      const fresh = analyzeSource(next, 'typescript', DEFAULT_CONFIG);
      const where = `edit ${e}: ${JSON.stringify(inserted)} at ${row + 1}:${column + 1}`;
      try {
        if (fresh.tree.rootNode.hasError) broken++;
        assert.deepEqual(incremental.result, fresh.result, `analysis after ${where}`);
        assert.equal(treeText(incremental.tree), treeText(fresh.tree), `tree after ${where}`);
      } finally {
        fresh.tree.delete();
        tree.delete();
        tree = incremental.tree;
      }
      text = next;
    }
    tree.delete();
    // Most of the edits, not a count tied to the generated text (built from the corpus, which grows).
    assert.ok(broken >= 16, `${broken} of 24 edits left a syntax error in the text`);
  });
  test('top-level code whose checks read the facts of the whole program: keeping what the next edit reuses gives the one-shot analysis', () => {
    // Code a syntax error left outside its function: the fetch is the program's own code, and so is the `return` of
    // unrelated values after it, which the pre-scan's selection (by names) left out of the copy.
    const text = [
      "  const res = await fetch(`${BASE_URL}/v1/models/spam:predict`, {",
      '  });',
      '  return rows',
      '    .map((r) => ({ ...r, values: r.values.map((v) => v / 34.5), tags: (r.tags ?? []).map((t) => t.toLowerCase()) }));',
      "    success: (res) => $('#tags').text(res.tags.map((t) => `${t.name} ${Math.round(t.confidence * 100)}%`).join(', ')),",
      '',
    ].join('\n');
    const kept = analyzeSource(text, 'typescript', DEFAULT_CONFIG, undefined, KEEP);
    const once = analyzeSource(text, 'typescript', DEFAULT_CONFIG);
    try {
      assert.ok(kept.result.calls.length > 0);
      assert.deepEqual(kept.result, once.result);
    } finally {
      kept.tree.delete();
      once.tree.delete();
    }
  });
  test('a suppression comment removed or added above an unchanged top-level call: the reanalysis reports the call as a fresh analysis does', () => {
    const header = "import * as ort from 'onnxruntime-node';\nconst s = await ort.InferenceSession.create('m.onnx');\nexport const x = new Float32Array(4);\n";
    const call = 'const out = await s.run({ x });\nexport default out;\n';
    const texts = [`${header}// mlship-ignore no-fallback\n${call}`, `${header}// nothing to ignore\n${call}`, `${header}// mlship-ignore\n${call}`, `${header}// nothing to ignore\n${call}`];
    let text = texts[0] as string;
    let tree: Tree = analyzeSource(text, 'typescript', DEFAULT_CONFIG, undefined, KEEP).tree;
    for (const next of texts.slice(1)) {
      editTree(tree, text, next);
      const incremental = analyzeSource(next, 'typescript', DEFAULT_CONFIG, tree, KEEP);
      const fresh = analyzeSource(next, 'typescript', DEFAULT_CONFIG);
      assert.deepEqual(incremental.result, fresh.result, next);
      fresh.tree.delete();
      tree.delete();
      tree = incremental.tree;
      text = next;
    }
    tree.delete();
  });

  test('a name declared in a block at the top level (as a broken brace leaves it) is found after an edit of a function that uses it', () => {
    const text = "import * as ort from 'onnxruntime-node';\n{\n  console.log('loading');\n  const scorer = await ort.InferenceSession.create('m.onnx');\n}\nexport async function score(x) {\n  const out = await scorer.run({ x });\n  return out;\n}\n";
    const next = text.replace('return out;', 'return  out;');
    const first = analyzeSource(text, 'typescript', DEFAULT_CONFIG, undefined, KEEP);
    editTree(first.tree, text, next);
    const incremental = analyzeSource(next, 'typescript', DEFAULT_CONFIG, first.tree, KEEP);
    const fresh = analyzeSource(next, 'typescript', DEFAULT_CONFIG);
    assert.equal(fresh.result.calls.length, 1);
    assert.deepEqual(incremental.result, fresh.result);
    for (const t of [first.tree, incremental.tree, fresh.tree]) t.delete();
  });

  test('edits of top-level code copy only what they reach, and the whole selection when a check reads the facts of the whole program: both equal a fresh analysis', () => {
    // A top-level handler (its calls are checked in its own function), and a top-level prediction whose trace check
    // reads the whole program (a version recorded far below, in a statement the edited one does not reach by name).
    const head = "import * as ort from 'onnxruntime-node';\nimport express from 'express';\nconst app = express();\nconst session = await ort.InferenceSession.create('m.onnx');\n";
    const handler = "app.post('/score', async (req, res) => {\n  try {\n    const out = await session.run({ x: req.body.x });\n    res.json({ score: out.y.data[0] });\n  } catch {\n    res.json({ score: null });\n  }\n});\n";
    const top = 'const result = await session.run({ x: new Float32Array(4) });\nparentPort.postMessage(result);\n';
    const filler = Array.from({ length: 30 }, (_, i) => `export function helper${i}(a) {\n  return a + ${i};\n}\n`).join('');
    const recorder = "console.log({ modelVersion: 'v3', ready: Boolean(session) });\n";
    const texts = [
      `${head}${handler}${top}${filler}${recorder}`,
      `${head}${handler.replace('res.json({ score: out', 'res.json({ scored: out')}${top}${filler}${recorder}`,
      `${head}${handler.replace('res.json({ score: out', 'res.json({ scored: out')}${top.replace('(4)', '(8)')}${filler}${recorder}`,
      // Meaning changes: the version recorder goes, then the handler loses its try.
      `${head}${handler}${top.replace('(4)', '(8)')}${filler}console.log({ ready: Boolean(session) });\n`,
      `${head}${handler.replace('  try {\n', '  {\n').replace('  } catch {\n    res.json({ score: null });\n  }\n', '  }\n')}${top}${filler}console.log({ ready: Boolean(session) });\n`,
    ];
    let text = texts[0] as string;
    let tree: Tree = parse(text, 'typescript');
    let snap: Snapshot | undefined = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    const readers: number[] = [];
    for (const next of texts.slice(1)) {
      const { incremental, fresh, ...after } = reanalyzed(tree, text, next, snap);
      tree = after.tree;
      assert.ok(same(incremental, fresh), next);
      assert.deepEqual(JSON.stringify(incremental?.findings), JSON.stringify(fresh?.findings));
      readers.push(incremental?.snapshot?.programReaders.size ?? 0);
      snap = incremental?.snapshot;
      text = next;
    }
    tree.delete();
    assert.ok(readers.every((n) => n > 0), `statements reading the whole program: ${readers.join(' ')}`);
  });

  test('a default timeout set in a statement no call reaches by name ($.ajaxSetup, axios.defaults): the selection, a one-shot and a reanalysis after an edit read it as the whole file does', () => {
    const filler = Array.from({ length: 30 }, (_, i) => `export function helper${i}(a) {\n  return a + ${i};\n}\n`).join('');
    const cases = [
      { setup: '$.ajaxSetup({ timeout: 3000 });\n', unset: '$.ajaxSetup({ cache: false });\n', call: "const data = await $.post('/predict', { x });" },
      { setup: "import axios from 'axios';\naxios.defaults.timeout = 3000;\n", unset: "import axios from 'axios';\naxios.defaults.baseURL = '/api';\n", call: "const { data } = await axios.post('/predict', { x });" },
    ];
    const score = (call: string, k: string): string =>
      `export async function score(x) {\n  try {\n    ${call}\n    return { label: data.label, score: data.score${k} };\n  } catch {\n    return { label: null, score: 0 };\n  }\n}\n`;
    for (const { setup, unset, call } of cases) {
      for (const [head, timeout] of [[setup, 'pass'], [unset, 'fail']] as const) {
        const text = `${head}${filler}${score(call, '')}`;
        const next = `${head}${filler}${score(call, ' ')}`;
        const tree = parse(text, 'typescript');
        const whole = runAnalysis(tree, text, DEFAULT_CONFIG);
        const selected = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true });
        const oneShot = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true, oneShot: true });
        assert.equal(whole?.calls[0]?.checks.timeout, timeout, `${head}: the whole file`);
        assert.ok(same(selected, whole) && same(oneShot, whole), `${head}: the selection reads what the whole file says`);
        const { incremental, fresh, tree: edited } = reanalyzed(tree, text, next, selected?.snapshot);
        edited.delete();
        assert.equal(fresh?.calls[0]?.checks.timeout, timeout);
        assert.ok(same(incremental, fresh), `${head}: after an edit of the scoring function`);
      }
    }
  });

  test('a statement copied for a file-wide fact it holds (a response read as bytes) is copied alone after an edit elsewhere, not with what its names lead to', () => {
    // The download reads helpers only it uses; the edit changes the scoring function, which reaches none of them.
    const helpers = Array.from({ length: 20 }, (_, i) => `export function part${i}(a) {\n  return a + ${i};\n}\n`).join('');
    const download = `export async function download(url) {\n  const bytes = await (await fetch(url)).arrayBuffer();\n  return [${Array.from({ length: 20 }, (_, i) => `part${i}(bytes)`).join(', ')}];\n}\n`;
    const score = (k: string): string =>
      `export async function score(x) {\n  try {\n    const res = await fetch('/predict', { method: 'POST', body: JSON.stringify({ x }), signal: AbortSignal.timeout(2000) });\n    const out = await res.json();\n    return { label: out.label, score: out.score${k} };\n  } catch {\n    return { label: null, score: 0 };\n  }\n}\n`;
    const text = `${helpers}${download}${score('')}`;
    const next = `${helpers}${download}${score(' ')}`;
    const tree = parse(text, 'typescript');
    const first = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true });
    const { incremental, fresh, tree: edited } = reanalyzed(tree, text, next, first?.snapshot);
    edited.delete();
    assert.ok(same(incremental, fresh));
    const copied = (a: typeof incremental): string[] => (a?.ast.root.children ?? []).filter((c) => !a?.ast.skipped.has(c)).map((c) => /(?:function|const|let)\s+(\w+)/.exec(a?.ast.source.slice(c.start, c.end) ?? '')?.[1] ?? c.type);
    assert.ok(copied(fresh).includes('part7'), `a fresh analysis copies what the download reads: ${copied(fresh).join(' ')}`);
    assert.deepEqual(copied(incremental), ['download', 'score']);
  });

  test('an edit that puts predictions in the program\'s own code (a function header broken, a callback of .map at the top level) copies the whole selection at once: equal to a fresh analysis, no second attempt', () => {
    const head = "import * as ort from 'onnxruntime-node';\nconst session = await ort.InferenceSession.create('m.onnx');\n";
    const filler = Array.from({ length: 30 }, (_, i) => `export function helper${i}(a) {\n  return a + ${i};\n}\n`).join('');
    // Selected for a candidate of its own, out of the edited statement's reach: a partial copy lacks it.
    const far = "export async function health() {\n  const r = await fetch('/healthz');\n  console.log({ modelVersion: 'v3', ok: r.ok });\n}\n";
    const scorer = (header: string): string => `${header} {\n  const out = await session.run({ x: new Float32Array(4) });\n  return { label: out.label.data[0] };\n}\n`;
    const cases = [
      { before: scorer('export async function score(x)'), after: scorer('export async function_v1 score(x)') },
      { before: 'const rows = [1, 2];\n', after: 'const rows = await Promise.all([1, 2].map(async () => session.run({ x: new Float32Array(4) })));\n' },
    ];
    for (const { before, after } of cases) {
      const old = `${head}${before}${filler}${far}`;
      const next = `${head}${after}${filler}${far}`;
      const tree = parse(old, 'typescript');
      const snap = runAnalysis(tree, old, DEFAULT_CONFIG, { selective: true })?.snapshot;
      const { incremental, fresh, tree: edited } = reanalyzed(tree, old, next, snap);
      edited.delete();
      assert.ok((fresh?.calls.length ?? 0) > 0, after);
      assert.ok(same(incremental, fresh), after);
      assert.ok((incremental?.snapshot?.programReaders.size ?? 0) > 0, `the prediction's checks read the whole program: ${after}`);
      assert.equal(incremental?.redone, false, `copied whole at once: ${after}`);
    }
  });

  test('a statement whose edit adds a prediction reads facts of the whole program held by a function it does not reach (a version recorded, a score compared to a threshold): equal to a fresh analysis', () => {
    // Before the edit the statement holds no prediction (it read nothing of the whole program); after it, its top-level
    // prediction's check reads the facts of the whole program, which a function the edited statement does not reach by
    // name decides (kept by the selection for a candidate of its own, left out of the copy after the edit).
    const head = "import * as ort from 'onnxruntime-node';\nconst session = await ort.InferenceSession.create('m.onnx');\n";
    const filler = Array.from({ length: 30 }, (_, i) => `export function helper${i}(a) {\n  return a + ${i};\n}\n`).join('');
    const cases = [
      {
        rule: 'untraced-prediction',
        before: 'const result = { y: 1 };\nparentPort.postMessage(result);\n',
        after: 'const result = await session.run({ x: new Float32Array(4) });\nparentPort.postMessage(result);\n',
        far: "export async function health() {\n  const r = await fetch('/healthz');\n  console.log({ modelVersion: 'v3', ok: r.ok });\n}\n",
      },
      {
        rule: 'no-confidence',
        before: 'const out = { label: { data: [0] } };\nconst label = out.label.data[0];\nrender(label);\n',
        after: 'const out = await session.run({ x: new Float32Array(4) });\nconst label = out.label.data[0];\nrender(label);\n',
        far: "export async function gate() {\n  const r = await fetch('/healthz');\n  return r.probability > 0.5;\n}\n",
      },
    ];
    for (const { rule, before, after, far } of cases) {
      for (const withFar of [true, false]) {
        const old = `${head}${before}${filler}${withFar ? far : ''}`;
        const next = `${head}${after}${filler}${withFar ? far : ''}`;
        const tree = parse(old, 'typescript');
        const snap = runAnalysis(tree, old, DEFAULT_CONFIG, { selective: true })?.snapshot;
        assert.equal(snap?.programReaders.size, 0, 'before the edit, no check reads the whole program');
        const { incremental, fresh, tree: edited } = reanalyzed(tree, old, next, snap);
        edited.delete();
        assert.ok((fresh?.findings.length ?? 0) > 0, 'the prediction has findings of its own');
        assert.equal(fresh?.findings.some((f) => f.rule === rule), !withFar, `${rule}: the function far below decides it`);
        assert.deepEqual(JSON.stringify(incremental?.findings), JSON.stringify(fresh?.findings), `${rule}, ${withFar ? 'with' : 'without'} the function far below`);
        assert.deepEqual(JSON.stringify(incremental?.calls), JSON.stringify(fresh?.calls));
      }
    }
  });

  test('an edit of a function far from unchanged top-level predictions that adds or removes a version recorder or a threshold comparison: their checks change as in a fresh analysis', () => {
    // The predictions' statements are not edited and do not reach the function by name: only what their checks read of
    // the whole program (a version recorded anywhere, comparisons after them) changes.
    const head =
      "import * as ort from 'onnxruntime-node';\nconst session = await ort.InferenceSession.create('m.onnx');\nconst result = await session.run({ x: new Float32Array(4) });\nparentPort.postMessage(result);\nconst out = await session.run({ x: new Float32Array(4) });\nconst label = out.label.data[0];\nrender(label);\n";
    const filler = Array.from({ length: 30 }, (_, i) => `export function helper${i}(a) {\n  return a + ${i};\n}\n`).join('');
    const pairs = [
      ['untraced-prediction', "export async function health() {\n  const r = await fetch('/healthz');\n  console.log({ ok: r.ok });\n}\n", "export async function health() {\n  const r = await fetch('/healthz');\n  console.log({ modelVersion: 'v3', ok: r.ok });\n}\n"],
      ['no-confidence', "export async function gate() {\n  const r = await fetch('/healthz');\n  return r.probability;\n}\n", "export async function gate() {\n  const r = await fetch('/healthz');\n  return r.probability > 0.5;\n}\n"],
    ] as const;
    for (const [rule, without, withFact] of pairs) {
      for (const [from, to] of [[without, withFact], [withFact, without]]) {
        const old = `${head}${filler}${from}`;
        const next = `${head}${filler}${to}`;
        const tree = parse(old, 'typescript');
        const snap = runAnalysis(tree, old, DEFAULT_CONFIG, { selective: true })?.snapshot;
        const { incremental, fresh, tree: edited } = reanalyzed(tree, old, next, snap);
        edited.delete();
        assert.equal(fresh?.findings.some((f) => f.rule === rule), to === without, `${rule}: decided by the edited function`);
        assert.deepEqual(JSON.stringify(incremental?.findings), JSON.stringify(fresh?.findings), `${rule}: ${to === without ? 'removed' : 'added'}`);
        assert.deepEqual(JSON.stringify(incremental?.calls), JSON.stringify(fresh?.calls));
      }
    }
  });

  test('import edits that keep the imported names (spaces, quotes, order, aliases swapped): reanalysis equals a fresh analysis and copies less', () => {
    const edits: [RegExp, string][] = [
      [/\{ (\w)/, '{  $1'],
      [/'([^']+)';$/, '"$1";'],
      [/\{ (\w+), (\w+) \}/, '{ $2, $1 }'],
      // The same names with the other meaning: the statements that use them are analyzed again.
      [/\{ (\w+), (\w+) \}/, '{ $1 as $2, $2 as $1 }'],
      [/^import (\w+) from/, 'import  $1  from'],
    ];
    let text = generateSource('typescript', 2000, 43);
    let tree: Tree = parse(text, 'typescript');
    let snap: Snapshot | undefined = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    let edited = 0;
    let smaller = 0;
    for (const imp of [...text.matchAll(IMPORT_LINE_RE)].slice(0, 12)) {
      for (const [re, by] of edits) {
        const line = imp[0];
        if (!re.test(line)) continue;
        const at = text.indexOf(`\n${line}\n`) + 1;
        if (at <= 0) continue;
        const original = text;
        // The edit, then its undo: each reanalyzed with the snapshot of the text before it.
        for (const next of [text.slice(0, at) + line.replace(re, by) + text.slice(at + line.length), original]) {
          const { incremental, fresh, ...after } = reanalyzed(tree, text, next, snap);
          tree = after.tree;
          assert.ok(same(incremental, fresh), `${line} → ${next.slice(at, next.indexOf('\n', at))}`);
          const copied = (a: typeof fresh): number => a?.ast.root.children.filter((c) => !a.ast.skipped.has(c)).length ?? 0;
          if (copied(incremental) < copied(fresh)) smaller++;
          snap = incremental?.snapshot;
          text = next;
          edited++;
        }
      }
    }
    tree.delete();
    assert.ok(edited >= 10 && smaller >= edited / 2, `${edited} import edits, ${smaller} reanalyzed with a smaller copy than a fresh analysis`);
  });

  test('edits that leave every statement in place carry the name index and the selection over: both equal what the new text builds afresh', () => {
    const rng = mulberry32(41);
    const flat = (index: NameIndex): string =>
      JSON.stringify([index.users, index.assigners, index.providers].map((m) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
    let text = generateSource('typescript', 2000, 41);
    let tree: Tree = parse(text, 'typescript');
    let snap: Snapshot | undefined = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    let carried = 0;
    let renumbered = 0;
    let selectionKept = 0;
    for (let e = 0; e < 80 && snap; e++) {
      // A one-line edit as the benchmark makes it (rename a name, type a space or a `#` at a line end), or a random
      // character anywhere (a statement split or merged moves the others: their names are carried renumbered).
      const lines = text.split('\n');
      const row = Math.floor(rng() * (lines.length - 1));
      const line = lines[row] ?? '';
      const ids = [...line.matchAll(/[A-Za-z_]\w*/g)];
      const m = ids.length > 0 ? pickOf(rng, ids) : undefined;
      const lineStart = lines.slice(0, row).reduce((sum, l) => sum + l.length + 1, 0);
      const r = rng();
      const [at, removed, inserted] =
        m && r < 0.5 ? [lineStart + (m.index ?? 0), m[0].length, `${m[0]}_v${e}`] : r < 0.8 ? [lineStart + line.length, 0, pickOf(rng, [' ', '#', ';'])] : [Math.floor(rng() * text.length), 0, pickOf(rng, ['(', '}', 'x', '\n'])];
      const next = text.slice(0, at) + inserted + text.slice(at + removed);
      const before = nameIndex(snap.infos);
      const count = snap.statements.length;
      const { incremental, fresh, ...after } = reanalyzed(tree, text, next, snap);
      tree = after.tree;
      assert.ok(same(incremental, fresh), `edit ${e}: ${JSON.stringify(inserted)} at ${at}`);
      snap = incremental?.snapshot;
      if (snap && fresh?.snapshot) {
        const index = nameIndex(snap.infos);
        if (index === before) carried++;
        if (index === before && snap.statements.length !== count) renumbered++;
        // A copy of the list gets an index built from scratch.
        assert.equal(flat(index), flat(nameIndex([...snap.infos])), `edit ${e}: the carried name index`);
        const selection = selectStatements(snap.statements, [...snap.infos], snap.offsets);
        assert.deepEqual([...snap.kept].sort((a, b) => a - b), [...selection].map((i) => (snap?.statements[i] as { start: number }).start).sort((a, b) => a - b), `edit ${e}: the selection`);
        assert.deepEqual([...snap.kept].sort((a, b) => a - b), [...fresh.snapshot.kept].sort((a, b) => a - b), `edit ${e}: the selection of a fresh analysis`);
        if (index === before && r >= 0.5 && r < 0.8) selectionKept++;
      }
      text = next;
    }
    tree.delete();
    assert.ok(carried > 40 && selectionKept > 10 && renumbered >= 10, `name index carried over in ${carried} edits (${selectionKept} typed at a line end, ${renumbered} that changed the number of statements)`);
  });

  test('a `#` typed after a closing brace at the top level (a statement of its own) carries the name index and the selection over, and so does its undo', () => {
    const flat = (index: NameIndex): string =>
      JSON.stringify([index.users, index.assigners, index.providers].map((m) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
    const text = generateSource('typescript', 2000, 43);
    // The closing braces after which tree-sitter parses a `#` as a top-level statement of its own (after most, it
    // joins the next statement).
    const ends = [...text.matchAll(/^\}$/gm)].map((m) => (m.index ?? 0) + 1).filter((at) => {
      const t = parse(text.slice(0, at) + '#' + text.slice(at), 'typescript');
      const alone = t.rootNode.children.some((c) => c?.startIndex === at && c.endIndex === at + 1);
      t.delete();
      return alone;
    });
    assert.ok(ends.length >= 4, `${ends.length} closing braces`);
    let tree: Tree = parse(text, 'typescript');
    let snap: Snapshot | undefined = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    for (const at of ends) {
      const next = text.slice(0, at) + '#' + text.slice(at);
      for (const [from, to] of [[text, next], [next, text]] as const) {
        assert.ok(snap);
        const before = nameIndex(snap.infos);
        const { incremental, fresh, ...after } = reanalyzed(tree, from, to, snap);
        tree = after.tree;
        assert.ok(same(incremental, fresh), `# after the brace at ${at}`);
        snap = incremental?.snapshot;
        assert.ok(snap && fresh?.snapshot);
        assert.equal(nameIndex(snap.infos), before, `# after the brace at ${at}: the name index is carried over`);
        assert.equal(flat(nameIndex(snap.infos)), flat(nameIndex([...snap.infos])), `# after the brace at ${at}: the carried name index`);
        assert.deepEqual([...snap.kept].sort((a, b) => a - b), [...fresh.snapshot.kept].sort((a, b) => a - b), `# after the brace at ${at}: the selection`);
      }
    }
    tree.delete();
  });

  test('a rename inside one statement keeps the selection without selecting again only when selecting again gives the same', () => {
    // Each edit renames one name of one line of the clean file (as the benchmark does); the selection before and the
    // statement infos after come from analyses of their own text, independent of `sameSelection`.
    const rng = mulberry32(17);
    const text = generateSource('typescript', 2000, 17);
    const tree = parse(text, 'typescript');
    const snap = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    tree.delete();
    assert.ok(snap);
    const keptBefore = new Set<number>();
    snap.statements.forEach((st, i) => {
      if (snap.kept.has(st.start)) keptBefore.add(i);
    });
    const holdsOffset = (offsets: number[], st: { start: number; end: number }): boolean => offsets.some((o) => o >= st.start && o < st.end);
    const lines = text.split('\n');
    let shortcut = 0;
    let declined = 0;
    let selected = 0;
    // At least 150 renames, and more (up to 400) until both kinds have been seen: the generated file, made from the
    // corpus, changes as snippets are added.
    const covered = (): boolean => shortcut > 70 && declined > 3 && selected > 0;
    for (let e = 0; e < 400 && (e < 150 || !covered()); e++) {
      const row = Math.floor(rng() * (lines.length - 1));
      const ids = [...(lines[row] ?? '').matchAll(/[A-Za-z_]\w*/g)];
      if (ids.length === 0) continue;
      const m = pickOf(rng, ids);
      const at = lines.slice(0, row).reduce((sum, l) => sum + l.length + 1, 0) + (m.index ?? 0);
      const next = text.slice(0, at) + `${m[0]}_v${e}` + text.slice(at + m[0].length);
      const nextTree = parse(next, 'typescript');
      const after = runAnalysis(nextTree, next, DEFAULT_CONFIG, { selective: true })?.snapshot;
      nextTree.delete();
      if (!after || after.statements.length !== snap.statements.length) continue;
      const i = after.statements.findIndex((st) => st.start <= at && at < st.end);
      const delta = `_v${e}`.length;
      const moved = (o: number): number => (o > at ? o + delta : o);
      const inPlace = after.statements.every((st, j) => {
        const old = snap.statements[j];
        return j === i || (old !== undefined && st.type === old.type && st.start === moved(old.start) && st.end === moved(old.end));
      });
      if (i < 0 || !inPlace) continue;
      const st = after.statements[i] as { type: string; start: number; end: number };
      const seed = { before: holdsOffset(snap.offsets, snap.statements[i] as typeof st), after: holdsOffset(after.offsets, st) };
      const infos = [...after.infos];
      const keeps = sameSelection(infos, snap.infos[i] as (typeof infos)[number], i, keptBefore, seed, isRoot(st));
      const fresh = selectStatements(after.statements, infos, after.offsets);
      const equal = fresh.size === keptBefore.size && [...fresh].every((j) => keptBefore.has(j));
      if (keeps) {
        shortcut++;
        assert.ok(equal, `edit ${e}: ${m[0]} renamed on line ${row} keeps a selection that selecting again changes`);
      } else {
        declined++;
        if (!equal) selected++;
      }
    }
    assert.ok(covered(), `${shortcut} renames kept the selection, ${declined} selected again (${selected} changed it)`);
  });

  /**
   * Edits made by `edit` one after the other (an edit that breaks something is undone by the next one), each reanalyzed
   * with the old tree and compared with a fresh analysis of the same text.
   */
  function compareEdits(seed: number, generatedSeed: number, edit: (rng: Rng, text: string) => { next: string; kind: string; breaks: boolean }): { compared: number; withFindings: number } {
    const rng = mulberry32(seed);
    let compared = 0;
    let withFindings = 0;
    const files = [...sources.filter((s) => !s.name.startsWith('generated')), { name: 'generated 2,000 lines', text: generateSource('typescript', 2000, generatedSeed), lang: 'typescript' as Language }];
    for (const { name, text: original, lang } of files) {
      const big = original.length > 20_000;
      let text = original;
      let tree: Tree = analyzeSource(text, lang, DEFAULT_CONFIG, undefined, KEEP).tree;
      let repair: string | undefined;
      for (let e = 0; e < (big ? 40 : 6); e++) {
        const step = repair !== undefined ? { next: repair, kind: 'repair', breaks: false } : edit(rng, text);
        repair = step.breaks ? text : undefined;
        const next = step.next;
        editTree(tree, text, next);
        const incremental = analyzeSource(next, lang, DEFAULT_CONFIG, tree, KEEP);
        const fresh = analyzeSource(next, lang, DEFAULT_CONFIG, undefined, KEEP);
        // The incremental reparse gives the tree of a fresh parse (see parse), and the analysis the same results.
        assert.equal(treeText(incremental.tree), treeText(fresh.tree), `${name}, edit ${e} (${step.kind}): tree`);
        compared++;
        if (fresh.result.findings.length > 0) withFindings++;
        assert.ok(same(incremental.result, fresh.result), `${name}, edit ${e} (${step.kind})`);
        // \`mlship check\`'s one-shot analysis finds the same on text that parses. (Where error recovery leaves a function's
        // body as a top-level block, the statements selected by name can miss one that a copy of every statement sees.)
        if (!fresh.tree.rootNode.hasError) {
          const once = analyzeSource(next, lang, DEFAULT_CONFIG);
          assert.ok(same(once.result, fresh.result), `${name}, edit ${e} (${step.kind}): one-shot`);
          once.tree.delete();
        }
        fresh.tree.delete();
        tree.delete();
        tree = incremental.tree;
        text = next;
      }
      tree.delete();
    }
    return { compared, withFindings };
  }

  test('random editor edits (lines inserted and deleted, imported names renamed, imports edited, syntax broken and repaired): reanalysis equals a fresh analysis', () => {
    const { compared, withFindings } = compareEdits(11, 23, randomEdit);
    assert.ok(compared > 200 && withFindings > 100, `${compared} edits compared, ${withFindings} with findings`);
  });

  test('random changes of white space (between tokens, inside names, strings, comments, where a line break ends a statement): reanalysis equals a fresh analysis', () => {
    const { compared, withFindings } = compareEdits(13, 25, randomLayoutEdit);
    assert.ok(compared > 200 && withFindings > 100, `${compared} edits compared, ${withFindings} with findings`);
  });

  test('white space typed in statements with a syntax error (recovered from as tree-sitter sees fit): reanalysis equals a fresh analysis', () => {
    // Characters typed at line ends as the benchmark does, until error recovery swallows long runs of code.
    const rng = mulberry32(15);
    let text = generateSource('typescript', 1000, 27);
    for (let e = 0; e < 40; e++) {
      const lines = text.split('\n');
      const row = Math.floor(rng() * lines.length);
      lines[row] = `${lines[row] ?? ''}${pickOf(rng, ['#', '(', '{', ' as'])}`;
      text = lines.join('\n');
    }
    let tree: Tree = parse(text, 'typescript');
    let snapshot = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    // The same edits reanalyzed with every edit counted in full (a second tree: an analysis takes over the copies of
    // the one before it).
    let exactTree: Tree = parse(text, 'typescript');
    let exactSnapshot = runAnalysis(exactTree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
    let compared = 0;
    let narrower = 0;
    for (let e = 0; e < 60; e++) {
      const broken = [...tree.rootNode.children].filter((c) => c?.hasError && c.endIndex - c.startIndex > 200);
      const st = broken.length > 0 ? pickOf(rng, broken) : undefined;
      const at = st ? st.startIndex + Math.floor(rng() * (st.endIndex - st.startIndex)) : Math.floor(rng() * text.length);
      const next = text[at] === ' ' && rng() < 0.5 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + pickOf(rng, [' ', '  ', '\n', ' \n']) + text.slice(at);
      const r = reanalyzed(tree, text, next, snapshot);
      editTree(exactTree, text, next);
      const nextExactTree = parse(next, 'typescript', exactTree);
      exactTree.delete();
      exactTree = nextExactTree;
      const exact = runAnalysis(exactTree, next, DEFAULT_CONFIG, { selective: true, exactEdits: true, ...(exactSnapshot ? { previous: exactSnapshot } : {}) });
      exactSnapshot = exact?.snapshot;
      const freshTree = parse(next, 'typescript');
      // The incremental reparse gives the tree of a fresh parse (see parse), and the analysis the same results.
      assert.equal(treeText(r.tree), treeText(freshTree), `edit ${e}: ${JSON.stringify(next.slice(at - 20, at + 20))}: tree`);
      compared++;
      assert.ok(same(r.incremental, r.fresh), `edit ${e}: ${JSON.stringify(next.slice(at - 20, at + 20))}`);
      freshTree.delete();
      if ((r.incremental?.work.calls ?? 0) < (exact?.work.calls ?? 0)) narrower++;
      tree = r.tree;
      text = next;
      snapshot = r.incremental?.snapshot;
    }
    tree.delete();
    exactTree.delete();
    assert.ok(compared > 50 && narrower > 5, `${compared} edits compared, ${narrower} analyzed less than with every edit counted in full`);
  });

  test('random edits inside class bodies (names renamed, lines deleted or repeated, characters typed): reanalysis equals a fresh analysis', () => {
    const { compared, withFindings } = compareEdits(14, 26, randomClassEdit);
    assert.ok(compared > 100 && withFindings > 50, `${compared} edits compared, ${withFindings} with findings`);
  });

  test('white space typed between tokens reanalyzes the edited statement alone; in a string another statement reads, that statement too', () => {
    const text = "import axios from 'axios';\nconst URL = 'https://api.openai.com/v1/chat/completions ';\nexport async function ask(q) {\n  try {\n    const r = await axios.post(URL, { q }, { timeout: 5000 });\n    return r.data;\n  } catch {\n    return null;\n  }\n}\nexport async function ask2(q) {\n  const r = await axios.post(URL, { q });\n  return r.data;\n}\n";
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    assert.equal(a?.calls.length, 2);
    // A space at the end of a line of `ask2`: `ask` is not analyzed again.
    const spaced = text.replace('  return r.data;\n}\n', '  return r.data; \n}\n');
    const b = reanalyzed(first, text, spaced, a?.snapshot);
    assert.ok(same(b.incremental, b.fresh));
    assert.deepEqual(b.incremental?.work, { statements: 1, calls: 1 });
    // One more space in the URL (after the one there): both users of the constant are analyzed again (their label
    // names the URL).
    const inString = spaced.replace("completions '", "completions  '");
    const c = reanalyzed(b.tree, spaced, inString, b.incremental?.snapshot);
    assert.notDeepEqual(c.fresh?.calls.map((call) => call.label), a?.calls.map((call) => call.label));
    assert.ok(same(c.incremental, c.fresh), JSON.stringify(c.incremental?.calls));
    c.tree.delete();
  });

  /** The lines of `name(x)`, which predicts with `session` in a try/catch and returns `fallback` when it fails. */
  const predicting = (name: string, session: string, fallback: string): string[] => [
    `export async function ${name}(x) {`, '  try {', `    const out = await ${session}.run({ x });`, '    return out.label;', '  } catch {', `    return ${fallback};`, '  }', '}',
  ];

  test('a declaration inside a statement with a syntax error counts as the program\'s: an edit in its user still finds it', () => {
    // `fetch(` left open: the declaration is parsed inside the call's arguments, and the resolver gives it to the
    // program's scope; the pre-scan took it for a local one, and the reanalysis of `score` did not copy it.
    const text = [
      "import * as ort from 'onnxruntime-node';",
      '',
      'set fetch(',
      "const scorer = await ort.InferenceSession.create('model.onnx');",
      '',
      ...predicting('score', 'scorer', 'null'),
      '',
    ].join('\n');
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    assert.equal(a?.calls.length, 1);
    const edited = text.replace('return out.label;', 'return out.label ;');
    const b = reanalyzed(first, text, edited, a?.snapshot);
    assert.equal(b.fresh?.calls.length, 1);
    assert.ok(same(b.incremental, b.fresh), JSON.stringify(b.incremental?.calls));
    b.tree.delete();
  });

  /**
   * `reanalyzed` as the language server makes it: with the ranges tree-sitter reparsed, when either tree has a syntax
   * error (`jsAnalyzer.analyze`).
   */
  const reanalyzedAsServer = (tree: Tree, text: string, next: string, previous: Snapshot | undefined) => {
    editTree(tree, text, next);
    const nextTree = parse(next, 'typescript', tree);
    const reparsed = tree.rootNode.hasError || nextTree.rootNode.hasError ? changedRanges(tree, nextTree) : undefined;
    tree.delete();
    const incremental = runAnalysis(nextTree, next, DEFAULT_CONFIG, { selective: true, ...(previous ? { previous } : {}), ...(reparsed ? { reparsed } : {}) });
    const fresh = runAnalysis(nextTree, next, DEFAULT_CONFIG, { selective: true });
    return { tree: nextTree, incremental, fresh };
  };

  /**
   * Analyzes `text`, then `next` after the edit as the language server does: `calls.before` calls before the edit (when
   * given), `calls.after` in a fresh analysis after it, and the reanalysis equals the fresh analysis.
   */
  const editMatchesFresh = (text: string, next: string, calls: { before?: number; after: number }, label = ''): void => {
    const tree = parse(text, 'typescript');
    const a = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true });
    if (calls.before !== undefined) assert.equal(a?.calls.length, calls.before, label);
    const b = reanalyzedAsServer(tree, text, next, a?.snapshot);
    assert.equal(b.fresh?.calls.length ?? 0, calls.after, label);
    assert.ok(same(b.incremental, b.fresh), `${label} ${JSON.stringify({ calls: b.incremental?.calls, findings: b.incremental?.findings })}`);
    b.tree.delete();
  };

  test('a syntax error typed in a function\'s body leaves what the body declares to the function: the selection is the one before, and equals a fresh analysis', () => {
    const text = [
      "import * as ort from 'onnxruntime-node';",
      "const session = await ort.InferenceSession.create('model.onnx');",
      '',
      ...predicting('score', 'session', 'null'),
      '',
      'export function summary(rows) {',
      '  const session = rows.length;',
      '  const out = rows.map((r) => r.label);',
      '  return `${session} rows: ${out.join()}`;',
      '}',
      '',
      'export function other(rows) {',
      '  return rows.map((r) => r.out);',
      '}',
      '',
    ].join('\n');
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    assert.ok(a?.snapshot);
    const kept = (snap: Snapshot): number[] => snap.statements.flatMap((st, i) => (snap.kept.hasStatement(i) ? [st.start] : []));
    const edited = text.replace('rows.map((r) => r.label)', 'rows.map((r) => r.label');
    const b = reanalyzedAsServer(first, text, edited, a.snapshot);
    const snap = b.incremental?.snapshot;
    assert.ok(snap && b.fresh?.snapshot);
    const i = snap.statements.findIndex((st) => edited.slice(st.start).startsWith('export function summary'));
    assert.equal(snap.statements[i]?.broken, true, 'the edit left a syntax error in `summary`');
    assert.deepEqual([...(snap.infos[i]?.provides ?? [])], ['summary'], 'its `session` and `out` are its own');
    assert.deepEqual(kept(snap), kept(a.snapshot));
    assert.deepEqual(kept(b.fresh.snapshot), kept(a.snapshot));
    assert.ok(same(b.incremental, b.fresh));
    b.tree.delete();
  });

  test('a name whose declarer the parser left in an ERROR node (`const` after a line of prose) is assigned where it stands: the statement is selected for its users', () => {
    // Tree-sitter reads `const` into the ERROR node the prose line makes and `rp = require(…)` as an assignment in the
    // body: to the resolver, a global that `score` reads.
    const text = [
      'function setup() {',
      "  Fraud scoring through request-promise (request's promise API) to a model server.",
      "  const rp = require('request-promise');",
      '}',
      '',
      'export async function score(features) {',
      '  const res = await rp({ method: \'POST\', uri: `${process.env.MODEL_URL}/predict`, body: features, json: true });',
      '  return res.score;',
      '}',
      '',
    ].join('\n');
    const tree = parse(text, 'typescript');
    const selective = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true });
    const oneShot = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true, oneShot: true });
    assert.equal(oneShot?.calls.length, 1);
    assert.ok(same(selective, oneShot), JSON.stringify(selective?.calls));
    const b = reanalyzedAsServer(tree, text, text.replace('return res.score;', 'return res.score ;'), selective?.snapshot);
    assert.equal(b.fresh?.calls.length, 1);
    assert.ok(same(b.incremental, b.fresh));
    b.tree.delete();
  });

  test('a name a statement with a syntax error declares in a function body and assigns outside it: the assignment is the program\'s, its users see an edit of it', () => {
    // `u = '…'` outside the arrow function is a global to the resolver, which `s` reads: the edit of the URL changes
    // what `s` calls, though the statement also declares a `u` of its own in the function.
    const text = ["const B = [() => { let u; }, u = 'http://h/v1/models/a:predict', fetch('http://h/p') %%];", 'export const s = () => fetch(u);', ''].join('\n');
    editMatchesFresh(text, text.replace('models/a:predict', 'health'), { before: 1, after: 0 });
  });

  test('a statement with no syntax error that declares a name in a function or block and assigns it outside: the assignment is the program\'s, its users see an edit of it', () => {
    // Each `u = '…'` lies outside the function, block or loop that has a `u` of its own: to the resolver it gives
    // the global `u` a value, which `s` reads, and the edit of the URL changes what `s` calls.
    const shapes = [
      "const B = [() => { let u; }, u = 'http://h/v1/models/a:predict', fetch('http://h/p')];",
      "const B = [(u) => 0, u = 'http://h/v1/models/a:predict', fetch('http://h/p')];",
      "const B = [u => 0, u = 'http://h/v1/models/a:predict', fetch('http://h/p')];",
      "const B = [function (u) { return 0; }, u = 'http://h/v1/models/a:predict', fetch('http://h/p')];",
      "const B = [{ m() { { let u = 1; } } }, u = 'http://h/v1/models/a:predict', fetch('http://h/p')];",
      "const B = [(() => { for (let u = 0; u < 1; u++) {} })(), u = 'http://h/v1/models/a:predict', fetch('http://h/p')];",
    ];
    for (const shape of shapes) {
      const text = [shape, 'export const s = () => fetch(u);', ''].join('\n');
      editMatchesFresh(text, text.replace('models/a:predict', 'health'), { before: 1, after: 0 }, shape);
    }
  });

  test('a model loaded lazily into a global (`if (!model) { model = … }`, an anonymous handler): an edit of the load reanalyzes the functions that use the model', () => {
    // The condition's `model` is no parameter, nor is the first name in an anonymous function's body its name: the
    // assignment gives the program's `model` its value.
    const loaders = [
      ['async function load(path) {', '  if (!model) {', '    model = await ort.InferenceSession.create(path);', '  }', '}'],
      ['window.onload = async function () {', "  model = await ort.InferenceSession.create('model.onnx');", '};'],
    ];
    for (const loader of loaders) {
      const text = [
        "import * as ort from 'onnxruntime-node';",
        'let model = null;',
        '',
        ...loader,
        '',
        'export async function score(input) {',
        '  const outputs = await model.run({ input });',
        '  return outputs.output.data;',
        '}',
        '',
      ].join('\n');
      editMatchesFresh(text, text.replace(/await ort\.InferenceSession\.create\(([^)]*)\)/, 'JSON.parse($1)'), { before: 1, after: 0 }, loader[0]);
    }
  });

  test('a declaration keyword mistyped in a statement with a syntax error (`tfjs batch = …`): the name before the declared one may be what is assigned', () => {
    // tree-sitter recovers with `tfjs` as the target of the assignment: `s8` then fetches the URL, and is analyzed again.
    const text = [
      "    let batch = 'https://api-inference.huggingface.co/models/x';",
      '  const res = await fetch(`${BASE_URL}/v1/models/eta:predict`, {',
      "    if (inference) { inference = 'https://api-inference.huggingface.co/models/x'; }",
      '    signal: AbortSignal.timeout(200),',
      '  });',
      'export const s8 = () => fetch(tfjs);',
    ].join('\n');
    editMatchesFresh(text, text.replace('let batch', 'tfjs batch'), { before: 1, after: 2 });
  });

  test('a class a syntax error nests in a function body provides its methods: their callers elsewhere are copied after an edit near it', () => {
    // The caller `model.predict(…)` in a try/catch guards the method (its receiver is unknown): copied with the class
    // after the comment edit, as a fresh analysis copies it.
    const text = [
      'async function route(ticket) {',
      '  try {',
      '/* the queue',
      '}',
      'class DemandModel {',
      '  async load(): Promise<void> {',
      "    this.model = await tf.loadLayersModel('file://models/demand/model.json');",
      '  }',
      '  predict(input: number[][]): number[] {',
      '    const y = this.model!.predict(input) as tf.Tensor;',
      '  }',
      '/* }',
      '  }',
      '}',
      '      try {',
      '        const [embedding] = await model.predict(tensor).array();',
      '      } catch (err) {',
      '',
    ].join('\n');
    editMatchesFresh(text, text.replace('/* }', '/* urgent fetch( }'), { after: 2 });
  });

  /**
   * Edits that pile up on generated 250-line files (`seeds` of them, `steps` edits each, never undone), each made by
   * `edit` from the text before it (`words`: the names of the file as generated): every reanalysis equals a fresh
   * analysis of the same tree. With `asServer`, reanalyzed with the reparsed ranges, as the language server does.
   */
  const pileUp = (seeds: number, seedFactor: number, steps: number, asServer: boolean, edit: (rng: Rng, text: string, words: readonly string[]) => string): { compared: number; broken: number } => {
    let compared = 0;
    let broken = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const rng = mulberry32(seed * seedFactor);
      let text = generateSource('typescript', 250, seed);
      const words = [...new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? [])];
      let tree = parse(text, 'typescript');
      let snapshot = runAnalysis(tree, text, DEFAULT_CONFIG, { selective: true })?.snapshot;
      for (let step = 0; step < steps; step++) {
        const next = edit(rng, text, words);
        if (next === text) continue;
        const { incremental, fresh, tree: after } = (asServer ? reanalyzedAsServer : reanalyzed)(tree, text, next, snapshot);
        assert.ok(same(incremental, fresh), `seed ${seed}, step ${step}: ${JSON.stringify({ incremental: incremental?.calls.map((c) => c.range.start.line), fresh: fresh?.calls.map((c) => c.range.start.line) })}`);
        compared++;
        if (after.rootNode.hasError) broken++;
        snapshot = incremental?.snapshot;
        tree = after;
        text = next;
      }
      tree.delete();
    }
    return { compared, broken };
  };

  test('random syntax edits that pile up (brackets, semicolons and `=` typed or deleted, declarations half typed, lines deleted or repeated): reanalysis with the reparsed ranges equals a fresh analysis of the same tree', () => {
    const { compared, broken } = pileUp(16, 4241, 60, true, (rng, text, words) => {
      const r = rng();
      if (r < 0.3) {
        const at = pickOf(rng, [...text.matchAll(/[(){}[\];,=]/g)]).index ?? 0;
        return text.slice(0, at) + text.slice(at + 1);
      }
      if (r < 0.55) {
        const at = Math.floor(rng() * text.length);
        return text.slice(0, at) + pickOf(rng, ['(', ')', '{', '}', '[', ';', '=', ',', '`', "'"]) + text.slice(at);
      }
      const lines = text.split('\n');
      const row = Math.floor(rng() * lines.length);
      if (r < 0.7) lines.splice(row, 0, `  ${pickOf(rng, ['const', 'let', 'var', 'function', 'class'])} ${pickOf(rng, words)}${pickOf(rng, [' = ', '(', ' {', ''])}`);
      else if (r < 0.8) lines.splice(row, 1);
      else if (r < 0.9) lines.splice(row, 0, lines[row] ?? '');
      else lines.splice(row, 0, `  ${pickOf(rng, words)} = ${pickOf(rng, words)}.${pickOf(rng, words)}(${pickOf(rng, words)});`);
      return lines.join('\n');
    });
    assert.ok(compared > 900 && broken > 800, `${compared} edits compared, ${broken} with a syntax error`);
  });

  test('random edits of scopes that pile up (declarations, parameters, conditions and assignments of the same names at different depths, URLs edited): reanalysis equals a fresh analysis of the same tree', () => {
    const url = (rng: Rng, step: number): string => pickOf(rng, [`'http://h/v1/models/m${step}:predict'`, "'http://h/health'", "'https://api-inference.huggingface.co/models/x'"]);
    let step = 0;
    // Names only, no keywords: each edit keeps the statements parsing (but the last, the generated text's end).
    const KEYWORD = /^(?:const|let|var|function|class|return|await|async|if|else|for|while|do|new|this|import|export|from|default|try|catch|finally|throw|typeof|instanceof|in|of|true|false|null|undefined|void|delete|switch|case|break|continue|extends|static|get|set|yield|super|type|interface|as|declare|abstract|enum|implements|private|public|protected|readonly)$/;
    const { compared, broken } = pileUp(20, 104729, 40, true, (rng, text, words) => {
      const word = (): string => pickOf(rng, [...words.filter((w) => !KEYWORD.test(w)).slice(0, 40), 'u', 'url', 'model']);
      const lines = text.split('\n');
      const r = rng();
      step++;
      if (r < 0.35) {
        const rows = lines.flatMap((l, i) => (/^ {2,}\S.*[;{]\s*$/.test(l) ? [i] : []));
        if (rows.length === 0) return text;
        const w = word();
        lines.splice(pickOf(rng, rows) + 1, 0, pickOf(rng, [`    ${w} = ${url(rng, step)};`, `    ${w}.url = ${word()};`, `    let ${w} = ${url(rng, step)};`, `    { let ${w} = 1; }`, `    for (let ${w} = 0; ${w} < 2; ${w}++) {}`, `    const f${step} = (${w}) => ${w};`, `    if (${w}) { ${w} = ${url(rng, step)}; }`, `    ${w} ??= fetch(${word()});`]));
      } else if (r < 0.65) {
        const rows = lines.flatMap((l, i) => (l === '' ? [i] : []));
        if (rows.length === 0) return text;
        const w = word();
        lines.splice(pickOf(rng, rows), 0, pickOf(rng, [`const B${step} = [() => { let ${w}; }, ${w} = ${url(rng, step)}, fetch(${word()})];`, `const B${step} = [(${w}) => 0, ${w} = ${url(rng, step)}];`, `${w} = ${url(rng, step)};`, `export const s${step} = () => fetch(${w});`, `export async function h${step}(${w} = ${url(rng, step)}) { const r = await fetch(${w}); return r.json(); }`, `let ${w} = null;\nasync function load${step}() { if (!${w}) { ${w} = await fetch(${url(rng, step)}); } }`]));
      } else if (r < 0.8) {
        const ms = [...text.matchAll(/'http[^'\n]*'/g)];
        if (ms.length === 0) return text;
        const m = pickOf(rng, ms);
        return text.slice(0, m.index) + url(rng, step) + text.slice((m.index ?? 0) + m[0].length);
      } else {
        const ms = [...text.matchAll(/\b[a-z][\w$]*\b/g)].filter((m) => !KEYWORD.test(m[0]));
        const m = pickOf(rng, ms);
        return text.slice(0, m.index) + word() + text.slice((m.index ?? 0) + m[0].length);
      }
      return lines.join('\n');
    });
    // (A text with a syntax error somewhere, the generated text's truncated end or a line put in an object literal,
    // still has the edited statement parse as a rule.)
    assert.ok(compared > 700, `${compared} edits compared, ${broken} with a syntax error`);
  });

  test('random comment edits that pile up (lines commented out and back, comments added, block comments opened and closed): reanalysis equals a fresh analysis of the same tree', () => {
    const { compared, broken } = pileUp(24, 101, 50, false, (rng, text, words) => {
      const word = (): string => pickOf(rng, words);
      const lines = text.split('\n');
      const row = Math.floor(rng() * lines.length);
      const r = rng();
      const commented = lines.flatMap((l, i) => (/^\s*\/\/ ?/.test(l) ? [i] : []));
      if (r < 0.25) lines[row] = `// ${lines[row] ?? ''}`;
      else if (r < 0.45 && commented.length > 0) {
        const k = pickOf(rng, commented);
        lines[k] = (lines[k] ?? '').replace(/^(\s*)\/\/ ?/, '$1');
      } else if (r < 0.6) lines.splice(row, 0, `// ${word()} ${word()}(${word()}) = ${word()}`);
      else if (r < 0.7) {
        const end = Math.min(lines.length - 1, row + Math.floor(rng() * 6));
        lines[row] = `/* ${lines[row] ?? ''}`;
        lines[end] = `${lines[end] ?? ''} */`;
      } else if (r < 0.8) lines[row] = `${lines[row] ?? ''} // ${word()}(${word()})`;
      else if (r < 0.9) lines[row] = (lines[row] ?? '').replace('/*', '').replace('*/', '');
      else {
        const at = Math.floor(rng() * lines[row]!.length);
        lines[row] = `${lines[row]!.slice(0, at)}${pickOf(rng, ['/*', '*/', '//', '('])}${lines[row]!.slice(at)}`;
      }
      return lines.join('\n');
    });
    assert.ok(compared > 1000 && broken > 500, `${compared} edits compared, ${broken} with a syntax error`);
  });

  test('a comment at the top level declares and uses no name: an edit elsewhere does not copy what its words would link', () => {
    const text = [
      "import * as ort from 'onnxruntime-node';",
      "const session = await ort.InferenceSession.create('model.onnx');",
      "// let label be the class the model picks, or 'unknown' when the model fails (see format).",
      ...predicting('classify', 'session', "'unknown'"),
      'export function format(label) {',
      '  return `label: ${label}`;',
      '}',
      '',
    ].join('\n');
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    assert.equal(a?.calls.length, 1);
    const copied = (r: ReturnType<typeof runAnalysis>, name: string): boolean => {
      const top = r?.ast.root.children.find((c) => r.ast.source.slice(c.start, c.end).includes(`function ${name}(`));
      return top !== undefined && !r?.ast.skipped.has(top);
    };
    // An edit inside `classify`: `format` uses `label`, which only the comment's words declare.
    const edited = text.replace('return out.label;', 'return out.label ;');
    const b = reanalyzed(first, text, edited, a?.snapshot);
    assert.ok(same(b.incremental, b.fresh));
    assert.equal(copied(b.incremental, 'format'), false);
    // The comment itself edited, then turned into code: as a fresh analysis.
    const reworded = edited.replace('the class the model picks', 'what the model picks');
    const c = reanalyzed(b.tree, edited, reworded, b.incremental?.snapshot);
    assert.ok(same(c.incremental, c.fresh));
    const code = reworded.replace(/^\/\/ let label.*$/m, 'const label = classify;');
    const d = reanalyzed(c.tree, reworded, code, c.incremental?.snapshot);
    assert.ok(same(d.incremental, d.fresh), JSON.stringify(d.incremental?.calls));
    d.tree.delete();
  });

  test('text typed in a comment reanalyzes the edited statement alone, unless it changes the names the pre-scan reads', () => {
    const ask = (note: string) => `export async function ask(q) {\n  // ${note}\n  try {\n    const r = await axios.post('https://api.openai.com/v1/chat/completions', { q }, { timeout: 5000 });\n    return r.data;\n  } catch {\n    return null;\n  }\n}\n`;
    const caller = "export async function caller(q) {\n  const r = await axios.post('https://api.openai.com/v1/chat/completions', { q });\n  return ask(r.data);\n}\n";
    const text = `import axios from 'axios';\n${ask('the answer, or null')}${caller}`;
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    assert.equal(a?.calls.length, 2);
    // A character typed in the comment of \`ask\`: its caller is not analyzed again.
    const typed = text.replace('or null', 'or null #');
    const b = reanalyzed(first, text, typed, a?.snapshot);
    assert.ok(same(b.incremental, b.fresh));
    assert.deepEqual(b.incremental?.work, { statements: 1, calls: 1 });
    // A block comment typed in the line comment, and the line comment closed into code: as a fresh analysis.
    const block = typed.replace('// the answer', '/* the answer */ //');
    const c = reanalyzed(b.tree, typed, block, b.incremental?.snapshot);
    assert.ok(same(c.incremental, c.fresh), JSON.stringify(c.incremental?.calls));
    // A name typed in the comment (a token of the pre-scan): the users of the statement are analyzed again.
    const named = block.replace('or null #', 'or null # caller');
    const d = reanalyzed(c.tree, block, named, c.incremental?.snapshot);
    assert.ok(same(d.incremental, d.fresh));
    assert.equal(d.incremental?.work.statements, 2);
    d.tree.delete();
  });

  test("an edit of a class's body reanalyzes the users of the class's name, not every caller of a method named like one of its methods; a user through an instance sees the change", () => {
    const cls = (options: string) => `class Api {\n  constructor() {\n    this.client = axios.create(${options});\n  }\n  predict(x) {\n    return this.client.post('https://api.openai.com/v1/chat/completions', { x });\n  }\n}\n`;
    const others = "export async function other(model, x) {\n  try {\n    return await model.predict(x);\n  } catch {\n    return null;\n  }\n}\n";
    const user = "const api = new Api();\nexport async function ask(q) {\n  try {\n    const r = await api.client.post('https://api.openai.com/v1/chat/completions', { q });\n    return r.data;\n  } catch {\n    return null;\n  }\n}\n";
    const text = `import axios from 'axios';\n${cls('{ timeout: 5000 }')}${others}${user}`;
    const next = `import axios from 'axios';\n${cls('{}')}${others}${user}`;
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    const b = reanalyzed(first, text, next, a?.snapshot);
    // The timeout of `ask`'s call comes from the class's constructor, through `api`: it changes as in a fresh analysis.
    const timeouts = (x: typeof a) => x?.calls.map((call) => call.checks.timeout);
    assert.notDeepEqual(timeouts(b.fresh), timeouts(a));
    assert.ok(same(b.incremental, b.fresh), JSON.stringify(b.incremental?.calls));
    // `other` calls a `predict` of an unknown object: not analyzed again (the class, `const api = …` and `ask` are).
    assert.equal(b.incremental?.work.statements, 2);
    b.tree.delete();
  });

  test('a name renamed in an import with the same pre-scan facts reanalyzes its users, not the whole file; renamed where an SDK is imported, all users of its old name', () => {
    const handler = "export async function handler(req: Req) {\n  try {\n    const r = await axios.post('https://api.openai.com/v1/chat/completions', req.body);\n    return r.data;\n  } catch {\n    return null;\n  }\n}\n";
    const other = "export async function other(q) {\n  const r = await axios.post('https://api.openai.com/v1/chat/completions', { q }, { timeout: 5000 });\n  return r.data;\n}\n";
    const text = `import axios from 'axios';\nimport type { Req } from 'next';\n${handler}${other}`;
    const first = parse(text, 'typescript');
    const a = runAnalysis(first, text, DEFAULT_CONFIG, { selective: true });
    assert.equal(a?.calls.length, 2);
    // `Req` → `Req2`: only `handler` uses it; `other` keeps its results.
    const renamed = text.replace('{ Req }', '{ Req2 }');
    const b = reanalyzed(first, text, renamed, a?.snapshot);
    assert.ok(same(b.incremental, b.fresh));
    assert.deepEqual(b.incremental?.work, { statements: 1, calls: 1 });
    // `axios` → `axios2` in its import: both users of the name it had are analyzed again.
    const sdk = renamed.replace('import axios from', 'import axios2 from');
    const c = reanalyzed(b.tree, renamed, sdk, b.incremental?.snapshot);
    assert.equal(c.incremental?.work.calls, 2);
    assert.ok(same(c.incremental, c.fresh), JSON.stringify(c.incremental?.calls));
    c.tree.delete();
  });

  test('random edits inside strings, template literals and comments, and bindings renamed where declared or everywhere: reanalysis equals a fresh analysis', () => {
    const { compared, withFindings } = compareEdits(12, 24, randomInnerEdit);
    assert.ok(compared > 200 && withFindings > 100, `${compared} edits compared, ${withFindings} with findings`);
  });

  test('a model kept in a name no statement declares (an implicit global assigned in a handler): the statements that call it are selected too', () => {
    const text = "import { pipeline } from '@xenova/transformers';\n\nself.onmessage = async (event) => {\n  classifier ??= await pipeline('sentiment-analysis');\n  self.postMessage({ output: await classifier(event.data.text) });\n};\n\nself.addEventListener('message', async (event) => {\n  const output = await classifier(event.data.text);\n  self.postMessage({ output });\n});\n";
    const kept = analyzeSource(text, 'javascript', DEFAULT_CONFIG, undefined, KEEP);
    const once = analyzeSource(text, 'javascript', DEFAULT_CONFIG);
    assert.deepEqual(kept.result.calls.map((c) => c.range.start.line), [4, 8]);
    assert.ok(same(kept.result, once.result));
    kept.tree.delete();
    once.tree.delete();
  });

  test('an edit that changes how the parser recovers from a syntax error in a statement it did not touch reanalyzes that statement', () => {
    // Deleting `({ apiKey: p` on the last line makes the fresh parse recover from `consit` in `runEta_4` differently:
    // the `session_4.run` call becomes a statement of its own, though the text and range of `runEta_4` are unchanged.
    const text = [
      "const session_4 = await ort.InferenceSession.create('models/eta.onnx');",
      'async function runEta_4(feeds: Record<string, ort.Tensor>) {',
      '  consit session_4.run(feeds);',
      '}',
      'const runSurge_4 = async (feeds: Record<string, ort.Tensor>) => {',
      '}',
      'const bounded_6 = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, timeout: 20_000, maxRetries: 1 });',
    ].join('\n');
    const next = text.replace('({ apiKey: p', '');
    const keep = { keepForEdits: true };
    const first = analyzeSource(text, 'typescript', DEFAULT_CONFIG, undefined, keep);
    editTree(first.tree, text, next);
    const incremental = analyzeSource(next, 'typescript', DEFAULT_CONFIG, first.tree, keep);
    first.tree.delete();
    const fresh = analyzeSource(next, 'typescript', DEFAULT_CONFIG);
    assert.ok(fresh.result.calls.some((c) => c.label === 'onnxruntime session.run'));
    assert.deepEqual(incremental.result, fresh.result);
    incremental.tree.delete();
    fresh.tree.delete();
  });
});
