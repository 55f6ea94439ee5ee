// tree-sitter (web-tree-sitter + grammar wasm), loaded once and lazily. The bundles ship the wasm files in
// dist/grammars; from source (tests, benchmarks) they are read from the grammar packages in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language as TsLanguage, Parser, type Tree } from 'web-tree-sitter';
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
  const tree = parser.parse(source, oldTree ?? null);
  if (!tree) throw new Error(`tree-sitter could not parse the ${lang} source.`);
  if (!oldTree || !tree.rootNode.hasError) return tree;
  // An incremental reparse reuses the old tree's tokens and subtrees, and around a syntax error that can recover
  // differently from a parse of the whole text (`try {` edited to `try_x {`: the old `catch` keyword token is reused
  // where a fresh parse reads `catch (err)` as a call), and later reparses carry the difference on. The top-level
  // statements with an error where the edit or the reparse changed something are parsed again with none of their old
  // tokens reused.
  const span = erroneousEditedSpan(oldTree, tree);
  if (!span) return tree;
  tree.edit({ startIndex: span.start.index, oldEndIndex: span.end.index, newEndIndex: span.end.index, startPosition: span.start.position, oldEndPosition: span.end.position, newEndPosition: span.end.position });
  const again = parser.parse(source, tree);
  tree.delete();
  if (!again) throw new Error(`tree-sitter could not parse the ${lang} source.`);
  return again;
}

interface Place {
  index: number;
  position: { row: number; column: number };
}

/**
 * The span from the first to the last top-level statement of `tree` (the incremental reparse of the edited `oldTree`)
 * that holds a syntax error and overlaps a part the edit touched (an old statement with changes) or the reparse
 * changed (`getChangedRanges`); undefined when there is none.
 */
function erroneousEditedSpan(oldTree: Tree, tree: Tree): { start: Place; end: Place } | undefined {
  const touched: { start: number; end: number }[] = oldTree.getChangedRanges(tree).map((r) => ({ start: r.startIndex, end: r.endIndex }));
  const old = oldTree.walk();
  try {
    if (old.gotoFirstChild()) {
      do {
        const n = old.currentNode;
        if (n.hasChanges) touched.push({ start: n.startIndex, end: n.endIndex });
      } while (old.gotoNextSibling());
    }
  } finally {
    old.delete();
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
