// tree-sitter (web-tree-sitter + grammar wasm), loaded once and lazily. The bundles ship the wasm files in
// dist/grammars; from source (tests, benchmarks) they are read from the grammar packages in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Edit, Language as TsLanguage, type Node, Parser, type Tree } from 'web-tree-sitter';
import type { Language } from './types';

const GRAMMARS: Record<Language, { pkg: string; file: string }> = {
  python: { pkg: 'tree-sitter-python', file: 'tree-sitter-python.wasm' },
  typescript: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-typescript.wasm' },
  tsx: { pkg: 'tree-sitter-typescript', file: 'tree-sitter-tsx.wasm' },
  javascript: { pkg: 'tree-sitter-javascript', file: 'tree-sitter-javascript.wasm' },
};

/** Where a wasm file is: beside the bundle (dist/grammars) or inside its npm package. */
export function locateWasm(pkg: string, file: string): string {
  const bundled = join(__dirname, 'grammars', file);
  if (existsSync(bundled)) return bundled;
  const req = createRequire(join(process.cwd(), 'package.json'));
  try {
    return req.resolve(`${pkg}/${file}`);
  } catch {
    return createRequire(__filename).resolve(`${pkg}/${file}`);
  }
}

let ready: Promise<void> | undefined;
const languages = new Map<Language, TsLanguage>();

/**
 * The cursor functions of tree-sitter's wasm module. web-tree-sitter's TreeCursor copies the cursor's four words into
 * a transfer buffer before every call and back after each move, in JavaScript; a walk that calls the module directly
 * leaves them there (see js/ast.ts). Emscripten makes the options object given to `Parser.init` the module itself.
 */
export interface CursorModule {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

const CURSOR_FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm', '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
] as const;

let cursorModule: CursorModule | undefined;

/** tree-sitter's cursor functions, when this web-tree-sitter build exposes them (else the analysis uses TreeCursor). */
export function treeSitterCursorModule(): CursorModule | undefined {
  return cursorModule;
}

/** Loads tree-sitter and the grammars. Safe to call many times. */
export function loadGrammars(): Promise<void> {
  ready ??= (async () => {
    const options: Record<string, unknown> = { locateFile: (name: string) => locateWasm('web-tree-sitter', name) };
    await Parser.init(options);
    if (options.HEAP32 instanceof Int32Array && CURSOR_FUNCTIONS.every((f) => typeof options[f] === 'function')) cursorModule = options as unknown as CursorModule;
    for (const [lang, g] of Object.entries(GRAMMARS) as [Language, { pkg: string; file: string }][]) {
      languages.set(lang, await TsLanguage.load(locateWasm(g.pkg, g.file)));
    }
  })();
  return ready;
}

const parsers = new Map<Language, Parser>();

/** Parses with the grammar of `lang`; `loadGrammars()` must have resolved. Pass the edited old tree to reparse incrementally. */
export function parse(source: string, lang: Language, oldTree?: Tree | null): Tree {
  let parser = parsers.get(lang);
  if (!parser) {
    const language = languages.get(lang);
    if (!language) throw new Error('tree-sitter grammars are not loaded yet: await loadGrammars() first.');
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(lang, parser);
  }
  if (!oldTree) {
    const tree = parser.parse(source);
    if (!tree) throw new Error(`tree-sitter could not parse the ${lang} source.`);
    return tree;
  }
  // An incremental reparse reuses the old tree's tokens and subtrees, and around a syntax error that can recover
  // differently from a parse of the whole text (`try {` edited to `try_x {`: the old `catch` keyword token is reused
  // where a fresh parse reads `catch (err)` as a call), and later reparses carry the difference on. The top-level
  // statements of the new tree with an error where the edit or the reparse changed something are therefore parsed with
  // none of their old tokens reused. When the old tree already has an error, the statements the edit touched are
  // expected to hold one and are read anew in the first reparse (see `invalidatedBeforeReparse`); only an error
  // elsewhere (outside them) takes a second reparse.
  let old = oldTree.rootNode.hasError ? topLevel(oldTree) : undefined;
  const prior = old ? invalidatedBeforeReparse(old, lang !== 'python') : undefined;
  const base = prior ? oldTree.copy() : oldTree;
  try {
    if (prior) base.edit(invalidation(prior));
    const tree = parser.parse(source, base);
    if (!tree) throw new Error(`tree-sitter could not parse the ${lang} source.`);
    if (!tree.rootNode.hasError) return tree;
    const span = erroneousEditedSpan((old ??= topLevel(oldTree)), oldTree, tree);
    if (!span || (prior && prior.start.index <= span.start.index && span.end.index <= prior.end.index)) return tree;
    tree.edit(invalidation(span));
    const again = parser.parse(source, tree);
    tree.delete();
    if (!again) throw new Error(`tree-sitter could not parse the ${lang} source.`);
    return again;
  } finally {
    if (base !== oldTree) base.delete();
  }
}

