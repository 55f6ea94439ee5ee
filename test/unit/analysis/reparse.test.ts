// parse() with an edited old tree: around syntax errors the incremental reparse reads the broken top-level statements
// anew, so that its tree is the tree of a fresh parse, and it does so in one reparse where the old tree says which
// statements need it (the edit landed in a broken statement, or next to one).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Parser, type Tree } from 'web-tree-sitter';
import { changedRanges, loadGrammars, parse, setRawStatements } from '../../../src/core/analysis/parser';
import type { Language } from '../../../src/core/analysis/types';
import { mulberry32 } from '../../../src/core/util/random';
import { position } from './editTree';

/** Every node of `tree`: type, byte range, field and whether tree-sitter inserted it (MISSING), in document order. */
function shape(tree: Tree): string {
  const c = tree.walk();
  const out: string[] = [];
  try {
    for (;;) {
      out.push(`${c.nodeType}${c.nodeIsMissing ? '!' : ''}@${c.startIndex}-${c.endIndex}:${c.currentFieldName ?? ''}`);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) return out.join(' ');
    }
  } finally {
    c.delete();
  }
}

// The prototype's own method, put back after the tests and called through `apply` with the parser as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const realParse = Parser.prototype.parse;
let parses = 0;

/**
 * Parses `text`, replaces the first `from` by `to`, reparses incrementally; returns how many times tree-sitter parsed
 * for that reparse, and whether its tree is the tree of a fresh parse of the new text.
 */
function reparse(lang: Language, text: string, from: string, to: string): { parses: number; same: boolean; broken: boolean } {
  const start = text.indexOf(from);
  assert.ok(start >= 0, from);
  const oldEnd = start + from.length;
  const next = text.slice(0, start) + to + text.slice(oldEnd);
  const tree = parse(text, lang);
  assert.ok(tree.rootNode.hasError, 'the text before the edit has a syntax error');
  tree.edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + to.length, startPosition: position(text, start), oldEndPosition: position(text, oldEnd), newEndPosition: position(next, start + to.length) });
  parses = 0;
  const incremental = parse(next, lang, tree);
  const counted = parses;
  const fresh = parse(next, lang);
  try {
    return { parses: counted, same: shape(incremental) === shape(fresh), broken: fresh.rootNode.hasError };
  } finally {
    for (const t of [tree, incremental, fresh]) t.delete();
  }
}

const TS = "const a = [1, 2;\nfunction f(x) {\n  return x + 1;\n}\nexport function g(y) {\n  try {\n    return y;\n  } catch (err) {\n    return null;\n  }\n}\nconst b = { c: 1;\n";
const PY = "import os\nx = [1, 2\n\ndef f(a):\n    return a + 1\n\ndef g(b):\n    try:\n        return b\n    except Exception:\n        return None\n\ny = {'a': 1\n";