interface Place {
  index: number;
  position: { row: number; column: number };
}

interface Span {
  start: Place;
  end: Place;
}

/** An edit that changes nothing in the text but makes the reparse read `span` anew, reusing none of its old tokens. */
function invalidation(span: Span): Edit {
  return { startIndex: span.start.index, oldEndIndex: span.end.index, newEndIndex: span.end.index, startPosition: span.start.position, oldEndPosition: span.end.position, newEndPosition: span.end.position };
}

/** The top-level statements of the edited old tree, and the first and last the edit touched (-1 when none). */
interface TopLevel {
  nodes: (Node | null)[];
  first: number;
  last: number;
}

function topLevel(oldTree: Tree): TopLevel {
  const nodes = oldTree.rootNode.children;
  let first = -1;
  let last = -1;
  for (let k = 0; k < nodes.length; k++) {
    if (!nodes[k]?.hasChanges) continue;
    if (first < 0) first = k;
    last = k;
  }
  return { nodes, first, last };
}

/**
 * What the first reparse reads anew when the old tree has a syntax error: from the first to the last top-level
 * statement the edit touched that holds an error — or, with `clean`, any it touched — widened by one statement on either
 * side when that one holds an error (an edit next to a broken statement often changes how far it reaches). Measured
 * on the benchmark's piled edits, this spares most second reparses; in Python, whose top-level statements are whole
 * classes and functions, reading untouched-by-error statements anew costs more than the second reparses it spares.
 */
function invalidatedBeforeReparse(old: TopLevel, clean: boolean): Span | undefined {
  const { nodes } = old;
  let first = -1;
  let last = -1;
  for (let k = old.first; k >= 0 && k <= old.last; k++) {
    const n = nodes[k] as Node;
    if (!n.hasChanges || (!clean && !n.hasError)) continue;
    if (first < 0) first = k;
    last = k;
  }
  if (first < 0) return undefined;
  if (first > 0 && nodes[first - 1]?.hasError) first--;
  if (last < nodes.length - 1 && nodes[last + 1]?.hasError) last++;
  const a = nodes[first] as Node;
  const b = nodes[last] as Node;
  return { start: { index: a.startIndex, position: a.startPosition }, end: { index: b.endIndex, position: b.endPosition } };
}

/**
 * The span from the first to the last top-level statement of `tree` (the incremental reparse of the edited `oldTree`)
 * that holds a syntax error and overlaps a part the edit touched (an old statement with changes) or the reparse
 * changed (`getChangedRanges`); undefined when there is none.
 */
function erroneousEditedSpan(old: TopLevel, oldTree: Tree, tree: Tree): Span | undefined {
  const touched: { start: number; end: number }[] = oldTree.getChangedRanges(tree).map((r) => ({ start: r.startIndex, end: r.endIndex }));
  for (let k = old.first; k >= 0 && k <= old.last; k++) {
    const n = old.nodes[k] as Node;
    if (n.hasChanges) touched.push({ start: n.startIndex, end: n.endIndex });
  }
  let start: Place | undefined;
  let end: Place | undefined;
  const cursor = tree.walk();
  try {
    if (cursor.gotoFirstChild()) {
      do {
        const a = cursor.startIndex;
        const b = cursor.endIndex;
        if (!touched.some((r) => r.start <= b && a <= r.end)) continue;
        const n = cursor.currentNode;
        if (!n.hasError) continue;
        start ??= { index: a, position: n.startPosition };
        end = { index: b, position: n.endPosition };
      } while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  return start && end ? { start, end } : undefined;
}

export function languageForPath(path: string): Language | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.py') || lower.endsWith('.pyi') || lower.endsWith('.ipynb')) return 'python';
  if (lower.endsWith('.tsx')) return 'tsx';
  if (lower.endsWith('.ts') || lower.endsWith('.mts') || lower.endsWith('.cts')) return 'typescript';
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs') || lower.endsWith('.jsx')) return 'javascript';
  return undefined;
}

export function languageForId(languageId: string): Language | undefined {
  switch (languageId) {
    case 'python':
      return 'python';
    case 'typescript':
      return 'typescript';
    case 'typescriptreact':
      return 'tsx';
    case 'javascript':
    case 'javascriptreact':
      return 'javascript';
    default:
      return undefined;
  }
}