describe('incremental reparse around syntax errors', () => {
  before(async () => {
    await loadGrammars();
    Parser.prototype.parse = function (this: Parser, ...args: Parameters<Parser['parse']>) {
      parses++;
      return realParse.apply(this, args);
    };
  });
  after(() => {
    Parser.prototype.parse = realParse;
  });

  test('an edit inside a top-level statement that already holds a syntax error: one reparse, the tree of a fresh parse', () => {
    for (const [lang, text, from, to] of [['typescript', TS, '[1, 2;', '[1, 2, 3;'], ['javascript', TS, '[1, 2;', '[1, 2, 3;'], ['python', PY, '[1, 2', '[1, 2, 3'], ['python', PY, 'try:', 'try_v4:']] as const) {
      assert.deepEqual(reparse(lang, text, from, to), { parses: 1, same: true, broken: true }, `${lang}: ${from} -> ${to}`);
    }
  });

  test('JavaScript/TypeScript, a file with a syntax error elsewhere: an edit that breaks a clean statement takes one reparse, the tree of a fresh parse', () => {
    // `try {` made `try_v4 {`: reusing the old `catch` keyword token gave another tree than a fresh parse, so the
    // statement is read anew; it is read anew before the first reparse, not after it.
    for (const [lang, text, from, to] of [['typescript', TS, 'try {', 'try_v4 {'], ['javascript', TS, 'try {', 'try_v4 {'], ['tsx', TS, 'return x + 1;', 'return x + ;']] as const) {
      assert.deepEqual(reparse(lang, text, from, to), { parses: 1, same: true, broken: true }, `${lang}: ${from} -> ${to}`);
    }
  });

  test('an edit next to a broken top-level statement reads that statement anew too: one reparse, the tree of a fresh parse', () => {
    // `]` typed in `function f`: the reparse changes how far the broken `const a = [1, 2;` above it reaches.
    assert.deepEqual(reparse('typescript', TS, 'function f(x)', 'functi]on f(x)'), { parses: 1, same: true, broken: true });
  });

  test('JavaScript/TypeScript, a clean file broken by the edit: the statement after the broken ones is read anew too, the tree of a fresh parse', () => {
    // A line break typed in the first comment makes its rest code, which runs on into the import below it in a fresh
    // parse; reused whole, the import ended the broken statement before it (two statements instead of one).
    const text = "// Node batch worker: scores a queue of jobs, with a per-batch fallback.\nimport * as ort from 'onnxruntime-node';\nimport { createLogger } from './logging.js';\n\nconst log = createLogger('batch');\n";
    const from = '// Node batch';
    const to = '// Node ba\ntch';
    for (const lang of ['javascript', 'typescript'] as const) {
      const tree = parse(text, lang);
      assert.equal(tree.rootNode.hasError, false);
      const start = text.indexOf(from);
      const next = text.slice(0, start) + to + text.slice(start + from.length);
      tree.edit({ startIndex: start, oldEndIndex: start + from.length, newEndIndex: start + to.length, startPosition: position(text, start), oldEndPosition: position(text, start + from.length), newEndPosition: position(next, start + to.length) });
      const incremental = parse(next, lang, tree);
      const fresh = parse(next, lang);
      try {
        assert.ok(fresh.rootNode.hasError);
        assert.equal(shape(incremental), shape(fresh), lang);
      } finally {
        for (const t of [tree, incremental, fresh]) t.delete();
      }
    }
  });

  test('an error the edit causes outside the statements read anew is parsed again: the tree of a fresh parse', () => {
    // The Python rule reads anew only statements that were broken: a clean `def` broken by the edit takes a second reparse.
    const text = "import os\n\ndef h(c):\n    return c * 2\n\n\ndef k():\n    pass\n\ny = {'a': 1\n";
    assert.deepEqual(reparse('python', text, 'return c * 2', 'return c *'), { parses: 2, same: true, broken: true });
  });
  test('reading the top-level statements from tree-sitter\'s memory reparses as reading them as Node objects does', () => {
    // Random one-place edits of texts with syntax errors: the same tree and the same number of parses either way.
    const rng = mulberry32(29);
    const texts = [['typescript', TS], ['javascript', TS], ['tsx', TS], ['python', PY]] as const;
    const pieces = ['', 'x', ' ', '#', ']', '{', '}', '(', ';', '\n', 'try {', 'return', ':'];
    let broken = 0;
    try {
      for (let round = 0; round < 240; round++) {
        const [lang, base] = texts[round % texts.length] as (typeof texts)[number];
        // A second break somewhere else half the time, so the old tree's error is not always where the edit is.
        const at0 = Math.floor(rng() * base.length);
        const text = rng() < 0.5 ? base : base.slice(0, at0) + (pieces[Math.floor(rng() * pieces.length)] as string) + base.slice(at0);
        const from = text.slice(Math.floor(rng() * text.length));
        const cut = from.slice(0, Math.floor(rng() * 4));
        if (cut.length === 0 && rng() < 0.5) continue;
        const to = pieces[Math.floor(rng() * pieces.length)] as string;
        const start = text.length - from.length;
        const next = text.slice(0, start) + to + text.slice(start + cut.length);
        const runs = [true, false].map((raw) => {
          setRawStatements(raw);
          const tree = parse(text, lang);
          tree.edit({ startIndex: start, oldEndIndex: start + cut.length, newEndIndex: start + to.length, startPosition: position(text, start), oldEndPosition: position(text, start + cut.length), newEndPosition: position(next, start + to.length) });
          parses = 0;
          const incremental = parse(next, lang, tree);
          try {
            return { parses, shape: shape(incremental), broken: tree.rootNode.hasError || incremental.rootNode.hasError };
          } finally {
            tree.delete();
            incremental.delete();
          }
        });
        assert.deepEqual(runs[0], runs[1], JSON.stringify({ lang, text, start, cut, to }));
        if (runs[0]?.broken) broken++;
      }
    } finally {
      setRawStatements(true);
    }
    assert.ok(broken > 150, `${broken} reparses around a syntax error`);
  });

  test('changedRanges: the ranges parse found for the tree it returned, once; getChangedRanges for any other pair', () => {
    const ranges = (a: Tree, b: Tree) => a.getChangedRanges(b).map((r) => ({ start: r.startIndex, end: r.endIndex }));
    const at = TS.indexOf('return x');
    const next = `${TS.slice(0, at)}return_x ${TS.slice(at + 'return'.length)}`;
    const old = parse(TS, 'typescript');
    old.edit({ startIndex: at, oldEndIndex: at + 6, newEndIndex: at + 9, startPosition: position(TS, at), oldEndPosition: position(TS, at + 6), newEndPosition: position(next, at + 9) });
    const tree = parse(next, 'typescript', old);
    const other = parse(next, 'typescript');
    try {
      assert.ok(tree.rootNode.hasError);
      const expected = ranges(old, tree);
      assert.deepEqual(changedRanges(old, tree), expected);
      assert.deepEqual(changedRanges(old, tree), expected);
      assert.deepEqual(changedRanges(old, other), ranges(old, other));
    } finally {
      for (const t of [old, tree, other]) t.delete();
    }
  });

  test('reparses of a file that keeps its syntax error, with the changed ranges read as the analysis reads them, leave no earlier tree reachable', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const earlier: WeakRef<Tree>[] = [];
    for (const lang of ['typescript', 'python'] as const) {
      let text = lang === 'python' ? PY : TS;
      let tree = parse(text, lang);
      for (let i = 0; i < 12; i++) {
        const at = text.indexOf('return');
        const next = `${text.slice(0, at)} ${text.slice(at)}`;
        tree.edit({ startIndex: at, oldEndIndex: at, newEndIndex: at + 1, startPosition: position(text, at), oldEndPosition: position(text, at), newEndPosition: position(next, at + 1) });
        const reparsed = parse(next, lang, tree);
        assert.ok(reparsed.rootNode.hasError);
        if (lang !== 'python') changedRanges(tree, reparsed);
        earlier.push(new WeakRef(tree));
        tree.delete();
        tree = reparsed;
        text = next;
      }
      tree.delete();
    }
    // (A WeakRef keeps its target until the job that made it ends.)
    await new Promise((r) => setTimeout(r, 0));
    gc();
    assert.equal(earlier.filter((r) => r.deref() !== undefined).length, 0);
  });
});
